"""The only code that writes the output folder: changed files are staged beside it and moved in on commit."""

from __future__ import annotations

import json
import os
import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.core import atomic, racy
from generator.core.hashing import digest
from generator.core.report import Problem
from generator.core.resources import (  # the generator and its built-in theme, wherever installed
    PACKAGE_DIR,
    THEME_DIR,
)
from generator.core.system import shown
from generator.engine import keys

LEDGER_DIR = "keluaran"                                      # below the cache folder: one record per output folder


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


def check_output_dir(output: Path, site_dir: Path, cache_dir: Path | None = None) -> None:
    """Refuse an output folder that is a file, or is, holds or lies inside the site's sources, its cache or the
    generator itself: the build replaces what it wrote there, so any of them would lose files."""
    output, site_dir = output.resolve(), site_dir.resolve()
    example = site_dir / "output"
    if output.exists() and not output.is_dir():
        raise UnsafeOutput(f"--output {shown(output)} adalah sebuah berkas, bukan folder; pilih folder, misalnya "
                           f"{shown(example)}.")
    if output == site_dir or output in site_dir.parents:
        raise UnsafeOutput(f"folder keluaran {shown(output)} berisi folder situs; pilih folder lain, misalnya "
                           f"{shown(example)}.")
    guarded = [(site_dir / "content", "content/"), (site_dir / "templates", "templates/"),
               ((cache_dir or site_dir / ".cache").resolve(), "cache (.cache/)"),
               (PACKAGE_DIR, "kode generator (generator/)"), (THEME_DIR, "tema bawaan generator (templates/)")]
    for sources, name in guarded:
        if output == sources or sources in output.parents or output in sources.parents:
            raise UnsafeOutput(f"folder keluaran {shown(output)} bertumpang tindih dengan {name} dan bisa menimpa "
                               "isinya; "
                               f"pilih folder lain, misalnya {shown(example)}.")
    if (output / "config.yaml").exists() or (output / "content").is_dir():
        raise UnsafeOutput(f"folder keluaran {shown(output)} berisi config.yaml atau content/; pilih folder kosong.")


@dataclass
class Ledger:
    """Which files of one output folder the builds of this site wrote: the only ones a build may replace or delete.

    Kept in the cache folder as plain JSON, apart from the versioned build cache, so that it survives a new
    version of the generator. files is None when no build of this site has written there (or the record is lost).
    """

    path: Path
    output: Path
    files: set[str] | None

    @classmethod
    def load(cls, cache_dir: Path, output: Path) -> "Ledger":
        output = output.resolve()
        path = cache_dir / LEDGER_DIR / f"{digest(str(output))}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("output") == str(output) and isinstance(data.get("files"), list):
                return cls(path, output, {str(rel) for rel in data["files"]})
        except (OSError, ValueError, AttributeError):
            pass
        return cls(path, output, None)

    def save(self, files) -> None:
        """Record files as written by this site (atomically: a half-written record is never read)."""
        self.files = set(files)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(self.path, json.dumps({"output": str(self.output), "files": sorted(self.files)}))


def open_update(options, manifest: dict[str, tuple], present: dict[str, tuple[int, int]]) -> Update:
    """The write of one build into options.output (build.Options: output, site_dir, cache_dir, force): the folder
    claimed through its ledger (UnsafeOutput when it holds files no build of this site wrote and nothing allows
    building over them), and the last build's manifest narrowed to the files this site wrote; without a manifest,
    learnt by reading them (a forced first build adopts the files it would write identically)."""
    ledger, force = claim(options.output, options.site_dir, options.cache_dir, present, options.force)
    owned = ledger.files if ledger.files is not None else set(present)
    manifest = {rel: kept for rel, kept in manifest.items() if rel in owned}
    if not manifest and present:
        manifest = survey(options.output, {rel: stat for rel, stat in present.items() if rel in owned})
    return Update(options.output, manifest, present, ledger, force, options.racy_clock)


def survey(output: Path, present: dict[str, tuple[int, int]]) -> dict[str, tuple]:
    """Without a cache, learn once what the output holds by reading it (the cache spares every later build this)."""
    manifest = {}
    for rel, stat in present.items():
        try:
            manifest[rel] = (*stat, digest((output / rel).read_bytes()))
        except OSError:
            continue
    return manifest


def claim(output: Path, site_dir: Path, cache_dir: Path, present: dict, force: bool) -> tuple[Ledger, bool]:
    """The output folder's ledger, and whether to build into it as with --force; UnsafeOutput when it holds files
    no build of this site wrote and nothing allows building over them."""
    ledger = Ledger.load(cache_dir, output)
    force = force or (ledger.files is None and bool(present) and built_here_before(output, site_dir, cache_dir))
    refuse_foreign_folder(output, present, ledger, force)
    return ledger, force


def refuse_foreign_folder(output: Path, present: dict, ledger: Ledger, force: bool) -> None:
    """A first build into a folder that already holds files (no record says this site wrote them) is refused."""
    if ledger.files is not None or force:
        return
    foreign = sorted(present)
    if foreign:
        raise UnsafeOutput(
            f"folder keluaran {shown(output)} sudah berisi {len(foreign)} berkas yang tidak dibuat oleh pembangunan "
            "situs "
            f"ini ({_some(foreign)}); berkas itu tidak dihapus dan tidak ditimpa. Pilih folder yang kosong atau belum "
            "ada. Bila folder ini memang hasil pembangunan situs ini sebelumnya (misalnya setelah folder .cache "
            "dihapus), ulangi dengan --force: berkas yang namanya sama ditimpa, berkas lain dibiarkan.")


def built_here_before(output: Path, site_dir: Path, cache_dir: Path) -> bool:
    """No ledger, but the site's own output folder and a build cache: a version of the generator that kept no ledger
    built there. The build then goes on as with --force (same-named files replaced, none deleted), so that an
    upgrade does not stop every site's next build."""
    from generator.engine.cache import INDEX

    return output.resolve() == (site_dir / "output").resolve() and (cache_dir / INDEX).is_file()


def foreign_files(present: dict, owned) -> list[str]:
    """Files in the output that no build of this site wrote (CNAME, .nojekyll, a verification page): left alone."""
    return sorted(rel for rel in present if rel not in owned)


def foreign_warning(output: Path, foreign: list[str]) -> list[Problem]:
    if not foreign:
        return []
    return [Problem(str(output), None, f"{len(foreign)} berkas di folder keluaran tidak dibuat oleh pembangunan "
                    f"situs ini ({_some(foreign)}); berkas itu dibiarkan, tidak dihapus.",
                    "Biarkan bila memang disengaja (misalnya CNAME atau halaman verifikasi); hapus sendiri bila tidak.",
                    warning=True)]


def _some(names: list[str], count: int = 5) -> str:
    shown = ", ".join(names[:count])
    return shown + (f" dan {len(names) - count} lainnya" if len(names) > count else "")


def folder_state(folder: Path) -> tuple | None:
    """The output folder's identity and time: it changes when the folder is deleted, replaced, or a file directly
    in it (the home page, the feeds) is added or removed. None when it does not exist."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns


def relative_path(path: str) -> str:
    """A clean relative path inside the output folder; raises UnsafeOutput for anything that would leave it."""
    clean = posixpath.normpath(path.lstrip("/"))
    if ".." in clean.split("/") or posixpath.isabs(clean) or "\\" in clean or "\0" in clean or clean in (".", ""):
        raise UnsafeOutput(f"berkas '{path}' akan ditulis di luar folder keluaran.")
    return clean


def copy_file(source: Path, target: Path, reflink: bool = True) -> bool:
    """A copy of source that shares no bytes with it once written: a reflink where the file system offers one
    (btrfs, XFS: instant, copy-on-write), otherwise a plain copy. Never a hard link: an edit of the published
    file would change the source, the theme or the photo cache. Returns whether a reflink was made; reflink=False
    skips trying (the file system said no before: on ext4 each try cost two opens of thousands of files)."""
    linked = reflink and _reflink(source, target)
    if not linked:
        shutil.copyfile(source, target)     # sendfile() on Linux: the bytes never pass through Python
    shutil.copystat(source, target)
    return linked


_FICLONE = 0x40049409     # Linux ioctl: make the target share the source's extents, copy-on-write


def _reflink(source: Path, target: Path) -> bool:
    try:
        import fcntl
    except ImportError:
        return False
    try:
        with open(source, "rb") as src, open(target, "wb") as dst:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
        return True
    except OSError:
        return False


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

    def __init__(self, output: Path, manifest: dict[str, tuple], present: dict[str, tuple[int, int]],
                 ledger: Ledger | None = None, force: bool = False, clock: racy.Clock | None = None):
        self.output = output.resolve()
        self.clock = clock or racy.Clock()   # Options.racy_clock: what "moments ago" is judged against
        self.staging = staging_dir(self.output)
        self.manifest = manifest             # from the cache: path -> (size, mtime_ns, key)
        self.present = present               # what the output holds now: path -> (size, mtime_ns)
        self.ledger = ledger                 # what builds of this site wrote there; None: every present file (a
        self.force = force                   # quick rebuild, which only rewrites files of the last build)
        self.staged: dict[str, tuple] = {}   # path -> (size, mtime_ns, key)
        self.kept: dict[str, tuple] = {}
        self.foreign: list[str] = []         # after commit: the files left alone because this site did not write them
        self.reflinks = True                 # the file system may make reflinks (until a first copy says it cannot)
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

    def put_data(self, rel: str, key: str, read) -> None:
        """Keep rel when the output already holds content with this key (a digest of it), or the very bytes read()
        gives; else stage them."""
        if self.intact(rel, key):
            self.keep(rel)
            return
        data = read()
        if not self._kept_as(rel, key, len(data), lambda: (self.output / rel).read_bytes() == data):
            self.stage_bytes(rel, data, key)

    def put_file(self, rel: str, source: Path, named_by_content: bool = False) -> None:
        """Keep rel when the output already holds this source file as it is now (path, size, time), or the very bytes
        of it (a new source of the same content: the search index made again in a new folder, a copied photo, a
        touched asset), else stage it. Sync tools that compare size and time then upload only what changed.

        A file the build did not make (named_by_content False: an attachment, a theme asset) is known by its size
        and racy.stamp (the inode change time too, so an edit whose old time was put back shows), and one changed
        too recently for that to tell a second edit is compared by its bytes next time."""
        st = os.stat(source)
        unsure = False
        if named_by_content:        # the photo cache's and the search cache's files: a new content is a new name
            key = keys.copy_key(source, st.st_size, st.st_mtime_ns)
        else:
            size, time_ns = racy.stamp(st)
            unsure = racy.recent(time_ns, self.clock.now_ns())
            key = keys.copy_key(source, size, time_ns, unsure)
        if self.intact(rel, key) and not unsure:
            self.keep(rel)
        elif not self._kept_as(rel, key, st.st_size, lambda: _same_bytes(source, self.output / rel)):
            self.stage_file(rel, source, key)

    def _kept_as(self, rel: str, key: str, size: int, same) -> bool:
        """Keep rel under a new key when the output still holds the file the cache recorded, of this size, and
        same() finds its bytes are the new content's."""
        if self.intact(rel) and self.manifest[rel][0] == size and same():
            self.kept[rel] = (*self.manifest[rel][:2], key)
            return True
        return False

    def stage_file(self, rel: str, source: Path, key: str) -> None:
        target = self.staging / rel
        try:        # its folder is usually there already (the page beside it): made only when it is not
            self.reflinks = copy_file(source, target, self.reflinks)
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.reflinks = copy_file(source, target, self.reflinks)
        st = target.stat()
        self.staged[rel] = (st.st_size, st.st_mtime_ns, key)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def owned(self) -> set[str]:
        if self.ledger is None:
            return set(self.present) | set(self.manifest)
        return self.ledger.files or set()

    def commit(self) -> tuple[WriteReport, dict[str, tuple]]:
        """Put the staged files in place and remove the stale ones this site wrote; return the report and the new
        manifest. Files the site did not write are never removed or replaced (UnsafeOutput, unless forced)."""
        owned = self.owned()
        targets = set(self.staged) | set(self.kept)
        removed = [rel for rel in self.present if rel not in targets and rel in owned]
        self.foreign = foreign_files({rel: 0 for rel in self.present if rel not in targets}, owned)
        if not self.force:
            _refuse_overwrites(self.output, self.present, owned, self.staged)
        manifest = {**self.kept, **self.staged}
        report = WriteReport(len(self.staged), len(self.kept), len(removed))
        if self.ledger is not None and self.ledger.files != set(targets):
            self.ledger.save(owned | targets)      # before anything moves: a stop midway leaves no file unowned
        if not self.staged and not removed:
            self._settle(targets)
            return report, manifest
        if not self.output.exists():
            self.staging.rename(self.output)
            self._settle(targets)
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
                    shutil.rmtree(target)      # holds only files this site wrote (_refuse_overwrites)
                os.replace(self.staging / rel, target)
            _prune(self.output, {os.path.dirname(rel) for rel in removed})
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
        self._settle(targets)
        return report, manifest

    def _settle(self, targets: set[str]) -> None:
        if self.ledger is not None and self.ledger.files != targets:
            self.ledger.save(targets)


def _refuse_overwrites(output: Path, present: dict, owned: set[str], staged: dict) -> None:
    """A staged file would replace a file, or a folder of files, this site did not write, or need a folder where
    such a file stands: refuse before anything moves."""
    foreign = [rel for rel in present if rel not in owned]
    if not foreign:
        return
    foreign_set = set(foreign)
    folders = {parent for rel in foreign for parent in _parents(rel)}
    clashes = sorted(rel for rel in staged if rel in foreign_set or rel in folders
                     or any(parent in foreign_set for parent in _parents(rel)))
    if clashes:
        raise UnsafeOutput(
            f"pembangunan akan menimpa berkas di {shown(output)} yang tidak dibuat oleh pembangunan situs ini "
            f"({_some(clashes)}); tidak ada yang diubah. Pindahkan berkas itu dari folder keluaran, atau ulangi "
            "dengan --force bila berkas itu boleh ditimpa.")


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _make_dirs(root: Path, folder: Path) -> None:
    """Create folder below root; a stale file of this site standing where a folder must be is removed first."""
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
