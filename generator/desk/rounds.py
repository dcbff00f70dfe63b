"""The last round of `otomatis` as the desk's main page shows it: when, what each part did, and whether something
failed or the live site was found changed. Read from the state otomatis keeps (generator/otomatis/state.py); nothing
when otomatis never ran for this site."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator.otomatis import state as state_module


@dataclass(frozen=True)
class LastRound:
    when: str                   # as otomatis logged it: "2026-12-06 14:05 WITA"
    texts: tuple[str, ...]      # what each part of the round did or found, in its words
    failed: bool                # a part failed, or the live site differs from the last publish
    tampered: bool              # the last check that gave an answer found the live site changed
    stopped: bool = False       # no round since several intervals: otomatis is not running (laptop off or asleep)


STOPPED_AFTER = 3               # intervals without a round after which otomatis is said not to run
STOPPED_AT_LEAST = 60           # minutes: never said sooner


def last_round(site_dir: Path, now: dt.datetime | None = None) -> LastRound | None:
    file = state_module.path(site_dir)
    return summary(state_module.load(file), now or dt.datetime.now(dt.timezone.utc), state_module.seen(file))


def summary(found: state_module.State, now: dt.datetime, seen: float | None = None) -> LastRound | None:
    """The round recorded in the state (its log line is "time | part | part"); None when there was none. seen: when
    otomatis last marked its state file, a skipped round too (a state saved before rounds had their time: only
    that)."""
    if not found.last_round.strip():
        return None
    when, *texts = found.last_round.split(" | ")
    wait = max(STOPPED_AFTER * found.round_every, STOPPED_AT_LEAST) * 60
    alive = max((t for t in (found.last_round_at, seen) if t is not None), default=None)
    stopped = alive is not None and now.timestamp() - alive > wait
    return LastRound(when.strip(), tuple(t.strip() for t in texts if t.strip()),
                     found.last_round_failed or bool(found.reported), bool(found.reported), stopped)
