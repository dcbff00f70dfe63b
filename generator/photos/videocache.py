"""Videos of a post's folder published without the place they were filmed: a copy cleaned by videometa, made in
the cache (.cache/video/<digest of the source's bytes>.<suffix>) and published in place of the original.

A video without a location is published as it is (no copy). What each video holds is remembered in an index by its
path and racy.stamp, so an unchanged video is neither scanned nor hashed again; a copy is reused while it is the
size of its source and holds no location (scanned again, headers only). A video that cannot be read is published
as it is, with a warning naming it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.core import atomic
from generator.core.hashing import file_digest
from generator.core.racy import Clock, recent, stamp
from generator.core.report import Problems
from generator.model.suffixes import is_video
from generator.photos import videometa
from generator.photos.store import INDEX_NAME, read_index, write_index

NO_LOCATION = ""        # the index's digest for a video that holds no location: published as it is
CLEANER = 1             # videometa's rules: a new version reads every video again (the index forgets the old rows)


@dataclass(frozen=True)
class Video:
    url: str            # where it is published
    path: Path          # the file in content/
    source: str         # the same, as messages name it (relative to the site)


def clean(videos: list[Video], folder: Path, problems: Problems, clock: Clock | None = None,
          verify: bool = False) -> dict[str, Path | None]:
    """URL -> the cleaned copy in folder, for every video that holds a location (None: it could not be cleaned, so
    it must not be published); a video without location, or one that cannot be read, is not in it. Copies no video
    uses any more are removed from folder. verify (--verify): no video is known by its stamp, each is read again."""
    clock = clock or Clock()
    old = {} if verify else read_index(folder / INDEX_NAME)
    rows: dict[str, list] = {}
    out: dict[str, Path] = {}
    for video in videos:
        try:
            copy = _clean_one(video, folder, old, rows, clock)
        except OSError as err:
            problems.warn(video.source, None, f"lokasi dalam video ini tidak bisa dihapus ({err.strerror or err}); "
                          "video tidak diterbitkan.", "Pastikan folder situs (dan .cache) boleh ditulis, lalu bangun "
                          "ulang.")
            out[video.url] = None
            continue
        if isinstance(copy, str):
            problems.warn(video.source, None, f"video ini tidak bisa diperiksa ({copy}); diterbitkan apa adanya, "
                          "jadi lokasi perekamannya (bila ada) ikut terbit.",
                          "Putar videonya di komputer; bila rusak, ekspor ulang dari ponsel atau aplikasi penyunting.")
        elif copy is not None:
            out[video.url] = copy
    if rows != old:
        write_index(folder / INDEX_NAME, rows)
    _prune(folder, {path.name for path in out.values() if path is not None})
    return out


def _clean_one(video: Video, folder: Path, old: dict, rows: dict, clock: Clock) -> Path | str | None:
    """The cleaned copy of one video (made when missing), None when it holds no location, or why it cannot be read."""
    key = os.path.abspath(video.path)
    size, time_ns = stamp(os.stat(video.path))
    suffix = video.path.suffix.lower()
    row = old.get(key)
    if isinstance(row, list) and len(row) == 4 and row[:2] == [size, time_ns] and row[3] == CLEANER \
            and isinstance(row[2], str):
        rows[key] = row
        if row[2] == NO_LOCATION:
            return None
        target = folder / f"{row[2]}{suffix}"
        if _sound(target, size):
            return target
    found = videometa.scan_file(video.path)
    if found.problem:
        return found.problem
    settled = not recent(time_ns, clock.now_ns())
    if not found.has_location:
        if settled:
            rows[key] = [size, time_ns, NO_LOCATION, CLEANER]
        return None
    name = file_digest(video.path)
    target = folder / f"{name}{suffix}"
    if not _sound(target, size):
        folder.mkdir(parents=True, exist_ok=True)
        atomic.replace(target, lambda temporary: videometa.write_clean(video.path, temporary, found), sync=False)
    if settled:
        rows[key] = [size, time_ns, name, CLEANER]
    return target


def _sound(copy: Path, size: int) -> bool:
    """A cached copy still as it was made: the size of its source (cleaning keeps every box's size), no location."""
    try:
        if copy.stat().st_size != size:
            return False
    except OSError:
        return False
    found = videometa.scan_file(copy)
    return not found.problem and not found.has_location


def _prune(folder: Path, used: set[str]) -> None:
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name not in used and is_video(name) and not name.startswith("."):
            try:
                os.remove(folder / name)
            except OSError:
                pass
