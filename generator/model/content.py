"""Content sources: split front matter from body, and validate every field (which files are sources: discovery)."""

from __future__ import annotations

import datetime as dt
import itertools
import posixpath
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from generator.core.report import Problems
from generator.model import portable, registry
from generator.model.discovery import Source, bundle_files
from generator.model.entries import LONGEST_SLUG, PHOTO_SUFFIXES, UNSUPPORTED_PHOTOS, Attachment, Comment, Entry, Event, name_slug, Photo, slugify

# yamlio (PyYAML) and sanitize are imported where a source is read: a build that finds nothing changed imports
# this module for its constants and classes only.

KNOWN_FIELDS = {"title", "date", "slug", "category", "tags", "author", "views", "summary", "cover",
                "gallery", "event", "draft", "aliases", "menu", "updated", "attachments", "poster",
                "cover_hidden", "pinned_until"}
PASSED_FIELDS = {"comments"}    # checked here, then passed to templates in Entry.extra like any other field
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# The dates the build can place in any time zone and compare with any other (one day inside Python's calendar).
_EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.timezone.utc)
_LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.timezone.utc)


def check_links(site_dir: Path, links: list[str], entries, problems: Problems) -> None:
    """Symbolic links below content/ (as cache.scan listed them): a link to a file inside content/ is followed; a
    link leaving content/ is refused, named by its file and by the front matter line that lists it; a linked
    folder is not entered, and said so."""
    content_dir = site_dir / "content"
    root = content_dir.resolve()
    named: dict[str, tuple[str, int | None]] = {}      # path below content/ -> (front matter file, line)
    for entry in entries if links else ():
        if entry.bundle is None:
            continue
        folder = entry.bundle.relative_to(content_dir).as_posix()
        if entry.cover:
            named[f"{folder}/{entry.cover}"] = (entry.path, entry.lines.get(("cover",)))
        for index, photo in enumerate(entry.gallery):
            named.setdefault(f"{folder}/{photo.file}", (entry.path, photo.line or entry.lines.get(("gallery", index))))
    for rel in sorted(links):
        link = content_dir / rel
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):
            problems.warn(f"content/{rel}", None, "tautan simbolik ini menunjuk ke berkas yang tidak ada; dilewati.",
                          "Hapus tautannya, atau ganti dengan berkas aslinya.")
            continue
        where, line = named.get(rel, (f"content/{rel}", None))
        mention = "" if where == f"content/{rel}" else f"'{rel.rpartition('/')[2]}' (content/{rel}) "
        if target != root and root not in target.parents:
            problems.error(where, line, f"{mention or 'berkas ini '}adalah tautan simbolik ke {target}, di luar folder "
                           "content/; isi situs hanya diambil dari dalam content/.",
                           "Salin berkas atau folder aslinya ke dalam content/ (bukan tautan), atau hapus tautannya.")
        elif target.is_dir():
            problems.warn(f"content/{rel}", None, "folder ini adalah tautan simbolik, jadi dilewati: isinya tidak "
                          "diterbitkan.", "Pindahkan atau salin folder aslinya ke sini (bukan tautan).")


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_LINK_TARGETS = [
    re.compile(r"\]\(\s*<([^>\n]+)>"),                              # [x](<nama berkas.pdf>)
    re.compile(r"\]\(\s*([^\s)<>]+)"),                               # [x](sk.pdf) and ![x](foto.jpg "judul")
    re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:\s*<?([^\s>]+)"),           # [sk]: sk.pdf (not a footnote [^1]:)
    re.compile(r"\b(?:src|href|poster)\s*=\s*[\"']([^\"'\n]+)[\"']", re.I),  # raw HTML
]
_TARGET_NEEDS = ("](", "](", "]:", "=")       # what each of _LINK_TARGETS has in every match
_FILE_NAME = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_PAGE_SUFFIXES = (".html", ".htm", ".php", ".asp", ".aspx")
_DOMAIN = re.compile(r"^www\.|\.(id|com|org|net|gov|edu|info|co|io|int|go\.id|ac\.id|or\.id)$", re.I)


def body_files(body: str) -> list[tuple[int, str]]:
    """The files of the post's own folder its body links or shows, as (line in the body from 1, file name as
    written): relative links whose name has a file suffix. Links to other sites, to site addresses (/...),
    to anchors and pages, and anything inside code, are not files of the folder."""
    if ("`" in body and "```" in body) or ("~" in body and "~~~" in body):
        return _files_outside_fences(body)      # a fence hides what follows it: read line by line
    found: list[tuple[int, str]] = []
    number, counted, done = 1, 0, 0
    for at in _marks(body):                     # no fence: only the lines with a mark are looked at
        if at < done:
            continue                            # a second mark on a line already looked at
        start = body.rfind("\n", 0, at) + 1
        number, counted = number + body.count("\n", counted, start), start
        end = body.find("\n", at)
        end = len(body) if end < 0 else end
        _files_of_line(body[start:end], number, found)
        done = end + 1
    return found


def _marks(body: str) -> list[int]:
    """Where the body has '](', ']:' or '=', in order (looking for one character with str.find is many times quicker
    than a regular expression or a search for two)."""
    found = []
    for char in "]=":
        at = body.find(char)
        while at >= 0:
            if char == "=" or body[at + 1: at + 2] in ("(", ":"):
                found.append(at)
            at = body.find(char, at + 1)
    return sorted(found)


def _files_outside_fences(body: str) -> list[tuple[int, str]]:
    found, fence = [], ""
    for number, line in enumerate(body.split("\n"), start=1):
        opening = _FENCE.match(line)
        if fence or opening:
            if opening and (not fence or opening.group(1).startswith(fence)):
                fence = "" if fence else opening.group(1)[:3]
            continue
        if "](" not in line and "]:" not in line and "=" not in line:
            continue        # none of _LINK_TARGETS can match: most lines of a post
        _files_of_line(line, number, found)
    return found


def _files_of_line(line: str, number: int, found: list[tuple[int, str]]) -> None:
    text = _CODE_SPAN.sub(" ", line) if "`" in line else line
    for needs, pattern in zip(_TARGET_NEEDS, _LINK_TARGETS):
        if needs not in text:
            continue                        # the pattern cannot match: skipped, a line of prose takes it long
        for match in pattern.finditer(text):
            name = _bundle_name(match.group(1))
            if name:
                found.append((number, name))


def _bundle_name(url: str) -> str:
    """The file name a relative link points at in the post's folder ('./a.pdf', 'foto%20baru.jpg'), or ''."""
    from urllib.parse import urlsplit

    url = url.strip()
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) or url.startswith(("/", "#", "?", "{")):
        return ""
    path = unquote(urlsplit(url).path)
    path = path[2:] if path.startswith("./") else path
    if not path or "/" in path or "\\" in path or not _FILE_NAME.search(path) or path.lower().endswith(_PAGE_SUFFIXES):
        return ""
    return path


def check_body_files(entry: Entry, problems: Problems) -> None:
    """A photo or file the body names that the post's folder does not hold: an error with the body's line and
    the likely name, as for a misspelt gallery file (the page would show a broken picture or a dead link)."""
    told = set()
    for number, written in body_files(entry.body):
        name = on_disk(written, entry.files)
        if name in entry.files or (number, name) in told:
            continue
        told.add((number, name))
        line = entry.body_line + number - 1
        what = "foto" if Path(name).suffix.lower() in PHOTO_SUFFIXES else "berkas"
        if _DOMAIN.search(name):          # [KPU](www.kpu.go.id): an address without https://, a dead link
            problems.warn(entry.path, line, f"tautan '{written}' tidak diawali https://, jadi pembaca dibawa ke "
                          "berkas bernama itu di folder berita ini, yang tidak ada.",
                          f"Tulis alamat lengkapnya, misalnya https://{written}")
        elif entry.bundle is None:
            problems.error(entry.path, line, f"{what} '{name}' disebut di isi berita, tetapi berita ini satu berkas "
                           "saja, tanpa folder untuk foto dan lampirannya.",
                           f"Jadikan berita ini folder: pindahkan {Path(entry.path).name} ke folder baru sebagai "
                           f"index.md, lalu letakkan '{name}' di folder itu.")
        else:
            problems.error(entry.path, line, f"{what} '{name}' yang disebut di isi berita tidak ada di folder berita "
                           "ini.", _near(name, entry.files))


def split(text: str, path: str, problems: Problems) -> tuple[str, str, int] | None:
    """Split a file into (front matter, body, first body line); None with an error when the '---' lines are wrong."""
    text = text.lstrip("\ufeff")
    if text.partition("\n")[0].strip() != "---":
        problems.error(path, 1, "berkas harus diawali baris '---' (awal keterangan berita).",
                       "Tambahkan baris '---' di paling atas, lalu title: dan date:, lalu '---' lagi.")
        return None
    front = start = text.find("\n") + 1            # line by line with str.find: the body is not split into lines
    for number in itertools.count(2):
        if not start:
            break
        end = text.find("\n", start)
        if text[start:end if end >= 0 else len(text)].rstrip() == "---":
            return text[front:max(start - 1, front)], text[end + 1:] if end >= 0 else "", number + 1
        start = end + 1
    problems.error(path, 1, "keterangan berita dibuka dengan '---' tetapi tidak pernah ditutup.",
                   "Tambahkan baris '---' setelah baris keterangan terakhir (sebelum isi berita).")
    return None


def load(site_dir: Path, found: Source, defaults, zone: ZoneInfo, problems: Problems) -> Entry | None:
    """Read and validate one source file; errors are added to problems and None returned."""
    kind, source, bundle = found
    path = source.relative_to(site_dir).as_posix()
    try:
        text = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        problems.error(path, None, f"berkas bukan teks UTF-8 (bita ke-{err.start}).", "Simpan ulang berkas dengan pengodean UTF-8.")
        return None
    parts = split(text.replace("\r\n", "\n"), path, problems)
    if parts is None:
        return None
    front, body, body_line = parts
    from generator.core import yamlio

    texts: dict[tuple, str] = {}
    parsed = yamlio.load(front, path, problems, first_line=2, texts=texts)
    if parsed is None:
        return None
    meta, lines = parsed
    if not isinstance(meta, dict):
        problems.error(path, 2, "keterangan berita harus berupa baris 'nama: nilai'.")
        return None
    check = _Checker(path, lines, problems, texts)
    before = len(problems.errors)
    body = _clean_body(body, body_line, path, problems)
    _check_nesting(body, body_line, path, problems)
    _warn_scripts(body, body_line, path, problems)
    files = bundle_files(bundle)
    _refuse_executables(files, bundle, site_dir, problems)
    _warn_spam(body, body_line, path, problems)
    default_slug = bundle.name if bundle else source.stem
    title = check.text(meta, "title", required=True)
    if kind == "post":
        date, has_time = check.date(meta, "date", zone, required=True)
    else:
        date, has_time = check.date(meta, "date", zone, required=False)
    entry = Entry(
        kind=kind, path=path, source=source, bundle=bundle, title=title or "", body=body, body_line=body_line,
        slug=check.slug(meta, default_slug), date=date, has_time=has_time,
        updated=check.date(meta, "updated", zone)[0],
        category=check.text(meta, "category") or defaults.category,
        tags=check.text_list(meta, "tags"), author=check.text(meta, "author") or defaults.author,
        views=check.count(meta, "views"), summary=check.text(meta, "summary"),
        cover=check.bundle_file(meta, "cover", files), gallery=check.gallery(meta, files, title or ""),
        event=check.event(meta, zone), draft=check.flag(meta, "draft"),
        aliases=check.aliases(meta), menu=check.count(meta, "menu"), files=files, lines=lines,
        cover_hidden=check.flag(meta, "cover_hidden"), pinned_until=check.until(meta, "pinned_until", zone),
        attachments=check.attachments(meta, files), poster=check.poster(meta, files),
        extra={k: v for k, v in meta.items() if k not in KNOWN_FIELDS},
    )
    if "comments" in meta:
        entry.extra["comments"] = check.comments(meta, zone)
    check_body_files(entry, problems)
    for name in [n for n in entry.extra if n not in PASSED_FIELDS]:
        check_field_name(path, lines.get((name,)), name, problems)
    return entry if len(problems.errors) == before else None


def _warn_scripts(body: str, body_line: int, path: str, problems: Problems) -> None:
    """Attributes that run scripts in a reader's browser are removed from the body: a warning with each one's line."""
    from generator.model import sanitize

    for removed in sanitize.found_in_markdown(body):
        problems.warn(path, body_line + removed.line - 1, f"{removed} dihapus dari isi: atribut seperti ini "
                      "menjalankan skrip di peramban pembaca.",
                      "Hapus bagian itu dari berkas; tautan biasa (https://...) dan HTML lain tetap boleh.")


def _refuse_executables(files: list[str], bundle: Path | None, site_dir: Path, problems: Problems) -> None:
    """A file of the bundle a web server would run (hazards.executable_reason) is an error naming it: never published."""
    from generator.model.hazards import executable_reason

    for name in files:
        reason = executable_reason(name)
        if reason:
            problems.error((bundle / name).relative_to(site_dir).as_posix(), None,
                           f"{reason}, jadi tidak boleh ikut diterbitkan.",
                           "Hapus berkas itu dari folder berita; bila isinya dokumen, simpan sebagai PDF.")


def _warn_spam(body: str, body_line: int, path: str, problems: Problems) -> None:
    """Text that looks like injected gambling spam or hidden links: a warning with its line, for a person to look at."""
    from generator.model.hazards import spam_findings

    for finding in spam_findings(body):
        problems.warn(path, body_line + finding.line - 1, f"{finding.what}.",
                      "Periksa apakah bagian ini memang ditulis oleh humas; bila bukan (misalnya tersalin dari "
                      "komputer yang terkena virus), hapus.")


# Field names as staff write them in Indonesian: each is the field meant (the field itself is in English).
FIELD_WORDS = {"judul": "title", "tanggal": "date", "tgl": "date", "kategori": "category", "label": "tags",
               "tag": "tags", "kata_kunci": "tags", "penulis": "author", "pengarang": "author", "ringkasan": "summary",
               "sampul": "cover", "foto_sampul": "cover", "galeri": "gallery", "foto": "gallery", "kegiatan": "event",
               "acara": "event", "draf": "draft", "konsep": "draft", "lampiran": "attachments", "dokumen": "attachments",
               "diperbarui": "updated", "dilihat": "views", "alias": "aliases", "komentar": "comments",
               "categories": "category"}


def field_meant(name: str) -> str:
    """The known field an unknown field name stands for: the same in other letter case ('Title'), its Indonesian
    word ('galeri'), or a near-miss of its spelling ('galery', 'tittle'); '' when it looks like a field of its own."""
    import difflib

    known = sorted(KNOWN_FIELDS | PASSED_FIELDS)
    plain = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    if plain in known:
        return plain
    if plain in FIELD_WORDS:
        return FIELD_WORDS[plain]
    close = difflib.get_close_matches(plain, known, n=1, cutoff=0.75)
    return close[0] if close else ""


def check_field_name(path: str, line: int | None, name, problems: Problems) -> None:
    """An unknown front matter field: an error when it is a known field misspelt, in capitals or in Indonesian
    (its value would be lost without a word), else a warning that the page does not show it."""
    meant = field_meant(name)
    if meant and str(name).strip().lower() == meant:
        problems.error(path, line, f"nama kolom '{name}' ditulis dengan huruf besar, jadi tidak dikenali.",
                       f"Tulis `{meant}` dengan huruf kecil: {meant}: ...")
    elif meant:
        word = "dalam bahasa Indonesia" if str(name).strip().lower() in FIELD_WORDS else "salah eja"
        problems.error(path, line, f"kolom '{name}' tidak dikenal ({word}); maksudnya '{meant}'? Isinya tidak "
                       "dipakai sampai namanya diperbaiki.", f"Ganti '{name}:' menjadi '{meant}:' (nama kolom ditulis "
                       "dalam bahasa Inggris, huruf kecil).")
    else:
        problems.warn(path, line, f"kolom '{name}' bukan kolom baku, jadi tidak tampil di halaman (kecuali tema "
                      "situs ini memakainya).", "Periksa ejaannya bila kolom ini seharusnya salah satu kolom baku: "
                      + ", ".join(sorted(KNOWN_FIELDS)) + ".")


class _Checker:
    """Field validators for one file: each returns a clean value and reports problems with the key's line."""

    def __init__(self, path: str, lines: dict, problems: Problems, texts: dict | None = None):
        self.path, self.lines, self.problems, self.texts = path, lines, problems, texts or {}

    def typed(self, key: tuple, value):
        """A scalar of a text field as the text typed: `title: yes` is 'yes' and `title: 2024` is '2024', not the
        boolean and number YAML reads them as."""
        if isinstance(value, (bool, int, float)):
            return self.texts.get(key, str(value))
        return value

    def error(self, key: tuple, message: str, fix: str = "") -> None:
        self.problems.error(self.path, self.lines.get(key, self.lines.get(key[:1], 2)), message, fix)

    def text(self, meta: dict, name: str, required: bool = False) -> str:
        value = self.typed((name,), meta.get(name))
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problems.error(self.path, 2 if name not in meta else self.lines.get((name,)),
                                    f"kolom '{name}' wajib diisi.", f"Tambahkan baris '{name}: ...' di antara kedua baris '---'.")
            return ""
        if isinstance(value, (dict, list)):
            self.error((name,), f"'{name}' harus berupa teks biasa.")
            return ""
        return str(value).strip()

    def text_list(self, meta: dict, name: str) -> list[str]:
        value = meta.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            value = [self.typed((name,), value)]
        else:
            value = [self.typed((name, index), v) for index, v in enumerate(value)]
        if any(isinstance(v, (dict, list)) or v is None for v in value):
            self.error((name,), f"'{name}' harus berupa daftar teks.", f"Contoh: {name}: [sosialisasi, pemilihan-2020]")
            return []
        return [str(v).strip() for v in value if str(v).strip()]

    def count(self, meta: dict, name: str) -> int | None:
        value = meta.get(name)
        if value is None:
            return None
        if isinstance(value, str) and value.isdigit() and len(value) > 18:   # beyond Python's 4,300-digit numbers
            value = MAX_COUNT + 1
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error((name,), f"'{name}' harus bilangan bulat 0 atau lebih, bukan {_shown(value)}.",
                       f"Tulis angka saja tanpa titik atau huruf, misalnya {name}: 117")
            return None
        if value > MAX_COUNT:
            self.error((name,), f"'{name}' terlalu besar ({_shown(meta.get(name))}).",
                       "Tulis angka yang sebenarnya, paling besar " + f"{MAX_COUNT:,}.".replace(",", "."))
            return None
        return value

    def flag(self, meta: dict, name: str) -> bool:
        value = meta.get(name, False)
        if not isinstance(value, bool):
            self.error((name,), f"'{name}' harus true atau false, bukan {value!r}.")
            return False
        return value

    def until(self, meta: dict, name: str, zone: ZoneInfo) -> dt.datetime | None:
        """A moment something lasts until: a date alone means to the end of that day."""
        value, has_time = self.date(meta, name, zone)
        return value + dt.timedelta(days=1) if value is not None and not has_time else value

    def date(self, meta: dict, name: str, zone: ZoneInfo, required: bool = False, key: tuple = ()):
        key = key or (name,)
        value = _get(meta, key)
        if value is None:
            if required:
                self.problems.error(self.path, 2, f"kolom '{name}' wajib diisi.",
                                    "Tambahkan baris seperti 'date: 2019-11-08 10:00' di antara kedua baris '---'.")
            return None, False
        value = self.typed(key, value)
        parsed = parse_date(str(value), zone)
        if parsed is None:
            written = iso_of(str(value))
            if written:
                self.error(key, f"tanggal {_shown(value)} ditulis dengan cara yang tidak dikenali.",
                           f"Tulis sebagai {written} (tahun-bulan-tanggal, angka saja).")
            else:
                self.error(key, f"tanggal {_shown(value)} tidak sah.",
                           "Tulis tahun-bulan-tanggal yang ada di kalender, misalnya 2019-11-08 atau 2019-11-08 10:30.")
            return None, False
        if not _EARLIEST <= parsed[0] <= _LATEST:
            self.error(key, f"tanggal {_shown(value)} berada di ujung kalender, di luar rentang yang bisa dipakai.",
                       "Periksa tahunnya, misalnya 2019-11-08 10:30.")
            return None, False
        return parsed

    def slug(self, meta: dict, default: str) -> str:
        value = self.text(meta, "slug") or default
        if value != slugify(value) and ("/" in value or "\\" in value or value.startswith(".") or ".." in value):
            self.error(("slug",), f"slug '{value}' tidak boleh memuat '/', '\\' atau '..'.",
                       "Pakai huruf kecil, angka dan tanda '-' saja, misalnya rapat-koordinasi-2020.")
        elif value != default and len(slugify(value)) > LONGEST_SLUG:
            self.error(("slug",), f"slug terlalu panjang ({len(slugify(value))} huruf; paling banyak {LONGEST_SLUG}).",
                       "Pakai beberapa kata saja, misalnya rapat-koordinasi-2020.")
        return name_slug(value)

    def bundle_file(self, meta: dict, name: str, files: list[str]) -> str:
        value = on_disk(self.text(meta, name), files)
        if value and value not in files:
            self.error((name,), f"berkas '{value}' tidak ada di folder berita ini.", _near(value, files))
            return ""
        return value

    def gallery(self, meta: dict, files: list[str], title: str) -> list[Photo]:
        items = meta.get("gallery")
        if items is None:
            return []
        if not isinstance(items, list):
            self.error(("gallery",), "'gallery' harus berupa daftar foto.",
                       "Contoh:\ngallery:\n  - file: pembukaan.jpg\n    caption: Pembukaan rapat")
            return []
        photos = []
        for index, item in enumerate(items):
            key = ("gallery", index)
            if not isinstance(item, (dict, list)) and item is not None:
                item = {"file": self.typed(key, item)}
            elif isinstance(item, dict):
                item = {k: self.typed(key + (k,), v) for k, v in item.items()}
            if not isinstance(item, dict) or not isinstance(item.get("file"), str):
                self.error(key, f"foto ke-{index + 1} di 'gallery' harus punya 'file: nama-berkas.jpg'.")
                continue
            unknown = set(item) - {"file", "caption", "alt", "credit"}
            if unknown:
                self.error(key + (sorted(unknown)[0],), f"'{sorted(unknown)[0]}' tidak dikenal di foto galeri.",
                           "Yang boleh: file, caption, alt, credit.")
            name = on_disk(item["file"].strip(), files)
            if name not in files:
                self.error(key + ("file",), f"foto '{name}' tidak ada di folder berita ini.", _near(name, files))
                continue
            if Path(name).suffix.lower() in UNSUPPORTED_PHOTOS:
                self.error(key + ("file",), f"foto '{name}' berformat {Path(name).suffix[1:].upper()} (RAW kamera "
                           "atau JPEG XL) yang tidak bisa diolah.", RAW_FIX)
                continue
            if Path(name).suffix.lower() not in PHOTO_SUFFIXES:
                self.error(key + ("file",), f"'{name}' bukan berkas foto (JPG, PNG, WebP, GIF, HEIC).")
                continue
            photos.append(Photo(name, _plain(item.get("caption")), _plain(item.get("alt")),
                                self.lines.get(key + ("file",)), _plain(item.get("credit"))))
        return photos

    def attachments(self, meta: dict, files: list[str]) -> list[Attachment]:
        items = meta.get("attachments")
        if items is None:
            return []
        example = "Contoh:\nattachments:\n  - file: sk-penetapan-dct.pdf\n    title: SK Penetapan DCT"
        if not isinstance(items, list):
            self.error(("attachments",), "'attachments' harus berupa daftar berkas lampiran.", example)
            return []
        found, seen = [], set()
        for index, item in enumerate(items):
            key = ("attachments", index)
            if isinstance(item, str):
                item = {"file": item}
            if not isinstance(item, dict) or not isinstance(item.get("file"), str) or not item["file"].strip():
                self.error(key, f"lampiran ke-{index + 1} di 'attachments' harus punya 'file: nama-berkas.pdf'.", example)
                continue
            for unknown in sorted(set(item) - {"file", "title"} - registry.FIELDS, key=str):
                self.error(key + (unknown,), f"'{unknown}' tidak dikenal di lampiran.",
                           f"Yang boleh: file, title, {', '.join(sorted(registry.FIELDS))}.")
            title = item.get("title")
            if isinstance(title, (dict, list)):
                self.error(key + ("title",), "'title' lampiran harus berupa teks biasa.")
                title = ""
            name = on_disk(item["file"].strip(), files)
            if "/" in name or "\\" in name or name in (".", ".."):
                self.error(key + ("file",), f"lampiran '{name}' keluar dari folder berita ini.",
                           "Letakkan berkasnya di folder yang sama dengan index.md dan tulis namanya saja, "
                           "misalnya sk-penetapan-dct.pdf.")
                continue
            if name not in files:
                self.error(key + ("file",), f"lampiran '{name}' tidak ada di folder berita ini.", _near(name, files))
                continue
            if Path(name).suffix.lower() in PHOTO_SUFFIXES | UNSUPPORTED_PHOTOS:
                self.error(key + ("file",), f"'{name}' adalah foto, bukan dokumen lampiran.",
                           "Foto tampil di galeri: pindahkan baris ini ke 'gallery'.")
                continue
            if name in seen:
                self.problems.warn(self.path, self.lines.get(key + ("file",)), f"lampiran '{name}' disebut dua kali.",
                                   "Hapus salah satunya.")
                continue
            seen.add(name)
            typed = registry.read(item, registry.Reader(key, self.lines, self.error, self.document_date, iso_of))
            found.append(Attachment(name, str(title or "").strip(), self.lines.get(key + ("file",)), typed))
        return found

    @staticmethod
    def document_date(text: str) -> dt.date | None:
        """A document's 'tanggal' written as text: '2024-03-05' (the date a decree was set; no time zone)."""
        match = _DATE.match(text.strip())
        try:
            return dt.date(*map(int, match.groups())) if match else None
        except ValueError:
            return None

    def poster(self, meta: dict, files: list[str]) -> str:
        name = self.bundle_file(meta, "poster", files)
        if name and Path(name).suffix.lower() not in PHOTO_SUFFIXES:
            self.error(("poster",), f"'{name}' bukan berkas foto (JPG, PNG, WebP).",
                       "Poster video harus foto di folder berita ini.")
            return ""
        return name

    def event(self, meta: dict, zone: ZoneInfo) -> Event | None:
        value = meta.get("event")
        if value is None:
            return None
        if not isinstance(value, dict) or "start" not in value:
            self.error(("event",), "'event' harus memuat 'start' (tanggal kegiatan).",
                       "Contoh:\nevent:\n  start: 2019-11-01\n  end: 2019-11-03\n  place: Kantor KPU Kota Tarakan")
            return None
        unknown = set(value) - {"start", "end", "place"}
        if unknown:
            self.error(("event", sorted(unknown)[0]), f"'{sorted(unknown)[0]}' tidak dikenal di 'event'.", "Yang boleh: start, end, place.")
        start, has_time = self.date(meta, "event.start", zone, key=("event", "start"))
        end, _ = self.date(meta, "event.end", zone, key=("event", "end"))
        if start and end and end < start:
            self.error(("event", "end"), "akhir kegiatan lebih awal dari mulainya.", "Periksa tanggal 'start' dan 'end'.")
        return Event(start, end, _plain(self.typed(("event", "place"), value.get("place"))), has_time) if start else None

    def comments(self, meta: dict, zone: ZoneInfo) -> list[Comment]:
        items = meta.get("comments") or []
        if not isinstance(items, list) or not all(isinstance(i, dict) and "text" in i for i in items):
            self.error(("comments",), "'comments' harus berupa daftar tanggapan, masing-masing dengan 'text'.",
                       "Contoh:\ncomments:\n  - author: Budi\n    date: 2019-11-08 10:00\n    text: Terima kasih infonya.")
            return []
        found = []
        for index, item in enumerate(items):
            date = parse_date(str(item["date"]), zone) if item.get("date") else None
            if item.get("date") and date is None:
                self.error(("comments", index, "date"), f"tanggal tanggapan '{item['date']}' tidak sah.",
                           "Tulis misalnya 2019-11-08 10:30.")
            date = date[0] if date else None
            found.append(Comment(str(item.get("author") or "").strip(), date, str(item["text"]).strip()))
        return found

    def aliases(self, meta: dict) -> list[str]:
        result = []
        for index, alias in enumerate(self.text_list(meta, "aliases")):
            if "?" in alias or "#" in alias:
                self.error(("aliases", index), f"alamat lama '{alias}' memuat '{'?' if '?' in alias else '#'}': "
                           "bagian itu tidak sampai ke folder di server situs statis, jadi tidak bisa dialihkan dari "
                           "sini.", "Alamat seperti /?p=123 hanya bisa dialihkan di pengaturan server web (misalnya "
                           ".htaccess); hapus dari 'aliases'.")
                continue
            clean = _unescaped(alias)
            clean = safe_url_path(clean) if clean is not None else None
            why = portable.name_reason(clean.strip("/")) if clean is not None else None
            if clean is None:
                self.error(("aliases", index), f"alamat lama '{alias}' tidak sah atau keluar dari folder situs.",
                           "Tulis alamat dari akar situs, misalnya /2019/11/08/rapat-koordinasi/")
            elif why:       # the redirect is a folder in output/: one a disk (or a Windows laptop) cannot hold
                self.error(("aliases", index), f"alamat lama '{_shown(alias)[1:-1]}' tidak bisa menjadi folder di "
                           f"output/: {why}", "Perbaiki atau hapus alamat lama ini di 'aliases'.")
            elif portable.path_reason(clean.strip("/")):
                # an old WordPress address that long was imported and published before: left out, every system alike
                self.problems.warn(self.path, self.lines.get(("aliases", index)), f"alamat lama "
                                   f"'{_shown(alias)[1:-1][:80]}…' terlalu panjang untuk folder di laptop Windows, "
                                   "jadi pengalihan dari alamat itu tidak dibuat.",
                                   "Tautan lama ke alamat itu tidak lagi sampai ke berita ini; hapus dari 'aliases' "
                                   "bila tidak diperlukan.")
            else:
                result.append(clean)
        return result


RAW_FIX = "Ekspor atau simpan ulang foto itu sebagai JPG, lalu pakai berkas JPG-nya."
MAX_COUNT = 10 ** 15          # views and menu positions beyond this are typing mistakes


def _shown(value) -> str:
    """A value for a message: its repr, cut short (a 5,000-digit number must not fill the screen)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + "…" + text[-10:]


def _plain(value) -> str:
    """A caption, alt text or place: text, never a list or map shown as Python writes it."""
    return value.strip() if isinstance(value, str) else ""


def _clean_body(body: str, body_line: int, path: str, problems: Problems) -> str:
    """The body without the control characters XML forbids, with a warning naming the first line that had one."""
    from generator.core import yamlio

    found = yamlio.forbidden(body)
    if found is None:
        return body
    line = body_line + body.count("\n", 0, found.start())
    problems.warn(path, line, f"isi berita memuat karakter kendali U+{ord(found.group()):04X} yang tidak terlihat; "
                  "karakter seperti itu dibuang.", "Ketik ulang baris ini bila ada yang hilang.")
    return yamlio.FORBIDDEN.sub("", body)


# Lists and quotes one inside another: Python-Markdown goes a few calls deeper for each, and fails deep inside past
# about 250 (RecursionError). No news post needs a hundred; more is an error at the line rather than a fault.
DEEPEST_NESTING = 100
_RULE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")     # Python-Markdown's <hr>
_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|[0-9]{1,9}[.)](?=[ \t]))")
# A line that could be nested deeper: each level takes at least one character of these before the text.
_DEEP_START = re.compile(r"^[ \t>*+\-0-9.)]{%d}" % (DEEPEST_NESTING + 1), re.M)


def nesting(line: str) -> int:
    """How deep the list or quote a line starts sits: its marks ('>', '-', '*', '+', '1.') before the text, plus a
    level for every four columns of indentation among them (a tab reaches the next four; the one space that follows
    a mark is no indentation); 0 without a mark, and for a rule ('- - -', '***')."""
    if _RULE.fullmatch(line):
        return 0
    marks = column = spaces = position = 0
    while (found := _CONTAINER.match(line, position)) is not None:
        for n, char in enumerate(found.group()):
            step = 4 - column % 4 if char == "\t" else 1
            separator = marks and n == 0 and char == " "        # the space after the last mark
            column, spaces = column + step, spaces + (step if char in " \t" and not separator else 0)
        marks, position = marks + 1, found.end()
    return marks + spaces // 4 if marks else 0


def _check_nesting(body: str, body_line: int, path: str, problems: Problems) -> None:
    """An error at the line of a list or quote nested deeper than DEEPEST_NESTING."""
    if _DEEP_START.search(body) is None:
        return
    deepest, at = max((nesting(line), number) for number, line in enumerate(body.split("\n")))
    if deepest > DEEPEST_NESTING:
        problems.error(path, body_line + at, f"daftar atau kutipan di baris ini bertingkat {deepest} lapis (daftar di "
                       f"dalam daftar), terlalu dalam untuk diolah; paling banyak {DEEPEST_NESTING} lapis.",
                       "Hapus spasi, Tab atau tanda '-', '*', '>' yang berlebih di awal baris-baris itu.")


def _unescaped(alias: str) -> str | None:
    """An old address with its percent-escapes decoded (WordPress wrote '/berita-%e2%80%93-x/' for '/berita-–-x/'):
    the file name a host looks for; None when an escape hides a '/' or '\\' or is not UTF-8."""
    if "%" not in alias:
        return alias
    if re.search(r"%(2f|5c|00)", alias, re.I):
        return None
    try:
        return unquote(alias, errors="strict")
    except UnicodeDecodeError:
        return None


def _get(meta: dict, key: tuple):
    for part in key:
        if not isinstance(meta, dict):
            return None
        meta = meta.get(part)
    return meta


def on_disk(name: str, files: list[str]) -> str:
    """The bundle's own spelling of a file name typed in front matter: macOS stores 'é' as 'e' plus an accent
    (NFD) while a keyboard types one letter (NFC); both look the same, so a name equal after normalising is that
    file."""
    if not name or name in files:
        return name
    wanted = unicodedata.normalize("NFC", name)
    return next((f for f in files if unicodedata.normalize("NFC", f) == wanted), name)


def _near(name: str, files: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, files, n=1)
    if close:
        return f"Mungkin maksudnya '{close[0]}'? Nama berkas harus sama persis, termasuk huruf besar-kecil."
    return "Letakkan berkasnya di folder yang sama dengan index.md, atau perbaiki namanya."


def parse_date(text: str, zone: ZoneInfo) -> tuple[dt.datetime, bool] | None:
    """'2019-11-08', '2019-11-08 10:00' or full ISO with offset -> (aware datetime, has_time)."""
    text = text.strip()
    match = _DATE.match(text)
    try:
        if match:
            year, month, day = map(int, match.groups())
            return dt.datetime(year, month, day, tzinfo=zone), False
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=zone)), True


_MONTHS = {name: number for number, names in enumerate([
    ("januari", "january", "jan"), ("februari", "february", "pebruari", "feb", "peb"), ("maret", "march", "mar"),
    ("april", "apr"), ("mei", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"),
    ("agustus", "august", "agu", "ags", "aug"), ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"),
    ("november", "nopember", "nov", "nop"), ("desember", "december", "des", "dec")], start=1) for name in names}
_WRITTEN_DATE = re.compile(r"^(?:[A-Za-z']+,?\s+)?(\d{1,2})[\s./-]+([A-Za-z]+\.?|\d{1,2})[\s./-]+(\d{4})"
                           r"(?:,?\s+(?:pukul\s+|jam\s+)?(\d{1,2})[.:](\d{2})(?:\s*(?:WIB|WITA|WIT))?)?$", re.I)


def iso_of(text: str) -> str:
    """A date written the way people write it ('8 November 2019', 'Jumat, 8 Nov 2019 10.30', '08/11/2019', day
    first as in Indonesia) as the build wants it ('2019-11-08', '2019-11-08 10:30'); '' when it is not one."""
    match = _WRITTEN_DATE.match(text.strip())
    if not match:
        return ""
    day, month, year, hour, minute = match.groups()
    month = int(month) if month.isdigit() else _MONTHS.get(month.rstrip(".").lower(), 0)
    try:
        dt.date(int(year), month, int(day))
    except ValueError:
        return ""
    written = f"{int(year):04d}-{month:02d}-{int(day):02d}"
    if hour is not None and int(hour) < 24 and int(minute) < 60:
        written += f" {int(hour):02d}:{minute}"
    return written


def safe_url_path(path: str) -> str | None:
    """Normalise a site path like 'lama/berita' to '/lama/berita/'; None if it climbs out of the site."""
    path = path.strip()
    if not path or "\\" in path or "://" in path or any(ord(c) < 32 for c in path):
        return None
    parts = path.strip("/").split("/")
    if any(p in ("..", ".") for p in parts):
        return None
    clean = posixpath.normpath("/" + path.strip("/"))
    if clean == "/":
        return None
    last = clean.rsplit("/", 1)[-1]
    return clean if "." in last and last.endswith((".html", ".htm", ".php")) else clean + "/"
