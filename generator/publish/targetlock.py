"""One publish of a target at a time: a lock folder on the target itself, made before the manifest is read and
removed after the last write, on every transport that has folders (folder, SFTP, FTP/FTPS).

Making a folder is atomic on each of them (os.mkdir, SFTP mkdir, FTP MKD: exactly one of two callers succeeds), so
the folder `.kpu-terbit.lock/` is the lock, and the file `pemegang.json` in it says who holds it: host name, user,
process id, since when, last refreshed when, the site and the target. The holder refreshes that file every minute
while it publishes; a lock not refreshed for STALE seconds (the laptop lost its link, or was shut) or whose process
is gone (same computer, no such process) is taken over, with a message naming the old holder. A publish that meets a
fresh lock waits up to WAIT seconds, then stops with a sentence saying who holds it and what to do.

A transport offers a Place (the five blocking calls below, safe to call from another thread: the refresher's);
`take` returns a Held, whose `release` ends it. Nothing here knows about any protocol.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import time
from dataclasses import asdict, dataclass
from typing import Callable, Protocol

LOCK = ".kpu-terbit.lock"       # the lock folder, at the top of the target
HOLDER = "pemegang.json"        # who holds it, inside the folder
ASIDE = LOCK + ".lama-"         # a stale lock moved aside while it is taken over (then removed)
STALE = 600.0                   # seconds without a refresh after which a lock is taken as left behind
REFRESH = 60.0                  # seconds between refreshes of the holder file while publishing
WAIT = 30.0                     # seconds a publish waits for a fresh lock before it stops
POLL = 2.0                      # seconds between attempts while waiting
UNNAMED = 20.0                  # seconds a lock folder may stay without a holder file (its maker just made it)


class Busy(Exception):
    """Someone else holds the target's lock; the message is one Indonesian sentence for the user."""


class Stopped(Exception):
    """The command was stopped (Ctrl-C) while it waited for the lock: nothing was taken."""


class Place(Protocol):
    """Where a transport keeps the lock. Names are relative to the target's folder."""

    def make_lock(self) -> bool: ...                   # make the LOCK folder; False: it is there already
    def read_lock(self, folder: str) -> bytes | None: ...  # folder/HOLDER, None if missing
    def write_lock(self, data: bytes) -> None: ...     # LOCK/HOLDER written (replaced) whole
    def rename_lock(self, old: str, new: str) -> bool: ...  # a lock folder renamed; False: old is not there
    def remove_lock(self, folder: str) -> None: ...    # folder/HOLDER, then folder, removed (missing is fine)


@dataclass(frozen=True)
class Holder:
    host: str
    user: str
    pid: int
    since: float            # seconds since the epoch, on the holder's clock
    refreshed: float
    site: str               # the site's identity (its base_url), to tell two sites sharing a target apart
    target: str             # the target's name in the holder's config.yaml
    token: str              # unique to this hold: a lock is only ever refreshed or released by its own holder


def is_lock_path(rel: str) -> bool:
    """The lock folder and anything in it, or a stale one moved aside: never a site file nor someone else's."""
    top = rel.split("/", 1)[0]
    return top == LOCK or top.startswith(ASIDE)


def me(site: str, target: str, now: float | None = None) -> Holder:
    stamp = time.time() if now is None else now
    return Holder(socket.gethostname(), _user(), os.getpid(), stamp, stamp, site, target, secrets.token_hex(8))


def encode(holder: Holder) -> bytes:
    return json.dumps(asdict(holder), ensure_ascii=False).encode("utf-8")


def decode(data: bytes | None) -> Holder | None:
    """The holder a file names, or None when it is missing or unreadable (cut off, or not ours)."""
    if data is None:
        return None
    try:
        fields = json.loads(data.decode("utf-8"))
        return Holder(str(fields["host"]), str(fields["user"]), int(fields["pid"]), float(fields["since"]),
                      float(fields["refreshed"]), str(fields["site"]), str(fields["target"]), str(fields["token"]))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return None


def judge(holder: Holder, now: float, host: str, alive: Callable[[int], bool], stale: float = STALE) -> str | None:
    """Why a lock may be taken over ('stale', 'gone'), or None while its holder may still be publishing."""
    if abs(now - holder.refreshed) > stale:
        return "stale"
    if holder.host == host and not alive(holder.pid):
        return "gone"
    return None


def busy_message(holder: Holder | None) -> str:
    if holder is None:
        who = "orang lain (datanya belum tertulis)"
    else:
        who = f"{holder.user} di komputer {holder.host} (proses {holder.pid}) sejak {_clock(holder.since)}"
    return (f"Tujuan ini sedang dipakai menerbitkan oleh {who}, jadi tidak ada yang dikirim; tunggu sampai "
            "penerbitan itu selesai lalu jalankan perintah yang sama lagi (kunci yang tidak diperbarui selama "
            f"{int(STALE // 60)} menit dianggap tertinggal dan diambil alih otomatis).")


def takeover_message(holder: Holder | None, reason: str, name: str) -> str:
    if holder is None:
        return f"{name}: kunci terbit tanpa keterangan pemegang tertinggal di tujuan; diambil alih."
    why = ("prosesnya sudah tidak berjalan" if reason == "gone"
           else f"tidak diperbarui sejak {_clock(holder.refreshed)}")
    return (f"{name}: kunci terbit milik {holder.user} di komputer {holder.host} (proses {holder.pid}, sejak "
            f"{_clock(holder.since)}) tertinggal karena {why}; diambil alih.")


def waiting_message(holder: Holder | None, name: str) -> str:
    who = f"{holder.user} di {holder.host}" if holder else "orang lain"
    return f"{name}: menunggu penerbitan lain oleh {who} selesai…"


class Held:
    """A lock this process holds: refreshed every REFRESH seconds by a thread until released."""

    def __init__(self, place: Place, holder: Holder):
        self.place, self.holder = place, holder
        self.lost = False           # another publish took it over (this one stalled past STALE)
        self.stop = threading.Event()
        self.last = time.monotonic()
        self.thread = threading.Thread(target=self._refresh_loop, name="kunci-terbit", daemon=True)
        self.thread.start()

    def refresh(self) -> None:
        """The holder file written again with the time now, unless someone took the lock over meanwhile."""
        found = decode(self.place.read_lock(LOCK))
        if found is None or found.token != self.holder.token:
            self.lost = True
            return
        self.holder = Holder(**{**asdict(self.holder), "refreshed": time.time()})
        self.place.write_lock(encode(self.holder))
        self.last = time.monotonic()

    def release(self) -> None:
        """Removed, if still this process's own. After a recent refresh it is, and is removed without asking (a
        round trip less); after a long silence the holder file is read first."""
        self.stop.set()
        if self.thread is not threading.current_thread():
            self.thread.join()
        if self.lost:
            return
        if time.monotonic() - self.last > STALE / 2:
            found = decode(self.place.read_lock(LOCK))
            if found is None or found.token != self.holder.token:
                return
        self.place.remove_lock(LOCK)

    def hand_over(self) -> bool:
        """Refreshing stopped ahead of a removal that travels with the transport's last writes (a round trip less):
        True when the lock is surely still this process's, so that the transport may remove it without asking (and
        then drop this Held); False, or should that removal fail: release() decides, as after any publish."""
        self.stop.set()
        if self.thread is not threading.current_thread():
            self.thread.join()
        return not self.lost and time.monotonic() - self.last <= STALE / 2

    def _refresh_loop(self) -> None:
        while not self.stop.wait(REFRESH):
            try:
                self.refresh()
            except Exception:       # a refresh lost to a dropped link: the publish itself reports that
                pass


def take(place: Place, holder: Holder, say: Callable[[str], None], name: str,
         wait: float | None = None, stop: threading.Event | None = None) -> Held:
    """The target's lock, made for this holder; a stale one or one whose process is gone taken over (said); a fresh
    one waited for up to `wait` seconds (default WAIT), then Busy. Stopped as soon as `stop` is set (the command
    stopped by Ctrl-C while the lock is taken in a thread of its own)."""
    deadline = time.monotonic() + (WAIT if wait is None else wait)
    told, unnamed_since = False, None
    while True:
        if stop is not None and stop.is_set():
            raise Stopped
        if place.make_lock():
            try:
                place.write_lock(encode(holder))
            except BaseException:       # a full disk, a dropped link: no lock without its holder is left
                place.remove_lock(LOCK)
                raise
            return Held(place, holder)
        found = decode(place.read_lock(LOCK))
        if found is None:
            unnamed_since = unnamed_since or time.monotonic()
            reason = "stale" if time.monotonic() - unnamed_since >= UNNAMED else None
        else:
            unnamed_since = None
            reason = judge(found, time.time(), socket.gethostname(), _alive)
        if reason is not None and _take_over(place, found, holder):
            say(takeover_message(found, reason, name))
            continue
        if time.monotonic() >= deadline:
            raise Busy(busy_message(found))
        if not told:
            say(waiting_message(found, name))
            told = True
        if stop is None:
            time.sleep(POLL)
        elif stop.wait(POLL):
            raise Stopped


def _take_over(place: Place, judged: Holder | None, holder: Holder) -> bool:
    """The stale lock moved aside (atomic: of two publishes taking it over, one moves it) and removed. Should what
    was moved not be the lock judged (its holder released it and a third made a new one just then), it goes back."""
    aside = ASIDE + holder.token
    if not place.rename_lock(LOCK, aside):
        return True             # released meanwhile: try to make it again
    moved = decode(place.read_lock(aside))
    if (moved and moved.token) != (judged and judged.token) and place.rename_lock(aside, LOCK):
        return False
    place.remove_lock(aside)
    return True


def _alive(pid: int) -> bool:
    """Whether a process of this computer is running (a lock of this host whose process is gone is left behind)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True             # someone else's process: it exists
    return True


def _alive_windows(pid: int) -> bool:
    import ctypes

    handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)     # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    code = ctypes.c_ulong()
    ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
    ctypes.windll.kernel32.CloseHandle(handle)
    return code.value == 259        # STILL_ACTIVE


def _user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except (ImportError, KeyError, OSError):
        return "?"


def _clock(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))
