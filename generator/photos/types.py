"""The photo layer's data, without Pillow: what a photo file is (Source), one derived file (Variant) and a photo as
templates see it (PhotoView). The plan (gallery), the photo cache (probe, store, photocache) and the cache's records share
them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PIPELINE = "p5"                 # bump when processing changes: cached files and the index are made again
MIME = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif", "gif": "image/gif"}


@dataclass(frozen=True)
class Source:
    """What the plan needs to know of a photo file: its upright size, content hash and kind."""

    path: Path
    digest: str
    width: int
    height: int
    alpha: bool
    animated: bool
    suffix: str = ".jpg"


@dataclass(frozen=True)
class Variant:
    """One derived file: made from a source at a width and format; its cache name carries the parameters."""

    url: str
    width: int
    height: int
    format: str
    cache_name: str


@dataclass(frozen=True)
class PhotoView:
    """A photo as templates see it: sized variants (fallback format first) and, if published, the original."""

    number: int
    name: str
    caption: str
    alt: str
    width: int
    height: int
    variants: tuple[Variant, ...]
    original: Variant | None = None
    source: Source | None = None
    line: int | None = None
    credit: str = ""

    def of(self, fmt: str) -> list[Variant]:
        return [v for v in self.variants if v.format == fmt]

    @property
    def fallback(self) -> str:
        return self.variants[0].format

    @property
    def thumb(self) -> Variant:
        return self.of(self.fallback)[0]

    @property
    def web(self) -> Variant:
        sized = self.of(self.fallback)
        return sized[1] if len(sized) > 1 else sized[0]

    @property
    def large(self) -> Variant:
        return self.of(self.fallback)[-1]

    def srcset(self, fmt: str, url=str) -> str:
        """'a-480w.jpg 480w, a-1280w.jpg 1280w'; templates pass their url() so a sub-path base URL is honoured."""
        return ", ".join(f"{url(v.url)} {v.width}w" for v in self.variants if v.format == fmt)

    @property
    def formats(self) -> list[str]:
        return list(dict.fromkeys(v.format for v in self.variants))

    @property
    def mime(self) -> dict:
        return MIME

    @property
    def files(self) -> tuple[Variant, ...]:
        return self.variants + ((self.original,) if self.original else ())
