"""One build of a site at a time: an advisory lock, taken for the site's cache folder, outside the site."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path

from generator.core import system

WAIT = 30.0          # seconds a build waits for another build of the same site before it gives up


class Busy(Exception):
    """Another build of the same site is running and did not finish within the wait."""


def lock_file(cache_dir: Path) -> Path:
    """The lock of the builds that share this cache (one site): in the system's temporary folder, so that taking it
    writes nothing into the site, and a failed or no-op build leaves the site's folders exactly as they were."""
    key = hashlib.blake2b(str(cache_dir.resolve()).encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
    return Path(tempfile.gettempdir()) / f"kpu-situs-{key}.lock"


@contextlib.contextmanager
def held(cache_dir: Path, wait: float | None = None, on_wait=None):
    """Hold the site's build lock for the body; wait up to `wait` seconds (default WAIT) for another build to
    finish, calling on_wait once with its process id so that the user knows why nothing happens; then raise Busy.

    The lock belongs to the open file, so it ends with the process that holds it, however it ends: a killed
    build never leaves a stale lock behind (only an empty file, which the next build takes and removes). Where
    the system has no flock() (Windows), the lock is a socket listening on a loopback port named by the site (see
    port()), which the system also frees when its process ends.
    """
    fcntl = system.flock()
    if fcntl is None:
        with _port_held(cache_dir, WAIT if wait is None else wait, on_wait):
            yield
        return
    path = lock_file(cache_dir)
    deadline, told = time.monotonic() + (WAIT if wait is None else wait), False
    while True:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)    # read-only: another user's lock file locks too
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = holder(fd)
            os.close(fd)
            told = _wait_once_more(pid, deadline, told, on_wait)
            continue
        if _same_file(path, fd):
            break
        os.close(fd)            # the build before removed the file as we took it: take the new one
    try:
        yield
    finally:
        try:
            os.unlink(path)     # while still held: no file is left behind in the temporary folder
        except OSError:
            pass
        os.close(fd)


# The loopback ports of the lock without flock(): below the ephemeral ranges the systems hand out to outgoing
# connections (Linux 32768-60999, Windows 49152-65535), so that no passing connection takes a site's port.
PORTS = range(20000, 32000)


def port(cache_dir: Path) -> int:
    """The loopback port whose listening socket is the lock of the builds that share this cache (one site)."""
    key = hashlib.blake2b(str(cache_dir.resolve()).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return PORTS.start + int.from_bytes(key, "big") % len(PORTS)


def _wait_once_more(pid, deadline: float, told: bool, on_wait) -> bool:
    """Another build holds the lock: Busy past the deadline, else on_wait told once, then a short pause; whether it
    has been told."""
    if time.monotonic() >= deadline:
        raise Busy(_message(pid)) from None
    if not told and on_wait is not None:
        on_wait(pid)
    time.sleep(0.05)
    return told or on_wait is not None


@contextlib.contextmanager
def _port_held(cache_dir: Path, wait: float, on_wait):
    """The lock where there is no flock(): a socket bound to the site's loopback port, which one process at a time
    can hold (exclusively, on Windows) and which ends with it. Its process id is kept beside it for the messages."""
    import socket  # here: the builds that hold flock() (and the no-op build) do without it

    path, number = lock_file(cache_dir), port(cache_dir)
    deadline, told = time.monotonic() + wait, False
    while True:
        held_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):       # Windows: no other socket may share the port
            held_socket.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        try:
            held_socket.bind(("127.0.0.1", number))
            held_socket.listen(1)
            break
        except OSError:
            held_socket.close()
            told = _wait_once_more(_recorded_pid(path), deadline, told, on_wait)
    try:
        try:
            path.write_text(str(os.getpid()), encoding="ascii")
        except OSError:
            pass                                        # only the messages' process id is lost
        yield
    finally:
        try:
            path.unlink()
        except OSError:
            pass
        held_socket.close()


def _recorded_pid(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "?"
    return text if text.isdigit() else "?"


def waiting_message(pid: str) -> str:
    """What a command says when it has to wait for another build of the site."""
    process = f" (proses {pid})" if pid != "?" else ""
    return f"Menunggu pembangunan lain untuk situs ini{process} selesai…"


def _same_file(path: Path, fd: int) -> bool:
    try:
        st, held_st = os.stat(path), os.fstat(fd)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == (held_st.st_dev, held_st.st_ino)


def holder(fd: int) -> str:
    """The process holding the lock on fd's file, from Linux's /proc/locks; '?' where that cannot be told."""
    st = os.fstat(fd)
    inode = f":{st.st_ino} "
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            for line in locks:
                fields = line.split()
                if "FLOCK" in fields and "->" not in fields and inode in line:
                    return fields[fields.index("FLOCK") + 3]
    except OSError:
        pass
    return "?"


def _message(pid: str) -> str:
    process = f" (proses {pid})" if pid != "?" else ""
    return (f"pembangunan lain untuk situs ini sedang berjalan{process}, mungkin di jendela terminal lain atau oleh "
            "pratinjau. Tunggu sampai selesai, lalu ulangi.")
