"""Every key the build's caches are looked up by, in one place: what a key is made of decides when a cached result
is used again, so a reader checks here that each one covers all it depends on. A key that leaves out an input
publishes a stale page; one that takes in too much only costs time.

The keys, from the outermost:
- generator_hash: the generator's own code; a cache written by another version of it is not read (cache.py).
- config_key, site_key: the whole build; when site_key is the last build's, nothing changed (incremental.py).
- source_key: one source's record, with its bundle's file names (load.py).
- photos_key: one post's photo plans (load.py).
- markdown_key: one body's HTML, with the addresses its links resolve to (load.py, the preview's quick rebuild).
- card_stamp: one post's card signature (fingerprint.py; the page signatures themselves are fingerprint.py's).
- page_key: a rendered page by its bytes (render/stage.py); copy_key: a copied file by its stamp (render/writer.py).
- share_card_key: one post's share card image (render/sharecard.py).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from generator.core.hashing import digest, digest_parts
from generator.core.resources import PACKAGE_DIR

UNSETTLED = "-"         # the state key saved when the inputs' times cannot be trusted: the next build checks all
SHARE_CARD_VERSION = "k4"    # bump when the card's drawing or encoding changes: every card is made again


def generator_hash(package_dir: Path = PACKAGE_DIR) -> str:
    """A hash of the generator's own source, every module of every subpackage: a cache written by any other
    version of it is not used."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(package_dir.rglob("*.py")):
        h.update(path.relative_to(package_dir).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def own_code() -> str:
    """generator_hash of the running generator, read once a process: the code it runs is the code it imported, and
    the cache reads it for every shard."""
    return generator_hash()


def config_key(config_bytes: bytes) -> str:
    """config.yaml by its bytes (b"" when there is none)."""
    return digest(config_bytes)


def site_key(config: str, scan: dict, theme: dict, templates: tuple[Path, ...], options) -> str:
    """The whole build's inputs: config, every file below content/ and the templates by stamp, and the options
    that change the output."""
    return digest_parts(config, scan, theme, str(templates), options.drafts, options.future,
                        str(options.output.resolve()), options.search, options.preview)


def source_key(config: str, kind: str, files: list[str]) -> str:
    """A source's record: the config, post or page, and its bundle's file names (its bytes are checked apart)."""
    return digest(f"{config}\0{kind}\0{files}")


def photos_key(photos_config, post, stamps: list[tuple]) -> str:
    """A post's photo plans: the photo settings, its address, title, gallery and cover, and each bundle file's
    stamp ((name, (size, time)))."""
    entry = post.entry
    return digest(repr((photos_config, post.url, entry.title, entry.gallery, entry.cover, stamps)))


def markdown_key(sha: str, body_line: int, links) -> str:
    """A body's HTML: the source's bytes, where the body starts (line numbers in messages) and its links' targets."""
    return digest(repr((sha, body_line, links)))


def card_stamp(record, post) -> tuple:
    """What a post's card signature is reused by: its photos and HTML keys and the names of its category and tags
    (the first post using a name gives it)."""
    return (record.photos_key, record.html_key, post.category.name if post.category else None,
            tuple(t.name for t in post.tags))


def page_key(data: bytes) -> str:
    """A rendered page by its bytes."""
    return digest(data)


def copy_key(source: str, size: int, time_ns: int, unsure: bool = False) -> str:
    """A copied file (photo, attachment, theme asset) by its path and stamp; unsure: changed too recently for the
    stamp to tell a second edit (compared by its bytes next time)."""
    return f"{source}\0{size}\0{time_ns}" + ("\0racy" if unsure else "")


def share_card_key(title: str, site_title: str, cover_digest: str, logo_key: str, color: str) -> str:
    """A post's share card image: its title, the site's title, the cover's bytes, the logo's bytes, the color."""
    return digest(repr((SHARE_CARD_VERSION, title, site_title, cover_digest, logo_key, color)))
