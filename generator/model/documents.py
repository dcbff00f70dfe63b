"""Attachments ("Lampiran"): each post's documents with their type and size, and the site's documents pages."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from urllib.parse import quote
from zoneinfo import ZoneInfo

from generator.model import registry
from generator.model.entries import PHOTO_SUFFIXES, UNSUPPORTED_PHOTOS, Entry, slugify

# Files of a bundle listed under a post without being named in 'attachments:'. Any other non-photo file is still
# published beside the post (a link in the text may point at it); it is listed only when named.
DOCUMENT_SUFFIXES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".odp", ".ppt", ".pptx", ".zip",
                     ".csv", ".rtf"}
DOCUMENTS_URL = "/dokumen/"
# Attachments a browser plays itself (what phones record and WordPress sites hold), shown with its own player.
PLAYERS = {".mp4": "video", ".m4v": "video", ".mov": "video", ".webm": "video",
           ".mp3": "audio", ".m4a": "audio", ".ogg": "audio", ".oga": "audio", ".opus": "audio", ".wav": "audio"}


@dataclass(frozen=True)
class AttachmentView:
    """An attachment as templates see it: title, published URL, type ('PDF') and size in bytes."""

    name: str
    title: str
    url: str
    kind: str
    size: int
    record: registry.Record | None = None     # a typed document: its fields, status and relations

    @property
    def player(self) -> str:
        """'video' or 'audio' for a file the browser plays on the page (PLAYERS), else ''."""
        return PLAYERS.get(os.path.splitext(self.name)[1].lower(), "")


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


def page_url(jenis: str, nomor: str, post_url: str, name: str) -> str:
    """A typed document's own page: /dokumen/keputusan/112-tahun-2024/ by its type and number, else by its post's
    address and file name (unique, as both are)."""
    kind = slugify(jenis) or "lainnya"
    ident = slugify(nomor) or slugify(f"{post_url}-{name.rsplit('.', 1)[0]}") or "dokumen"
    return f"{DOCUMENTS_URL}{kind}/{ident}/"


def register(ctx, posts: list, now: dt.datetime) -> dict[str, str]:
    """Give each typed attachment its registry record (status and relations from every other document of the site),
    after checking the registry as a whole; overdue periodic series and PDFs without text are warned about.
    Returns the text of each typed PDF by its document page's address (for that page)."""
    listed, where = [], []
    for post in posts:
        typed = {a.file: a.typed for a in post.entry.attachments if a.typed is not None}
        for index, view in enumerate(post.attachments):
            if view.name in typed:
                date = post.entry.date.astimezone(now.tzinfo).date() if post.entry.date else None
                found = typed[view.name]
                page = page_url(found.jenis, found.address_number, post.url, view.name)
                listed.append(registry.Listed(post.entry.path, found, view.title, page, date))
                where.append((post, index))
    if not listed:
        return {}
    settings = settings_of(ctx.config)
    ctx.problems.extend(registry.check(listed, settings) + registry.overdue(listed, now))
    made = registry.records(listed, settings)
    for (post, index), record in zip(where, made):
        post.attachments[index] = registry.with_record(post.attachments[index], record)
    _unnamed_holders(made, ctx.problems)
    return _texts(ctx, [(post, post.attachments[index]) for post, index in where])


def _unnamed_holders(records: list, problems) -> None:
    """A warning when the register would leave its unit or responsible-officer column empty (documents.register in
    config.yaml gives both for every document that does not name its own)."""
    empty = sum(1 for r in records if not r.unit or not r.penanggung_jawab)
    if empty:
        problems.warn("config.yaml", None, f"Daftar Informasi Publik: kolom pejabat/unit yang menguasai informasi atau "
                      f"penanggung jawabnya kosong untuk {empty} dokumen.",
                      "Tambahkan di config.yaml:\ndocuments:\n  register:\n    unit: Sekretariat KPU ...\n"
                      "    responsible: PPID KPU ...")


def _texts(ctx, documents: list) -> dict[str, str]:
    """The text layer of each typed PDF (kept between builds by pdftext.Store); a PDF without one is named."""
    from generator.model.pdftext import Store

    store, texts = Store(ctx.options.cache_dir, ctx.options.racy_clock), {}
    for post, view in documents:
        if not view.name.lower().endswith(".pdf"):
            continue
        folder = post.entry.path.rpartition("/")[0]
        found = store.text(f"{folder}/{view.name}", ctx.options.site_dir / folder / view.name)
        texts[view.record.page] = found.text
        if not found.text:
            ctx.problems.warn(f"{folder}/{view.name}", None, "PDF ini tidak punya lapisan teks (mungkin hasil pindaian)."
                              if found.readable else "PDF ini tidak bisa dibuka untuk dibaca teksnya.",
                              "Pembaca layar dan pencarian situs tidak bisa membacanya; bila ada, unggah PDF yang "
                              "teksnya bisa dipilih (misalnya hasil OCR atau ekspor langsung dari Word).")
    store.save()
    return texts


def settings_of(config) -> registry.Settings:
    documents = config.documents
    register = documents.register
    return registry.Settings(types=registry.TYPES + tuple(documents.types), legal_types=tuple(documents.legal_types),
                             unit=register.unit, responsible=register.responsible, place=register.place,
                             retention=register.retention)


@dataclass(frozen=True)
class FilterGroup:
    """One way of filtering the documents pages (by type, year, status), its links in order."""

    label: str
    filters: tuple[Filter, ...]


def _dimensions() -> list[tuple[str, str, object]]:
    """(label, folder, key of an attachment and its year: (slug, name) or None) for each filter beside the
    category's. A post's document counts in its post's year; a page's typed document in the year it was set."""
    return [("Jenis", "jenis", lambda a, _year: (slugify(a.record.jenis), a.record.jenis)
             if a.record and slugify(a.record.jenis) else None),
            ("Tahun", "tahun", lambda _a, year: (str(year),) * 2 if year else None),
            ("Status", "status", lambda a, _year: (a.record.status, a.record.status_label) if a.record else None)]


def pages(posts: list, zone: ZoneInfo, static: list = ()) -> list[tuple[str, dict]]:
    """The documents pages as (URL, template context): every post's attachments, newest post first, grouped by year,
    at /dokumen/, and the same for each category at /dokumen/kategori/{slug}/ (a filter without JavaScript), and
    for each type, year and status at /dokumen/jenis/{slug}/, /dokumen/tahun/{year}/, /dokumen/status/{status}/
    (shown when there are two or more to choose from); the static pages' attachments on /dokumen/ too, page by page
    (they have no category), and on the type, year and status pages they match. None when the site has no
    attachment."""
    documents = [Document(a, post.entry.title, post.url, post.entry.date, post.category.name, post.category.slug)
                 for post in posts for a in post.attachments]        # posts come newest first
    standing = [PageDocuments(page.entry.title, page.url, tuple(page.attachments)) for page in static
                if page.attachments]
    if not documents and not standing:
        return []
    everything = len(documents) + sum(len(page.attachments) for page in standing)
    chosen = [("Kategori", "kategori", lambda a, _year, doc: (doc.category_slug, doc.category) if doc else None, True)]
    chosen += [(label, folder, lambda a, year, _doc, key=key: key(a, year), False)
               for label, folder, key in _dimensions()]
    selections = []          # (label, [(slug, name, url, docs, pages)])
    for label, folder, key, always in chosen:
        found = _sorted_out(documents, standing, zone, key)
        if always or len(found) >= 2:
            order = sorted(found.items(), key=lambda kv: kv[1][0].lower(), reverse=folder == "tahun")
            selections.append((label, [(slug, name, category_url(slug) if folder == "kategori" else
                                        f"{DOCUMENTS_URL}{folder}/{slug}/", docs, held)
                                       for slug, (name, docs, held) in order]))
    choices = _Choices(selections, everything)
    out = [(DOCUMENTS_URL, _context(documents, zone, choices, None, standing))]
    for label, values in selections:
        for slug, name, url, docs, held in values:
            out.append((url, _context(docs, zone, choices, (label, slug, name), held)))
    return out


def _sorted_out(documents: list, standing: list, zone: ZoneInfo, key) -> dict:
    """slug -> (name, the posts' documents, the pages' PageDocuments holding only those) of one filter; key is
    key(attachment, year, document or None)."""
    found: dict[str, tuple[str, list, list]] = {}
    for doc in documents:
        value = key(doc.attachment, doc.date.astimezone(zone).year, doc)
        if value is not None:
            found.setdefault(value[0], (value[1], [], []))[1].append(doc)
    for page in standing:
        held: dict[str, list] = {}
        for attachment in page.attachments:
            set_on = attachment.record.tanggal if attachment.record else None
            value = key(attachment, set_on.year if set_on else None, None)
            if value is not None:
                found.setdefault(value[0], (value[1], [], []))
                held.setdefault(value[0], []).append(attachment)
        for slug, attachments in held.items():
            found[slug][2].append(PageDocuments(page.title, page.url, tuple(attachments)))
    return found


@dataclass(frozen=True)
class _Choices:
    """Every filter of the documents pages: (label, [(slug, name, url, documents, pages' documents)]), categories
    first."""

    selections: list
    everything: int          # all documents of the site, the static pages' too ("Semua")


def _context(docs: list, zone: ZoneInfo, choices: _Choices, current, standing: list) -> dict:
    """One documents page's template context: its documents by year and every filter, the current one marked
    (current: (label, slug, name), None on /dokumen/ itself)."""
    groups = []
    for label, values in choices.selections:
        links = [Filter(name, url, _count(found, held), current is not None and current[:2] == (label, slug))
                 for slug, name, url, found, held in values]
        if label == "Kategori":
            links.insert(0, Filter("Semua", DOCUMENTS_URL, choices.everything, current is None))
        groups.append(FilterGroup(label, tuple(links)))
    return {"years": by_year(docs, zone), "filters": list(groups[0].filters), "groups": groups[1:], "pages": standing,
            "category": current[2] if current else "", "count": _count(docs, standing) if current else choices.everything}


def _count(docs: list, standing: list) -> int:
    """The documents of a list of posts' documents and of pages' PageDocuments."""
    return len(docs) + sum(len(page.attachments) for page in standing)


def category_url(slug: str) -> str:
    return f"{DOCUMENTS_URL}kategori/{slugify(slug) or 'berita'}/"


def by_year(documents: list[Document], zone: ZoneInfo) -> list[tuple[int, list[Document]]]:
    """Documents in their order, grouped by the year of their post's date in the site's time zone."""
    years: dict[int, list[Document]] = {}
    for doc in documents:
        years.setdefault(doc.date.astimezone(zone).year, []).append(doc)
    return list(years.items())
