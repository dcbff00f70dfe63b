"""One build of a site at a time: an advisory lock on a file in the site's cache folder."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

NAME = "build.lock"
WAIT = 30.0          # seconds a build waits for another build of the same site before it gives up


class Busy(Exception):
    """Another build of the same site is running and did not finish within the wait."""


@contextlib.contextmanager
def held(cache_dir: Path, wait: float | None = None, on_wait=None):
    """Hold the site's build lock for the body; wait up to `wait` seconds for another build to finish (calling
    on_wait once, so that the user knows why nothing happens), then raise Busy naming it.

    The lock belongs to the open file, so it ends with the process that holds it, however it ends: a killed
    build never leaves a stale lock behind. Where the system has no flock() (Windows) builds are not locked.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle = open(cache_dir / NAME, "a+", encoding="utf-8")
    try:
        deadline, told = time.monotonic() + (WAIT if wait is None else wait), False
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(_message(handle)) from None
                if not told and on_wait is not None:
                    on_wait(_holder(handle))
                    told = True
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()          # releases the lock


def _holder(handle) -> str:
    handle.seek(0)
    pid = handle.read().strip()
    return pid if pid.isdigit() else "?"


def _message(handle) -> str:
    return (f"pembangunan lain untuk situs ini sedang berjalan (proses {_holder(handle)}), mungkin di jendela "
            "terminal lain atau oleh pratinjau. Tunggu sampai selesai, lalu ulangi.")
