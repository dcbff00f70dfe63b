"""Attachments ("Lampiran"): each post's documents with their type and size, and the site's documents pages."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from urllib.parse import quote
from zoneinfo import ZoneInfo

from . import registry
from .content import PHOTO_SUFFIXES, UNSUPPORTED_PHOTOS, Entry, slugify
from .report import Problems

# Files of a bundle listed under a post without being named in 'attachments:'. Any other non-photo file is still
# published beside the post (a link in the text may point at it); it is listed only when named.
DOCUMENT_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".odp", ".ppt", ".pptx", ".zip",
                     ".csv", ".rtf"}
DOCUMENTS_URL = "/dokumen/"


@dataclass(frozen=True)
class AttachmentView:
    """An attachment as templates see it: title, published URL, type ('PDF') and size in bytes."""

    name: str
    title: str
    url: str
    kind: str
    size: int
    record: registry.Record | None = None     # a typed document: its fields, status and relations


@dataclass(frozen=True)
class Document:
    """One line of the documents page: an attachment and the post it belongs to (plain values, for fingerprints)."""

    attachment: AttachmentView
    post_title: str
    post_url: str
    date: dt.datetime
    category: str
    category_slug: str


@dataclass(frozen=True)
class PageDocuments:
    """A static page's attachments on the documents page (standing documents: rules, structure, forms)."""

    title: str
    url: str
    attachments: tuple[AttachmentView, ...]


@dataclass(frozen=True)
class Filter:
    """A link of the documents page's category filter."""

    name: str
    url: str
    count: int
    current: bool


def kind_of(name: str) -> str:
    """The type readers see: 'sk.pdf' -> 'PDF'; a file without a suffix -> 'Berkas'."""
    return os.path.splitext(name)[1].lstrip(".").upper() or "Berkas"


def size_label(size: int, locale: str = "id") -> str:
    """A size as readers of the site's language write it: 1234567 -> '1,2 MB', 850 -> '850 B' (units of 1000)."""
    from babel.numbers import format_decimal

    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if value < 999.95 or unit == "GB":
            break
        value /= 1000
    return f"{format_decimal(value, format='#,##0' if unit == 'B' or value >= 10 else '#,##0.#', locale=locale)} {unit}"


def attachments_of(entry: Entry, post_url: str, sizes: dict[str, int]) -> list[AttachmentView]:
    """The bundle's attachments: those listed in front matter in their order, then the other documents by name."""
    if entry.bundle is None:
        return []
    listed = [(a.file, a.title) for a in entry.attachments]
    named = {name for name, _title in listed}
    photos = PHOTO_SUFFIXES | UNSUPPORTED_PHOTOS
    listed += [(name, "") for name in entry.files if name not in named and not name.startswith(".")
               and os.path.splitext(name)[1].lower() in DOCUMENT_SUFFIXES - photos]
    return [AttachmentView(name, title or name, post_url + quote(name), kind_of(name), sizes.get(name, 0))
            for name, title in listed]


def attach(posts: list, scan: dict) -> None:
    """Give each post (and page) its attachments; sizes come from the scan of content/ (path -> (size, mtime))."""
    for post in posts:
        entry = post.entry
        if entry.bundle is None:
            post.attachments = []
            continue
        folder = entry.path.rpartition("/")[0].partition("/")[2]          # the bundle, below content/
        sizes = {name: (scan.get(f"{folder}/{name}") or (0, 0))[0] for name in entry.files}
        post.attachments = attachments_of(entry, post.url, sizes)


def register(posts: list, config, now: dt.datetime, problems: Problems) -> None:
    """Give each typed attachment its registry record (status and relations from every other document of the site),
    after checking the registry as a whole; overdue periodic series are warned about."""
    listed, where = [], []
    for post in posts:
        typed = {a.file: a.typed for a in post.entry.attachments if a.typed is not None}
        for index, view in enumerate(post.attachments):
            if view.name in typed:
                date = post.entry.date.astimezone(now.tzinfo).date() if post.entry.date else None
                listed.append(registry.Listed(post.entry.path, typed[view.name], view.title, view.url, date))
                where.append((post, index))
    if not listed:
        return
    settings = settings_of(config)
    problems.extend(registry.check(listed, settings) + registry.overdue(listed, now))
    for (post, index), record in zip(where, registry.records(listed, settings)):
        post.attachments[index] = registry.with_record(post.attachments[index], record)


def settings_of(config) -> registry.Settings:
    documents = config.documents
    register = documents.register
    return registry.Settings(types=registry.TYPES + tuple(documents.types), legal_types=tuple(documents.legal_types),
                             unit=register.unit, responsible=register.responsible, place=register.place,
                             retention=register.retention)


def pages(posts: list, zone: ZoneInfo, static: list = ()) -> list[tuple[str, dict]]:
    """The documents pages as (URL, template context): every post's attachments, newest post first, grouped by year,
    at /dokumen/, and the same for each category at /dokumen/kategori/{slug}/ (a filter without JavaScript); the
    static pages' attachments on /dokumen/ too, page by page (they have no category). None when the site has no
    attachment."""
    documents = [Document(a, post.entry.title, post.url, post.entry.date, post.category.name, post.category.slug)
                 for post in posts for a in post.attachments]        # posts come newest first
    standing = [PageDocuments(page.entry.title, page.url, tuple(page.attachments)) for page in static
                if page.attachments]
    if not documents and not standing:
        return []
    categories: dict[str, list[Document]] = {}
    for doc in documents:
        categories.setdefault(doc.category_slug, []).append(doc)
    names = sorted(((docs[0].category, slug, len(docs)) for slug, docs in categories.items()), key=lambda c: c[0].lower())
    everything = len(documents) + sum(len(page.attachments) for page in standing)
    out = []
    for current, url, docs in [("", DOCUMENTS_URL, documents)] + [
            (slug, category_url(slug), categories[slug]) for _name, slug, _count in names]:
        filters = [Filter("Semua", DOCUMENTS_URL, everything, not current)]
        filters += [Filter(name, category_url(slug), count, slug == current) for name, slug, count in names]
        out.append((url, {"years": by_year(docs, zone), "filters": filters, "pages": [] if current else standing,
                          "category": docs[0].category if current else "",
                          "count": len(docs) if current else everything}))
    return out


def category_url(slug: str) -> str:
    return f"{DOCUMENTS_URL}kategori/{slugify(slug) or 'berita'}/"


def by_year(documents: list[Document], zone: ZoneInfo) -> list[tuple[int, list[Document]]]:
    """Documents in their order, grouped by the year of their post's date in the site's time zone."""
    years: dict[int, list[Document]] = {}
    for doc in documents:
        years.setdefault(doc.date.astimezone(zone).year, []).append(doc)
    return list(years.items())
