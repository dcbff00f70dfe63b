"""The manifest format (what publish put on a target: path, size, content hash) and the site's own files as one."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .plan import Entry

VERSION = 1


class BadManifest(ValueError):
    """The target's manifest file cannot be read as one."""


def encode(files: dict[str, Entry]) -> bytes:
    body = {rel: [entry.size, entry.sha] for rel, entry in sorted(files.items())}
    return json.dumps({"version": VERSION, "files": body}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(data: bytes | None) -> dict[str, Entry]:
    """The files a manifest records; no manifest (None) means a target publish has never written to."""
    if data is None:
        return {}
    try:
        parsed = json.loads(data.decode("utf-8"))
        if parsed.get("version") != VERSION:
            raise BadManifest(f"versi {parsed.get('version')!r} tidak dikenal")
        return {str(rel): Entry(int(size), None if sha is None else str(sha))
                for rel, (size, sha) in parsed["files"].items()}
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError) as err:
        raise BadManifest(str(err)) from err


def file_hash(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def scan(output: Path) -> dict[str, Entry]:
    """Every file of the built site as relative path -> Entry (symbolic links are not followed)."""
    files = {}
    for folder, dirs, names in os.walk(output):
        dirs.sort()
        for name in names:
            path = Path(folder, name)
            if path.is_symlink() or not path.is_file():
                continue
            rel = path.relative_to(output).as_posix()
            files[rel] = Entry(path.stat().st_size, file_hash(path))
    return files
