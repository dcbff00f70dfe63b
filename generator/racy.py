"""The racy-file rule: when a file's size and time can be trusted to tell its edits (sources, templates, photos)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from .hashing import digest

# A file changed in the same clock tick as it was read, at the same size, would look unchanged: a file modified
# this recently (ns) is compared by its content next time instead of its time (git's "racily clean" problem).
RACY_NS = 2_000_000_000


def recent(mtime_ns: int, now_ns: int | None = None) -> bool:
    """Modified too recently for its size and time to tell a second edit from the first."""
    return mtime_ns >= (time.time_ns() if now_ns is None else now_ns) - RACY_NS


def trusted_mtime(mtime_ns: int) -> int:
    """The time to remember for a file just read: -1 when it is too recent, so that its hash is compared next time."""
    return -1 if recent(mtime_ns) else mtime_ns


def settled(path: Path, stat: tuple[int, int], expected: str | None, now_ns: int | None = None) -> bool:
    """A file that was racy when read has settled when it is old enough now, still has the (size, mtime_ns) it had
    then, and holds the very bytes that were read (expected: their hash): any later edit will show in its time."""
    if expected is None:
        return False
    try:
        st = os.stat(path)
        return ((st.st_size, st.st_mtime_ns) == tuple(stat) and not recent(st.st_mtime_ns, now_ns)
                and digest(Path(path).read_bytes()) == expected)
    except OSError:
        return False
