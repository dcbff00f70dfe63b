"""Media: WordPress attachments and upload URLs mapped to original files in the uploads folder, named per bundle."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from generator.model.entries import PHOTO_SUFFIXES

DOCUMENT_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".rtf",
                     ".zip", ".rar", ".7z", ".csv", ".txt", ".mp3", ".mp4", ".m4a", ".ogg", ".webm", ".mov"}
MEDIA_SUFFIXES = PHOTO_SUFFIXES | DOCUMENT_SUFFIXES | {".svg", ".bmp"}
_RESIZED = re.compile(r"^(.*)-\d+x\d+(\.[A-Za-z0-9]+)$")
_EDITED = re.compile(r"^(.*)-(?:scaled|rotated)(\.[A-Za-z0-9]+)$")
_UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|#%]+')


@dataclass(frozen=True)
class Attachment:
    """A WordPress attachment item: its file, caption (the excerpt), alt text and the post it was attached to."""

    post_id: str
    url: str
    file: str            # path inside uploads/, e.g. 2019/11/foto.jpg
    title: str
    caption: str
    alt: str
    parent: str
    order: int


@dataclass(frozen=True)
class Media:
    """Where one URL of the export leads: the original in the uploads folder (or None when missing)."""

    url: str
    rel: str                       # path inside uploads/ of the original, '' when the URL is no upload
    source: Path | None
    attachment: Attachment | None

    @property
    def is_photo(self) -> bool:
        return PurePosixPath(self.rel or urlsplit(self.url).path).suffix.lower() in PHOTO_SUFFIXES


def upload_path(url: str) -> str:
    """'https://host/wp-content/uploads/2019/11/foto-1024x683.jpg?w=150' -> '2019/11/foto-1024x683.jpg'; '' when the
    URL does not name an uploaded file."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path)
    if PurePosixPath(path).suffix.lower() not in MEDIA_SUFFIXES:
        return ""
    if "/uploads/" in path:
        rel = path.split("/uploads/", 1)[1]
        rel = re.sub(r"^sites/\d+/", "", rel)            # multisite
    elif parts.netloc.endswith(("files.wordpress.com", "wp.com")):
        rel = path.lstrip("/")
    else:
        match = re.search(r"/(\d{4}/\d{2}/[^/]+)$", path)
        rel = match.group(1) if match else ""
    return unicodedata.normalize("NFC", rel)


def originals(rel: str) -> list[str]:
    """Candidates for the original of an upload path, best first: 'foto-1024x683.jpg' and 'foto-scaled.jpg' were made by
    WordPress from 'foto.jpg'."""
    folder, _, name = rel.rpartition("/")
    prefix = folder + "/" if folder else ""
    found = []
    match = _RESIZED.match(name)
    if match:
        name = match.group(1) + match.group(2)
    match = _EDITED.match(name)
    if match:
        found.append(prefix + match.group(1) + match.group(2))
    found.append(prefix + name)
    return list(dict.fromkeys(found + [rel]))


@dataclass
class Library:
    """The export's attachments and the uploads folder's files, indexed once for the whole run."""

    attachments: dict[str, Attachment]
    files: dict[str, Path]                       # upload path (NFC) -> file on disk
    by_file: dict[str, Attachment] = field(default_factory=dict)
    children: dict[str, list[Attachment]] = field(default_factory=dict)

    def __post_init__(self):
        for attachment in self.attachments.values():
            for rel in {attachment.file, upload_path(attachment.url)} - {""}:
                self.by_file.setdefault(rel, attachment)
            self.children.setdefault(attachment.parent, []).append(attachment)
        for group in self.children.values():
            group.sort(key=lambda a: (a.order, _number(a.post_id)))

    def digest(self) -> str:
        """What conversions depend on: the attachments of the export and the names of the uploaded files."""
        from generator.engine.cache import digest

        return digest(repr((sorted(self.attachments.items()), sorted(self.files))))

    def resolve(self, url: str) -> Media | None:
        """The original behind an URL of the export, or None when the URL is not an upload."""
        rel = upload_path(url)
        if not rel:
            return None
        candidates = originals(rel)
        attachment = next((self.by_file[c] for c in candidates if c in self.by_file), None)
        for candidate in candidates:
            if candidate in self.files:
                return Media(url, candidate, self.files[candidate], attachment or self.by_file.get(candidate))
        return Media(url, candidates[0], None, attachment)

    def by_id(self, post_id: str) -> Media | None:
        attachment = self.attachments.get(post_id.strip())
        if attachment is None:
            return None
        media = self.resolve(attachment.url) if attachment.url else None
        if media is None and attachment.file:
            source = self.files.get(attachment.file)
            media = Media(attachment.url, attachment.file, source, attachment)
        return Media(media.url, media.rel, media.source, attachment) if media else None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else 0


# Where wp-content/uploads/ lies in what staff copy from a host's backup, tried when the folder given has no year
# folders: they often give wp-content/, public_html/ or the backup itself.
_ABOVE_UPLOADS = ("uploads", "wp-content/uploads", "public_html/wp-content/uploads", "htdocs/wp-content/uploads",
                  "www/wp-content/uploads", "html/wp-content/uploads")


def uploads_folder(folder: Path) -> tuple[Path, str]:
    """The folder the export's file paths (2019/11/foto.jpg) start from, and how it was found: the folder given
    (''), the uploads/ inside it when the folder above was given ('inside'; never one reached through a link out of
    the folder given), or the folder given though it has no year folders ('flat')."""
    if _has_years(folder):
        return folder, ""
    root = folder.resolve()
    for rel in _ABOVE_UPLOADS:
        candidate = folder / rel
        if candidate.is_dir() and candidate.resolve().is_relative_to(root) and _has_years(candidate):
            return candidate, "inside"
    return folder, "flat"


def _has_years(folder: Path) -> bool:
    """The folder holds WordPress's year folders (2019/, as 'organise uploads by month and year' makes them)."""
    try:
        return any(re.fullmatch(r"(?:19|20)\d\d", entry.name) and entry.is_dir() for entry in folder.iterdir())
    except OSError:
        return False


def index_uploads(folder: Path | None, links: list[str]) -> dict[str, Path]:
    """Every file under the uploads folder by its path inside it (with Unicode names normalised to NFC), as its
    real path. A link is never read through to outside the folder: a linked file is kept only when its target is a
    file inside the folder, and linked folders are not entered; what was left out is named in links."""
    if folder is None:
        return {}
    root = folder.resolve()
    found = {}
    for current, dirs, names in os.walk(root):
        base = Path(current)
        prefix = base.relative_to(root).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        for name in [d for d in dirs if (base / d).is_symlink() and not d.startswith(".")]:
            links.append(prefix + name + "/")
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (base / d).is_symlink()]
        for name in names:
            if name.startswith("."):
                continue
            path = inside_real(base / name, root)
            if path is None:
                links.append(prefix + name)
            else:
                found[unicodedata.normalize("NFC", prefix + name)] = path
    return found


def inside_real(path: Path, root: Path) -> Path | None:
    """The real path of a regular file when it lies inside root (root itself a real path), else None."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(root) and real.is_file() else None


def safe_name(name: str) -> str:
    """A readable file name for the bundle: Unicode kept, path separators and control characters replaced."""
    name = unicodedata.normalize("NFC", name).strip()
    name = _UNSAFE.sub("-", name).lstrip(".-") or "berkas"
    if name.lower() == "index.md":
        name = "index-1.md"
    return bounded_name(name)


NAME_BYTES = 100      # of a file's name: far under the 255 bytes most file systems allow, and Windows' path limit


def bounded_name(name: str, limit: int = NAME_BYTES) -> str:
    """The name cut to limit bytes of UTF-8 (never inside a character), its suffix kept."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = name, ""
    room = limit - (len(suffix.encode("utf-8")) + 1 if suffix else 0)
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(" .-") or "berkas"
    return f"{stem}.{suffix}" if suffix else stem


@dataclass
class BundleFiles:
    """The files one bundle holds: each original once, under a name that clashes with no other in the bundle."""

    names: dict[str, str] = field(default_factory=dict)       # upload path -> name in the bundle
    sources: dict[str, Path] = field(default_factory=dict)    # name -> file to copy

    def add(self, media: Media) -> str:
        if media.rel in self.names:
            return self.names[media.rel]
        name = safe_name(PurePosixPath(media.rel).name)
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        number = 1
        while name.lower() in (n.lower() for n in self.sources):
            number += 1
            name = f"{stem}-{number}.{suffix}" if suffix else f"{stem}-{number}"
        self.names[media.rel] = name
        self.sources[name] = media.source
        return name
