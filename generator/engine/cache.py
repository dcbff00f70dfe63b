"""The build cache in SITE/.cache/: what the last build read and wrote, checked before it is trusted."""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import sys
from dataclasses import dataclass, field
from functools import cache as _once
from pathlib import Path, PosixPath, PurePath, WindowsPath
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from generator.core import atomic
from generator.core.hashing import digest
from generator.core.racy import stamp
from generator.core.report import Problem
from generator.engine import keys

if TYPE_CHECKING:
    from generator.model.entries import Entry

FORMAT = 6
INDEX, DATA = "build-index.bin", "build-data-{:02d}.bin"
SHARDS = 16          # the sources' records are split so that one edit rewrites 1/16 of them
_MAGIC = b"KPU-CACHE"


@dataclass
class SourceRecord:
    """One content file as the last build read it: its entry, warnings, photos and rendered Markdown."""

    size: int
    mtime_ns: int
    sha: str                      # content hash of the file
    key: str                      # config and bundle listing the entry was validated against
    entry: Entry
    warnings: list = field(default_factory=list)
    photos_key: str = ""
    photos: list = field(default_factory=list)
    html_key: str = ""
    html: str = ""
    summary: str = ""
    card_key: tuple = ()          # what the post's card signature below was computed from (fingerprint.Signatures)
    card: str = ""
    html_sig: tuple = ()          # (html_key, hash of html)
    photos_racy: bool = False     # the photo plan was made from photos written moments ago: plan it again next time
                                  # unless the build finds them settled (incremental.settle)

    def state(self) -> tuple:
        """What the cache file must hold of this record: a change in any of it makes its shard be written again.

        (entry, photos, html and the card follow from the keys and hashes here.)"""
        return (self.size, self.mtime_ns, self.sha, self.key, self.photos_key, self.photos_racy, self.html_key,
                self.card, self.html_sig)


@dataclass
class Index:
    """What the output folder holds after the last build, and what the next build needs to decide quickly."""

    site_key: str = ""
    next_publish: float | None = None            # the first scheduled post's time (UTC seconds), or None
    manifest: dict = field(default_factory=dict)   # output path -> (size, mtime_ns, content or source key)
    routes: dict = field(default_factory=dict)     # output path -> fingerprint of what its template saw
    warnings: list = field(default_factory=list)
    pages: int = 0
    photos: int = 0
    data_sha: dict = field(default_factory=dict)  # shard number -> checksum of the data file this index names
    related: dict = field(default_factory=dict)   # site.assemble's memo of related posts
    unsettled: dict = field(default_factory=dict)  # content path -> (stamp, hash read) of inputs racy at the end
    reach: dict = field(default_factory=dict)      # template text's digest -> what of the site it reads (fingerprint)


def _header(site_dir: Path) -> bytes:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}-{sys.implementation.name}"
    return b" ".join([_MAGIC, str(FORMAT).encode(), keys.own_code().encode(), version.encode(),
                      digest(str(site_dir.resolve())).encode()]) + b"\n"


def _names(*classes) -> frozenset[tuple[str, str]]:
    return frozenset((c.__module__, c.__qualname__) for c in classes)


# The only things a cache file may rebuild when unpickled; anything else means it is not ours. Named by the classes
# themselves, so that renaming or moving one cannot silently leave the cache unreadable.
_ALLOWED = _names(set, frozenset, tuple, list, dict, dt.datetime, dt.date, dt.timezone, dt.timedelta, ZoneInfo,
                  PosixPath, WindowsPath, Path, Problem)


@_once
def _allowed_entries() -> frozenset[tuple[str, str]]:
    """The content model's classes, which the sources' records hold: imported when a record is read, not by a build
    that finds nothing changed (it reads only the index; the model's modules were a tenth of its time)."""
    from generator.model.entries import Attachment, Comment, Entry, Event, Photo
    from generator.model.registry import Typed

    return _names(Entry, Photo, Event, Attachment, Comment, Typed)


@_once
def _allowed_photos() -> frozenset[tuple[str, str]]:
    """The photo plan's classes: their modules import Pillow, which a build that finds nothing changed never needs
    (and a record holding photos imports them anyway as it is unpickled)."""
    from generator.photos.types import PhotoView, Source, Variant

    return _names(PhotoView, Variant, Source)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if ((module, name) not in _ALLOWED and (module, name) not in _OWN and (module, name) not in _allowed_entries()
                and (module, name) not in _allowed_photos()):
            raise pickle.UnpicklingError(f"{module}.{name} tidak diharapkan di cache")
        return super().find_class(module, name)


def read(path: Path, site_dir: Path, expected_sha: str = ""):
    """The object stored in path, or None when it is missing, corrupt, foreign or of another version."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head = _header(site_dir)
    if not raw.startswith(head):
        return None
    sha, _, payload = raw[len(head):].partition(b"\n")
    if len(sha) != 32 or digest(payload).encode() != sha or (expected_sha and sha.decode() != expected_sha):
        return None
    try:
        return _Unpickler(io.BytesIO(payload)).load()
    except Exception:     # a cache that fails to load in any way is simply not used
        return None


def _path(drv: str, root: str, parts: list) -> PurePath:
    """A path rebuilt from its parsed parts: parsing 10,000 paths again took most of the cache's loading time.

    Only pathlib versions with _from_parsed_parts write this form, and a cache is only read by the Python
    version that wrote it (its header says which), so the parts always mean what they meant when written.
    """
    if not (isinstance(drv, str) and isinstance(root, str) and isinstance(parts, list)
            and all(isinstance(p, str) for p in parts)):
        raise pickle.UnpicklingError("bagian path tidak sah")
    return PosixPath._from_parsed_parts(drv, root, parts)


_OWN = _names(SourceRecord, Index, _path)


def _reduce_path(path: PosixPath):
    if hasattr(PosixPath, "_from_parsed_parts") and hasattr(path, "_parts"):
        return _path, (path._drv, path._root, list(path._parts))
    return PosixPath, (str(path),)


def _dumps(value) -> bytes:
    from zoneinfo import ZoneInfo

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # ZoneInfo pickles through getattr(ZoneInfo, "_unpickle"); getattr is not allowed back in, so store the key.
    pickler.dispatch_table = {ZoneInfo: lambda zone: (ZoneInfo, (zone.key,)), PosixPath: _reduce_path}
    pickler.dump(value)
    return buffer.getvalue()


def write(path: Path, value, site_dir: Path) -> str:
    """Store value atomically (a half-written cache is never read); return its checksum."""
    payload = _dumps(value)
    sha = digest(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(path, _header(site_dir) + sha.encode() + b"\n" + payload, sync=False)
    return sha


def load_index(cache_dir: Path, site_dir: Path) -> Index:
    found = read(cache_dir / INDEX, site_dir)
    return found if isinstance(found, Index) else Index()


def index_state(cache_dir: Path) -> tuple | None:
    """The index file's identity, size and time: it changes whenever any build of the site saves the cache (the
    file is replaced whole). None when there is none."""
    try:
        st = os.stat(cache_dir / INDEX)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def shard(rel: str) -> int:
    return int(digest(rel)[:4], 16) % SHARDS


def load_data(cache_dir: Path, site_dir: Path, index: Index) -> dict[str, SourceRecord]:
    """The records of every shard the index names (a shard that fails its checks is left out: re-read)."""
    records: dict[str, SourceRecord] = {}
    for number, sha in index.data_sha.items():
        found = read(cache_dir / DATA.format(number), site_dir, sha)
        if isinstance(found, dict):
            records.update(found)
    return records


def save(cache_dir: Path, site_dir: Path, index: Index, records: dict[str, SourceRecord], dirty: set[int]) -> None:
    """Write the data shards that changed (and any the index does not name yet), then the index naming them."""
    groups: dict[int, dict] = {number: {} for number in range(SHARDS)}
    for rel, record in records.items():
        groups[shard(rel)][rel] = record
    for number, group in groups.items():
        if number in dirty or number not in index.data_sha:
            index.data_sha[number] = write(cache_dir / DATA.format(number), group, site_dir)
    write(cache_dir / INDEX, index, site_dir)


def scan(folder: Path, read=None, links: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """Every file below folder (relative POSIX path -> (size, mtime_ns), what the writer's manifest keeps of the
    output), in one pass of directory listings; read(path) -> bool names the files the build reads (sources,
    photos, templates), which get racy.stamp (size, time) instead.

    Symbolic links are listed in links when given (content.check_links decides on them); a linked folder is
    then neither entered nor listed as a file."""
    found: dict[str, tuple[int, int]] = {}
    if not folder.is_dir():
        return found
    stack = [(str(folder), "")]
    while stack:
        path, prefix = stack.pop()
        try:
            entries = os.scandir(path)
        except OSError:
            continue
        with entries:
            for item in entries:
                rel = prefix + item.name
                try:
                    if item.is_dir(follow_symlinks=False):
                        stack.append((item.path, rel + "/"))
                    elif links is not None and item.is_symlink():
                        links.append(rel)
                        if not item.is_dir():
                            st = item.stat()
                            found[rel] = stamp(st) if read is not None and read(rel) else (st.st_size, st.st_mtime_ns)
                    else:
                        st = item.stat()
                        found[rel] = stamp(st) if read is not None and read(rel) else (st.st_size, st.st_mtime_ns)
                except OSError:
                    continue
    return found
