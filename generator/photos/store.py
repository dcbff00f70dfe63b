"""The photo cache's store of made files: which derived files are as this build made them, and the pruning of those
no build has needed for a while."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from generator.core import atomic
from generator.core.hashing import digest as content_digest
from generator.photos.types import PIPELINE

INDEX_NAME = "index.json"       # the probe index (probe.ProbeIndex)
MADE_NAME = "dibuat.json"       # derived files as made: name -> [size, mtime_ns, ctime_ns, content hash]
PRUNE_DAYS = 30                  # derived files unused this long are deleted from the cache


def read_index(file: Path) -> dict[str, list]:
    """The rows of a photo index file (the probe index, the made files) written under this PIPELINE; {} when it is
    missing, unreadable or of another pipeline."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    ok = isinstance(data, dict) and data.get("pipeline") == PIPELINE and isinstance(data.get("files"), dict)
    return data["files"] if ok else {}


def write_index(file: Path, rows: dict[str, list]) -> None:
    """The rows written whole under this PIPELINE; a cache that cannot be written is simply not kept."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(file, json.dumps({"pipeline": PIPELINE, "files": rows}), sync=False)
    except OSError:
        pass


class MadeIndex:
    """What each derived file held when it was made, so that a derived file whose bytes changed since (edited by
    hand, by a tool, or through a link) is made again instead of published."""

    def __init__(self, folder: Path):
        self.folder, self.file = folder, folder / MADE_NAME
        self.rows: dict[str, list] = {}
        self.changed = False
        self.rows = read_index(self.file)

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
        write_index(self.file, rows)


def prune(cache_dir: Path, unused: set[str], days: int = PRUNE_DAYS) -> int:
    """Delete cached files no build has needed for a while (photos removed or changed long ago); return the count.

    Files this build did not use but that are recent stay: a build with --drafts, or an edit undone, reuses them.
    """
    limit, removed = time.time() - days * 86400, 0
    atomic.remove_stale(cache_dir, unused)
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
