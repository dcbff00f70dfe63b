"""Replace a file in one rename: a crash, a full disk or an error leaves the old file or the new one, never half of
one, and no temporary file behind.

The new content is written to a hidden file beside the target (same folder, so the rename stays on one file system),
flushed to the disk (sync=True, the default), given the target's mode when it exists, then moved over the target with
os.replace, which replaces an existing file on Windows too; on POSIX the folder is synced as well so the rename
itself survives a power cut. Caches that a build makes again pass sync=False: losing one costs time, not data.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

SUFFIX = ".tmp"


STALE = 3600    # seconds after which a temporary file no writer finished is taken for one a killed process left


def remove_stale(folder: Path, names) -> None:
    """Remove the temporary files among names (in folder) that are older than STALE: a worker killed while writing
    (the build stopped, see parallel._owned) leaves its temporary file behind, and nothing else would remove it."""
    import time

    limit = time.time() - STALE
    for path in (Path(folder) / name for name in names if is_temporary(name)):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def is_temporary(name: str) -> bool:
    """True for the name of a temporary file this module makes (left only by a process killed mid-write)."""
    return name.startswith(".") and name.endswith(SUFFIX)


def replace(target: Path | str, fill: Callable[[Path], object], sync: bool = True, folder: bool = True) -> None:
    """fill(temporary) writes the new content to a path beside target (an empty file is there already); then it
    becomes target. The temporary file is removed whatever fill raises.

    folder=False leaves the folder's sync to the caller (sync_folder), who writes several files into one folder and
    syncs it once after the last: the content of each is still on the disk before its rename."""
    target = Path(target)
    temporary = _reserve(target)
    try:
        fill(temporary)
        if sync:
            with open(temporary, "r+b") as handle:      # Windows syncs only a handle open for writing
                os.fsync(handle.fileno())
        try:
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        except FileNotFoundError:
            pass                                         # a new file keeps the mode open() gives (umask)
        os.replace(temporary, target)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
    if sync and folder:
        sync_folder(target.parent)


def write_bytes(target: Path | str, data: bytes, sync: bool = True) -> None:
    """Replace target with data in one rename."""
    replace(target, lambda path: path.write_bytes(data), sync)


def write_text(target: Path | str, text: str, encoding: str = "utf-8", errors: str = "strict",
               sync: bool = True) -> None:
    """Replace target with text in one rename (written as Path.write_text writes it, line endings included)."""
    replace(target, lambda path: path.write_text(text, encoding=encoding, errors=errors), sync)


def _reserve(target: Path) -> Path:
    """A new, empty, hidden file beside target whose name no other writer (process or thread) holds."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}")
        try:
            os.close(os.open(temporary, flags, 0o666))
            return temporary
        except FileExistsError:
            continue


def sync_folder(folder: Path) -> None:
    """Make the rename itself survive a power cut (POSIX; Windows commits renames with the file system)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
