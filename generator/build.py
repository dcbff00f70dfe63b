"""One build, top to bottom: read config and content, model the site, render, process photos, write."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from . import config as config_module
from . import content, gallery, markup, photocache, render, search, site as site_model, writer
from .report import BuildFailed, Problem, Problems


@dataclass(frozen=True)
class Options:
    site_dir: Path
    output_dir: Path | None = None
    drafts: bool = False
    future: bool = False
    now: dt.datetime | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)

    @property
    def output(self) -> Path:
        return self.output_dir or self.site_dir / "output"

    @property
    def cache_dir(self) -> Path:
        return self.site_dir / ".cache"


@dataclass(frozen=True)
class Result:
    warnings: list[Problem]
    pages: int
    report: writer.WriteReport
    photos_made: int
    photos_reused: int
    seconds: float

    def summary(self) -> str:
        return (f"{self.pages} halaman; {self.report.written} berkas ditulis, {self.report.unchanged} tidak berubah, "
                f"{self.report.removed} dihapus; foto: {self.photos_made} diolah, {self.photos_reused} dipakai ulang; "
                f"{self.seconds:.2f} detik")


def template_dir(site_dir: Path) -> Path:
    own = site_dir / "templates"
    return own if own.is_dir() else render.THEME_DIR


def load_site(options: Options, problems: Problems) -> site_model.Site:
    """Everything up to the site model with its Markdown rendered and its photos planned; no writing."""
    config = config_module.load(options.site_dir / "config.yaml", problems)
    if config is None:
        raise BuildFailed(problems)
    zone = ZoneInfo(config.site.timezone)
    now = (options.now or dt.datetime.now(dt.timezone.utc)).astimezone(zone)
    entries = [content.load(options.site_dir, kind, md, bundle, config.site, zone, problems)
               for kind, md, bundle in content.discover(options.site_dir / "content")]
    site = site_model.assemble([e for e in entries if e], config, now, options.drafts, options.future, problems)
    index = photocache.ProbeIndex(options.cache_dir / "photos")
    for post in site.posts + site.pages:
        if post.entry.bundle:      # a page bundle's photos are made too (for its inline images), without a gallery
            post.photos = gallery.photos_of(post.entry, post.url, config.photos, problems, index)
        if post.photos and post.entry.kind == "post":
            post.gallery_url = site_model.gallery_url(config, post.entry)
            post.cover = next((p for p in post.photos if p.name == post.entry.cover), post.photos[0])
        rendered = markup.render(post.entry.body, _links(post, config.base_path))
        post.html = rendered.html
        post.summary = post.entry.summary or rendered.summary
    index.save()
    return site


def _links(post: site_model.Post, base: str) -> markup.Links:
    """Published URLs (with the site's base path) of the bundle's files, for links in the Markdown."""
    def url(path: str) -> str:
        return base + path.lstrip("/")

    photos = {p.name: markup.Image(url(p.web.url), p.web.width, p.web.height, p.srcset(p.fallback, url))
              for p in post.photos}
    files = {name: url(post.url + quote(name)) for name in post.entry.files if name not in photos}
    return markup.Links(files, photos, base)


def build(options: Options) -> Result:
    """Build the site into options.output; raise BuildFailed with every problem, leaving the output untouched."""
    started = time.perf_counter()
    problems = Problems()
    writer.check_output_dir(options.output, options.site_dir)
    site = load_site(options, problems)
    routes = site_model.routes(site)
    site_model.check_urls(routes, problems)
    if problems.errors:
        raise BuildFailed(problems)

    templates = template_dir(options.site_dir)
    env = render.environment(templates, site.config)
    pages = render.render_routes(env, site, routes, problems)
    if problems.errors:
        raise BuildFailed(problems)

    views = [(post.entry.path, photo) for post in site.posts + site.pages for photo in post.photos]
    photos = photocache.process(views, options.cache_dir / "photos", site.config.photos, options.workers, problems)
    if problems.errors:
        raise BuildFailed(problems)

    files = dict(photos.files)
    files.update(_attachments(site))
    files.update(_assets(templates))
    files.update(search.index(pages, options.cache_dir, problems))
    report = writer.write_site(options.output, {site_model.output_file(u): b for u, b in pages.items()}, files)
    return Result(problems.warnings, len(pages), report, photos.made, photos.reused, time.perf_counter() - started)


def _attachments(site: site_model.Site) -> dict[str, Path]:
    """Non-photo files of a bundle (PDF, documents) are published beside the post page."""
    out = {}
    for post in site.posts + site.pages:
        photo_names = {p.name for p in post.photos}
        for name in post.entry.files:
            if name not in photo_names and not name.startswith(".") and post.entry.bundle:
                if os.path.splitext(name)[1].lower() not in content.PHOTO_SUFFIXES:
                    out[post.url + name] = post.entry.bundle / name
    return out


def _assets(templates: Path) -> dict[str, Path]:
    folder = templates / render.ASSETS
    if not folder.is_dir():
        return {}
    return {f"/{render.ASSETS}/{p.relative_to(folder).as_posix()}": p for p in sorted(folder.rglob("*")) if p.is_file()}
