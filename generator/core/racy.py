"""When a file's size and time can be trusted to tell its edits (sources, templates, photos): the racy and changed rules."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from generator.core.hashing import digest

# A file changed in the same clock tick as it was read, at the same size, would look unchanged: a file modified
# this recently (ns) is compared by its content next time instead of its time (git's "racily clean" problem).
RACY_NS = 2_000_000_000
# Whether st_ctime is the inode change time (POSIX), which no tool can set back; on Windows it is the creation time.
CHANGE_TIME = os.name == "posix"


@dataclass(eq=False)
class Clock:
    """The time the racy rule holds file times against (ns since the epoch, as time.time_ns): the system's clock, or
    one that stands still where it was set and moves only when told (advance). A build reads it through
    Options.racy_clock; tests give theirs a clock that stands still, and advance it where a real user would have
    waited, so that the files written so far count as written a while ago without sleeping out RACY_NS. Files
    written after the clock was set (or advanced) count as "moments ago" until it is advanced again."""

    at_ns: int | None = None        # None: the system's clock; else the time this clock stands at

    def now_ns(self) -> int:
        return time.time_ns() if self.at_ns is None else self.at_ns

    def advance(self, ns: int = RACY_NS + 1) -> None:
        """Move forward by ns (by default just past the racy window of every file written until now), and stand
        there. A clock that followed the system's stands still from then on."""
        self.at_ns = max(self.now_ns(), time.time_ns()) + ns


def recent(mtime_ns: int, now_ns: int) -> bool:
    """Modified too recently (now_ns: Clock.now_ns) for its size and time to tell a second edit from the first."""
    return mtime_ns >= now_ns - RACY_NS


def stamp(st: os.stat_result) -> tuple[int, int]:
    """(size, time) of a file for telling its edits: the time is the later of its modification time and, on POSIX,
    its inode change time (st_ctime), which the system sets to now on every write and every change of its times.
    So an edit whose old modification time was put back (`cp -p`, `touch -d`, a restore from a backup, a sync tool
    keeping times) still shows. On Windows st_ctime is the creation time and tells nothing of later edits (use
    --verify there)."""
    time_ns = max(st.st_mtime_ns, st.st_ctime_ns) if CHANGE_TIME else st.st_mtime_ns
    return st.st_size, time_ns


def trusted_mtime(mtime_ns: int, now_ns: int) -> int:
    """The time to remember for a file just read: -1 when it is too recent, so that its hash is compared next time."""
    return -1 if recent(mtime_ns, now_ns) else mtime_ns


def settled(path: Path, stat: tuple[int, int], expected: str | None, now_ns: int) -> bool:
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
