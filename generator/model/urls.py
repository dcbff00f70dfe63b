"""The site's URL scheme: permalink patterns filled in, page numbers, the file that serves a URL, and the
addresses the build reserves (the search index, share cards, the brand stylesheet)."""

from __future__ import annotations

from generator.model.config import Config
from generator.model.entries import Entry, name_slug


def fill(pattern: str, **values) -> str:
    return pattern.format(**values)


def page_url(first_url: str, number: int) -> str:
    return first_url if number == 1 else f"{first_url}halaman/{number}/"


def post_url(config: Config, entry: Entry) -> str:
    date = entry.date.astimezone(config_zone(config))   # the date readers see on the page, as WordPress does
    return fill(config.permalinks.post, year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}",
                slug=entry.slug, category=name_slug(entry.category))


def gallery_url(config: Config, entry: Entry) -> str:
    date = entry.date.astimezone(config_zone(config))
    return fill(config.permalinks.gallery, year=f"{date.year:04d}", month=f"{date.month:02d}",
                day=f"{date.day:02d}", slug=entry.slug)


def output_file(url: str) -> str:
    """Site URL to the file that serves it: '/a/b/' -> 'a/b/index.html', '/feed.xml' -> 'feed.xml'."""
    path = url.lstrip("/")
    return path + "index.html" if not path or path.endswith("/") else path


def config_zone(config: Config):
    from zoneinfo import ZoneInfo

    return ZoneInfo(config.site.timezone)


SEARCH_FOLDER = "/pagefind/"       # the search index's folder, written by the search stage, never by a page
SHARE_CARD = "bagikan.jpg"          # each post's share card beside its page (sharecard.CARD_NAME)


def gallery_index_url(config: Config) -> str:
    pattern = config.permalinks.gallery
    head = pattern.split("{", 1)[0]
    return head if head.endswith("/") and head != "/" else "/galeri/"


BRAND_STYLESHEET = "/assets/warna.css"
