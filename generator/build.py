"""One build, top to bottom: read config and content, model the site, render, process photos, write."""

from __future__ import annotations

import datetime as dt
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from . import cache, content, parallel, writer
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
    progress: bool = False          # a progress line on stderr (the command line sets it only on a terminal)
    search: bool = True             # make the search index again when pages changed (the preview's rebuilds skip it)
    cache: Path | None = None       # the build cache; default SITE/.cache

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


class _Clock:
    def __init__(self):
        self.stages: list[tuple[str, float]] = []

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages.append((name, time.perf_counter() - started))


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
    return _load_site(options, config, "", problems, {}, cache.scan(options.site_dir / "content"), {}, _Clock())


def _load_site(options: Options, config, config_key: str, problems: Problems, old: dict, scan: dict,
               records: dict, clock: _Clock) -> site_model.Site:
    """The site model, reusing what the cache holds for sources, photos and Markdown that did not change."""
    site_dir, content_dir = options.site_dir, options.site_dir / "content"
    zone = ZoneInfo(config.site.timezone)
    now = (options.now or dt.datetime.now(dt.timezone.utc)).astimezone(zone)
    folders: dict[str, list[str]] = {}
    for rel in scan:
        folder, _, name = rel.rpartition("/")
        folders.setdefault(folder, []).append(name)
    entries = []
    recent = time.time_ns() - RACY_NS
    prefix = content_dir.relative_to(site_dir).as_posix() + "/"
    with clock.stage("baca isi"):
        for kind, crel, bundle in _discover(scan):
            rel = prefix + crel
            files = sorted(n for n in folders.get(crel.rpartition("/")[0], []) if n != "index.md") if bundle else []
            key = cache.digest(f"{config_key}\0{kind}\0{files}")
            record = _reuse(old.get(rel), key, scan.get(crel), content_dir, crel)
            if record is None:
                md, bundle = content_dir / crel, content_dir / bundle if bundle is not None else None
                found = Problems()
                data = md.read_bytes()
                entry = content.load(site_dir, kind, md, bundle, config.site, zone, found)
                problems.extend(found)
                if entry is None:
                    continue
                sha = cache.digest(data) if md.read_bytes() == data else ""    # "": changed while read, read again
                record = cache.SourceRecord(len(data), scan.get(crel, (0, 0))[1], sha, key, entry, found.warnings)
            else:
                problems.extend(record.warnings)
            if record.mtime_ns >= recent:
                record.mtime_ns = -1        # too recent to trust its time next build: compare its hash instead
            records[rel] = record
            entries.append(record.entry)
    with clock.stage("model situs"):
        site = site_model.assemble(entries, config, now, options.drafts, options.future, problems)
    by_path = {r.entry.path: r for r in records.values()}
    with clock.stage("foto (rencana)"):
        probes: list = []           # the photo probe index, opened only when some bundle's photos changed
        for post in site.posts + site.pages:
            if post.entry.bundle:   # a page bundle's photos are made too (for its inline images), without a gallery
                _plan_photos(post, by_path[post.entry.path], config, scan, content_dir, problems,
                             lambda: probes[0] if probes else _open_probes(probes, options.cache_dir))
        for index in probes:
            index.save()
    with clock.stage("markdown"):
        _markdown(site, by_path, config.base_path, options.workers)
    return site


def _discover(scan: dict) -> list[tuple[str, str, str | None]]:
    """content.discover() from the scan already made: (kind, path below content/, bundle folder or None), same order."""
    found = []
    for kind, top in (("post", "posts"), ("page", "pages")):
        names = [rel[len(top) + 1:] for rel in scan if rel.startswith(top + "/") and rel.endswith(".md")]
        bundles = {name.rpartition("/")[0] for name in names if name == "index.md" or name.endswith("/index.md")}
        for name in sorted(names, key=lambda n: n.split("/")):
            parts = name.split("/")
            if any(part.startswith((".", "_")) for part in parts):
                continue
            folder = name.rpartition("/")[0]
            if parts[-1] == "index.md":
                found.append((kind, f"{top}/{name}", f"{top}/{folder}" if folder else top))
            elif not any("/".join(parts[:i]) in bundles for i in range(len(parts))):
                found.append((kind, f"{top}/{name}", None))
    return found


def _reuse(record: cache.SourceRecord | None, key: str, stat: tuple | None, content_dir: Path,
           crel: str) -> cache.SourceRecord | None:
    """The cached record of a source if it still describes the file: same size and time, or the same bytes."""
    if record is None or record.key != key or stat is None:
        return None
    if (record.size, record.mtime_ns) == stat:
        return record
    try:
        data = (content_dir / crel).read_bytes()
    except OSError:
        return None
    if cache.digest(data) != record.sha:
        return None
    record.size, record.mtime_ns = stat
    return record


def _open_probes(probes: list, cache_dir: Path):
    from .photocache import ProbeIndex

    probes.append(ProbeIndex(cache_dir / "photos"))
    return probes[0]


def _plan_photos(post, record: cache.SourceRecord, config, scan: dict, content_dir: Path, problems: Problems,
                 probes) -> None:
    entry = post.entry
    photo_like = content.PHOTO_SUFFIXES | content.UNSUPPORTED_PHOTOS
    if not entry.gallery and not any(os.path.splitext(n)[1].lower() in photo_like for n in entry.files):
        post.photos = []          # no photo: nothing to plan, no need to import Pillow
        record.photos_key, record.photos = "", []
        return
    folder = entry.path.rpartition("/")[0].partition("/")[2]         # the bundle, below content/
    key = cache.digest(repr((config.photos, post.url, entry.title, entry.gallery, entry.cover,
                             [(name, scan.get(f"{folder}/{name}")) for name in entry.files])))
    if record.photos_key == key:
        post.photos = record.photos
    else:
        from . import gallery

        before = len(problems.errors)
        post.photos = gallery.photos_of(entry, post.url, config.photos, problems, probes())
        if len(problems.errors) == before:
            record.photos_key, record.photos, record.html_key = key, post.photos, ""
    if post.photos and entry.kind == "post":
        post.gallery_url = site_model.gallery_url(config, entry)
        post.cover = next((p for p in post.photos if p.name == entry.cover), post.photos[0])


def _markdown(site: site_model.Site, records: dict, base_path: str, workers: int) -> None:
    """Render the Markdown of every post and page whose text or bundle links changed, over all cores."""
    todo = []
    for post in site.posts + site.pages:
        record = records[post.entry.path]
        links = _links(post, base_path)
        key = markdown_key(record.sha, post.entry.body_line, links)
        if record.html_key == key:
            post.html, post.summary = record.html, post.entry.summary or record.summary
        else:
            todo.append((post, record, key, links))
    if not todo:
        return
    from .markup import Renderer

    renderer = Renderer()

    def convert(item):
        rendered = renderer.render(item[0].entry.body, item[3])
        return rendered.html, rendered.summary

    done = (result for group in parallel.run(convert, todo, workers) for result in group)
    for (post, record, key, _links_), (html, summary) in zip(todo, done):
        record.html_key, record.html, record.summary = key, html, summary
        post.html, post.summary = html, post.entry.summary or summary


def markdown_key(sha: str, body_line: int, links) -> str:
    """What a post's rendered Markdown depends on: the file's hash stands for its body."""
    return cache.digest(repr((sha, body_line, links)))


def _links(post: site_model.Post, base_path: str = "/"):
    """Published URLs of the bundle's files, under the site's base path (the Markdown HTML is not templated)."""
    from .markup import Image, Links

    def url(path: str) -> str:
        return base_path + path.lstrip("/")

    photos = {p.name: Image(url(p.web.url), p.web.width, p.web.height, p.srcset(p.fallback, url)) for p in post.photos}
    files = {name: url(post.url + quote(name)) for name in post.entry.files if name not in photos}
    return Links(files, photos, base_path)


def build(options: Options, memory=None) -> Result:
    """Build the site into options.output; raise BuildFailed with every problem, leaving the output untouched.

    memory (a session.Memory, kept by the preview server between its rebuilds) stands in for the cache files
    when it holds the last build's state, and is given this build's state, or emptied when the build fails.
    """
    if memory is None:
        return _build(options, None)
    memory.flush()
    try:
        return _build(options, memory)
    except BaseException:
        memory.forget()
        raise


def _build(options: Options, memory) -> Result:
    from .pages import write_pages

    started, clock, problems = time.perf_counter(), _Clock(), Problems()
    writer.check_output_dir(options.output, options.site_dir)
    templates = template_dir(options.site_dir)
    with clock.stage("periksa perubahan"):
        index = memory.index if memory and memory.index else cache.load_index(options.cache_dir, options.site_dir)
        config_path = options.site_dir / "config.yaml"
        config_bytes = config_path.read_bytes() if config_path.is_file() else b""
        scan = cache.scan(options.site_dir / "content")
        present = cache.scan(options.output)
        theme = cache.scan(templates)
        site_key = cache.state_key(cache.digest(config_bytes), scan, theme, str(templates),
                                   options.drafts, options.future, str(options.output.resolve()), options.search)
        recent = time.time_ns() - RACY_NS
        racy = [rel for rel, (_size, mtime) in scan.items() if mtime >= recent]
        if racy or _racy(theme):
            final_key, site_key = site_key, "-"     # a file changed moments ago could change again unseen
        now = (options.now or dt.datetime.now(dt.timezone.utc)).timestamp()
        unchanged = (site_key != "-" and index.site_key == site_key
                     and (index.next_publish is None or now < index.next_publish)
                     and present == {rel: kept[:2] for rel, kept in index.manifest.items()})
    if unchanged and (memory is None or memory.site is not None):
        # nothing the output depends on has changed, and the output is as the last build left it (the preview's
        # first build goes on, writing nothing, to hold the site model for its quick rebuilds)
        return Result(index.warnings, index.pages, writer.WriteReport(0, len(present), 0), 0, index.photos,
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
    site = _load_site(options, config, cache.digest(config_bytes), problems, old, scan, records, clock)
    with clock.stage("daftar halaman"):
        routes = site_model.routes(site)
        site_model.check_urls(routes, problems)
    if problems.errors:
        raise BuildFailed(problems)

    outcome = write_pages(options, site, routes, templates, cache.digest(config_bytes), index, present,
                          problems, clock)
    if site_key == "-" and not _racy(theme) and _settled(racy, scan, records, _photo_digests(site, scan),
                                                         options.site_dir / "content", time.time_ns()):
        site_key = final_key
    index = cache.Index(site_key, _next_publish(records, site.built, options), outcome.manifest, outcome.routes,
                        problems.warnings, len(routes), outcome.photos_made + outcome.photos_reused)
    dirty = {cache.shard(rel) for rel in records.keys() ^ before.keys()}
    dirty |= {cache.shard(rel) for rel, record in records.items() if before.get(rel) != _state(record)}
    index.data_sha = dict(old_shards)
    with clock.stage("simpan cache"):
        save_cache(options, index, records, dirty)
    if memory is not None:
        memory.keep(index, records, site, routes, templates, cache.digest(config_bytes))
    return Result(problems.warnings, len(routes), outcome.report, outcome.photos_made, outcome.photos_reused,
                  time.perf_counter() - started, outcome.rendered, tuple(clock.stages))


def save_cache(options: Options, index: cache.Index, records: dict, dirty: set[int]) -> None:
    try:
        cache.save(options.cache_dir, options.site_dir, index, records, dirty)
    except OSError:
        pass        # a cache that cannot be written only makes the next build slower


RACY_NS = 2_000_000_000


def _racy(scan: dict) -> bool:
    """Some file was modified in the last two seconds: its (size, mtime) may not tell a second edit from the first."""
    recent = time.time_ns() - RACY_NS
    return any(mtime >= recent for _size, mtime in scan.values())


def _settled(racy: list[str], scan: dict, records: dict, photos: dict[str, str], content_dir: Path,
             now_ns: int) -> bool:
    """The files that were just modified when the build began are now old enough, unchanged, and hold the very
    bytes this build read (as git does for its "racy" files): then any later edit will show in their time.

    A Markdown source is compared with the hash its record keeps, a photo with the hash its derived files are
    named after (`photos`: path below content/ -> hash); any other file (an attachment) is not settled here, so
    the next build compares everything again.
    """
    if now_ns - RACY_NS <= max((scan[rel][1] for rel in racy), default=0):
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


def _photo_digests(site: site_model.Site, scan: dict) -> dict[str, str]:
    """Path below content/ -> the content hash the photo pipeline used, for the bundle photos of this build."""
    out = {}
    for post in site.posts + site.pages:
        if post.photos and post.entry.bundle is not None:
            folder = post.entry.path.rpartition("/")[0].partition("/")[2]
            for photo in post.photos:
                if photo.source is not None:
                    out[f"{folder}/{photo.name}"] = photo.source.digest
    return out


def _state(record: cache.SourceRecord) -> tuple:
    return record.size, record.mtime_ns, record.sha, record.key, record.photos_key, record.html_key


def _next_publish(records: dict, now: dt.datetime, options: Options) -> float | None:
    """When the first scheduled post comes due: a build after that time is not a no-op."""
    if options.future:
        return None
    due = [r.entry.date.timestamp() for r in records.values()
           if r.entry.date and r.entry.date > now and (options.drafts or not r.entry.draft)]
    return min(due) if due else None


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
    folder = templates / ASSETS
    if not folder.is_dir():
        return {}
    return {f"/{ASSETS}/{p.relative_to(folder).as_posix()}": p for p in sorted(folder.rglob("*")) if p.is_file()}
