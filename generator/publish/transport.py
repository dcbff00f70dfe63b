"""What every kind of target offers the publish step, and the one error it raises: a sentence for the user."""

from __future__ import annotations

import errno
import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from ..config import DEFAULT_PORTS, PublishTarget
from .plan import Plan, Survey


class PublishError(Exception):
    """A publish could not go on; the message is one Indonesian sentence saying what happened and what to do."""


@dataclass(frozen=True)
class Context:
    name: str                               # the target's name in config.yaml
    target: PublishTarget
    site_dir: Path
    trust_host_key: str | None = None       # sftp: a fingerprint the user has checked and wants trusted
    progress: Callable[[int], None] = field(default=lambda count: None)   # called with the number of files just sent
    interactive: bool = False               # a person at a terminal can be asked for a password

    @property
    def port(self) -> int:
        return self.target.port or DEFAULT_PORTS.get(self.target.type, 0)

    @property
    def local_path(self) -> Path:
        """A folder or repository path, relative to the site folder unless absolute."""
        return (self.site_dir / os.path.expanduser(self.target.path)).resolve()


class Transport(Protocol):
    """One connection to a target. Paths are relative to the target's folder, with '/' between names."""

    complete_listing: bool      # listing() returns every file of the target at little cost (folder, git)

    def read_manifest(self) -> bytes | None: ...
    def listing(self, survey: Survey) -> dict[str, int]: ...   # path -> size of the survey's paths that exist,
                                                                # and of any other file the target lists cheaply
    def write_manifest(self, data: bytes) -> None: ...
    def send(self, decided: Plan, output: Path, done: Callable[[str], None]) -> None: ...
    # the plan's uploads in its order (Plan.steps or Plan.waves), each new file written directly or each replacing
    # one under a temporary name renamed over the old version; done(name of the step) after each step
    def conclude(self, deletes: list[str], data: bytes | None) -> None: ...
    # delete the files (missing ones are fine; emptied folders go too), then save the manifest (None: unchanged);
    # git commits and pushes
    def close(self) -> None: ...


class StepByStep:
    """send and conclude for transports that take one step at a time: upload, delete, write_manifest, finish."""

    def send(self, decided: Plan, output: Path, done: Callable[[str], None]) -> None:
        for level, files, in_place in decided.steps():
            self.upload([(rel, output / rel) for rel in files], in_place)
            done(f"{STEP_NAMES[level]} ({len(files)} {'baru' if in_place else 'diganti'})")

    def conclude(self, deletes: list[str], data: bytes | None) -> None:
        if deletes:
            self.delete(deletes)
        if data is not None:
            self.write_manifest(data)
        self.finish()

    def finish(self) -> None:
        pass


STEP_NAMES = ("kirim berkas pendukung", "kirim halaman", "kirim beranda")


def explain_os_error(err: OSError, where: str) -> str:
    """An operating system error while writing a target, as a sentence."""
    code = getattr(err, "errno", None)
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return f"Disk tujuan penuh saat menulis {where}; kosongkan ruang di sana lalu jalankan perintah yang sama lagi (situs yang tayang tetap utuh)."
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Tidak ada izin menulis {where}; minta pengelola server memberi izin tulis pada folder itu, lalu jalankan lagi."
    if code == errno.ENOENT:
        return f"{where} tidak ditemukan; periksa 'path' tujuan ini di config.yaml."
    return f"Gagal menulis {where} ({err.strerror or err}); periksa tujuan lalu jalankan perintah yang sama lagi."


def network_problem(err: BaseException, host: str, port: int) -> str | None:
    """Reaching the server failed before anything was sent: the sentence for it, or None for other errors."""
    if isinstance(err, ConnectionRefusedError):
        return (f"Server {host} menolak sambungan di porta {port}; periksa 'host' dan 'port' di config.yaml, atau "
                "minta pengelola server menyalakan layanannya.")
    if isinstance(err, socket.gaierror):
        return f"Nama server '{host}' tidak ditemukan; periksa 'host' di config.yaml dan sambungan internet."
    if isinstance(err, (TimeoutError, socket.timeout)):
        return (f"Server {host} tidak menjawab; periksa sambungan internet, 'host' dan 'port', lalu jalankan perintah "
                "yang sama lagi.")
    return None


def open_transport(context: Context) -> Transport:
    kind = context.target.type
    if kind == "folder":
        from .folder import FolderTransport
        return FolderTransport(context)
    if kind == "sftp":
        from .sftp import SftpTransport
        return SftpTransport(context)
    if kind in ("ftp", "ftps"):
        from .ftp import FtpTransport
        return FtpTransport(context)
    if kind == "git":
        from .git import GitTransport
        return GitTransport(context)
    raise PublishError(f"Jenis tujuan '{kind}' tidak dikenal.")


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
