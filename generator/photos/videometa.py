"""Where a phone's video (MP4, MOV, M4V, 3GP) keeps the place it was filmed, and a copy without it.

The file is an ISO base media file (QuickTime's atoms are the same boxes): a tree of boxes, each a 32-bit size (1: a
64-bit size follows the type; 0: to the end of the enclosing box or file) and a four-letter type. Only the headers of
the boxes on the way to the metadata are read, never the media data. The places a location is written:

- `udta/©xyz` (iPhone, Android, GoPro; `@xyz` on Ricoh Theta): an ISO 6709 string such as
  `+37.3349-122.0090+030.000/`;
- `udta/loci` (3GPP location box: name, longitude, latitude, altitude, body, notes; some Samsung phones);
- `meta` with `keys` and `ilst` (iPhone): the values of the keys `com.apple.quicktime.location.ISO6709`,
  `...location.name`, `...location.body`, `...location.note`, `...location.accuracy.horizontal` and every other key
  naming a location; also an iTunes-style `ilst/©xyz` item;
- an XMP packet (`uuid` box of XMP, or `udta/XMP_`) holding GPS coordinates (exif:GPSLatitude, ...).

They are found in `moov`, its `trak`s, their `udta` and `meta` (a full box with 4 bytes of version and flags in MP4,
a plain container in QuickTime: both are read), and at the top level. A copy is cleaned in place, every box keeping
its size: a location box becomes a `free` box with its payload zeroed, an ilst value of a location key has its bytes
zeroed. So no chunk offset (stco/co64) moves and the video plays as before.

Everything here is pure: no dependency, and a malformed or truncated file is never an exception but a Scan whose
problem says why it cannot be read (the caller then leaves the file as it is and says so)."""

from __future__ import annotations

import io
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


_CONTAINERS = {b"moov", b"trak", b"udta", b"meta"}       # where location metadata may sit (not the media boxes)
_LOCATION_BOXES = {b"\xa9xyz", b"@xyz", b"loci"}     # @xyz: ©xyz as Ricoh's Theta cameras spell it
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_XMP_GPS = (b"GPSLatitude", b"GPSLongitude", b"GPSCoordinates", b"GPSPosition")
_MAX_DEPTH = 16
_MAX_BOXES = 100_000            # a file of garbage that happens to parse as tiny boxes stops here
_MAX_READ = 16 * 1024 * 1024    # the largest metadata payload (keys, ilst value, XMP) read into memory


@dataclass(frozen=True)
class Spot:
    """One location value in the file: bytes [start, end) to zero, and, for a whole box, where its type is (to be
    renamed 'free'; -1 for an ilst value, whose box stays as it is)."""

    what: str           # in words, for messages and tests: "udta/©xyz", "meta/ilst com.apple.quicktime.location..."
    start: int
    end: int
    type_at: int = -1


@dataclass(frozen=True)
class Scan:
    """What a file holds: the location values found, or why it cannot be read (problem, then spots is empty)."""

    spots: tuple[Spot, ...] = ()
    problem: str = ""

    @property
    def has_location(self) -> bool:
        return bool(self.spots)


class _Malformed(Exception):
    pass


@dataclass(frozen=True)
class _Box:
    type: bytes
    start: int          # where its header begins
    body: int           # where its payload begins
    end: int


def scan_file(path: Path) -> Scan:
    """The location values in the video at path (its headers are read, not its media data)."""
    try:
        with open(path, "rb") as handle:
            return scan(handle, handle.seek(0, io.SEEK_END))
    except OSError as err:
        return Scan(problem=f"berkas tidak bisa dibaca ({err.strerror or err})")


def scan(stream: BinaryIO, total: int) -> Scan:
    """The location values in a video read from a seekable stream of total bytes; never raises for bad content."""
    walk = _Walk(stream)
    try:
        boxes = walk.children(0, total, top=True)
        if not boxes or boxes[0].type not in (b"ftyp", b"moov", b"wide", b"free", b"skip", b"mdat", b"pnot"):
            raise _Malformed("bukan video MP4/MOV (tidak diawali kotak ftyp atau moov)")
        if not any(box.type == b"moov" for box in boxes):
            raise _Malformed("tidak ada kotak moov (videonya mungkin terpotong)")
        for box in boxes:
            walk.visit(box, "", 0)
    except _Malformed as err:
        return Scan(problem=str(err))
    except (OSError, struct.error, ValueError, OverflowError, MemoryError) as err:
        return Scan(problem=f"berkas tidak bisa dibaca ({err})")
    return Scan(tuple(sorted(walk.spots, key=lambda spot: spot.start)))


def clean_bytes(data: bytes) -> tuple[bytes, Scan]:
    """data without its location values (data itself when it has none or cannot be read), and what was found."""
    found = scan(io.BytesIO(data), len(data))
    if not found.spots:
        return data, found
    buffer = io.BytesIO(data)
    _overwrite(buffer, found.spots)
    return buffer.getvalue(), found


def clean_file(path: Path) -> Scan:
    """Zero the location values of a video in place: only for a file the caller made itself (an upload being
    received); a file of content/ is never changed, see write_clean. Returns what was found."""
    found = scan_file(path)
    if found.spots:
        with open(path, "r+b") as stream:
            _overwrite(stream, found.spots)
    return found


def write_clean(source: Path, target: Path, found: Scan) -> None:
    """Write to target a copy of source with the spots found zeroed; source is never opened for writing."""
    with open(source, "rb") as original, open(target, "wb") as copy:
        shutil.copyfileobj(original, copy, 1 << 20)
    with open(target, "r+b") as copy:
        _overwrite(copy, found.spots)


def _overwrite(stream: BinaryIO, spots: tuple[Spot, ...]) -> None:
    for spot in spots:
        if spot.type_at >= 0:
            stream.seek(spot.type_at)
            stream.write(b"free")
        stream.seek(spot.start)
        left = spot.end - spot.start
        while left > 0:
            step = min(left, 1 << 20)
            stream.write(bytes(step))
            left -= step


class _Walk:
    """The box tree of one file, read header by header; spots collects the location values on the way."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.spots: list[Spot] = []
        self.count = 0

    def read(self, start: int, size: int) -> bytes:
        if size > _MAX_READ:
            raise _Malformed(f"kotak metadata terlalu besar ({size} bita)")
        self.stream.seek(start)
        data = self.stream.read(size)
        if len(data) != size:
            raise _Malformed("berkas terpotong")
        return data

    def children(self, start: int, end: int, top: bool = False) -> list[_Box]:
        """The boxes between start and end. Fewer than 8 bytes left over (QuickTime ends udta with 4 zero bytes)
        are ignored; a box reaching past its parent or the file's end is a malformed file."""
        boxes, at = [], start
        while end - at >= 8:
            self.count += 1
            if self.count > _MAX_BOXES:
                raise _Malformed("terlalu banyak kotak; berkasnya mungkin rusak")
            size, kind = struct.unpack(">I4s", self.read(at, 8))
            body = at + 8
            if size == 1:
                size, body = struct.unpack(">Q", self.read(at + 8, 8))[0], at + 16
            elif size == 0:
                size = end - at
            if size < body - at or at + size > end:
                where = "berkas" if top else "kotak induknya"
                raise _Malformed(f"kotak '{_name(kind)}' pada bita {at} melewati akhir {where} (terpotong atau rusak)")
            boxes.append(_Box(kind, at, body, at + size))
            at += size
        return boxes

    def visit(self, box: _Box, path: str, depth: int) -> None:
        here = f"{path}/{_name(box.type)}" if path else _name(box.type)
        if depth > _MAX_DEPTH:
            raise _Malformed("kotak bersarang terlalu dalam; berkasnya mungkin rusak")
        if box.type in _LOCATION_BOXES and path.endswith("udta"):
            self.spots.append(Spot(here, box.body, box.end, box.start + 4))
        elif box.type == b"XMP_" and path.endswith("udta") or box.type == b"uuid" and self._xmp_uuid(box):
            self._xmp(box, here)
        elif box.type == b"meta":
            self._meta(box, here, depth)
        elif box.type in _CONTAINERS:
            for child in self.children(box.body, box.end):
                self.visit(child, here, depth + 1)

    def _xmp_uuid(self, box: _Box) -> bool:
        return box.end - box.body >= 16 and self.read(box.body, 16) == _XMP_UUID

    def _xmp(self, box: _Box, here: str) -> None:
        packet = self.read(box.body, box.end - box.body)
        if any(name in packet for name in _XMP_GPS):
            self.spots.append(Spot(f"{here} (XMP GPS)", box.body, box.end, box.start + 4))

    def _meta(self, box: _Box, here: str, depth: int) -> None:
        """meta: MP4's full box (4 bytes version and flags first) or QuickTime's plain container (a child box
        first, usually hdlr); keys names the ilst items, ilst holds their values."""
        start = box.body
        if box.end - start >= 12:
            head = self.read(start, 12)
            if head[4:8] != b"hdlr" and head[:4] == b"\0\0\0\0":
                start += 4
        children = self.children(start, box.end)
        names: dict[bytes, str] = {}
        for child in children:
            if child.type == b"keys":
                names = self._keys(child)
        for child in children:
            if child.type == b"ilst":
                self._ilst(child, names, here)
            elif child.type in _CONTAINERS:
                self.visit(child, here, depth + 1)

    def _keys(self, box: _Box) -> dict[bytes, str]:
        """keys: version and flags, a count, then (size, namespace, name) entries, numbered from 1; the ilst item
        of key n has the type n (4 bytes, big endian)."""
        data = self.read(box.body, box.end - box.body)
        if len(data) < 8:
            raise _Malformed("kotak keys terlalu pendek")
        count, at, names = struct.unpack(">I", data[4:8])[0], 8, {}
        for number in range(1, count + 1):
            if at + 8 > len(data):
                raise _Malformed("kotak keys terpotong")
            size = struct.unpack(">I", data[at:at + 4])[0]
            if size < 8 or at + size > len(data):
                raise _Malformed("kotak keys rusak")
            names[struct.pack(">I", number)] = data[at + 8:at + size].decode("latin-1")
            at += size
        return names

    def _ilst(self, box: _Box, names: dict[bytes, str], here: str) -> None:
        for item in self.children(box.body, box.end):
            key = names.get(item.type, _name(item.type))
            if "location" not in key.lower() and item.type != b"\xa9xyz":
                continue
            for value in self.children(item.body, item.end):
                if value.type == b"data" and value.end - value.body > 8:      # type indicator, locale, then bytes
                    if self.read(value.body + 8, value.end - value.body - 8).strip(b"\0"):   # not cleaned yet
                        self.spots.append(Spot(f"{here}/ilst {key}", value.body + 8, value.end))


def _name(kind: bytes) -> str:
    return kind.decode("latin-1")
