"""Which scheduled posts have come due: pure decisions on the posts' dates, plus the one read of their front matter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.core.report import Problems
from generator.model import content, discovery
from generator.model.discovery import Source


@dataclass(frozen=True)
class Scheduled:
    """A post that will be (or was) published by its date: its source path, title and time."""

    path: str
    title: str
    date: dt.datetime


def posts(site_dir: Path, zone: ZoneInfo, defaults) -> list[Scheduled]:
    """Every post and page that is not a draft and has a date, as the build reads them. A source with errors is
    left out here: the publish's build names it (and does not publish) when the time comes."""
    out = []
    for kind, source, bundle in discovery.discover(site_dir / "content"):
        try:
            entry = content.load(site_dir, Source(kind, source, bundle), defaults, zone, Problems())
        except (OSError, ValueError):
            continue
        if entry is not None and entry.date is not None and not entry.draft:
            out.append(Scheduled(entry.path, entry.title, entry.date))
    return out


def due(found: list[Scheduled], since: float, now: dt.datetime) -> list[Scheduled]:
    """The posts whose time came after `since` (UTC seconds: the last round whose publish made them live) and is
    not later than now, oldest first: what a publish at `now` would make appear."""
    return sorted((s for s in found if since < s.date.timestamp() <= now.timestamp()), key=lambda s: s.date)


def upcoming(found: list[Scheduled], now: dt.datetime) -> Scheduled | None:
    """The next scheduled post after now, for the log line."""
    later = [s for s in found if s.date > now]
    return min(later, key=lambda s: s.date) if later else None
