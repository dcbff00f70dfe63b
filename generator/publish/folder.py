"""Publishing to a folder: a mounted share, a USB disk with a backup, the web server's own directory."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from generator.publish import targetlock
from generator.publish.manifest import file_hash
from generator.publish.plan import MANIFEST, QUARANTINE, Entry, Plan, emptied_folders, temp_name, touched_folders
from generator.publish.transport import Checked, Context, PublishError, StepByStep, explain_os_error, take_lock

REPARSE_POINT = 0x400           # FILE_ATTRIBUTE_REPARSE_POINT: a junction or a symbolic link on Windows


class FolderTransport(StepByStep):
    complete_listing = True          # every file, from the file system

    def __init__(self, context: Context):
        self.context = context
        self.root = context.local_path
        site = context.site_dir.resolve()
        if self.root == site or self.root in site.parents or site in self.root.parents:
            raise PublishError(f"Folder tujuan {self.root} berada di dalam folder situs atau memuatnya; "
                               "pilih folder lain di luar folder situs.")
        for folder in (self.root, self.root.parent):
            if folder.exists() and not folder.is_dir():
                raise PublishError(f"{folder} adalah sebuah berkas, bukan folder; periksa 'path' tujuan "
                                   f"'{context.name}' di config.yaml: tujuan terbit harus sebuah folder (berkas itu "
                                   "dibiarkan apa adanya).")
        if not self.root.parent.is_dir():
            raise PublishError(f"Folder {self.root.parent} tidak ada; periksa 'path' tujuan '{context.name}' "
                               "di config.yaml (apakah diska atau folder jaringannya terpasang?).")
        self.notes = [] if self.root.is_dir() else [f"folder {self.root} belum ada, jadi dibuat."]
        try:
            self.root.mkdir(exist_ok=True)
        except OSError as err:
            raise PublishError(explain_os_error(err, str(self.root))) from err
        self.held = take_lock(self, context)

    def read_manifest(self) -> bytes | None:
        try:
            return (self.root / MANIFEST).read_bytes()
        except FileNotFoundError:
            return None

    def listing(self, survey=None) -> dict[str, int]:
        """Every file: listing is cheap here."""
        files = {}
        for folder, dirs, names in os.walk(self.root):
            if folder == str(self.root):
                dirs[:] = [d for d in dirs if not targetlock.is_lock_path(d)]
            for name in names:
                path = Path(folder, name)
                files[path.relative_to(self.root).as_posix()] = path.lstat().st_size
        return files

    # -- what verify reads (every file, links named, nothing followed)

    def everything(self) -> dict[str, int]:
        """Every file of the target, path -> size; a link (to a file or a folder) as -1, never followed."""
        files = {}
        for folder, dirs, names in os.walk(self.root, onerror=_unreadable):
            for name in [*dirs, *names]:
                path = Path(folder, name)
                rel = path.relative_to(self.root).as_posix()
                if _is_link(path):
                    files[rel] = -1
                elif name in names and stat.S_ISREG(path.lstat().st_mode):
                    files[rel] = path.lstat().st_size
            dirs[:] = [d for d in dirs if not _is_link(Path(folder, d))]
        return files

    def move_out(self, rel: str, dest: str) -> str:
        """A foreign file moved (itself, a link not followed) to QUARANTINE/dest beside the target's folder."""
        place = self.root.parent / (self.root.name + QUARANTINE) / dest
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
            if place.exists() or place.is_symlink():
                raise FileExistsError(17, "sudah ada", str(place))
            os.rename(self.root / rel, place)
        except OSError as err:
            raise PublishError(explain_os_error(err, str(place))) from err
        return str(place)

    def digest(self, rels: list[str]) -> dict[str, str]:
        return {rel: file_hash(self.root / rel) for rel in rels if not _is_link(self.root / rel)}

    def read(self, rel: str) -> bytes:
        return b"" if _is_link(self.root / rel) else (self.root / rel).read_bytes()

    def check(self, plan: Plan, previous: dict[str, Entry]) -> Checked:
        """Read from the disk: the folders on the way that are links (or, on Windows, junctions), and the files to
        delete that are no longer the ones publish wrote (another size or hash, or a link now)."""
        links = [folder for folder in touched_folders(plan) if _is_link(self.root / folder)]
        replaced = [rel for rel in plan.deletes if not any(rel.startswith(link + "/") for link in links)
                    and not self._still_ours(rel, previous[rel])]
        return Checked(tuple(replaced), tuple(links))

    def _still_ours(self, rel: str, entry: Entry) -> bool:
        path = self.root / rel
        try:
            status = path.lstat()
        except FileNotFoundError:
            return True         # gone already: nothing to delete, nothing to keep
        if not stat.S_ISREG(status.st_mode) or _is_link(path) or status.st_size != entry.size:
            return False
        return entry.sha is None or file_hash(path) == entry.sha

    def upload(self, files: list[tuple[str, Path]], in_place: bool = False) -> None:
        for rel, source in files:
            target = self.root / rel
            temp = self.root / temp_name(rel)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                temp.unlink(missing_ok=True)        # a link left there would be written through
                shutil.copyfile(source, temp)
                os.replace(temp, target)
            except OSError as err:
                temp.unlink(missing_ok=True)
                raise PublishError(explain_os_error(err, str(target))) from err
            self.context.progress(1)

    def delete(self, rels: list[str]) -> None:
        for rel in rels:
            try:
                (self.root / rel).unlink(missing_ok=True)
            except OSError as err:
                raise PublishError(explain_os_error(err, str(self.root / rel))) from err
        for folder in emptied_folders(rels, set()):
            try:
                (self.root / folder).rmdir()
            except OSError:
                pass        # not empty (someone else's file is in it) or already gone

    def write_manifest(self, data: bytes) -> None:
        temp = self.root / temp_name(MANIFEST)
        try:
            temp.unlink(missing_ok=True)
            temp.write_bytes(data)
            os.replace(temp, self.root / MANIFEST)
        except OSError as err:
            raise PublishError(explain_os_error(err, str(self.root / MANIFEST))) from err

    # -- the lock (targetlock.Place)

    def make_lock(self) -> bool:
        try:
            (self.root / targetlock.LOCK).mkdir()
            return True
        except FileExistsError:
            return False
        except OSError as err:
            raise PublishError(explain_os_error(err, str(self.root / targetlock.LOCK))) from err

    def read_lock(self, folder: str) -> bytes | None:
        try:
            return (self.root / folder / targetlock.HOLDER).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def write_lock(self, data: bytes) -> None:
        path = self.root / targetlock.LOCK / targetlock.HOLDER
        temp = path.with_name(path.name + "~")
        temp.write_bytes(data)
        os.replace(temp, path)

    def rename_lock(self, old: str, new: str) -> bool:
        try:
            os.rename(self.root / old, self.root / new)
            return True
        except OSError:
            return False

    def remove_lock(self, folder: str) -> None:
        for name in (targetlock.HOLDER, targetlock.HOLDER + "~"):
            (self.root / folder / name).unlink(missing_ok=True)
        try:
            (self.root / folder).rmdir()
        except FileNotFoundError:
            pass

    def close(self) -> None:
        if getattr(self, "held", None) is not None:
            self.held, held = None, self.held
            held.release()


def _unreadable(err: OSError) -> None:
    """A folder that cannot be listed: verify cannot say the target is as published."""
    raise PublishError(f"Folder {err.filename} tidak dapat dibaca ({err.strerror or err}); periksa izinnya, lalu "
                       "jalankan lagi.")


def _is_link(path: Path) -> bool:
    """A symbolic link, or a Windows junction or other reparse point (which os.path.islink does not see in 3.11)."""
    try:
        status = path.lstat()
    except OSError:
        return False
    return stat.S_ISLNK(status.st_mode) or bool(getattr(status, "st_file_attributes", 0) & REPARSE_POINT)
