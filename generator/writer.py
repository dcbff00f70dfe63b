"""The only code that writes the output folder: changed files are staged beside it and moved in on commit."""

from __future__ import annotations

import os
import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path


class UnsafeOutput(Exception):
    """The output folder would overwrite the site's own files, or a file would land outside it."""


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse an output folder that is, or holds, the site's sources: replacing it would delete them."""
    output, site_dir = output.resolve(), site_dir.resolve()
    if output == site_dir or output in site_dir.parents:
        raise UnsafeOutput(f"folder keluaran {output} berisi folder situs; pilih folder lain, misalnya {site_dir / 'output'}.")
    for sources in (site_dir / "content", site_dir / "templates"):
        if output == sources or sources in output.parents:
            raise UnsafeOutput(f"folder keluaran {output} ada di dalam {sources.name}/ dan akan menghapus isinya; "
                               f"pilih folder lain, misalnya {site_dir / 'output'}.")
    if (output / "config.yaml").exists() or (output / "content").is_dir():
        raise UnsafeOutput(f"folder keluaran {output} berisi config.yaml atau content/; pilih folder kosong.")


def relative_path(path: str) -> str:
    """A clean relative path inside the output folder; raises UnsafeOutput for anything that would leave it."""
    clean = posixpath.normpath(path.lstrip("/"))
    if ".." in clean.split("/") or posixpath.isabs(clean) or "\\" in clean or "\0" in clean or clean in (".", ""):
        raise UnsafeOutput(f"berkas '{path}' akan ditulis di luar folder keluaran.")
    return clean


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def staging_dir(output: Path) -> Path:
    return output.with_name(f".{output.name}.baru")


def stage_bytes(staging: Path, rel: str, data: bytes) -> tuple[int, int]:
    """Write one rendered file into the staging folder (workers call this too); return its (size, mtime_ns)."""
    target = staging / rel
    try:
        target.write_bytes(data)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    st = target.stat()
    return st.st_size, st.st_mtime_ns


class Update:
    """An incremental write of the output folder, told by the build cache what it holds (no file is read back).

    Changed files are staged in a folder beside the output while the build runs. Only when every page
    rendered and every photo was made does commit() move them into place, file by file with rename(), and
    delete what the site no longer has. That is still "a failed build leaves output/ as it was": every
    error a site can cause (content, templates, photos, a full disk while staging) happens before commit(),
    which only renames within one file system. Were the machine to stop in the middle of commit(), the
    cache is not yet saved, so the next build finds the files whose size or time do not match and
    writes them again. When output/ does not exist yet the staging folder simply becomes it.
    """

    def __init__(self, output: Path, manifest: dict[str, tuple], present: dict[str, tuple[int, int]]):
        self.output = output.resolve()
        self.staging = staging_dir(self.output)
        self.manifest = manifest             # from the cache: path -> (size, mtime_ns, key)
        self.present = present               # what the output holds now: path -> (size, mtime_ns)
        self.staged: dict[str, tuple] = {}   # path -> (size, mtime_ns, key)
        self.kept: dict[str, tuple] = {}
        if self.staging.exists():
            shutil.rmtree(self.staging)

    def intact(self, rel: str, key: str | None = None) -> bool:
        """The output still holds the file the cache recorded for rel (and, given a key, with that content)."""
        recorded = self.manifest.get(rel)
        return (recorded is not None and self.present.get(rel) == recorded[:2]
                and (key is None or recorded[2] == key))

    def keep(self, rel: str) -> None:
        self.kept[rel] = self.manifest[rel]

    def add_staged(self, rel: str, size: int, mtime_ns: int, key: str) -> None:
        self.staged[rel] = (size, mtime_ns, key)

    def stage_bytes(self, rel: str, data: bytes, key: str) -> None:
        self.add_staged(rel, *stage_bytes(self.staging, rel, data), key)

    def put_bytes(self, rel: str, data: bytes, key: str) -> None:
        """Keep rel when the output already holds content with this key, else stage data."""
        if self.intact(rel, key):
            self.keep(rel)
        else:
            self.stage_bytes(rel, data, key)

    def put_file(self, rel: str, source: Path) -> None:
        """Keep rel when the output already holds this source file as it is now (path, size, time), or the very bytes
        of it (a new source of the same content: the search index made again in a new folder, a copied photo, a
        touched asset), else stage it. Sync tools that compare size and time then upload only what changed."""
        st = os.stat(source)
        key = f"{source}\0{st.st_size}\0{st.st_mtime_ns}"
        if self.intact(rel, key):
            self.keep(rel)
        elif self.intact(rel) and self.manifest[rel][0] == st.st_size and _same_bytes(source, self.output / rel):
            self.kept[rel] = (*self.manifest[rel][:2], key)
        else:
            self.stage_file(rel, source, key)

    def stage_file(self, rel: str, source: Path, key: str) -> None:
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(source, target)
        st = target.stat()
        self.staged[rel] = (st.st_size, st.st_mtime_ns, key)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def commit(self) -> tuple[WriteReport, dict[str, tuple]]:
        """Put the staged files in place and remove the stale ones; return the report and the new manifest."""
        targets = set(self.staged) | set(self.kept)
        removed = [rel for rel in self.present if rel not in targets]
        manifest = {**self.kept, **self.staged}
        report = WriteReport(len(self.staged), len(self.kept), len(removed))
        if not self.staged and not removed:
            return report, manifest
        if not self.output.exists():
            self.staging.rename(self.output)
            return report, manifest
        try:
            for rel in removed:
                (self.output / rel).unlink(missing_ok=True)
            made: set[Path] = set()
            for rel in sorted(self.staged):
                target = self.output / rel
                if target.parent not in made:
                    _make_dirs(self.output, target.parent)
                    made.add(target.parent)
                if target.is_dir():
                    shutil.rmtree(target)
                os.replace(self.staging / rel, target)
            _prune(self.output, {os.path.dirname(rel) for rel in removed})
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
        return report, manifest


def _make_dirs(root: Path, folder: Path) -> None:
    """Create folder below root; a stale file standing where a folder must be is removed first."""
    for parent in reversed([folder, *folder.parents]):
        if parent == root or root not in parent.parents:
            continue
        if parent.is_file() or parent.is_symlink():
            parent.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def _prune(root: Path, folders: set[str]) -> None:
    """Remove folders left empty by deleted files, deepest first, never root itself."""
    candidates = set()
    for folder in folders:
        while folder:
            candidates.add(folder)
            folder = os.path.dirname(folder)
    for folder in sorted(candidates, key=lambda f: -f.count("/")):
        try:
            (root / folder).rmdir()
        except OSError:
            pass


def _same_bytes(a: Path, b: Path, block: int = 1 << 20) -> bool:
    try:
        with open(a, "rb") as one, open(b, "rb") as other:
            while True:
                x, y = one.read(block), other.read(block)
                if x != y:
                    return False
                if not x:
                    return True
    except OSError:
        return False
