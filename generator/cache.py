"""The build cache in SITE/.cache/: what the last build read and wrote, checked before it is trusted."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = 3
INDEX, DATA = "build-index.bin", "build-data.bin"
_MAGIC = b"KPU-CACHE"
# The only things a cache file may rebuild when unpickled; anything else means it is not ours.
_ALLOWED = {
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "tuple"), ("builtins", "list"), ("builtins", "dict"),
    ("datetime", "datetime"), ("datetime", "date"), ("datetime", "timezone"), ("datetime", "timedelta"), ("zoneinfo", "ZoneInfo"),
    ("zoneinfo._zoneinfo", "ZoneInfo"), ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "Path"),
    ("generator.cache", "SourceRecord"), ("generator.cache", "Index"),
    ("generator.content", "Entry"), ("generator.content", "Photo"), ("generator.content", "Event"),
    ("generator.gallery", "PhotoView"), ("generator.gallery", "Variant"),
    ("generator.report", "Problem"),
}


def digest(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def generator_hash() -> str:
    """A hash of the generator's own source: a cache written by any other version of it is not used."""
    own = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(own.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@dataclass
class SourceRecord:
    """One content file as the last build read it: its entry, warnings, photos and rendered Markdown."""

    size: int
    mtime_ns: int
    sha: str                      # content hash of the file
    key: str                      # config and bundle listing the entry was validated against
    entry: object                 # content.Entry
    warnings: list = field(default_factory=list)
    photos_key: str = ""
    photos: list = field(default_factory=list)
    html_key: str = ""
    html: str = ""
    summary: str = ""


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
    data_sha: str = ""                           # the data file this index belongs to


def _header(site_dir: Path) -> bytes:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}-{sys.implementation.name}"
    return b" ".join([_MAGIC, str(FORMAT).encode(), generator_hash().encode(), version.encode(),
                      digest(str(site_dir.resolve())).encode()]) + b"\n"


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
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


def _dumps(value) -> bytes:
    from zoneinfo import ZoneInfo

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # ZoneInfo pickles through getattr(ZoneInfo, "_unpickle"); getattr is not allowed back in, so store the key.
    pickler.dispatch_table = {ZoneInfo: lambda zone: (ZoneInfo, (zone.key,))}
    pickler.dump(value)
    return buffer.getvalue()


def write(path: Path, value, site_dir: Path) -> str:
    """Store value atomically (a half-written cache is never read); return its checksum."""
    payload = _dumps(value)
    sha = digest(payload)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as out:
        out.write(_header(site_dir) + sha.encode() + b"\n" + payload)
    os.replace(temporary, path)
    return sha


def load_index(cache_dir: Path, site_dir: Path) -> Index:
    found = read(cache_dir / INDEX, site_dir)
    return found if isinstance(found, Index) else Index()


def load_data(cache_dir: Path, site_dir: Path, index: Index) -> dict[str, SourceRecord]:
    if not index.data_sha:
        return {}
    found = read(cache_dir / DATA, site_dir, index.data_sha)
    return found if isinstance(found, dict) else {}


def save(cache_dir: Path, site_dir: Path, index: Index, data: dict[str, SourceRecord] | None) -> None:
    """Write the data file (unless it is unchanged: None), then the index that names it."""
    if data is not None:
        index.data_sha = write(cache_dir / DATA, data, site_dir)
    write(cache_dir / INDEX, index, site_dir)


def scan(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below folder (relative POSIX path -> (size, mtime_ns)), in one pass of directory listings."""
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
                    else:
                        st = item.stat()
                        found[rel] = (st.st_size, st.st_mtime_ns)
                except OSError:
                    continue
    return found


def state_key(*parts) -> str:
    """One hash of everything the whole output depends on, for the no-op check."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, dict):
            for key in sorted(part):
                h.update(f"{key}\0{part[key]}\n".encode("utf-8", "surrogatepass"))
        else:
            h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\1")
    return h.hexdigest()
