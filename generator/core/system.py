"""What this system offers the build: fork() for the workers, fcntl's flock() for the build lock, and the separator
that paths in messages are shown with.

The one place that reads SITUS_KPU_PLATFORM: set to "windows" it hides fork and fcntl and shows paths with `\\`, so
that the code paths a Windows laptop takes (spawned workers, the build lock without flock, messages naming
`content\\berita\\x.md`) run and are tested here on Linux."""

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


def costly_files() -> bool:
    """Whether making a file costs much here: on Windows (NTFS, and an antivirus that looks at every new file) and in
    the Windows-like mode. Work that can be done with files or without them (search.make) then goes without."""
    return windows_like() or os.name == "nt"


def separator() -> str:
    """The separator a person on this system reads paths with: `\\` on Windows and in the Windows-like mode."""
    return "\\" if windows_like() else os.sep


def shown(path) -> str:
    """A path as a message shows it, with the system's separator (content/berita/x.md is content\\berita\\x.md on
    Windows). Only for what a person reads: paths inside the built site, URLs, manifests and front matter keep `/`.
    An address (anything with "://") is left as it is."""
    text = str(path)
    sep = separator()
    if sep == "/" or "://" in text:
        return text
    return text.replace("/", sep)
