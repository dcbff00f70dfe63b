"""Event photos: probe (with a persistent index), plan the derived sizes (pure arithmetic), process them cached."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from . import imaging
from .config import Photos
from .content import PHOTO_SUFFIXES, Entry, Photo, slugify
from .report import Problems

MIME = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif", "gif": "image/gif"}
PIPELINE = "p3"                 # bump when processing changes so cached files are made again
UNSUPPORTED = {".heic", ".heif"}
INDEX_NAME = "index.json"
PRUNE_DAYS = 30                  # derived files unused this long are deleted from the cache


@dataclass(frozen=True)
class Source:
    """What the plan needs to know of a photo file: its upright size, content hash and kind."""

    path: Path
    digest: str
    width: int
    height: int
    alpha: bool
    animated: bool
    suffix: str = ".jpg"


@dataclass(frozen=True)
class Variant:
    """One derived file: made from a source at a width and format; its cache name carries the parameters."""

    url: str
    width: int
    height: int
    format: str
    cache_name: str


@dataclass(frozen=True)
class PhotoView:
    """A photo as templates see it: sized variants (fallback format first) and, if published, the original."""

    number: int
    name: str
    caption: str
    alt: str
    width: int
    height: int
    variants: tuple[Variant, ...]
    original: Variant | None = None
    source: Source | None = None
    line: int | None = None

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

    def srcset(self, fmt: str, url=str) -> str:
        """'a-480w.jpg 480w, a-1280w.jpg 1280w'; templates pass their url() so a sub-path base URL is honoured."""
        return ", ".join(f"{url(v.url)} {v.width}w" for v in self.variants if v.format == fmt)

    @property
    def formats(self) -> list[str]:
        return list(dict.fromkeys(v.format for v in self.variants))

    @property
    def mime(self) -> dict:
        return MIME

    @property
    def files(self) -> tuple[Variant, ...]:
        return self.variants + ((self.original,) if self.original else ())


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


def plan(number: int, photo: Photo, alt: str, source: Source, base_url: str, stem: str,
         settings: Photos) -> PhotoView:
    """Every derived file of one photo, named '{stem}-{width}w.{format}' under the post's URL."""
    variants = []
    key = f"{source.digest}-q{settings.quality}-{PIPELINE}"
    for fmt in formats(source, settings):
        for width in ([source.width] if source.animated else widths(source.width, settings)):
            height = scaled_height(source.width, source.height, width)
            variants.append(Variant(f"{base_url}{stem}-{width}w.{fmt}", width, height, fmt, f"{key}-{width}w.{fmt}"))
    original = None
    if settings.publish_originals and not source.animated:
        fmt = variants[0].format
        original = Variant(f"{base_url}{stem}-asli.{fmt}", source.width, source.height, fmt,
                           f"{source.digest}-{PIPELINE}-asli.{fmt}")
    return PhotoView(number, photo.file, photo.caption, alt, source.width, source.height, tuple(variants),
                     original, source, photo.line)


# --- probing, with an index so that a warm build reads no photo ------------------------------------------------

class ProbeIndex:
    """(path, size, mtime_ns) -> what probe() found, kept as JSON in the cache folder; a bad file is ignored."""

    def __init__(self, folder: Path):
        self.file = folder / INDEX_NAME
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("pipeline") == PIPELINE and isinstance(data.get("files"), dict):
                self.old = data["files"]
        except (OSError, ValueError, UnicodeDecodeError):
            pass

    def probe(self, path: Path) -> Source:
        stat = path.stat()
        key = os.path.abspath(path)
        row = self.old.get(key)
        if isinstance(row, list) and len(row) == 8 and row[:2] == [stat.st_size, stat.st_mtime_ns]:
            try:
                source = Source(path, str(row[2]), int(row[3]), int(row[4]), bool(row[5]), bool(row[6]), str(row[7]))
                self.new[key] = row
                return source
            except (TypeError, ValueError):
                pass
        source = probe(path)
        self.new[key] = [stat.st_size, stat.st_mtime_ns, source.digest, source.width, source.height,
                         source.alpha, source.animated, source.suffix]
        return source

    def save(self) -> None:
        """Write the index when it changed; entries of photos no longer seen are dropped."""
        if self.new == self.old:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_name(f"{INDEX_NAME}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"pipeline": PIPELINE, "files": self.new}), encoding="utf-8")
            os.replace(temporary, self.file)
        except OSError:
            pass


class TooLarge(Exception):
    """More pixels than Pillow's safety limit (a decompression bomb, or simply a huge scan)."""


def probe(path: Path) -> Source:
    """Read a photo's header (not its pixels): upright size, transparency, animation, content hash."""
    data = path.read_bytes()
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            width, height = image.size
            limit = Image.MAX_IMAGE_PIXELS
            if limit and width * height > limit:
                raise TooLarge(width, height)
            if image.getexif().get(imaging.ORIENTATION) in (5, 6, 7, 8):
                width, height = height, width
            alpha = imaging.has_alpha(image)
            # Only a GIF is published as it is (the issue asks for it; GIF has no EXIF). A multi-frame JPEG (MPO,
            # from phones with depth or burst shots), TIFF, WebP or APNG is made into stills of its first frame,
            # so that nothing with metadata ever goes out untouched.
            animated = image.format == "GIF" and bool(getattr(image, "is_animated", False))
    return Source(path, digest, width, height, alpha, animated, path.suffix.lower())


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
            problems.error(_where(entry, name), None, f"foto '{name}' berformat HEIC yang belum bisa diolah.",
                           "Ekspor atau simpan ulang foto itu sebagai JPG (di ponsel: pilih format 'Paling Kompatibel').")
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
        views.append(plan(number, photo, alt, source, post_url, stem, settings))
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
        problems.error(where, line, f"berkas '{photo.file}' {kind}, tidak bisa dibaca sebagai foto "
                       f"({type(err).__name__}).", "Ganti dengan foto JPG atau PNG yang bisa dibuka di komputer.")
    return None


# --- processing ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Processed:
    files: dict[str, Path]      # output URL -> cached file
    made: int                   # photos that needed work
    reused: int                 # photos entirely from the cache


def process(views: list[tuple[str, PhotoView]], cache_dir: Path, settings: Photos, workers: int,
            problems: Problems, progress=None) -> Processed:
    """Make every missing derived file in the cache, one decode per photo, in parallel; map URLs to cache files.

    views pairs each photo with the content file that lists it (for messages). progress defaults to a bar on
    stderr when stderr is a terminal.
    """
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        ignore = cache_dir.parent / ".gitignore"      # the cache ignores itself in any site's git repository
        if not ignore.exists():
            ignore.write_text("# Dibuat otomatis: cache foto, tidak perlu disimpan di git.\n*\n", encoding="utf-8")
        cached = set(os.listdir(cache_dir))
    except OSError as err:
        problems.error(str(cache_dir), None, f"folder cache foto tidak bisa dibuat atau ditulis ({err.strerror}).",
                       "Pastikan folder situs boleh ditulis, atau hapus folder .cache lalu bangun ulang.")
        return Processed({}, 0, 0)
    files: dict[str, Path] = {}
    jobs: dict[str, tuple[imaging.Job, str, PhotoView]] = {}
    made = reused = 0
    for where, view in views:
        missing = []
        for variant in view.files:
            target = cache_dir / variant.cache_name
            files[variant.url] = target
            if variant.cache_name not in cached:
                missing.append(imaging.Output(str(target), variant.width, variant.height,
                                              "copy" if view.source.animated else variant.format,
                                              variant is view.original))
        if not missing:
            reused += 1
            continue
        made += 1
        digest = view.source.digest
        if digest in jobs:     # the same photo in two posts: one job makes everything both need
            job, first_where, first_view = jobs[digest]
            outputs = tuple(dict.fromkeys(job.outputs + tuple(missing)))
            jobs[digest] = (imaging.Job(job.source, outputs, job.quality), first_where, first_view)
        else:
            jobs[digest] = (imaging.Job(str(view.source.path), tuple(missing), settings.quality), where, view)
    failed = 0
    for (job, where, view), error in _run([j for j, _, _ in jobs.values()], list(jobs.values()), workers, progress):
        if error:
            failed += 1
            where = where if view.line else str(Path(where).parent / view.name)
            problems.error(where, view.line, f"foto '{view.name}' tidak bisa diolah: {error}.",
                           "Buka foto itu di komputer lalu simpan ulang sebagai JPG, atau ganti dengan foto lain.")
    if not failed:
        prune(cache_dir, cached - {p.name for p in files.values()})
    return Processed(files, made - failed, reused)


def prune(cache_dir: Path, unused: set[str], days: int = PRUNE_DAYS) -> int:
    """Delete cached files no build has needed for a while (photos removed or changed long ago); return the count.

    Files this build did not use but that are recent stay: a build with --drafts, or an edit undone, reuses them.
    """
    limit, removed = time.time() - days * 86400, 0
    for name in unused:
        if name == INDEX_NAME or name.startswith("."):
            continue
        path = cache_dir / name
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def _run(jobs: list[imaging.Job], tags: list, workers: int, progress):
    """Yield (tag, error) for each job, in a process pool when there is enough work; report progress."""
    if progress is None:
        progress = Progress(len(jobs)) if jobs and sys.stderr.isatty() else None
    if workers <= 1 or len(jobs) < 2:
        for job, tag in zip(jobs, tags):
            error = imaging.make(job)
            if progress:
                progress.step()
            yield tag, error
    else:
        results: dict[int, str] = {}
        try:
            with ProcessPoolExecutor(min(workers, len(jobs))) as pool:
                futures = {pool.submit(imaging.make, job): n for n, job in enumerate(jobs)}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    if progress:
                        progress.step()
        except BrokenProcessPool:
            for n in range(len(jobs)):
                results.setdefault(n, "pengolah foto berhenti mendadak (mungkin kehabisan memori)")
        for n, tag in enumerate(tags):
            yield tag, results[n]
    if progress:
        progress.done()


class Progress:
    """'Foto 120/1200 · sisa ±0:45' on one terminal line, redrawn at most ten times a second."""

    def __init__(self, total: int, stream=None):
        self.total, self.count, self.stream = total, 0, stream or sys.stderr
        self.started = self.shown = time.monotonic()

    def step(self) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self.shown >= 0.1 or self.count == self.total:
            self.shown = now
            left = (now - self.started) / self.count * (self.total - self.count)
            bar = "#" * (20 * self.count // self.total)
            self.stream.write(f"\rFoto [{bar:<20}] {self.count}/{self.total} · sisa ±{int(left) // 60}:"
                              f"{int(left) % 60:02d} ")
            self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
