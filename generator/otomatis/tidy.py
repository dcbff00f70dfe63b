"""otomatis's own log kept to its last `keep_days`: its lines older than that removed, at most once a day. Only
otomatis's own lines (a time, the zone, then " | ") are ever removed; any other line in the file is kept."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

LINE = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) \S+ \| ")


def kept(lines: list[str], cutoff: str) -> list[str]:
    """The lines without otomatis's own lines older than cutoff ('YYYY-mm-dd HH:MM', the log's own zone)."""
    return [line for line in lines if not ((found := LINE.match(line)) and found.group(1) < cutoff)]


def cutoff_text(now: dt.datetime, days: int, zone: ZoneInfo) -> str:
    return f"{(now - dt.timedelta(days=days)).astimezone(zone):%Y-%m-%d %H:%M}"


def trim(log: Path, cutoff: str) -> int:
    """The lines removed from the log; the file is written whole through a temporary file beside it, so that one
    cut off mid-write leaves the log as it was."""
    try:
        with open(log, encoding="utf-8", errors="surrogateescape", newline="") as handle:
            lines = handle.readlines()
    except FileNotFoundError:
        return 0
    left = kept(lines, cutoff)
    if len(left) == len(lines):
        return 0
    temp = log.with_name(log.name + "~")
    with open(temp, "w", encoding="utf-8", errors="surrogateescape", newline="") as handle:
        handle.writelines(left)
    os.replace(temp, log)
    return len(lines) - len(left)
