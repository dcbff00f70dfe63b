"""Incremental state: whether a build may skip, what it may reuse, and what it leaves for the next build.

One owner for the bookkeeping between builds: the state key (one hash of everything the output depends on), which
inputs were "racy" when the build began and whether they have settled since (the rules themselves, and the stamp
of size and time that tells a file's edits, are the leaf module racy, which the photo probe index uses too), scheduled posts coming due, which shards of the cache changed, and
the index saved for the next build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from generator.core.hashing import digest
from generator.core.racy import Clock, recent, settled
from generator.engine import cache, keys
from generator.model.suffixes import PHOTO_SUFFIXES, UNSUPPORTED_PHOTOS
from generator.model.theme import ASSETS

if TYPE_CHECKING:     # types only: the pipeline's options are a layer above
    from generator.model.site import Site
    from generator.options import Context, Options

UNSETTLED = keys.UNSETTLED


class Memory(Protocol):
    """What a build needs of the preview's memory of the last build (session.Memory): it stands in for the cache
    files when it holds the last build's state, is given this build's state, or is emptied when a build fails."""

    index: cache.Index | None
    records: dict[str, cache.SourceRecord]
    site: Site | None
    output_state: tuple | None      # writer.folder_state of the output after the last build
    cache_state: tuple | None       # cache.index_state after the last build this memory kept

    def flush(self) -> None: ...

    def current(self, cache_dir: Path) -> bool: ...


class Read(Protocol):
    """What the bookkeeping needs of what load read (engine.load.Loaded, which imports this module)."""

    site: Site
    records: dict[str, cache.SourceRecord]
    related: dict


class Built(Protocol):
    """What the bookkeeping needs of what the render stage wrote (render.stage.Outcome, a layer above)."""

    manifest: dict
    routes: dict
    pages: int
    photos_made: int
    photos_reused: int
    reach: dict

    def forget(self) -> None: ...

    def keep(self, index: cache.Index, records: dict, site: Site, routes: list, templates: tuple[Path, ...],
             config_key: str) -> None: ...


@dataclass
class State:
    """What a build finds before it does any work: the last build's index and the files the output depends on."""

    index: cache.Index
    scan: dict[str, tuple[int, int]]        # content/: path -> racy.stamp (size, time)
    present: dict[str, tuple[int, int]]     # the output folder as it is: path -> (size, mtime_ns)
    theme: dict[str, tuple[int, int]]       # the template folders, layer by layer (theme_scan)
    config_key: str                         # hash of config.yaml's bytes
    key: str                                # the state key: one hash of all the above that the output depends on
    racy: list[str] = field(default_factory=list)   # content files modified moments before the build began
    suspect: frozenset[str] = frozenset()   # content files to compare by content whatever their stamp (--verify)
    verify: bool = False                    # --verify: no input is trusted by its stamp
    links: list[str] = field(default_factory=list)  # symbolic links below content/ (content.check_links decides)
    content_dir: Path | None = None
    clock: Clock = field(default_factory=Clock)     # Options.racy_clock

    @property
    def assets(self) -> list[str]:
        """The URLs the theme's assets are published at (a file in both layers once), from the scan of its folders."""
        return sorted({"/" + rel for rel in (key.partition(":")[2] for key in self.theme) if rel.startswith(ASSETS + "/")})

    @property
    def trusted(self) -> bool:
        """No input was modified moments ago, and their stamps are to be trusted: their times tell every edit."""
        return not self.racy and not self.verify and not _any_recent(self.theme, self.clock)

    def up_to_date(self, now: dt.datetime) -> bool:
        """Nothing the output depends on changed since the last build, no scheduled post has come due, and the
        output folder holds every file the last build wrote as it left it (files this site did not write, a CNAME
        or a verification page, may stand beside them)."""
        index = self.index
        return ((self.trusted and index.site_key == self.key or self._same_as_read())
                and (index.next_publish is None or now.timestamp() < index.next_publish)
                and all(self.present.get(rel) == kept[:2] for rel, kept in index.manifest.items()))

    def _same_as_read(self) -> bool:
        """The last build ended before its racy inputs settled (a post saved moments before it, then built again at
        once, as publishing does): those inputs still have the stamp they had and hold the very bytes that build
        read, and nothing else is racy. Each is hashed again, a few files instead of the whole build."""
        index = self.index
        unsettled = getattr(index, "unsettled", None) or {}
        if (not unsettled or self.verify or _any_recent(self.theme, self.clock)
                or index.site_key != UNSETTLED + self.key or not set(self.racy) <= set(unsettled)
                or self.content_dir is None):
            return False
        for rel, (stamp, expected) in unsettled.items():
            if tuple(self.scan.get(rel, ())) != tuple(stamp):
                return False
            try:
                if digest((self.content_dir / rel).read_bytes()) != expected:
                    return False
            except OSError:
                return False
        return True


def survey(options: Options, templates: tuple[Path, ...], memory: Memory | None = None) -> State:
    """Scan the inputs and the output, and load the last build's index (from the preview's memory if it has one)."""
    index = memory.index if memory is not None and memory.index else cache.load_index(options.cache_dir,
                                                                                         options.site_dir)
    config_path = options.site_dir / "config.yaml"
    config_key = keys.config_key(config_path.read_bytes() if config_path.is_file() else b"")
    links: list[str] = []
    scan, present = cache.scan(options.content_dir, read_source, links), cache.scan(options.output)
    theme = theme_scan(templates)
    key = keys.site_key(config_key, scan, theme, templates, options)
    started = options.racy_clock.now_ns()
    racy = [rel for rel, (_size, mtime) in scan.items() if recent(mtime, started)]
    return State(index, scan, present, theme, config_key, key, racy, frozenset(scan) if options.verify else frozenset(),
                 options.verify, links, options.content_dir, options.racy_clock)


def read_source(rel: str) -> bool:
    """A file below content/ that the build reads (Markdown, photos), as opposed to one it only publishes as it is
    (an attachment, which the writer keeps by its path, size and modification time)."""
    suffix = rel[rel.rfind("."):].lower() if "." in rel.rpartition("/")[2] else ""
    return suffix == ".md" or suffix in PHOTO_SUFFIXES or suffix in UNSUPPORTED_PHOTOS


def read_template(rel: str) -> bool:
    """A file of the theme that the build reads (a template), as opposed to an asset it only publishes."""
    return not rel.startswith(ASSETS + "/")


def theme_scan(templates: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    """Every file of every template layer (theme.folders) -> its stamp (racy.stamp for templates, see
    read_template): adding, changing or removing a site's own copy of a template or asset changes it."""
    return {f"{layer}:{rel}": stat for layer, folder in enumerate(templates)
            for rel, stat in cache.scan(folder, read_template).items()}


@dataclass
class Previous:
    """The last build's records, for load to reuse where the files did not change."""

    records: dict[str, cache.SourceRecord]
    states: dict[str, tuple]        # each record's state() as loaded: a record that differs makes its shard dirty
    shards: dict[int, str]          # the data files the index names (shard -> checksum), kept where nothing changed
    related: dict                   # site.assemble's memo of related posts
    suspect: frozenset[str] = frozenset()   # files below content/ to compare by content whatever their size and time

    @classmethod
    def empty(cls) -> Previous:
        return cls({}, {}, {}, {})


def previous(options: Options, state: State, memory: Memory | None = None) -> Previous:
    """The last build's records, from the preview's memory when it holds the very index found, else the cache."""
    index = state.index
    old = memory.records if memory is not None and memory.index is index else \
        cache.load_data(options.cache_dir, options.site_dir, index)
    return Previous(old, {rel: record.state() for rel, record in old.items()},
                    dict(index.data_sha if old or not index.data_sha else {}), index.related, state.suspect)


def conclude(ctx: Context, state: State, previous: Previous, loaded: Read, outcome: Built) -> cache.Index:
    """The index the next build starts from: this build's state key (if its inputs have settled), when the next
    scheduled post comes due, what the output holds, and the warnings and counts a no-op build reports again."""
    site_key, unsettled = _settled_key(ctx.options, state, loaded)
    return cache.Index(
        site_key=site_key, unsettled=unsettled,
        next_publish=next_publish(loaded.records, loaded.site.built, ctx.options),
        manifest=outcome.manifest, routes=outcome.routes, warnings=ctx.problems.warnings, pages=outcome.pages,
        photos=outcome.photos_made + outcome.photos_reused, data_sha=dict(previous.shards), related=loaded.related,
        reach=outcome.reach)


def _settled_key(options: Options, state: State, loaded: Read) -> tuple[str, dict]:
    """The state key to save: UNSETTLED when an input was racy when the build began, unless it has settled since
    (a Markdown source compared with the hash its record keeps, a photo with the hash its derived files are named
    after; any other file, an attachment, is not settled here, so the next build compares everything again).
    Photo plans made from racy photos are trusted once the photos settled. When every racy input was hashed but
    has not settled yet, the key follows UNSETTLED, with each input's stamp and hash: the next build may find them
    unchanged by their bytes (State.up_to_date)."""
    if _any_recent(state.theme, options.racy_clock):
        return UNSETTLED, {}                # a template modified moments ago
    if not state.racy:
        return state.key, {}
    read = read_digests(loaded.site, loaded.records)
    if not settled_files(options.content_dir, state.racy, state.scan, read, options.racy_clock.now_ns()):
        if all(rel in read for rel in state.racy):
            return UNSETTLED + state.key, {rel: (tuple(state.scan[rel]), read[rel]) for rel in state.racy}
        return UNSETTLED, {}
    for record in loaded.records.values():
        record.photos_racy = False
    return state.key, {}


def settled_files(folder: Path, racy: list[str], scan: dict, expected: dict[str, str], now_ns: int) -> bool:
    """Every racy file below folder has settled (see settled); expected: path below folder -> hash of what was read."""
    return all(settled(folder / rel, scan[rel], expected.get(rel), now_ns) for rel in racy)


def _any_recent(scan: dict[str, tuple[int, int]], clock: Clock) -> bool:
    now = clock.now_ns()
    return any(recent(mtime, now) for _size, mtime in scan.values())


def read_digests(site: Site, records: dict[str, cache.SourceRecord]) -> dict[str, str]:
    """Path below content/ -> hash of the bytes this build read: a Markdown source's as its record keeps it, a
    bundle photo's as the photo pipeline used it (its derived files are named after it)."""
    out = {}
    for post in site.posts + site.pages:
        if post.photos and post.entry.bundle is not None:
            folder = post.entry.path.rpartition("/")[0].partition("/")[2]
            for photo in post.photos:
                if photo.source is not None:
                    out[f"{folder}/{photo.name}"] = photo.source.digest
    for rel, record in records.items():
        out[rel.partition("/")[2]] = record.sha     # records are keyed content/...
    return out


def next_publish(records: dict[str, cache.SourceRecord], now: dt.datetime, options: Options) -> float | None:
    """When the first scheduled post comes due, or a pinned lead story's time on the front page ends: a build after
    that time is not a no-op."""
    shown = [r.entry for r in records.values() if options.drafts or not r.entry.draft]
    due = [] if options.future else [e.date.timestamp() for e in shown if e.date and e.date > now]
    due += [e.pinned_until.timestamp() for e in shown if e.pinned_until and e.pinned_until > now]
    return min(due) if due else None


def dirty_shards(previous: Previous, records: dict[str, cache.SourceRecord]) -> set[int]:
    """The cache shards whose records were added, removed or changed by this build."""
    before = previous.states
    dirty = {cache.shard(rel) for rel in records.keys() ^ before.keys()}
    return dirty | {cache.shard(rel) for rel, record in records.items() if before.get(rel) != record.state()}


def save(options: Options, index: cache.Index, records: dict, dirty: set[int]) -> None:
    """Write the changed shards and the index; a cache that cannot be written only makes the next build slower."""
    try:
        cache.save(options.cache_dir, options.site_dir, index, records, dirty)
    except OSError:
        pass
