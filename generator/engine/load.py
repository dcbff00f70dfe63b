"""Sources to site model: entries (reused from the cache when unchanged), the model, photo plans and Markdown."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote
from zoneinfo import ZoneInfo

from generator.core import parallel
from generator.core.hashing import digest
from generator.core.racy import recent, trusted_mtime
from generator.core.report import Problems, processing
from generator.engine import keys
from generator.engine.cache import SourceRecord
from generator.engine.incremental import Previous
from generator.model import assembly, content, discovery, documents, urls
from generator.model import site as site_model
from generator.model.discovery import Source
from generator.model.entries import PHOTO_SUFFIXES, UNSUPPORTED_PHOTOS

if TYPE_CHECKING:     # types only: the pipeline's options are a layer above
    from generator.options import Context

# markup (Python-Markdown) and gallery (Pillow) are imported where they are needed: a build that finds
# nothing changed does not pay for importing them.


@dataclass
class Loaded:
    """What load makes: the site model, the record of every source (for the cache), the memo of related posts."""

    site: site_model.Site
    records: dict[str, SourceRecord]
    related: dict


def load(ctx: Context, scan: dict, previous: Previous | None = None) -> Loaded:
    """The site model, reusing what the last build's records hold for sources, photos and Markdown that did not
    change (scan: the files below content/, as incremental.survey found them)."""
    options, config, problems, clock = ctx.options, ctx.config, ctx.problems, ctx.clock
    previous = previous or Previous.empty()
    old, records, related = previous.records, {}, dict(previous.related)
    site_dir, content_dir = options.site_dir, options.content_dir
    zone = ZoneInfo(config.site.timezone)
    now = options.moment().astimezone(zone)
    folders: dict[str, list[str]] = {}
    for rel in scan:
        folder, _, name = rel.rpartition("/")
        folders.setdefault(folder, []).append(name)
    entries = []
    prefix = content_dir.relative_to(site_dir).as_posix() + "/"
    with clock.stage("baca isi"):
        plan, todo = [], []
        for kind, crel, bundle in discovery.sources(scan):
            files = sorted(n for n in folders.get(crel.rpartition("/")[0], []) if n != "index.md") if bundle else []
            key = keys.source_key(ctx.config_key, kind, files)
            record = _reuse(old.get(prefix + crel), key, scan.get(crel), content_dir / crel, crel in previous.suspect)
            plan.append((prefix + crel, record))
            if record is None:
                todo.append((kind, crel, bundle, key))
        read = iter(_read(ctx, todo, zone, scan))
        for rel, record in plan:
            if record is None:
                record, found = next(read)
                problems.extend(found)
                if record is None:
                    continue
            else:
                problems.extend(record.warnings)
            record.mtime_ns = trusted_mtime(record.mtime_ns, options.racy_clock.now_ns())
            records[rel] = record
            entries.append(record.entry)
    with clock.stage("model situs"):
        site = assembly.assemble(entries, config, assembly.Moment(now, options.drafts, options.future), problems,
                                    related)
        site.preview = options.preview
        documents.attach(site.posts + site.pages, scan)
        site.document_texts = documents.register(ctx, site.posts + site.pages, now)
    by_path = {r.entry.path: r for r in records.values()}
    with clock.stage("foto (rencana)"):
        probes: list = []           # the photo probe index, opened only when some bundle's photos changed
        for post in site.posts + site.pages:
            if post.entry.bundle:   # a page bundle's photos are made too (for its inline images), without a gallery
                _plan_photos(ctx, post, by_path[post.entry.path], (scan, previous.suspect),
                             lambda: probes[0] if probes else _open_probes(probes, options, previous.suspect))
        for index in probes:
            index.save()
    with clock.stage("markdown"):
        _markdown(site, by_path, config.base_path, options.workers)
    return Loaded(site, records, related)


def _read(ctx: Context, todo: list, zone: ZoneInfo, scan: dict) -> list[tuple]:
    """(record or None, problems) of each source to read, over all cores. A source with no other file beside it
    has its Markdown rendered in the same pass: its links (none) need nothing from the site model."""
    options = ctx.options
    one = SourceJob(options.site_dir, options.content_dir, ctx.config.site, ctx.config.base_path, zone, scan)
    return [result for group in parallel.run(one, todo, options.workers) for result in group]


@dataclass
class SourceJob:
    """Read one source (kind, path below content/, bundle, key) into its record. Picklable, for spawned workers
    (see parallel.run); the Markdown renderer is made on first use in each process."""

    site_dir: Path
    content_dir: Path
    settings: object                 # config.site
    base_path: str
    zone: ZoneInfo
    scan: dict
    _renderer: object = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_renderer": None}

    def __call__(self, item):
        with processing(f"content/{item[1]}"):
            return self._read(item)

    def _read(self, item):
        from generator.model.markup import Links

        kind, crel, bundle, key = item
        md, found = self.content_dir / crel, Problems()
        data = md.read_bytes()
        found_source = Source(kind, md, self.content_dir / bundle if bundle is not None else None)
        entry = content.load(self.site_dir, found_source, self.settings, self.zone, found)
        if entry is None:
            return None, found
        sha = digest(data) if md.read_bytes() == data else ""    # "": changed while read, read again
        record = SourceRecord(size=len(data), mtime_ns=self.scan.get(crel, (0, 0))[1], sha=sha, key=key, entry=entry,
                              warnings=found.warnings)
        if sha and not entry.files:
            if self._renderer is None:
                from generator.model.markup import Renderer

                self._renderer = Renderer()
            no_links = Links({}, {}, self.base_path)
            rendered = self._renderer.render(entry.body, no_links)
            record.html_key = keys.markdown_key(sha, entry.body_line, no_links)
            record.html, record.summary = rendered.html, rendered.summary
        return record, found


def _reuse(record: SourceRecord | None, key: str, stat: tuple | None, path: Path,
           suspect: bool) -> SourceRecord | None:
    """The cached record of a source if it still describes the file: same size and time (unless its times are
    suspect: incremental.survey), or the same bytes."""
    if record is None or record.key != key or stat is None:
        return None
    if (record.size, record.mtime_ns) == stat and not suspect:
        return record
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if digest(data) != record.sha:
        return None
    record.size, record.mtime_ns = stat
    return record


def _open_probes(probes: list, options, suspect: frozenset[str]):
    from generator.photos.probe import ProbeIndex

    content_dir = options.content_dir
    probes.append(ProbeIndex(options.cache_dir / "photos", {os.path.abspath(content_dir / rel) for rel in suspect},
                             options.racy_clock))
    return probes[0]


def _plan_photos(ctx: Context, post, record: SourceRecord, found: tuple[dict, frozenset], probes) -> None:
    """Plan the bundle's photos again unless its record's plan was made from photos of the same size and time
    (and not racy, nor suspect: incremental.survey)."""
    (scan, suspect), config, problems, entry = found, ctx.config, ctx.problems, post.entry
    photo_like = PHOTO_SUFFIXES | UNSUPPORTED_PHOTOS
    if not entry.gallery and not any(os.path.splitext(n)[1].lower() in photo_like for n in entry.files):
        post.photos = []          # no photo: nothing to plan, no need to import Pillow
        record.photos_key, record.photos, record.photos_racy = "", [], False
        return
    folder = entry.path.rpartition("/")[0].partition("/")[2]         # the bundle, below content/
    key = keys.photos_key(config.photos, post, [(name, scan.get(f"{folder}/{name}")) for name in entry.files])
    if record.photos_key == key and not record.photos_racy and not any(f"{folder}/{n}" in suspect for n in entry.files):
        post.photos = record.photos
    else:
        from generator.photos import gallery

        before = len(problems.errors)
        post.photos = gallery.photos_of(entry, post.url, config.photos, problems, probes())
        if len(problems.errors) == before:
            # A photo written moments ago could change again under the same size and time: the plan is marked
            # racy, so the next build plans the bundle again and the probe index compares the photo's bytes,
            # unless this build finds the photo settled (incremental.conclude) and lifts the mark.
            now = ctx.options.racy_clock.now_ns()
            record.photos_racy = any(recent((scan.get(f"{folder}/{name}") or (0, 0))[1], now) for name in entry.files)
            record.photos_key, record.photos, record.html_key = key, post.photos, ""
    if post.photos and entry.kind == "post":
        post.gallery_url = urls.gallery_url(config, entry)
        post.cover = next((p for p in post.photos if p.name == entry.cover), post.photos[0])


def _markdown(site: site_model.Site, records: dict, base_path: str, workers: int) -> None:
    """Render the Markdown of every post and page whose text or bundle links changed, over all cores."""
    todo = []
    for post in site.posts + site.pages:
        record = records[post.entry.path]
        links = links_of(post, base_path)
        key = keys.markdown_key(record.sha, post.entry.body_line, links)
        if record.html_key == key:
            post.html, post.summary = record.html, post.entry.summary or record.summary
        else:
            todo.append((post, record, key, links))
    if not todo:
        return
    bodies = [(post.entry.path, post.entry.body, links) for post, _record, _key, links in todo]
    done = (result for group in parallel.run(MarkdownJob(), bodies, workers) for result in group)
    for (post, record, key, _links_), (html, summary) in zip(todo, done):
        record.html_key, record.html, record.summary = key, html, summary
        post.html, post.summary = html, post.entry.summary or summary


@dataclass
class MarkdownJob:
    """One body (path, Markdown, links) to (html, summary); picklable, the renderer made on first use per process."""

    _renderer: object = None

    def __getstate__(self) -> dict:
        return {"_renderer": None}

    def __call__(self, item):
        path, body, links = item
        with processing(path):
            if self._renderer is None:
                from generator.model.markup import Renderer

                self._renderer = Renderer()
            rendered = self._renderer.render(body, links)
            return rendered.html, rendered.summary


def links_of(post: site_model.Post, base_path: str = "/"):
    """Published URLs of the bundle's files, under the site's base path (the Markdown HTML is not templated)."""
    from generator.model.markup import Image, Links

    def url(path: str) -> str:
        return base_path + path.lstrip("/")

    photos = {p.name: Image(url(p.web.url), p.web.width, p.web.height, p.srcset(p.fallback, url)) for p in post.photos}
    files = {name: url(post.url + quote(name)) for name in post.entry.files if name not in photos}
    return Links(files, photos, base_path, post.entry.poster)
