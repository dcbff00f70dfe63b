"""The site's settings: a closed, typed schema read from config.yaml with line-numbered errors."""

from __future__ import annotations

import dataclasses
import difflib
import re
import string
import types
import typing
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from generator.core import yamlio
from generator.core.report import Problems
from generator.model import theme


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
class Service:
    """A service every office links to from its front page: PPID, JDIH, complaints, ..."""

    title: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class Home:
    """The front page: the lead story and latest news (page 1 of the list), then these."""

    sections: list[str] | None = None   # categories with a section of their own; default: the three largest
    section_posts: int = 4              # posts in each section
    documents: int = 5                  # latest documents from /dokumen/ (0: no box)


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
class Theme:
    """An office's own look on the shared theme, without any template."""

    color: str = ""              # brand colour of the masthead, links and buttons, e.g. '#1d4e89'
    footer: str = ""             # text at the foot of every page (line breaks kept)

    @property
    def dark(self) -> str:
        """The brand colour a quarter darker, for hover states."""
        return "#" + "".join(f"{int(c * 0.75):02x}" for c in _rgb(self.color)) if self.color else ""


@dataclass(frozen=True)
class Register:
    """The Daftar Informasi Publik: its address and the defaults of its columns for documents that do not say."""

    url: str = "/informasi-publik/"
    unit: str = ""                 # the unit that holds the information, e.g. 'Sekretariat KPU Provinsi ...'
    responsible: str = ""          # who is responsible for making it, e.g. 'PPID KPU Provinsi ...'
    place: str = ""                # where documents are made, e.g. 'Tanjung Selor'
    retention: str = ""            # how long they are kept, e.g. 'Sesuai Jadwal Retensi Arsip'


@dataclass(frozen=True)
class Documents:
    """Typed documents (registry.py): the types an office uses, which of them are legal products, the DIP."""

    types: list[str] = field(default_factory=list)          # further types beside registry.TYPES
    legal_types: list[str] = field(default_factory=lambda: ["Keputusan", "Peraturan", "Surat Edaran"])
    register: Register = field(default_factory=Register)


@dataclass(frozen=True)
class PublishTarget:
    """One place the site is published to (`publish:` in config.yaml); credentials never live here."""

    type: str
    path: str = ""
    host: str = ""
    port: int = 0                   # 0: the type's usual port (22 for sftp, 21 for ftp and ftps)
    user: str = ""
    key: str = ""                   # sftp: a private key file, tried after the SSH agent
    branch: str = "gh-pages"        # git
    insecure: bool = False          # ftp: plain FTP sends the password unencrypted; say so to allow it
    max_deletes: int = 100          # more deletions than this stop the publish unless --yes
    connections: int = 0            # requests in flight (sftp, default 64) or connections (ftp/ftps, default 2)
    known: list[str] = field(default_factory=list)     # files on the target that are not the site's but the office's
                                                        # (paths or glob patterns): verify does not report them
    rollback_keep: int = 5          # publishes kept on this computer for `publish --rollback`; 0: none
    logs: str = ""                  # the web server's current access log (otomatis reads it and its rotated files);
                                    # folder targets: a path, relative to the site folder unless absolute


@dataclass(frozen=True)
class Desk:
    """The staff desk (Meja Redaksi) of the preview."""

    upload_limit_mb: int = 25       # the largest photo or document one upload may be
    video_limit_mb: int = 500       # the largest video (a phone films about 130 MB a minute at 1080p)


@dataclass(frozen=True)
class Email:
    """Where `otomatis` sends its reports by e-mail: the office's SMTP server. The password is never here: it comes
    from the environment variable OTOMATIS_SMTP_PASSWORD."""

    host: str
    from_: str                      # `from:` in config.yaml (a Python keyword, hence the underscore)
    to: list[str]
    port: int = 587
    starttls: bool = True           # upgrade the connection with STARTTLS before logging in (port 587)
    ssl: bool = False               # TLS from the first byte ("SSL/TLS", port 465; always so on port 465)
    user: str = ""                  # log in as this user (password from OTOMATIS_SMTP_PASSWORD); "" no login


@dataclass(frozen=True)
class Otomatis:
    """The unattended runner (`otomatis`): how often it runs and checks, where it logs, whom it tells."""

    interval: int = 5               # minutes between rounds when it runs by itself (not --once)
    verify: int = 60                # minutes between checks of the live site; 0: never
    target: str = ""                # the publish target it publishes to and checks; "": the first
    log: str = ".cache/otomatis.log"    # its log file, in the site folder, outside content/ and output/
    email: Email | None = None
    webhook: str = ""               # an address to POST each report to as JSON (a chat channel's incoming webhook)
    logs_every: int = 60            # minutes between fetches of the target's access logs (its `logs:`); 0: never
    views_publish: int = 6          # hours: new view counts are published at most this often; 0: never
    keep_days: int = 90             # days of its own log lines and access-log copies kept; 0: everything


PUBLISH_TYPES = ("sftp", "ftps", "ftp", "folder", "git")
DEFAULT_PORTS = {"sftp": 22, "ftps": 21, "ftp": 21}
SECRET_KEYS = {"password", "passwd", "pass", "passphrase", "secret", "token", "sandi", "kata_sandi"}


@dataclass(frozen=True)
class Config:
    site: SiteSettings
    permalinks: Permalinks = field(default_factory=Permalinks)
    listing: Listing = field(default_factory=Listing)
    menu: list[MenuItem] = field(default_factory=list)          # the whole menu, replacing the default one
    menu_links: list[MenuItem] = field(default_factory=list)    # links added to the default menu, after Cari
    home: Home = field(default_factory=Home)
    services: list[Service] = field(default_factory=list)
    contact: Contact = field(default_factory=Contact)
    social: list[SocialLink] = field(default_factory=list)
    photos: Photos = field(default_factory=Photos)
    theme: Theme = field(default_factory=Theme)
    publish: dict[str, PublishTarget] = field(default_factory=dict)   # the first target is the default
    documents: Documents = field(default_factory=Documents)
    desk: Desk = field(default_factory=Desk)
    otomatis: Otomatis = field(default_factory=Otomatis)

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
# Settings staff write in Indonesian, with the names they mean (the first of them the section has is suggested).
INDONESIAN = {"layanan": ("services",), "kontak": ("contact",), "alamat": ("address", "url"), "telepon": ("phone",),
              "telp": ("phone",), "surel": ("email",), "jam": ("hours",), "jam_layanan": ("hours",),
              "judul": ("title",), "nama": ("name", "title"), "tautan": ("url",), "keterangan": ("description",),
              "deskripsi": ("description",), "warna": ("color",), "tema": ("theme",), "beranda": ("home",),
              "dokumen": ("documents",), "sosial": ("social",), "media_sosial": ("social",), "foto": ("photos",),
              "terbit": ("publish",), "zona_waktu": ("timezone",), "bahasa": ("language",), "penulis": ("author",),
              "kategori": ("category",), "slogan": ("tagline",), "alamat_situs": ("base_url",),
              "tautan_menu": ("menu_links",), "kaki": ("footer",), "rubrik": ("sections",)}
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
    return load_text(text, path, problems)


def load_text(text: str, path: Path, problems: Problems) -> Config | None:
    """The settings of a config.yaml text as if it were the file at path (its folder is the site, whose theme holds
    the logo): the staff desk checks the text it is about to write. On any error record it and return None."""
    name = path.name
    parsed = yamlio.load(text, name, problems)
    if parsed is None:
        return None
    data, lines = parsed
    before = len(problems.errors)
    config = _build(Config, data, (), lines, name, problems)
    if config is not None:
        _check(config, lines, name, problems)
        _check_look(config, lines, path, problems)
        _check_link_addresses(config, lines, name, problems)
        config = _without_script_links(config, lines, name, problems)
    return config if len(problems.errors) == before else None


def _build(cls, data, key: tuple, lines, path: str, problems: Problems):
    """Turn YAML data into the dataclass cls, reporting unknown keys, missing keys and wrong types."""
    line = lines.get(key, 1)
    where = ".".join(map(str, key)) or "config.yaml"
    if not isinstance(data, dict):
        problems.error(path, line, f"'{where}' harus berupa kumpulan 'nama: nilai', bukan {_shown(data)}.")
        return None
    hints = typing.get_type_hints(cls)
    # a setting named by a Python keyword (`from:`) is the field of that name with an underscore (from_)
    fields = {f.name.removesuffix("_"): f for f in dataclasses.fields(cls)}
    for name in data:
        if str(name).lower() in SECRET_KEYS:
            problems.error(path, lines.get(key + (name,), line), f"'{where}.{name}': kata sandi dan token tidak boleh "
                           "ditulis di config.yaml (berkas ini ikut disalin dan dibagikan).",
                           _secret_fix(key))
        elif name not in fields:
            close = [f for f in INDONESIAN.get(str(name).lower(), ()) if f in fields][:1] or \
                difflib.get_close_matches(str(name), fields, n=1)
            fix = f"Mungkin maksudnya '{close[0]}'?" if close else f"Yang dikenal: {', '.join(fields)}."
            problems.error(path, lines.get(key + (name,), line), f"pengaturan '{name}' tidak dikenal di '{where}'.", fix)
    values = {}
    for name, f in fields.items():
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.error(path, line, f"pengaturan '{where}.{name}' wajib diisi.".replace("config.yaml.", ""))
            continue
        value = _value(hints[f.name], data[name], key + (name,), lines, path, problems)
        if value is not _BAD:
            values[f.name] = value
    try:
        return cls(**values)
    except TypeError:
        return None


_BAD = object()
# `color: #1d4e89` without quotes reads as an empty value: YAML takes '#' as the start of a comment.
COLOR_FIX = "Tulis kode warna dalam tanda kutip, karena tanpa tanda kutip '#' dibaca sebagai awal catatan: color: \"#1d4e89\""


def _secret_fix(key: tuple) -> str:
    """Where the secret written under `key` is taken from instead."""
    if key[:1] == ("otomatis",):
        return ("Hapus baris ini. Sandi surel diambil dari variabel lingkungan OTOMATIS_SMTP_PASSWORD di komputer yang "
                "menjalankan otomatis, dan alamat webhook yang memuat token dari OTOMATIS_WEBHOOK.")
    return ("Hapus baris ini. SFTP memakai kunci SSH (ssh-agent, 'key:' atau ~/.ssh); FTP mengambil sandi dari variabel "
            "lingkungan PUBLISH_PASSWORD, dari ~/.netrc, atau menanyakannya saat terbit.")


def _value(kind, data, key, lines, path, problems):
    line = lines.get(key, 1)
    name = ".".join(map(str, key))
    if typing.get_origin(kind) in (typing.Union, types.UnionType):    # an optional section: `X | None`
        kind = next(k for k in typing.get_args(kind) if k is not type(None))
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
    if origin is dict:
        if not isinstance(data, dict):
            problems.error(path, line, f"'{name}' harus berupa kumpulan 'nama: nilai', bukan {_shown(data)}.")
            return _BAD
        items = {str(k): _value(typing.get_args(kind)[1], item, key + (k,), lines, path, problems)
                 for k, item in data.items()}
        return _BAD if _BAD in items.values() else items
    if origin in (typing.Union, types.UnionType):
        kind = next(k for k in typing.get_args(kind) if k is not type(None))
        if typing.get_origin(kind) is not None or dataclasses.is_dataclass(kind):
            return _value(kind, data, key, lines, path, problems)
    if kind is str and isinstance(data, (int, float)) and not isinstance(data, bool):
        data = str(data)
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        problems.error(path, line, f"'{name}' harus berupa {_TYPE_NAMES.get(kind, kind.__name__)}, bukan {_shown(data)}.",
                       COLOR_FIX if key == ("theme", "color") and data is None else "")
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
    from babel import Locale, UnknownLocaleError  # outside the try: its except clause names what it imports

    try:
        typed = site.language.replace("-", "_").split("_")[0].lower()
        if typed in ("root", "und") or Locale.parse(site.language).language in ("root", "und"):
            raise ValueError(site.language)       # CLDR's root and "undetermined" locales parse, but are no language
    except (ValueError, LookupError, UnknownLocaleError, TypeError):
        problems.error(path, lines.get(("site", "language")), f"bahasa '{site.language}' tidak dikenal.",
                       "Pakai kode bahasa seperti id atau en.")
    _check_permalinks(config.permalinks, lines, path, problems)
    for name in ("per_page", "popular", "recent", "related", "feed_items"):
        if getattr(config.listing, name) < 1:
            problems.error(path, lines.get(("listing", name)), f"'listing.{name}' harus 1 atau lebih.")
    for name in ("section_posts", "documents"):
        if getattr(config.home, name) < 0:
            problems.error(path, lines.get(("home", name)), f"'home.{name}' tidak boleh negatif.")
    if config.otomatis.keep_days < 0:
        problems.error(path, lines.get(("otomatis", "keep_days")), "'otomatis.keep_days' tidak boleh negatif.",
                       "Tulis jumlah hari yang disimpan, atau 0 untuk menyimpan semuanya.")
    for name in ("thumb", "web", "large"):
        if getattr(config.photos, name) < 16:
            problems.error(path, lines.get(("photos", name)), f"'photos.{name}' terlalu kecil (paling sedikit 16 piksel).")
    if not 1 <= config.photos.quality <= 100:
        problems.error(path, lines.get(("photos", "quality")), "'photos.quality' harus antara 1 dan 100.")
    for name, target in config.publish.items():
        _check_target(name, target, lines, path, problems)
    url = config.documents.register.url
    if not (url.startswith("/") and url.endswith("/")) or any(c in url for c in "?#% \\") or "/../" in url + "/":
        problems.error(path, lines.get(("documents", "register", "url")), f"alamat daftar informasi publik '{url}' "
                       "harus diawali dan diakhiri '/', tanpa spasi, '?', '#' atau '%'.", "Contoh: url: /informasi-publik/")
    if not 1 <= config.desk.upload_limit_mb <= 2048:
        problems.error(path, lines.get(("desk", "upload_limit_mb")), "'desk.upload_limit_mb' harus antara 1 dan 2048 "
                       "(megabita).", "Misalnya upload_limit_mb: 25")
    if not 1 <= config.desk.video_limit_mb <= 4096:
        problems.error(path, lines.get(("desk", "video_limit_mb")), "'desk.video_limit_mb' harus antara 1 dan 4096 "
                       "(megabita).", "Misalnya video_limit_mb: 500")


def _check_target(name: str, target: PublishTarget, lines, path: str, problems: Problems) -> None:
    """A publish target names a known type and has what that type needs."""
    def at(key):
        return lines.get(("publish", name, key), lines.get(("publish", name)))
    where = f"publish.{name}"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
        problems.error(path, at(None), f"nama tujuan '{name}' hanya boleh memuat huruf, angka, '-' dan '_'.",
                       "Contoh: utama, cadangan.")
    if target.type not in PUBLISH_TYPES:
        problems.error(path, at("type"), f"'{where}.type' tidak dikenal: '{target.type}'.",
                       f"Pakai salah satu: {', '.join(PUBLISH_TYPES)}.")
        return
    if not target.path:
        problems.error(path, at(None), f"'{where}.path' wajib diisi untuk type {target.type}.",
                       {"folder": "Tulis folder tujuan, misalnya /media/cadangan/situs.",
                        "git": "Tulis folder atau alamat repositori git, misalnya ../situs.git."}
                       .get(target.type, "Tulis folder situs di server, misalnya /var/www/html."))
    if target.type in DEFAULT_PORTS and not target.host:
        problems.error(path, at(None), f"'{where}.host' wajib diisi untuk type {target.type}.",
                       "Tulis nama server, misalnya kaltara.kpu.go.id.")
    if target.type == "ftp" and not target.insecure:
        problems.error(path, at("type"), f"'{where}': FTP biasa mengirim sandi tanpa enkripsi.",
                       "Pakai type: ftps bila server mendukungnya; bila tidak, tulis insecure: true untuk tetap memakai FTP.")
    if target.type == "git" and credentials_in_url(target.path):
        problems.error(path, at("path"), f"'{where}.path' memuat nama pengguna dan sandi atau token di alamat "
                       f"repositori ({redact_userinfo(target.path)}); sandi dan token tidak boleh ditulis di "
                       "config.yaml (berkas ini ikut disalin dan dibagikan).",
                       "Tulis alamatnya tanpa bagian sebelum '@', lalu simpan token di pengelola kredensial git "
                       "(git config --global credential.helper store) atau pakai alamat SSH (git@host:repo.git).")
    if not 0 <= target.port <= 65535:
        problems.error(path, at("port"), f"'{where}.port' harus antara 1 dan 65535.")
    for pattern in target.known:
        if not pattern.strip() or pattern.startswith(("/", "\\")) or ".." in pattern.split("/") or ":" in pattern:
            problems.error(path, at("known"), f"'{where}.known': '{pattern}' harus jalur di dalam folder tujuan, "
                           "tanpa '/' di depan, tanpa '..'.", "Contoh: known: [google1234.html, .well-known/]")
    if target.max_deletes < 0 or target.connections < 0:
        problems.error(path, at("max_deletes" if target.max_deletes < 0 else "connections"),
                       f"'{where}': max_deletes dan connections tidak boleh negatif.")


_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][\w+.-]*://)(?P<userinfo>[^/@\s'\"]*)@")


def credentials_in_url(url: str) -> bool:
    """A repository address with a password or token in it: https://user:TOKEN@host/..., or https://TOKEN@host/...
    (a web address's user name is a token: GitHub and GitLab take it so). ssh://git@host/... names a user only."""
    found = _USERINFO.search(url)
    if found is None:
        return False
    scheme = found["scheme"].lower()
    return ":" in found["userinfo"] or not scheme.startswith(("ssh:", "git+ssh:", "ssh+git:"))


def redact_userinfo(text: str) -> str:
    """Text with the user-info part of every address in it (user:TOKEN@) left out, for messages."""
    return _USERINFO.sub(lambda m: m["scheme"], text)


_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def _rgb(color: str) -> tuple[int, int, int]:
    hex_digits = color.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    return int(hex_digits[0:2], 16), int(hex_digits[2:4], 16), int(hex_digits[4:6], 16)


def contrast_with_white(color: str) -> float:
    """WCAG contrast ratio of white text on this colour (4.5 or more is readable for normal text)."""
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def _check_look(config: Config, lines, path: Path, problems: Problems) -> None:
    """The brand colour must be readable under white text and on white; the logo must be a file of the theme."""
    name = path.name
    color = config.theme.color
    if color and not _COLOR.match(color):
        problems.error(name, lines.get(("theme", "color")), f"warna '{color}' tidak sah.",
                       "Tulis kode warna heksadesimal dalam tanda kutip, misalnya color: \"#1d4e89\".")
    elif color and contrast_with_white(color) < 4.5:
        ratio = f"{contrast_with_white(color):.1f}".replace(".", ",")
        problems.error(name, lines.get(("theme", "color")),
                       f"warna '{color}' terlalu terang: teks putih di atasnya sulit dibaca (kontras {ratio}:1, "
                       "perlu 4,5:1 atau lebih).", "Pilih warna yang lebih gelap, misalnya #1d4e89 (biru) atau #a3000b (merah).")
    if config.site.logo:
        _check_logo(config.site.logo, lines.get(("site", "logo")), path, problems)


LOGO_WEIGHT = 200_000          # bytes: a logo every page loads; a 512×512 PNG logo is well below this


def _check_logo(logo: str, line: int | None, path: Path, problems: Problems) -> None:
    """The logo is a file of templates/assets/ (a name close to one there is suggested: another case, no /assets/,
    a path on the laptop), and light enough for every reader to load on every page (a warning otherwise)."""
    assets = theme.assets(theme.folders(path.parent))
    if not logo.startswith(f"/{theme.ASSETS}/") or logo not in assets:
        written = re.split(r"[\\/]", logo)[-1].lower()
        close = [url for url in assets if url.rsplit("/", 1)[-1].lower() == written]
        fix = (f"Mungkin maksudnya logo: {close[0]} (nama berkas harus sama persis, termasuk huruf besar-kecil)."
               if close else f"Letakkan berkas logo di folder templates/{theme.ASSETS}/ situs, lalu tulis "
               f"logo: /{theme.ASSETS}/nama-berkas.png")
        problems.error(path.name, line, f"logo '{logo}' tidak ada di templates/{theme.ASSETS}/.", fix)
        return
    if not logo.lower().endswith((".png", ".jpg", ".jpeg")):
        problems.warn(path.name, line, f"logo '{logo}' tampil di kepala halaman, tetapi gambar saat berita dibagikan "
                      "(WhatsApp, Facebook) dan data untuk mesin pencari hanya bisa memakai PNG atau JPG, jadi di sana "
                      "tampil tanda bawaan (kotak suara).", "Simpan logonya juga sebagai PNG persegi di "
                      f"templates/{theme.ASSETS}/ dan tulis nama berkas PNG itu di logo:.")
    try:
        size = assets[logo].stat().st_size
    except OSError:
        return
    if size > LOGO_WEIGHT:
        shown = f"{size / 1_000_000:.1f} MB".replace(".", ",") if size >= 1_000_000 else f"{size // 1000} KB"
        problems.warn(path.name, line, f"logo '{logo}' berukuran {shown}: setiap pembaca mengunduhnya di setiap "
                      "halaman, sehingga situs lambat dibuka di ponsel.",
                      "Perkecil logonya menjadi 512 × 512 piksel (PNG) di program gambar, lalu simpan dengan nama "
                      "yang sama; ukurannya biasanya di bawah 100 KB.")


REQUIRED = {"post": {"slug"}, "page": {"slug"}, "category": {"slug"}, "tag": {"slug"}, "archive": {"year", "month"},
            "gallery": {"slug"}}
KIND_NAMES = {"post": "berita", "page": "halaman", "category": "kategori", "tag": "tag", "archive": "arsip bulanan",
              "gallery": "galeri"}
_SERVABLE = re.compile(r"[A-Za-z0-9._~/-]*")     # what a folder name on any host and a URL path share, unescaped


def _check_permalinks(permalinks: Permalinks, lines, path: str, problems: Problems) -> None:
    """Each pattern makes addresses a static host can serve, different for every post, page and term; no two
    patterns make the same address (except post and page, which WordPress allows: /{slug}/ for both)."""
    shapes: dict[str, str] = {}
    for name, allowed in PLACEHOLDERS.items():
        pattern = getattr(permalinks, name)
        line = lines.get(("permalinks", name))
        problem = _pattern_problem(pattern, allowed, REQUIRED[name])
        if problem:
            message, fix = problem
            problems.error(path, line, f"pola alamat 'permalinks.{name}' ({pattern!r}) {message}", fix)
            continue
        other = next((o for o, s in shapes.items() if s == pattern and {o, name} != {"post", "page"}), None)
        if other:
            problems.error(path, line, f"pola alamat 'permalinks.{name}' ({pattern!r}) sama dengan "
                           f"'permalinks.{other}' ({getattr(permalinks, other)!r}): {KIND_NAMES[other]} dan "
                           f"{KIND_NAMES[name]} bernama sama akan berebut satu alamat.",
                           f"Beri awalan yang berbeda, misalnya /{KIND_NAMES[name].split()[0]}/{{slug}}/.")
        shapes[name] = pattern


def _pattern_problem(pattern: str, allowed: set, required: set) -> tuple[str, str] | None:
    """What is wrong with one permalink pattern, as (message, fix), or None."""
    example = "Contoh: /{year}/{month}/" if "slug" not in required else "Contoh: /{year}/{month}/{slug}/"
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return "memuat '{' atau '}' yang tidak berpasangan.", "Tulis tempat isian lengkap, seperti {slug} atau {year}."
    used = set()
    for literal, field, spec, conversion in parts:
        bad = next((c for c in literal if not _SERVABLE.fullmatch(c)), None)
        if bad == "%":
            return ("memuat kode persen ('%'): alamatnya tidak akan pernah ditemukan.",
                    "Tulis hurufnya langsung tanpa kode, hanya huruf, angka, '-', '_' dan '/'.")
        if bad in ("?", "#"):
            return (f"memuat '{bad}': bagian setelahnya tidak sampai ke folder di server, halamannya tak terjangkau.",
                    "Hapus tanda itu; pakai huruf, angka, '-', '_' dan '/' saja.")
        if bad is not None:
            return (f"memuat {bad!r}, yang tidak bisa dipakai di alamat.", "Pakai huruf, angka, '-', '_' dan '/' saja.")
        if field is None:
            continue
        if not re.fullmatch(r"\w+", field) or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return (f"memuat tempat isian {shown!r} yang tidak dikenal.",
                    f"Yang boleh dipakai: {', '.join('{' + a + '}' for a in sorted(allowed))}, ditulis polos.")
        if field not in allowed:
            return (f"memakai {{{field}}} yang tidak dikenal.",
                    f"Yang boleh dipakai: {', '.join('{' + a + '}' for a in sorted(allowed))}.")
        used.add(field)
    segments = pattern.split("/")
    if ".." in segments or "." in segments:
        return "memuat '..' atau '.' sebagai nama folder, yang keluar dari (atau berputar di) folder situs.", example
    if not pattern.startswith("/") or not pattern.endswith("/"):
        return "harus diawali dan diakhiri '/'.", example
    if "//" in pattern:
        return "memuat '//' (nama folder kosong).", example
    missing = sorted(required - used)
    if missing:
        need = " dan ".join("{" + m + "}" for m in missing)
        return f"harus memuat {need} agar setiap alamat berbeda.", example
    return None


_HOST_FIRST = re.compile(r"^(?:www\.|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:id|com|org|net|info|io|co|gov|go\.id)"
                         r"(?::\d+)?(?:[/?#]|$))", re.I)


def _check_link_addresses(config: Config, lines, path: str, problems: Problems) -> None:
    """A menu, services or social link written without its https:// ('ppid.kpu.go.id', '//jdih.kpu.go.id') would
    become an address of this site that does not exist: an error with its line and the address to write."""
    for section in ("menu", "menu_links", "services", "social"):
        for index, item in enumerate(getattr(config, section)):
            url = item.url.strip()
            host = url.lstrip("/") if url.startswith("//") else url if _HOST_FIRST.match(url) else ""
            if host and "://" not in url:
                problems.error(path, lines.get((section, index, "url"), lines.get((section, index))),
                               f"alamat '{url}' di '{section}' tidak diawali https://, sehingga menjadi alamat di "
                               "dalam situs ini yang tidak ada.", f"Tulis alamat lengkapnya: url: https://{host}")


def _without_script_links(config: Config, lines, path: str, problems: Problems) -> Config:
    """Menu and social links whose URL runs script (javascript:, ...) are left out, each with a warning."""
    from generator.model.sanitize import runs_script

    kept = {}
    for section in ("menu", "menu_links", "services", "social"):
        items = getattr(config, section)
        for index, item in enumerate(items):
            if runs_script(item.url):
                problems.warn(path, lines.get((section, index, "url"), lines.get((section, index))),
                              f"tautan '{section}' ke {item.url[:60]!r} dihapus: alamat seperti ini menjalankan skrip "
                              "di peramban pembaca.", "Tulis alamat web biasa, misalnya https://www.facebook.com/...")
        kept[section] = [item for item in items if not runs_script(item.url)]
    return dataclasses.replace(config, **kept)
