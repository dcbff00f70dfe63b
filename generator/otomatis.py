"""otomatis: the site keeps itself current. Each round publishes a target when a post that was still scheduled at
its last publish has come due, and does nothing otherwise; one line per round on the terminal and in
.cache/otomatis.log. --once does one round (for cron or Windows Task Scheduler)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

INTERVAL = 5        # minutes between rounds: a scheduled post is live within this much of its time


@dataclass(frozen=True)
class Request:
    site_dir: Path
    target: str | None = None
    once: bool = False
    interval: float = INTERVAL


def due(schedule: dict | None, now: dt.datetime) -> bool:
    """A post scheduled at the last publish has come due (never before its time)."""
    nxt = (schedule or {}).get("next")
    return isinstance(nxt, (int, float)) and now.timestamp() >= nxt


def read_schedule(path: Path) -> dict | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def round_once(site_dir: Path, target: str | None, now: dt.datetime | None = None) -> int:
    """One round: 0 nothing due or published, 1 a publish failed, 2 it could not start (no target)."""
    from . import config as config_module
    from .publish.command import Request as PublishRequest, publish, schedule_path
    from .report import Problems

    now = now or dt.datetime.now(dt.timezone.utc)
    problems = Problems()
    config = config_module.load(site_dir / "config.yaml", problems)
    if config is None or not config.publish or (target is not None and target not in config.publish):
        _log(site_dir, now, f"tujuan {target or ''} tidak ada di config.yaml (bagian publish:), atau config.yaml "
                            "salah; tidak ada yang dilakukan.")
        return 2
    name = target or next(iter(config.publish))
    schedule = read_schedule(schedule_path(site_dir, name))
    if schedule is None:
        _log(site_dir, now, f"{name}: belum pernah diterbitkan dari komputer ini; jalankan publish sekali dulu.")
        return 0
    if not due(schedule, now):
        nxt = schedule.get("next")
        when = _local(nxt, config.site.timezone) if nxt else "tidak ada berita terjadwal"
        _log(site_dir, now, f"{name}: tidak ada yang jatuh tempo (berikutnya: {when}).")
        return 0
    code = publish(PublishRequest(site_dir, name, now=now))
    _log(site_dir, now, f"{name}: berita terjadwal jatuh tempo, diterbitkan" if code == 0 else
         f"{name}: berita terjadwal jatuh tempo, tetapi penerbitan GAGAL (lihat pesan di atas); dicoba lagi ronde "
         "berikutnya.")
    return code


def run(request: Request) -> int:
    if request.once:
        return round_once(request.site_dir, request.target)
    while True:         # a failed round never stops the next one; Ctrl-C ends the loop (exit 130 from the CLI)
        round_once(request.site_dir, request.target)
        time.sleep(request.interval * 60)


def _local(timestamp: float, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return dt.datetime.fromtimestamp(timestamp, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _log(site_dir: Path, now: dt.datetime, text: str) -> None:
    line = f"{now.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC otomatis: {text}"
    print(line, flush=True)
    try:
        log = site_dir / ".cache" / "otomatis.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    except OSError as err:
        print(f"otomatis: log {site_dir / '.cache' / 'otomatis.log'} tidak dapat ditulis ({err.strerror or err}).",
              file=sys.stderr)
