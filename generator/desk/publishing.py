"""The desk's "Terbitkan ke situs": the publish command for the site's first target, in a background thread,
with its progress (files sent of total) and its own one-sentence messages kept for the page to show."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from generator.core import atomic

RECORD = Path(".redaksi") / "terbit.json"       # when the desk last published the site, inside the site folder
UNKNOWN_KEY = re.compile(r"belum dikenal \(sidik jari (SHA256:[A-Za-z0-9+/=]+)\)")
HOST = re.compile(r"Kunci server (\S+) belum dikenal")


@dataclass
class Job:
    """One publish run, as the page polls it."""

    running: bool = False
    sent: int = 0
    total: int | None = None
    lines: list[str] = field(default_factory=list)     # what the command printed, one message a line
    code: int | None = None
    fingerprint: str = ""        # an unknown host key's fingerprint: the page asks whether to trust it
    host: str = ""

    def view(self) -> dict:
        return {"running": self.running, "sent": self.sent, "total": self.total, "lines": self.lines,
                "code": self.code, "fingerprint": self.fingerprint, "host": self.host}


class _ThreadOutput(io.TextIOBase):
    """sys.stdout/stderr while a publish runs: the publish thread's writes go to its job, every other thread's to
    the stream it had (the preview server keeps printing to the terminal)."""

    def __init__(self, original, thread: threading.Thread, sink: list[str]):
        self.original, self.thread, self.sink, self.partial = original, thread, sink, ""

    def write(self, text: str) -> int:
        if threading.current_thread() is not self.thread:
            return self.original.write(text) if self.original is not None else len(text)
        self.partial += text
        *done, self.partial = self.partial.split("\n")
        self.sink.extend(line.rstrip("\r") for line in done if line.strip())
        return len(text)

    def flush(self) -> None:
        if threading.current_thread() is not self.thread and self.original is not None:
            self.original.flush()

    def isatty(self) -> bool:
        return False


class _NoTerminal:
    """sys.stdin while a publish runs: no terminal for the publish thread (nobody there could type a password;
    the command then names the environment variable to set), the same stream for every other thread."""

    def __init__(self, original, thread: threading.Thread):
        self.original, self.thread = original, thread

    def isatty(self) -> bool:
        return threading.current_thread() is not self.thread and self.original is not None and self.original.isatty()

    def __getattr__(self, name):
        return getattr(self.original, name)


class Publisher:
    """At most one publish at a time per desk."""

    def __init__(self, site: Path):
        self.site, self.job, self.lock = site, Job(), threading.Lock()

    def start(self, trust: str | None = None) -> bool:
        with self.lock:
            if self.job.running:
                return False
            self.job = Job(running=True)
        threading.Thread(target=self._run, args=(self.job, trust), name="terbit", daemon=True).start()
        return True

    def _run(self, job: Job, trust: str | None) -> None:
        from generator.publish.command import Request, publish

        out, err, given = sys.stdout, sys.stderr, sys.stdin
        sys.stdout = _ThreadOutput(out, threading.current_thread(), job.lines)
        sys.stderr = _ThreadOutput(err, threading.current_thread(), job.lines)
        sys.stdin = _NoTerminal(given, threading.current_thread())
        try:
            job.code = publish(Request(self.site, trust_host_key=trust, progress=self._progress(job)))
        except Exception as error:       # an unexpected failure is still told on the page, in one sentence
            job.lines.append(f"Penerbitan berhenti karena kesalahan tak terduga: {error}.")
            job.code = 1
        finally:
            sys.stdout, sys.stderr, sys.stdin = out, err, given
        _ask_about_key(job)
        if job.code == 0:
            remember(self.site, dt.datetime.now(dt.timezone.utc))
        job.running = False

    @staticmethod
    def _progress(job: Job):
        def told(sent: int, total: int | None) -> None:
            if total is not None:
                job.sent, job.total = 0, total
            else:
                job.sent += sent
        return told


def _ask_about_key(job: Job) -> None:
    """A first-time host key becomes the page's question with its fingerprint: the command's sentence, which tells
    a terminal user what to type, is left out."""
    for line in list(job.lines):
        found, host = UNKNOWN_KEY.search(line), HOST.search(line)
        if found:
            job.fingerprint, job.host = found.group(1), host.group(1) if host else ""
            job.lines.remove(line)


def remember(site: Path, when: dt.datetime) -> None:
    record = site / RECORD
    record.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(record, json.dumps({"waktu": when.isoformat()}))


def last_published(site: Path) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(json.loads((site / RECORD).read_text(encoding="utf-8"))["waktu"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def changed_since(site: Path, when: dt.datetime | None) -> list[str]:
    """Site-relative paths below content/ (and config.yaml, templates/) changed after the last publish."""
    if when is None:
        return []
    limit = when.timestamp()
    found = []
    for top in ("content", "templates"):
        folder = site / top
        if folder.is_dir():
            found += [p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime > limit]
    config = site / "config.yaml"
    if config.is_file() and config.stat().st_mtime > limit:
        found.append(config)
    return sorted(p.relative_to(site).as_posix() for p in found)
