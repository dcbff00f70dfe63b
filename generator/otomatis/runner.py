"""One round of `otomatis`, and the loop of rounds. A round: skipped while a build or publish of the site holds its
lock; else the scheduled publish when a post's time has come, then the check of the live site when its interval has
passed, each on its own (a failure in one never stops the other, nor the next round); one line logged to the terminal
and the log file; a report of tampering or of a failed scheduled publish sent to whoever is configured.

The clock and the parts that touch the target (publish, verify, sending) are handed in (Parts), so that tests move
the clock instead of waiting and the decisions stay the runner's own."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO
from zoneinfo import ZoneInfo

from generator.core import lock
from generator.core.report import Problems
from generator.model import config as config_module
from generator.otomatis import schedule
from generator.otomatis import state as state_module
from generator.otomatis.notify import Report, channels, send
from generator.otomatis.state import State

EXIT_BUSY = 75          # as the other commands: another build or publish of the site is running, try again later
SLACK = 90.0            # seconds: a check due at minute 60 is not put off to 65 by a round that starts a bit early


def run_publish(site_dir: Path, target: str, now: dt.datetime) -> tuple[int, str]:
    """The publish command for one target, building as of `now`: (exit code, what it said)."""
    from generator.publish.command import Request, publish

    return captured(lambda: publish(Request(site_dir, target, now=now)))


def run_verify(site_dir: Path, target: str) -> tuple[int, str]:
    """The verify command for one target: (exit code 0/1/2, its report)."""
    from generator.publish.verify import Request, verify

    return captured(lambda: verify(Request(site_dir, target)))


def run_views(site_dir: Path, logs: list[Path]) -> tuple[int, str]:
    """The views command over the local copies of the logs (it counts each line once, by its own record)."""
    from generator.views.run import main

    return captured(lambda: main(site_dir, logs))


def captured(command: Callable[[], int]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = command()
        except lock.Busy as busy:
            print(busy)
            code = EXIT_BUSY
    return code, out.getvalue()


@dataclass(frozen=True)
class Parts:
    publish: Callable[[Path, str, dt.datetime], tuple[int, str]] = run_publish
    verify: Callable[[Path, str], tuple[int, str]] = run_verify
    views: Callable[[Path, list[Path]], tuple[int, str]] = run_views
    send: Callable = send


@dataclass(frozen=True)
class Runner:
    site_dir: Path
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)
    parts: Parts = field(default_factory=Parts)
    out: TextIO | None = None       # the terminal (default: sys.stdout, looked up when written)
    target: str | None = None       # the publish target (default: otomatis.target in config.yaml, else the first)
    interval: float | None = None   # minutes between rounds when given on the command line (else the config's)


@dataclass
class Round:
    """What one round found and did: its parts' short texts, the reports to send, whether something failed."""

    now: dt.datetime
    texts: list[str] = field(default_factory=list)
    reports: list[tuple[Report, str]] = field(default_factory=list)   # with the State field that marks it sent
    failed: bool = False


def verify_due(last: float | None, now: dt.datetime, minutes: int) -> bool:
    return minutes > 0 and (last is None or now.timestamp() - last >= minutes * 60 - SLACK)


def log_file(site_dir: Path, setting: str) -> Path | str:
    """The log file the setting names, or the sentence saying why it may not be used: it must be in the site
    folder, outside content/ (which is published) and output/ (which the build owns)."""
    site = site_dir.resolve()
    path = (site / setting).resolve()
    if site not in path.parents or any(path == site / part or site / part in path.parents
                                        for part in ("content", "output")):
        return (f"config.yaml: 'otomatis.log' '{setting}' harus berkas di dalam folder situs, di luar content/ dan "
                "output/. Contoh: log: .cache/otomatis.log")
    return path


def one_round(runner: Runner) -> int:
    """One round: 0 all done and the site as published, 1 something failed or differs, 75 skipped (busy)."""
    now = runner.clock()
    problems = Problems()
    config = config_module.load(runner.site_dir / "config.yaml", problems)
    if config is None:
        _say(runner, None, "\n".join(map(str, problems)))
        return 1
    log = log_file(runner.site_dir, config.otomatis.log)
    if isinstance(log, str):
        _say(runner, None, log)
        return 1
    zone = ZoneInfo(config.site.timezone)
    from generator.publish.interrupt import how, stoppable

    # Ctrl-C, or SIGTERM (systemd stopping the timer's job, a shutdown) on POSIX, stops the round where it is, as it
    # stops a publish: every lock it holds (the runner's, the target's while a publish or the logs' reading has it)
    # removed on the way out, and said; the round's state is not saved, so the next round does its work again
    with stoppable():
        try:
            with lock.held(runner.site_dir / ".cache" / "otomatis", 0):    # one runner of the site at a time
                return _locked_round(runner, config, log, Round(now))
        except lock.Busy:
            _say(runner, log, _line(now, zone, ["dilewati: putaran otomatis lain untuk situs ini masih berjalan"]))
            state_module.touch(state_module.path(runner.site_dir), now.timestamp())
            return EXIT_BUSY
        except KeyboardInterrupt as stop:
            _say(runner, log, _line(now, zone, [f"dihentikan ({how(stop)}) di tengah putaran; situs yang tayang tetap "
                                                "utuh, putaran berikutnya mengerjakannya lagi"]))
            raise


def _locked_round(runner: Runner, config, log: Path, done: Round) -> int:
    zone = ZoneInfo(config.site.timezone)
    target = runner.target or config.otomatis.target or next(iter(config.publish), "")
    busy = _busy(runner.site_dir, config, target, done.now)
    if busy:
        _say(runner, log, _line(done.now, zone, [f"dilewati: {busy}; dicoba lagi pada putaran berikutnya"]))
        state_module.touch(state_module.path(runner.site_dir), done.now.timestamp())
        return EXIT_BUSY
    if target not in config.publish:
        _say(runner, log, _line(done.now, zone, [
            f"tidak ada tujuan terbit '{target}' di config.yaml (bagian publish:); tidak ada yang dikerjakan"
            if target else "config.yaml belum punya tujuan terbit (bagian publish:, diisi petugas IT; lihat README, "
            "bagian \"Menerbitkan\"); tidak ada yang dikerjakan sampai tujuan itu ada"]))
        return 1
    file = state_module.path(runner.site_dir)
    state = state_module.load(file)
    for part in (_scheduled, _views, _check, _tidy):
        try:
            part(runner, config, target, state, done)
        except Exception as err:     # noqa: BLE001 - one part's bug never stops the others or the next round
            done.texts.append(f"galat internal pada {part.__name__.strip('_')}: {type(err).__name__}: {err}")
            done.failed = True
    line = _line(done.now, zone, done.texts)
    state.last_round, state.last_round_failed = line, done.failed
    state.last_round_at, state.round_every = done.now.timestamp(), runner.interval or config.otomatis.interval or 5
    _say(runner, log, line)
    state_module.save(file, state, done.now.timestamp())   # recorded even if sending is cut short (killed, a bug)
    for report, mark in done.reports:
        failures, told_no_one = _send(runner, config, report)
        state_module.mark_unsent(state, mark, told_no_one)          # then sent again when the same is found
        if told_no_one:
            failures[-1] += " Laporan ini dikirim lagi pada putaran berikutnya yang menemukan hal yang sama."
        for failure in failures:
            _say(runner, log, _line(done.now, zone, [failure]))
    state_module.save(file, state, done.now.timestamp())
    return 1 if done.failed else 0


def _send(runner: Runner, config, report: Report) -> tuple[list[str], bool]:
    """runner.parts.send: the sentences of what failed, and whether the report reached no one (every way it is sent
    failed); a failure nothing in it foresaw is one sentence and reached no one, instead of a traceback."""
    try:
        failures = runner.parts.send(config.otomatis, report)
    except Exception as err:     # noqa: BLE001 - a report that cannot go never stops the round
        return [f"laporan tidak dikirim: galat internal ({type(err).__name__})."], True
    return failures, bool(failures) and len(failures) >= channels(config.otomatis)


def _busy(site_dir: Path, config, target: str, now: dt.datetime) -> str:
    """Why the round may not start now ('' when it may): the site's build lock is held (a build, the preview's,
    a publish), or a folder target's lock is (a publish from another computer). Remote targets' locks are met by
    publish and verify themselves, which wait for them and then stop without changing anything."""
    try:
        with lock.held(site_dir / ".cache", 0):
            pass
    except lock.Busy:
        return "pembangunan atau penerbitan lain untuk situs ini sedang berjalan"
    settings = config.publish.get(target)
    if settings is not None and settings.type == "folder":
        return _folder_lock(site_dir, settings, now)
    return ""


def _folder_lock(site_dir: Path, settings, now: dt.datetime) -> str:
    import os
    import socket

    from generator.publish import targetlock

    folder = (site_dir / os.path.expanduser(settings.path)) / targetlock.LOCK
    try:
        made = folder.stat().st_mtime
    except OSError:
        return ""
    holder = targetlock.decode(_read(folder / targetlock.HOLDER))
    if holder is None:
        fresh = now.timestamp() - made < targetlock.UNNAMED
    else:       # a holder on this computer whose process is gone is left to publish to take over
        fresh = targetlock.judge(holder, now.timestamp(), socket.gethostname(), lambda pid: True) is None
    return f"tujuan sedang dipakai penerbitan lain ({targetlock.busy_message(holder)})" if fresh else ""


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _scheduled(runner: Runner, config, target: str, state: State, done: Round) -> None:
    """Publish when a scheduled post's time has come; said once when it fails, until a publish succeeds again."""
    now = done.now
    if state.scheduled_through is None:
        # the first round: posts dated since the last publish from this computer are due (a clock behind the
        # file's time is taken as it is)
        state.scheduled_through = min(_last_publish(runner.site_dir, target) or now.timestamp(), now.timestamp())
    found = schedule.posts(runner.site_dir, ZoneInfo(config.site.timezone), config.site)
    due = schedule.due(found, state.scheduled_through, now)
    if not due:
        state.scheduled_through = now.timestamp()
        later = schedule.upcoming(found, now)
        zone = ZoneInfo(config.site.timezone)
        done.texts.append(f"terjadwal berikutnya: '{later.title}' {later.date.astimezone(zone):%d-%m-%Y %H:%M}"
                          if later else "tidak ada berita terjadwal")
        return
    titles = ", ".join(f"'{s.title}'" for s in due)
    code, said = runner.parts.publish(runner.site_dir, target, now)
    if code == 0:
        state.scheduled_through = state.last_publish = now.timestamp()
        state.failing_since = None
        state_module.mark_unsent(state, "failing_since", False)
        done.texts.append(f"terbit ke {target}: {len(due)} berita terjadwal ({titles})")
        return
    done.failed = True
    done.texts.append(f"GAGAL terbit ke {target} ({len(due)} berita terjadwal: {titles}): {_last_line(said)}")
    if state.failing_since is None or state_module.unsent(state, "failing_since"):
        state.failing_since = state.failing_since or now.timestamp()
        done.reports.append((Report(
            f"[{config.site.title}] Berita terjadwal GAGAL terbit",
            f"Berita terjadwal belum tayang karena penerbitan ke '{target}' gagal:\n"
            + "\n".join(f"- {s.title} (dijadwalkan {s.date.isoformat(' ', 'minutes')}, {s.path})" for s in due)
            + f"\n\nPesan perintah publish:\n{said.strip()}\n\notomatis mencoba lagi setiap putaran; surel ini tidak "
            "dikirim lagi sampai penerbitan berhasil.", config.site.base_url), "failing_since"))


def _views(runner: Runner, config, target: str, state: State, done: Round) -> None:
    """Fetch the access logs' new lines and count them, when their interval has passed; publish the new counts at
    most every `views_publish` hours."""
    settings, every = config.publish[target], config.otomatis.logs_every
    if settings.logs and verify_due(state.last_logs, done.now, every):
        if settings.type == "git":
            done.texts.append("log akses: tujuan git tidak punya log akses; hapus 'logs:' dari tujuan ini")
        else:
            _count(runner, config, target, state, done)
    hours = config.otomatis.views_publish
    if not (state.views_changed and hours > 0 and verify_due(state.last_views_publish, done.now, hours * 60)):
        return
    code, said = runner.parts.publish(runner.site_dir, target, done.now)
    if code == 0:
        state.views_changed, state.last_views_publish = False, done.now.timestamp()
        done.texts.append(f"jumlah dilihat diterbitkan ke {target}")
        state.scheduled_through = max(state.scheduled_through or 0, done.now.timestamp())
    else:
        done.failed = True
        done.texts.append(f"jumlah dilihat GAGAL diterbitkan ke {target}: {_last_line(said)}")


@contextlib.contextmanager
def log_source(site_dir: Path, config, target: str):
    """Where the target's access logs are read: its folder on this computer, or its SFTP server (the connection
    holds the target's lock while the logs are read, as a publish would)."""
    import os

    from generator.otomatis.logfetch import FolderSource, RemoteSource

    settings = config.publish[target]
    if settings.type == "folder":
        yield FolderSource(site_dir / os.path.expanduser(settings.logs))
        return
    from generator.publish.registry import open_transport
    from generator.publish.transport import Context

    transport = open_transport(Context(target, settings, site_dir, site_id=config.site.base_url))
    try:
        yield RemoteSource(transport, settings.logs)
    finally:
        transport.close()


def _count(runner: Runner, config, target: str, state: State, done: Round) -> None:
    from generator.otomatis.logfetch import fetch
    from generator.publish.transport import PublishError

    before = _views_stamps(runner.site_dir)
    try:
        with log_source(runner.site_dir, config, target) as source:
            copies, read = fetch(source, runner.site_dir / ".cache" / "otomatis-logs" / target, _cutoff(config, done))
    except (OSError, PublishError) as err:
        done.failed = True
        why = err.strerror if isinstance(err, OSError) and err.strerror else err
        done.texts.append(f"log akses {config.publish[target].logs} tidak dapat dibaca ({why})")
        return
    code, said = runner.parts.views(runner.site_dir, copies) if copies else (0, "")
    state.last_logs = done.now.timestamp()
    changed = _views_stamps(runner.site_dir) != before
    state.views_changed = state.views_changed or changed
    done.failed = done.failed or code != 0
    done.texts.append(f"log akses: {read} bita baru dibaca, " + (
        "jumlah dilihat berubah" if changed else "jumlah dilihat tetap") +
        (f" ({_last_line(said)})" if code != 0 else ""))


def _cutoff(config, done: Round) -> float | None:
    """UTC seconds: what otomatis keeps from before this is removed (keep_days; 0 keeps everything)."""
    days = config.otomatis.keep_days
    return done.now.timestamp() - days * 86400 if days > 0 else None


def _tidy(runner: Runner, config, target: str, state: State, done: Round) -> None:
    """otomatis's own log kept to its last keep_days, looked at once a day (the access-log copies: see _count)."""
    from generator.otomatis import tidy

    days = config.otomatis.keep_days
    if days <= 0 or not verify_due(state.last_tidy, done.now, 24 * 60):
        return
    log = log_file(runner.site_dir, config.otomatis.log)
    try:
        removed = tidy.trim(log, tidy.cutoff_text(done.now, days, ZoneInfo(config.site.timezone)))
    except OSError as err:
        done.texts.append(f"log {config.otomatis.log} tidak dapat dirapikan ({err.strerror or err})")
        return
    state.last_tidy = done.now.timestamp()
    if removed:
        done.texts.append(f"log: {removed} baris yang lebih tua dari {days} hari dihapus")


def _views_stamps(site_dir: Path) -> dict[str, int]:
    """The posts' sources (as the build finds them) and their times: a count written by views changes one."""
    from generator.model import discovery

    content = site_dir / "content"
    stamps = {}
    for source in discovery.discover(content):
        if source.kind != "post":
            continue
        try:
            stamps[str(source.path)] = source.path.stat().st_mtime_ns
        except OSError:
            continue
    return stamps


def _last_publish(site_dir: Path, target: str) -> float | None:
    """When this computer last published to the target (its copy of the manifest), for the first round."""
    from generator.publish.verify import local_record

    try:
        return local_record(site_dir, target).stat().st_mtime
    except OSError:
        return None


def _check(runner: Runner, config, target: str, state: State, done: Round) -> None:
    """Compare the live site with the last publish when the interval has passed; tampering is reported at once
    (the same findings once, not every hour)."""
    if not verify_due(state.last_verify, done.now, config.otomatis.verify):
        return
    code, said = runner.parts.verify(runner.site_dir, target)
    if code == 2:
        done.failed = True
        done.texts.append(f"periksa {target}: tidak dapat diperiksa: {_last_line(said)}")
        return
    state.last_verify = done.now.timestamp()
    if code == 0:
        state.reported = ""
        state_module.mark_unsent(state, "reported", False)
        done.texts.append(f"periksa {target}: utuh, sama dengan terbitan terakhir")
        return
    done.failed = True
    findings = [line.strip() for line in said.splitlines() if line.startswith("  ")]
    done.texts.append(f"periksa {target}: BERBEDA dari terbitan terakhir ({len(findings)} berkas)")
    digest = hashlib.sha256("\n".join(findings).encode("utf-8")).hexdigest()
    if digest != state.reported or state_module.unsent(state, "reported"):
        state.reported = digest
        done.reports.append((Report(
            f"[{config.site.title}] Situs yang tayang DIUBAH pihak lain",
            f"Pemeriksaan otomatis menemukan situs di '{target}' berbeda dari terbitan terakhir:\n\n{said.strip()}\n\n"
            "Jalankan 'verify --repair' untuk mengembalikan berkas situs; berkas asing tidak dihapus otomatis. Segera "
            "ganti sandi FTP/SFTP bila ada berkas yang tidak dikenal.", config.site.base_url), "reported"))


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "tanpa pesan"


def _line(now: dt.datetime, zone: ZoneInfo, texts: list[str]) -> str:
    local = now.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} | " + " | ".join(texts or ["tidak ada yang perlu dikerjakan"])


def _say(runner: Runner, log: Path | None, line: str) -> None:
    print(line, file=runner.out or sys.stdout, flush=True)
    if log is None:
        return
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as file:
            file.write(line.replace("\n", " ") + "\n")
    except OSError as err:
        print(f"log {log} tidak dapat ditulis ({err.strerror or err}).", file=sys.stderr)


def run(runner: Runner, interval_minutes: float | None, sleep: Callable[[float], None] = time.sleep,
        rounds: int | None = None) -> int:
    """Rounds every interval (the config's when not given) until stopped, or `rounds` of them (tests)."""
    code, count = 0, 0
    while rounds is None or count < rounds:
        started = time.monotonic()
        code = one_round(runner)
        count += 1
        if rounds is not None and count >= rounds:
            break
        minutes = interval_minutes or _interval(runner.site_dir)
        sleep(max(1.0, minutes * 60 - (time.monotonic() - started)))
    return code


def _interval(site_dir: Path) -> float:
    config = config_module.load(site_dir / "config.yaml", Problems())
    return float(config.otomatis.interval) if config is not None and config.otomatis.interval > 0 else 5.0
