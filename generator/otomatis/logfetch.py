"""New access-log lines brought from the target into the site's cache, reading only bytes not read before.

A log is known by its start, as `views` knows it: the current log that grows is read from where the last round
stopped; after a rotation (access.log -> access.log.1, later gzipped) the rotated file still starts the same, so only
its rest is read, into the same local copy, and the new current log is a new copy. A gzipped file cannot be read from
the middle, so it is read once, whole, and its decompressed rest appended; the same .gz (name, size and time) is
never read again. `views` then counts the local copies and, by its own record, each line once.

The target is read through a Source (list the log folder, read a file from an offset). Here: a folder target (a
local or mounted folder), or an SFTP or FTP(S) target (over its connection, which holds the target's lock meanwhile).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.core import atomic
from generator.views.logs import HEAD


class Source(Protocol):
    def listing(self) -> dict[str, tuple[int, float]]: ...        # name -> (size, mtime) of the rotated set
    def read(self, name: str, offset: int) -> bytes: ...          # the file's bytes from offset to its end
    def read_head(self, name: str) -> bytes: ...                  # its first HEAD bytes (to know which log it is)


@dataclass
class FolderSource:
    """The current log at `path` and its rotated siblings (path.1, path.2.gz, path-20240601.gz) in its folder."""

    path: Path

    def listing(self) -> dict[str, tuple[int, float]]:
        out = {}
        base = self.path.name
        for entry in os.scandir(self.path.parent):
            if entry.name.startswith(base) and entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                out[entry.name] = (info.st_size, info.st_mtime)
        return out

    def read(self, name: str, offset: int) -> bytes:
        with open(self.path.parent / name, "rb") as handle:
            handle.seek(offset)
            return handle.read()

    def read_head(self, name: str) -> bytes:
        with open(self.path.parent / name, "rb") as handle:
            return handle.read(HEAD)


@dataclass
class RemoteSource:
    """The current log at `path` on an SFTP or FTP(S) target's server and its rotated siblings, through an open
    transport (SftpTransport or FtpTransport: log_listing and read_from)."""

    transport: object
    path: str

    def listing(self) -> dict[str, tuple[int, float]]:
        folder, _, base = self.path.rpartition("/")
        return self.transport.log_listing(folder if folder or not self.path.startswith("/") else "/", base)

    def read(self, name: str, offset: int) -> bytes:
        return self.transport.read_from(self._beside(name), offset)

    def read_head(self, name: str) -> bytes:
        return self.transport.read_from(self._beside(name), 0, HEAD)

    def _beside(self, name: str) -> str:
        folder = self.path.rpartition("/")[0]
        return f"{folder}/{name}" if folder or self.path.startswith("/") else name


@dataclass
class Index:
    copies: dict[str, int] = field(default_factory=dict)     # local copy -> bytes it holds
    done: dict[str, list] = field(default_factory=dict)      # a .gz read whole -> [size, mtime]


def fetch(source: Source, folder: Path, cutoff: float | None = None) -> tuple[list[Path], int]:
    """Bring the new bytes of every log into folder: (the local copies, bytes read from the target). With a cutoff
    (UTC seconds), copies last added to before it whose log is gone from the target are removed (see prune)."""
    folder.mkdir(parents=True, exist_ok=True)
    index = _load(folder / "index.json")
    read = 0
    listing = source.listing()
    live: set[str] = set()          # the copies of the plain logs still on the target: never pruned
    # oldest first, so that the rotated file is caught up before the new current log is looked at
    for name in sorted(listing, key=lambda n: listing[n][1]):
        size, mtime = listing[name]
        if name.endswith(".gz"):
            if index.done.get(name) == [size, mtime]:
                continue
            raw = source.read(name, 0)
            read += len(raw)
            try:
                data = gzip.decompress(raw)
            except (OSError, EOFError, zlib.error):
                continue                  # being written by the rotation: read whole next round
            _take(folder, index, data, 0)
            index.done[name] = [size, mtime]
        else:
            head = source.read_head(name)
            copy = _matching(folder, index, head)
            held = index.copies.get(copy, 0) if copy else 0
            if copy and size <= held:
                live.add(copy)
                continue
            data = source.read(name, held)
            read += len(data)
            live.add(_take(folder, index, data, held, copy, head))
    if cutoff is not None:
        prune(folder, index, live, cutoff)
        index.done = {name: seen for name, seen in index.done.items() if name in listing}
    _save(folder / "index.json", index)
    return [folder / name for name in sorted(index.copies)], read


def _matching(folder: Path, index: Index, head: bytes) -> str | None:
    """The local copy whose start is this file's start (the same log, grown or rotated), if any."""
    for name in index.copies:
        try:
            with open(folder / name, "rb") as handle:
                mine = handle.read(HEAD)
        except OSError:
            continue
        length = min(len(mine), len(head))
        if length and mine[:length] == head[:length]:
            return name
    return None


def prune(folder: Path, index: Index, live: set[str], cutoff: float) -> list[str]:
    """Remove the copies last added to before cutoff, except those of a log still on the target as a plain file
    (live); only the copies this module made (named in its index, NNNNNN.log), never another file in the folder.
    `views` keeps its own record of what it counted, so a log read again later is still counted once."""
    gone = []
    for name in sorted(index.copies):
        path = folder / name
        if name in live or not COPY.fullmatch(name):
            continue
        try:
            if path.is_symlink() or path.stat().st_mtime >= cutoff:
                continue
            path.unlink()
        except FileNotFoundError:
            pass                    # removed by hand: forgotten as well
        except OSError:
            continue                # kept; tried again next time
        del index.copies[name]
        gone.append(name)
    return gone


COPY = re.compile(r"[0-9]{6,}\.log")


def _new_copy(folder: Path, index: Index) -> str:
    """A name after every copy's, for no file in the folder (a copy pruned, a file put there by hand)."""
    number = max((int(name[:-4]) for name in index.copies if COPY.fullmatch(name)), default=0) + 1
    while (folder / f"{number:06d}.log").exists() or (folder / f"{number:06d}.log").is_symlink():
        number += 1
    return f"{number:06d}.log"


def _take(folder: Path, index: Index, data: bytes, held: int, copy: str | None = None,
          head: bytes | None = None) -> str:
    """Append the new bytes to the matching copy (a whole file whose start matches one: only its rest), or start a
    new copy; the copy's name."""
    if copy is None:
        copy = _matching(folder, index, (head if head is not None else data)[:HEAD])
        if copy is not None:
            held = index.copies[copy]
            data = data[held:] if len(data) > held else b""
    if copy is None:
        copy = _new_copy(folder, index)
        held = 0
    if data:
        with open(folder / copy, "ab") as handle:
            handle.truncate(held)
            handle.write(data)
    index.copies[copy] = held + len(data)
    return copy


def _load(path: Path) -> Index:
    try:
        data = json.loads(path.read_text("utf-8"))
        return Index({str(k): int(v) for k, v in data["copies"].items()},
                     {str(k): list(v) for k, v in data["done"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Index()


def _save(path: Path, index: Index) -> None:
    atomic.write_text(path, json.dumps({"copies": index.copies, "done": index.done}))
