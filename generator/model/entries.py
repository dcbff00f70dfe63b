"""A validated source and its parts (Entry, Photo, Attachment, Event, Comment), the photo suffixes, and the slug
rules: the model's vocabulary, which content validates into and every later layer reads."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from generator.model import registry
from generator.model.portable import RESERVED
from generator.model.suffixes import HEIF_SUFFIXES, PHOTO_SUFFIXES, UNSUPPORTED_PHOTOS  # noqa: F401 (the vocabulary)


@dataclass(frozen=True)
class Photo:
    file: str
    caption: str = ""
    alt: str = ""
    line: int | None = None
    credit: str = ""            # who took it: 'Foto: Humas KPU Kaltara'


@dataclass(frozen=True)
class Attachment:
    """A file of the bundle listed under 'attachments:' (its title and place in the list)."""

    file: str
    title: str = ""
    line: int | None = None
    typed: registry.Typed | None = None      # a typed document of the public-information registry


@dataclass(frozen=True)
class Event:
    start: dt.datetime
    end: dt.datetime | None = None
    place: str = ""
    has_time: bool = False


@dataclass(frozen=True)
class Comment:
    """An archived reader's comment (from a WordPress import): shown read-only under the post."""

    author: str
    date: dt.datetime | None
    text: str


@dataclass
class Entry:
    """One validated source: a post (bundle or single file) or a static page."""

    kind: str                    # "post" or "page"
    path: str                    # relative to the site folder, for messages
    source: Path                 # the Markdown file
    bundle: Path | None          # the folder holding the post's files, for page bundles
    title: str
    body: str
    body_line: int
    slug: str
    date: dt.datetime | None = None
    has_time: bool = True
    updated: dt.datetime | None = None
    category: str = ""
    tags: list[str] = field(default_factory=list)
    author: str = ""
    views: int | None = None
    summary: str = ""
    cover: str = ""
    gallery: list[Photo] = field(default_factory=list)
    event: Event | None = None
    draft: bool = False
    aliases: list[str] = field(default_factory=list)
    menu: int | None = None
    cover_hidden: bool = False   # the post's page does not show its cover at the top (it still shows in lists)
    pinned_until: dt.datetime | None = None   # the front page's lead story until then
    extra: dict = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)   # listed in front matter, in order
    poster: str = ""             # the bundle photo shown on its videos before they play
    files: list[str] = field(default_factory=list)   # other files in the bundle, sorted
    lines: dict = field(default_factory=dict)        # front matter key path -> line


@functools.lru_cache(maxsize=1 << 16)      # the same category and tag names are slugged for every post
def slugify(text: str) -> str:
    """URL name from any text: 'Rapat Koordinasi 2020' -> 'rapat-koordinasi-2020'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


LONGEST_SLUG = 200      # letters of a URL name: WordPress's own limit, so an imported address is kept as it was


@functools.lru_cache(maxsize=1 << 16)
def plain_slug(text: str) -> str:
    """A URL name of its own for any name, the same in every build: slugify's when it finds letters or digits,
    else a transliteration ('選挙' -> 'xuanju', 'Москва' -> 'moskva'), else a short hash of the name ('!!!' ->
    'n-' and eight hex digits), so a name of punctuation or symbols never merges into another. A name longer than
    LONGEST_SLUG letters is cut where a word ends and ends in a hash of the whole (a folder name has 255 at most).
    A name Windows keeps for a device ('con') is left as it is: see name_slug, and portable.own_name for a folder."""
    from anyascii import anyascii

    found = slugify(text) or slugify(anyascii(text))
    if len(found) > LONGEST_SLUG:      # one folder in output/: cut where a word ends, the whole kept in a short hash
        cut = found[:LONGEST_SLUG - 9]
        found = (cut.rsplit("-", 1)[0] if "-" in cut else cut) + "-" + _hash(found)
    return found or "n-" + _hash(unicodedata.normalize("NFKC", text).strip().casefold())


def name_slug(text: str) -> str:
    """The URL name of a category, a tag or a post (plain_slug's), where a name Windows keeps for a device ('Aux',
    'Con', 'COM1') ends in a short hash of itself: output/tag/aux/ is a folder Windows cannot make, so such a site
    built on Linux but not on a staff laptop."""
    found = plain_slug(text)
    return f"{found}-{_hash(found)}" if found.upper() in RESERVED else found


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()


def poster_name(stem: str, names, poster: str) -> str | None:
    """Of a bundle's photo names, the one shown on a video before it plays: the first (by name) named like the
    video (its YouTube id, or its file's name without the suffix), else front matter's poster when it is one of
    them; None."""
    names = sorted(names)
    return next((name for name in names if name.rsplit(".", 1)[0] == stem), poster if poster in names else None)
