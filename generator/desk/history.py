"""Files the desk writes, safely: atomic replacement, the previous version of every file kept first, and a trash.

Both live in the site folder, outside content/ (so they travel with the site and are never published):
.redaksi/riwayat/<path below content/>/<version>.md and .redaksi/sampah/<id>/ (the post's files as they were, and
a small JSON note of where they came from)."""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from generator.core import atomic

DESK_DIR = ".redaksi"
HISTORY = "riwayat"
TRASH = "sampah"
STAGING = "unggahan"
_STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class Kept:
    """One kept version: its id (UTC time stamp, sortable), time and size."""

    id: str
    time: dt.datetime
    size: int


def write_atomic(target: Path, data: bytes) -> None:
    """Write beside the target and move it in (its folder made first): the old file or the new one, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(target, data)


TEMP_PREFIX, TEMP_SUFFIX = ".upload.", ".redaksi-tmp"     # a file being written into a folder of content/


def write_new(folder: Path, name: str, data: bytes | Iterable[bytes], other_name,
              ready: Callable[[Path], object] | None = None) -> str:
    """Write data (bytes, or chunks as they arrive: an exception from them leaves nothing behind) as a new file in
    folder under name, or under other_name(folder, name) when that is taken, never over a file that is there (two
    uploads of 'foto.jpg' at once both stay). ready(path) may still change the complete file under its temporary
    name (TEMP_PREFIX...TEMP_SUFFIX) before it gets its name. Returns the name used."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, made = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    temporary = Path(made)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in [data] if isinstance(data, bytes) else data:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if ready is not None:
            ready(temporary)
        return _place(folder, temporary, name, other_name)
    finally:
        if temporary.exists():
            temporary.unlink()


def _place(folder: Path, temporary: Path, name: str, other_name) -> str:
    """The complete file linked in under its name, which fails when the name is taken; where the disk has no hard
    links (FAT, exFAT) the name is claimed first, then the file moved onto it. The temporary name is gone afterwards
    unless the system held it a moment (a virus scanner; write_new removes it then)."""
    os.chmod(temporary, 0o644)
    wanted = name
    while True:
        name = other_name(folder, wanted)
        try:
            os.link(temporary, folder / name)
        except FileExistsError:
            continue
        except OSError:                      # no hard links here: claim the name, then move the file onto it
            try:
                (folder / name).open("xb").close()
            except FileExistsError:
                continue
            os.replace(temporary, folder / name)
            return name
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return name


def _stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.timezone.utc).strftime(_STAMP)


def _time(stamp: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(stamp, _STAMP).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def folder_of(site: Path, key: str) -> Path:
    """The history folder of a source (key: 'content/posts/2019/x/index.md')."""
    return site / DESK_DIR / HISTORY / key.removeprefix("content/")


def keep(site: Path, key: str, data: bytes, now: dt.datetime) -> str:
    """Keep data as a version of key; returns its id (unique even for two saves in the same microsecond)."""
    folder = folder_of(site, key)
    folder.mkdir(parents=True, exist_ok=True)
    stamp, moment = _stamp(now), now
    while (folder / f"{stamp}.md").exists():
        moment += dt.timedelta(microseconds=1)
        stamp = _stamp(moment)
    write_atomic(folder / f"{stamp}.md", data)
    return stamp


def set_aside(site: Path, key: str, path: Path, now: dt.datetime) -> Path:
    """Move a file the person removed from a post into the post's history: .../<key>/berkas/<time>/<name>."""
    folder = folder_of(site, key) / "berkas" / _stamp(now)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.move(str(path), str(target))
    return target


def set_aside_file(site: Path, key: str, name: str) -> Path | None:
    """The newest copy of a file set aside from key's post under this name, None when there is none."""
    folder = folder_of(site, key) / "berkas"
    if not name or "/" in name or "\\" in name or name in (".", "..") or not folder.is_dir():
        return None
    found = sorted((p for p in folder.glob(f"*/{glob.escape(name)}") if _time(p.parent.name) and p.is_file()),
                   key=lambda p: p.parent.name)
    return found[-1] if found else None


def versions(site: Path, key: str) -> list[Kept]:
    """The kept versions of key, newest first."""
    folder = folder_of(site, key)
    found = []
    for path in folder.glob("*.md") if folder.is_dir() else ():
        moment = _time(path.stem)
        if moment is not None and path.is_file():
            found.append(Kept(path.stem, moment, path.stat().st_size))
    return sorted(found, key=lambda k: k.id, reverse=True)


def version_path(site: Path, key: str, version_id: str) -> Path | None:
    """The file of a kept version, None when there is no such version (ids are only ever time stamps)."""
    if _time(version_id) is None:
        return None
    path = folder_of(site, key) / f"{version_id}.md"
    return path if path.is_file() else None


@dataclass(frozen=True)
class TrashNote:
    id: str
    key: str
    title: str
    time: dt.datetime


def to_trash(site: Path, key: str, title: str, now: dt.datetime) -> TrashNote:
    """Move a post (its bundle folder, or its single file) into the trash."""
    source = site / key
    moved = source.parent if source.name == "index.md" else source
    base = site / DESK_DIR / TRASH
    stamp, moment = _stamp(now), now
    while (base / stamp).exists():
        moment += dt.timedelta(microseconds=1)
        stamp = _stamp(moment)
    folder = base / stamp
    folder.mkdir(parents=True)
    note = TrashNote(stamp, key, title, now)
    (folder / "catatan.json").write_text(json.dumps({"key": key, "title": title, "time": now.isoformat(),
                                                     "moved": moved.relative_to(site).as_posix()},
                                                    ensure_ascii=False), encoding="utf-8")
    shutil.move(str(moved), str(folder / moved.name))
    return note


def trash_notes(site: Path) -> list[tuple[TrashNote, str]]:
    """Everything in the trash, newest first, with the site-relative path each came from."""
    base = site / DESK_DIR / TRASH
    found = []
    for folder in base.iterdir() if base.is_dir() else ():
        note = _note(folder)
        if note is not None:
            found.append(note)
    return sorted(found, key=lambda n: n[0].id, reverse=True)


def _note(folder: Path) -> tuple[TrashNote, str] | None:
    try:
        data = json.loads((folder / "catatan.json").read_text(encoding="utf-8"))
        moment = dt.datetime.fromisoformat(data["time"])
        return TrashNote(folder.name, str(data["key"]), str(data["title"]), moment), str(data["moved"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def trash_folder(site: Path, trash_id: str) -> Path | None:
    if _time(trash_id) is None:
        return None
    folder = site / DESK_DIR / TRASH / trash_id
    return folder if folder.is_dir() else None
