"""The `views:` line of a post, edited in place: every other byte of the file stays as it was."""

from __future__ import annotations

import re

from generator.core import yamlio
from generator.core.report import Problems
from generator.model import content
from generator.model.entries import Entry

_VALUE = re.compile(rb"""^(["']?views["']?[ \t]*:)([ \t]*)([^ \t\r#]*)([ \t]*(?:#.*)?\r?)$""")
_HOW = "Ubah angkanya sendiri menjadi {total} (views: {total}), atau tulis baris itu sebagai 'views: 117'."


def with_views(data: bytes, entry: Entry, total: int, problems: Problems) -> bytes | None:
    """The file's bytes with `views: total`: the number on its views line replaced, or a line added after `date:`.
    None, with a problem naming the file and line, when the line is not a plain number this can change safely."""
    lines = data.split(b"\n")
    line = entry.lines.get(("views",))
    if line is not None:
        found = _VALUE.match(lines[line - 1])
        old = found.group(3) if found else b"?"
        plain = old.isdigit() and int(old) == entry.views or old in (b"", b"null", b"~") and entry.views is None
        if not plain:
            problems.error(entry.path, line, "angka kunjungan pada baris 'views' tidak dapat diubah otomatis.",
                           _HOW.format(total=total))
            return None
        key, space, _, rest = found.groups()
        lines[line - 1] = key + (space or b" ") + str(total).encode() + rest
    else:
        at = entry.lines[("date",)]               # 1-based line of 'date:' = index of the line after it
        closing = entry.body_line - 2            # index of the closing '---'
        while at < closing and lines[at][:1] in (b" ", b"\t") and lines[at].strip():
            at += 1                              # a date value continued on the next lines
        ending = b"\r" if lines[entry.lines[("date",)] - 1].endswith(b"\r") else b""
        lines.insert(at, b"views: " + str(total).encode() + ending)
    edited = b"\n".join(lines)
    if not _only_views_changed(data, edited, entry.path, total):
        problems.error(entry.path, line or entry.lines[("date",)],
                       "baris 'views' tidak dapat diubah tanpa menyentuh isi lain keterangan berita.",
                       _HOW.format(total=total))
        return None
    return edited


def _only_views_changed(before: bytes, after: bytes, path: str, total: int) -> bool:
    """Read both front matters as the build does: the same, but for views, which is now total."""
    old, new = _read(before, path), _read(after, path)
    if old is None or new is None:
        return False
    (old_meta, old_body), (new_meta, new_body) = old, new
    old_meta.pop("views", None)
    return new_meta.pop("views", None) == total and old_meta == new_meta and old_body == new_body


def _read(data: bytes, path: str) -> tuple[dict, str] | None:
    """(front matter, body) of a file, read as the build reads it."""
    problems = Problems()
    parts = content.split(data.decode("utf-8").replace("\r\n", "\n"), path, problems)
    parsed = yamlio.load(parts[0], path, problems, first_line=2) if parts else None
    return (parsed[0], parts[1]) if parsed and isinstance(parsed[0], dict) else None
