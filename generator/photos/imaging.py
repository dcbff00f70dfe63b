"""Pillow work for one photo, run in a worker: every size and format, upright, sRGB, no metadata, each file made
from the original alone."""

from __future__ import annotations

import io
import shutil
import struct
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageCms, ImageOps

from generator.core import atomic

FORMAT_OF = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF"}
ORIENTATION = 0x0112
# WebP is what most visitors get, so thumbnails (on every list and post) get libwebp's default effort (4); the
# bigger sizes get effort 2: 2-3x faster to make for files about 5 % larger. JPEG is the fallback: optimised
# Huffman tables (small, nearly free) but not progressive (slower, same size).
WEBP_METHOD_SMALL, WEBP_METHOD_LARGE, SMALL = 4, 2, 640
ORIGINAL_QUALITY = 95    # a re-encoded original (rotated or colour-converted) stays close to the source
# libjpeg's standard luminance table, to estimate the quality a JPEG was saved at.
_STD_LUMA_SUM = sum([16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
                     14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
                     92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99])


@dataclass(frozen=True)
class Output:
    """One file to make in the cache: its path, size and format ('copy' = the source bytes as they are)."""

    target: str
    width: int
    height: int
    format: str
    original: bool = False


@dataclass(frozen=True)
class Job:
    """Everything one worker call needs: the source photo and every file to make from it."""

    source: str
    outputs: tuple[Output, ...]
    quality: int


@lru_cache(maxsize=1)
def register_heif() -> bool:
    """Let Pillow open HEIC/HEIF photos (iPhones save them) through pillow-heif, in this process; False when
    pillow-heif is not installed (such a photo is then a file Pillow does not know, said so by name)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def make(job: Job) -> str:
    """Make the job's files; return '' or a plain-Indonesian reason. Never raises: a bad photo is a message."""
    register_heif()          # in a worker process too
    try:
        _make(job)
        return ""
    except Image.DecompressionBombError:
        return "foto terlalu besar (jumlah pikselnya melebihi batas aman)"
    except MemoryError:
        return "foto terlalu besar untuk memori komputer ini"
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, TypeError) as err:
        text = str(err)
        if isinstance(err, OSError) and err.errno:      # the disk, not the photo: full, read-only, permissions
            return f"gagal membaca atau menulis berkas ({err.strerror}: {err.filename or ''})"
        if "truncated" in text:
            return "berkas foto terpotong (tidak lengkap), mungkin belum selesai diunduh atau disalin"
        return f"berkas foto rusak atau bukan gambar yang dikenal ({text})"
    except Exception as err:  # noqa: BLE001 - a decoder bug must become a message naming the file, not a traceback
        return f"foto tidak bisa diolah ({type(err).__name__}: {err})"


def _make(job: Job) -> None:
    outputs = list(job.outputs)
    if all(o.format == "copy" for o in outputs):
        for output in outputs:
            _copy(job.source, output.target)
        return
    with Image.open(job.source) as image:
        orientation = image.getexif().get(ORIENTATION, 1)
        same_size = [o for o in outputs if o.format == "jpg" and o.width == image.width]
        if same_size and _strippable(image, orientation, job.quality):
            data = strip_jpeg(_read(job.source))
            for output in same_size if data else []:
                _write(output.target, data)
                outputs.remove(output)
        jpeg = image.format in ("JPEG", "MPO")
    for group in _by_decode(job.source, outputs, orientation, jpeg):
        with Image.open(job.source) as image:
            if jpeg:
                draft(image, group[:1], orientation)
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            base = _normalise(_to_srgb(image))
            base.info.clear()
            _resize_and_save(base, group, job.quality)


def _by_decode(source: str, outputs: list[Output], orientation: int, jpeg: bool) -> list[list[Output]]:
    """The outputs grouped by the decode each needs, which depends on that output alone: a JPEG is decoded at the
    1/2, 1/4 or 1/8 scale that still leaves twice the output's size (the scale libjpeg picks for it), anything else
    at full size. So a derived file has the same bytes whichever other sizes the same job makes (a clean build makes
    every size, an incremental one only the missing ones)."""
    if not jpeg:
        return [outputs] if outputs else []
    groups: dict[tuple[int, int], list[Output]] = {}
    for output in outputs:
        with Image.open(source) as image:
            draft(image, [output], orientation)
            groups.setdefault(image.size, []).append(output)
    return [groups[size] for size in sorted(groups, reverse=True)]


def _resize_and_save(base: Image.Image, outputs: list[Output], quality: int) -> None:
    """Each size straight from the decoded image (never from another size made before it, which would make a file's
    bytes depend on the other sizes in the job); a size shared by several formats is resized once."""
    for width, height in sorted({(o.width, o.height) for o in outputs}, reverse=True):
        if base.size == (width, height):
            picture = base
        else:
            gap = 3.0 if base.width >= 6 * width else None
            picture = base.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=gap)
        for output in outputs:
            if (output.width, output.height) == (width, height):
                _save(picture, output, quality)


def _save(image: Image.Image, output: Output, quality: int) -> None:
    fmt = output.format
    if fmt == "jpg":
        options = {"quality": ORIGINAL_QUALITY if output.original else quality, "optimize": True}
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    elif fmt == "png":
        options = {"optimize": True}
    elif fmt == "webp":
        options = {"quality": quality, "method": WEBP_METHOD_SMALL if output.width <= SMALL else WEBP_METHOD_LARGE}
    elif fmt == "avif":
        options = {"quality": max(1, quality - 20), "speed": 8}
    else:
        raise ValueError(f"format {fmt} tidak dikenal")
    buffer = io.BytesIO()
    image.save(buffer, FORMAT_OF[fmt], **options)
    _write(output.target, buffer.getvalue())


def draft(image: Image.Image, outputs: list[Output], orientation: int) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still leaves twice the largest size asked for."""
    width = max(o.width for o in outputs)
    height = max(o.height for o in outputs)
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    image.draft(None, (2 * width, 2 * height))


def _normalise(image: Image.Image) -> Image.Image:
    """Any mode (CMYK, 16-bit, palette, greyscale, bilevel) to RGB, RGBA or L; transparency is kept."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.point(lambda v: v * 255).convert("L")
    if has_alpha(image):
        return image if image.mode == "RGBA" else image.convert("RGBA")
    if image.mode in ("RGB", "L"):
        return image
    return image.convert("RGB")


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (image.mode in ("P", "L", "RGB")
                                                               and "transparency" in image.info)


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert pixels in an embedded colour profile (Display P3, Adobe RGB, CMYK) to sRGB, what the web assumes."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L") or (image.mode != "CMYK" and _is_srgb(icc)):
        return image
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, profile, _srgb(), outputMode=mode) or image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _is_srgb(icc: bytes) -> bool:
    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))) or ""
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return False
    return "srgb" in description.lower()


def _strippable(image: Image.Image, orientation: int, quality: int) -> bool:
    """A JPEG already upright, in sRGB and not saved above our quality is published as it is, minus its metadata."""
    if image.format not in ("JPEG", "MPO") or orientation not in (0, 1) or image.mode not in ("RGB", "L"):
        return False
    if image.info.get("icc_profile") and not _is_srgb(image.info["icc_profile"]):
        return False                                  # its colours need converting: re-encoded instead
    estimated = jpeg_quality(image)
    return estimated is not None and estimated <= quality + 5


def jpeg_quality(image: Image.Image) -> int | None:
    """The quality a JPEG was saved at, estimated from its luminance table the way libjpeg scales it."""
    tables = getattr(image, "quantization", None)
    if not tables or 0 not in tables:
        return None
    scale = sum(tables[0]) * 100 / _STD_LUMA_SUM
    quality = (200 - scale) / 2 if scale <= 100 else 5000 / scale
    return max(1, min(100, round(quality)))


_NO_LENGTH = {0x01} | set(range(0xD0, 0xD8))


def strip_jpeg(data: bytes) -> bytes | None:
    """The JPEG without EXIF, XMP, IPTC, ICC, MPF, comments or trailing data; None when it cannot be parsed."""
    if data[:2] != b"\xff\xd8":
        return None
    out = [b"\xff\xd8"]
    at, size = 2, len(data)
    while at + 4 <= size:
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF or marker in _NO_LENGTH:
            at += 1 if marker == 0xFF else 2
            continue
        if marker == 0xD9:
            out.append(b"\xff\xd9")
            return b"".join(out)
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        end = at + 2 + length
        if length < 2 or end > size:
            return None
        segment = data[at:end]
        if marker == 0xE0 and segment[4:9] == b"JFIF\0" and length >= 16:
            out.append(b"\xff\xe0\x00\x10" + segment[4:16] + b"\x00\x00")    # JFIF header without its thumbnail
        elif marker == 0xEE or not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            out.append(segment)                                             # Adobe colour transform, tables, frame
        at = end
        if marker == 0xDA:
            scan_end = _scan_end(data, at)
            if scan_end is None:
                return None
            out.append(data[at:scan_end])
            at = scan_end
            if data[at:at + 2] == b"\xff\xd9":
                out.append(b"\xff\xd9")
                return b"".join(out)
    return None


def _scan_end(data: bytes, at: int) -> int | None:
    """Where the entropy-coded data after SOS stops: the next marker that is not a stuffed byte or a restart."""
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            return None
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            at += 1 if following == 0xFF else 2
            continue
        return at


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _write(target: str, data: bytes) -> None:
    atomic.write_bytes(target, data, sync=False)


def _copy(source: str, target: str) -> None:
    atomic.replace(target, lambda path: shutil.copyfile(source, path), sync=False)
