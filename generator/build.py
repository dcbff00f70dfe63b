"""One build, top to bottom: read config and content, model the site, render, process photos, write."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, content, load, lock, parallel, writer
from . import config as config_module
from . import site as site_model
from .report import BuildFailed, Problem, Problems

# markup (Python-Markdown), render (Jinja2, Babel) and gallery (Pillow) are imported where they are needed:
# a build that finds nothing changed does not pay for importing them.


@dataclass(frozen=True)
class Options:
    site_dir: Path
    output_dir: Path | None = None
    drafts: bool = False
    future: bool = False
    now: dt.datetime | None = None
    workers: int = field(default_factory=parallel.default_workers)
    force: bool = False             # build into a folder holding files this site did not write (never deletes them)
    progress: bool = False          # a progress line on stderr (the command line sets it only on a terminal)
    search: bool = True             # make the search index again when pages changed (the preview's rebuilds skip it)
    cache: Path | None = None       # the build cache; default SITE/.cache
    lock_wait: float | None = None  # seconds to wait for another build of the site to finish (default lock.WAIT)
    on_wait: object = None          # called with the other build's process id when this one has to wait

    @property
    def output(self) -> Path:
        return self.output_dir or self.site_dir / "output"

    @property
    def cache_dir(self) -> Path:
        return self.cache or self.site_dir / ".cache"


@dataclass(frozen=True)
class Result:
    warnings: list[Problem]
    pages: int
    report: writer.WriteReport
    photos_made: int
    photos_reused: int
    seconds: float
    rendered: int = 0
    stages: tuple = ()              # (stage name, seconds), for --verbose

    def summary(self) -> str:
        return (f"{self.pages} halaman ({self.rendered} dibuat ulang); {self.report.written} berkas ditulis, "
                f"{self.report.unchanged} tidak berubah, {self.report.removed} dihapus; foto: {self.photos_made} "
                f"diolah, {self.photos_reused} dipakai ulang; {self.seconds:.2f} detik")


THEME_DIR = Path(__file__).resolve().parent.parent / "templates"     # the project's own theme
ASSETS = "assets"


def template_dir(site_dir: Path) -> Path:
    own = site_dir / "templates"
    return own if own.is_dir() else THEME_DIR


def load_site(options: Options, problems: Problems) -> site_model.Site:
    """Everything up to the site model with its Markdown rendered and its photos planned; no writing."""
    config = config_module.load(options.site_dir / "config.yaml", problems)
    if config is None:
        raise BuildFailed(problems)
    return load.load(options, config, "", problems, {}, cache.scan(options.site_dir / "content"), {}, load.Clock())


def build(options: Options, memory=None) -> Result:
    """Build the site into options.output; raise BuildFailed with every problem, leaving the output untouched.

    memory (a session.Memory, kept by the preview server between its rebuilds) stands in for the cache files
    when it holds the last build's state, and is given this build's state, or emptied when the build fails.
    """
    writer.check_output_dir(options.output, options.site_dir, options.cache_dir)
    with lock.held(options.cache_dir, options.lock_wait, options.on_wait):
        if memory is None:
            return _build(options, None)
        memory.flush()
        try:
            result = _build(options, memory)
        except BaseException:
            memory.forget()
            raise
        memory.output_state = writer.folder_state(options.output)
        return result


def _build(options: Options, memory) -> Result:
    from .pages import write_pages

    started, clock, problems = time.perf_counter(), load.Clock(), Problems()
    templates = template_dir(options.site_dir)
    with clock.stage("periksa perubahan"):
        index = memory.index if memory and memory.index else cache.load_index(options.cache_dir, options.site_dir)
        config_path = options.site_dir / "config.yaml"
        config_bytes = config_path.read_bytes() if config_path.is_file() else b""
        links: list[str] = []
        scan = cache.scan(options.site_dir / "content", links)
        present = cache.scan(options.output)
        theme = cache.scan(templates)
        site_key = cache.state_key(cache.digest(config_bytes), scan, theme, str(templates),
                                   options.drafts, options.future, str(options.output.resolve()), options.search)
        started_ns = time.time_ns()
        racy = [rel for rel, (_size, mtime) in scan.items() if cache.recent(mtime, started_ns)]
        if racy or _racy(theme):
            final_key, site_key = site_key, "-"     # a file changed moments ago could change again unseen
        now = (options.now or dt.datetime.now(dt.timezone.utc)).timestamp()
        unchanged = (site_key != "-" and index.site_key == site_key
                     and (index.next_publish is None or now < index.next_publish)
                     and all(present.get(rel) == kept[:2] for rel, kept in index.manifest.items()))
    if unchanged and (memory is None or memory.site is not None):
        # nothing the output depends on has changed, and the output is as the last build left it (the preview's
        # first build goes on, writing nothing, to hold the site model for its quick rebuilds); files this site
        # did not write are named again
        foreign = writer.foreign_files(present, index.manifest)
        return Result(index.warnings + writer.foreign_warning(options.output, foreign), index.pages,
                      writer.WriteReport(0, len(index.manifest), 0), 0, index.photos,
                      time.perf_counter() - started, 0, tuple(clock.stages))

    with clock.stage("baca config"):
        config = config_module.load(config_path, problems)
    if config is None:
        raise BuildFailed(problems)
    with clock.stage("muat cache"):
        old = memory.records if memory and memory.index is index else \
            cache.load_data(options.cache_dir, options.site_dir, index)
        before = {rel: _state(record) for rel, record in old.items()}
        old_shards = index.data_sha if old or not index.data_sha else {}
    records: dict[str, cache.SourceRecord] = {}
    related = dict(index.related)
    site = load.load(options, config, cache.digest(config_bytes), problems, old, scan, records, clock, related)
    content.check_links(options.site_dir, links, [record.entry for record in records.values()], problems)
    with clock.stage("daftar halaman"):
        routes = site_model.routes(site)
        site_model.check_urls(routes, problems)
    if problems.errors:
        raise BuildFailed(problems)

    outcome = write_pages(options, site, routes, templates, cache.digest(config_bytes), index, present,
                          problems, clock, records)
    if site_key == "-" and not _racy(theme) and _settled(racy, scan, records, load.photo_digests(site),
                                                         options.site_dir / "content", time.time_ns()):
        site_key = final_key
        load.trust_settled_photos(records)
    index = cache.Index(site_key, _next_publish(records, site.built, options), outcome.manifest, outcome.routes,
                        problems.warnings, len(routes), outcome.photos_made + outcome.photos_reused)
    index.related = related
    dirty = {cache.shard(rel) for rel in records.keys() ^ before.keys()}
    dirty |= {cache.shard(rel) for rel, record in records.items() if before.get(rel) != _state(record)}
    index.data_sha = dict(old_shards)
    with clock.stage("simpan cache"):
        save_cache(options, index, records, dirty)
    if memory is not None:
        memory.keep(index, records, site, routes, templates, cache.digest(config_bytes))
    warnings = problems.warnings + writer.foreign_warning(options.output, outcome.foreign)
    return Result(warnings, len(routes), outcome.report, outcome.photos_made, outcome.photos_reused,
                  time.perf_counter() - started, outcome.rendered, tuple(clock.stages))


def save_cache(options: Options, index: cache.Index, records: dict, dirty: set[int]) -> None:
    try:
        cache.save(options.cache_dir, options.site_dir, index, records, dirty)
    except OSError:
        pass        # a cache that cannot be written only makes the next build slower


def _racy(scan: dict) -> bool:
    """Some file was modified in the last two seconds: its (size, mtime) may not tell a second edit from the first."""
    now = time.time_ns()
    return any(cache.recent(mtime, now) for _size, mtime in scan.values())


def _settled(racy: list[str], scan: dict, records: dict, photos: dict[str, str], content_dir: Path,
             now_ns: int) -> bool:
    """The files that were just modified when the build began are now old enough, unchanged, and hold the very
    bytes this build read (as git does for its "racy" files): then any later edit will show in their time.

    A Markdown source is compared with the hash its record keeps, a photo with the hash its derived files are
    named after (`photos`: path below content/ -> hash); any other file (an attachment) is not settled here, so
    the next build compares everything again.
    """
    if cache.recent(max((scan[rel][1] for rel in racy), default=0), now_ns):
        return False
    for rel in racy:
        record = records.get(f"{content_dir.name}/{rel}")
        expected = record.sha if record is not None else photos.get(rel)
        try:
            st = os.stat(content_dir / rel)
            if expected is None or (st.st_size, st.st_mtime_ns) != scan[rel] \
                    or cache.digest((content_dir / rel).read_bytes()) != expected:
                return False
        except OSError:
            return False
    return True


def _state(record: cache.SourceRecord) -> tuple:
    return (record.size, record.mtime_ns, record.sha, record.key, record.photos_key, record.html_key, record.card,
            record.html_sig)


def _next_publish(records: dict, now: dt.datetime, options: Options) -> float | None:
    """When the first scheduled post comes due: a build after that time is not a no-op."""
    if options.future:
        return None
    due = [r.entry.date.timestamp() for r in records.values()
           if r.entry.date and r.entry.date > now and (options.drafts or not r.entry.draft)]
    return min(due) if due else None
