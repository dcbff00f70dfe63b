"""A photo's header read without its pixels (size, transparency, animation, content hash), and the persistent index
that spares reading it again while the file is unchanged."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from PIL import Image

from generator.core.hashing import digest as content_digest
from generator.core.racy import Clock, recent, settled, stamp
from generator.photos import imaging
from generator.photos.store import INDEX_NAME, read_index, write_index
from generator.photos.types import Source


class ProbeIndex:
    """(path, racy.stamp) -> what probe() found, kept as JSON in the cache folder; a bad file is ignored.

    distrust: absolute paths of photos whose size and time may hide an edit (incremental.survey): read again.
    clock: what "moments ago" is judged against (Options.racy_clock; the system's clock when not given)."""

    def __init__(self, folder: Path, distrust: set[str] | frozenset[str] = frozenset(), clock: Clock | None = None):
        self.clock = clock or Clock()
        self.file = folder / INDEX_NAME
        self.distrust = distrust
        self.new: dict[str, list] = {}
        self.recent: dict[str, list] = {}
        self.old = read_index(self.file)

    def probe(self, path: Path) -> Source:
        size, time_ns = stamp(path.stat())
        key = os.path.abspath(path)
        row = self.old.get(key)
        if (isinstance(row, list) and len(row) == 8 and row[:2] == [size, time_ns]
                and key not in self.distrust):
            try:
                source = Source(path, str(row[2]), int(row[3]), int(row[4]), bool(row[5]), bool(row[6]), str(row[7]))
                self.new[key] = row
                return source
            except (TypeError, ValueError):
                pass
        source = probe(path)
        row = [size, time_ns, source.digest, source.width, source.height, source.alpha,
               source.animated, source.suffix]
        if not recent(time_ns, self.clock.now_ns()):
            self.new[key] = row
        else:
            self.recent[key] = row
        return source

    def _settle(self) -> None:
        """Photos too recent when probed are remembered if they are old enough now and read the same again."""
        for key, row in self.recent.items():
            if settled(Path(key), (row[0], row[1]), row[2], self.clock.now_ns()):
                self.new[key] = row

    def save(self) -> None:
        """Write the index when it changed; entries of photos no longer seen are dropped."""
        self._settle()
        if self.new == self.old:
            return
        write_index(self.file, self.new)


class TooLarge(Exception):
    """More pixels than Pillow's safety limit (a decompression bomb, or simply a huge scan)."""


def probe(path: Path) -> Source:
    """Read a photo's header (not its pixels): upright size, transparency, animation, content hash."""
    data = path.read_bytes()
    digest = content_digest(data)
    imaging.register_heif()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            width, height = image.size
            limit = Image.MAX_IMAGE_PIXELS
            if limit and width * height > limit:
                raise TooLarge(width, height)
            if image.getexif().get(imaging.ORIENTATION) in (5, 6, 7, 8):
                width, height = height, width
            alpha = imaging.has_alpha(image)
            # Only a GIF is published as it is (the issue asks for it; GIF has no EXIF). A multi-frame JPEG (MPO,
            # from phones with depth or burst shots), TIFF, WebP or APNG is made into stills of its first frame,
            # so that nothing with metadata ever goes out untouched.
            animated = image.format == "GIF" and bool(getattr(image, "is_animated", False))
            if image.format == "HEIF":
                image.load()      # libheif finds a cut-short file only when decoding: here, so only it is left out
    return Source(path, digest, width, height, alpha, animated, path.suffix.lower())
