"""The photo cache: every derived file a build needs made once (probe: reading photos; store: the made files and
pruning; pool: the workers and the progress line)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.core.report import Problems
from generator.model.config import Photos
from generator.photos import imaging, pool
from generator.photos.store import MadeIndex, prune
from generator.photos.types import PhotoView


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
    for (job, where, view), error in pool.run([j for j, _, _ in jobs.values()], list(jobs.values()), workers, progress):
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


