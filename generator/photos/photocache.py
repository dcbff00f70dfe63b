"""Photo files and the cache: probe (with a persistent index), process missing files in a pool, progress, prune."""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from generator.core import parallel
from generator.core.hashing import digest as content_digest
from generator.core.racy import Clock, recent, settled, stamp
from generator.core.report import Problems
from generator.model.config import Photos
from generator.photos import imaging
from generator.photos.types import PhotoView, Source

PIPELINE = "p5"                 # bump when processing changes: cached files and the index are made again
INDEX_NAME = "index.json"
MADE_NAME = "dibuat.json"       # derived files as made: name -> [size, mtime_ns, ctime_ns, content hash]
PRUNE_DAYS = 30                  # derived files unused this long are deleted from the cache


# --- probing, with an index so that a warm build reads no photo ------------------------------------------------

class ProbeIndex:
    """(path, racy.stamp) -> what probe() found, kept as JSON in the cache folder; a bad file is ignored.

    distrust: absolute paths of photos whose size and time may hide an edit (incremental.survey): read again.
    clock: what "moments ago" is judged against (Options.racy_clock; the system's clock when not given)."""

    def __init__(self, folder: Path, distrust: set[str] | frozenset[str] = frozenset(), clock: Clock | None = None):
        self.file = folder / INDEX_NAME
        self.distrust = distrust
        self.clock = clock or Clock()
        self.old: dict[str, list] = {}
        self.new: dict[str, list] = {}
        self.recent: dict[str, list] = {}
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("pipeline") == PIPELINE and isinstance(data.get("files"), dict):
                self.old = data["files"]
        except (OSError, ValueError, UnicodeDecodeError):
            pass

    def probe(self, path: Path) -> Source:
        size, time_ns = stamp(path.stat())
        key = os.path.abspath(path)
        row = self.old.get(key)
        if (isinstance(row, list) and len(row) == 8 and row[:2] == [size, time_ns]
                and key not in self.distrust):
            try:
                source = Source(path, str(row[2]), int(row[3]), int(row[4]), bool(row[5]), bool(row[6]), str(row[7]))
                self.new[key] = row
                return source
            except (TypeError, ValueError):
                pass
        source = probe(path)
        row = [size, time_ns, source.digest, source.width, source.height, source.alpha,
               source.animated, source.suffix]
        if not recent(time_ns, self.clock.now_ns()):
            self.new[key] = row
        else:
            self.recent[key] = row
        return source

    def _settle(self) -> None:
        """Photos too recent when probed are remembered if they are old enough now and read the same again."""
        for key, row in self.recent.items():
            if settled(Path(key), (row[0], row[1]), row[2], self.clock.now_ns()):
                self.new[key] = row

    def save(self) -> None:
        """Write the index when it changed; entries of photos no longer seen are dropped."""
        self._settle()
        if self.new == self.old:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_name(f"{INDEX_NAME}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"pipeline": PIPELINE, "files": self.new}), encoding="utf-8")
            os.replace(temporary, self.file)
        except OSError:
            pass


class MadeIndex:
    """What each derived file held when it was made, so that a derived file whose bytes changed since (edited by
    hand, by a tool, or through a link) is made again instead of published."""

    def __init__(self, folder: Path):
        self.folder, self.file = folder, folder / MADE_NAME
        self.rows: dict[str, list] = {}
        self.changed = False
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("pipeline") == PIPELINE and isinstance(data.get("files"), dict):
                self.rows = data["files"]
        except (OSError, ValueError, UnicodeDecodeError):
            pass

    def trusted(self, name: str) -> bool:
        """The file holds what was made: the same size, modification and change time as recorded (a change time
        cannot be set back, so an edit with its old modification time restored shows too), or else the same bytes."""
        row = self.rows.get(name)
        if not (isinstance(row, list) and len(row) == 4):
            return False
        try:
            stat = os.stat(self.folder / name)
            if [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns] == row[:3]:
                return True
            same = stat.st_size == row[0] and content_digest((self.folder / name).read_bytes()) == row[3]
        except OSError:
            return False
        if same:
            self.rows[name], self.changed = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, row[3]], True
        return same

    def record(self, name: str) -> None:
        try:
            path = self.folder / name
            data = path.read_bytes()
            stat = os.stat(path)
        except OSError:
            return
        self.rows[name], self.changed = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, content_digest(data)], True

    def save(self, keep: set[str]) -> None:
        rows = {name: row for name, row in self.rows.items() if name in keep}
        if not self.changed and rows == self.rows:
            return
        try:
            temporary = self.file.with_name(f"{MADE_NAME}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"pipeline": PIPELINE, "files": rows}), encoding="utf-8")
            os.replace(temporary, self.file)
        except OSError:
            pass


class TooLarge(Exception):
    """More pixels than Pillow's safety limit (a decompression bomb, or simply a huge scan)."""


def probe(path: Path) -> Source:
    """Read a photo's header (not its pixels): upright size, transparency, animation, content hash."""
    data = path.read_bytes()
    digest = content_digest(data)
    imaging.register_heif()
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
            if image.format == "HEIF":
                image.load()      # libheif finds a cut-short file only when decoding: here, so only it is left out
    return Source(path, digest, width, height, alpha, animated, path.suffix.lower())


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
    known = MadeIndex(cache_dir)
    for where, view in views:
        missing = []
        for variant in view.files:
            target = cache_dir / variant.cache_name
            files[variant.url] = target
            if variant.cache_name not in cached or not known.trusted(variant.cache_name):
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
        else:
            for output in job.outputs:
                known.record(os.path.basename(output.target))
    if not failed:
        prune(cache_dir, cached - {p.name for p in files.values()})
    known.save(set(os.listdir(cache_dir)))
    return Processed(files, made - failed, reused)


def prune(cache_dir: Path, unused: set[str], days: int = PRUNE_DAYS) -> int:
    """Delete cached files no build has needed for a while (photos removed or changed long ago); return the count.

    Files this build did not use but that are recent stay: a build with --drafts, or an edit undone, reuses them.
    """
    limit, removed = time.time() - days * 86400, 0
    for name in unused:
        if name in (INDEX_NAME, MADE_NAME) or name.startswith("."):
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
            with parallel.executor(min(workers, len(jobs))) as pool:
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
