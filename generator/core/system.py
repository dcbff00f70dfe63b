"""What this system offers the build: fork() for the workers and fcntl's flock() for the build lock.

The one place that reads SITUS_KPU_PLATFORM: set to "windows" it hides fork and fcntl, so that the code paths a
Windows laptop takes (spawned workers, the build lock without flock) run and are tested here on Linux."""

from __future__ import annotations

import os

ENV = "SITUS_KPU_PLATFORM"


def windows_like() -> bool:
    return os.environ.get(ENV, "").strip().lower() == "windows"


def start_methods() -> list[str]:
    """multiprocessing's start methods on this system (without fork and forkserver in the Windows-like mode)."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return [m for m in methods if m not in ("fork", "forkserver")] if windows_like() else list(methods)


def worker_context():
    """The multiprocessing context for a pool of workers that receive everything they need pickled: fork where the
    system offers it (cheapest start), else spawn (Windows)."""
    import multiprocessing

    return multiprocessing.get_context("fork" if "fork" in start_methods() else "spawn")


def flock():
    """fcntl (for flock()) where the system has it and the Windows-like mode does not hide it, else None."""
    if windows_like():
        return None
    try:
        import fcntl
    except ImportError:
        return None
    return fcntl
