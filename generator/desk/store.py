"""The desk's store: posts and pages read into forms and written back as a person would write them (see
DESK-CONTRACT: the functions desk-ui codes against). Pure data and file operations, no web code.

Every function takes the site folder first. A mistake the person can make (a key that names no post, a key
outside content/, a missing file) raises DeskError with an Indonesian sentence; nothing else escapes."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Literal
from zoneinfo import ZoneInfo

from generator.core import yamltext
from generator.core.report import Problems
from generator.desk import checks, forms, uploads
from generator.desk import history as history_module
from generator.desk.forms import REMOVE, Attachment, Form, Photo  # noqa: F401  (part of the store's API)
from generator.desk.frontmatter_edit import Source, edit, parse, read
from generator.model import config as config_module
from generator.model import content, discovery, documents, portable, urls
from generator.model.entries import name_slug, plain_slug

Status = Literal["draf", "terjadwal", "terbit"]


class DeskError(Exception):
    """A request the store cannot carry out, said in Indonesian for the person at the desk."""


@dataclass(frozen=True)
class EntrySummary:
    key: str
    kind: str
    title: str
    status: Status
    date: dt.datetime | None
    category: str | None
    views: int | None
    problems: list[str]


FieldProblem = checks.FieldProblem


@dataclass(frozen=True)
class Opened:
    key: str
    form: Form
    version: str
    problems: list[FieldProblem]


@dataclass(frozen=True)
class Saved:
    key: str
    version: str
    problems: list[FieldProblem]
    kept_as_draft: bool


@dataclass(frozen=True)
class Conflict:
    key: str
    theirs: str
    mine: str
    theirs_version: str


Stored = uploads.Stored


@dataclass(frozen=True)
class Version:
    id: str
    time: dt.datetime
    size: int


@dataclass(frozen=True)
class Trashed:
    id: str
    key: str
    title: str
    time: dt.datetime


def _plain_errors(function):
    """A file the store cannot read or write (disk full, no permission, a file in use on Windows) becomes a
    DeskError the desk can show, never a traceback."""
    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except OSError as err:
            where = f" ({Path(err.filename).name})" if err.filename else ""
            raise DeskError(f"Berkas tidak bisa dibaca atau ditulis{where}: {err.strerror or err}. Periksa ruang "
                            "disk dan izin folder situs, lalu coba lagi.") from None
    return wrapped


_ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _config(site: Path) -> config_module.Config:
    problems = Problems()
    loaded = config_module.load(site / "config.yaml", problems)
    if loaded is None:
        first = problems.errors[0] if problems.errors else None
        raise DeskError(f"Pengaturan situs tidak bisa dibaca: {first}" if first else
                        "Pengaturan situs (config.yaml) tidak bisa dibaca.")
    return loaded


def _zone(site: Path) -> ZoneInfo:
    return ZoneInfo(_config(site).site.timezone)


def version_of(data: bytes) -> str:
    """The conflict check's base: a digest of the file's bytes."""
    return hashlib.sha256(data).hexdigest()


@_plain_errors
def timezone_label(site: Path) -> str:
    """WIB, WITA or WIT for Indonesia's zones, else the zone's own name."""
    name = _config(site).site.timezone
    return _ZONE_LABELS.get(name, name)


def _sources(site: Path) -> list[tuple[str, Path, Path | None]]:
    return discovery.discover(site / "content")


def _key_of(site: Path, source: Path) -> str:
    return source.relative_to(site).as_posix()


def _source_path(site: Path, key: str) -> tuple[str, Path, Path | None]:
    """(kind, file, bundle) of a key; DeskError for anything but a post or page of this site."""
    if not isinstance(key, str) or "\\" in key or "\0" in key:
        raise DeskError("Alamat berkas tidak sah.")
    parts = PurePosixPath(key).parts
    if len(parts) < 3 or parts[0] != "content" or parts[1] not in ("posts", "pages") or ".." in parts \
            or not key.endswith(".md") or PurePosixPath(key).is_absolute():
        raise DeskError(f"'{key}' bukan berita atau halaman di folder content/.")
    path = site / key
    root = (site / "content").resolve()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        raise DeskError(f"'{key}' tidak bisa dibuka.") from None
    if not resolved.is_relative_to(root):
        raise DeskError(f"'{key}' berada di luar folder content/.")
    if not path.is_file():
        raise DeskError(f"Berkas '{key}' tidak ada (mungkin sudah dipindah atau dihapus).")
    kind = "post" if parts[1] == "posts" else "page"
    return kind, path, path.parent if path.name == "index.md" else None


@_plain_errors
def list_entries(site: Path, now: dt.datetime) -> list[EntrySummary]:
    """Every post (newest first) then every page (by title), each with its status and the build's problems."""
    config = _config(site)
    zone = ZoneInfo(config.site.timezone)
    reading = _Reading(site, config, zone, now)
    found = [_summary(reading, kind, source, bundle) for kind, source, bundle in _sources(site)]
    posts = sorted((e for e in found if e.kind == "post"),
                   key=lambda e: (e.date is not None, e.date or dt.datetime.min.replace(tzinfo=dt.timezone.utc)),
                   reverse=True)
    pages = sorted((e for e in found if e.kind == "page"), key=lambda e: e.title.casefold())
    return posts + pages


@dataclass(frozen=True)
class _Reading:
    """What summarising every source needs: the site, its settings and zone, and the moment of the list."""

    site: Path
    config: config_module.Config
    zone: ZoneInfo
    now: dt.datetime


def _summary(reading: _Reading, kind: str, source: Path, bundle: Path | None) -> EntrySummary:
    site, config, zone, now = reading.site, reading.config, reading.zone, reading.now
    problems = Problems()
    entry = content.load(site, discovery.Source(kind, source, bundle), config.site, zone, problems)
    messages = [str(p) for p in problems.errors]
    key = _key_of(site, source)
    if entry is not None:
        status = "draf" if entry.draft else "terjadwal" if entry.date and entry.date > now else "terbit"
        category = entry.category or None if kind == "post" else forms.text_of(_raw_meta(source).get("category")) or None
        return EntrySummary(key, kind, entry.title, status, entry.date, category, entry.views, messages)
    meta = _raw_meta(source)
    parsed = content.parse_date(forms.text_of(meta.get("date")), zone) if meta.get("date") is not None else None
    date = parsed[0] if parsed else None
    status = "draf" if meta.get("draft") is True else "terjadwal" if date and date > now else "terbit"
    views = meta.get("views") if isinstance(meta.get("views"), int) and not isinstance(meta.get("views"), bool) else None
    return EntrySummary(key, kind, forms.text_of(meta.get("title")) or source.stem, status, date,
                        forms.text_of(meta.get("category")) or None, views, messages)


def _raw_meta(source: Path) -> dict:
    try:
        parsed = parse(source.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}
    return (read(parsed.front) or {}) if parsed else {}


@_plain_errors
def categories(site: Path) -> list[str]:
    """The categories posts use (and the site's default), sorted, each once (in its most used spelling)."""
    config = _config(site)
    counts: dict[str, dict[str, int]] = {}
    for kind, source, _ in _sources(site):
        if kind != "post":
            continue
        name = forms.text_of(_raw_meta(source).get("category")) or config.site.category
        spellings = counts.setdefault(name_slug(name), {})
        spellings[name] = spellings.get(name, 0) + 1
    spellings = counts.setdefault(name_slug(config.site.category), {})
    spellings.setdefault(config.site.category, 0)
    names = [max(s.items(), key=lambda item: (item[1], item[0]))[0] for s in counts.values()]
    return sorted(names, key=str.casefold)


@_plain_errors
def new_form(site: Path, now: dt.datetime) -> Form:
    """An empty post dated now (to the minute, in the site's zone), in the site's default category, a draft."""
    config = _config(site)
    local = now.astimezone(ZoneInfo(config.site.timezone))
    return Form(date=local.strftime("%Y-%m-%d %H:%M"), category=config.site.category, status="draf")


@dataclass(frozen=True)
class _File:
    """A source as read: its key, kind, bytes, text parts (None without front matter) and front matter."""

    key: str
    kind: str
    path: Path
    bundle: Path | None
    data: bytes
    source: Source | None
    meta: dict | None


def _read_file(site: Path, key: str) -> _File:
    kind, path, bundle = _source_path(site, key)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DeskError(f"'{key}' bukan teks UTF-8; simpan ulang berkasnya dengan pengodean UTF-8 di "
                        "penyunting teks, lalu buka lagi di sini.") from None
    source = parse(text)
    return _File(key, kind, path, bundle, data, source, read(source.front) if source else None)


def _body_of(source: Source | None, data: bytes) -> str:
    """The body as the form shows it: line endings as '\\n', without the blank lines after the '---'."""
    raw = source.body if source else data.decode("utf-8").lstrip("\ufeff")
    return raw.replace("\r\n", "\n").lstrip("\n")


@_plain_errors
def open_entry(site: Path, key: str) -> Opened:
    """A post or page as the form shows it, with its version (for the conflict check) and its problems."""
    config = _config(site)
    zone = ZoneInfo(config.site.timezone)
    found = _read_file(site, key)
    meta = found.meta or {}
    now = dt.datetime.now(zone)
    form = forms.form_of(meta, _body_of(found.source, found.data), found.kind, zone,
                         discovery.bundle_files(found.bundle), now)
    problems = checks.file_problems(site, found.path, found.kind, found.bundle, config, zone)
    return Opened(key, form, version_of(found.data), problems)


def _new_text(form: Form, zone: ZoneInfo, now: dt.datetime) -> str:
    want = forms.wanted({}, form, zone, now, "")
    fields = {k: v for k, v in want.fields.items() if v is not REMOVE and v is not None}
    return "---\n" + yamltext.front_matter(fields) + "---\n\n" + _ended(want.body)


def _ended(body: str) -> str:
    body = body.replace("\r\n", "\n")
    return body if body.endswith("\n") or not body else body + "\n"


def _text_for(found: _File | None, form: Form, zone: ZoneInfo, now: dt.datetime) -> str:
    """The text a save of form over found (None: a new file) writes."""
    if found is None:
        return _new_text(form, zone, now)
    source = found.source
    old_body = _body_of(source, found.data)
    shown = forms.form_of(found.meta or {}, old_body, found.kind, zone, discovery.bundle_files(found.bundle), now)
    if replace(form, body=form.body.replace("\r\n", "\n")) == shown:      # nothing changed: nothing to write
        return found.data.decode("utf-8")
    if source is None or found.meta is None:            # no readable front matter: written anew from the form,
        if forms.wanted({}, form, zone, now, old_body) == forms.wanted({}, shown, zone, now, old_body):
            return found.data.decode("utf-8")           # unless the form asks nothing new of it
        newline = "\r\n" if b"\r\n" in found.data else "\n"
        text = _new_text(form, zone, now)
        return ("\ufeff" if found.data.startswith(b"\xef\xbb\xbf") else "") + text.replace("\n", newline)
    want = forms.wanted(found.meta, form, zone, now, old_body)
    changes = {k: v for k, v in want.fields.items() if not (k not in found.meta and (v is None or v is REMOVE))}
    newline = source.newline
    front = edit(source.front, changes, newline)
    if want.body == old_body:
        body = source.body
    else:
        raw = source.body
        lead = raw[:len(raw) - len(raw.lstrip("\r\n"))] or newline
        body = lead + _ended(want.body).replace("\n", newline)
    return source.bom + source.head + front + source.close + body


@_plain_errors
def source_text(site: Path, form: Form, key: str | None) -> str:
    """The exact text a save of this form would write (for a new post: the whole file)."""
    zone = _zone(site)
    return _text_for(_read_file(site, key) if key else None, form, zone, dt.datetime.now(zone))


@_plain_errors
def check_form(site: Path, form: Form, key: str | None) -> list[FieldProblem]:
    """The build's own checks of the file a save would write, each next to the form field it concerns."""
    config = _config(site)
    zone = ZoneInfo(config.site.timezone)
    return _check(site, form, key, config, dt.datetime.now(zone))


def _check(site: Path, form: Form, key: str | None, config, now: dt.datetime) -> list[FieldProblem]:
    zone = ZoneInfo(config.site.timezone)
    found = _read_file(site, key) if key else None
    text = _text_for(found, form, zone, now)
    files = discovery.bundle_files(found.bundle) if found else []
    files += [n for n in uploads.staged_names(site) if n not in files]
    kind = found.kind if found else form.kind
    problems = checks.text_problems(text, kind, files, config, zone)
    if form.status == "jadwal":
        problems += checks.schedule_problems(form, zone, now)
    return problems


@_plain_errors
def store_upload(site: Path, key: str | None, filename: str, data: BinaryIO, limit: int,
                 videos: int | None = None) -> Stored | FieldProblem:
    """Keep an uploaded photo, document or video: in the post's folder, or staged until the post is saved (a new
    post, or a single-file post, which becomes a folder when saved with it). limit: the bytes a photo or document
    may have; videos: a video's (config.yaml's desk.video_limit_mb when None)."""
    limits = uploads.Limits(limit, videos if videos is not None else video_limit(site))
    if key is not None:
        found = _read_file(site, key)
        if found.bundle is not None:
            return uploads.store(found.bundle, filename, data, limits)
    uploads.tidy_staging(site, time.time())
    return uploads.store(uploads.staging(site), filename, data, limits)


def _slug(form: Form, zone: ZoneInfo, now: dt.datetime) -> str:
    words = "".join(c for c in form.title if unicodedata.category(c)[0] not in "SC")   # no emoji names in English
    slug = plain_slug(words.strip()) if re.search(r"[^\W_]", words) else ""
    slug = portable.own_name(slug, "halaman" if form.kind == "page" else "berita")
    return slug or ("halaman" if form.kind == "page" else "berita-" + now.astimezone(zone).strftime("%Y%m%d-%H%M"))


def _new_path(site: Path, form: Form, zone: ZoneInfo, now: dt.datetime, folder_too: bool) -> Path:
    """Where a new post goes: content/posts/YYYY/<slug>/index.md (a page: content/pages/<slug>.md, or a folder
    when it carries files), under a name no other post of that folder has."""
    if form.kind == "page":
        parent = site / "content" / "pages"
    else:
        parsed = content.parse_date(form.date.strip().replace("T", " "), zone) if form.date.strip() else None
        year = (parsed[0] if parsed else now).astimezone(zone).year
        parent = site / "content" / "posts" / f"{year:04d}"
    base = slug = _slug(form, zone, now)
    number = 1
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        single = form.kind == "page" and not folder_too
        if not (parent / slug).exists() and not (parent / f"{slug}.md").exists():
            try:                # claimed at once: two saves at the same moment never share a name
                if single:
                    (parent / f"{slug}.md").open("x").close()
                else:
                    (parent / slug).mkdir()
                break
            except FileExistsError:
                pass
        number += 1
        slug = f"{base}-{number}"
    return parent / f"{slug}.md" if single else parent / slug / "index.md"


_BODY_FILE = re.compile(r"\]\(\s*<?([^)\s/<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _files_named(form: Form) -> list[str]:
    """The files a form names: its photos, cover, documents and the photos its body shows (![..](name))."""
    names = [p.file.strip() for p in form.photos] + [a.file.strip() for a in form.attachments] + [form.cover.strip()]
    names += _BODY_FILE.findall(form.body)
    return [n for n in dict.fromkeys(names) if n]


def _set_aside(site: Path, found: _File, form: Form, now: dt.datetime) -> None:
    """Photos and documents of the post's folder that the form no longer has (the person removed them) go to the
    post's history, out of the site but not lost."""
    if found.bundle is None:
        return
    kept = set(_files_named(form)) | {forms.text_of((found.meta or {}).get("poster"))}
    for name in discovery.bundle_files(found.bundle):
        if name not in kept and uploads.kind_of(name) is not None and (
                uploads.kind_of(name) == "photo" or Path(name).suffix.lower() in documents.DOCUMENT_SUFFIXES):
            history_module.set_aside(site, found.key, found.bundle / name, now)


@_plain_errors
def save_entry(site: Path, key: str | None, form: Form, base_version: str | None, now: dt.datetime,
               *, force: bool = False) -> Saved | Conflict:
    """Write the form to its file (a new post: a new folder), atomically, the previous version kept first. A form
    the build would refuse is saved as a draft; a file changed since base_version is not overwritten unless
    force."""
    config = _config(site)
    zone = ZoneInfo(config.site.timezone)
    found = _read_file(site, key) if key else None
    if found is not None and (force or base_version == version_of(found.data)):
        _bring_back(site, found, form)
    problems = _check(site, form, key, config, now)
    if found is not None and _text_for(found, form, zone, now).encode("utf-8") == found.data:
        return Saved(found.key, version_of(found.data), problems, False)      # nothing changed: nothing written
    kept_as_draft = bool(problems) and form.status != "draf"
    if kept_as_draft:
        form = replace(form, status="draf")
    text = _text_for(found, form, zone, now)
    data = text.encode("utf-8")
    if found is not None and data != found.data and not force and base_version != version_of(found.data):
        return Conflict(found.key, found.data.decode("utf-8", "replace"), text, version_of(found.data))
    staged = [n for n in _files_named(form) if n in set(uploads.staged_names(site))]
    if found is None:
        target = _new_path(site, form, zone, now, folder_too=bool(staged))
        history_module.write_atomic(target, data)
        uploads.move_in(site, staged, target.parent)
        return Saved(_key_of(site, target), version_of(data), problems, kept_as_draft)
    if found.bundle is None and staged:
        return _into_folder(site, found, data, staged, now, (problems, kept_as_draft))
    if data != found.data:
        was_at = _published_address(site, found, config, now)
        history_module.keep(site, found.key, found.data, now)
        history_module.write_atomic(found.path, data)
        data = _keep_old_address(site, found, was_at, config, now) or data
    _set_aside(site, found, form, now)
    return Saved(found.key, version_of(data), problems, kept_as_draft)


def _bring_back(site: Path, found: _File, form: Form) -> None:
    """Files the form names that the post's folder no longer has but its history holds, set aside by an earlier
    save (a colleague's, in another tab), are put back: the person keeps their version, photos and all."""
    if found.bundle is None:
        return
    present = set(discovery.bundle_files(found.bundle))
    for name in _files_named(form):
        kept = None if name in present else history_module.set_aside_file(site, found.key, name)
        if kept is not None and uploads.kind_of(name) is not None:
            shutil.copy2(kept, found.bundle / name)


def _published_address(site: Path, found: _File, config, now: dt.datetime) -> str | None:
    """The address the post file on disk has on the published site; None when it has none there (a page, a
    draft, a date still to come, or a file that does not read)."""
    if found.kind != "post":
        return None
    entry = content.load(site, discovery.Source("post", found.path, found.bundle), config.site,
                         ZoneInfo(config.site.timezone), Problems())
    if entry is None or entry.draft or entry.date is None or entry.date > now:
        return None
    return urls.post_url(config, entry)


def _keep_old_address(site: Path, found: _File, was_at: str | None, config, now: dt.datetime) -> bytes | None:
    """A published post whose new date (or category, when the address holds it) moved its address keeps the old
    one in 'aliases:', so links already shared still lead to it, as WordPress does; returns the bytes written."""
    now_at = _published_address(site, found, config, now) if was_at else None
    text = found.path.read_bytes().decode("utf-8")
    source = parse(text)
    meta = read(source.front) if source else None
    if not now_at or now_at == was_at or meta is None:
        return None
    if not isinstance(meta.get("aliases", []), list):
        return None
    aliases = [a for a in meta.get("aliases", []) if a != now_at]        # moved back: not an alias of itself
    front = edit(source.front, {"aliases": [*aliases, was_at] if was_at not in aliases else aliases},
                 source.newline)
    data = (source.bom + source.head + front + source.close + source.body).encode("utf-8")
    history_module.write_atomic(found.path, data)
    return data


def _into_folder(site: Path, found: _File, data: bytes, staged: list[str], now: dt.datetime,
                 outcome: tuple) -> Saved:
    """A single-file post that gains photos or documents becomes a folder: x.md -> x/index.md (x.md kept in its
    history), with the staged files moved in beside it."""
    folder = found.path.with_suffix("")
    if folder.exists():
        raise DeskError(f"Berita ini tidak bisa dijadikan folder: '{_key_of(site, folder)}' sudah ada. "
                        "Ganti nama folder itu dulu, lalu simpan lagi.")
    target = folder / "index.md"
    history_module.keep(site, found.key, found.data, now)
    history_module.write_atomic(target, data)
    uploads.move_in(site, staged, folder)
    found.path.unlink()
    return Saved(_key_of(site, target), version_of(data), *outcome)


@_plain_errors
def history(site: Path, key: str) -> list[Version]:
    """The kept earlier versions of a post, newest first (a folder post's include those from when it was a single
    file)."""
    kept = [k for name in _history_keys(key) for k in history_module.versions(site, name)]
    return [Version(k.id, k.time, k.size) for k in sorted(kept, key=lambda k: k.id, reverse=True)]


def _history_keys(key: str) -> list[str]:
    """The keys whose history is this post's: its own, and x.md's for x/index.md."""
    parts = PurePosixPath(key).parts if isinstance(key, str) else ()
    if len(parts) < 3 or parts[0] != "content" or parts[1] not in ("posts", "pages") or ".." in parts \
            or "\\" in key or "\0" in key or not key.endswith(".md"):
        raise DeskError(f"'{key}' bukan berita atau halaman di folder content/.")
    return [key, key.removesuffix("/index.md") + ".md"] if key.endswith("/index.md") else [key]


def _version_file(site: Path, key: str, version_id: str) -> Path:
    for name in _history_keys(key):
        path = history_module.version_path(site, name, version_id)
        if path is not None:
            return path
    raise DeskError("Versi itu tidak ada di riwayat berita ini.")


@_plain_errors
def version_text(site: Path, key: str, version_id: str) -> str:
    """The text of one kept version."""
    return _version_file(site, key, version_id).read_bytes().decode("utf-8", "replace")


@_plain_errors
def restore(site: Path, key: str, version_id: str, now: dt.datetime) -> Saved:
    """Put a kept version back as the post's text (the text it replaces is kept first, so nothing is lost). A
    post that became a folder since is restored into its folder's index.md."""
    data = _version_file(site, key, version_id).read_bytes()
    folder_key = key.removesuffix(".md") + "/index.md"
    if not (site / key).is_file() and not key.endswith("/index.md") and (site / folder_key).is_file():
        key = folder_key
    target = site / key
    if not target.resolve().is_relative_to((site / "content").resolve()):
        raise DeskError(f"'{key}' berada di luar folder content/.")
    if target.is_file():
        current = target.read_bytes()
        if current != data:
            history_module.keep(site, key, current, now)
    history_module.write_atomic(target, data)
    config = _config(site)
    zone = ZoneInfo(config.site.timezone)
    found = _read_file(site, key)
    if found.meta is not None:          # the photos that version shows, set aside since, come back with it
        _bring_back(site, found, forms.form_of(found.meta, _body_of(found.source, found.data), found.kind, zone,
                                               [], now))
    kind = "post" if PurePosixPath(key).parts[1] == "posts" else "page"
    bundle = target.parent if target.name == "index.md" else None
    problems = checks.file_problems(site, target, kind, bundle, config, zone)
    return Saved(key, version_of(data), problems, False)


@_plain_errors
def trash(site: Path, key: str, now: dt.datetime) -> Trashed:
    """Move a post (its folder with its photos, or its single file) to the trash (Sampah)."""
    found = _read_file(site, key)
    title = forms.text_of((found.meta or {}).get("title")) or found.path.stem
    note = history_module.to_trash(site, found.key, title, now)
    return Trashed(note.id, note.key, note.title, note.time)


@_plain_errors
def trashed(site: Path) -> list[Trashed]:
    """What is in the trash, newest first."""
    return [Trashed(n.id, n.key, n.title, n.time) for n, _ in history_module.trash_notes(site)]


@_plain_errors
def untrash(site: Path, trash_id: str) -> str:
    """Put a post back where it was (or, when that place is taken now, beside it under a new name); its key."""
    folder = history_module.trash_folder(site, trash_id)
    found = next((n for n in history_module.trash_notes(site) if n[0].id == trash_id), None) if folder else None
    if found is None:
        raise DeskError("Berita itu tidak ada di Sampah.")
    note, moved = found
    _history_keys(note.key)
    target = site / moved
    if not target.resolve().is_relative_to((site / "content").resolve()) or ".." in PurePosixPath(moved).parts:
        raise DeskError("Tempat asal berita itu tidak sah.")
    item = folder / PurePosixPath(moved).name
    if not item.exists():
        raise DeskError("Isi berita itu tidak ada lagi di Sampah.")
    suffix = target.suffix
    stem, number = target.with_suffix("") if suffix else target, 1
    while target.exists():
        number += 1
        target = stem.with_name(f"{stem.name}-{number}{suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    item.rename(target)
    (folder / "catatan.json").unlink()
    folder.rmdir()
    return _key_of(site, target / "index.md" if target.is_dir() else target)


@_plain_errors
def upload_limit(site: Path) -> int:
    """The largest upload in bytes (config.yaml `desk: upload_limit_mb:`, 25 MB unless set)."""
    return upload_limits(site).files


@_plain_errors
def video_limit(site: Path) -> int:
    """The largest video upload in bytes (config.yaml `desk: video_limit_mb:`, 500 MB unless set)."""
    return upload_limits(site).videos


@_plain_errors
def upload_limits(site: Path) -> uploads.Limits:
    """Both limits in bytes, config.yaml read once: a photo's or document's (`desk: upload_limit_mb:`, 25 MB) and a
    video's (`desk: video_limit_mb:`, 500 MB)."""
    desk = _config(site).desk
    return uploads.Limits(desk.upload_limit_mb * 1024 * 1024, desk.video_limit_mb * 1024 * 1024)


@_plain_errors
def file_path(site: Path, key: str | None, name: str) -> Path:
    """The file a form names (a photo to show as a thumbnail): in the post's folder, or staged for a post not yet
    saved as a folder. DeskError for a name that is no plain file name or names no such file."""
    if not name or name != PurePosixPath(name).name or "\\" in name or "\0" in name or name.startswith("."):
        raise DeskError(f"Nama berkas '{name[:80]}' tidak sah.")
    folders = [uploads.staging(site)]
    if key is not None:
        found = _read_file(site, key)
        if found.bundle is not None:
            folders.insert(0, found.bundle)
    for folder in folders:
        path = folder / name
        if path.is_file() and path.resolve().parent == folder.resolve():
            return path
    raise DeskError(f"Berkas '{name[:80]}' tidak ada.")
