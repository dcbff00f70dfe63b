"""Writing bundles into the site folder, safely: only inside it, never over a file the staff changed since the last
import (unless forced), and keeping a record of what was written in .cache/wordpress-import.json."""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.core import atomic
from generator.core import yamltext
from generator.core.hashing import digest, file_digest
from generator.wordpress.plan import Bundle

STATE = Path(".cache") / "wordpress-import.json"
MEMO = Path(".cache") / "wordpress-import-bodies.json"      # bodies already converted, for the next run
STATE_VERSION = 1


@dataclass
class Outcome:
    """What writing did (or, in a dry run, would do)."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)        # 'path: why' for files left as the staff changed them
    files_copied: int = 0
    files_kept: int = 0
    unsafe_sources: list[str] = field(default_factory=list)    # uploads that became links since they were indexed
    failed: list[str] = field(default_factory=list)            # 'folder ("title"): why' for bundles not written


class Unsafe(Exception):
    """A path of the plan would leave the site folder (never expected; refused rather than written)."""


def load_state(site_dir: Path) -> dict:
    try:
        state = json.loads((site_dir / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": STATE_VERSION, "items": {}}
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION or not isinstance(state.get("items"), dict):
        return {"version": STATE_VERSION, "items": {}}
    return state


def load_memo(site_dir: Path) -> dict:
    try:
        memo = json.loads((site_dir / MEMO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def save_memo(site_dir: Path, memo: dict) -> None:
    body = json.dumps(memo, ensure_ascii=False)      # in order: the order of keys in gallery items is kept
    target = site_dir / MEMO
    if not target.exists() or target.read_text(encoding="utf-8") != body:
        _replace(target, lambda p: p.write_text(body, encoding="utf-8"))


def folders(state: dict) -> dict[str, str]:
    return {key: record["folder"] for key, record in state["items"].items() if isinstance(record, dict)
            and isinstance(record.get("folder"), str)}


def index_text(bundle: Bundle) -> str:
    """The bundle's index.md: front matter in the staff guide's style (two-space lists, tags in brackets, plain
    dates), as the desk writes it, so an imported post is extended the guide's way; then the Markdown body."""
    return f"---\n{yamltext.front_matter(bundle.front)}---\n\n{bundle.body}"


def _inside(site_dir: Path, rel: str) -> Path:
    path = (site_dir / rel).resolve()
    if not path.is_relative_to(site_dir.resolve() / "content"):
        raise Unsafe(rel)
    return path


def _stat(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def _replace(target: Path, write, folder: bool = True) -> None:
    """Write beside the target, then move it in: an interrupted run never leaves half a file. folder=False: the
    bundle's files are many in one folder, synced once after the last (atomic.sync_folder in _write_bundle)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.replace(target, write, folder=folder)


def write_bundles(site_dir: Path, bundles: list[Bundle], state: dict, force: bool, dry_run: bool) -> Outcome:
    """Write each bundle's index.md and copy its files, unless unchanged or changed by the staff since the last run.
    A bundle that cannot be written (a full disk, a name the system refuses) is reported with its title and the
    others still written; what was written is recorded in the state whatever happens."""
    outcome = Outcome()
    items = state["items"]
    dirty = False
    holding: set[Path] = set()      # folders that got a new folder: synced once, before the state names what is in it
    try:
        for bundle in bundles:
            record = items.get(bundle.key) or {}
            files = dict(record.get("files") or {}) if record.get("folder") == bundle.folder else {}
            try:
                _write_bundle(bundle, _Writing(site_dir, files, force, dry_run, outcome, holding))
            except OSError as err:
                outcome.failed.append(f"{bundle.folder} (\"{bundle.title}\"): {_why(err)}")
            updated = {"folder": bundle.folder, "files": files}
            if items.get(bundle.key) != updated and (files or bundle.key in items):
                items[bundle.key], dirty = updated, True
    finally:
        for folder in sorted(holding, key=lambda path: len(path.parts), reverse=True):
            atomic.sync_folder(folder)
        if not dry_run and (dirty or not (site_dir / STATE).exists()):
            body = json.dumps(state, ensure_ascii=False, sort_keys=True)
            _replace(site_dir / STATE, lambda p: p.write_text(body, encoding="utf-8"))
    return outcome


@dataclass
class _Writing:
    """What writing one bundle needs: the site, the bundle's record of files (updated as they are written), and how."""

    site_dir: Path
    files: dict
    force: bool
    dry_run: bool
    outcome: Outcome
    holding: set            # folders holding a folder this run made (write_bundles syncs them once, at the end)


def _write_bundle(bundle: Bundle, w: _Writing) -> None:
    files, outcome = w.files, w.outcome
    index = w.site_dir / bundle.folder / "index.md"
    index_rel = f"{bundle.folder}/index.md"
    known = files.get("index.md") or {}
    source = digest(repr((bundle.front, bundle.body)))
    on_disk = _stat(index)
    created = _missing_folders(index.parent, w.site_dir / "content")     # their names reach the disk too
    if on_disk is None and known.get("hash") and not w.force:
        # written by an earlier import and removed (or moved) by the staff since: writing it again would publish a
        # post they took down, without the photos they removed with it
        outcome.protected.append(f"{index_rel}: dihapus atau dipindahkan sejak impor terakhir; tidak dibuat lagi "
                                 "(pakai --force untuk mengimpornya lagi)")
        return
    if on_disk is not None and on_disk == known.get("stat") and source == known.get("source"):
        status, text, wanted = "unchanged", "", known.get("hash")      # as written last time, from the same plan
    else:
        text = index_text(bundle)
        wanted = digest(text)
        status = "new"
    if status == "new" and on_disk is not None:
        # the hash of the file as written last time, read again only when its size or time changed
        current = known.get("hash") if on_disk == known.get("stat") else file_digest(index)
        if current == wanted:
            status = "unchanged"
        elif current == known.get("hash") or w.force:
            status = "updated"
        else:
            status = "protected"
            outcome.protected.append(f"{index_rel}: diubah sejak impor terakhir; tidak ditimpa (pakai --force untuk "
                                     "menimpanya dengan isi dari ekspor)")
    if status in ("new", "updated") and not w.dry_run:
        _replace(_inside(w.site_dir, index_rel), lambda p: p.write_text(text, encoding="utf-8"), folder=False)
    if status != "protected":
        files["index.md"] = {"hash": wanted, "stat": _stat(index), "source": source}
    copied = outcome.files_copied
    try:
        changed = _copy_files(bundle, w.site_dir, files, w.force, w.dry_run, outcome)
    finally:        # once for the bundle's renames, even when a copy failed: a sync a file was half the import's time
        if not w.dry_run and (status in ("new", "updated") or outcome.files_copied > copied):
            atomic.sync_folder(index.parent)
            w.holding.update(made.parent for made in created)
    if status == "unchanged" and changed:
        status = "updated"
    {"new": outcome.new, "updated": outcome.updated, "unchanged": outcome.unchanged}.get(status, []).append(index_rel)


def _missing_folders(folder: Path, top: Path) -> list[Path]:
    """The folders from folder up to (not including) top that do not exist yet, deepest first."""
    missing = []
    while folder != top and top in folder.parents and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing


def _why(err: OSError) -> str:
    """An operating system's refusal in words for the report: what it said, and the file it said it of."""
    where = f" ({Path(err.filename).name})" if err.filename else ""
    return f"gagal ditulis: {err.strerror or err}{where}"


def _copy_files(bundle: Bundle, site_dir: Path, records: dict, force: bool, dry_run: bool, outcome: Outcome) -> bool:
    changed = False
    folder = site_dir / bundle.folder
    for name, source in bundle.files.sources.items():
        target = folder / name
        source_stat = _stat(source)
        if source_stat is None:
            continue
        record = records.get(name) or {}
        target_stat = _stat(target)
        if target_stat is not None and target_stat == record.get("target") and source_stat == record.get("source"):
            outcome.files_kept += 1
            continue
        if target_stat is not None:
            same = file_digest(target) == file_digest(source)
            if same:
                records[name] = {"source": source_stat, "target": target_stat}
                outcome.files_kept += 1
                continue
            if target_stat != record.get("target") and not force:
                outcome.protected.append(f"{bundle.folder}/{name}: berkas ini sudah ada dan berbeda dari "
                                         "unggahan aslinya; tidak ditimpa (pakai --force untuk menimpanya)")
                continue
        elif record and not force:
            outcome.protected.append(f"{bundle.folder}/{name}: dihapus sejak impor terakhir; tidak disalin lagi "
                                     "(pakai --force untuk menyalinnya lagi)")
            continue
        if os.path.realpath(source) != str(source):            # a link now, in the file or a folder above it
            outcome.unsafe_sources.append(f"{bundle.folder}/{name}")
            continue
        changed = True
        outcome.files_copied += 1
        if not dry_run:
            _replace(_inside(site_dir, f"{bundle.folder}/{name}"), lambda p: _copy_regular(source, p), folder=False)
            records[name] = {"source": source_stat, "target": _stat(target)}
    return changed


def _copy_regular(source: Path, target: Path) -> None:
    """Copy a file of the uploads folder without following a link put in its place (where the system can say so),
    and only when it is a regular file (not a device or a pipe)."""
    descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{source} bukan berkas biasa")
        with open(target, "wb") as out:
            shutil.copyfileobj(handle, out, 1 << 20)
