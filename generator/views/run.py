"""One run of `views`: read the site's posts, count the logs' new lines, then write the posts and the state.

A crash at any point counts no line twice and leaves no post half-written: the state is saved first with the new
log positions and the post changes still to make ("pending"), then each post is replaced in one rename, then the
state is saved without them. A run that finds changes pending (the last one stopped half-way) makes them first.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.core.report import Problems
from generator.core.system import shown
from generator.model import config as config_module
from generator.model import assembly, content, discovery
from generator.model import site as site_model
from generator.model.discovery import Source
from generator.views import count, logs, state, summary
from generator.views.frontmatter import with_views


@dataclass
class Context:
    """The site as this run sees it."""

    site_dir: Path
    config: config_module.Config
    zone: ZoneInfo
    problems: Problems = field(default_factory=Problems)


def main(site_dir: Path, log_paths: list[Path], dry_run: bool = False, out=None) -> int:
    """The command: 0 when everything was counted, 1 when a post or log had a problem (the rest is counted),
    2 when a log named on the command line cannot be opened."""
    out = out or sys.stdout
    problems = Problems()
    config = config_module.load(site_dir / "config.yaml", problems)
    if config is None:
        _tell(problems)
        return 1
    opened = []
    for path in log_paths:
        try:
            opened.append(logs.open_log(path))
        except logs.Unreadable as err:
            print(f"Galat: log {shown(path)} tidak dapat dibuka: {err}.", file=sys.stderr)
            return 2
    try:
        known = state.load(site_dir)
    except state.BadState as err:
        print(f"Galat: {err}", file=sys.stderr)
        return 1
    context = Context(site_dir, config, ZoneInfo(config.site.timezone), problems)
    if known.pending and not dry_run:
        finish(context, known)
    elif known.pending:
        problems.warn(state.NAME, None, f"{len(known.pending)} berita belum ditulis oleh penghitungan yang terputus.",
                      "Jalankan sekali lagi tanpa --dry-run untuk menyelesaikannya.")
    posts = published_posts(context)
    rules = count.Rules(count.addresses(config.base_path, [(p.url, p.entry.aliases) for p in posts]), count.Robots())
    tally = count.Tally([0] * len(posts))
    count_logs(opened, known, rules, tally, problems)
    changes = plan(context, posts, tally.views)
    if not dry_run:
        known.pending = {path: [before, after] for path, (before, after) in changes.items()}
        state.save(site_dir, known)
        finish(context, known)
    print(summary.text(tally, posts, changes, config, len(opened), dry_run), file=out)
    _tell(problems)
    return 1 if problems.errors else 0


def count_logs(opened: list[logs.LogFile], known: state.State, rules: count.Rules, tally: count.Tally,
               problems: Problems) -> None:
    """Count each log from where it was counted before, oldest log first (so a repeat across two logs is seen),
    and note in the state how far each was counted."""
    for log in sorted(opened, key=lambda log: (logs.first_time(log) is None, logs.first_time(log) or 0)):
        reading = logs.Reading()
        lines, unusable = tally.lines, tally.skipped[count.MALFORMED] + tally.skipped[count.LONG]
        reached = count.count(logs.lines(log, reading), known.counted(log), rules, tally)
        if tally.lines > lines and tally.skipped[count.MALFORMED] + tally.skipped[count.LONG] - unusable == \
                tally.lines - lines:
            problems.warn(log.path, None, "tidak satu baris pun berformat log akses (Apache, nginx atau cPanel): "
                          "berkas ini tampaknya bukan log akses.",
                          "Periksa berkasnya: di cPanel unduh dari Metrics > Raw Access, bukan Error Log atau "
                          "Awstats.")
        tally.unfinished += bool(reading.unfinished)
        for why in reading.broken:
            problems.error(log.path, None, f"log berhenti terbaca: {why}.",
                           "Baris sebelum titik itu sudah dihitung; berkas yang utuh boleh dihitung lagi nanti.")
        known.reached(log, reached)


def published_posts(context: Context) -> list[site_model.Post]:
    """The posts the site publishes now, with their addresses, read by the build's own code; a post that cannot be
    read is reported (file and line) and left out."""
    entries = []
    for kind, source, bundle in discovery.discover(context.site_dir / "content"):
        if kind != "post":
            continue
        found = Problems()
        entry = content.load(context.site_dir, Source(kind, source, bundle), context.config.site, context.zone, found)
        if entry is None:
            context.problems.extend(found.errors)
            context.problems.error(source.relative_to(context.site_dir), None,
                                   "berita ini dilewati: kunjungannya dalam log ini tidak dapat dihitung.",
                                   "Perbaiki kesalahan di atas; kunjungan berikutnya akan terhitung.")
        else:
            entries.append(entry)
    now = dt.datetime.now(context.zone)
    return assembly.assemble(entries, context.config, assembly.Moment(now), Problems()).posts


def plan(context: Context, posts: list[site_model.Post], views: list[int]) -> dict[str, tuple]:
    """Post file -> (views before, views after) for every post with new views whose views line can be changed."""
    changes = {}
    for post, added in zip(posts, views):
        if added:
            entry = post.entry
            total = (entry.views or 0) + added
            if with_views(entry.source.read_bytes(), entry, total, context.problems) is not None:
                changes[entry.path] = (entry.views, total)
    return changes


def finish(context: Context, known: state.State) -> None:
    """Make the pending post changes, then save the state without them. A post already showing its new number is
    left as it is (it was written before a crash); one changed by hand since is reported and left alone."""
    for path, (before, after) in known.pending.items():
        source = context.site_dir / path
        found = Problems()
        bundle = source.parent if source.name == "index.md" else None
        entry = content.load(context.site_dir, Source("post", source, bundle), context.config.site, context.zone,
                             found) if _inside(context, source) else None
        if entry is None or entry.views not in (before, after):
            context.problems.error(path, entry.lines.get(("views",)) if entry else None,
                                   "berita ini berubah sebelum kunjungannya ditulis; 'views' tidak diubah.",
                                   f"Periksa berkasnya, lalu tulis sendiri views: {after}.")
            continue
        if entry.views == before:
            edited = with_views(source.read_bytes(), entry, after, context.problems)
            if edited is not None:
                state.write_atomic(source, edited)
    known.pending = {}
    state.save(context.site_dir, known)


def _inside(context: Context, source: Path) -> bool:
    """A post file named by the state file, checked: only files of content/ are ever written."""
    return source.is_file() and source.resolve().is_relative_to((context.site_dir / "content").resolve())


def _tell(problems: Problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
