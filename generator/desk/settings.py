"""Pengaturan situs: the parts of config.yaml humas staff set themselves (the office's name, tagline, description and
author, its contact, its logo, the front page's service links and sections, the menu's extra links and the social
links), read into a form and written back in place.

Only the lines of the settings whose value changes are touched (frontmatter_edit.edit on the whole file): comments,
key order, quoting, CRLF line endings, a BOM and every setting the form does not show (base_url, publish, timezone,
language, desk, ...) stay byte for byte. The text to be written is checked first with the build's own config loader
(config.load_text), and nothing is written while it has errors; a file changed since the form was opened is not
overwritten; the text a save replaces is kept in the desk's history (.redaksi/riwayat/config.yaml/), from which the
page restores it. Pure data and file operations, no web code; a file that cannot be read or written is a
DeskError (store.DeskError), as in the store."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from generator.core import yamlio
from generator.core.report import Problem, Problems
from generator.desk import checks, history, uploads
from generator.desk.checks import FieldProblem
from generator.desk.forms import REMOVE, text_of, typed_text
from generator.desk.frontmatter_edit import edit, read, same
from generator.desk.store import DeskError, version_of
from generator.model import config as config_module
from generator.model import theme

CONFIG = "config.yaml"
HISTORY_KEY = "config.yaml"         # the history folder of config.yaml: .redaksi/riwayat/config.yaml/
SITE_FIELDS = ("title", "tagline", "description", "author", "logo")
CONTACT_FIELDS = ("address", "phone", "email", "hours")
THEME_FIELDS = ("color", "footer")
MULTILINE = {"address", "footer"}    # shown in text areas: a line break there is the person's
LISTS = {"services": ("title", "url", "description"), "menu_links": ("title", "url"), "social": ("name", "url")}
LABELS = {"title": "Nama kantor", "tagline": "Slogan", "description": "Deskripsi situs", "author": "Penulis bawaan",
          "logo": "Logo", "address": "Alamat kantor", "phone": "Telepon", "email": "Surel", "hours": "Jam layanan",
          "services": "Tautan layanan", "menu_links": "Tautan menu", "social": "Media sosial",
          "sections": "Rubrik di beranda", "color": "Warna utama", "footer": "Teks kaki halaman"}
ROW_NAMES = {"services": "Tautan layanan", "menu_links": "Tautan menu", "social": "Media sosial"}
_DESK_LOGO = re.compile(rf"/{theme.ASSETS}/[a-z0-9][a-z0-9_-]*\.(?:png|jpg|jpeg)")


@dataclass
class Link:
    """One row of a list of links: a service (title, url, description), a menu link (title, url) or a social link
    (its name in title, url)."""

    title: str = ""
    url: str = ""
    description: str = ""


@dataclass
class Settings:
    """What the settings form shows; strings as typed."""

    title: str = ""
    tagline: str = ""
    description: str = ""
    author: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    logo: str = ""                  # "/assets/logo-kpu.png", or "" for none
    services: list[Link] = field(default_factory=list)
    menu_links: list[Link] = field(default_factory=list)
    social: list[Link] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    color: str = ""                 # the theme's brand colour, '#1d4e89', or "" for the theme's own
    footer: str = ""                # text at the foot of every page (line breaks kept)


@dataclass(frozen=True)
class Opened:
    settings: Settings | None       # None: config.yaml does not read as settings (problems say why)
    version: str                    # the digest of the file's bytes, the conflict check's base ("" without a file)
    problems: list[FieldProblem]    # the file's errors, each by the form field it concerns ("" for the others)
    warnings: list[str]             # the file's warnings, in the build's words


@dataclass(frozen=True)
class Saved:
    version: str
    warnings: list[str]
    written: bool                   # False: the form changed nothing, nothing was written


@dataclass(frozen=True)
class Refused:
    """A save that wrote nothing: the problems of the text it would have written, or (stale) the file changed on
    disk since the form was opened; version is the file's now, changed the labels of the fields whose value on disk
    differs from the form's."""

    problems: list[FieldProblem]
    version: str
    stale: bool = False
    changed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Kept:
    id: str
    time: dt.datetime
    size: int


# ---------------------------------------------------------------- reading

def _read_text(site: Path) -> tuple[bytes, str]:
    path = site / CONFIG
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DeskError("Berkas config.yaml tidak ada di folder situs, jadi pengaturan belum bisa disimpan. Minta "
                        "petugas IT membuatnya (lihat README, bagian Settings).") from None
    except OSError as err:
        raise DeskError(f"config.yaml tidak bisa dibaca: {err.strerror or err}. Periksa izin berkasnya.") from None
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError:
        raise DeskError("config.yaml bukan teks UTF-8; minta petugas IT menyimpannya ulang dengan pengodean UTF-8.") \
            from None


def _split(text: str) -> tuple[str, str, str]:
    """(BOM, the YAML text after it, its line ending)."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    return bom, body, "\r\n" if "\r\n" in body else "\n"


def _mapping(text: str) -> dict | None:
    """config.yaml's settings as written (texts as typed), or None when the text is no readable map."""
    try:
        return read(_split(text)[1])
    except (ValueError, RecursionError):
        return None


def _texts(value: dict | object, names: tuple) -> dict[str, str]:
    found = value if isinstance(value, dict) else {}
    return {name: text_of(found.get(name)) for name in names}


def _rows(value, keys: tuple) -> list[Link]:
    rows = []
    for item in value if isinstance(value, list) else []:
        texts = _texts(item, keys)
        rows.append(Link(*texts.values()))
    return rows


def settings_of(meta: dict) -> Settings:
    """The form for config.yaml's settings as written (maybe invalid: what does not read as text shows empty)."""
    home = meta.get("home") if isinstance(meta.get("home"), dict) else {}
    sections = home.get("sections")
    return Settings(**_texts(meta.get("site"), SITE_FIELDS), **_texts(meta.get("contact"), CONTACT_FIELDS),
                    **_texts(meta.get("theme"), THEME_FIELDS),
                    **{name: _rows(meta.get(name), keys) for name, keys in LISTS.items()},
                    sections=[text_of(s) for s in sections if text_of(s)] if isinstance(sections, list) else [])


def open_settings(site: Path) -> Opened:
    """The settings page's form for config.yaml as it is now, with its errors and warnings; never raises for a file
    that is missing, unreadable or invalid (the page shows the problems then)."""
    problems = Problems()
    config_module.load(site / CONFIG, problems)
    try:
        data, text = _read_text(site)
    except DeskError:
        return Opened(None, "", [FieldProblem("", str(p)) for p in problems.errors], [])
    meta = _mapping(text)
    placed = placed_problems(problems.errors, text)
    return Opened(settings_of(meta) if meta is not None else None, version_of(data), placed,
                  [str(p) for p in problems.warnings])


# ---------------------------------------------------------------- the problems by field

def field_of(path: tuple) -> str:
    """The form field of a config.yaml key path ("" for the settings the form does not show)."""
    if len(path) > 1 and (path[0] == "site" and path[1] in SITE_FIELDS or
                          path[0] == "contact" and path[1] in CONTACT_FIELDS or
                          path[0] == "theme" and path[1] in THEME_FIELDS):
        return str(path[1])
    if path[:1] and path[0] in LISTS:
        return path[0]
    return "sections" if path[:2] == ("home", "sections") else ""


def placed_problems(problems: list[Problem], text: str) -> list[FieldProblem]:
    """Each error of a config.yaml text with the form field its line belongs to: those of a field the form shows in
    the build's sentence, the others with their line (for whoever edits the file)."""
    parsed = yamlio.load(_split(text)[1], CONFIG, Problems())
    by_line: dict[int, tuple] = {}
    for path, line in sorted((parsed[1] if parsed else {}).items(), key=lambda item: len(item[0])):
        by_line.setdefault(line, path)
    found = []
    for problem in problems:
        name = field_of(by_line.get(problem.line, ())) if problem.line else ""
        found.append(FieldProblem(name, checks.sentence(problem) if name else str(problem)))
    return found


# ---------------------------------------------------------------- what a save writes

def _as_shown(old, typed: str) -> str:
    """The file's own text when a one-line box sent it back as it showed it: its line breaks (a hand-written address
    of two lines, say) as spaces. Any other change is the person's."""
    if isinstance(old, str) and "\n" in old.strip() and "\n" not in typed and old.split() == typed.split():
        return old.strip()
    return typed


def _row_value(old_items: list, row: Link, keys: tuple):
    """A row as the list's item: the file's own item when it says the same, else the row's fields (empty ones out)."""
    typed = dict(zip(keys, (row.title.strip(), row.url.strip(), row.description.strip())))
    for item in old_items:
        if isinstance(item, dict) and set(item) <= set(keys) and all(
                text.split() == typed[key].split() for key, text in _texts(item, keys).items()):
            return item
    return {key: value for key, value in typed.items() if value}


def _list_value(old, rows: list[Link], keys: tuple):
    old_items = old if isinstance(old, list) else []
    value = [_row_value(old_items, row, keys) for row in rows if row.title.strip() or row.url.strip()
             or row.description.strip()]
    return value or (old if old == [] else REMOVE)


def _map_value(old, typed: dict[str, str]):
    """A map section (site, contact) with the typed fields set (as typed_text keeps or removes them), its other
    settings as they are; REMOVE when nothing is left."""
    value = dict(old) if isinstance(old, dict) else {}
    for name, text in typed.items():
        shown = text if name in MULTILINE else _as_shown(value.get(name), text)
        wanted = typed_text(value.get(name), shown)
        if wanted is REMOVE or wanted is None:
            value.pop(name, None)
        else:
            value[name] = wanted
    return value or (old if old == {} else REMOVE)


def _home_value(old, sections: list[str]):
    value = dict(old) if isinstance(old, dict) else {}
    names = [s.strip() for s in sections if s.strip()]
    current = value.get("sections")
    if not names:
        value.pop("sections", None)
    elif not (isinstance(current, list) and [text_of(s) for s in current] == names):
        value["sections"] = names
    return value or (old if old == {} else REMOVE)


def changes_of(meta: dict, settings: Settings) -> dict:
    """The top-level settings the form owns, each with the value a save gives it (REMOVE: deleted; one the file has
    not and the form leaves empty is left out), in the order a new one is placed after the nearest earlier one the
    file has (frontmatter_edit.edit, which leaves a setting whose value stays the same as it is)."""
    typed = {f.name: getattr(settings, f.name) for f in fields(Settings)}
    wanted = {
        "site": _map_value(meta.get("site"), {name: typed[name] for name in SITE_FIELDS}),
        "menu_links": _list_value(meta.get("menu_links"), settings.menu_links, LISTS["menu_links"]),
        "home": _home_value(meta.get("home"), settings.sections),
        "services": _list_value(meta.get("services"), settings.services, LISTS["services"]),
        "contact": _map_value(meta.get("contact"), {name: typed[name] for name in CONTACT_FIELDS}),
        "social": _list_value(meta.get("social"), settings.social, LISTS["social"]),
        "theme": _map_value(meta.get("theme"), {name: typed[name] for name in THEME_FIELDS}),
    }
    return {key: value for key, value in wanted.items() if value is not REMOVE or key in meta}


def text_for(text: str, settings: Settings) -> str:
    """The config.yaml text a save of settings over text writes (text itself when nothing changes)."""
    bom, body, newline = _split(text)
    meta = read(body)
    if meta is None:
        raise DeskError("config.yaml tidak terbaca sebagai pengaturan, jadi tidak bisa diubah di sini.")
    changes = changes_of(meta, settings)
    if all(value is not REMOVE and same(meta.get(key), value) for key, value in changes.items()):
        return text
    return bom + edit(body, changes, newline)


def own_problems(settings: Settings) -> list[FieldProblem]:
    """What the desk says before the build's checks: an empty name, a row with only part of what it needs."""
    found = []
    if not settings.title.strip():
        found.append(FieldProblem("title", "Nama kantor wajib diisi; nama ini tampil di kepala setiap halaman, "
                                           "misalnya KPU Kabupaten Bulungan."))
    for name, keys in LISTS.items():
        for number, row in enumerate(getattr(settings, name), start=1):
            if (row.title.strip() or row.description.strip()) and not row.url.strip():
                found.append(FieldProblem(name, f"{ROW_NAMES[name]} baris {number}: alamat (url) wajib diisi, "
                                                "misalnya https://ppid.kpu.go.id/ atau /kontak/; atau kosongkan "
                                                "seluruh barisnya untuk menghapusnya."))
            elif row.url.strip() and not row.title.strip():
                label = "nama" if keys[0] == "name" else "judul"
                found.append(FieldProblem(name, f"{ROW_NAMES[name]} baris {number}: {label} wajib diisi; atau "
                                                "kosongkan seluruh barisnya untuk menghapusnya."))
    return found


def logo_problem(site: Path, current: str, logo: str) -> FieldProblem | None:
    """A logo the form names must be the one config.yaml has, none, or a PNG/JPG of the site's own
    templates/assets/ under a name the desk gives (a form from elsewhere cannot name another path)."""
    logo = logo.strip()
    if not logo or logo == current:
        return None
    folder = site / "templates" / theme.ASSETS
    name = logo.rsplit("/", 1)[-1]
    if _DESK_LOGO.fullmatch(logo) and (folder / name).is_file() and (folder / name).resolve().parent == \
            folder.resolve():
        return None
    return FieldProblem("logo", f"Logo '{logo[:80]}' tidak sah. Pilih berkas logonya lagi di kolom Logo, lalu simpan.")


# ---------------------------------------------------------------- saving

def _differing(meta: dict | None, settings: Settings) -> list[str]:
    """The labels of the fields whose value on disk differs from the form's."""
    disk = settings_of(meta) if meta is not None else Settings()
    return [LABELS[f.name] for f in fields(Settings) if _shown(getattr(disk, f.name)) != _shown(getattr(settings, f.name))]


def _shown(value):
    if isinstance(value, list):
        return [_shown(v) for v in value if not (isinstance(v, Link) and v == Link())]
    if isinstance(value, Link):
        return (value.title.strip(), value.url.strip(), value.description.strip())
    return value.strip()


def save_settings(site: Path, settings: Settings, base_version: str, now: dt.datetime) -> Saved | Refused:
    """Write the settings into config.yaml in place, atomically, the previous text kept in the history first;
    nothing is written while the text would have errors (the build's own checks) or when the file changed since
    base_version."""
    data, text = _read_text(site)
    version = version_of(data)
    meta = _mapping(text)
    if base_version != version:
        return Refused([], version, stale=True, changed=_differing(meta, settings))
    logo = logo_problem(site, _texts((meta or {}).get("site"), ("logo",))["logo"], settings.logo)
    own = own_problems(settings) + ([logo] if logo else [])
    if meta is None or own:
        return Refused(own or [FieldProblem("", "config.yaml tidak terbaca sebagai pengaturan.")], version)
    new_text = text_for(text, settings)
    if new_text == text:
        return Saved(version, _warnings(site, text), False)
    problems = Problems()
    config_module.load_text(new_text, site / CONFIG, problems)
    if problems.errors:
        return Refused(placed_problems(problems.errors, new_text), version)
    return _write(site, data, new_text.encode("utf-8"), now, [str(p) for p in problems.warnings])


def _write(site: Path, old: bytes, new: bytes, now: dt.datetime, warnings: list[str]) -> Saved:
    try:
        if old:
            history.keep(site, HISTORY_KEY, old, now)
        history.write_atomic(site / CONFIG, new)
    except OSError as err:
        raise DeskError(f"config.yaml tidak bisa ditulis: {err.strerror or err}. Periksa ruang disk dan izin folder "
                        "situs, lalu coba lagi; berkasnya tidak berubah.") from None
    return Saved(version_of(new), warnings, True)


def _warnings(site: Path, text: str) -> list[str]:
    problems = Problems()
    config_module.load_text(text, site / CONFIG, problems)
    return [str(p) for p in problems.warnings]


def store_logo(site: Path, filename: str, data, limit: int) -> uploads.Stored | FieldProblem:
    """Keep an uploaded logo of at most limit bytes in the site's templates/assets/ (a new file; none is ever
    overwritten)."""
    folder = site / "templates" / theme.ASSETS
    try:
        return uploads.store_logo(folder, filename, data, limit)
    except OSError as err:
        return FieldProblem("logo", f"Logo tidak bisa disimpan di templates/assets/: {err.strerror or err}. "
                                    "Periksa ruang disk dan izin folder situs.")


def discard_logo(site: Path, stored: uploads.Stored) -> None:
    """Take back a logo this request stored (store_logo) when its save was refused: a file nobody saved would go to
    the live site with the theme's assets. Only a name of the desk's own making, inside templates/assets/."""
    folder = site / "templates" / theme.ASSETS
    if _DESK_LOGO.fullmatch(f"/{theme.ASSETS}/{stored.name}") and (folder / stored.name).parent == folder:
        (folder / stored.name).unlink(missing_ok=True)


def logo_file(site: Path, logo: str) -> Path | None:
    """The file of a logo address (/assets/...) as the build uses it (the site's templates/assets/ over the theme's),
    when it is a picture the desk shows; None otherwise."""
    found = theme.assets(theme.folders(site)).get(logo)
    return found if found is not None and found.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".gif") else None


def unfinished(site: Path) -> list[str]:
    """What a new office's site still lacks that this page sets, in a few words each: its logo (the neutral mark
    `init` left, or none), its contact, its service links. [] for a finished site, and for a config.yaml that does
    not read (the settings page says why)."""
    try:
        meta = _mapping(_read_text(site)[1])
    except DeskError:
        return []
    if meta is None:
        return []
    settings = settings_of(meta)
    missing = []
    if not settings.logo or _placeholder(logo_file(site, settings.logo)):
        missing.append("logo kantor")
    if not (settings.address or settings.phone or settings.email):
        missing.append("alamat dan telepon kantor")
    if not settings.services:
        missing.append("tautan layanan (PPID, JDIH, pengaduan)")
    return missing


def _placeholder(logo: Path | None) -> bool:
    """The logo is the neutral mark `init` wrote (its size first, then its bytes)."""
    from generator.newsite import create

    if logo is None:
        return False
    mark = create.logo_png()
    try:
        return logo.stat().st_size == len(mark) and logo.read_bytes() == mark
    except OSError:
        return False


# ---------------------------------------------------------------- earlier versions

def versions(site: Path) -> list[Kept]:
    """The texts of config.yaml earlier saves replaced, newest first."""
    return [Kept(k.id, k.time, k.size) for k in history.versions(site, HISTORY_KEY)]


def restore(site: Path, version_id: str, now: dt.datetime) -> Saved | Refused:
    """Put a kept text of config.yaml back (the text it replaces, even one that does not read, is kept first), unless
    it has errors now (a logo since removed, say)."""
    path = history.version_path(site, HISTORY_KEY, version_id)
    if path is None:
        raise DeskError("Versi pengaturan itu tidak ada di riwayat.")
    kept = path.read_bytes()
    try:                # a config.yaml that does not read (or is gone) is replaced too, its bytes kept first
        data = (site / CONFIG).read_bytes()
    except FileNotFoundError:
        data = b""
    problems = Problems()
    try:
        config_module.load_text(kept.decode("utf-8"), site / CONFIG, problems)
    except UnicodeDecodeError:
        raise DeskError("Versi pengaturan itu bukan teks UTF-8.") from None
    if problems.errors:
        return Refused([FieldProblem("", str(p)) for p in problems.errors], version_of(data))
    if kept == data:
        return Saved(version_of(data), [str(p) for p in problems.warnings], False)
    return _write(site, data, kept, now, [str(p) for p in problems.warnings])
