"""When a file's size and time can be trusted to tell its edits (sources, templates, photos): the racy and changed rules."""

from __future__ import annotations

import os
import time
from pathlib import Path

from generator.core.hashing import digest

# A file changed in the same clock tick as it was read, at the same size, would look unchanged: a file modified
# this recently (ns) is compared by its content next time instead of its time (git's "racily clean" problem).
RACY_NS = 2_000_000_000
# Whether st_ctime is the inode change time (POSIX), which no tool can set back; on Windows it is the creation time.
CHANGE_TIME = os.name == "posix"


def recent(mtime_ns: int, now_ns: int | None = None) -> bool:
    """Modified too recently for its size and time to tell a second edit from the first."""
    return mtime_ns >= (time.time_ns() if now_ns is None else now_ns) - RACY_NS


def stamp(st: os.stat_result) -> tuple[int, int]:
    """(size, time) of a file for telling its edits: the time is the later of its modification time and, on POSIX,
    its inode change time (st_ctime), which the system sets to now on every write and every change of its times.
    So an edit whose old modification time was put back (`cp -p`, `touch -d`, a restore from a backup, a sync tool
    keeping times) still shows. On Windows st_ctime is the creation time and tells nothing of later edits (use
    --verify there)."""
    time_ns = max(st.st_mtime_ns, st.st_ctime_ns) if CHANGE_TIME else st.st_mtime_ns
    return st.st_size, time_ns


def trusted_mtime(mtime_ns: int) -> int:
    """The time to remember for a file just read: -1 when it is too recent, so that its hash is compared next time."""
    return -1 if recent(mtime_ns) else mtime_ns


def settled(path: Path, stat: tuple[int, int], expected: str | None, now_ns: int | None = None) -> bool:
    """A file that was racy when read has settled when it is old enough now, still has the stamp (size, time) it had
    then, and holds the very bytes that were read (expected: their hash): any later edit will show in its time."""
    if expected is None:
        return False
    try:
        st = os.stat(path)
        size, time_ns = stamp(st)
        return ((size, time_ns) == tuple(stat) and not recent(time_ns, now_ns)
                and digest(Path(path).read_bytes()) == expected)
    except OSError:
        return False
