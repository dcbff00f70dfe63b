"""What was counted: for each log, hashes of its start and the position reached, plus the post changes under way.

The file keeps no visitor's address or user agent. It is written whole to a temporary file and renamed, so it is
either the old state or the new one, never half of each."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.core import atomic
from generator.views import count, logs

NAME = "views-state.json"
VERSION = 1


@dataclass
class Seen:
    """One log counted before: the hash of its first `length` bytes, and how far (in bytes) it was counted."""

    head: str
    length: int
    position: int
    first_line: str = ""       # logs.line_digest of its first line, and that line's length
    first_size: int = 0


@dataclass
class State:
    logs: list[Seen] = field(default_factory=list)
    # post file -> [views before, views after] of changes not yet all written (see run.py)
    pending: dict[str, list] = field(default_factory=dict)

    def find(self, log: logs.LogFile) -> Seen | None:
        """The record of this log if it was counted before: the same start, however it was renamed or compressed.
        The longest matching start wins (a log first counted while shorter than logs.HEAD has a shorter one)."""
        best = None
        for seen in self.logs:
            if 0 < seen.length <= len(log.head) and (best is None or seen.length > best.length) \
                    and logs.head_digest(log.head, seen.length) == seen.head:
                best = seen
        return best

    def counted(self, log: logs.LogFile) -> count.Counted:
        """What of this log was counted before, by its own start or by the starts of other logs found inside it."""
        seen = self.find(log)
        starts: dict = {}
        for other in self.logs:
            if other.first_size and other.position:
                starts.setdefault((other.first_size, other.first_line), []).append(
                    (other.head, other.length, other.position))
        return count.Counted(seen.position if seen else 0, starts)

    def reached(self, log: logs.LogFile, position: int) -> None:
        """Remember that log was counted up to position (never backwards); an empty log has nothing to remember."""
        if not log.head:
            return
        seen = self.find(log)
        if seen is None:
            seen = Seen("", 0, 0)
            self.logs.append(seen)
        seen.head, seen.length = logs.head_digest(log.head, len(log.head)), len(log.head)
        seen.position = max(seen.position, position)
        line = logs.first_line(log.head)
        if line is not None:
            seen.first_line, seen.first_size = logs.line_digest(line), len(line)


class BadState(Exception):
    """The state file exists but cannot be read: counting without it could count lines twice."""


def load(site_dir: Path) -> State:
    path = site_dir / NAME
    if not path.exists():
        return State()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            raise ValueError(f"versi {data.get('version')!r}")
        return State([Seen(str(s["head"]), int(s["length"]), int(s["position"]), str(s.get("first_line", "")),
                           int(s.get("first_size", 0))) for s in data["logs"]],
                     {str(k): list(v) for k, v in data.get("pending", {}).items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise BadState(f"{NAME} tidak dapat dibaca ({err}). Kembalikan berkas itu dari cadangan (git) sebelum "
                       "menghitung lagi; tanpa berkas itu log yang sama akan terhitung dua kali.") from err


def save(site_dir: Path, state: State) -> None:
    data = {"version": VERSION,
            "note": "Penanda log kunjungan yang sudah dihitung (python -m generator views). Jangan dihapus.",
            "logs": [vars(s) for s in state.logs], "pending": state.pending}
    write_atomic(site_dir / NAME, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace path with data in one rename (the seam the crash tests cut): the old file or the new one."""
    atomic.write_bytes(path, data)
