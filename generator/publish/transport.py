"""What every kind of target offers the publish step, and the one error it raises: a sentence for the user."""

from __future__ import annotations

import asyncio
import errno
import os
import queue
import socket
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from generator.model.config import DEFAULT_PORTS, PublishTarget
from generator.publish.plan import Entry, Plan, Survey


class PublishError(Exception):
    """A publish could not go on; the message is one Indonesian sentence saying what happened and what to do."""


class Outdated(PublishError):
    """The target moved on while this publish prepared its change (a git branch another publish pushed to meanwhile):
    nothing of this attempt is live, and a new attempt, planned on top of the other's, may go."""


class Handoff:
    """One value passed from the command's main thread to a connection made in another thread (the paths new since
    the last publish, once the site is built). put() is a single C call (queue.SimpleQueue) that Ctrl-C or SIGTERM
    cannot interrupt halfway: a concurrent.futures.Future, set under a Condition whose __exit__ is Python code, could
    be left with its lock held by a signal landing there, and the connection waited for it, and the command for the
    connection, for ever. The value may be put more than once (the command's way out puts one whenever it cannot
    tell whether it did); the first is the one taken."""

    POLL = 0.5      # seconds a waiting thread holds on between looks at whether its loop still wants the value

    def __init__(self):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._taken: list = []      # the value, once the connection's thread took it (it may ask again)
        self.given = False          # set after put (an assignment: atomic) so that the way out need not put again

    def put(self, value) -> None:
        self._queue.put(value)
        self.given = True

    async def get(self, stop: threading.Event | None = None):
        """The value, waited for in a thread of the running loop's own (the loop goes on meanwhile); a loop that
        stops waiting (the publish cancelled) leaves that thread to end within POLL seconds. Once stop is set (the
        command stopped) it is not waited for: ConnectionAbortedError."""
        loop = asyncio.get_running_loop()
        while not self._taken:
            if stop is not None and stop.is_set() and self._queue.empty():
                raise ConnectionAbortedError(errno.ECONNABORTED, "penerbitan dihentikan")
            try:
                self._taken.append(await loop.run_in_executor(None, self._queue.get, True, self.POLL))
            except queue.Empty:
                continue
        return self._taken[0]


@dataclass(frozen=True)
class Context:
    name: str                               # the target's name in config.yaml
    target: PublishTarget
    site_dir: Path
    trust_host_key: str | None = None       # sftp: a fingerprint the user has checked and wants trusted
    progress: Callable[[int], None] = field(default=lambda count: None)   # called with the number of files just sent
    interactive: bool = False               # a person at a terminal can be asked for a password
    likely_new: Handoff | None = None       # the site's paths missing from its previous scan, once it is built:
                                            # an SFTP target asks about them while connecting (a round trip less)
    link: Future | None = None              # sftp: the TCP connection (dial), made while asyncssh is imported
    site_id: str = ""                       # the site's identity (its base_url), written in the target's lock
    expected: bytes | None = None           # verify, reading only: this computer's copy of the target's manifest;
                                            # an SFTP target then looks without taking the lock (see SftpTransport)
    stop: threading.Event | None = None     # set when the command stops (Ctrl-C, a failed build) while the target
                                            # is reached in a thread of its own: a wait for its lock ends

    @property
    def port(self) -> int:
        return self.target.port or DEFAULT_PORTS.get(self.target.type, 0)

    @property
    def local_path(self) -> Path:
        """A folder or repository path, relative to the site folder unless absolute."""
        return (self.site_dir / os.path.expanduser(self.target.path)).resolve()


@dataclass(frozen=True)
class Delivery:
    """Everything one publish writes to a target."""

    plan: Plan
    output: Path                # the built site
    pending: bytes | None       # the manifest claiming every upload, saved before the first (None: nothing to send)
    claims: bytes | None        # the same claims as lines to append to the target's manifest (None: it has none)
    final: bytes | None         # the manifest saved last (None: unchanged)
    deletes: tuple[str, ...]    # files an earlier publish put there, and temporary files of one cut off


@dataclass(frozen=True)
class Checked:
    """What the target said about the paths a publish would touch (Transport.check)."""

    replaced: tuple[str, ...] = ()  # files to delete whose size or hash differ from the manifest's: someone else's
    links: tuple[str, ...] = ()     # folders on the way of a write or a deletion that are links on the target


class Transport(Protocol):
    """One connection to a target. Paths are relative to the target's folder, with '/' between names."""

    complete_listing: bool      # listing() returns every file of the target at little cost (folder, git)
    notes: list[str]            # what the report says about the target before the plan (its folder was made)

    def read_manifest(self) -> bytes | None: ...
    def listing(self, survey: Survey) -> dict[str, int]: ...   # path -> size of the survey's paths that exist,
                                                                # and of any other file the target lists cheaply
    def check(self, plan: Plan, previous: dict[str, Entry]) -> Checked: ...
    # before anything is changed: every file to delete still has the size (and hash, when the manifest records one)
    # publish gave it, else it is replaced; every folder on the way of a write or a deletion is not a link
    def deliver(self, delivery: Delivery, done: Callable[[str], None]) -> None: ...
    # in this order, each part visible only after the one before it is complete: the pending manifest; the uploads
    # in the plan's order (Plan.steps, or Plan.waves), new files written directly, replacing ones under a temporary
    # name renamed over the old version; the deletions (missing files are fine; emptied folders go too); the final
    # manifest; git commits and pushes. done(name of a step) after each step
    def close(self) -> None: ...


class StepByStep:
    """deliver for transports that take one step at a time: write_manifest, upload, delete, finish."""

    notes: tuple[str, ...] = ()       # nothing to say unless a transport sets its own

    def deliver(self, delivery: Delivery, done: Callable[[str], None]) -> None:
        if delivery.claims is not None and self.append_manifest(delivery.claims):
            done("klaim di catatan")
        elif delivery.pending is not None:
            self.write_manifest(delivery.pending)
            done("simpan catatan sementara")
        for level, files, in_place in delivery.plan.steps():
            self.upload([(rel, delivery.output / rel) for rel in files], in_place)
            done(f"{STEP_NAMES[level]} ({len(files)} {'baru' if in_place else 'diganti'})")
        if delivery.deletes:
            self.delete(list(delivery.deletes))
        if delivery.final is not None:
            self.write_manifest(delivery.final)
        self.finish()
        done("hapus dan simpan catatan")

    def append_manifest(self, claims: bytes) -> bool:
        """Add the claims at the end of the target's manifest, if the target can append (a few hundred bytes where
        the whole pending manifest is a quarter of a megabyte for 1,000 posts); False: it cannot."""
        return False

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


def take_lock(place, context: Context):
    """The target's lock (targetlock), taken before its manifest is read: waited for while another publish holds
    it, taken over (said on the terminal) when left behind; a PublishError when it stays held."""
    from generator.publish import targetlock

    try:
        return targetlock.take(place, targetlock.me(context.site_id, context.name),
                               lambda text: print(text, file=sys.stderr, flush=True), context.name, stop=context.stop)
    except targetlock.Busy as busy:
        raise PublishError(str(busy)) from None
    except targetlock.Stopped:
        raise PublishError("Penerbitan dihentikan sebelum kunci tujuan didapat; tidak ada yang dikirim.") from None


DIAL_POLL = 0.2     # seconds between looks at context.stop while a server has not yet answered
# connect() on a non-blocking socket: under way, not failed (EWOULDBLOCK is Windows' word for it)
_PENDING = frozenset(code for code in (errno.EINPROGRESS, errno.EALREADY, errno.EWOULDBLOCK,
                                       getattr(errno, "WSAEWOULDBLOCK", None)) if code is not None)


def dial(context: Context, timeout: float = 30) -> socket.socket:
    """A TCP connection to the target's server: the name looked up and the connection made (a round trip, more for
    the lookup) while the SSH library is still being imported. Failures are raised when the transport takes it.

    Each of the name's addresses is given timeout seconds, as socket.create_connection gives them (a dead IPv6
    address first must leave the IPv4 one its chance), but a wait ends within DIAL_POLL seconds of context.stop
    being set (Ctrl-C, a failed build): a server that does not answer (a wrong address, a firewall that drops the
    packets) kept the command, which waits for this thread on its way out, waiting out the whole timeout after
    Ctrl-C. The name's lookup cannot be cut short so."""
    failure: OSError = OSError(f"alamat {context.target.host} tidak ditemukan")
    for family, kind, proto, _, address in socket.getaddrinfo(context.target.host, context.port,
                                                              type=socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        try:
            _connect(sock, address, time.monotonic() + timeout, context.stop)
        except ConnectionAbortedError:
            sock.close()
            raise
        except OSError as err:
            sock.close()
            failure = err
            continue
        sock.settimeout(timeout)        # as socket.create_connection leaves it
        return sock
    raise failure


def _connect(sock: socket.socket, address, deadline: float, stop: threading.Event | None) -> None:
    import selectors

    sock.setblocking(False)
    code = sock.connect_ex(address)
    with selectors.DefaultSelector() as waiting:    # (Windows' reports a refused connection as writable too)
        waiting.register(sock, selectors.EVENT_WRITE)
        while code in _PENDING:
            if stop is not None and stop.is_set():
                raise ConnectionAbortedError(errno.ECONNABORTED, "penerbitan dihentikan")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("timed out")
            if waiting.select(min(DIAL_POLL, left)):
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                break
    if code != 0:
        raise OSError(code, _described(code))


def _described(code: int) -> str:
    """The system's words for a socket error (Windows' own codes are not C library errors: os.strerror does not
    know them)."""
    if os.name == "nt":
        import ctypes

        return ctypes.FormatError(code)
    return os.strerror(code)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
