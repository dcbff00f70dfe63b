"""What a publish does, decided without touching anything: which files to send, in which order, what to delete."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace

from generator.publish.targetlock import is_lock_path

MANIFEST = ".kpu-terbit.json"           # the target's record of what publish put there
QUARANTINE = "-karantina"               # verify --quarantine moves foreign files to a folder beside the target's
TEMP_SUFFIX = ".kpu-terbit~"            # a file being uploaded, renamed into place when complete

# Sent last, after everything they link to: the home page, the feeds, the sitemap and robots.txt.
FRONT = {"index.html", "feed.xml", "atom.xml", "rss.xml", "sitemap.xml", "robots.txt"}


@dataclass(frozen=True)
class Entry:
    """One published file as the manifest records it; sha None means an upload was begun but not known finished."""

    size: int
    sha: str | None


@dataclass(frozen=True)
class Plan:
    groups: tuple[tuple[str, ...], ...]     # uploads, group after group: resources, pages, front
    deletes: tuple[str, ...]                # files an earlier publish put there that the site no longer has
    leftovers: tuple[str, ...]              # temporary files of an interrupted publish
    unchanged: int
    foreign: tuple[str, ...]                # files on the target publish did not put there: kept, named in the report
    blocked: tuple[str, ...]                # files of the site that would overwrite a foreign file: not sent
    present: frozenset[str] = frozenset()   # uploads the target already has a version of
    replaced: tuple[str, ...] = ()          # files publish put there that someone has since replaced: kept (keep)

    @property
    def uploads(self) -> list[str]:
        return [rel for group in self.groups for rel in group]

    def steps(self) -> list[tuple[int, tuple[str, ...], bool]]:
        """(rank, files, in place) in order. Within each group, new files come first and are written in place: no
        page on the target links to them yet (the pages that will come later), so no reader can be served one
        half-written, and one round trip per file is saved. Then the files readers may be fetching right now,
        each written under a temporary name and renamed over the old version."""
        out = []
        for group in self.groups:
            level = rank(group[0])
            new = tuple(rel for rel in group if rel not in self.present)
            old = tuple(rel for rel in group if rel in self.present)
            out += [(level, files, in_place) for files, in_place in ((new, True), (old, False)) if files]
        return out

    def waves(self, ordered: bool = False) -> list[Wave]:
        """The same order for a transport that keeps many requests in flight, in fewer round trips: a file written
        under its temporary name is seen by no reader, so every replacing file is written in the first wave, beside
        the new resources; each later wave renames the replacements of one rank into place, beside the new files of
        the next rank. A wave begins when the one before it has finished, so nothing becomes visible before what it
        links to, and nothing is renamed into place before it is whole.

        ordered: the transport sends a wave's renames in their order to a server that carries them out in the order
        they came. Then a wave that only renames joins the wave before it when that one only renames too (after one
        edit: the search index's entry, then the page, in one round trip instead of two); renames still come rank
        after rank, and never before the files they need are whole."""
        new = [tuple(rel for rel in group if rel not in self.present) for group in self.groups]
        old = [tuple(rel for rel in group if rel in self.present) for group in self.groups]
        levels = [rank(group[0]) for group in self.groups]
        by_rank = {level: (n, o) for level, n, o in zip(levels, new, old)}
        staged = tuple(rel for files in old for rel in files)
        out = []
        for level in range(4):
            written = by_rank.get(level, ((), ()))[0]
            placed = by_rank.get(level - 1, ((), ()))[1]
            wave = Wave(written, staged if level == 0 else (), placed)
            if ordered and out and out[-1].renames_only and wave.renames_only:
                out[-1] = Wave((), (), out[-1].placed + wave.placed)
            elif wave.written or wave.staged or wave.placed:
                out.append(wave)
        return out


@dataclass(frozen=True)
class Wave:
    written: tuple[str, ...]        # new files, written in place
    staged: tuple[str, ...]         # replacing files, written under their temporary names
    placed: tuple[str, ...]         # temporary files renamed over the old versions, rank after rank

    @property
    def renames_only(self) -> bool:
        return not self.written and not self.staged


def temp_name(rel: str) -> str:
    """Where a file is written before it is renamed into place: beside it, hidden."""
    folder, name = posixpath.split(rel)
    return posixpath.join(folder, f".{name}{TEMP_SUFFIX}")


def is_temp(rel: str) -> bool:
    name = posixpath.basename(rel)
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def temp_of(rel: str) -> str | None:
    """The path a temporary file stands for (the inverse of temp_name), None if rel is not one."""
    if not is_temp(rel):
        return None
    folder, name = posixpath.split(rel)
    return posixpath.join(folder, name[1:-len(TEMP_SUFFIX)])


def safe_rel(rel: object) -> bool:
    """A path read from a target (its manifest, its listings) is used only if it is as clean as a path publish makes
    itself: relative, normalised, inside the target: no empty, '.' or '..' component, no leading '/', no backslash
    (a folder separator on Windows servers), no NUL or line break."""
    return (isinstance(rel, str) and rel != "" and not rel.startswith("/")
            and not any(c in rel for c in "\\\0\n\r")
            and all(part not in ("", ".", "..") for part in rel.split("/")))


def rank(rel: str) -> int:
    """Upload order: 0 photos, assets, search index and other files pages refer to; 1 pages; 2 home, feeds, sitemap."""
    if rel in FRONT or rel.endswith(".xml"):
        return 2
    if rel.endswith(".html"):
        return 1
    return 0


@dataclass(frozen=True)
class Survey:
    """What the target is asked about before planning (paths: whether each is there, and its size) and what an
    earlier publish recorded. Unless full (--verify, or a target listed whole at no cost), files that publish
    completed are taken as the manifest records them: it is publish's own record, and asking about each of thousands
    of files costs a round trip each. Always asked about: the site's files the manifest does not hold as complete (a
    foreign file may be there: it must not be overwritten), the temporary files of a publish cut off, the manifest."""

    paths: frozenset[str]
    previous: dict[str, Entry]
    full: bool = False

    @property
    def trusted(self) -> dict[str, int]:
        """path -> size of the files taken as the manifest records them, without asking the target."""
        return {rel: entry.size for rel, entry in self.previous.items() if rel not in self.paths}


def survey(local: dict[str, Entry], previous: dict[str, Entry], full: bool = False) -> Survey:
    pending = {temp_name(rel) for rel, entry in previous.items() if entry.sha is None}
    asked = {rel for rel in local.keys() | previous.keys() if full or rel not in previous or previous[rel].sha is None}
    return Survey(frozenset(asked | pending | {MANIFEST}), previous, full)


def seen(asked: Survey, listed: dict[str, int]) -> dict[str, int]:
    """The target's files as the planner takes them: what the target answered, and the files not asked about."""
    return {**asked.trusted, **listed}


def plan(local: dict[str, Entry], previous: dict[str, Entry], remote: dict[str, int] | None) -> Plan:
    """Compare the site (local), what publish put on the target before (previous) and what is there (remote: path ->
    size, or None when the target cannot be listed) and decide what to do."""
    send, blocked, unchanged = [], [], 0
    for rel, entry in sorted(local.items()):
        if is_lock_path(rel):           # the target's lock is never published as a site file
            continue
        present = remote is None or rel in remote
        if rel not in previous and remote is not None and rel in remote:
            blocked.append(rel)
        elif rel in previous and previous[rel] == entry and present and (remote is None or remote[rel] == entry.size):
            unchanged += 1
        else:
            send.append(rel)
    groups = tuple(tuple(rel for rel in send if rank(rel) == level) for level in range(3))
    deletes = tuple(sorted(rel for rel in previous if rel not in local and (remote is None or rel in remote)
                           and rel != MANIFEST and not is_lock_path(rel)))
    # another's lock is not a file; a path that is not safe is never used
    listed = {rel: size for rel, size in (remote or {}).items() if safe_rel(rel) and not is_lock_path(rel)}
    # a temporary file is publish's own only if it stands for a file the manifest records (or for the manifest)
    ours = {rel for rel in listed if temp_of(rel) in previous or temp_of(rel) == MANIFEST}
    leftovers = tuple(sorted(ours))
    foreign = tuple(sorted(rel for rel in listed if rel not in previous and rel != MANIFEST and rel not in ours))
    present = frozenset(send) if remote is None else frozenset(rel for rel in send if rel in remote)
    return Plan(tuple(g for g in groups if g), deletes, leftovers, unchanged, foreign, tuple(blocked), present)


def claimed(plan: Plan, local: dict[str, Entry]) -> dict[str, Entry]:
    """Every file about to be sent, with no known content yet."""
    return {rel: Entry(local[rel].size, None) for rel in plan.uploads}


def pending_manifest(previous: dict[str, Entry], plan: Plan, local: dict[str, Entry]) -> dict[str, Entry]:
    """Written before the first upload: every file about to be sent is claimed, with no known content yet, so that a
    publish cut off half-way sends it again next time and never mistakes it for someone else's file."""
    return {**previous, **claimed(plan, local)}


def final_manifest(local: dict[str, Entry], plan: Plan) -> dict[str, Entry]:
    blocked = set(plan.blocked)
    return {rel: entry for rel, entry in local.items() if rel not in blocked and not is_lock_path(rel)}


def too_many_deletes(plan: Plan, max_deletes: int, confirmed: bool) -> bool:
    """The limit counts the files readers can be served. Leftovers are not among them: only temporary files that
    stand for a file the manifest records are taken as publish's own (plan), never a live page, and a publish cut
    off while replacing every page leaves thousands, which the next publish must clear without asking."""
    return len(plan.deletes) > max_deletes and not confirmed


def touched_folders(plan: Plan) -> list[str]:
    """Every folder a write or a deletion of the plan goes through, shallowest first: none may be a link."""
    rels = [*plan.uploads, *plan.deletes, *plan.leftovers]
    return sorted({folder for rel in rels for folder in parents(rel)}, key=lambda f: (f.count("/"), f))


def keep(plan: Plan, replaced: list[str] | tuple[str, ...]) -> Plan:
    """The plan without deleting the files someone replaced since publish put them there (the target said so: see
    Transport.check); they are someone else's now, kept and named."""
    gone = set(replaced)
    return replace(plan, deletes=tuple(rel for rel in plan.deletes if rel not in gone),
                   replaced=tuple(sorted(gone)))


def parents(rel: str):
    """The folders holding a path, innermost first: 'a/b/c.html' -> 'a/b', 'a' (an absolute path's end at '/')."""
    folder = posixpath.dirname(rel)
    while folder and folder != "/":
        yield folder
        folder = posixpath.dirname(folder)


def emptied_folders(deleted: list[str] | tuple[str, ...], remaining: set[str]) -> list[str]:
    """Folders that held deleted files and hold none of the remaining files: candidates for removal, deepest first
    (a transport removes a folder only if it is empty, so a foreign file in it keeps it)."""
    holding = {folder for rel in remaining for folder in parents(rel)}
    return sorted(_folders_below(deleted, holding), key=lambda f: (-f.count("/"), f))


def _folders_below(rels, stop: set[str]) -> set[str]:
    """The folders holding rels, each path's walked upwards until a folder in stop."""
    found = set()
    for rel in rels:
        for folder in parents(rel):
            if folder in stop:
                break
            found.add(folder)
    return found


def folders_to_make(rels: list[str], existing: set[str]) -> list[list[str]]:
    """The folders the uploads need that the target lacks, level by level (parents before children)."""
    needed = _folders_below(rels, existing)
    levels: dict[int, list[str]] = {}
    for folder in needed:
        levels.setdefault(folder.count("/"), []).append(folder)
    return [sorted(levels[depth]) for depth in sorted(levels)]
