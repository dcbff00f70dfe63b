"""The only code that writes the output folder: a new tree is staged beside it and swapped in whole."""

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


def write_site(output: Path, pages: dict[str, bytes], files: dict[str, Path]) -> WriteReport:
    """Make output hold exactly pages (path -> bytes) and files (path -> file to copy), keeping unchanged files.

    Unchanged files are hard-linked from the current output into a staging folder, so they keep their
    modification time; the staging folder replaces the output only when it is complete. When nothing
    changed, nothing is written at all.
    """
    output = output.resolve()
    targets: dict[str, bytes | Path] = {relative_path(p): data for p, data in pages.items()}
    for p, source in files.items():
        targets[relative_path(p)] = source
    old = _existing(output)
    same = {p for p, data in targets.items() if p in old and _same(output / p, data)}
    removed = len(old - set(targets))
    if len(same) == len(targets) and not removed:
        return WriteReport(0, len(same), 0)

    staging = output.with_name(f".{output.name}.baru")
    previous = output.with_name(f".{output.name}.lama")
    for leftover in (staging, previous):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir(parents=True)
    try:
        made_dirs: set[Path] = set()
        for rel, data in targets.items():
            target = staging / rel
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            if rel in same:
                _link_or_copy(output / rel, target)
            elif isinstance(data, bytes):
                target.write_bytes(data)
            else:
                _link_or_copy(data, target)
        if output.exists():
            output.rename(previous)
        staging.rename(output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if previous.exists() and not output.exists():
            previous.rename(output)
        raise
    shutil.rmtree(previous, ignore_errors=True)
    return WriteReport(len(targets) - len(same), len(same), removed)


def _existing(output: Path) -> set[str]:
    if not output.is_dir():
        return set()
    found = set()
    for root, _dirs, names in os.walk(output):
        rel_root = os.path.relpath(root, output)
        for name in names:
            found.add(name if rel_root == "." else f"{rel_root}/{name}".replace(os.sep, "/"))
    return found


def _same(path: Path, data: bytes | Path) -> bool:
    try:
        if isinstance(data, bytes):
            return path.stat().st_size == len(data) and path.read_bytes() == data
        return os.path.samefile(path, data) or (
            path.stat().st_size == data.stat().st_size and path.read_bytes() == data.read_bytes())
    except OSError:
        return False


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
