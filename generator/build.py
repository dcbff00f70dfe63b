"""One build, top to bottom: what changed, config, the site model, the output, and the state for the next build."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

from generator.core import lock
from generator.core.report import BuildFailed, Problems
from generator.engine import cache, incremental
from generator.engine.incremental import Memory, State
from generator.model.theme import folders
from generator.options import Clock, Context, Options, Result
from generator.render import writer

if TYPE_CHECKING:
    from generator.model import site as site_model

__all__ = ["Options", "Result", "build", "load_site"]

# config (PyYAML), load, site, markup (Python-Markdown), render (Jinja2, Babel) and gallery (Pillow) are imported
# where they are needed: a build that finds nothing changed does not pay for importing them (the no-op build of a
# 1,000-post site is mostly the interpreter starting and importing).


def build(options: Options, memory: Memory | None = None) -> Result:
    """Build the site into options.output; raise BuildFailed with every problem, leaving the output untouched.

    One build of a site at a time: the site's build lock is held throughout (lock.Busy when another build of it
    does not finish within options.lock_wait).

    memory (session.Memory, kept by the preview server between its rebuilds) stands in for the cache files when
    it holds the last build's state, and is given this build's state, or emptied when the build fails.
    """
    with contextlib.nullcontext() if options.locked else lock.held(options.cache_dir, options.lock_wait,
                                                                   options.on_wait):
        if memory is None:
            return _build(options, None)
        memory.flush()
        if memory.index is not None and not memory.current(options.cache_dir):
            memory.forget()      # another build (the command line's) saved the cache and wrote the output since
        try:
            result = _build(options, memory)
        except BaseException:
            memory.forget()
            raise
        memory.output_state = writer.folder_state(options.output)
        memory.cache_state = cache.index_state(options.cache_dir)
        return result


def _build(options: Options, memory: Memory | None) -> Result:
    """The stages: survey what changed, read the config and the last build's cache, load the site model, check it,
    write the output, save the cache."""
    started, clock = time.perf_counter(), Clock()
    writer.check_output_dir(options.output, options.site_dir, options.cache_dir)
    templates = folders(options.site_dir)
    with clock.stage("periksa perubahan"):
        state = incremental.survey(options, templates, memory)
    if state.up_to_date(options.moment()) and (memory is None or memory.site is not None):
        return _nothing_changed(options, state, started, clock)
    from generator.engine import load
    from generator.render import stage

    ctx = _context(options, state, templates, clock)
    with clock.stage("muat cache"):
        previous = incremental.previous(options, state, memory)
    loaded = load.load(ctx, state.scan, previous)
    routes = _checked_routes(ctx, state, loaded)
    outcome = stage.write(ctx, loaded.site, routes, state, loaded.records)
    index = incremental.conclude(ctx, state, previous, loaded, outcome)
    with clock.stage("simpan cache"):
        incremental.save(options, index, loaded.records, incremental.dirty_shards(previous, loaded.records))
    if memory is not None:
        memory.keep(index, loaded.records, loaded.site, routes, templates, ctx.config_key)
    warnings = ctx.problems.warnings + writer.foreign_warning(options.output, outcome.foreign)
    return Result(warnings, outcome.pages, outcome.report, outcome.photos_made, outcome.photos_reused,
                  time.perf_counter() - started, outcome.rendered, tuple(clock.stages))


def _checked_routes(ctx: Context, state: State, loaded) -> list:
    """Every page's route, once the whole site is checked: links, names, addresses (BuildFailed with every error)."""
    from generator.model import addresses, content, portable, routing

    content.check_links(ctx.options.site_dir, state.links, [record.entry for record in loaded.records.values()],
                        ctx.problems)
    portable.check(state.scan, ctx.problems)      # names a Windows laptop could not hold (issue 23)
    with ctx.clock.stage("daftar halaman"):
        routes = routing.routes(loaded.site)
        addresses.check_urls(routes, ctx.problems, addresses.files(loaded.site, state.assets))
    if ctx.problems.errors:
        raise BuildFailed(ctx.problems)
    return routes


def _nothing_changed(options: Options, state: State, started: float, clock: Clock) -> Result:
    """Nothing the output depends on has changed, and the output is as the last build left it: write nothing.
    (The preview's first build goes on, writing nothing, to hold the site model for its quick rebuilds.) Files in
    the output this site did not write are named again."""
    index = state.index
    foreign = writer.foreign_files(state.present, index.manifest)
    return Result(index.warnings + writer.foreign_warning(options.output, foreign), index.pages,
                  writer.WriteReport(0, len(index.manifest), 0), 0, index.photos,
                  time.perf_counter() - started, 0, tuple(clock.stages))


def _context(options: Options, state: State, templates, clock: Clock) -> Context:
    """The build's shared context, with config.yaml read and validated (BuildFailed when it is not valid)."""
    from generator.model import config as config_module

    problems = Problems()
    with clock.stage("baca config"):
        config = config_module.load(options.site_dir / "config.yaml", problems)
    if config is None:
        raise BuildFailed(problems)
    return Context(options, config, state.config_key, templates, problems, clock)


def load_site(options: Options, problems: Problems) -> site_model.Site:
    """Everything up to the site model with its Markdown rendered and its photos planned; no writing."""
    from generator.engine import cache, load
    from generator.model import config as config_module

    config = config_module.load(options.site_dir / "config.yaml", problems)
    if config is None:
        raise BuildFailed(problems)
    ctx = Context(options, config, "", folders(options.site_dir), problems)
    return load.load(ctx, cache.scan(options.content_dir)).site
