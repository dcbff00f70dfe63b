"""Publishing over FTPS (FTP with TLS) or plain FTP with ftplib, over two or three connections as shared hosts allow."""

from __future__ import annotations

import ftplib
import getpass
import io
import netrc
import os
import posixpath
import queue
import socket
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.publish import manifest as manifest_format
from generator.publish import targetlock
from generator.publish.interrupt import Terminated
from generator.publish.plan import (
    MANIFEST,
    QUARANTINE,
    Entry,
    Plan,
    Survey,
    emptied_folders,
    folders_to_make,
    parents,
    temp_name,
)
from generator.publish.transport import Checked, Context, PublishError, StepByStep, network_problem, take_lock

CONNECTIONS = 2
TIMEOUT = 60
REASON_WAIT = 5                 # seconds to wait for the server's word after it cut an upload short


def password_variables(name: str) -> tuple[str, str]:
    """The environment variables a target's FTP password is read from, the target's own first."""
    return f"PUBLISH_PASSWORD_{name.upper().replace('-', '_')}", "PUBLISH_PASSWORD"


class FtpTransport(StepByStep):
    complete_listing = False         # asking about every file costs round trips: see Survey

    def __init__(self, context: Context):
        self.context = context
        self.target = context.target
        self.root = self.target.path.rstrip("/") or "/"
        self.user, self.password = self._credentials()
        self.dirs: set[str] = set()
        self.lock = threading.Lock()
        self.pool: queue.Queue = queue.Queue()
        self.opened: list[ftplib.FTP] = []
        self.reached = False        # a connection was made: a refusal after it means the server went away
        first = self._guard(self._open, "")
        self.pool.put(first)
        try:
            first.cwd(self.root)
        except ftplib.error_perm:
            raise PublishError(f"Folder {self.root} tidak ada di server {self.target.host}; buat folder itu atau "
                               "perbaiki 'path' di config.yaml.") from None
        for _ in range(max(1, self.target.connections or CONNECTIONS) - 1):
            self.pool.put(self._guard(self._open, ""))
        self.held = None
        try:
            self.held = take_lock(self, context)
        except BaseException:
            self.close()
            raise

    # -- the Transport interface

    def read_manifest(self) -> bytes | None:
        def step(ftp):
            data = io.BytesIO()
            try:
                ftp.retrbinary(f"RETR {self._remote(MANIFEST)}", data.write)
            except ftplib.error_perm as err:
                if str(err).startswith("550"):
                    return None
                raise
            return data.getvalue()
        return self._with(step, MANIFEST)

    def listing(self, survey: Survey) -> dict[str, int]:
        """The top folder and every folder that holds a surveyed path are listed (FTP has no cheap way to ask about
        one file; a listing costs several round trips), so nothing is sent over someone else's file and nothing of
        ours is taken as present when it is not; the files the survey trusts to the manifest are not asked about."""
        done = survey.trusted
        folders = {""} | {posixpath.dirname(rel) for rel in survey.paths}
        files: dict[str, int] = {}

        def walk(rel: str) -> None:
            def step(ftp):
                try:
                    entries = list(ftp.mlsd(self._remote(rel), facts=["type", "size"]))
                except ftplib.error_perm:
                    if rel:
                        return          # the folder does not exist (yet): servers answer 550 or 501
                    raise
                self.dirs.add(rel)
                for name, facts in entries:
                    child = posixpath.join(rel, name) if rel else name
                    kind = facts.get("type", "file").lower()
                    if kind == "dir":
                        self.dirs.add(child)
                    elif kind == "file":
                        with self.lock:
                            files[child] = int(facts.get("size", 0))
            self._with(step, rel)

        with ThreadPoolExecutor(self.pool.qsize()) as workers:
            list(workers.map(walk, sorted(folders)))
        for rel in done:
            self.dirs.update(parents(rel))
        return files

    # -- what otomatis reads: the web server's access logs, wherever the account may read them

    def log_listing(self, folder: str, prefix: str) -> dict[str, tuple[int, float]]:
        """The files in folder whose names start with prefix: name -> (size, modification time)."""
        def step(ftp):
            # 'modify' is YYYYMMDDHHMMSS: as a number it orders the files by time, which is all that is asked of it
            return {name: (int(facts.get("size", 0)), float(facts.get("modify", "0")[:14] or 0))
                    for name, facts in ftp.mlsd(folder or ".", facts=["type", "size", "modify"])
                    if facts.get("type", "file").lower() == "file" and name.startswith(prefix)}
        return self._reading(step, folder or ".")

    def read_from(self, path: str, offset: int, size: int = -1) -> bytes:
        """The bytes of a file from offset (REST), to its end or size of them (the transfer then cut short)."""
        def step(ftp):
            data = bytearray()
            ftp.voidcmd("TYPE I")           # bytes as they are (ASCII mode would change the line ends)
            with ftp.transfercmd(f"RETR {path}", offset or None) as link:
                while size < 0 or len(data) < size:
                    block = link.recv(65536 if size < 0 else min(65536, size - len(data)))
                    if not block:
                        break
                    data += block
                if isinstance(link, ssl.SSLSocket) and size < 0:
                    link.unwrap()
            try:
                ftp.voidresp()
            except ftplib.Error:
                if size < 0:
                    raise
                # cut short on purpose: 426 (transfer aborted) or similar; the connection itself is still good
            return bytes(data)
        return self._reading(step, path)

    def _reading(self, step, where: str):
        """A read of the logs: a refusal (550, no such file) is a sentence about reading, not about writing."""
        def guarded(ftp):
            try:
                return step(ftp)
            except ftplib.error_perm as err:
                raise PublishError(f"log {where} di server {self.target.host} tidak dapat dibaca "
                                   f"({str(err).strip()}); periksa 'logs:' di config.yaml.") from None
        return self._with(guarded, where)

    # -- what verify reads (FTP has no hash command everywhere: files are read)

    def everything(self) -> dict[str, int]:
        """Every file of the target, folder by folder (MLSD); FTP shows what a link points to, so links look like
        files or folders here."""
        files: dict[str, int] = {}
        folders = [""]
        while folders:
            rel = folders.pop()

            def step(ftp, rel=rel):
                return list(ftp.mlsd(self._remote(rel), facts=["type", "size"]))
            for name, facts in self._with(step, rel or "."):
                child = posixpath.join(rel, name) if rel else name
                kind = facts.get("type", "file").lower()
                if kind == "dir":
                    folders.append(child)
                elif kind == "file":
                    files[child] = int(facts.get("size", 0))
        return files

    def digest(self, rels: list[str]) -> dict[str, str]:
        def one(rel: str) -> str:
            digest = manifest_format.hasher()
            self._with(lambda ftp: ftp.retrbinary(f"RETR {self._remote(rel)}", digest.update), rel)
            return digest.hexdigest()
        with ThreadPoolExecutor(self.pool.qsize() or 1) as workers:
            return dict(zip(rels, workers.map(one, rels)))

    def move_out(self, rel: str, dest: str) -> str:
        """A foreign file renamed into a folder beside the target's, where the server lets the user reach one."""
        if self.root == "/":
            raise PublishError("Folder situs di server FTP adalah '/' (batas akun FTP), jadi tidak ada tempat di "
                               "luarnya untuk karantina; pindahkan atau hapus berkas itu lewat pengelola berkas hosting.")
        place = posixpath.join(self.root.rstrip("/") + QUARANTINE, dest)

        def step(ftp):
            for folder in reversed(list(parents(place))):
                try:
                    ftp.mkd(folder)
                except ftplib.error_perm:
                    pass            # there already
            ftp.rename(self._remote(rel), place)
        self._with(step, rel)
        return place

    def read(self, rel: str) -> bytes:
        data = io.BytesIO()
        self._with(lambda ftp: ftp.retrbinary(f"RETR {self._remote(rel)}", data.write), rel)
        return data.getvalue()

    def check(self, plan: Plan, previous: dict[str, Entry]) -> Checked:
        """Each file to delete: its size asked (SIZE), and if it is the manifest's, the file read and hashed (RETR,
        block by block); links are not seen over FTP (the server shows what a link points to, and follows it)."""
        def still_ours(rel: str) -> bool:
            def step(ftp):
                entry, digest = previous[rel], manifest_format.hasher()
                ftp.voidcmd("TYPE I")           # SIZE counts bytes only in binary mode
                try:
                    if ftp.size(self._remote(rel)) != entry.size:
                        return False
                    if entry.sha is not None:
                        ftp.retrbinary(f"RETR {self._remote(rel)}", digest.update)
                except ftplib.error_perm as err:
                    return str(err).startswith("550") and not self._exists(ftp, rel)    # gone: nothing to keep
                return entry.sha is None or digest.hexdigest() == entry.sha
            return self._with(step, rel)

        with ThreadPoolExecutor(self.pool.qsize()) as workers:
            ours = list(workers.map(still_ours, plan.deletes))
        return Checked(tuple(rel for rel, mine in zip(plan.deletes, ours) if not mine))

    def upload(self, files: list[tuple[str, Path]], in_place: bool = False) -> None:
        for level in folders_to_make([rel for rel, _ in files], self.dirs):
            for folder in level:
                self._with(lambda ftp, f=folder: self._mkdir(ftp, f), folder)
        with ThreadPoolExecutor(self.pool.qsize()) as workers:
            list(workers.map(lambda item: self._with(lambda ftp: self._put(ftp, *item, in_place), item[0]), files))

    def delete(self, rels: list[str]) -> None:
        def remove(ftp, rel):
            try:
                ftp.delete(self._remote(rel))
            except ftplib.error_perm as err:
                if not str(err).startswith("550") or self._exists(ftp, rel):
                    raise
        with ThreadPoolExecutor(self.pool.qsize()) as workers:
            list(workers.map(lambda rel: self._with(lambda ftp: remove(ftp, rel), rel), rels))
        for folder in emptied_folders(rels, set()):
            try:
                self._with(lambda ftp: ftp.rmd(self._remote(folder)), folder)
            except PublishError:
                pass        # not empty: someone else's file is in it

    def write_manifest(self, data: bytes) -> None:
        self._with(lambda ftp: self._store(ftp, MANIFEST, io.BytesIO(data)), MANIFEST)

    def append_manifest(self, claims: bytes) -> bool:
        """APPE: added at the end, so what was there stays whole even if the link drops meanwhile (a claim line cut
        off is ignored when the manifest is read)."""
        self._with(lambda ftp: ftp.storbinary(f"APPE {self._remote(MANIFEST)}", io.BytesIO(claims)), MANIFEST)
        return True

    # -- the lock (targetlock.Place)

    def make_lock(self) -> bool:
        def step(ftp):
            try:
                ftp.mkd(self._remote(targetlock.LOCK))
                return True
            except ftplib.error_perm:
                if self._is_dir(ftp, targetlock.LOCK):
                    return False
                raise
        return self._with(step, targetlock.LOCK)

    def read_lock(self, folder: str) -> bytes | None:
        def step(ftp):
            data = io.BytesIO()
            try:
                ftp.retrbinary(f"RETR {self._remote(posixpath.join(folder, targetlock.HOLDER))}", data.write)
            except ftplib.error_perm:
                return None
            return data.getvalue()
        return self._with(step, folder)

    def write_lock(self, data: bytes) -> None:
        rel = posixpath.join(targetlock.LOCK, targetlock.HOLDER)
        self._with(lambda ftp: ftp.storbinary(f"STOR {self._remote(rel)}", io.BytesIO(data)), rel)

    def rename_lock(self, old: str, new: str) -> bool:
        def step(ftp):
            try:
                ftp.rename(self._remote(old), self._remote(new))
                return True
            except ftplib.error_perm:
                return False
        return self._with(step, old)

    def remove_lock(self, folder: str) -> None:
        def step(ftp):
            for rel, remove in ((posixpath.join(folder, targetlock.HOLDER), ftp.delete), (folder, ftp.rmd)):
                try:
                    remove(self._remote(rel))
                except ftplib.error_perm:
                    pass        # gone already
        self._with(step, folder)

    def close(self) -> None:
        held, self.held = getattr(self, "held", None), None
        if held is not None:
            try:
                held.release()
            except PublishError:
                pass            # the link is gone: the lock is left to go stale, and is taken over then
        for ftp in self.opened:
            try:
                ftp.quit()
            except (OSError, EOFError, ftplib.Error):
                ftp.close()

    # -- the steps

    def _remote(self, rel: str) -> str:
        return posixpath.join(self.root, rel) if rel else self.root

    def _credentials(self) -> tuple[str, str]:
        user = self.target.user
        for variable in password_variables(self.context.name):
            if os.environ.get(variable):
                return user or "anonymous", os.environ[variable]
        try:
            found = netrc.netrc().authenticators(self.target.host)
        except (FileNotFoundError, netrc.NetrcParseError, OSError):
            found = None
        if found and found[2] and (not user or found[0] == user):
            return found[0] or user, found[2]
        if self.context.interactive:
            try:
                return user, getpass.getpass(f"Sandi FTP untuk {user}@{self.target.host}: ")
            except Terminated:      # not an answer to the question: the command is asked to stop
                raise
            except (EOFError, KeyboardInterrupt):
                pass
        raise PublishError(f"Sandi FTP untuk {user}@{self.target.host} tidak ditemukan; isi variabel lingkungan "
                           f"{password_variables(self.context.name)[0]} (atau PUBLISH_PASSWORD), tulis di ~/.netrc, "
                           "atau jalankan perintah ini di terminal agar sandinya ditanyakan.")

    def _open(self, _ftp=None) -> ftplib.FTP:
        if self.target.type == "ftps":
            ftp = ftplib.FTP_TLS(context=ssl.create_default_context(), timeout=TIMEOUT)
        else:
            ftp = ftplib.FTP(timeout=TIMEOUT)
        self.opened.append(ftp)
        ftp.connect(self.target.host, self.context.port)
        self.reached = True
        if isinstance(ftp, ftplib.FTP_TLS):
            ftp.auth()
        ftp.login(self.user, self.password)
        if isinstance(ftp, ftplib.FTP_TLS):
            ftp.prot_p()
        return ftp

    def _mkdir(self, ftp, folder: str) -> None:
        try:
            ftp.mkd(self._remote(folder))
        except ftplib.error_perm:
            if not self._is_dir(ftp, folder):
                raise
        self.dirs.add(folder)

    def _is_dir(self, ftp, folder: str) -> bool:
        try:
            ftp.cwd(self._remote(folder))
            return True
        except ftplib.error_perm:
            return False

    def _exists(self, ftp, rel: str) -> bool:
        try:
            ftp.size(self._remote(rel))
            return True
        except ftplib.error_perm:
            return False

    def _put(self, ftp, rel: str, source: Path, in_place: bool) -> None:
        with open(source, "rb") as f:
            self._store(ftp, rel, f, in_place)
        self.context.progress(1)

    def _store(self, ftp, rel: str, data, in_place: bool = False) -> None:
        temp, final = self._remote(temp_name(rel)), self._remote(rel)
        try:
            ftp.storbinary(f"STOR {final if in_place else temp}", data)
        except (ConnectionResetError, BrokenPipeError):
            self._reason_for_cut(ftp)
            raise
        if in_place:
            return
        try:
            ftp.rename(temp, final)
        except ftplib.error_perm:
            # servers that will not rename over an existing file (IIS): remove it first, a moment without it
            if not self._exists(ftp, rel):
                raise
            ftp.delete(final)
            ftp.rename(temp, final)

    @staticmethod
    def _reason_for_cut(ftp) -> None:
        """The server closed the data connection in the middle of a file: its reason (a full disk: 451, 452, 552)
        comes on the control connection, raised as an ftplib error, if it comes within a few seconds."""
        timeout = ftp.sock.gettimeout()
        ftp.sock.settimeout(REASON_WAIT)
        try:
            ftp.getresp()
        except (TimeoutError, EOFError, ConnectionError):
            pass
        finally:
            ftp.sock.settimeout(timeout)

    def _with(self, step, rel: str):
        """Run step(ftp) on a free connection, opening a new one if the link dropped; failures as sentences."""
        ftp = self.pool.get()
        try:
            return self._guard(step, rel, ftp)
        finally:
            self.pool.put(ftp)

    def _guard(self, step, rel: str, ftp=None):
        host = self.target.host
        where = f"{self._remote(rel)} di {host}"
        try:
            return step(ftp)
        except ftplib.error_perm as err:
            code = str(err)[:3]
            if code == "530":
                raise PublishError(f"Server FTP {host} menolak nama pengguna '{self.user}' atau sandinya; periksa "
                                   f"'user' di config.yaml dan sandi di {password_variables(self.context.name)[0]} "
                                   "atau ~/.netrc.") from None
            if code == "552":
                raise PublishError(f"Disk server penuh atau kuota habis saat menulis {where}; kosongkan ruang lalu "
                                   "jalankan lagi (situs yang tayang tetap utuh).") from None
            raise PublishError(f"Server menolak menulis {where} ({str(err).strip()}); biasanya izin folder itu tidak "
                               "membolehkan menulis: minta pengelola server memberi izin tulis, lalu jalankan lagi.") from None
        except ssl.SSLCertVerificationError as err:
            raise PublishError(f"Sertifikat TLS server {host} tidak dapat dipercaya ({err.verify_message}); periksa "
                               "nama 'host' (harus sama dengan nama di sertifikat) atau tanyakan ke penyedia hosting.") from None
        except ftplib.error_temp as err:
            text = str(err).strip()
            if text[:3] in ("451", "452") or any(word in text.lower() for word in ("space", "full", "quota")):
                # 452: no storage space; 451: the server could not write (vsftpd's answer to a full disk)
                raise PublishError(f"Server gagal menulis {where} ({text}); biasanya disk server penuh atau kuota "
                                   "habis. Kosongkan ruang lalu jalankan lagi (situs yang tayang tetap utuh).") from None
            raise PublishError(f"Server FTP {host} sedang menolak ({text}); tunggu sebentar lalu jalankan "
                               "perintah yang sama lagi untuk melanjutkan.") from None
        except (ConnectionRefusedError, socket.gaierror, TimeoutError, socket.timeout) as err:
            if not (isinstance(err, ConnectionRefusedError) and self.reached):
                raise PublishError(network_problem(err, host, self.context.port)) from None
            raise PublishError(_dropped(host, err)) from None        # it took connections before: it went away
        except (EOFError, ConnectionError, ssl.SSLError, OSError, ftplib.Error) as err:
            raise PublishError(_dropped(host, err)) from None


def _dropped(host: str, err: BaseException) -> str:
    return (f"Sambungan ke {host} terputus atau gagal ({err or type(err).__name__}); situs yang tayang tetap utuh. "
            "Jalankan perintah yang sama lagi untuk melanjutkan.")
