"""The preview's memory between rebuilds, and its quick rebuild of a post edited where only its own pages show it."""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.core import racy
from generator.core.hashing import digest
from generator.core.report import BuildFailed, Problems
from generator.engine import cache, fingerprint, incremental
from generator.engine import keys
from generator.engine.load import links_of
from generator.model import content, urls
from generator.model import site as site_model
from generator.model.discovery import Source
from generator.options import Options, Result
from generator.render import writer


@dataclass
class Memory:
    """What the last successful build in this process left: cache records and index, the model, its routes.

    It is the incremental.Memory that build() takes: build() reads it instead of the cache files and fills it
    again; quick_rebuild() patches it. Anything that fails empties it, so the next build starts from the files on
    disk.
    """

    index: cache.Index | None = None
    records: dict = field(default_factory=dict)
    site: site_model.Site | None = None
    routes: list = field(default_factory=list)
    templates: tuple[Path, ...] = ()   # the template folders (theme.folders)
    config_key: str = ""
    theme: fingerprint.Templates | None = None
    compiled: object = None           # pages.PageRenderer: Jinja environment and compiled templates, for quick rebuilds
    compiled_theme: str = ""          # the theme those templates were compiled from
    renderer: object = None           # markup.Renderer
    unsaved: tuple | None = None      # (options, dirty shards): the cache files still to be brought up to date
    output_state: tuple | None = None # writer.folder_state of the output after the last write: if it differs, the
                                      # output was deleted or changed by hand, and only a full build restores it
    cache_state: tuple | None = None  # cache.index_state after this process last saved the cache: if it differs,
                                      # another build of the site (the command line's) saved it since, and the
                                      # memory is older than the output and its ledger (search index included)

    def keep(self, index, records, site, routes, templates: tuple[Path, ...], config_key: str) -> None:
        same_theme = self.site is not None and self.templates == templates and self.config_key == config_key
        self.index, self.records, self.site, self.routes = index, records, site, routes
        self.templates, self.config_key = templates, config_key
        self.theme = fingerprint.Templates(templates)
        if not (same_theme and self.compiled is not None and self.theme.digest == self.compiled_theme):
            self.compiled = None
        self.unsaved = None

    def warm(self) -> None:
        """Import Markdown and compile the post templates now, so that the first quick rebuild does not wait."""
        from generator.model.markup import Renderer

        self.renderer = self.renderer or Renderer()
        if self.site is not None:
            self.page_renderer().prepare({route.template for route in self.routes if "post" in route.context})

    def page_renderer(self):
        """pages.PageRenderer for the site in memory, its Jinja templates compiled once and kept between rebuilds."""
        from generator.render import pages

        if self.compiled is None:
            self.compiled = pages.PageRenderer(pages.environment(self.templates, self.site.config), self.site)
            self.compiled_theme = self.theme.digest
        self.compiled.use(self.site)
        return self.compiled

    def forget(self) -> None:
        renderer = self.renderer
        self.__init__()
        self.renderer = renderer      # Markdown settings do not depend on the site

    def flush(self) -> None:
        """Write the cache files a quick rebuild left for later (the preview does it after telling pages to reload);
        when another build saved the cache meanwhile, its files stand and the memory is emptied instead."""
        if self.unsaved is not None and self.index is not None:
            options, dirty = self.unsaved
            if not self.current(options.cache_dir):
                self.forget()
                return
            incremental.save(options, self.index, self.records, dirty)
            self.cache_state = cache.index_state(options.cache_dir)
        self.unsaved = None

    def current(self, cache_dir: Path) -> bool:
        """No other build of the site has saved the cache since this memory was kept."""
        return cache.index_state(cache_dir) == self.cache_state


def preview_options(options: Options) -> Options:
    """The preview's builds: drafts included and marked as drafts on their pages (a new post is a draft, and
    should not be missing from the preview), with the count on the home page."""
    return dataclasses.replace(options, drafts=True, preview=True)


def drafts_line(site: site_model.Site | None) -> str:
    """What the preview says about drafts in the terminal: how many it shows, and that they are not published."""
    count = len(site.drafts) if site is not None else 0
    if not count:
        return ""
    return (f"{count} berita draf ikut ditampilkan di pratinjau, bertanda DRAF; draf tidak ikut terbit "
            "(hapus baris 'draft: true' untuk menerbitkannya).")


def quick_rebuild(options: Options, memory: Memory, changes: dict[str, list[str]]) -> Result | None:
    """Re-render only the pages showing the edited posts in full (their page, gallery, redirects), when each edit
    changes nothing other pages see (title, dates, tags, summary, photos: the post's card); None when it does,
    or when anything else changed, and a full build must decide."""
    started = time.perf_counter()
    site = memory.site
    if site is None or memory.index is None or set(changes) != {"content"} or options.search:
        return None
    if memory.output_state is None or writer.folder_state(options.output) != memory.output_state:
        return None
    if not memory.current(options.cache_dir):
        return None                  # a build from the command line since: the full build starts from its files
    if memory.theme is None or memory.theme.untracked:      # pages may show more of a post than its page
        return None
    if memory.index.next_publish is not None and time.time() >= memory.index.next_publish:
        return None
    by_path = {post.entry.path: post for post in site.posts + site.pages}
    edits = []
    for rel in changes["content"]:
        post, record = by_path.get(rel), memory.records.get(rel)
        if post is None or record is None:
            return None
        edit = _reread(options, memory, post, record)
        if edit is None:
            return None
        if edit:                     # () when the file holds the bytes it held
            edits.append((rel, post, edit))
    for rel, post, (entry, record) in edits:
        post.entry, post.html = entry, record.html
        memory.records[rel] = record
    shown = [route for route in memory.routes if any(post is value for _r, post, _e in edits
                                                      for value in route.context.values())]
    return _write(options, memory, shown, [rel for rel, _p, _e in edits], started)


def _reread(options: Options, memory: Memory, post: site_model.Post, record: cache.SourceRecord):
    """(new entry, new record) for an edit no other page shows; () when the file holds what it held; else None."""
    site, source = memory.site, post.entry.source
    if source.is_symlink():
        return None                  # the full build decides where it leads (content.check_links)
    try:
        stat = source.stat()
        data = source.read_bytes()
    except OSError:
        return None
    sha = digest(data)
    if sha == record.sha:
        return ()
    found = Problems()
    entry = content.load(options.site_dir, Source(post.entry.kind, source, post.entry.bundle), site.config.site,
                         ZoneInfo(site.config.site.timezone), found)
    if entry is None or found.errors or source.read_bytes() != data:
        return None                  # the full build reports errors together with the rest of the site
    if dataclasses.replace(entry, body=post.entry.body, body_line=post.entry.body_line, lines=post.entry.lines) \
            != post.entry:
        return None
    from generator.model.markup import Renderer

    links = links_of(post, site.config.base_path)
    memory.renderer = memory.renderer or Renderer()
    rendered = memory.renderer.render(entry.body, links)
    if (entry.summary or rendered.summary) != post.summary:
        return None
    return entry, cache.SourceRecord(
        size=len(data), mtime_ns=racy.trusted_mtime(racy.stamp(stat)[1], options.racy_clock.now_ns()), sha=sha,
        key=record.key, entry=entry, warnings=found.warnings, photos_key=record.photos_key, photos=record.photos,
        photos_racy=record.photos_racy, html_key=keys.markdown_key(sha, entry.body_line, links), html=rendered.html,
        summary=rendered.summary)


def _write(options: Options, memory: Memory, routes: list, edited: list[str], started: float) -> Result:
    """Render routes, write the ones whose bytes changed, and bring the index up to date (saved later)."""
    from generator.render import pages

    site, index, renderer = memory.site, memory.index, memory.page_renderer()
    signatures = fingerprint.Signatures(site, memory.config_key, memory.records)
    rels = {writer.relative_path(urls.output_file(route.url)): route for route in routes}
    present = {}
    for rel in rels:
        try:
            st = os.stat(options.output / rel)
            present[rel] = (st.st_size, st.st_mtime_ns)
        except OSError:
            pass
    update = writer.Update(options.output, index.manifest, present, clock=options.racy_clock)
    try:
        for rel, route in rels.items():
            try:
                data = renderer.render(route)
            except pages.RENDER_ERRORS as err:
                raise BuildFailed([pages.problem_of(err, route)]) from None
            update.put_bytes(rel, data, digest(data))
            index.routes[rel] = signatures.route(route, memory.theme)
        report, written = update.commit()
    except BaseException:
        update.abort()
        memory.forget()
        raise
    index.manifest.update(written)
    memory.output_state = writer.folder_state(options.output)
    index.site_key = incremental.UNSETTLED   # the next plain build checks everything again before it may skip
    warnings = [w for w in index.warnings if w.path not in edited]
    index.warnings = warnings + [w for rel in edited for w in memory.records[rel].warnings]
    memory.unsaved = (options, {cache.shard(rel) for rel in edited} | (memory.unsaved or (None, set()))[1])
    report = writer.WriteReport(report.written, len(index.manifest) - report.written, 0)
    return Result(index.warnings, index.pages, report, 0, index.photos, time.perf_counter() - started, len(rels))
