"""Publishing over SFTP with asyncssh: one SSH connection, many requests in flight, host keys from known_hosts."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import ctypes.util
import hashlib
import importlib
import hmac
import logging
import os
import posixpath
import re
import shlex
import socket
import threading
from pathlib import Path

from generator.core import atomic
from generator.core.invocation import command as shown_command
from generator.core.invocation import current as current_invocation
from generator.publish import manifest as manifest_format
from generator.publish import targetlock
from generator.publish.interrupt import run_cancellable
from generator.publish.plan import (
    MANIFEST,
    QUARANTINE,
    Entry,
    Plan,
    Survey,
    Wave,
    emptied_folders,
    folders_to_make,
    parents,
    temp_name,
    touched_folders,
)
from generator.publish.transport import Checked, Context, Delivery, PublishError, network_problem, take_lock


def _import_asyncssh():
    """asyncssh, imported without the compiler runs of its search for liboqs (a post-quantum key exchange): on Linux,
    ctypes' find_library tries the ldconfig cache, then gcc and ld, for each of two names, ten processes on every
    publish and verify (0.03-0.06 s, more on a busy machine). A liboqs installed the usual way is in that cache,
    which alone is asked; elsewhere find_library is left as it is."""
    find, in_cache = ctypes.util.find_library, getattr(ctypes.util, "_findSoname_ldconfig", None)
    if in_cache is not None:
        ctypes.util.find_library = lambda name: in_cache(name) if name in ("oqs", "liboqs") else find(name)
    try:
        return importlib.import_module("asyncssh")
    finally:
        ctypes.util.find_library = find


asyncssh = _import_asyncssh()

SESSIONS = 4                    # SFTP sessions on that connection: the server runs one sftp-server process per
                                # session, each answering its requests one at a time
READ_BLOCK = 1 << 16            # bytes per read request for the manifest (a 1,000-post site's is 0.26 MB)
READDIR_AHEAD = 4               # requests for names sent together when the top folder is read
IN_FLIGHT = 256                 # concurrent SFTP requests over the one connection (per-file round trips dominate)
WHOLE = 1 << 20                 # files up to this size are read whole and sent with their close (nearly all of a site's)
CHUNK = 1 << 20                 # a larger file (an attachment, a video) is read and sent this much at a time
IN_FLIGHT_BYTES = 16 << 20      # file bytes read and not yet answered by the server, over all files at once: memory
                                # stays bounded whatever the files' size (six 150 MB attachments once took 3.6 GB)
REMOTE_TIMEOUT = 600            # seconds for a command on the server (verify's listing and hashing); then SFTP instead
ONE_SESSION = 64                # at most this many files (one edit, usually): all on one session, which lets the
                                # claims travel with the first files (see SftpTransport.ordered)
DEFAULT_KEYS = ("id_ed25519", "id_ecdsa", "id_rsa")
# AES-GCM first: with asyncssh, ChaCha20-Poly1305 sets up a cipher per packet and costs several times the CPU, which
# over thousands of small SFTP requests is what limits a publish on a busy laptop.
CIPHERS = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr", "aes256-ctr",
           "chacha20-poly1305@openssh.com")


logging.getLogger("asyncssh").setLevel(logging.WARNING)     # its per-packet debug logging costs time even unseen
logging.getLogger("asyncio").setLevel(logging.ERROR)        # "socket.send() raised exception" after a dropped link:
                                                            # the one sentence the user gets says it better


class _Client(asyncssh.SSHClient):
    """Remembers the host key the server showed; accepts an unknown one only if the user named its fingerprint."""

    def __init__(self, trusted: str | None):
        self.trusted, self.seen, self.conn = trusted, None, None

    def connection_made(self, conn) -> None:
        self.conn = conn

    def begin_auth(self, username: str) -> None:
        """Straight to the keys: asyncssh first sends a 'none' request, which only asks the server for the methods it
        takes (a round trip); a server that takes no keys answers the first key with that list just as well, and
        publish has nothing else to offer. (_auth_methods is asyncssh's own attribute, pinned version.)"""
        self.conn._auth_methods = [b"publickey"]

    def validate_host_public_key(self, host, addr, port, key) -> bool:
        self.seen = key
        return self.trusted is not None and key.get_fingerprint("sha256") == self.trusted


class _SignedFirst(asyncssh.auth._ClientPublicKeyAuth):
    """Public key authentication that sends a key file's signature at once. asyncssh first asks whether the server
    would take the key (a round trip) and signs only then, which spares a hardware or agent key a signature the server
    may not want; a key read from a file signs in microseconds and asks no one, and a server that refuses it answers
    the signed request just as it would the question (the next key is then tried). (_ClientPublicKeyAuth and its
    registry are asyncssh's own, pinned version.)"""

    async def _start(self) -> None:
        self._keypair = await self._conn.public_key_auth_requested()
        if self._keypair is None:
            self._conn.try_next_auth(next_method=True)
        elif type(self._keypair) is asyncssh.public_key.SSHLocalKeyPair:
            await self._send_signed_request()
        else:
            await self.send_request(asyncssh.packet.Boolean(False), asyncssh.packet.String(self._keypair.algorithm),
                                    asyncssh.packet.String(self._keypair.public_data))


asyncssh.auth._client_auth_handlers[b"publickey"] = _SignedFirst


class _Batched:
    """asyncssh hands each SSH packet to the socket on its own (and an empty 'ignore' packet before each): a first
    publish made some 20,000 send() calls, the largest cost on this side. What is written in one turn of the event
    loop goes out in one send() at the end of it, in the same order."""

    def __init__(self, transport, loop: asyncio.AbstractEventLoop):
        self.transport, self.loop, self.parts = transport, loop, []

    def write(self, data: bytes) -> None:
        if not self.parts:
            self.loop.call_soon(self.flush)
        self.parts.append(data)

    def flush(self) -> None:
        if self.parts:
            data, self.parts = b"".join(self.parts), []
            if not self.transport.is_closing():
                self.transport.write(data)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def abort(self) -> None:
        self.parts = []
        self.transport.abort()

    def __getattr__(self, name):
        return getattr(self.transport, name)


DROPPED = (asyncssh.ConnectionLost, asyncssh.DisconnectError, asyncssh.ChannelOpenError, BrokenPipeError,
           ConnectionResetError, asyncssh.SFTPConnectionLost, asyncssh.SFTPNoConnection)


def remote_sums(output: bytes, rels: list[str]) -> dict[str, str]:
    """Path -> hash from `b2sum -z -l 128` output (records "<32 hex> <space or *><name>", each ending in NUL), for
    the asked paths only; a record of another shape (a login script's greeting, an error) is passed over."""
    wanted, out = set(rels), {}
    for record in output.split(b"\0"):
        found = _SUM.fullmatch(record)
        if found is None:
            continue
        rel = found.group(2).decode("utf-8", "replace").removeprefix("./")
        if rel in wanted:
            out[rel] = found.group(1).decode()
    return out


def remote_listing(output: bytes) -> dict[str, int] | None:
    """Path -> size (a link -1) from LISTED_MARK and then find's "-printf '%y %s %P\\0'" records; None unless the
    answer is exactly that (a login script's greeting, a find without -printf, a server that ran something else), so
    that nothing is taken from an answer half understood, and an empty answer is never an empty site."""
    if not output.startswith(LISTED_MARK) or not output.endswith(b"\0"):
        return None
    files: dict[str, int] = {}
    for record in output[len(LISTED_MARK):].split(b"\0")[:-1]:
        found = _LISTED.fullmatch(record)
        if found is None:
            return None
        rel = found.group(3).decode("utf-8", "replace")
        files[rel] = -1 if found.group(1) == b"l" else int(found.group(2))
    return files


def remote_survey(output: bytes, names: list[str]) -> tuple[dict[str, int], dict[str, str]] | None:
    """(listing, hashes) from the listing (see remote_listing), HASHED_MARK, then b2sum's answers (see remote_sums);
    None when the listing is not whole."""
    at = output.find(b"\0" + HASHED_MARK)         # a listed record starts "f " or "l ": never the mark itself
    listed = remote_listing(output[:at + 1]) if at >= 0 else None
    return None if listed is None else (listed, remote_sums(output[at + 1 + len(HASHED_MARK):], names))


def guarded_survey(output: bytes, names: list[str], manifest: bytes) -> tuple[dict[str, int], dict[str, str]] | None:
    """remote_survey's answer from GUARDED_SURVEY, taken only when it is certain that no publish changed the target
    while it was made: the GUARD said the same before and after it (no lock folder then; the times of the target's
    folder, which making and removing a lock in it changes, and the target's manifest both unchanged), the manifest
    hashed there is the given one, and every file of names the listing shows was hashed. None otherwise."""
    if not output.startswith(GUARD_MARK) or not output.endswith(b"\0"):
        return None
    opened = output.find(b"\0", len(GUARD_MARK))
    closing = output.rfind(b"\0" + GUARD_MARK)
    if opened < 0 or closing <= opened:
        return None
    before, after = output[len(GUARD_MARK):opened], output[closing + 1 + len(GUARD_MARK):-1]
    lines = before.split(b"\n")
    digest = manifest_format.hasher()
    digest.update(manifest)
    if before != after or len(lines) < 2 or lines[-2].split(b" ", 1)[0] != digest.hexdigest().encode():
        return None
    found = remote_survey(output[opened + 1:closing + 1], names)
    if found is None or any(rel not in found[1] for rel in names if found[0].get(rel, -1) >= 0):
        return None
    return found


LISTED_MARK = b"kpu-daftar\0"
HASHED_MARK = b"kpu-hash\0"
GUARD_MARK = b"kpu-jaga\0"
# every file and link of the target listed by GNU find, then the names given on its input hashed by b2sum
SURVEY = (r"printf 'kpu-daftar\0' && find . -mindepth 1 \( -type f -o -type l \) -printf '%y %s %P\0' && "
          r"printf 'kpu-hash\0' && { xargs -0 -r b2sum -z -l 128 -- 2>/dev/null; true; }")
# what a publish changes, as it is now: no lock folder (else the command stops), then the times and inode of the
# target's folder (a lock made and removed in it changes them) and the manifest's hash (- when there is none)
GUARD = (f"printf 'kpu-jaga\\0' && [ ! -e {targetlock.LOCK} ] && [ ! -L {targetlock.LOCK} ] && "
         f"stat -c '%y %z %i' -- . && {{ b2sum -l 128 -- {MANIFEST} 2>/dev/null || echo -; }} && printf '\\0'")
GUARDED_SURVEY = f"{GUARD} && {SURVEY} && {GUARD}"
_LISTED = re.compile(rb"([fl]) ([0-9]+) (.+)", re.DOTALL)
_SUM = re.compile(rb"([0-9a-f]{32}) [ *](.+)", re.DOTALL)


class _Taken(Exception):
    """An exclusive create failed: something may be at that path already (see SftpTransport._write)."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


class _FileFailed(Exception):
    def __init__(self, rel: str, error: Exception):
        super().__init__(rel)
        self.rel, self.error = rel, error


class SftpTransport:
    complete_listing = False         # asking about every file costs round trips: see Survey

    def __init__(self, context: Context):
        self.context = context
        self.target = context.target
        self.root = self.target.path.rstrip("/") or "/"
        self.loop = asyncio.new_event_loop()
        self.conn = self.sftp = self.client = None
        self.dirs: set[str] = set()
        self.unwaited: set[asyncio.Task] = set()
        self.made: dict[str, asyncio.Future] = {}      # folder -> its mkdir, started with the first wave
        self.ordered = False        # the server carries out each session's requests one by one, in the order sent
        self.budget = _Budget(IN_FLIGHT_BYTES)
        self.pinned = False         # every request goes on the first session
        self.notes: list[str] = []  # what the report says about the target before anything else (a folder made)
        self.deleting: dict[str, int] = {}      # the files to delete as check found them: path -> size
        self.running = threading.Lock()     # the event loop runs in one thread at a time (see _blocking)
        self.held = None
        self.sessions: list = []
        self.unlocked = False       # verify looked without the lock, certain that no publish ran meanwhile
        self.snapshot: tuple[list[str], dict[str, int], dict[str, str]] | None = None    # (names, listing, hashes)
        try:
            self._run(self._connect(sftp=context.expected is None))
            if context.expected is not None and self._run(self._look_unlocked(context.expected)):
                return
            self.held = take_lock(self, context)        # before the manifest is read
            self._run(self._first_reads())
        except BaseException:
            self.close()
            raise

    # -- the Transport interface, each a blocking call around one asyncio step

    def read_manifest(self) -> bytes | None:
        return self.manifest            # read while connecting

    def listing(self, survey: Survey) -> dict[str, int]:
        return self._run(self._listing(survey))

    # -- what verify reads (OpenSSH has no hash request: files are read, many at once)

    def everything(self) -> dict[str, int]:
        """Every file of the target, path -> size; a link as -1, never followed."""
        return self.everything_hashed([])[0]

    def everything_hashed(self, names: list[str]) -> tuple[dict[str, int], dict[str, str]]:
        """everything(), and the hashes of those of names that are files there: both from one command on the server
        where the account may run one (see _survey_there), one round trip; else the listing folder by folder over
        SFTP and no hashes (digest reads the files then)."""
        if self.snapshot is not None:
            surveyed, listing, hashes = self.snapshot
            if not set(names) <= set(surveyed):
                raise PublishError("Pemeriksaan tanpa kunci tujuan tidak mencakup semua berkas yang diminta; jalankan "
                                   "perintah yang sama lagi.")
            return listing, {rel: hashes[rel] for rel in names if rel in hashes}
        found = self._run(self._survey_there(names))
        return found if found is not None else (self._run(self._everything()), {})

    def digest(self, rels: list[str]) -> dict[str, str]:
        """The manifest's hash of each file: hashed on the server by one command where the account may run one
        (see _hash_there), the rest read over SFTP and hashed here."""
        hashed = self._run(self._hash_there(rels)) if rels else {}
        rest = [rel for rel in rels if rel not in hashed]
        if not rest:
            return hashed
        self._more_sessions()
        limit = asyncio.Semaphore(IN_FLIGHT)

        async def one(rel: str) -> str:
            async with limit:
                return await self._hash(rel)

        async def every():
            return await asyncio.gather(*(one(rel) for rel in rest))
        return {**hashed, **dict(zip(rest, self._run(every())))}

    def move_out(self, rel: str, dest: str) -> str:
        """A foreign file moved (rename moves a link itself) into a folder beside the target's, where the server
        allows it; its folders made first."""
        if self.root == "/":
            raise PublishError("Folder situs di server adalah '/', jadi tidak ada tempat di luarnya untuk karantina.")
        place = posixpath.join(self.root.rstrip("/") + QUARANTINE, dest)

        async def step():
            for folder in reversed(list(parents(place))):
                if not await self.sftp.isdir(folder):
                    await self.sftp.mkdir(folder)
            if await self.sftp.exists(place) or await self.sftp.islink(place):
                raise PublishError(f"{place} sudah ada di server; karantina tidak menimpa berkas.")
            await self.sftp.rename(self._remote(rel), place)
        self._run(step())
        return place

    def read(self, rel: str) -> bytes:
        async def step():
            async with self.sftp.open(self._remote(rel), "rb", encoding=None) as f:
                return await f.read()
        return self._run(step())

    def check(self, plan: Plan, previous: dict[str, Entry]) -> Checked:
        return self._run(self._check(plan, previous))

    def deliver(self, delivery: Delivery, done) -> None:
        """As the Transport says, in fewer round trips: the replacing files travel in the first wave (Plan.waves), the
        final manifest under its temporary name in the first wave too (or beside the deletions when nothing is
        sent), so that after the deletions only its rename is left, sent beside the removal of emptied folders. The
        folders every new file needs are made with the first wave (an empty folder shows nothing to readers)."""
        waves = delivery.plan.waves(self.ordered)
        staged = delivery.final is not None and bool(waves)
        folders = [rel for wave in waves for rel in wave.written]
        # a few files on a server that keeps order: on one session, the claims sent just before the first wave's
        # requests, so they are recorded before any file is made, in the same round trip
        self.pinned = self.ordered and len(delivery.plan.uploads) <= ONE_SESSION
        self._more_sessions()
        claims_with_first = delivery.claims if self.pinned and isinstance(self.claims_handle, bytes) else None
        if delivery.claims is not None and claims_with_first is None:
            self._run(self._append(MANIFEST, delivery.claims))
            done("klaim di catatan")
        elif delivery.claims is None and delivery.pending is not None:
            self._run(self._replace(MANIFEST, delivery.pending))
            done("simpan catatan sementara")
        for number, wave in enumerate(waves):
            first = number == 0
            self._run(self._wave(wave, delivery.output, delivery.final if first else None, folders if first else [],
                                 claims_with_first if first else None))
            done(f"gelombang {number + 1} ({len(wave.written)} baru, {len(wave.staged)} disiapkan, "
                 f"{len(wave.placed)} dipasang)" + (" dengan klaim di catatan" if first and claims_with_first else ""))
        # a temporary manifest left by a publish cut off was just written over by the staged one, renamed last
        deletes = [rel for rel in delivery.deletes if not (staged and rel == temp_name(MANIFEST))]
        # the lock goes in the last round trip where that is the last to be carried out (its refresher is stopped
        # here, outside the loop, which a refresh under way may need)
        unlock = staged and self.ordered and self.held is not None and self.held.hand_over()
        self._run(self._conclude(deletes, delivery.final, staged, unlock))
        done("hapus dan simpan catatan")

    def close(self) -> None:
        """Release the lock and end the connection; closing again does nothing (the command's way out on Ctrl-C may
        close a connection the publish closed already)."""
        if self.loop.is_closed():
            return
        held, self.held = self.held, None
        if held is not None:
            try:
                held.release()
            except (PublishError, KeyboardInterrupt):
                pass            # the link is gone: the lock is left to go stale, and is taken over then
        try:
            for task in self.unwaited:       # sessions still opening, handles still closing: not needed any more
                task.cancel()
            if self.unwaited:
                _beside_callers_loop(self._until_done, asyncio.gather(*self.unwaited, return_exceptions=True))
            if self.conn is not None:
                self.conn.close()
                try:
                    _beside_callers_loop(self._until_done, asyncio.wait_for(self.conn.wait_closed(), 5))
                except (asyncio.TimeoutError, OSError, asyncssh.Error):
                    pass
        finally:
            self.loop.close()

    # -- the steps

    def _remote(self, rel: str) -> str:
        return posixpath.join(self.root, rel) if rel else self.root

    async def _connect(self, sftp: bool = True) -> None:
        home_ssh = Path(os.path.expanduser("~/.ssh"))
        keys = [Path(os.path.expanduser(self.target.key))] if self.target.key else []
        if keys and not keys[0].is_file():
            raise PublishError(f"Berkas kunci SSH {keys[0]} (key: di config.yaml) tidak ada; periksa jalurnya.")
        keys += [home_ssh / name for name in DEFAULT_KEYS if (home_ssh / name).is_file()]
        try:
            client_keys = asyncssh.load_keypairs([str(k) for k in keys], ignore_encrypted=True)
        except (asyncssh.KeyImportError, OSError) as err:
            raise PublishError(f"Kunci SSH tidak dapat dibaca ({err}); periksa berkas kunci di 'key:' atau di ~/.ssh.") from err
        known = home_ssh / "known_hosts"
        self.known_hosts = asyncssh.read_known_hosts(str(known)) if known.is_file() else asyncssh.import_known_hosts("")
        self.client = _Client(self.context.trust_host_key)
        link = await asyncio.wrap_future(self.context.link) if self.context.link is not None else None
        if link is not None:
            link.settimeout(None)
        self.conn, _ = await asyncssh.create_connection(
            lambda: self.client, self.target.host, self.context.port, sock=link,
            username=self.target.user or None, known_hosts=self.known_hosts, client_keys=client_keys or None,
            agent_path=os.environ.get("SSH_AUTH_SOCK") or None, connect_timeout=30, login_timeout=30,
            keepalive_interval=15, keepalive_count_max=3, config=None, encryption_algs=CIPHERS)
        if self.client.seen is not None and self.context.trust_host_key:
            self._remember_host_key(self.client.seen, known)
        # OpenSSH's sftp-server (also as internal-sftp), behind nearly every host's SSH, reads a session's requests
        # one at a time and answers each before it reads the next. The protocol promises that only for requests on
        # one handle, so other servers get a round trip per step that must follow another.
        self.ordered = str(self.conn.get_extra_info("server_version") or "").startswith("SSH-2.0-OpenSSH_")
        if getattr(self.conn, "_transport", None) is not None:     # asyncssh's own attribute (pinned version)
            self.conn._transport = _Batched(self.conn._transport, self.loop)
        if sftp:
            self.sftp = await self._start_sftp()
            self.sessions = [self.sftp]

    async def _look_unlocked(self, expected: bytes) -> bool:
        """verify, reading only, against this computer's copy of the target's manifest: the target listed and hashed
        by one command between two looks at what a publish changes (see guarded_survey), without the lock's four
        round trips. True when both looks agree and the target's manifest is that copy: no publish ran meanwhile,
        and the answer is this connection's (read_manifest, everything_hashed). Otherwise the SFTP session, opened
        meanwhile, is ready for the ordinary way: the lock taken, then everything read holding it."""
        try:
            names = manifest_format.hashed_paths(manifest_format.decode(expected))
        except manifest_format.BadManifest:
            names = None
        opening = asyncio.ensure_future(self._start_sftp())
        self.unwaited.add(opening)      # should the answer count, not needed: cancelled, or closed with the connection
        status, output = await self._command(GUARDED_SURVEY, b"\0".join(name.encode() for name in names)) \
            if names is not None else (None, b"")
        found = guarded_survey(output, names, expected) if status == 0 else None
        if found is not None:
            self.manifest, self.snapshot, self.unlocked = expected, (names, *found), True
            return True
        self.sftp = await opening
        self.sessions = [self.sftp]
        return False

    async def _first_reads(self) -> None:
        # the manifest and the top folder, asked for at once while the site is being built, and the manifest opened
        # for the claims a publish appends to it before sending anything (a round trip less then)
        attrs, self.manifest, top, self.claims_handle, self.early = await asyncio.gather(
            self.sftp.stat(self.root), self._read_manifest(), self._read_top(), self._open_for_claims(),
            self._ask_early(), return_exceptions=True)
        if isinstance(attrs, asyncssh.SFTPNoSuchFile):       # made, as a folder target makes its own: nothing in it
            await self._make_root()
            attrs, self.manifest, top = None, None, {}
        if attrs is not None and not isinstance(attrs, BaseException) \
                and attrs.type != asyncssh.FILEXFER_TYPE_DIRECTORY:
            raise PublishError(f"{self.root} di server {self.target.host} bukan folder; perbaiki 'path' di config.yaml.")
        for outcome in (attrs, self.manifest, top, self.early):
            if isinstance(outcome, BaseException):
                raise outcome
        self.top = top

    async def _make_root(self) -> None:
        """The target's folder, with the folders above it that are missing, said in the report (notes)."""
        for folder in [*reversed(list(parents(self.root))), self.root]:
            try:
                if not await self.sftp.isdir(folder):
                    await self.sftp.mkdir(folder)
            except asyncssh.SFTPError as err:
                raise PublishError(f"Folder {self.root} tidak ada di server {self.target.host} dan tidak dapat dibuat "
                                   f"({err.reason or 'gagal'} di {folder}); buat folder itu atau perbaiki 'path' di "
                                   "config.yaml.") from None
        self.notes.append(f"folder {self.root} belum ada di server {self.target.host}, jadi dibuat.")

    async def _start_sftp(self) -> asyncssh.SFTPClient:
        """asyncssh's own start_sftp_client, except that the server's limits (the largest read and write) are not
        waited for: they arrive before the answer to any request sent after them, and until then the writes are cut
        to asyncssh's safe size. A round trip less. (SFTPClientHandler is asyncssh's own class, pinned version.)"""
        writer, reader, _ = await self.conn.open_session(subsystem="sftp", encoding=None)
        handler = asyncssh.sftp.SFTPClientHandler(self.loop, "strict", reader, writer, 3)
        await handler.start()
        self._later(handler.recv_packets())
        self._later(handler.request_limits())
        return asyncssh.SFTPClient(handler, "utf-8", "strict")

    def _more_sessions(self) -> None:
        """More sessions for many files, joining as they open (the uploads use them when they come)."""
        if len(self.sessions) == 1 and not self.pinned:
            for _ in range(SESSIONS - 1):
                self._later(self._start_sftp(), self.sessions.append)

    def _later(self, step, then=None) -> None:
        """Run a step without waiting for it (a session opening, a handle closing); a failure is ignored."""
        task = asyncio.ensure_future(step, loop=self.loop)     # also from outside the loop (deliver)
        self.unwaited.add(task)

        def done(task):
            self.unwaited.discard(task)
            if not task.cancelled() and task.exception() is None and then is not None:
                then(task.result())
        task.add_done_callback(done)

    def _remember_host_key(self, key, known: Path) -> None:
        """The key the user checked becomes the one key known for this host: any other key known_hosts held for it
        (the server's old one, after a change) is removed, so that it is not accepted too. Lines for other hosts,
        and @cert-authority or @revoked lines, are kept as they were."""
        host = self.target.host if self.context.port == 22 else f"[{self.target.host}]:{self.context.port}"
        kind, data = key.export_public_key("openssh").decode("ascii").split()[:2]
        known.parent.mkdir(mode=0o700, exist_ok=True)
        try:
            old = known.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
        except FileNotFoundError:
            old = []
        kept = [line for line in (without_host(line, host) for line in old) if line is not None]
        try:
            atomic.write_text(known, "".join(line + "\n" for line in [*kept, f"{host} {kind} {data}"]),
                              errors="surrogateescape")
        except OSError as err:
            raise PublishError(f"Kunci server tidak dapat disimpan di {known} ({err.strerror or err}); periksa izin "
                               "folder ~/.ssh lalu jalankan lagi.") from err

    async def _read_manifest(self) -> bytes | None:
        """Its size and a handle asked for together, then every block at once (asyncssh's own read asks again after
        the short last block: a round trip more); the close is not waited for. Like _read_top, this uses the request
        methods of asyncssh's SFTP client handler (asyncssh is pinned in requirements.txt)."""
        handler = self.sftp._handler
        path = self._remote(MANIFEST)
        attrs, handle = await asyncio.gather(self.sftp.stat(path), handler.open(self.sftp.encode(path),
                                             asyncssh.FXF_READ, asyncssh.SFTPAttrs()), return_exceptions=True)
        try:
            return await self._read_open(handle, attrs)
        finally:
            if not isinstance(handle, BaseException):
                self._later(handler.close(handle))

    async def _read_open(self, handle, attrs) -> bytes | None:
        handler = self.sftp._handler
        for outcome in (handle, attrs):
            if isinstance(outcome, asyncssh.SFTPNoSuchFile):
                return None
            if isinstance(outcome, BaseException):
                raise outcome
        starts = range(0, (attrs.size or 0) + READ_BLOCK, READ_BLOCK)
        answers = await asyncio.gather(*(handler.read(handle, at, READ_BLOCK) for at in starts), return_exceptions=True)
        data, ended = bytearray(), False
        for answer in answers:
            if isinstance(answer, asyncssh.SFTPEOFError):
                ended = True
                break
            if isinstance(answer, BaseException):
                raise answer
            data += answer[0]
            if len(answer[0]) < READ_BLOCK:
                ended = len(data) >= (attrs.size or 0)      # short at the end it had when asked: all of it
                break
        while not ended:        # the server answered a block short, or the file grew: the rest, block by block
            try:
                chunk, _ = await handler.read(handle, len(data), READ_BLOCK)
            except asyncssh.SFTPEOFError:
                break
            data += chunk
        return bytes(data)

    async def _read_top(self) -> dict[str, asyncssh.SFTPAttrs]:
        """The names in the top folder with their attributes. The requests for the next names go together with the
        first (asyncssh's readdir waits for each, then for the close: four round trips where two do); this uses the
        request methods of asyncssh's SFTP client handler (asyncssh is pinned in requirements.txt)."""
        handler = self.sftp._handler
        handle = await handler.opendir(self.sftp.encode(self.root))
        names: dict[str, asyncssh.SFTPAttrs] = {}
        try:
            while True:
                answers = await asyncio.gather(*(handler.readdir(handle) for _ in range(READDIR_AHEAD)),
                                               return_exceptions=True)
                for answer in answers:
                    if isinstance(answer, asyncssh.SFTPEOFError):
                        return names
                    if isinstance(answer, BaseException):
                        raise answer
                    entries, at_end = answer
                    for entry in entries:
                        name = self.sftp.decode(entry.filename)
                        if name not in (".", ".."):
                            names[name] = entry.attrs
                    if at_end:
                        return names
        finally:
            self._later(handler.close(handle))

    async def _listing(self, survey: Survey) -> dict[str, int]:
        """The files of the top folder (read while connecting: other people's files, .htaccess, .well-known/,
        verification files, are usually there) and the size of every surveyed path that exists, asked all at once (a
        folder-by-folder walk of a site of thousands of one-page folders costs several round trips per folder). A
        path under a name the top folder lacks is not there, so a first publish to an empty folder asks nothing."""
        files: dict[str, int] = {}
        for name, attrs in self.top.items():
            if attrs.type == asyncssh.FILEXFER_TYPE_DIRECTORY:
                self.dirs.add(name)
            else:
                files[name] = attrs.size or 0
        self.dirs.update(folder for rel in survey.trusted for folder in parents(rel))
        if len(survey.paths) > ONE_SESSION:
            self._more_sessions()
        limit = asyncio.Semaphore(IN_FLIGHT)

        async def size(rel: str) -> None:
            if rel in self.early:       # asked while connecting
                attrs = self.early[rel]
            else:
                async with limit:
                    attrs = (await self._lstat(rel))[1]
            if attrs is None:
                return
            if attrs.type == asyncssh.FILEXFER_TYPE_DIRECTORY:
                self.dirs.add(rel)
            else:
                files[rel] = attrs.size or 0
                self.dirs.update(parents(rel))

        await _all(size(rel) for rel in survey.paths if "/" in rel and rel.split("/", 1)[0] in self.top)
        return files

    async def _everything(self) -> dict[str, int]:
        files: dict[str, int] = {}
        limit = asyncio.Semaphore(IN_FLIGHT)

        async def walk(rel: str) -> None:
            async with limit:
                names = await self.sftp.readdir(self._remote(rel))
            below = []
            for item in names:
                name = item.filename if isinstance(item.filename, str) else item.filename.decode("utf-8", "replace")
                if name in (".", ".."):
                    continue
                child = posixpath.join(rel, name) if rel else name
                if item.attrs.type == asyncssh.FILEXFER_TYPE_SYMLINK:
                    files[child] = -1
                elif item.attrs.type == asyncssh.FILEXFER_TYPE_DIRECTORY:
                    below.append(child)
                elif item.attrs.type == asyncssh.FILEXFER_TYPE_REGULAR:
                    files[child] = item.attrs.size or 0
            await _all(walk(folder) for folder in below)

        await walk("")
        return files

    async def _check(self, plan: Plan, previous: dict[str, Entry]) -> Checked:
        """Every folder on the way that exists (the top folder's names are known from its listing; deeper ones are
        asked about, all at once) and every file to delete, asked about with lstat, which does not follow links; then
        the files to delete that still have their size are read and hashed (only those: usually a few)."""
        folders = [f for f in touched_folders(plan) if f.split("/", 1)[0] in self.top]
        deeper = [f for f in folders if "/" in f]
        limit = asyncio.Semaphore(IN_FLIGHT)

        async def lstat(rel: str):
            async with limit:
                return (await self._lstat(rel))[1]

        answers = await asyncio.gather(*(lstat(rel) for rel in [*deeper, *plan.deletes]))
        kinds = {**{name: self.top[name] for name in {f.split("/", 1)[0] for f in folders}},
                 **dict(zip(deeper, answers))}
        links = tuple(f for f in folders
                      if kinds.get(f) is not None and kinds[f].type == asyncssh.FILEXFER_TYPE_SYMLINK)
        found = dict(zip(plan.deletes, answers[len(deeper):]))
        self.deleting = {rel: attrs.size for rel, attrs in found.items() if attrs is not None}
        sized = [rel for rel, attrs in found.items()
                 if attrs is not None and attrs.type == asyncssh.FILEXFER_TYPE_REGULAR
                 and attrs.size == previous[rel].size]
        hashed = await asyncio.gather(*(self._hash(rel) for rel in sized if previous[rel].sha is not None))
        differ = {rel for rel, sha in zip([r for r in sized if previous[r].sha is not None], hashed)
                  if sha != previous[rel].sha}
        replaced = tuple(rel for rel, attrs in found.items()
                         if attrs is not None and (rel not in sized or rel in differ))
        return Checked(replaced, links)

    async def _command(self, command: str, data: bytes = b"") -> tuple[int | None, bytes]:
        """(exit status, output) of a command run by the account's shell in the target's folder; (None, b"") when
        the server runs none (an SFTP-only account, a chroot) or it does not finish in time."""
        try:
            done = await asyncio.wait_for(self.conn.run(f"cd -- {shlex.quote(self.root)} && {command}", input=data,
                                                        encoding=None, check=False), REMOTE_TIMEOUT)
        except (asyncio.TimeoutError, asyncssh.Error, OSError):
            return None, b""
        return done.exit_status, done.stdout if isinstance(done.stdout, bytes) else b""

    async def _survey_there(self, names: list[str]) -> tuple[dict[str, int], dict[str, str]] | None:
        """Every file and link of the target listed by GNU find on the server (one round trip where the SFTP walk
        takes three for each folder), then the given names hashed by b2sum (see _hash_there); None (the SFTP walk
        then) unless find ran and read every folder."""
        status, output = await self._command(SURVEY, b"\0".join(name.encode() for name in names))
        return remote_survey(output, names) if status == 0 else None

    async def _hash_there(self, rels: list[str]) -> dict[str, str]:
        """The files hashed by the server itself, as rsync --checksum does: one `b2sum` (GNU coreutils; the manifest's
        BLAKE2b-128) in the target's folder, the names sent on its input, so that only the hashes cross the link
        instead of every byte. Only what it answered for is returned; a host that runs no commands (SFTP only, a
        chroot, no coreutils, another shell) answers nothing, and those files are read over SFTP."""
        _, output = await self._command("xargs -0 b2sum -z -l 128 --", b"\0".join(r.encode() for r in rels))
        return remote_sums(output, rels)

    async def _hash(self, rel: str) -> str:
        """The manifest's hash of a file on the server, read block by block (never whole in memory)."""
        digest = manifest_format.hasher()
        try:
            async with self._session(rel).open(self._remote(rel), "rb", block_size=READ_BLOCK,
                                               encoding=None) as f:
                while chunk := await f.read(4 * READ_BLOCK):
                    digest.update(chunk)
        except (asyncssh.SFTPNoSuchFile, asyncssh.SFTPPermissionDenied):
            return ""           # gone or unreadable: not known to be publish's own, so kept
        return digest.hexdigest()

    async def _wave(self, wave: Wave, output: Path, manifest: bytes | None, folders_for: list[str],
                    claims: bytes | None = None) -> None:
        """The wave's files written and renamed, all at once. Renames go on the first session in the wave's order
        when the server keeps it; so do the claims, before everything else, when given (pinned: on one session)."""
        claimed = self._claim_now(claims) if claims is not None else None
        try:
            await self._wave_steps(wave, output, manifest, folders_for)
        finally:
            failed = [o for o in await claimed if isinstance(o, BaseException)] if claimed is not None else []
            if failed:      # nothing is claimed: what this wave made goes again, lest it pass for someone else's
                began = [*wave.written, *map(temp_name, wave.staged), *([temp_name(MANIFEST)] if manifest else [])]
                await asyncio.gather(*(self.sftp.remove(self._remote(rel)) for rel in began), return_exceptions=True)
                raise _FileFailed(MANIFEST, failed[0])

    async def _wave_steps(self, wave: Wave, output: Path, manifest: bytes | None, folders_for: list[str]) -> None:
        made = self._make_folders(folders_for)
        self.made.update(made)
        limit = asyncio.Semaphore(self.target.connections or IN_FLIGHT)

        async def put(rel: str, in_place: bool) -> None:
            folder = self.made.get(posixpath.dirname(rel))
            if folder is not None:
                await folder
            async with limit:
                await self._write(rel, output / rel, in_place)
            if in_place:
                self.context.progress(1)

        async def place(rel: str) -> None:
            if self.ordered:        # all on the first session, sent in the wave's order as the tasks start
                await self._place(rel, self.sftp)
            else:
                async with limit:
                    await self._place(rel)
            self.context.progress(1)

        staged = [self._write(MANIFEST, manifest, in_place=False)] if manifest is not None else []
        await _all([*(place(rel) for rel in wave.placed), *made.values(), *staged,
                    *(put(rel, True) for rel in wave.written), *(put(rel, False) for rel in wave.staged)])

    async def _ask_early(self) -> dict[str, asyncssh.SFTPAttrs | None]:
        """What is at the site's paths that its previous scan lacked, once the site is built, if they are few: the
        paths the manifest will not vouch for are usually these (after one edit, a new post and its search index
        parts), and asking beside the manifest spares a round trip once it is read. (The command always settles
        likely_new, with no paths if the build fails, so this never waits for nothing.)"""
        if self.context.likely_new is None:
            return {}
        paths = await self.context.likely_new.get(self.context.stop)
        if len(paths) > IN_FLIGHT:
            return {}
        return dict(await asyncio.gather(*(self._lstat(rel) for rel in paths)))

    async def _lstat(self, rel: str) -> tuple[str, asyncssh.SFTPAttrs | None]:
        try:
            return rel, await self._session(rel).lstat(self._remote(rel))
        except (asyncssh.SFTPNoSuchFile, asyncssh.SFTPPermissionDenied):
            return rel, None

    async def _open_for_claims(self) -> bytes | None:
        """A handle on the manifest for appending (never creating it), or None (no manifest, or not writable: the
        claims then go the slow way, which reports a failure properly)."""
        try:
            return await self.sftp._handler.open(self.sftp.encode(self._remote(MANIFEST)),
                                                 asyncssh.FXF_WRITE | asyncssh.FXF_APPEND, asyncssh.SFTPAttrs())
        except asyncssh.SFTPError:
            return None

    def _claim_now(self, data: bytes) -> asyncio.Future:
        """The claims' writes and the close of the handle opened while connecting, each sent as its task starts,
        which is before any task made after this call: their outcomes, failures included."""
        handler, handle, self.claims_handle = self.sftp._handler, self.claims_handle, None
        step = self.sftp.limits.max_write_len or 32768
        return asyncio.gather(*(handler.write(handle, at, data[at:at + step]) for at in range(0, len(data), step)),
                              handler.close(handle), return_exceptions=True)

    async def _append(self, rel: str, data: bytes) -> None:
        """Added at the end of the file: what was there stays whole even if the publish is cut off meanwhile. With
        the handle opened while connecting, the writes and the close go together: one round trip."""
        try:
            if rel == MANIFEST and isinstance(self.claims_handle, bytes):
                for outcome in await self._claim_now(data):
                    if isinstance(outcome, BaseException):
                        raise outcome
            else:
                await self._put(self.sftp, self._remote(rel), data, asyncssh.FXF_WRITE | asyncssh.FXF_APPEND)
        except asyncssh.SFTPError as err:
            raise _FileFailed(rel, err) from err

    async def _replace(self, rel: str, data: bytes) -> None:
        await self._write(rel, data, in_place=False)
        await self._place(rel)

    def _make_folders(self, rels: list[str]) -> dict[str, asyncio.Future]:
        """Start making the folders the files need and the target lacks: all asked at once, parents first, each tree
        under one top folder on one session, whose server carries them out in that order (one round trip, not one
        per level; the trees spread over the sessions)."""
        made: dict[str, asyncio.Future] = {}
        for level in folders_to_make(rels, self.dirs):
            for folder in level:
                sftp = self._session(folder.split("/", 1)[0])
                made[folder] = asyncio.ensure_future(self._mkdir(folder, made.get(posixpath.dirname(folder)), sftp))
        return made

    async def _mkdir(self, folder: str, parent: asyncio.Future | None = None, sftp=None) -> None:
        sftp = sftp or self.sftp
        try:
            try:
                await sftp.mkdir(self._remote(folder))
            except asyncssh.SFTPNoSuchFile:
                if parent is None:
                    raise
                await parent            # a server that answered out of order: after the parent, once more
                await sftp.mkdir(self._remote(folder))
        except asyncssh.SFTPFailure:
            if not await sftp.isdir(self._remote(folder)):
                raise _FileFailed(folder, asyncssh.SFTPFailure("mkdir")) from None
        except asyncssh.SFTPError as err:
            raise _FileFailed(folder, err) from err
        self.dirs.add(folder)

    async def _write(self, rel: str, data: bytes | Path, in_place: bool) -> None:
        """A file written at its place (a new one, which nothing links to yet) or under its temporary name: given as
        bytes, or as the local file to send. The temporary file is made new (exclusive create, which never follows a
        link): one already there, left by a publish cut off or put there as a link, is removed first (a round trip
        more, only then)."""
        path = self._remote(rel if in_place else temp_name(rel))
        sftp = self._session(rel)
        mode = "wb" if in_place else "xb"
        try:
            try:
                await self._send(sftp, path, data, mode)
            except asyncssh.SFTPNoSuchFile:
                # its folder is gone (someone removed it since the manifest was written): made again, once more
                for folder in reversed(list(parents(rel))):
                    await self._mkdir(folder)
                await self._send(sftp, path, data, mode)
            except _Taken as taken:
                if not await sftp.exists(path) and not await sftp.islink(path):
                    raise taken.error from None
                await sftp.remove(path)
                await self._send(sftp, path, data, mode)
        except asyncssh.SFTPError as err:
            raise _FileFailed(rel, err) from err

    async def _send(self, sftp, path: str, data: bytes | Path, mode: str = "wb") -> None:
        """A small file read whole and sent with its close (two round trips); a large one streamed (_stream). Either
        way its bytes count against the budget of bytes in flight until the server has answered for them."""
        if isinstance(data, bytes):
            await self._put(sftp, path, data, mode)
            return
        size = data.stat().st_size
        if size > WHOLE:
            await self._stream(sftp, path, data, mode)
            return
        taken = await self.budget.take(size)
        try:
            await self._put(sftp, path, data.read_bytes(), mode)
        finally:
            self.budget.give(taken)

    async def _stream(self, sftp, path: str, source: Path, mode: str = "wb") -> None:
        """A large file sent CHUNK by CHUNK, many in flight as the budget allows, each chunk's memory given back as
        soon as the server answers its writes; the close after the last answer."""
        step = sftp.limits.max_write_len or 32768
        f = await _open(sftp, path, mode)
        sent: list[asyncio.Future] = []
        try:
            with open(source, "rb") as local:
                at = 0
                while True:
                    taken = await self.budget.take(CHUNK)
                    chunk = local.read(CHUNK)
                    if not chunk:
                        self.budget.give(taken)
                        break
                    sent.append(asyncio.ensure_future(self._chunk(f, chunk, at, step, taken)))
                    at += len(chunk)
                    if sent[0].done():
                        sent.pop(0).result()        # raises the first failure
            await _all(sent)
        except BaseException:
            for task in sent:
                task.cancel()
            await asyncio.gather(*sent, return_exceptions=True)
            with contextlib.suppress(asyncssh.Error, OSError):
                await f.close()
            raise
        await f.close()

    async def _chunk(self, f, chunk: bytes, at: int, step: int, taken: int) -> None:
        try:
            await asyncio.gather(*(f.write(chunk[i:i + step], at + i) for i in range(0, len(chunk), step)))
        finally:
            self.budget.give(taken)

    async def _place(self, rel: str, sftp=None) -> None:
        """The temporary file renamed over the old version, in one step readers never see half done."""
        temp, final = self._remote(temp_name(rel)), self._remote(rel)
        sftp = sftp or self._session(rel)
        try:
            try:
                await sftp.posix_rename(temp, final)
            except asyncssh.SFTPOpUnsupported:
                await sftp.remove(final) if await sftp.exists(final) else None
                await sftp.rename(temp, final)
        except asyncssh.SFTPError as err:
            raise _FileFailed(rel, err) from err

    @staticmethod
    async def _put(sftp, path: str, data: bytes, mode: str | int = "wb") -> None:
        """Open, then every write request and the close sent together: the server carries out the requests on one
        handle in the order they came, so a file costs two round trips, not three or more."""
        step = sftp.limits.max_write_len or 32768
        f = await _open(sftp, path, mode)
        writes = [f.write(data[at:at + step], at) for at in range(0, len(data), step)]
        outcomes = await asyncio.gather(*writes, f.close(), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    def _session(self, rel: str):
        return self.sftp if self.pinned else self.sessions[hash(rel) % len(self.sessions)]

    async def _conclude(self, rels: list[str], data: bytes | None, staged: bool, unlock: bool = False) -> None:
        """Delete the files (and write the new manifest under its temporary name meanwhile, unless it was staged
        already); rename it into place once the files are gone, and remove the emptied folders meanwhile."""
        limit = asyncio.Semaphore(IN_FLIGHT)

        async def remove(rel: str) -> None:
            async with limit:
                try:
                    await self._session(rel).remove(self._remote(rel))
                except asyncssh.SFTPNoSuchFile:
                    pass
                except asyncssh.SFTPError as err:
                    raise _FileFailed(rel, err) from err

        async def rmdir(folder: str) -> None:
            try:
                await self.sftp.rmdir(self._remote(folder))
            except asyncssh.SFTPError:
                pass            # not empty: someone else's file is in it

        if staged and self.ordered:
            await self._conclude_in_order(rels, unlock)
            return
        await _all([*([self._write(MANIFEST, data, in_place=False)] if data is not None and not staged else []),
                    *(remove(rel) for rel in rels)])
        # the folders deepest first, all asked at once on one session: the server carries them out in that order
        await _all([*([self._place(MANIFEST)] if data is not None else []),
                    *(rmdir(folder) for folder in emptied_folders(rels, set()))])

    async def _conclude_in_order(self, rels: list[str], unlock: bool = False) -> None:
        """The deletions, then the staged manifest's rename, then the emptied folders, sent at once on the first
        session, which carries them out in that order: one round trip (with the target's lock removed last, when
        unlock). A file that could not be deleted is claimed again in the manifest afterwards, so the next publish
        still knows it and deletes it."""
        removals = [self.sftp.remove(self._remote(rel)) for rel in rels]
        rmdirs = [self.sftp.rmdir(self._remote(folder)) for folder in emptied_folders(rels, set())]
        unlocking = [self.sftp.remove(self._remote(f"{targetlock.LOCK}/{targetlock.HOLDER}")),
                     self.sftp.rmdir(self._remote(targetlock.LOCK))] if unlock else []
        outcomes = await asyncio.gather(*removals, self._place(MANIFEST, self.sftp), *rmdirs, *unlocking,
                                        return_exceptions=True)
        if unlock and not any(isinstance(outcome, BaseException) for outcome in outcomes[-2:]):
            self.held = None            # removed: close() has nothing left to release
        failed = [(rel, outcome) for rel, outcome in zip(rels, outcomes)
                  if isinstance(outcome, BaseException) and not isinstance(outcome, asyncssh.SFTPNoSuchFile)]
        placed = outcomes[len(rels)]
        if isinstance(placed, BaseException):
            raise placed
        if failed:
            # with the size check found (claims hold no hash): the next publish sees the same file and deletes it
            await self._append(MANIFEST, manifest_format.claims({rel: Entry(self.deleting.get(rel, 0), None)
                                                                 for rel, _ in failed}))
            raise _FileFailed(*failed[0])

    # -- what otomatis reads: the web server's access logs, wherever the account may read them (not the target's
    #    folder: a path relative to the login folder, or absolute)

    def log_listing(self, folder: str, prefix: str) -> dict[str, tuple[int, float]]:
        """The regular files in folder whose names start with prefix: name -> (size, mtime)."""
        async def step():
            try:
                found = await self.sftp.readdir(folder or ".")
            except asyncssh.SFTPError as err:
                raise PublishError(f"folder log {folder or '.'} di server {self.target.host} tidak dapat dibaca "
                                   f"({err.reason}); periksa 'logs:' di config.yaml.") from None
            return {entry.filename: (entry.attrs.size or 0, float(entry.attrs.mtime or 0)) for entry in found
                    if entry.filename.startswith(prefix) and entry.attrs.type == asyncssh.FILEXFER_TYPE_REGULAR}
        return self._run(step())

    def read_from(self, path: str, offset: int, size: int = -1) -> bytes:
        """The bytes of a file from offset (to its end, or size of them)."""
        async def step():
            try:
                async with self.sftp.open(path, "rb", encoding=None) as f:
                    return await f.read(size, offset)
            except asyncssh.SFTPError as err:
                raise PublishError(f"log {path} di server {self.target.host} tidak dapat dibaca ({err.reason}).") \
                    from None
        return self._run(step())

    # -- the lock (targetlock.Place), each a blocking call, also from the refresher's thread

    def make_lock(self) -> bool:
        async def step():
            try:
                await self.sftp.mkdir(self._remote(targetlock.LOCK))
                return True
            except asyncssh.SFTPFailure:        # OpenSSH's answer when it exists (SFTP v3 has no other)
                if await self.sftp.isdir(self._remote(targetlock.LOCK)):
                    return False
                raise
            except asyncssh.SFTPNoSuchFile:     # the target's folder is made, as a folder target makes its own
                await self._make_root()
                await self.sftp.mkdir(self._remote(targetlock.LOCK))
                return True
        return self._blocking(step())

    def read_lock(self, folder: str) -> bytes | None:
        async def step():
            try:
                async with self.sftp.open(self._remote(posixpath.join(folder, targetlock.HOLDER)), "rb") as f:
                    return await f.read()
            except (asyncssh.SFTPNoSuchFile, asyncssh.SFTPFailure):
                return None
        return self._blocking(step())

    def write_lock(self, data: bytes) -> None:
        self._blocking(self._put(self.sftp, self._remote(posixpath.join(targetlock.LOCK, targetlock.HOLDER)), data))

    def rename_lock(self, old: str, new: str) -> bool:
        async def step():
            try:
                await self.sftp.rename(self._remote(old), self._remote(new))
                return True
            except (asyncssh.SFTPNoSuchFile, asyncssh.SFTPFailure):
                return False
        return self._blocking(step())

    def remove_lock(self, folder: str) -> None:
        """The holder file and the folder, asked together (the server takes them in order: one round trip)."""
        async def step():
            outcomes = await asyncio.gather(self.sftp.remove(self._remote(posixpath.join(folder, targetlock.HOLDER))),
                                            self.sftp.rmdir(self._remote(folder)), return_exceptions=True)
            if isinstance(outcomes[1], asyncssh.SFTPFailure) and not self.ordered:
                with contextlib.suppress(asyncssh.SFTPError):   # the server took the rmdir first: once more
                    await self.sftp.rmdir(self._remote(folder))
        self._blocking(step())

    def _blocking(self, step):
        """A step run to its end from any thread: in the loop now if no other thread runs it, or else handed to the
        loop running in the other thread (the lock's refresher meets a publish sending files)."""
        if self.running.acquire(blocking=False):
            try:
                return self._run_loop(step)
            finally:
                self.running.release()
        future = asyncio.run_coroutine_threadsafe(step, self.loop)
        while True:
            try:
                return future.result(0.2)
            except TimeoutError:
                # the other thread left the loop before the step was run in it: run the loop here until it is
                if self.running.acquire(blocking=False):
                    try:
                        return self._run_loop(asyncio.wrap_future(future, loop=self.loop))
                    finally:
                        self.running.release()

    # -- failures, each said in one sentence

    def _run(self, step):
        with self.running:
            return self._run_loop(step)

    def _until_done(self, step):
        """The step run in the loop to its end; Ctrl-C cancels it (see interrupt.run_cancellable)."""
        return run_cancellable(self.loop, step)

    def _run_loop(self, step):
        try:
            return _beside_callers_loop(self._until_done, step)
        except PublishError:
            raise
        except asyncssh.HostKeyNotVerifiable:
            raise PublishError(self._host_key_problem()) from None
        except asyncssh.PermissionDenied:
            raise PublishError(
                f"Server {self.target.host} menolak masuk sebagai '{self.target.user}' dengan kunci SSH yang ada "
                "(ssh-agent, 'key:' di config.yaml, ~/.ssh); pasang kunci publik Anda di ~/.ssh/authorized_keys "
                "pengguna itu di server (misalnya dengan ssh-copy-id), atau isi 'key:' dengan kunci yang benar.") from None
        except _FileFailed as failed:
            if isinstance(failed.error, DROPPED):       # the link went while a file's request was on its way
                raise PublishError(self._dropped()) from None
            raise PublishError(self._file_problem(failed.rel, failed.error)) from None
        except DROPPED:
            raise PublishError(self._dropped()) from None
        except (ConnectionRefusedError, socket.gaierror, TimeoutError, asyncio.TimeoutError) as err:
            raise PublishError(network_problem(err, self.target.host, self.context.port)) from None
        except asyncssh.SFTPError as err:
            raise PublishError(self._file_problem("", err)) from None
        except (OSError, asyncssh.Error) as err:
            raise PublishError(f"Gagal berhubungan dengan {self.target.host} ({err}); periksa sambungan lalu "
                               "jalankan perintah yang sama lagi.") from None

    def _dropped(self) -> str:
        return (f"Sambungan ke {self.target.host} terputus di tengah jalan; situs yang tayang tetap utuh. Periksa "
                "jaringan lalu jalankan perintah yang sama lagi untuk melanjutkan.")

    def _host_key_problem(self) -> str:
        key = self.client.seen if self.client else None
        host = self.target.host
        if key is None:
            return f"Kunci server {host} tidak dapat diperiksa; jalankan lagi."
        fingerprint = key.get_fingerprint("sha256")
        command = shown_command(current_invocation(), "publish", [self.context.name, "--trust-host-key", fingerprint],
                                self.context.site_dir)
        if self.context.trust_host_key and self.context.trust_host_key != fingerprint:
            return (f"Sidik jari kunci server {host} adalah {fingerprint}, bukan {self.context.trust_host_key} seperti "
                    "yang diberikan; tidak ada yang dikirim. Periksa lagi sidik jari itu ke pengelola server.")
        known = self.known_hosts.match(host, "", self.context.port)[0]
        if known:
            return (f"PERINGATAN: kunci server {host} BERUBAH (sekarang {fingerprint}); bisa jadi server diganti, bisa "
                    "jadi ada pihak yang menyadap, jadi tidak ada yang dikirim. Tanyakan sidik jari kunci baru ke "
                    f"pengelola server; hanya bila sama, jalankan: {command}")
        return (f"Kunci server {host} belum dikenal (sidik jari {fingerprint}), jadi tidak ada yang dikirim. "
                f"Cocokkan sidik jari itu dengan pengelola server; bila sama, jalankan sekali: {command}")

    def _file_problem(self, rel: str, error: Exception) -> str:
        where = f"{self._remote(rel)} di {self.target.host}"
        if isinstance(error, asyncssh.SFTPPermissionDenied):
            return (f"Tidak ada izin menulis {where}; minta pengelola server memberi izin tulis untuk pengguna "
                    f"'{self.target.user}' pada folder itu, lalu jalankan lagi.")
        if isinstance(error, (asyncssh.SFTPNoSpaceOnFilesystem, asyncssh.SFTPQuotaExceeded)):
            return f"Disk server penuh saat menulis {where}; kosongkan ruang di server lalu jalankan lagi (situs yang tayang tetap utuh)."
        if isinstance(error, asyncssh.SFTPNoSuchFile):
            return f"{where} tidak ditemukan; periksa 'path' di config.yaml."
        return (f"Server menolak menulis {where} ({error.reason or 'gagal'}); biasanya disk server penuh atau "
                "kuota habis. Kosongkan ruang lalu jalankan lagi; situs yang tayang tetap utuh.")


def without_host(line: str, host: str) -> str | None:
    """A known_hosts line with host taken out of its host list (plain or hashed); None if no host is left."""
    fields = line.split()
    if not fields or fields[0].startswith(("#", "@")) or len(fields) < 3:
        return line
    names = fields[0].split(",")
    left = [name for name in names if not _names_host(name, host)]
    if len(left) == len(names):
        return line
    return " ".join([",".join(left), *fields[1:]]) if left else None


def _names_host(name: str, host: str) -> bool:
    if name.startswith("|1|"):      # hashed: |1|salt|HMAC-SHA1(salt, host), both base64
        try:
            salt, digest = (base64.b64decode(part) for part in name[3:].split("|", 1))
        except (ValueError, binascii.Error):
            return False
        return hmac.compare_digest(hmac.new(salt, host.encode(), hashlib.sha1).digest(), digest)
    return name == host


class _Budget:
    """Bytes in flight: a taker waits while too few are free; a single take is cut to the limit."""

    def __init__(self, limit: int):
        self.limit, self.free = limit, limit
        self.waiting: list[asyncio.Future] = []

    async def take(self, size: int) -> int:
        size = min(size, self.limit)
        while self.free < size:
            woken = asyncio.get_running_loop().create_future()
            self.waiting.append(woken)
            try:
                await woken
            finally:
                if woken in self.waiting:
                    self.waiting.remove(woken)
        self.free -= size
        return size

    def give(self, size: int) -> None:
        self.free += size
        waiting, self.waiting = self.waiting, []
        for woken in waiting:           # each looks again whether enough is free for it
            if not woken.done():
                woken.set_result(None)


async def _all(steps) -> None:
    """Run the steps (coroutines or tasks already started) concurrently; on the first failure cancel the rest and
    raise it."""
    tasks = [asyncio.ensure_future(step) for step in steps]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _beside_callers_loop(run, step):
    """run(step) in this thread, or, when the caller already runs an event loop of its own in this thread (a program
    embedding the publish, such as Playwright's synchronous API in the test suite), in a thread of its own: asyncio
    runs one loop a thread. The command line never has one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run(step)
    outcome: dict = {}

    def apart() -> None:
        try:
            outcome["value"] = run(step)
        except BaseException as err:    # noqa: BLE001 - handed back to the caller's thread as it is
            outcome["error"] = err

    worker = threading.Thread(target=apart, name="sftp-loop")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


async def _open(sftp, path: str, mode: str | int):
    """A file opened for writing; a temporary name made new ('xb') that is already there is _Taken."""
    try:
        return await sftp.open(path, mode, block_size=0, encoding=None)
    except (asyncssh.SFTPFailure, asyncssh.SFTPFileAlreadyExists) as err:
        if mode == "xb":
            raise _Taken(err) from err
        raise
