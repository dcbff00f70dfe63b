"""One preview per site: a running preview leaves a note in the site's cache folder (where it answers and a random
mark), and a second start of the same site (a second double-click on "Mulai Redaksi") finds it, asks it for its mark
to be sure it is still that preview, and opens the browser there instead of starting another one on the next port."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.core import atomic

NOTE = "pratinjau-berjalan.json"    # in the site's cache folder, while its preview runs
MARK_PATH = "/__pratinjau"           # the preview answers its mark here
ASK_SECONDS = 2.0
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Running:
    """A preview of the site that answered: where its pages and its desk are."""

    url: str
    desk: str | None


def note(cache_dir: Path, mark: str, url: str, desk: str | None) -> None:
    """Leave the note of this preview (best effort: a read-only folder only loses the second start's shortcut)."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(cache_dir / NOTE, json.dumps({"mark": mark, "url": url, "desk": desk}).encode(),
                           sync=False)
    except OSError:
        pass


def forget(cache_dir: Path, mark: str) -> None:
    """Remove the note when it is this preview's (another preview may have written its own since)."""
    if _read(cache_dir).get("mark") == mark:
        try:
            (cache_dir / NOTE).unlink()
        except OSError:
            pass


def find(cache_dir: Path) -> Running | None:
    """The site's running preview: its note names a preview on this computer that answers with the note's mark."""
    record = _read(cache_dir)
    mark, url, desk = record.get("mark"), record.get("url"), record.get("desk")
    if not isinstance(mark, str) or not mark or not _local(url) or not (desk is None or _local(desk)):
        return None
    parts = urlsplit(url)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))     # never through a proxy
    try:
        with opener.open(f"{parts.scheme}://{parts.netloc}{MARK_PATH}", timeout=ASK_SECONDS) as answer:
            said = answer.read(200).decode("ascii", "replace")
    except (OSError, ValueError):
        return None
    return Running(url, desk) if said == mark else None


def _read(cache_dir: Path) -> dict:
    try:
        record = json.loads((cache_dir / NOTE).read_bytes())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _local(url) -> bool:
    """An http address on this computer (the note is a file in the site's folder: never trust it to name another
    host or scheme)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme == "http" and parts.hostname in LOOPBACK and parts.port is not None
    except ValueError:
        return False
