"""The site model's types: published posts and pages, taxonomy terms, pagers, routes and the site itself (its URL
scheme: urls; assembly: assembly; its pages: routing; address collisions: addresses)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from generator.model import documents
from generator.model.config import Config
from generator.model.entries import Entry, poster_name
from generator.model.urls import gallery_index_url, page_url


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

    def video_poster(self, video: str):
        """The photo shown on one of the post's video files before it plays (the rule of its YouTube players): the
        bundle's photo named like the video (rekaman.jpg for rekaman.mp4), else front matter's poster; None."""
        name = poster_name(video.rsplit(".", 1)[0], [photo.name for photo in self.photos], self.entry.poster)
        return next((photo for photo in self.photos if photo.name == name), None) if name else None

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

    @functools.cached_property       # every page's footer asks; the records come with the attachments, before rendering
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
            from generator.model.entries import name_slug

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
