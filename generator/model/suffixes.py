"""Which files below content/ are photos (the suffixes the photo pipeline opens, and the camera formats it cannot)
and which are videos. Constants and one pure test: the survey of a build that finds nothing changed tells a photo
from an attachment, and a build tells whether a post has videos to clean, without importing the modules that handle
them."""

from pathlib import PurePosixPath

# Every picture a camera, phone or scanner saves that Pillow opens (HEIC/HEIF through pillow-heif): each goes
# through the photo pipeline (resized, metadata and GPS stripped), never out as it is. Compared in lower case.
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".heic",
                  ".heif", ".avif", ".mpo"}
HEIF_SUFFIXES = {".heic", ".heif"}
# Camera raw files and JPEG XL: pictures the pipeline cannot open. Never published (they carry the camera's GPS);
# a warning names each one.
UNSUPPORTED_PHOTOS = {".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".orf", ".rw2",
                      ".raf", ".pef", ".srw", ".x3f", ".3fr", ".erf", ".kdc", ".mrw", ".rwl", ".iiq", ".jxl"}
# Videos the pipeline cleans of the place they were filmed (photos.videometa reads their boxes).
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".3gp", ".3g2"})


def is_video(name: str) -> bool:
    """A file name (or path) with a video's suffix."""
    return PurePosixPath(name).suffix.lower() in VIDEO_SUFFIXES
