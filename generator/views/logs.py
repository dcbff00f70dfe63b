"""Access logs: open plain or gzip files, name each log by its start, and split lines in the common and combined formats."""

from __future__ import annotations

import calendar
import gzip
import hashlib
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HEAD = 4096         # bytes of a log's start that name it: the same start is the same log, rotated, copied or compressed

# host ident user [time] "request" status size, then optionally "referer" "user agent" (combined) and anything
# nginx or cPanel add after it. A quoted field may hold \" (Apache) or \x22 (nginx) escapes.
_QUOTED = rb'"([^"\\]*(?:\\.[^"\\]*)*)"'            # written unrolled: four times faster than (?:[^"\\]|\\.)*
LINE = re.compile(rb'(\S+) \S+ \S+ \[([^\]]*)\] ' + _QUOTED + rb' (\d{3}) (?:\d+|-)'
                  rb'(?: "[^"\\]*(?:\\.[^"\\]*)*" ' + _QUOTED + rb')?')

_MONTHS = {name: number for number, name in enumerate(
    b"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}     # as servers write them, whatever the locale
_TIME = re.compile(rb"(\d{2})/([A-Z][a-z]{2})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$")


@dataclass(frozen=True)
class LogFile:
    """One log named on the command line: where it is, whether it is compressed, and how its content starts."""

    path: Path
    compressed: bool
    head: bytes          # the first HEAD bytes of its (decompressed) content, or all of it when shorter


class Unreadable(Exception):
    """A log that cannot be opened or read to its end; the message is for the user."""


def open_log(path: Path) -> LogFile:
    """Look at a log: gzip or plain (by its content, not its name), and its first bytes."""
    if path.is_dir():       # Windows says only "Permission denied" for a folder
        raise Unreadable("itu folder, bukan berkas log; sebutkan berkas log di dalamnya, misalnya access.log")
    try:
        with open(path, "rb") as handle:
            start = handle.read(1 << 20)
        if start[:4] == b"PK\x03\x04":
            raise Unreadable("itu arsip ZIP, bukan log; ekstrak dulu isinya, lalu sebutkan berkas lognya")
        compressed = start[:2] == b"\x1f\x8b"
        # a download cut short still has a start: decompressed here as far as it goes
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(start, HEAD) if compressed else start[:HEAD]
    except (OSError, zlib.error) as err:
        raise Unreadable(_why(err)) from err
    return LogFile(path, compressed, head)


def _open(path: Path, compressed: bool):
    return gzip.open(path, "rb") if compressed else open(path, "rb", buffering=1 << 20)


def _why(err: Exception) -> str:
    if isinstance(err, (EOFError, zlib.error, gzip.BadGzipFile)):
        return "berkas gzip rusak atau terpotong (unduhan belum selesai?)"
    if isinstance(err, FileNotFoundError):
        return "berkas itu tidak ada; periksa nama dan foldernya (misalnya access.log atau access.log.1.gz)"
    if isinstance(err, PermissionError):
        return "tidak ada izin membacanya; salin berkasnya ke folder Anda sendiri, lalu sebutkan salinan itu"
    return err.strerror or str(err)


def head_digest(head: bytes, length: int) -> str:
    """The name of a log: a hash of its first length bytes (nothing readable about visitors is kept)."""
    return hashlib.sha256(head[:length]).hexdigest()


def line_digest(line: bytes) -> str:
    """The name of a log's first line, to find that log again inside another (an archive, logs joined together)."""
    return hashlib.sha256(line).hexdigest()


def first_line(head: bytes) -> bytes | None:
    end = head.find(b"\n")
    return head[:end + 1] if end >= 0 else None


MAX_LINE = 64 * 1024    # bytes one line may take; a real access-log line is a few hundred
TOO_LONG = None         # what lines() yields in place of a line longer than MAX_LINE (its bytes are not kept)


@dataclass
class Reading:
    """What reading one log met besides its lines: why it stopped early, and a last line still without its
    newline (how many bytes of it were seen)."""

    broken: list[str] = field(default_factory=list)
    unfinished: int = 0


def lines(log: LogFile, reading: Reading):
    """(position after the line, line) for every complete line; a line longer than MAX_LINE is read past in
    bounded pieces and yielded as TOO_LONG (ended by a newline or not: no server writes such a line). A last line
    without its newline (the server is still writing it) is left for the next run, its length noted in reading. A file that breaks off (truncated gzip) ends the lines
    where it broke, with a message in reading.broken."""
    position = 0
    try:
        with _open(log.path, log.compressed) as handle:
            while True:
                line = handle.readline(MAX_LINE + 1)
                if not line:
                    return
                if len(line) > MAX_LINE and line[-1:] != b"\n":
                    position += _rest_of_line(handle, len(line))      # never a log line, ended or not: skipped
                    yield position, TOO_LONG
                    continue
                if line[-1:] != b"\n":
                    reading.unfinished = len(line)
                    return
                position += len(line)
                yield position, line
    except (OSError, EOFError, zlib.error) as err:
        reading.broken.append(_why(err))


def _rest_of_line(handle, length: int) -> int:
    """Read past the rest of an overlong line (to its newline or the end of the file) one bounded piece at a time;
    its whole length."""
    while True:
        piece = handle.readline(MAX_LINE)
        length += len(piece)
        if not piece or piece[-1:] == b"\n":
            return length


def timestamp(text: bytes, days: dict) -> int | None:
    """'10/Oct/2000:13:55:36 -0700' as seconds since 1970 (UTC); None when it is not such a time.
    days caches the day part, which thousands of lines share."""
    match = _TIME.match(text)
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, off_h, off_m = match.groups()
    key = text[:11]
    start = days.get(key)
    if start is None:
        number = _MONTHS.get(month)
        if number is None or not 1 <= int(day) <= calendar.monthrange(int(year), number)[1]:
            return None
        start = days[key] = calendar.timegm((int(year), number, int(day), 0, 0, 0))
    offset = (int(off_h) * 3600 + int(off_m) * 60) * (-1 if sign == b"-" else 1)
    return start + int(hour) * 3600 + int(minute) * 60 + int(second) - offset


def first_time(log: LogFile) -> int | None:
    """The time of the first line of the log that has one (to read logs oldest first)."""
    days: dict = {}
    for line in log.head.split(b"\n"):
        match = LINE.match(line)
        if match:
            found = timestamp(match.group(2), days)
            if found is not None:
                return found
    return None
