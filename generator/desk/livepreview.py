"""The desk's preview while writing: one post, from the form's unsaved text, as the site's own theme shows it.

The site model (every other post: the sidebar, categories, neighbours) is built once and kept until a file below
content/ or config.yaml changes; the post being written is read from its unsaved text and rendered into it,
without writing anything to the site folder or its output."""

from __future__ import annotations

import dataclasses
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from generator.core.report import BuildFailed, Problem, Problems
from generator.engine import cache
from generator.model import content, documents, theme, urls
from generator.model import site as site_model
from generator.model.discovery import Source
from generator.model.entries import name_slug
from generator.options import Options
from generator.render import pages


@dataclass
class Preview:
    html: str = ""                          # the page, when it could be made
    problems: list[str] = field(default_factory=list)   # the build's sentences when it could not


@dataclass(frozen=True)
class Unsaved:
    """The post as the form has it: where it is (or would be) saved, its kind, its file text, its files' folder."""

    key: str
    kind: str
    text: str
    bundle: Path | None


@dataclass(frozen=True)
class PhotoLinks:
    """Where the preview finds photos: the built site (output/), else the original file (link(name))."""

    output: Path
    link: Callable[[str], str]


@dataclass
class SiteMemo:
    """The site model made for previews, with the state of the files it was made from."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    look: tuple = ()                # config.yaml and templates/: a change is seen at the next preview
    posts: tuple = ()               # content/: other posts change only the sidebar and the neighbours, so a change
    made: float = 0.0               # is taken in at most every FRESH seconds (loading a large site takes seconds)
    site: object = None
    renderer: object = None


FRESH = 20.0


def _look(site_dir: Path) -> tuple:
    config = site_dir / "config.yaml"
    stamp = config.stat().st_mtime_ns if config.is_file() else 0
    templates = site_dir / "templates"
    return stamp, tuple(sorted(cache.scan(templates).items())) if templates.is_dir() else ()


def current_site(site_dir: Path, memo: SiteMemo):
    """The whole site with drafts and future posts (the desk previews them), remade when its files changed."""
    from generator.build import load_site

    with memo.lock:
        look, posts = _look(site_dir), tuple(sorted(cache.scan(site_dir / "content").items()))
        stale = memo.posts != posts and time.monotonic() - memo.made > FRESH
        if memo.site is None or memo.look != look or stale:
            options = Options(site_dir, drafts=True, future=True, workers=1)
            memo.site = load_site(options, Problems())
            memo.look, memo.posts, memo.made = look, posts, time.monotonic()
            memo.renderer = pages.PageRenderer(pages.environment(theme.folders(site_dir), memo.site.config),
                                                memo.site)
        return memo.site, memo.renderer


def preview(site_dir: Path, key: str | None, kind: str, text: str, memo: SiteMemo, photos: PhotoLinks) -> Preview:
    """The page of the post whose source would be text (key: its file, None for a post not saved yet)."""
    try:
        site, renderer = current_site(site_dir, memo)
    except BuildFailed as failed:
        return Preview(problems=[str(p) for p in failed.problems])
    problems = Problems()
    bundle = files_folder(site_dir, key)
    unsaved = Unsaved(key or f"content/{kind}s/pratinjau/index.md", kind, text, bundle)
    entry = _entry(site_dir, site.config, unsaved, problems)
    if entry is None:
        return Preview(problems=[str(p) for p in problems.errors])
    post = _post(site, entry, problems)
    if problems.errors:
        return Preview(problems=[str(p) for p in problems.errors])
    route = site_model.Route(post.url, "post.html" if kind == "post" else "page.html", {"post": post})
    with memo.lock:
        try:
            html = renderer.render(route).decode("utf-8")
        except pages.RENDER_ERRORS as err:
            return Preview(problems=[str(pages.problem_of(err, route))])
    return Preview(html=_unbuilt_photos(html, post, site.config.base_path, photos))


def files_folder(site_dir: Path, key: str | None) -> Path | None:
    """The folder whose files the post may name: its own, or for a post not saved yet the uploads waiting for it
    (a single-file post gets a folder when it is saved with files)."""
    from generator.desk import uploads

    if key is None or not key.endswith("/index.md"):
        staged = uploads.staging(site_dir)
        return staged if staged.is_dir() else None
    return (site_dir / key).parent


def _entry(site_dir: Path, config, unsaved: Unsaved, problems: Problems):
    """content.load of the unsaved text, written to a temporary file outside the site (the bundle's files are the
    real ones beside the saved post)."""
    with tempfile.TemporaryDirectory(prefix="pratinjau-") as scratch:
        source = Path(scratch) / unsaved.key
        source.parent.mkdir(parents=True)
        source.write_text(unsaved.text, encoding="utf-8")
        entry = content.load(Path(scratch), Source(unsaved.kind, source, unsaved.bundle), config.site,
                             ZoneInfo(config.site.timezone), problems)
    if entry is not None:
        entry = dataclasses.replace(entry, source=site_dir / unsaved.key)
    return entry


def _post(site, entry, problems: Problems):
    """A site_model.Post for the entry, placed in the site as a build would (its neighbours, terms, photos)."""
    from generator.engine.load import links_of
    from generator.model.markup import Renderer
    from generator.photos import gallery

    config = site.config
    known = next((p for p in site.posts + site.pages if p.entry.path == entry.path), None)
    url = urls.post_url(config, entry) if entry.kind == "post" else \
        urls.fill(config.permalinks.page, slug=entry.slug)
    post = site_model.Post(entry, url)
    if known is not None:
        post.newer, post.older, post.related = known.newer, known.older, known.related
    if entry.bundle is not None:
        post.photos = gallery.photos_of(entry, url, config.photos, problems)
        sizes = {name: (entry.bundle / name).stat().st_size for name in entry.files}
        post.attachments = _with_records(documents.attachments_of(entry, url, sizes), entry, known, config)
    if post.photos and entry.kind == "post":
        post.gallery_url = urls.gallery_url(config, entry)
        post.cover = next((p for p in post.photos if p.name == entry.cover), post.photos[0])
    rendered = Renderer().render(entry.body, links_of(post, config.base_path))
    post.html, post.summary = rendered.html, entry.summary or rendered.summary
    if entry.kind == "post":
        post.category = _term(site.categories, entry.category, config.permalinks.category)
        post.tags = [_term(site.tags, tag, config.permalinks.tag) for tag in entry.tags]
    return post


def _with_records(views: list, entry, known, config) -> list:
    """The attachments with their registry facts as the built page shows them: those the site gives a document the
    unsaved text types as the saved file does (its status and relations come from every document of the site), else
    the facts the unsaved text gives it alone (a type just set in the form)."""
    from generator.model import registry

    typed = {a.file: a.typed for a in entry.attachments if a.typed is not None}
    saved = {a.file: a.typed for a in (known.entry.attachments if known is not None else ()) if a.typed is not None}
    records = {a.name: a.record for a in (known.attachments if known is not None else ()) if a.record is not None}
    out = []
    for view in views:
        now = typed.get(view.name)
        if now is not None and view.name in records and _same(now, saved.get(view.name)):
            view = dataclasses.replace(view, record=records[view.name])
        elif now is not None:
            page = documents.page_url(now.jenis, now.address_number, view.url.rpartition("/")[0] + "/", view.name)
            alone = registry.Listed(entry.path, now, view.title, page, None)
            view = dataclasses.replace(view, record=registry.records([alone], documents.settings_of(config))[0])
        out.append(view)
    return out


def _same(typed, other) -> bool:
    """Two documents' fields alike but for the lines they were read from."""
    return other is not None and dataclasses.replace(typed, lines=()) == dataclasses.replace(other, lines=())


def _term(terms: list, name: str, pattern: str):
    slug = name_slug(name)
    found = next((t for t in terms if t.slug == slug), None)
    return found or site_model.Term(name, slug, urls.fill(pattern, slug=slug))


def _unbuilt_photos(html: str, post, base_path: str, photos: PhotoLinks) -> str:
    """The page with each photo size the site has not built yet (a photo just uploaded) pointing at the original."""
    for photo in post.photos:
        for variant in photo.variants:
            if not (photos.output / variant.url.lstrip("/")).is_file():
                address = base_path + variant.url.lstrip("/")
                html = re.sub(re.escape(address) + r"(?=[\s\"',)])", photos.link(photo.name), html)
    return html


def address_of(site_dir: Path, key: str) -> str | None:
    """The site-relative URL (with the base path) the saved post or page has, None when it does not read."""
    from generator.model import config as config_module

    problems = Problems()
    config = config_module.load(site_dir / "config.yaml", problems)
    source = site_dir / key
    if config is None or not source.is_file():
        return None
    kind = "page" if key.startswith("content/pages/") else "post"
    bundle = files_folder(site_dir, key) if key.endswith("/index.md") else None
    entry = content.load(site_dir, Source(kind, source, bundle), config.site, ZoneInfo(config.site.timezone), problems)
    if entry is None:
        return None
    url = urls.post_url(config, entry) if kind == "post" else urls.fill(config.permalinks.page,
                                                                                    slug=entry.slug)
    return config.base_path + url.lstrip("/")


def with_base(html: str, origin: str) -> str:
    """The page with a <base> naming the preview server, so the theme's styles and the built photos load inside
    the desk's frame (which has no address of its own)."""
    tag = f'<base href="{origin.rstrip("/")}/" target="_blank">'
    head = html.find("<head>")
    if head < 0:
        return tag + html
    return html[:head + 6] + tag + html[head + 6:]


__all__ = ["Preview", "SiteMemo", "Problem", "preview", "with_base"]
