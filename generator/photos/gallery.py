"""Event galleries: which photos a post has, in what order, with what alt text, and the derived files of each."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from generator.core.report import Problems
from generator.model.config import Photos
from generator.model.content import RAW_FIX
from generator.model.entries import HEIF_SUFFIXES, PHOTO_SUFFIXES, Entry, Photo, slugify
from generator.model.entries import UNSUPPORTED_PHOTOS as UNSUPPORTED
from generator.photos.probe import ProbeIndex, TooLarge, probe
from generator.photos.types import PIPELINE, PhotoView, Source, Variant


def widths(source_width: int, settings: Photos) -> list[int]:
    """The widths to make: the configured sizes, never wider than the original."""
    wanted = sorted({settings.thumb, settings.web, settings.large})
    kept = [w for w in wanted if w < source_width]
    return kept + [min(source_width, wanted[-1])] if len(kept) < len(wanted) else kept


def scaled_height(width: int, height: int, new_width: int) -> int:
    return max(1, round(height * new_width / width))


def formats(source: Source, settings: Photos) -> list[str]:
    """The fallback format first (PNG keeps transparency), then the modern ones the <picture> offers."""
    if source.animated:
        return ["gif"]
    main = "png" if source.alpha else "jpg"
    return [main] + (["avif"] if settings.avif else []) + (["webp"] if settings.webp else [])


def plan(number: int, photo: Photo, alt: str, source: Source, prefix: str, settings: Photos) -> PhotoView:
    """Every derived file of one photo, named prefix + '-{width}w.{format}' (prefix: the post's URL and the photo's
    stem)."""
    variants = []
    key = f"{source.digest}-q{settings.quality}-{PIPELINE}"
    for fmt in formats(source, settings):
        for width in ([source.width] if source.animated else widths(source.width, settings)):
            height = scaled_height(source.width, source.height, width)
            variants.append(Variant(f"{prefix}-{width}w.{fmt}", width, height, fmt, f"{key}-{width}w.{fmt}"))
    original = None
    if settings.publish_originals and not source.animated:
        fmt = variants[0].format
        original = Variant(f"{prefix}-asli.{fmt}", source.width, source.height, fmt,
                           f"{source.digest}-{PIPELINE}-asli.{fmt}")
    return PhotoView(number, photo.file, photo.caption, alt, source.width, source.height, tuple(variants),
                     original, source, photo.line, photo.credit)

def natural_key(name: str) -> tuple:
    """File-name order as people expect it: foto-2 before foto-10, capitals mixed in."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)), name


def photos_of(entry: Entry, post_url: str, settings: Photos, problems: Problems,
              index: ProbeIndex | None = None) -> list[PhotoView]:
    """The post's gallery in order: listed photos first, then the bundle's other photos by file name."""
    if entry.bundle is None:
        return []
    for name in entry.files:
        if Path(name).suffix.lower() in UNSUPPORTED:
            problems.warn(_where(entry, name), None, f"foto '{name}' berformat {Path(name).suffix[1:].upper()} (RAW "
                          "kamera atau JPEG XL) yang tidak bisa diolah, jadi tidak diterbitkan.", RAW_FIX)
    listed: dict[str, Photo] = {}
    for photo in entry.gallery:
        if photo.file in listed:
            problems.warn(entry.path, photo.line, f"foto '{photo.file}' tercantum dua kali di 'gallery'; yang kedua "
                          "diabaikan.", "Hapus salah satunya.")
        else:
            listed[photo.file] = photo
    unlisted = sorted((n for n in entry.files if Path(n).suffix.lower() in PHOTO_SUFFIXES and n not in listed),
                      key=natural_key)
    views: list[PhotoView] = []
    stems: set[str] = set()
    for number, photo in enumerate(list(listed.values()) + [Photo(n) for n in unlisted], start=1):
        source = _probe(entry, photo, index, problems)
        if source is None:
            continue
        base = slugify(Path(photo.file).stem)
        if not re.search("[a-z]", base):      # '照片.jpg' or 'IMG 2' written in another script: still a readable name
            base = f"foto-{base or number}"
        stem, count = base, 1
        while stem in stems:
            count += 1
            stem = f"{base}-{count}"
        stems.add(stem)
        alt = photo.alt or photo.caption or f"{entry.title} — foto {number}"
        views.append(plan(number, photo, alt, source, post_url + stem, settings))
    return views


def _where(entry: Entry, name: str) -> str:
    """The content file a message about a bundle photo names: the photo itself, relative like the entry path."""
    return str(Path(entry.path).parent / name)


def _probe(entry: Entry, photo: Photo, index: ProbeIndex | None, problems: Problems) -> Source | None:
    path = entry.bundle / photo.file
    where, line = (entry.path, photo.line) if photo.line else (_where(entry, photo.file), None)
    try:
        return index.probe(path) if index else probe(path)
    except (TooLarge, Image.DecompressionBombError):
        limit = (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000
        problems.error(where, line, f"foto '{photo.file}' terlalu besar (lebih dari {limit} juta piksel), mungkin "
                       "rusak atau sengaja dibuat untuk memberatkan.", "Perkecil foto itu (misalnya lebar 4000 piksel) "
                       "lalu simpan ulang sebagai JPG.")
    except FileNotFoundError:
        problems.error(where, line, f"foto '{photo.file}' tidak ditemukan.", "Letakkan foto itu di folder berita ini.")
    except Exception as err:  # noqa: BLE001 - Pillow raises many kinds for a bad file; each becomes a message
        kind = "kosong (0 bita)" if path.exists() and path.stat().st_size == 0 else "rusak atau bukan gambar"
        if path.suffix.lower() in HEIF_SUFFIXES:      # an iPhone photo libheif cannot read: only it is left out
            problems.warn(where, line, f"foto HEIC '{photo.file}' {kind}, tidak bisa dibaca ({type(err).__name__}), "
                          "jadi dilewati: foto ini tidak diterbitkan.", "Di ponsel, kirim ulang foto itu sebagai JPG "
                          "(pilih format 'Paling Kompatibel'), atau ekspor ulang lalu ganti berkasnya.")
            return None
        problems.error(where, line, f"berkas '{photo.file}' {kind}, tidak bisa dibaca sebagai foto "
                       f"({type(err).__name__}).", "Ganti dengan foto JPG atau PNG yang bisa dibuka di komputer.")
    return None

