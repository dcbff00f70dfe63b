"""Watching the site's sources: sort changed paths into kinds of rebuild, debounce bursts, run rebuilds one at a time."""

from __future__ import annotations

import os
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from watchdog.events import (
    DirAttribEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from generator.model.entries import PHOTO_SUFFIXES

KINDS = ("config", "template", "content", "photo")
POLLING_ENV = "GENERATOR_POLLING"

# Files editors, file managers and downloads leave next to the real ones while saving.
_IGNORED_NAMES = {"4913", "Thumbs.db", "desktop.ini", ".DS_Store"}
_IGNORED_SUFFIXES = (".swp", ".swx", ".swo", ".swn", ".tmp", ".temp", ".part", ".crdownload", ".bak", ".orig",
                     ".kate-swp", "___jb_tmp___", "___jb_old___", "~")
_IGNORED_DIRS = {"__pycache__", "node_modules"}   # hidden folders (.git, .cache) are ignored by their dot
# Events that are not changes: our own build opening and reading files, or hard links changing link counts.
# They are not even asked of the kernel (a build reads thousands of files), and dropped if they come anyway.
_NOT_CHANGES = (FileOpenedEvent, FileClosedNoWriteEvent, FileAttribEvent, DirAttribEvent, DirModifiedEvent)
_CHANGES = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileDeletedEvent, FileClosedEvent,
            DirCreatedEvent, DirMovedEvent, DirDeletedEvent]


def is_ignored(rel: str) -> bool:
    """True for editor swap/backup/lock files, temporary downloads, hidden files and version-control folders."""
    parts = PurePosixPath(rel).parts
    if not parts:
        return True
    name = parts[-1]
    if any(part.startswith(".") or part in _IGNORED_DIRS for part in parts):
        return True
    if name in _IGNORED_NAMES or name.endswith(_IGNORED_SUFFIXES):
        return True
    if name.startswith("~$"):   # Microsoft Office lock files
        return True
    return name.startswith("#") and name.endswith("#")   # Emacs auto-save


def kind_of(rel: str) -> str:
    """The kind of rebuild a change to rel (a path relative to the site folder, '/'-separated) needs.

    'config' for config.yaml, 'template' for the site's templates/, 'photo' and 'content' for files under
    content/, and 'ignore' for everything else (output, caches, swap and backup files).
    """
    rel = rel.replace("\\", "/").strip("/")
    if rel == "config.yaml":
        return "config"
    if is_ignored(rel):
        return "ignore"
    top, _, rest = rel.partition("/")
    if top == "templates" and rest:
        return "template"
    if top == "content" and rest:
        return "photo" if PurePosixPath(rest).suffix.lower() in PHOTO_SUFFIXES else "content"
    if rel in ("templates", "content"):
        return "template" if rel == "templates" else "content"
    return "ignore"


def sort_changes(paths) -> dict[str, list[str]]:
    """Changed paths grouped by kind of rebuild, ignored ones left out: {'content': [...], 'photo': [...]}."""
    out: dict[str, list[str]] = {}
    for rel in sorted(set(paths)):
        kind = kind_of(rel)
        if kind != "ignore":
            out.setdefault(kind, []).append(rel)
    return out


@dataclass
class Debouncer:
    """Collects changed paths until the files have been quiet for a moment; pure, the caller passes the time.

    A burst (an editor writing a temporary file and renaming it over the post) becomes one rebuild. When
    every pending path's last event says the file is complete (closed after writing, renamed into place,
    deleted) a short `settled` pause is enough; otherwise wait `quiet` seconds after the last event. A steady
    stream of events never postpones a rebuild more than `longest` seconds after the first.
    """

    quiet: float = 0.1
    settled: float = 0.02
    longest: float = 1.0
    _pending: dict[str, bool] = field(default_factory=dict)
    _first: float | None = None
    _last: float | None = None

    def add(self, path: str, now: float, complete: bool = False) -> None:
        self._pending[path] = complete
        if self._first is None:
            self._first = now
        self._last = now

    def deadline(self) -> float | None:
        """When the pending changes are due, or None when nothing is pending."""
        if self._first is None:
            return None
        wait = self.settled if all(self._pending.values()) else self.quiet
        return min(self._last + wait, self._first + self.longest)

    def due(self, now: float) -> bool:
        deadline = self.deadline()
        return deadline is not None and now >= deadline

    def take(self) -> list[str]:
        """The pending paths, sorted; clears them."""
        paths = sorted(self._pending)
        self._pending.clear()
        self._first = self._last = None
        return paths


def polling_forced() -> bool:
    return os.environ.get(POLLING_ENV, "").strip().lower() not in ("", "0", "no", "false")


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: "Watcher"):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if isinstance(event, _NOT_CHANGES):
            return
        complete = event.event_type in ("closed", "moved", "deleted")
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.watcher.changed(os.fsdecode(raw), complete)


class Watcher:
    """Watches config.yaml, content/ and the site's own templates/; calls on_change({kind: paths}) after each burst.

    on_change runs on the watcher's own thread, one call at a time, so rebuilds never overlap; changes made
    during a rebuild are collected and give one more rebuild after it.
    """

    def __init__(self, site_dir: Path, on_change: Callable[[dict[str, list[str]]], None], *, polling: bool = False,
                 poll_interval: float = 0.5, debouncer: Debouncer | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.site_dir = Path(site_dir).resolve()
        self.on_change = on_change
        self.polling = polling or polling_forced()
        self.poll_interval = poll_interval
        self.debouncer = debouncer or Debouncer()
        self.clock = clock
        self.mode = ""
        self.fallback_reason = ""
        self._cond = threading.Condition()
        self._stopping = False
        self._observer = None
        self._watched: set[Path] = set()
        self._thread = threading.Thread(target=self._run, name="rebuild", daemon=True)

    def changed(self, path: str, complete: bool = False) -> None:
        try:
            rel = Path(path).resolve().relative_to(self.site_dir).as_posix()
        except ValueError:
            return
        if kind_of(rel) == "ignore":
            return
        with self._cond:
            self.debouncer.add(rel, self.clock(), complete)
            self._cond.notify()
        if rel in ("content", "templates"):
            self._schedule_missing()

    def start(self) -> None:
        if not self.polling:
            try:
                self._start_observer(Observer())
                self.mode = "native"
            except Exception as err:   # inotify limits, unsupported file systems, missing kernel support
                self.fallback_reason = str(err) or type(err).__name__
        if not self.mode:
            self._start_observer(PollingObserver(timeout=self.poll_interval))
            self.mode = "polling"
        self._thread.start()

    def _start_observer(self, observer) -> None:
        # watchdog's inotify observer warns when a folder made again (a post restored from the desk's trash, a new
        # bundle's photo folder) is watched twice over; it keeps one watch and nothing is missed, so the staff's
        # terminal is spared a RuntimeWarning about watchdog's own bookkeeping
        warnings.filterwarnings("ignore", r"Callback with id .* already exists for watch", RuntimeWarning,
                                r"watchdog\.observers\.inotify")
        self._observer, self._watched = observer, set()
        try:
            self._schedule_missing()
            observer.start()
        except Exception:
            self._observer = None
            try:
                observer.stop()
            except Exception:
                pass
            raise

    def _schedule_missing(self) -> None:
        observer = self._observer
        if observer is None:
            return
        handler = _Handler(self)
        wanted = [(self.site_dir, False)] + [(self.site_dir / name, True) for name in ("content", "templates")]
        for folder, recursive in wanted:
            if folder not in self._watched and folder.is_dir():
                observer.schedule(handler, str(folder), recursive=recursive, event_filter=_CHANGES)
                self._watched.add(folder)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping:
                    deadline = self.debouncer.deadline()
                    now = self.clock()
                    if deadline is not None and now >= deadline:
                        break
                    self._cond.wait(None if deadline is None else deadline - now)
                if self._stopping:
                    return
                paths = self.debouncer.take()
            changes = sort_changes(paths)
            if changes:
                try:
                    self.on_change(changes)
                except Exception as err:   # keep watching whatever happened in one rebuild
                    print(f"Galat saat membangun ulang: {err!r}", file=sys.stderr)

    @property
    def running(self) -> bool:
        """Whether its rebuild thread still runs (started and not stopped)."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop and join the observer and the rebuild thread (waits for a rebuild in progress)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join()
        if self._thread.is_alive():
            self._thread.join()
