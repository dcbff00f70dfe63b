"""The manifest format (what publish put on a target: path, size, content hash) and the site's own files as one."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from generator.core import atomic
from generator.publish.plan import Entry, safe_rel

VERSION = 1


class BadManifest(ValueError):
    """The target's manifest file cannot be read as one."""


class UnsafeEntry(BadManifest):
    """The manifest names a path publish would never have written there ('../', absolute, empty component...): it
    was changed by someone else, and nothing it says is acted on."""

    def __init__(self, rel: object):
        super().__init__(repr(rel))
        self.rel = rel


def encode(files: dict[str, Entry]) -> bytes:
    body = {rel: [entry.size, entry.sha] for rel, entry in sorted(files.items())}
    return json.dumps({"version": VERSION, "files": body}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def claims(files: dict[str, Entry]) -> bytes:
    """Lines appended to a manifest before an upload: each file about to be sent is claimed, with no known content
    yet (see plan.pending_manifest), without writing the whole manifest again. Each line ends with a newline, so a
    line cut off by a publish killed while appending is recognised and ignored (no file of it was sent yet)."""
    return "".join("\n" + json.dumps([rel, entry.size], ensure_ascii=False) + "\n"
                   for rel, entry in sorted(files.items())).encode("utf-8")


def decode(data: bytes | None) -> dict[str, Entry]:
    """The files a manifest records, with the claims appended to it; no manifest (None) means a target publish has
    never written to."""
    if data is None:
        return {}
    try:
        text = _text(data)
        parsed, end = json.JSONDecoder().raw_decode(text)
        if parsed.get("version") != VERSION:
            raise BadManifest(f"versi {parsed.get('version')!r} tidak dikenal")
        files = {str(rel): Entry(int(size), None if sha is None else str(sha))
                 for rel, (size, sha) in parsed["files"].items()}
        complete = text[end:].rsplit("\n", 1)[0] if "\n" in text[end:] else text[end:]
        for line in complete.split("\n"):
            if line.strip():
                rel, size = json.loads(line)
                if not isinstance(rel, str):
                    raise TypeError(f"klaim {line!r} bukan jalur")
                files[rel] = Entry(int(size), None)
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError) as err:
        raise BadManifest(str(err)) from err
    unsafe = [rel for rel in files if not safe_rel(rel)]
    if unsafe:
        raise UnsafeEntry(unsafe[0])
    return files


def hashed_paths(files: dict[str, Entry]) -> list[str]:
    """The paths whose content hash a manifest records, sorted: what verify has hashed on the target (decode
    took only safe paths)."""
    return sorted(rel for rel, entry in files.items() if entry.sha is not None)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if b"\n" not in data:
            raise
        return data[:data.rindex(b"\n") + 1].decode("utf-8")    # a claim cut off inside a character


def hasher():
    """The hash the manifest records, to be fed a file's bytes (a file on a target is read in blocks)."""
    return hashlib.blake2b(digest_size=16)


def file_hash(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, hasher).hexdigest()


def scan(output: Path, remembered: Path | None = None) -> dict[str, Entry]:
    """Every file of the built site as relative path -> Entry (symbolic links are not followed). remembered: a file
    of the hashes computed before, each kept with the file's size, times and inode; a file whose four are unchanged
    is not read again (hashing the 40 MB of a 1,000-post site is most of a one-edit publish's time on this side)."""
    known = _remembered(remembered)
    files, stamps = {}, {}
    for folder, dirs, names in os.walk(output):
        dirs.sort()
        for name in names:
            path = Path(folder, name)
            status = path.lstat()
            if not stat.S_ISREG(status.st_mode):
                continue
            rel = path.relative_to(output).as_posix()
            stamp = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
            hit = known.get(rel)
            sha = hit[4] if isinstance(hit, list) and len(hit) == 5 and hit[:4] == stamp else file_hash(path)
            files[rel] = Entry(status.st_size, sha)
            stamps[rel] = [*stamp, sha]
    if remembered is not None and stamps != known:
        try:
            remembered.parent.mkdir(parents=True, exist_ok=True)
            atomic.write_text(remembered, json.dumps(stamps, separators=(",", ":")), sync=False)
        except OSError:
            pass            # only a speed-up: the next publish hashes again
    return files


def remembered_paths(path: Path) -> frozenset[str]:
    """The paths the last scan found (see scan), none if it left no record."""
    return frozenset(_remembered(path))


def _remembered(path: Path | None) -> dict[str, list]:
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path is not None else {}
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}
