"""The site model: published posts, pages, taxonomies, archives, pagination and every URL."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
import math
import posixpath
from dataclasses import dataclass, field

from generator.core.hashing import digest
from generator.core.report import Problems
from generator.model import documents
from generator.model.config import Config
from generator.model.content import PHOTO_SUFFIXES, UNSUPPORTED_PHOTOS, Entry, name_slug


@dataclass
class Post:
    """A published post or page: its validated entry plus everything derived from the whole site."""

    entry: Entry
    url: str
    html: str = ""
    summary: str = ""
    photos: list = field(default_factory=list)     # photos.types.PhotoView, in gallery order
    cover: object = None                           # photos.types.PhotoView or None
    attachments: list = field(default_factory=list)   # documents.AttachmentView, in list order
    gallery_url: str = ""
    category: Term | None = None
    tags: list[Term] = field(default_factory=list)
    newer: Post | None = None
    older: Post | None = None
    related: list[Post] = field(default_factory=list)

    def __getattr__(self, name):
        try:
            entry = self.__dict__["entry"]
        except KeyError:            # while unpickled (in a spawned worker) pickle looks up __setstate__ first
            raise AttributeError(name) from None
        return getattr(entry, name)


@dataclass
class Term:
    """A category, tag or month with its posts, newest first."""

    name: str
    slug: str
    url: str
    posts: list[Post] = field(default_factory=list)


@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    items: list
    url: str
    first_url: str

    def url_of(self, number: int) -> str:
        return page_url(self.first_url, number)

    @property
    def newer_url(self) -> str:
        return self.url_of(self.number - 1) if self.number > 1 else ""

    @property
    def older_url(self) -> str:
        return self.url_of(self.number + 1) if self.number < self.total else ""


@dataclass(frozen=True)
class Route:
    """One output file: its site URL, the template that renders it and what the template gets."""

    url: str
    template: str
    context: dict
    source: str = ""      # the content file it comes from, for error messages


@dataclass
class Site:
    config: Config
    posts: list[Post]
    pages: list[Post]
    categories: list[Term]
    tags: list[Term]
    months: list[Term]
    popular: list[Post]
    recent: list[Post]
    built: dt.datetime
    document_texts: dict = field(default_factory=dict)   # a typed PDF's text by its document page (documents.register)
    preview: bool = False         # built for the preview: templates mark drafts (never true in a build for the web)

    @property
    def drafts(self) -> list[Post]:
        """The drafts shown (only the preview, or a build with --drafts, has any), newest first, pages last."""
        return [p for p in self.posts + self.pages if p.entry.draft]

    @property
    def galleries(self) -> list[Post]:
        return [p for p in self.posts if p.photos]

    @functools.cached_property       # every page's menu asks; attachments are given before anything renders
    def has_documents(self) -> bool:
        """Some post has an attachment: the documents page exists (and the default menu links to it)."""
        return any(p.attachments for p in self.posts + self.pages)

    @property
    def has_register(self) -> bool:
        """Some attachment is a typed document: the Daftar Informasi Publik exists (and /dokumen/ links to it)."""
        return any(a.record is not None for p in self.posts + self.pages for a in p.attachments)

    @property
    def lead(self) -> list[Post]:
        """The front page's lead story, as a list of one (or none): the newest post whose `pinned_until` has not
        passed, else the newest post."""
        pinned = [p for p in self.posts if p.entry.pinned_until is not None and p.entry.pinned_until > self.built]
        return (pinned or self.posts)[:1]

    @property
    def front_page(self) -> list[Post]:
        """The posts the front page shows at its top: the lead story and the first page of the news list."""
        return self.lead + [p for p in self.posts[:self.config.listing.per_page] if p not in self.lead]

    @property
    def sections(self) -> list[dict]:
        """The front page's sections, one per main category (config `home.sections`, else the three with the most
        posts): {name, url, latest}, each the category's newest posts not already at the top of the page; a section
        with nothing left out."""
        home = self.config.home
        shown = {id(p) for p in self.front_page}
        by_slug = {t.slug: t for t in self.categories}
        if home.sections is None:
            terms = sorted(self.categories, key=lambda t: (-len(t.posts), t.name.lower()))[:3]
        else:
            from generator.model.content import name_slug

            terms = [by_slug[name_slug(n)] for n in home.sections if name_slug(n) in by_slug]
        out = []
        for term in terms:
            items = [p for p in term.posts if id(p) not in shown][:home.section_posts]
            if items:
                out.append({"name": term.name, "url": term.url, "latest": items})
        return out

    @property
    def latest_documents(self) -> list:
        """The newest documents of /dokumen/ (attachments of posts, newest post first) for the front page's box."""
        count = self.config.home.documents
        found = []
        for post in self.posts:
            if len(found) >= count:
                break
            found += [documents.Document(a, post.entry.title, post.url, post.entry.date, post.category.name,
                                         post.category.slug) for a in post.attachments]
        return found[:count]

    @property
    def menu_pages(self) -> list[Post]:
        """The pages the default menu lists: those with a `menu:` position, in its order."""
        return [p for p in self.pages if p.entry.menu is not None]

    @property
    def gallery_index(self) -> str:
        """The gallery index URL, from the gallery permalink pattern (the menu links to it)."""
        return gallery_index_url(self.config)


def fill(pattern: str, **values) -> str:
    return pattern.format(**values)


def page_url(first_url: str, number: int) -> str:
    return first_url if number == 1 else f"{first_url}halaman/{number}/"


def paginate(items: list, per_page: int, first_url: str) -> list[Pager]:
    total = max(1, math.ceil(len(items) / per_page))
    return [Pager(n, total, items[(n - 1) * per_page:n * per_page], page_url(first_url, n), first_url)
            for n in range(1, total + 1)]


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


@dataclass(frozen=True)
class Moment:
    """When the site is assembled, and whether drafts and posts dated later are published (the preview's choice)."""

    now: dt.datetime
    drafts: bool = False
    future: bool = False


def is_published(entry: Entry, moment: Moment) -> bool:
    if entry.draft and not moment.drafts:
        return False
    return moment.future or entry.date is None or entry.date <= moment.now


def assemble(entries: list[Entry], config: Config, moment: Moment, problems: Problems,
             related: dict | None = None) -> Site:
    """Choose what is published and link it all together: neighbours, terms, months, related posts.

    related, when given, keeps the related posts found for one order of posts and their tags (the cache keeps
    it between builds: an edit that moves no post and changes no tag finds them again without the search)."""
    now = moment.now
    published = [e for e in entries if is_published(e, moment)]
    posts = [Post(e, post_url(config, e)) for e in published if e.kind == "post"]
    posts.sort(key=lambda p: (p.entry.date, p.entry.path), reverse=True)
    pages = [Post(e, fill(config.permalinks.page, slug=e.slug)) for e in published if e.kind == "page"]
    pages.sort(key=lambda p: (p.entry.menu if p.entry.menu is not None else 1 << 30, p.entry.title))
    for older, newer in zip(posts[1:], posts[:-1]):
        older.newer, newer.older = newer, older
    categories = _terms(posts, lambda p: [p.entry.category], config.permalinks.category)
    tags = _terms(posts, lambda p: p.entry.tags, config.permalinks.tag)
    for post in posts:
        post.category = categories[name_slug(post.entry.category)]
        post.tags = list({id(term): term for term in (tags[name_slug(t)] for t in post.entry.tags)}.values())
    months: dict[tuple, Term] = {}
    for post in posts:
        local = post.entry.date.astimezone(config_zone(config))
        key = (local.year, local.month)
        if key not in months:
            url = fill(config.permalinks.archive, year=f"{local.year:04d}", month=f"{local.month:02d}")
            months[key] = Term(f"{local.year}-{local.month:02d}", f"{local.year}-{local.month:02d}", url)
        months[key].posts.append(post)
    _relate(posts, config.listing.related, related if related is not None else {})
    popular = sorted((p for p in posts if p.entry.views), key=lambda p: (-p.entry.views, -p.entry.date.timestamp()))
    return Site(config, posts, pages, sorted(categories.values(), key=lambda t: t.name.lower()),
                sorted(tags.values(), key=lambda t: t.name.lower()), list(months.values()),
                popular[:config.listing.popular], posts[:config.listing.recent], now)


def config_zone(config: Config):
    from zoneinfo import ZoneInfo

    return ZoneInfo(config.site.timezone)


def _terms(posts: list[Post], names, pattern: str) -> dict[str, Term]:
    terms: dict[str, Term] = {}
    for post in posts:
        for name in dict.fromkeys(names(post)):
            slug = name_slug(name)
            term = terms.setdefault(slug, Term(name, slug, fill(pattern, slug=slug)))
            if not term.posts or term.posts[-1] is not post:
                term.posts.append(post)
    return terms


def _relate(posts: list[Post], count: int, memo: dict, window: int = 24) -> None:
    """Related posts: most shared tags first, then nearest in time; looks at a window of each tag's posts.

    memo holds the answer for the last order of posts and tags seen (key -> each post's related positions)."""
    key = digest(repr((count, window, [[t.slug for t in p.tags] for p in posts])))
    if key in memo:
        for post, found in zip(posts, memo[key]):
            post.related = [posts[j] for j in found]
        return
    memo.clear()
    memo[key] = found_all = []
    by_tag: dict[str, list[int]] = {}
    for i, post in enumerate(posts):
        for tag in post.tags:
            by_tag.setdefault(tag.slug, []).append(i)
    half = window // 2
    for i, post in enumerate(posts):
        shared: dict[int, int] = {}
        get = shared.get
        for tag in post.tags:
            members = by_tag[tag.slug]
            at = bisect.bisect_left(members, i)
            for j in members[max(0, at - half):at + half + 1]:
                shared[j] = get(j, 0) + 1
        shared.pop(i, None)
        best = heapq.nsmallest(count, [(-n, abs(j - i), j) for j, n in shared.items()])   # = sorted(...)[:count]
        found_all.append([j for _n, _d, j in best])
        post.related = [posts[j] for j in found_all[-1]]


SEARCH_FOLDER = "/pagefind/"       # the search index's folder, written by the search stage, never by a page
SHARE_CARD = "bagikan.jpg"          # each post's share card beside its page (sharecard.CARD_NAME)


@dataclass(frozen=True)
class Claim:
    """An address something of the site is to be published at, and what it is, for messages naming both sides of a
    collision: a page, an old address, a photo, a bundle file, a theme file, or a whole folder (the search index)."""

    url: str
    what: str                  # in words: "alamat lama", "kategori 'Berita'", "lampiran 'surat.pdf'"
    source: str = ""           # the file it comes from (content or theme); "" for a page the build makes itself
    line: int | None = None
    fix: str = ""
    folder: bool = False       # the whole folder is taken
    owner: str = ""            # the post or page a photo or bundle file belongs to: one collision of two posts is
                               # told once, not again for each of their photos

    @property
    def entry(self) -> str:
        return self.owner or self.source

    @property
    def named(self) -> str:
        return f"{self.what} dari {self.source}" if self.source else self.what


_WHAT = {"index.html": "beranda", "post.html": "halaman berita", "gallery.html": "halaman galeri",
         "page.html": "halaman", "redirect.html": "alamat lama", "gallery_index.html": "indeks galeri",
         "archive.html": "halaman arsip", "search.html": "halaman pencarian", "404.html": "halaman 404",
         "rss.xml": "umpan RSS", "atom.xml": "umpan Atom", "robots.txt": "robots.txt", "sitemap.xml": "peta situs"}
_TERM = {"category": "kategori", "tag": "tag", "month": "arsip bulan"}
_FIX = {"redirect.html": "Ubah atau hapus alamat lama ini di 'aliases'.",
        "": "Ubah pola alamat di bagian 'permalinks' config.yaml agar alamatnya berbeda."}
SLUG_FIX = "Ubah 'slug' salah satunya (atau tanggalnya) agar alamatnya berbeda."


def claim_of(route: Route) -> Claim:
    """The address a route takes, described for messages."""
    if route.template == "list.html":
        term = route.context["term"]
        what = f"{_TERM.get(route.context.get('kind'), 'daftar')} '{term.name}'"
    else:
        what = _WHAT.get(route.template, f"halaman dari template {route.template}")
    fix = _FIX.get(route.template, SLUG_FIX) if route.source else _FIX[""]
    return Claim(route.url, what, route.source, _line(route), fix)


def files(site: Site, assets=()) -> list[Claim]:
    """The addresses of every file that is not a page: photos and their sizes, bundle files, the theme's assets
    (given as URLs), and the search index's folder."""
    out = []
    for post in site.posts + site.pages:
        for photo in post.photos:
            for variant in photo.files:
                source = post.entry.path if photo.line else posixpath.join(posixpath.dirname(post.entry.path),
                                                                            photo.name)
                out.append(Claim(variant.url, f"foto '{photo.name}'", source, photo.line, "Ganti nama foto itu.",
                                 owner=post.entry.path))
    for url, (entry, name) in attachments(site).items():
        out.append(Claim(url, f"lampiran '{name}'", posixpath.join(posixpath.dirname(entry.path), name), None,
                         "Ganti nama berkas itu (misalnya tambahkan kata di depannya).", owner=entry.path))
    for post in site.posts:        # sharecard: the picture shown when the post is shared
        out.append(Claim(post.url + SHARE_CARD, "gambar berbagi", post.entry.path, None, SLUG_FIX,
                         owner=post.entry.path))
    for url in assets:
        out.append(Claim(url, f"berkas tema '{url.lstrip('/')}'", "", None, ""))
    out.append(Claim(SEARCH_FOLDER, f"indeks pencarian ({SEARCH_FOLDER})", folder=True))
    return out


def attachments(site: Site) -> dict[str, tuple[Entry, str]]:
    """Non-photo files of a bundle (PDF, documents), published beside the page: URL -> (its entry, file name)."""
    out = {}
    for post in site.posts + site.pages:
        if not post.entry.bundle:
            continue
        photo_names = {p.name for p in post.photos}
        for name in post.entry.files:
            if name not in photo_names and not name.startswith("."):
                if posixpath.splitext(name)[1].lower() not in PHOTO_SUFFIXES | UNSUPPORTED_PHOTOS:   # never as is
                    out[post.url + name] = (post.entry, name)
    return out


def check_urls(routes: list[Route], problems: Problems, others: list[Claim] = ()) -> None:
    """Two things published at one address would overwrite each other, and a file where another needs a folder
    (an old address /feed.xml/ beside the feed /feed.xml) cannot be written: name both, before anything is written."""
    files_at: dict[str, Claim] = {}
    folders: dict[str, Claim] = {}
    told: set = set()       # two posts at one address clash again with their galleries and photos: say it once
    for claim in [claim_of(r) for r in routes] + list(others):
        if claim.folder:
            folders[claim.url.strip("/")] = claim
            continue
        other = files_at.setdefault(output_file(claim.url), claim)
        if other is not claim:
            _collide(claim, other, "", problems, told)
    folded: dict[str, str] = {}         # Windows and macOS (staff laptops) take /Rapat/ and /rapat/ for one file
    for rel in files_at:
        first = folded.setdefault(rel.casefold(), rel)
        if first != rel:
            _collide(files_at[rel], files_at[first], CASE_ONLY, problems, told)
    for rel, claim in files_at.items():
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in folders:
                _collide(claim, folders[folder], f"berada di dalam folder /{folder}/ milik", problems, told)
                break
            if folder in files_at:
                _collide(claim, files_at[folder], f"perlu folder /{folder}/, tempat berkas", problems, told)
                break


_PAGES = {"halaman berita", "halaman galeri", "halaman"}
CASE_ONLY = "hanya berbeda huruf besar/kecil dengan"


def _collide(first: Claim, second: Claim, relation: str, problems: Problems, told: set) -> None:
    """Report a collision once, at the side that is easiest to change: a content file before a page the build
    makes, an old address, photo or bundle file before the post page itself."""
    def rank(claim: Claim) -> tuple:
        return bool(claim.source), claim.what not in _PAGES, claim.what not in _WHAT.values(), claim.source, \
            claim.line or 0

    claim, other = sorted([first, second], key=rank, reverse=True)
    pair = frozenset((claim.entry, other.entry)) if claim.source and other.source else (claim.entry or claim.url,
                                                                                         other.url)
    if pair in told:
        return
    told.add(pair)
    if relation == CASE_ONLY:
        message = (f"alamat {claim.url} ({claim.what}) {relation} {other.url} ({other.named}); di Windows dan macOS "
                   "keduanya menjadi satu berkas, yang satu menimpa yang lain.")
    elif not relation and claim.source and other.source and {claim.what, other.what} <= _PAGES:
        message = f"alamat {claim.url} sudah dipakai oleh {other.source}."     # two posts or pages: the usual case
    elif not relation:
        message = f"alamat {claim.url} ({claim.what}) sudah dipakai oleh {other.named}."
    elif claim.url.startswith(other.url) and other.folder:
        message = f"alamat {claim.url} ({claim.what}) {relation} {other.named}."
    elif output_file(claim.url).startswith(output_file(other.url) + "/"):
        message = f"alamat {claim.url} ({claim.what}) {relation} {other.url} ({other.named})."
    else:       # the reported side is the file where the other needs a folder
        message = (f"alamat {claim.url} ({claim.what}) adalah berkas, padahal {other.named} di {other.url} "
                   f"memerlukannya sebagai folder.")
    if claim.source:
        problems.error(claim.source, claim.line, message, claim.fix)
    else:
        theme = claim.url.startswith("/assets/") or other.url.startswith("/assets/")
        problems.error("config.yaml", None, message, "Ubah pola alamat di bagian 'permalinks' atau ganti nama berkas "
                       "tema itu." if theme else _FIX[""])


def _line(route: Route) -> int | None:
    """The front matter line that decides a route's address: its alias, else its slug, else its date."""
    post = route.context.get("post")
    if post is None or not route.source:
        return None
    lines = post.entry.lines
    if route.template == "redirect.html":
        index = post.entry.aliases.index(route.url) if route.url in post.entry.aliases else None
        return lines.get(("aliases", index)) or lines.get(("aliases",))
    return lines.get(("slug",)) or lines.get(("date",)) or lines.get(("title",))


def routes(site: Site) -> list[Route]:
    """Every file of the site except photos and theme assets, each with its template and context."""
    config = site.config
    per_page = config.listing.per_page
    out: list[Route] = []
    for pager in paginate(site.posts, per_page, "/"):
        out.append(Route(pager.url, "index.html", {"pager": pager, "page_title": ""}))
    for post in site.posts:
        out.append(Route(post.url, "post.html", {"post": post}, post.entry.path))
        if post.photos:
            out.append(Route(post.gallery_url, "gallery.html", {"post": post}, post.entry.path))
        for alias in post.entry.aliases:
            out.append(Route(alias, "redirect.html", {"target": post.url, "post": post}, post.entry.path))
    for page in site.pages:
        out.append(Route(page.url, "page.html", {"post": page}, page.entry.path))
        for alias in page.entry.aliases:
            out.append(Route(alias, "redirect.html", {"target": page.url, "post": page}, page.entry.path))
    for kind, terms in (("category", site.categories), ("tag", site.tags), ("month", site.months)):
        for term in terms:
            for pager in paginate(term.posts, per_page, term.url):
                out.append(Route(pager.url, "list.html", {"pager": pager, "term": term, "kind": kind}))
    for pager in paginate(site.galleries, per_page * 2, gallery_index_url(config)):
        out.append(Route(pager.url, "gallery_index.html", {"pager": pager}))
    for url, context in documents.pages(site.posts, config_zone(config), site.pages):
        out.append(Route(url, "dokumen.html", context))
        if url == documents.DOCUMENTS_URL and context["years"]:
            newest = [doc for _year, docs in context["years"] for doc in docs][:config.listing.feed_items]
            out.append(Route(documents.DOCUMENTS_URL + "feed.xml", "dokumen_feed.xml", {"items": newest}))
    out += _register_routes(site)
    out.append(Route("/arsip/", "archive.html", {}))
    out.append(Route("/cari/", "search.html", {}))
    out.append(Route("/404.html", "404.html", {}))
    out.append(Route("/feed.xml", "rss.xml", {"items": site.posts[:config.listing.feed_items]}))
    out.append(Route("/atom.xml", "atom.xml", {"items": site.posts[:config.listing.feed_items]}))
    out.append(Route("/robots.txt", "robots.txt", {}))
    out.append(Route("/.htaccess", "htaccess", {}))     # the web host's settings: caching, security headers
    out.append(Route("/_headers", "headers", {}))
    if config.theme.color:          # the brand colour, a stylesheet: the CSP allows no inline style
        out.append(Route(BRAND_STYLESHEET, "warna.css", {}))
    out.append(Route("/sitemap.xml", "sitemap.xml", {"urls": [r for r in out if _in_sitemap(r)]}))
    return out


def _register_routes(site: Site) -> list[Route]:
    """The Daftar Informasi Publik as a page, CSV and JSON, when the site has a typed document."""
    from generator.model import dip

    config = site.config
    groups = dip.groups(site.pages + site.posts, config.site.language)
    if not groups:
        return []
    url = config.documents.register.url
    return [Route(view.record.page, "dokumen_satu.html",
                  {"document": view, "source_title": post.entry.title, "source_url": post.url,
                   "text": site.document_texts.get(view.record.page, "")}, post.entry.path)
            for post in site.posts + site.pages for view in post.attachments if view.record is not None] + [
            Route(url, "informasi_publik.html", {"groups": groups}),
            Route(url + "dip.csv", "dip.csv", {"text": dip.as_csv(groups, config.site.base_url)}),
            Route(url + "dip.json", "dip.json", {"text": dip.as_json(groups, config.site.title, config.site.base_url)})]


def gallery_index_url(config: Config) -> str:
    pattern = config.permalinks.gallery
    head = pattern.split("{", 1)[0]
    return head if head.endswith("/") and head != "/" else "/galeri/"


BRAND_STYLESHEET = "/assets/warna.css"


def _in_sitemap(route: Route) -> bool:
    return route.url.endswith("/") and route.template not in ("redirect.html",)
