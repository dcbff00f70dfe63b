"""Content hashes: one short BLAKE2b digest for file contents, cache keys and page fingerprints."""

from __future__ import annotations

import hashlib


def digest(data: bytes | str) -> str:
    """32 hex digits of BLAKE2b: equal inputs, equal digests (text is hashed as UTF-8, lone surrogates kept)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def digest_parts(*parts) -> str:
    """One digest of several values; a dict is hashed by its sorted items (a scan of thousands of files)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, dict):
            for key in sorted(part):
                h.update(f"{key}\0{part[key]}\n".encode("utf-8", "surrogatepass"))
        else:
            h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\1")
    return h.hexdigest()


def file_digest(path) -> str:
    """digest of a file's bytes, read in blocks (a video or an export may be large)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()
