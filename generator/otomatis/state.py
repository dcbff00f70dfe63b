"""What one round leaves for the next: a small JSON file under .cache/, written whole (a round cut off mid-write
leaves the previous state, never half of one)."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

from generator.core import atomic


@dataclass
class State:
    scheduled_through: float | None = None  # UTC seconds: posts dated up to here are live (the last publish that
                                            # made them so, or the first round when nothing was due)
    last_publish: float | None = None       # the last scheduled publish that succeeded
    last_verify: float | None = None        # the last check of the live site that gave an answer
    failing_since: float | None = None      # the first failed scheduled publish not yet followed by a good one
    reported: str = ""                      # a digest of the last tampering report sent (not sent again each hour)
    last_logs: float | None = None          # the last time the access logs were fetched and counted
    views_changed: bool = False             # counts were written to posts and not yet published
    last_views_publish: float | None = None # the last publish made for the counts
    last_round: str = ""                    # the last round's log line (the desk can show it)
    last_round_failed: bool = False         # something in that round failed or the live site differed
    last_tidy: float | None = None          # the last time its own log was trimmed to otomatis.keep_days
    last_round_at: float | None = None      # UTC seconds of the last round (the desk tells when it is long ago)
    round_every: float = 5                  # minutes between rounds as otomatis.interval said then
    unsent: str = ""                        # the reports that reached no one ('reported', 'failing_since'),
                                            # sent again when the same is found again


def unsent(state: State, mark: str) -> bool:
    return mark in state.unsent.split()


def mark_unsent(state: State, mark: str, undelivered: bool) -> None:
    marks = [m for m in state.unsent.split() if m != mark] + ([mark] if undelivered else [])
    state.unsent = " ".join(marks)


def path(site_dir: Path) -> Path:
    return site_dir / ".cache" / "otomatis.json"


def load(file: Path) -> State:
    """The state the last round saved; a fresh one when there is none or it cannot be read (the first round)."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return State()
    if not isinstance(data, dict):
        return State()
    fields = {f.name: f for f in dataclasses.fields(State)}
    kept = {k: v for k, v in data.items() if k in fields and _fits(v, fields[k].default)}
    return State(**kept)


def _fits(value, default) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if value is None:
        return default is None          # "round_every": null in a hand-edited file keeps the number it needs
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def save(file: Path, state: State, at: float | None = None) -> None:
    """Write the state; at: the round's time (the runner's clock), which the file's modification time then says."""
    file.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(file, json.dumps(dataclasses.asdict(state), ensure_ascii=False, indent=1))
    if at is not None:
        touch(file, at)


def touch(file: Path, at: float) -> None:
    """Mark the state file with the time of a round, also one that was skipped (another round or a build still
    running): the desk takes the latest of these for the last sign that otomatis runs."""
    try:
        os.utime(file, (at, at))
    except OSError:
        pass              # no state yet (the first round is still running), or a read-only folder: nothing to mark


def seen(file: Path) -> float | None:
    """When otomatis last marked the state file (touch), None when there is none."""
    try:
        return file.stat().st_mtime
    except OSError:
        return None
