"""JPEG files joined from rows of blocks encoded apart: every share card of an office has the same top (the band with
the logo and the office's name; without a cover, all but the title's rows), so that part is encoded once and each
card encodes only the rows it changes.

This is plain JPEG: the files are written with a restart marker after each row of blocks, which resets what the coding
of one row carries into the next (the DC predictions, the bit buffer), so a row's bytes depend on its pixels alone.
Rows encoded from a strip of a card are then the very bytes of those rows encoded in the whole card, and a file joined
from them is the file the whole card would have been (tests/test_sharecard.py compares the bytes). Encoding a card's
1200×630 pixels was half of a card's time.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image

QUALITY = 85
ROW = 16                        # pixel rows in one row of blocks with chroma at half height (subsampling 4:2:0)
_EOI = b"\xff\xd9"
_RST = re.compile(rb"\xff[\xd0-\xd7]")      # in coded data an 0xFF byte is followed by 0x00 unless it is a marker


@dataclass(frozen=True)
class Rows:
    """An encoded image: its headers (up to the start of the scan) and the coded bytes of each row of blocks, without
    the restart markers between them."""

    head: bytes
    rows: tuple[bytes, ...]


def encode(image: Image.Image) -> Rows:
    """image as a JPEG in rows (quality 85, chroma 4:2:0, a restart marker after each row of blocks)."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=QUALITY, subsampling="4:2:0", restart_marker_rows=1)
    return split(buffer.getvalue())


def split(data: bytes) -> Rows:
    """A baseline JPEG file with a restart marker after each row, as its head and rows; ValueError otherwise."""
    at = 2
    if not data.startswith(b"\xff\xd8") or not data.endswith(_EOI):
        raise ValueError("bukan berkas JPEG utuh")
    while True:
        if at + 4 > len(data) or data[at] != 0xFF:
            raise ValueError("kepala JPEG tidak terbaca")
        marker, length = data[at + 1], int.from_bytes(data[at + 2:at + 4], "big")
        at += 2 + length
        if marker == 0xDA:         # start of scan: its header ends here and the coded data begins
            break
    return Rows(data[:at], tuple(_RST.split(data[at:-2])))


def join(head: bytes, rows: list[bytes] | tuple[bytes, ...]) -> bytes:
    """The JPEG file of these rows under this head, with the restart markers numbered as an encoder numbers them."""
    parts = [head]
    for n, row in enumerate(rows):
        if n:
            parts.append(bytes((0xFF, 0xD0 + (n - 1) % 8)))
        parts.append(row)
    parts.append(_EOI)
    return b"".join(parts)


def rows_of(height: int) -> int:
    """How many rows of blocks an image of this height is coded in."""
    return -(-height // ROW)


def over(whole: Rows, image: Image.Image, first: int, stop: int | None = None) -> bytes:
    """The JPEG file of image, whose rows of blocks before `first` and from `stop` on are those of `whole` (an
    encoding of an image of the same size): only the rows in between are encoded."""
    count = rows_of(image.height)
    stop = count if stop is None else min(stop, count)
    if len(whole.rows) != count or not 0 <= first < stop:
        raise ValueError("baris JPEG tidak cocok")
    if first == 0 and stop == count:
        return join(whole.head, encode(image).rows)
    strip = encode(image.crop((0, first * ROW, image.width, min(stop * ROW, image.height))))
    if len(strip.rows) != stop - first:
        raise ValueError("baris JPEG tidak cocok")
    return join(whole.head, whole.rows[:first] + strip.rows + whole.rows[stop:])
