"""Uploaded photos, documents and videos: a safe file name inside the post's folder (never outside it), a size limit,
iPhone HEIC/HEIF photos turned into JPEG (upright, without their location), and phone videos (MP4, MOV, M4V, 3GP)
kept without the place they were filmed (photos.videometa)."""

from __future__ import annotations

import io
import os
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from generator.desk.checks import FieldProblem
from generator.desk.history import DESK_DIR, STAGING, TEMP_PREFIX, TEMP_SUFFIX, write_new
from generator.model import documents
from generator.model.suffixes import VIDEO_SUFFIXES
from generator.photos import videometa

PHOTOS = {".jpg", ".jpeg", ".png", ".webp", ".gif"}
HEIC = {".heic", ".heif"}
VIDEOS = set(VIDEO_SUFFIXES)
ATTACHMENTS = set(documents.DOCUMENT_SUFFIXES) | VIDEOS
MAX_NAME = 100
DEFAULT_LIMIT = 25 * 1024 * 1024
DEFAULT_VIDEO_LIMIT = 500 * 1024 * 1024
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The bytes one upload may have: a photo or a document, and a video (config.yaml desk.upload_limit_mb and
    desk.video_limit_mb)."""

    files: int = DEFAULT_LIMIT
    videos: int = DEFAULT_VIDEO_LIMIT


@dataclass(frozen=True)
class Stored:
    name: str           # the safe file name in the post's folder (or the staging folder)
    kind: str           # "photo" | "attachment"
    size: int


def kind_of(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    if suffix in PHOTOS or suffix in HEIC:
        return "photo"
    return "attachment" if suffix in ATTACHMENTS else None


def safe_name(filename: str) -> str:
    """A name any computer can hold, in lower case ASCII: 'Foto Rapat (1).JPG' -> 'foto-rapat-1.jpg'; path parts,
    '..', leading dots, Windows' reserved names and characters, and trailing dots or spaces never survive."""
    from anyascii import anyascii

    name = re.split(r"[/\\]", filename.replace("\0", ""))[-1]
    name = anyascii(unicodedata.normalize("NFC", name)).lower()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9_-]+", "-", stem)).strip("-_.")      # 'a – b': 'a-b', not 'a---b'
    suffix = re.sub(r"[^a-z0-9]+", "", suffix)[:10]
    if not stem or stem.split(".")[0] in _RESERVED:
        stem = f"berkas-{stem}" if stem else "berkas"
    stem = stem[:MAX_NAME - len(suffix) - 1].rstrip("-_")
    return f"{stem}.{suffix}" if suffix else stem


def unique(folder: Path, name: str) -> str:
    """name, or name-2, name-3, ... : the first not yet in folder (compared without letter case)."""
    taken = {p.name.lower() for p in folder.iterdir()} if folder.is_dir() else set()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, number = name, 1
    while candidate.lower() in taken or candidate == "index.md":
        number += 1
        tail = f"-{number}"
        candidate = f"{stem[:MAX_NAME - len(suffix) - 1 - len(tail)]}{tail}" + (f".{suffix}" if suffix else "")
    return candidate


def staging(site: Path) -> Path:
    """Where uploads wait for a post not yet saved as a folder."""
    return site / DESK_DIR / STAGING


STAGED_DAYS = 14        # uploads for a post never saved are let go after this long


def tidy_staging(site: Path, now: float) -> list[str]:
    """Delete staged uploads older than STAGED_DAYS (a form left unsaved); only the desk writes there. Returns the
    names deleted."""
    folder = staging(site)
    gone = []
    for path in folder.iterdir() if folder.is_dir() else ():
        try:
            if path.is_file() and now - path.stat().st_mtime > STAGED_DAYS * 86400:
                path.unlink()
                gone.append(path.name)
        except OSError:
            continue
    return gone


CUT_OFF_AGE = 3600      # seconds after which a temporary upload file is one an upload cut off left behind


def tidy_cut_off(folder: Path, now: float) -> list[str]:
    """Delete what uploads cut off left in folder (the desk stopped while a video was being copied in): only the
    desk's own temporary files (TEMP_PREFIX...TEMP_SUFFIX), older than CUT_OFF_AGE. Returns the names deleted."""
    gone = []
    for path in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}") if folder.is_dir() else ():
        try:
            if path.is_file() and not path.is_symlink() and now - path.stat().st_mtime > CUT_OFF_AGE:
                path.unlink()
                gone.append(path.name)
        except OSError:
            continue
    return gone


def staged_names(site: Path) -> list[str]:
    folder = staging(site)
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) \
        if folder.is_dir() else []


def _limit_text(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes >= 1 else f"{limit // 1024} KB"


def _read(data: BinaryIO, limit: int) -> bytes | None:
    """The upload's bytes, or None as soon as it is larger than limit."""
    buffer = io.BytesIO()
    while True:
        chunk = data.read(_CHUNK)
        if not chunk:
            return buffer.getvalue()
        buffer.write(chunk)
        if buffer.tell() > limit:
            return None


def store(folder: Path, filename: str, data: BinaryIO, limits: Limits) -> Stored | FieldProblem:
    """Keep one uploaded file in folder under a safe, unique name; a FieldProblem says why not. A video is written
    to the folder as it arrives (never whole in memory: a phone's can be hundreds of megabytes)."""
    kind = kind_of(filename)
    field = "photos" if kind == "photo" else "attachments"
    if kind is None:
        allowed = ", ".join(s.lstrip(".").upper() for s in sorted(PHOTOS | HEIC | ATTACHMENTS))
        return FieldProblem("attachments", f"Berkas '{filename[:80]}' tidak bisa dipakai: jenisnya tidak dikenal. "
                                           f"Yang bisa diunggah: {allowed}.")
    name = safe_name(filename)
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / name).resolve().parent != folder.resolve():
        return FieldProblem(field, f"Nama berkas '{filename[:80]}' tidak bisa dipakai.")
    tidy_cut_off(folder, time.time())
    if Path(name).suffix in VIDEOS:
        return _store_video(folder, filename, name, data, limits.videos)
    body = _read(data, limits.files)
    if body is None:
        return FieldProblem(field, f"Berkas '{filename[:80]}' lebih besar dari batas {_limit_text(limits.files)}. "
                                   "Perkecil dulu (foto: kirim ulang dengan ukuran lebih kecil; dokumen: simpan "
                                   "sebagai PDF yang lebih ringkas), atau minta pengelola situs menaikkan batas "
                                   "desk: upload_limit_mb di config.yaml.")
    if not body:
        return FieldProblem(field, f"Berkas '{filename[:80]}' kosong (0 byte), mungkin belum selesai tersalin ke "
                                   "komputer ini. Ambil lagi berkas aslinya, lalu unggah ulang.")
    if Path(name).suffix in PHOTOS and not is_image(body):
        return FieldProblem("photos", f"Berkas '{filename[:80]}' bukan foto yang bisa dibuka, walau namanya "
                                      f"berakhiran {Path(name).suffix}: mungkin rusak, terpotong, atau berkas lain "
                                      "yang diganti namanya. Ambil lagi fotonya dari kamera atau ponsel, lalu "
                                      "unggah ulang.")
    if Path(name).suffix in HEIC:
        converted = heic_to_jpeg(body)
        if converted is None:
            return FieldProblem("photos", f"Foto '{filename[:80]}' (HEIC) tidak bisa dibuka; mungkin berkasnya rusak. "
                                          "Coba kirim ulang, atau ubah dulu ke JPEG di ponsel.")
        body, name = converted, name.rsplit(".", 1)[0] + ".jpg"
    name = write_new(folder, name, body, unique)
    return Stored(name, kind, len(body))


class _TooLarge(Exception):
    pass


def _limited(data: BinaryIO, limit: int) -> Iterator[bytes]:
    """The upload's chunks as they are read; _TooLarge as soon as they add up to more than limit."""
    size = 0
    while chunk := data.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        yield chunk


def _store_video(folder: Path, filename: str, name: str, data: BinaryIO, limit: int) -> Stored | FieldProblem:
    """The video written into folder chunk by chunk, its location values zeroed under its temporary name
    (videometa; one that cannot be read is kept as it is, and the build warns of it), then given its name."""
    try:
        name = write_new(folder, name, _limited(data, limit), unique, ready=videometa.clean_file)
    except _TooLarge:
        return FieldProblem("attachments", f"Video '{filename[:80]}' lebih besar dari batas {_limit_text(limit)}. "
                                           "Potong dulu bagian yang perlu, atau rekam ulang dengan resolusi lebih "
                                           "kecil (misalnya 720p), atau minta pengelola situs menaikkan batas "
                                           "desk: video_limit_mb di config.yaml.")
    return Stored(name, "attachment", (folder / name).stat().st_size)


def is_image(data: bytes) -> bool:
    """Whether Pillow knows data as a picture (its header only: the build decodes it and names what else is wrong)."""
    return image_format(data) is not None


def image_format(data: bytes) -> str | None:
    """Pillow's name of the picture's format ('PNG', 'JPEG', ...), from its header; None when it is no picture."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.format or None
    except Exception:       # noqa: BLE001 - whatever Pillow raises, the answer is the same: not a photo it can open
        return None


LOGO_SUFFIXES = {"PNG": "png", "JPEG": "jpg"}       # Pillow's format -> the suffix the logo is kept under
LOGO_LIMIT = 2 * 1024 * 1024


def store_logo(folder: Path, filename: str, data: BinaryIO, limit: int = LOGO_LIMIT) -> Stored | FieldProblem:
    """An office's logo (PNG or JPG, checked by its content) kept in folder (the site's templates/assets/) under a new
    name of the desk's own making, 'logo-<name>.png', never over a file that is there; a FieldProblem says why not."""
    shown = filename[:80]
    if Path(filename).suffix.lower() not in (".png", ".jpg", ".jpeg"):
        return FieldProblem("logo", f"Berkas '{shown}' tidak bisa dipakai sebagai logo: pilih gambar PNG atau JPG "
                                    "(SVG, PDF dan dokumen tidak bisa dipakai di sini).")
    body = _read(data, limit)
    if body is None:
        return FieldProblem("logo", f"Logo '{shown}' lebih besar dari batas {_limit_text(limit)}. Perkecil dulu "
                                    "menjadi sekitar 512 × 512 piksel di program gambar dan simpan sebagai PNG "
                                    "(biasanya di bawah 100 KB), lalu unggah lagi.")
    found = image_format(body)
    if found not in LOGO_SUFFIXES:
        return FieldProblem("logo", f"Berkas '{shown}' bukan gambar PNG atau JPG yang bisa dibuka, walau namanya "
                                    f"berakhiran {Path(filename).suffix.lower()}: mungkin rusak, kosong, atau berkas "
                                    "lain yang diganti namanya. Simpan ulang logonya sebagai PNG, lalu unggah lagi.")
    stem = safe_name(filename).rsplit(".", 1)[0][:80]
    stem = "logo-kantor" if stem in ("logo", "berkas") else stem if stem.startswith("logo-") else f"logo-{stem}"
    name = write_new(folder, f"{stem}.{LOGO_SUFFIXES[found]}", body, unique)
    return Stored(name, "photo", len(body))


def heic_to_jpeg(data: bytes) -> bytes | None:
    """An iPhone photo as JPEG: turned upright by its EXIF orientation, with its EXIF kept but its GPS removed."""
    import pillow_heif
    from PIL import Image, ImageOps

    pillow_heif.register_heif_opener()
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except Exception:       # noqa: BLE001 - any undecodable upload is the same answer: this photo cannot be read
        return None
    exif.pop(0x8825, None)                      # GPS
    exif[0x0112] = 1                             # the pixels are upright now
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def move_in(site: Path, names: list[str], bundle: Path) -> list[str]:
    """Move the staged files named into a post's folder (each kept under its name); returns the names moved."""
    moved = []
    folder = staging(site)
    for name in names:
        source = folder / name
        if not name or "/" in name or "\\" in name or name.startswith(".") or not source.is_file():
            continue
        target = bundle / name
        if target.exists():
            continue
        bundle.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)
        except OSError:
            shutil.move(str(source), str(target))
        moved.append(name)
    return moved

