"""The text of a typed document's PDF, for its page (screen readers, the site search), kept between builds.

pypdf reads the text layer; a scanned PDF has none, which the build names in a warning (the office can publish an
OCR'd copy). Reading a long PDF takes a second or more, so each file's text is kept in `.cache/dokumen-teks.json` by
its path and stamp (size and time, racy.stamp): a file whose stamp is unchanged and not too recent to trust is not
read again.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from generator.core import atomic
from generator.core.racy import Clock, recent, stamp

LIMIT = 60_000          # characters of text kept a document: a page, not a book
CACHE_NAME = "dokumen-teks.json"


@dataclass(frozen=True)
class Text:
    text: str
    readable: bool      # the PDF could be opened at all


def extract(path: Path) -> Text:
    """The text layer of a PDF, its whitespace tidied ('' for a scan); readable=False when it cannot be opened."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)      # its warnings about odd files are not the office's
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return Text("", False)
        parts, size = [], 0
        for page in reader.pages:
            part = page.extract_text() or ""
            parts.append(part)
            size += len(part)
            if size >= LIMIT:
                break
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return Text("", False)
    text = "\n\n".join(p.strip() for p in parts if p.strip())
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return Text(text[:LIMIT].strip(), True)


class Store:
    """The kept texts of one site: read once a build, written back only when something was read anew."""

    def __init__(self, cache_dir: Path, clock: Clock | None = None):
        self.path = cache_dir / CACHE_NAME
        self.clock = clock or Clock()       # Options.racy_clock: what "moments ago" is judged against
        try:
            self.kept = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(self.kept, dict):
                self.kept = {}
        except (OSError, ValueError):
            self.kept = {}
        self.used: dict[str, dict] = {}
        self.changed = False

    def text(self, rel: str, path: Path) -> Text:
        """The text of the file at path (rel: its name in the cache, below content/)."""
        try:
            size, time_ns = stamp(os.stat(path))
        except OSError:
            return Text("", False)
        kept = self.kept.get(rel)
        if (isinstance(kept, dict) and kept.get("stamp") == [size, time_ns] and not recent(time_ns, self.clock.now_ns())
                and isinstance(kept.get("text"), str)):
            self.used[rel] = kept
            return Text(kept["text"], bool(kept.get("readable")))
        found = extract(path)
        self.used[rel] = {"stamp": [size, time_ns], "text": found.text, "readable": found.readable}
        self.changed = True
        return found

    def save(self) -> None:
        """Keep the texts used by this build (and only those), through a temporary file renamed into place."""
        if not self.changed and set(self.used) == set(self.kept):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(self.path, json.dumps(self.used, ensure_ascii=False), sync=False)
