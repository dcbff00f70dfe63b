"""The desk's store: posts and pages read into forms and written back as a person would write them (see
DESK-CONTRACT: the functions desk-ui codes against). Pure data and file operations, no web code.

Every function takes the site folder first. A mistake the person can make (a key that names no post, a key
outside content/, a missing file) raises DeskError with an Indonesian sentence; nothing else escapes."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Literal
from zoneinfo import ZoneInfo

from .. import config as config_module
from .. import content
from ..report import Problems
from . import checks, forms, history, uploads, yamltext
from .forms import REMOVE, Attachment, Form, Photo  # noqa: F401  (part of the store's API)
from .frontmatter_edit import Source, edit, parse, read

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


def timezone_label(site: Path) -> str:
    """WIB, WITA or WIT for Indonesia's zones, else the zone's own name."""
    name = _config(site).site.timezone
    return _ZONE_LABELS.get(name, name)


def _sources(site: Path) -> list[tuple[str, Path, Path | None]]:
    return content.discover(site / "content")


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


def _bundle_files(bundle: Path | None) -> list[str]:
    if bundle is None:
        return []
    return sorted(p.name for p in bundle.iterdir() if p.is_file() and p.name != "index.md"
                  and not p.name.startswith("."))


def list_entries(site: Path, now: dt.datetime) -> list[EntrySummary]:
    """Every post (newest first) then every page (by title), each with its status and the build's problems."""
    config = _config(site)
    zone = ZoneInfo(config.site.timezone)
    found = []
    for kind, source, bundle in _sources(site):
        found.append(_summary(site, kind, source, bundle, config, zone, now))
    posts = sorted((e for e in found if e.kind == "post"),
                   key=lambda e: (e.date is not None, e.date or dt.datetime.min.replace(tzinfo=dt.timezone.utc)),
                   reverse=True)
    pages = sorted((e for e in found if e.kind == "page"), key=lambda e: e.title.casefold())
    return posts + pages


def _summary(site: Path, kind: str, source: Path, bundle: Path | None, config, zone: ZoneInfo,
             now: dt.datetime) -> EntrySummary:
    problems = Problems()
    entry = content.load(site, kind, source, bundle, config.site, zone, problems)
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


def categories(site: Path) -> list[str]:
    """The categories posts use (and the site's default), sorted, each once (in its most used spelling)."""
    config = _config(site)
    counts: dict[str, dict[str, int]] = {}
    for kind, source, _ in _sources(site):
        if kind != "post":
            continue
        name = forms.text_of(_raw_meta(source).get("category")) or config.site.category
        spellings = counts.setdefault(content.name_slug(name), {})
        spellings[name] = spellings.get(name, 0) + 1
    spellings = counts.setdefault(content.name_slug(config.site.category), {})
    spellings.setdefault(config.site.category, 0)
    names = [max(s.items(), key=lambda item: (item[1], item[0]))[0] for s in counts.values()]
    return sorted(names, key=str.casefold)


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


def open_entry(site: Path, key: str) -> Opened:
    """A post or page as the form shows it, with its version (for the conflict check) and its problems."""
    config = _config(site)
    zone = ZoneInfo(config.site.timezone)
    found = _read_file(site, key)
    meta = found.meta or {}
    now = dt.datetime.now(zone)
    form = forms.form_of(meta, _body_of(found.source, found.data), found.kind, zone,
                         _bundle_files(found.bundle), now)
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
    if source is None or found.meta is None:            # no readable front matter: written anew from the form
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


def source_text(site: Path, form: Form, key: str | None) -> str:
    """The exact text a save of this form would write (for a new post: the whole file)."""
    zone = _zone(site)
    return _text_for(_read_file(site, key) if key else None, form, zone, dt.datetime.now(zone))


def check_form(site: Path, form: Form, key: str | None) -> list[FieldProblem]:
    """The build's own checks of the file a save would write, each next to the form field it concerns."""
    config = _config(site)
    zone = ZoneInfo(config.site.timezone)
    return _check(site, form, key, config, dt.datetime.now(zone))


def _check(site: Path, form: Form, key: str | None, config, now: dt.datetime) -> list[FieldProblem]:
    zone = ZoneInfo(config.site.timezone)
    found = _read_file(site, key) if key else None
    text = _text_for(found, form, zone, now)
    files = _bundle_files(found.bundle) if found else []
    files += [n for n in uploads.staged_names(site) if n not in files]
    kind = found.kind if found else form.kind
    problems = checks.text_problems(text, kind, files, config, zone)
    if form.status == "jadwal":
        problems += checks.schedule_problems(form, zone, now)
    return problems


def store_upload(site: Path, key: str | None, filename: str, data: BinaryIO, limit: int) -> Stored | FieldProblem:
    """Keep an uploaded photo or document: in the post's folder, or staged until the post is saved (a new post,
    or a single-file post, which becomes a folder when saved with it)."""
    if key is not None:
        found = _read_file(site, key)
        if found.bundle is not None:
            return uploads.store(found.bundle, filename, data, limit)
    return uploads.store(uploads.staging(site), filename, data, limit)


def _slug(form: Form, zone: ZoneInfo, now: dt.datetime) -> str:
    slug = content.name_slug(form.title.strip()) if form.title.strip() else ""
    slug = slug[:80].rsplit("-", 1)[0] if len(slug) > 80 and "-" in slug[:80] else slug[:80]
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
    while (parent / slug).exists() or (parent / f"{slug}.md").exists():
        number += 1
        slug = f"{base}-{number}"
    if form.kind == "page" and not folder_too:
        return parent / f"{slug}.md"
    return parent / slug / "index.md"


def _files_named(form: Form) -> list[str]:
    names = [p.file.strip() for p in form.photos] + [a.file.strip() for a in form.attachments] + [form.cover.strip()]
    return [n for n in dict.fromkeys(names) if n]


def save_entry(site: Path, key: str | None, form: Form, base_version: str | None, now: dt.datetime,
               *, force: bool = False) -> Saved | Conflict:
    """Write the form to its file (a new post: a new folder), atomically, the previous version kept first. A form
    the build would refuse is saved as a draft; a file changed since base_version is not overwritten unless
    force."""
    config = _config(site)
    zone = ZoneInfo(config.site.timezone)
    found = _read_file(site, key) if key else None
    problems = _check(site, form, key, config, now)
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
        history.write_atomic(target, data)
        uploads.move_in(site, staged, target.parent)
        return Saved(_key_of(site, target), version_of(data), problems, kept_as_draft)
    if found.bundle is None and staged:
        return _into_folder(site, found, data, staged, now, (problems, kept_as_draft))
    if data != found.data:
        history.keep(site, found.key, found.data, now)
        history.write_atomic(found.path, data)
    return Saved(found.key, version_of(data), problems, kept_as_draft)


def _into_folder(site: Path, found: _File, data: bytes, staged: list[str], now: dt.datetime,
                 outcome: tuple) -> Saved:
    """A single-file post that gains photos or documents becomes a folder: x.md -> x/index.md (x.md kept in its
    history), with the staged files moved in beside it."""
    folder = found.path.with_suffix("")
    if folder.exists():
        raise DeskError(f"Berita ini tidak bisa dijadikan folder: '{_key_of(site, folder)}' sudah ada. "
                        "Ganti nama folder itu dulu, lalu simpan lagi.")
    target = folder / "index.md"
    history.keep(site, found.key, found.data, now)
    history.write_atomic(target, data)
    uploads.move_in(site, staged, folder)
    found.path.unlink()
    return Saved(_key_of(site, target), version_of(data), *outcome)
