"""Event photos: the plan of derived sizes (pure arithmetic) and their processing with Pillow, cached."""

from __future__ import annotations

import hashlib
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .config import Photos
from .content import Entry, slugify
from .report import Problems

FORMAT_OF = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF", "gif": "GIF"}
MIME = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif", "gif": "image/gif"}


@dataclass(frozen=True)
class Source:
    """What the plan needs to know of a photo file: its upright size and whether it needs a lossless format."""

    path: Path
    digest: str
    width: int
    height: int
    alpha: bool
    animated: bool


@dataclass(frozen=True)
class Variant:
    """One derived file: made from a source at a width and format; its name carries the parameters."""

    url: str
    width: int
    height: int
    format: str
    cache_name: str


@dataclass(frozen=True)
class PhotoView:
    """A photo as templates see it."""

    number: int
    name: str
    caption: str
    alt: str
    width: int
    height: int
    variants: tuple[Variant, ...]

    def of(self, fmt: str) -> list[Variant]:
        return [v for v in self.variants if v.format == fmt]

    @property
    def fallback(self) -> str:
        return self.variants[0].format

    @property
    def thumb(self) -> Variant:
        return self.of(self.fallback)[0]

    @property
    def web(self) -> Variant:
        sized = self.of(self.fallback)
        return sized[1] if len(sized) > 1 else sized[0]

    @property
    def large(self) -> Variant:
        return self.of(self.fallback)[-1]

    def srcset(self, fmt: str) -> str:
        return ", ".join(f"{v.url} {v.width}w" for v in self.of(fmt))

    @property
    def formats(self) -> list[str]:
        return list(dict.fromkeys(v.format for v in self.variants))

    @property
    def mime(self) -> dict:
        return MIME


def widths(source_width: int, settings: Photos) -> list[int]:
    """The widths to make: the configured sizes, never wider than the original."""
    wanted = sorted({settings.thumb, settings.web, settings.large})
    kept = [w for w in wanted if w < source_width]
    return kept + [min(source_width, wanted[-1])] if len(kept) < len(wanted) else kept


def scaled_height(width: int, height: int, new_width: int) -> int:
    return max(1, round(height * new_width / width))


def formats(source: Source, settings: Photos) -> list[str]:
    if source.animated:
        return ["gif"]
    main = "png" if source.alpha else "jpg"
    extra = (["avif"] if settings.avif else []) + (["webp"] if settings.webp else [])
    return [main] + extra


def plan(number: int, name: str, caption: str, alt: str, source: Source, base_url: str,
         stem: str, settings: Photos) -> PhotoView:
    """Every derived file of one photo, named '{stem}-{width}w.{format}' under the post's URL."""
    variants = []
    for fmt in formats(source, settings):
        for width in ([source.width] if fmt == "gif" else widths(source.width, settings)):
            height = scaled_height(source.width, source.height, width)
            params = f"{width}-{settings.quality}-{'o' if settings.publish_originals else 'n'}"
            variants.append(Variant(f"{base_url}{stem}-{width}w.{fmt}", width, height, fmt,
                                    f"{source.digest[:24]}-{params}.{fmt}"))
    if settings.publish_originals and not source.animated:
        main = "png" if source.alpha else "jpg"
        variants.append(Variant(f"{base_url}{stem}-asli.{main}", source.width, source.height, main,
                                f"{source.digest[:24]}-full-{settings.quality}.{main}"))
    return PhotoView(number, name, caption, alt, source.width, source.height, tuple(variants))


def probe(path: Path) -> Source:
    """Read a photo's header (not its pixels): upright size, transparency, animation, content hash."""
    data = path.read_bytes()
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    with Image.open(path) as image:
        width, height = image.size
        if image.getexif().get(0x0112) in (5, 6, 7, 8):
            width, height = height, width
        alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        animated = getattr(image, "is_animated", False)
    return Source(path, digest, width, height, alpha, animated)


def photos_of(entry: Entry, post_url: str, settings: Photos, problems: Problems) -> list[PhotoView]:
    """The post's gallery in order: listed photos first, then the bundle's other photos by file name."""
    if entry.bundle is None:
        return []
    from .content import PHOTO_SUFFIXES

    listed = {p.file for p in entry.gallery}
    ordered = list(entry.gallery) + [_unlisted(name) for name in entry.files
                                     if Path(name).suffix.lower() in PHOTO_SUFFIXES and name not in listed]
    views, stems = [], set()
    for number, photo in enumerate(ordered, start=1):
        path = entry.bundle / photo.file
        try:
            source = probe(path)
        except Image.DecompressionBombError:
            problems.error(f"{entry.path}", photo.line, f"foto '{photo.file}' terlalu besar (lebih dari "
                           f"{Image.MAX_IMAGE_PIXELS // 1_000_000} juta piksel).", "Perkecil foto sebelum dimasukkan.")
            continue
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            problems.error(f"{entry.path}", photo.line, f"berkas '{photo.file}' bukan foto yang bisa dibaca (rusak atau "
                           "bukan gambar).", "Ganti dengan berkas JPG atau PNG yang bisa dibuka di komputer.")
            continue
        stem = slugify(Path(photo.file).stem) or "foto"
        while stem in stems:
            stem += "-x"
        stems.add(stem)
        alt = photo.alt or photo.caption or f"{entry.title} — foto {number}"
        views.append(plan(number, photo.file, photo.caption, alt, source, post_url, stem, settings))
    return views


def _unlisted(name: str):
    from .content import Photo

    return Photo(name)


def make(job: tuple[str, str, int, int, str, int]) -> str | None:
    """Make one derived file in the cache: upright, resized, without EXIF/GPS/XMP/IPTC. Returns an error text."""
    source, target, width, height, fmt, quality = job
    try:
        if fmt == "gif":
            shutil.copyfile(source, target + ".tmp")
            os.replace(target + ".tmp", target)
            return None
        with Image.open(source) as image:
            if fmt == "jpg" and image.format == "JPEG":
                image.draft("RGB", (width, height))
            image = ImageOps.exif_transpose(image)
            image = _normalise(image, fmt)
            if image.size != (width, height):
                image = image.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
            options = {"quality": quality}
            if fmt == "jpg":
                options.update(optimize=True, progressive=True)
            elif fmt == "png":
                options = {"optimize": True}
            elif fmt == "webp":
                options.update(method=4)
            image.save(target + ".tmp", FORMAT_OF[fmt], **options)
        os.replace(target + ".tmp", target)
        return None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as err:
        return str(err)


def _normalise(image: Image.Image, fmt: str) -> Image.Image:
    """Any mode (CMYK, 16-bit, palette, greyscale) to what the format stores; keep transparency where it can."""
    keeps_alpha = fmt in ("png", "webp", "avif")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda v: v / 256).convert("L")
    if has_alpha and keeps_alpha:
        return image.convert("RGBA")
    if image.mode == "L" and fmt == "jpg":
        return image
    return image.convert("RGB")


def process(views: list[tuple[Path, PhotoView]], cache_dir: Path, quality: int, workers: int,
            problems: Problems, paths: dict[Path, str]) -> tuple[dict[str, Path], int, int]:
    """Make every missing derived file in the cache; return (URL -> cached file, made, reused)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    todo, files, made = [], {}, 0
    for path, view in views:
        for variant in view.variants:
            target = cache_dir / variant.cache_name
            files[variant.url] = target
            if not target.exists():
                todo.append((str(path), str(target), variant.width, variant.height, variant.format, quality))
    unique = list({job[1]: job for job in todo}.values())
    if unique:
        if workers > 1 and len(unique) > 4:
            with ProcessPoolExecutor(workers) as pool:
                results = list(pool.map(make, unique, chunksize=4))
        else:
            results = [make(job) for job in unique]
        for job, error in zip(unique, results):
            if error:
                problems.error(paths.get(Path(job[0]), job[0]), None,
                               f"foto '{Path(job[0]).name}' tidak bisa diolah ({error}).",
                               "Buka dan simpan ulang fotonya, atau ganti dengan berkas JPG lain.")
            else:
                made += 1
    return files, made, len(files) - len(unique)
