"""The last round of `otomatis` as the desk's main page shows it: when, what each part did, and whether something
failed or the live site was found changed. Read from the state otomatis keeps (generator/otomatis/state.py); nothing
when otomatis never ran for this site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.otomatis import state as state_module


@dataclass(frozen=True)
class LastRound:
    when: str                   # as otomatis logged it: "2026-12-06 14:05 WITA"
    texts: tuple[str, ...]      # what each part of the round did or found, in its words
    failed: bool                # a part failed, or the live site differs from the last publish
    tampered: bool              # the last check that gave an answer found the live site changed


def last_round(site_dir: Path) -> LastRound | None:
    found = state_module.load(state_module.path(site_dir))
    return summary(found)


def summary(found: state_module.State) -> LastRound | None:
    """The round recorded in the state (its log line is "time | part | part"); None when there was none."""
    if not found.last_round.strip():
        return None
    when, *texts = found.last_round.split(" | ")
    return LastRound(when.strip(), tuple(t.strip() for t in texts if t.strip()),
                     found.last_round_failed or bool(found.reported), bool(found.reported))
