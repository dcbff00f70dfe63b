"""Between a post's front matter and the desk's form: what the form shows for a file, and the value each field of a
form asks the file to hold (the file's own value, as typed, whenever the form did not change its meaning)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from generator.desk.frontmatter_edit import REMOVE, same
from generator.model import content, documents, embeds
from generator.model.entries import PHOTO_SUFFIXES


@dataclass
class Photo:
    file: str
    caption: str = ""
    alt: str = ""
    credit: str | None = ""     # None: the form did not send the field, the file's own value stays


@dataclass
class Attachment:
    """An attachment as the form shows it: its title, and what kind of public document it is (registry.py), the
    fields staff set for a decree or an announcement; the other registry fields stay as the file has them."""

    file: str
    title: str | None = ""      # None: the form did not send the field, the file's own value stays
    jenis: str | None = ""
    nomor: str | None = ""
    tanggal: str | None = ""
    tentang: str | None = ""
    kip: str | None = ""


ATTACHMENT_KEYS = ("file", "title", "jenis", "nomor", "tanggal", "tentang", "kip")
PHOTO_KEYS = ("file", "caption", "alt", "credit")


@dataclass
class Form:
    """What the desk's form shows; strings as typed."""

    kind: str = "post"
    title: str = ""
    date: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    summary: str = ""
    event_start: str = ""
    event_end: str = ""
    event_place: str = ""
    body: str = ""
    photos: list[Photo] = field(default_factory=list)
    cover: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    youtube: list[str] = field(default_factory=list)
    status: str = "draf"
    # None below: the form did not send the field (a tab opened before it came), the file's own value stays
    menu: str | None = ""               # a page's place in the top menu, as typed ("" for none)
    pinned_until: str | None = ""       # a post leads the front page until then
    cover_hidden: bool | None = False   # the post's page does not show its cover at the top


# The fields the form manages, in the order the staff guide writes them (a field a file lacks is added after the
# nearest one before it here that the file has); any other field is left as it is.
ORDER = ("title", "date", "menu", "category", "tags", "summary", "event", "cover", "cover_hidden", "gallery",
         "attachments", "draft", "pinned_until")
_LONE_URL = re.compile(r"^ {0,3}<?(https?://[^\s<>]+)>?\s*$")


def text_of(value) -> str:
    """A scalar as the form shows it ('' for nothing, lists and maps)."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def date_text(value, zone: ZoneInfo, with_time: bool = True) -> str:
    """A date of the file as the form shows it: 'YYYY-MM-DD HH:MM' in the site's zone ('YYYY-MM-DD' for a day
    when with_time is False); the text as typed when it is no date the build reads."""
    typed = text_of(value)
    parsed = content.parse_date(typed, zone) if typed else None
    if parsed is None:
        return typed
    moment, has_time = parsed
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M") if has_time or with_time else local.strftime("%Y-%m-%d")


def youtube_lines(body: str) -> list[str]:
    """The YouTube addresses standing alone on a line of the body, in order."""
    found = []
    for line in body.split("\n"):
        match = _LONE_URL.match(line)
        if match and embeds.youtube(match.group(1)) and match.group(1) not in found:
            found.append(match.group(1))
    return found


def form_of(meta: dict, body: str, kind: str, zone: ZoneInfo, files: list[str], now: dt.datetime) -> Form:
    """The form for a file's front matter (as read, fields maybe invalid) and body."""
    event = meta.get("event") if isinstance(meta.get("event"), dict) else {}
    photos = [Photo(*item) for item in _items(meta.get("gallery"), PHOTO_KEYS)]
    listed = {p.file for p in photos}
    photos += [Photo(name) for name in files if name not in listed
               and _suffix(name) in PHOTO_SUFFIXES]
    attachments = [Attachment(*item) for item in _items(meta.get("attachments"), ATTACHMENT_KEYS)]
    named = {a.file for a in attachments}
    attachments += [Attachment(name) for name in files if name not in named
                    and _suffix(name) in documents.DOCUMENT_SUFFIXES]
    tags = meta.get("tags")
    draft = meta.get("draft") is True
    parsed = content.parse_date(text_of(meta.get("date")), zone) if meta.get("date") is not None else None
    status = "draf" if draft else "jadwal" if parsed and parsed[0] > now else "terbit"
    return Form(
        kind=kind, title=text_of(meta.get("title")),
        date=date_text(meta.get("date"), zone) if meta.get("date") is not None else "",
        category=text_of(meta.get("category")),
        tags=[text_of(t) for t in (tags if isinstance(tags, list) else [tags] if tags is not None else [])
              if text_of(t)],
        summary=text_of(meta.get("summary")),
        event_start=date_text(event.get("start"), zone, with_time=False) if event.get("start") is not None else "",
        event_end=date_text(event.get("end"), zone, with_time=False) if event.get("end") is not None else "",
        event_place=text_of(event.get("place")),
        body=body, photos=photos, cover=text_of(meta.get("cover")), attachments=attachments,
        youtube=youtube_lines(body), status=status, menu=text_of(meta.get("menu")) if kind == "page" else "",
        pinned_until=date_text(meta.get("pinned_until"), zone, with_time=False)
        if kind == "post" and meta.get("pinned_until") is not None else "",
        cover_hidden=meta.get("cover_hidden") is True)


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _items(value, keys: tuple) -> list[tuple]:
    """The entries of a gallery or attachments list as tuples of texts (a bare name is the file alone)."""
    found = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            item = {"file": item}
        if isinstance(item, dict) and isinstance(item.get("file"), str):
            found.append(tuple(text_of(item.get(k)) for k in keys))
    return found


@dataclass(frozen=True)
class Wanted:
    """What a form asks of a file: each managed field's value (REMOVE: no such field) and the body."""

    fields: dict
    body: str


def wanted(old: dict, form: Form, zone: ZoneInfo, now: dt.datetime, old_body: str) -> Wanted:
    """The field values the form asks for, each the file's own value when its meaning did not change."""
    date = _date(old.get("date"), form, zone, now)
    values = {
        "title": typed_text(old.get("title"), form.title),
        "date": date,
        "menu": _menu(old.get("menu"), form),
        "category": typed_text(old.get("category"), form.category),
        "tags": _tags(old.get("tags"), form.tags),
        "summary": typed_text(old.get("summary"), form.summary),
        "event": _event(old.get("event"), form, zone),
        "cover": typed_text(old.get("cover"), form.cover),
        "cover_hidden": _cover_hidden(old.get("cover_hidden"), form),
        "gallery": _gallery(old.get("gallery"), form.photos),
        "attachments": _attachments(old.get("attachments"), form.attachments),
        "draft": _draft(old.get("draft"), form.status),
        "pinned_until": _pinned(old.get("pinned_until"), form, zone),
    }
    return Wanted(values, body_with_videos(form.body, form.youtube, youtube_lines(old_body)))


def typed_text(old, typed: str):
    """The value a text field asks a file to hold: the file's own (as written) while the typed text means the same,
    else the typed text; REMOVE when it was emptied, None when the file has none and none was typed."""
    typed = typed.strip()
    if not typed:
        return old if old is None or text_of(old) == "" and not isinstance(old, (dict, list)) else REMOVE
    return old if text_of(old) == typed and not isinstance(old, (dict, list)) else typed


def _menu(old, form: Form):
    """A page's menu place: a number as a number (the build reads only those; anything else it names on its line),
    nothing for a page kept out of the menu. A post's field stays as the file has it (the build ignores it)."""
    if form.kind != "page" or form.menu is None:
        return old
    typed = form.menu.strip()
    if not typed:
        return REMOVE if old is not None else None
    if text_of(old) == typed and not isinstance(old, (dict, list)):
        return old
    return int(typed) if typed.isascii() and typed.isdigit() and len(typed) < 16 else typed


def _pinned(old, form: Form, zone: ZoneInfo):
    """Until when a post leads the front page: a day or a day and time as the build reads them; nothing once
    emptied. A page's field stays as the file has it."""
    if form.kind != "post" or form.pinned_until is None:
        return old
    typed = form.pinned_until.strip()
    if not typed:
        return REMOVE if old is not None else None
    return _day(old, typed, zone)


def _cover_hidden(old, form: Form):
    if form.kind != "post" or form.cover_hidden is None:
        return old
    return _flag(old, form.cover_hidden)


def _day(old, typed: str, zone: ZoneInfo):
    """A typed day (maybe with its time) for a field: the file's own value when the form shows it as typed, else
    the day as the guide writes it, or the text as typed when it is no date (the build names it on its line)."""
    moment = content.parse_date(typed.replace("T", " "), zone)
    if moment is None:
        return typed.replace("T", " ")
    if old is not None and _shown_same(old, moment, zone, False):
        return old
    return moment[0].astimezone(zone).strftime("%Y-%m-%d %H:%M" if moment[1] else "%Y-%m-%d")


def _date(old, form: Form, zone: ZoneInfo, now: dt.datetime):
    typed = form.date.strip()
    if not typed:
        return REMOVE if form.kind == "page" or old is None else old
    moment = content.parse_date(typed.replace("T", " "), zone)
    if form.status == "terbit" and moment and moment[0] > now:
        moment = (now.astimezone(zone).replace(second=0, microsecond=0), True)
    if moment is None:
        return typed
    if old is not None and _shown_same(old, moment, zone, True):
        return old
    return moment[0].astimezone(zone).strftime("%Y-%m-%d %H:%M" if moment[1] else "%Y-%m-%d")


def _shown_same(old, moment: tuple, zone: ZoneInfo, with_time: bool) -> bool:
    """The file's date is the one the form holds: the form shows it (to the minute) as the typed date reads."""
    written = moment[0].astimezone(zone).strftime("%Y-%m-%d %H:%M" if moment[1] or with_time else "%Y-%m-%d")
    shown = date_text(old, zone, with_time)
    return shown == written or (not moment[1] and shown == written + " 00:00")


def _tags(old, tags: list[str]):
    clean = [t.strip() for t in tags if t.strip()]
    current = [text_of(t) for t in old] if isinstance(old, list) else [text_of(old)] if old is not None else None
    if not clean:
        return old if old is None or old == [] else REMOVE
    return old if current == clean else clean


def _event(old, form: Form, zone: ZoneInfo):
    start, end, place = form.event_start.strip(), form.event_end.strip(), form.event_place.strip()
    if not (start or end or place):
        return REMOVE if old is not None else None
    old_map = old if isinstance(old, dict) else {}
    result = dict(old_map)
    for name, typed in (("start", start), ("end", end)):
        if not typed:
            result.pop(name, None)
        else:
            result[name] = _day(old_map.get(name), typed, zone)
    if not place:
        result.pop("place", None)
    elif text_of(old_map.get("place")) != place:
        result["place"] = place
    if "start" in result:           # start first, as the guide writes it
        result = {"start": result["start"], **{k: v for k, v in result.items() if k != "start"}}
    return old if same(result, old_map) and old is not None else result


def _listed(old, entries: list[tuple], keys: tuple):
    """A gallery or attachments list: each entry the file's own when unchanged, else its keys as the form has them."""
    before = {}
    for item in old if isinstance(old, list) else []:
        name = item if isinstance(item, str) else item.get("file") if isinstance(item, dict) else None
        if isinstance(name, str):
            before.setdefault(name.strip(), item)
    result = []
    for values in entries:
        item = before.get(values[0])
        shown = dict(zip(keys, values))
        if isinstance(item, str):
            item = {"file": item}
        new = dict(item) if isinstance(item, dict) else {"file": values[0]}
        for key, value in shown.items():
            if key == "file" or value is None:        # None: a field the form did not send keeps the file's value
                continue
            if value:
                if text_of(new.get(key)) != value:
                    new[key] = value
            else:
                new.pop(key, None)
        original = before.get(values[0])
        result.append(original if original is not None and same(new, original if isinstance(original, dict)
                                                               else {"file": original}) else new)
    if not result:
        return old if old is None or old == [] else REMOVE
    return old if same(result, old) else result


def _unnamed_tail(old, entries: list[tuple], shown: set[str]) -> list[tuple]:
    """entries without the files the list never named that end it with no caption, alt or title, in file-name
    order, when the build shows such files (their suffix in shown) there, in that order, anyway, so the file need
    not name them. A video is shown (and played) only when named, so a tail holding one stays as it is."""
    listed = {item if isinstance(item, str) else item.get("file") for item in (old if isinstance(old, list) else [])
              if isinstance(item, (str, dict))}
    tail = len(entries)
    while tail and entries[tail - 1][0] not in listed and not any(entries[tail - 1][1:]) \
            and _suffix(entries[tail - 1][0]) in shown:
        tail -= 1
    names = [e[0] for e in entries[tail:]]
    return entries[:tail] if names == sorted(names) else entries


def _gallery(old, photos: list[Photo]):
    entries = [tuple(None if getattr(p, key) is None else getattr(p, key).strip() for key in PHOTO_KEYS)
               for p in photos if p.file.strip()]
    return _listed(old, _unnamed_tail(old, entries, PHOTO_SUFFIXES), PHOTO_KEYS)


def _attachments(old, attachments: list[Attachment]):
    entries = [tuple(None if getattr(a, key) is None else getattr(a, key).strip() for key in ATTACHMENT_KEYS)
               for a in attachments if a.file.strip()]
    return _listed(old, _unnamed_tail(old, entries, documents.DOCUMENT_SUFFIXES), ATTACHMENT_KEYS)


def _draft(old, status: str):
    return _flag(old, status == "draf")


def _flag(old, on: bool):
    """A true/false field: `true` when on (the file's own when it says so), no field when off."""
    if on:
        return old if old is True else True
    return REMOVE if old is True else old


def body_with_videos(body: str, videos: list[str], before: list[str]) -> str:
    """The body with each YouTube address of the form on a line of its own: added ones at the end, removed ones
    taken out."""
    body = body.replace("\r\n", "\n")
    present = youtube_lines(body)
    removed = [url for url in before if url not in videos]
    if removed:
        body = "\n".join(line for line in body.split("\n")
                         if not ((m := _LONE_URL.match(line)) and m.group(1) in removed))
    added = [url.strip() for url in videos if url.strip() and url.strip() not in present]
    if added:
        body = body.rstrip("\n") + "\n\n" + "\n\n".join(added) + "\n"
    return body
