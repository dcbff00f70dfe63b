"""The whole output of one build: pages (unchanged ones skipped, the rest rendered over all cores), photos,
attachments, theme assets and the search index, staged and then put in place together by the writer."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core import parallel
from generator.core import progress as terminal
from generator.core.report import BuildFailed, Problems, processing
from generator.engine import fingerprint
from generator.engine import keys
from generator.engine.incremental import State
from generator.model import addresses, theme, urls
from generator.model.suffixes import is_video
from generator.model import site as site_model
from generator.render import writer

if TYPE_CHECKING:     # types only: the pipeline's options are a layer above
    from generator.options import Context


@dataclass
class Outcome:
    report: writer.WriteReport
    manifest: dict              # output path -> (size, mtime_ns, content key): the next build's cache.Index.manifest
    routes: dict                # output path -> fingerprint of what its template saw
    pages: int                  # routes of the site
    rendered: int
    photos_made: int
    photos_reused: int
    foreign: list            # files in the output this site did not write, left alone
    reach: dict              # what each template reads of the site (fingerprint.Templates.memo)


def write(ctx: Context, site: site_model.Site, routes: list, state: State, records: dict | None = None) -> Outcome:
    """Render what changed into a staging folder, process photos, and only then put it all in place.

    state: what the build found (the last build's index and the output as it is); records: the sources' cache
    records, which keep each post's card fingerprint between builds."""
    options, problems, clock, index, present = ctx.options, ctx.problems, ctx.clock, state.index, state.present
    update = writer.open_update(options, index.manifest, present)
    try:
        with clock.stage("sidik halaman"):
            wanted = {writer.relative_path(urls.output_file(r.url)): r for r in routes}   # last one wins
            templates = fingerprint.Templates(ctx.templates, index.reach)
            signatures = fingerprint.Signatures(site, ctx.config_key, records)
            prints, todo = {}, []
            for rel, route in wanted.items():
                prints[rel] = signatures.route(route, templates)
                if index.routes.get(rel) == prints[rel] and update.intact(rel):
                    update.keep(rel)
                else:
                    todo.append((rel, route))
        with clock.stage("render halaman"):
            _render(ctx, todo, site, update)
            theme_files = theme.assets(ctx.templates, options.site_dir, problems)
        if problems.errors:
            raise BuildFailed(problems)

        with clock.stage("foto"):
            views = [(post.entry.path, photo) for post in site.posts + site.pages for photo in post.photos]
            photo_files, made, reused = {}, 0, 0
            if views:
                from generator.photos import photocache

                photos = photocache.process(views, options.cache_dir / "photos", site.config.photos, options.workers,
                                            problems)
                photo_files, made, reused = photos.files, photos.made, photos.reused
        with clock.stage("gambar berbagi"):
            if site.posts and not problems.errors:
                from generator.render import sharecard

                photo_files.update(sharecard.process(site, theme_files, options.cache_dir / "kartu", options.workers,
                                                     problems, photo_files))
        if problems.errors:
            raise BuildFailed(problems)
        with clock.stage("pencarian"):
            search_files = _search(wanted, update, options, problems)
        with clock.stage("berkas"):
            attachments, videos = _bundle_files(site, ctx)
            generated = {**photo_files, **search_files, **videos}   # files the build made, in its cache, by content
            for url, source in {**attachments, **theme_files, **generated}.items():
                if isinstance(source, Path):
                    update.put_file(writer.relative_path(url), source, named_by_content=url in generated)
                else:       # a search fragment, kept in its page's record
                    update.put_data(writer.relative_path(url), f"sha1:{source.digest}", source.read_bytes)
        with clock.stage("tulis"):
            report, new_manifest = update.commit()
    except BaseException:
        update.abort()
        raise
    return Outcome(report, new_manifest, prints, len(routes), len(todo), made, reused, update.foreign,
                   templates.memo())


@dataclass
class PageJob:
    """Render one page (rel, route) and stage it unless the output already holds those bytes: (rel, key, staged
    size and time, or None when kept) or (rel, None, problem). Picklable: a spawned worker gets it without its
    renderer and makes its own from the same templates and site (see parallel.run)."""

    templates: object
    cache_dir: Path | None
    site: site_model.Site
    update: writer.Update
    _renderer: object = None

    def renderer(self):
        if self._renderer is None:
            from generator.render import pages

            self._renderer = pages.PageRenderer(pages.environment(self.templates, self.site.config, self.cache_dir),
                                                 self.site)
        return self._renderer

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_renderer": None}

    def __call__(self, item):
        from generator.render import pages

        rel, route = item
        with processing(route.source or f"{rel} (template {route.template})"):
            try:
                data = self.renderer().render(route)
            except pages.RENDER_ERRORS as err:
                return rel, None, pages.problem_of(err, route)
            key = keys.page_key(data)
            if self.update.intact(rel, key):
                return rel, key, None
            return rel, key, writer.stage_bytes(self.update.staging, rel, data)


def _render(ctx: Context, todo: list, site: site_model.Site, update: writer.Update) -> None:
    if not todo:
        return

    options, problems = ctx.options, ctx.problems
    one = PageJob(ctx.templates, options.cache_dir, site, update)
    problem = one.renderer().prepare(route.template for _rel, route in todo)
    if problem:
        problems.append(problem)
        return
    line = terminal.Line() if options.progress and len(todo) >= 500 else None
    failed: dict[tuple, object] = {}
    done = 0
    for group in parallel.run(one, todo, options.workers):
        for rel, key, outcome in group:
            if key is None:
                failed.setdefault((outcome.path, outcome.line), outcome)
            elif outcome is None:
                update.keep(rel)
            else:
                update.add_staged(rel, *outcome, key)
        done += len(group)
        if line:
            line.show(f"Membuat halaman [{terminal.bar(done, len(todo), 30, '.')}] {done}/{len(todo)}",
                      last=done == len(todo))
    if line:
        line.clear()
    problems.extend(failed.values())


def _search(wanted: dict, update: writer.Update, options, problems: Problems) -> dict:
    """The search index's files, made for the pages as they are now (search.index reuses an index of the same pages).

    The preview server's rebuilds skip it (Pagefind indexes the whole site again for any change, seconds on a large
    site): they keep the published index, and the next build with search on brings it up to date.
    """
    from generator.render import search

    pages = [rel for rel in wanted if rel.endswith(".html")]
    if not options.search:
        for rel in update.manifest:
            if rel.startswith(search.BUNDLE + "/") and update.intact(rel):
                update.keep(rel)
        return {}
    rendered = {}
    for rel in pages:       # every page is staged or kept by now, under the digest of its bytes
        if rel in update.staged:
            rendered["/" + rel] = search.Rendered(update.staged[rel][2], update.staging / rel)
        else:
            rendered["/" + rel] = search.Rendered(update.kept[rel][2], update.output / rel)
    return search.index(rendered, options.cache_dir, problems)


def _bundle_files(site: site_model.Site, ctx: Context) -> tuple[dict[str, Path], dict[str, Path]]:
    """The bundles' non-photo files (PDF, documents, videos), published beside the post page as they are, and the
    copies to publish instead of the videos among them that carry the place they were filmed: cleaned of it in the
    cache (photos.videocache). A video that could not be cleaned is not published; one that cannot be read is, as
    it is (videocache warns)."""
    found = addresses.attachments(site)
    attachments = {url: entry.bundle / name for url, (entry, name) in found.items()}
    filmed = {url: (entry, name) for url, (entry, name) in found.items() if is_video(name)}
    if not filmed:
        return attachments, {}
    from generator.photos import videocache     # only where there are videos: its modules were 1% of an edit's build

    videos = [videocache.Video(url, entry.bundle / name, posixpath.join(posixpath.dirname(entry.path), name))
              for url, (entry, name) in filmed.items()]
    options = ctx.options
    copies = videocache.clean(videos, options.cache_dir / "video", ctx.problems, options.racy_clock, options.verify)
    for url in [url for url, copy in copies.items() if copy is None]:
        del attachments[url], copies[url]
    return attachments, copies
