"""The site's settings: a closed, typed schema read from config.yaml with line-numbered errors."""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from . import yamlio
from .report import Problems


@dataclass(frozen=True)
class SiteSettings:
    title: str
    base_url: str
    language: str = "id"
    timezone: str = "Asia/Jakarta"
    tagline: str = ""
    description: str = ""
    author: str = "Humas"
    category: str = "Berita"
    logo: str = ""


@dataclass(frozen=True)
class Permalinks:
    post: str = "/{year}/{month}/{day}/{slug}/"
    page: str = "/{slug}/"
    category: str = "/kategori/{slug}/"
    tag: str = "/tag/{slug}/"
    archive: str = "/{year}/{month}/"
    gallery: str = "/galeri/{slug}/"


@dataclass(frozen=True)
class Listing:
    per_page: int = 10
    popular: int = 5
    recent: int = 5
    related: int = 4
    feed_items: int = 20


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str


@dataclass(frozen=True)
class Contact:
    address: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""


@dataclass(frozen=True)
class SocialLink:
    name: str
    url: str


@dataclass(frozen=True)
class Photos:
    thumb: int = 480
    web: int = 1280
    large: int = 2048
    quality: int = 82
    webp: bool = True
    avif: bool = False
    publish_originals: bool = False


@dataclass(frozen=True)
class Config:
    site: SiteSettings
    permalinks: Permalinks = field(default_factory=Permalinks)
    listing: Listing = field(default_factory=Listing)
    menu: list[MenuItem] = field(default_factory=list)
    contact: Contact = field(default_factory=Contact)
    social: list[SocialLink] = field(default_factory=list)
    photos: Photos = field(default_factory=Photos)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: '/' or '/kpu-kaltara/'."""
        path = urlparse(self.site.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        parts = urlparse(self.site.base_url)
        return f"{parts.scheme}://{parts.netloc}"


PLACEHOLDERS = {
    "post": {"year", "month", "day", "slug", "category"},
    "page": {"slug"},
    "category": {"slug"},
    "tag": {"slug"},
    "archive": {"year", "month"},
    "gallery": {"slug", "year", "month", "day"},
}
_TYPE_NAMES = {str: "teks", int: "bilangan bulat", bool: "true/false", list: "daftar", dict: "kumpulan 'nama: nilai'"}


def load(path: Path, problems: Problems) -> Config | None:
    """Read config.yaml; on any error record it and return None."""
    name = path.name
    if not path.is_file():
        problems.error(name, None, "berkas config.yaml tidak ditemukan.",
                       "Buat config.yaml berisi bagian 'site' dengan title, base_url, language dan timezone.")
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[:err.start].count(b"\n") + 1
        problems.error(name, line, f"config.yaml bukan teks UTF-8 (bita ke-{err.start} tidak sah).",
                       "Simpan ulang config.yaml dengan pengodean UTF-8 (di Notepad: Simpan Sebagai, Encoding: UTF-8).")
        return None
    except OSError as err:
        problems.error(name, None, f"config.yaml tidak bisa dibaca ({err.strerror}).", "Periksa izin berkasnya.")
        return None
    parsed = yamlio.load(text, name, problems)
    if parsed is None:
        return None
    data, lines = parsed
    before = len(problems.errors)
    config = _build(Config, data, (), lines, name, problems)
    if config is not None:
        _check(config, lines, name, problems)
    return config if len(problems.errors) == before else None


def _build(cls, data, key: tuple, lines, path: str, problems: Problems):
    """Turn YAML data into the dataclass cls, reporting unknown keys, missing keys and wrong types."""
    line = lines.get(key, 1)
    where = ".".join(map(str, key)) or "config.yaml"
    if not isinstance(data, dict):
        problems.error(path, line, f"'{where}' harus berupa kumpulan 'nama: nilai', bukan {_shown(data)}.")
        return None
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name in data:
        if name not in fields:
            close = difflib.get_close_matches(str(name), fields, n=1)
            fix = f"Mungkin maksudnya '{close[0]}'?" if close else f"Yang dikenal: {', '.join(fields)}."
            problems.error(path, lines.get(key + (name,), line), f"pengaturan '{name}' tidak dikenal di '{where}'.", fix)
    values = {}
    for name, f in fields.items():
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.error(path, line, f"pengaturan '{where}.{name}' wajib diisi.".replace("config.yaml.", ""))
            continue
        value = _value(hints[name], data[name], key + (name,), lines, path, problems)
        if value is not _BAD:
            values[name] = value
    try:
        return cls(**values)
    except TypeError:
        return None


_BAD = object()


def _value(kind, data, key, lines, path, problems):
    line = lines.get(key, 1)
    name = ".".join(map(str, key))
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        result = _build(kind, data, key, lines, path, problems)
        return _BAD if result is None else result
    if origin is list:
        if not isinstance(data, list):
            problems.error(path, line, f"'{name}' harus berupa daftar, bukan {_shown(data)}.")
            return _BAD
        items = [_value(typing.get_args(kind)[0], item, key + (i,), lines, path, problems) for i, item in enumerate(data)]
        return _BAD if _BAD in items else items
    if origin in (typing.Union, types.UnionType):
        kind = next(k for k in typing.get_args(kind) if k is not type(None))
    if kind is str and isinstance(data, (int, float)) and not isinstance(data, bool):
        data = str(data)
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        problems.error(path, line, f"'{name}' harus berupa {_TYPE_NAMES.get(kind, kind.__name__)}, bukan {_shown(data)}.")
        return _BAD
    return data


def _shown(value) -> str:
    if value is None:
        return "kosong"
    return f"{_TYPE_NAMES.get(type(value), type(value).__name__)} {value!r}"


def _check_base_url(base_url: str, line: int | None, path: str, problems: Problems) -> None:
    """base_url must be a plain web address: scheme, host, an optional possible port and sub-path, nothing else."""
    example = "Tulis seperti https://kaltara.kpu.go.id/ (boleh dengan sub-folder: https://host/kpu-kaltara/)."
    try:
        url = urlparse(base_url)
        port = url.port
    except ValueError:
        problems.error(path, line, f"'site.base_url' '{base_url}' bukan alamat web yang sah (nama host atau "
                       "porta tidak bisa dibaca).", example)
        return
    wrong = ("alamatnya bukan alamat web lengkap (harus diawali http:// atau https:// dan nama host)"
             if url.scheme not in ("http", "https") or not url.hostname else
             "memuat spasi" if any(c.isspace() for c in base_url) else
             "memuat '?' (query); alamat situs tidak boleh punya bagian setelah '?'" if url.query or "?" in base_url else
             "memuat '#' (fragment); alamat situs tidak boleh punya bagian setelah '#'" if url.fragment or "#" in base_url else
             "memuat nama pengguna atau kata sandi ('@')" if "@" in url.netloc else
             "memakai porta 0, yang tidak mungkin" if port == 0 else
             "memuat ';' (parameter)" if url.params else "")
    if wrong:
        problems.error(path, line, f"'site.base_url' '{base_url}' {wrong}.", example)


def _check(config: Config, lines, path: str, problems: Problems) -> None:
    """Checks on values beyond their types: URL, time zone, language, permalink patterns, sizes."""
    site = config.site
    _check_base_url(site.base_url, lines.get(("site", "base_url")), path, problems)
    if not site.title.strip():
        problems.error(path, lines.get(("site", "title")), "'site.title' kosong; nama situs tampil di setiap halaman.",
                       "Isi dengan nama kantor, misalnya title: KPU Provinsi Kalimantan Utara")
    try:
        zoneinfo.ZoneInfo(site.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.error(path, lines.get(("site", "timezone")), f"zona waktu '{site.timezone}' tidak dikenal.",
                       "Pakai Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT).")
    try:
        from babel import Locale, UnknownLocaleError

        typed = site.language.replace("-", "_").split("_")[0].lower()
        if typed in ("root", "und") or Locale.parse(site.language).language in ("root", "und"):
            raise ValueError(site.language)       # CLDR's root and "undetermined" locales parse, but are no language
    except (ValueError, LookupError, UnknownLocaleError, TypeError):
        problems.error(path, lines.get(("site", "language")), f"bahasa '{site.language}' tidak dikenal.",
                       "Pakai kode bahasa seperti id atau en.")
    for name, allowed in PLACEHOLDERS.items():
        pattern = getattr(config.permalinks, name)
        used = set(re.findall(r"{(\w+)}", pattern))
        line = lines.get(("permalinks", name))
        if ".." in pattern.split("/"):
            problems.error(path, line, f"pola alamat '{pattern}' memuat '..', yang menunjuk ke folder di atasnya dan "
                           "bisa keluar dari situs.", "Hapus bagian '..', misalnya /{year}/{month}/{slug}/")
        elif not pattern.startswith("/") or not pattern.endswith("/"):
            problems.error(path, line, f"pola alamat '{pattern}' harus diawali dan diakhiri '/'.", "Contoh: /{year}/{month}/{slug}/")
        elif used - allowed:
            problems.error(path, line, f"pola alamat '{pattern}' memakai {{{sorted(used - allowed)[0]}}} yang tidak dikenal.",
                           f"Yang boleh dipakai: {', '.join('{' + a + '}' for a in sorted(allowed))}.")
        elif "slug" in allowed and "slug" not in used and name != "archive":
            problems.error(path, line, f"pola alamat '{pattern}' harus memuat {{slug}} agar setiap alamat berbeda.")
    for name in ("per_page", "popular", "recent", "related", "feed_items"):
        if getattr(config.listing, name) < 1:
            problems.error(path, lines.get(("listing", name)), f"'listing.{name}' harus 1 atau lebih.")
    for name in ("thumb", "web", "large"):
        if getattr(config.photos, name) < 16:
            problems.error(path, lines.get(("photos", name)), f"'photos.{name}' terlalu kecil (paling sedikit 16 piksel).")
    if not 1 <= config.photos.quality <= 100:
        problems.error(path, lines.get(("photos", "quality")), "'photos.quality' harus antara 1 dan 100.")
