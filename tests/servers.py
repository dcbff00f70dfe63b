"""Real servers on 127.0.0.1 for the publish tests: Debian's OpenSSH with throwaway keys, asyncssh's own SSH server
(one that is not OpenSSH), an FTPS server."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.browser import require

SSHD = Path("/usr/sbin/sshd")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "uji", "-f", str(path)], check=True)
    return path


def _ssh_folders(folder: Path) -> tuple[Path, Path, Path, Path, Path]:
    """keys/ with a new host key, home/.ssh/ with a new client key, and www/ to publish into."""
    keys = folder / "keys"
    keys.mkdir(parents=True)
    host_key = keygen(keys / "host_ed25519")
    home = folder / "home"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    client = keygen(home / ".ssh" / "id_ed25519")
    root = folder / "www"
    root.mkdir()
    return keys, host_key, home, client, root


@dataclass
class Sshd:
    """One sshd: its port, folder, host key, and a HOME whose ~/.ssh holds a client key it accepts."""

    port: int
    root: Path              # the folder to publish into
    home: Path              # HOME for the publish command: .ssh/id_ed25519 (accepted), no known_hosts yet
    host_key: Path
    config: Path
    process: subprocess.Popen | None = None

    @property
    def user(self) -> str:
        return getpass.getuser()

    def fingerprint(self) -> str:
        done = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", str(self.host_key) + ".pub"],
                              capture_output=True, text=True, check=True)
        return done.stdout.split()[1]

    def trust(self) -> None:
        """Put the host key into HOME/.ssh/known_hosts, as a user who checked it would."""
        line = f"[127.0.0.1]:{self.port} " + " ".join((Path(str(self.host_key) + ".pub").read_text().split()[:2]))
        with open(self.home / ".ssh" / "known_hosts", "a") as f:
            f.write(line + "\n")

    def env(self) -> dict:
        return {"HOME": str(self.home), "SSH_AUTH_SOCK": ""}

    def start(self, *extra: str) -> None:
        self.process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(self.config), *extra],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for_port(self.port, self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def start_sshd(folder: Path, sftp_flags: str = "") -> Sshd:
    """Start sshd on a free loopback port with a new host key, accepting a new client key (skip if sshd is missing)."""
    require(SSHD.exists() and shutil.which("ssh-keygen") is not None,
            "openssh-server tidak terpasang: uji SFTP dilewati (apt-get install openssh-server)")
    Path("/run/sshd").mkdir(exist_ok=True) if os.geteuid() == 0 else None
    keys, host_key, home, client, root = _ssh_folders(folder)
    (keys / "authorized_keys").write_text(Path(str(client) + ".pub").read_text())
    port = free_port()
    config = keys / "sshd_config"
    config.write_text(f"""\
Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {keys / 'sshd.pid'}
AuthorizedKeysFile {keys / 'authorized_keys'}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
MaxStartups 50
Subsystem sftp internal-sftp {sftp_flags}
""")
    server = Sshd(port, root, home, host_key, config)
    server.start()
    return server


class KeptSshd:
    """An sshd kept running for a module's tests, and what its folder and a site beside it held at one moment (a
    tests.conftest.Kept of their common folder): ready() puts both back for the next test and, if a test stopped or
    started the server again (changing its keys or its config), starts it anew with the kept ones, on its port."""

    def __init__(self, server: Sshd, kept) -> None:
        self.server, self.kept, self.started = server, kept, server.process

    def ready(self) -> Sshd:
        self.kept.restore()
        if self.server.process is not self.started or self.server.process.poll() is not None:
            self.server.stop()
            self.server.start()
            self.started = self.server.process
        return self.server


@dataclass
class OtherSshd(Sshd):
    """asyncssh's SSH and SFTP server in a thread of the test process: a server that does not say it is OpenSSH."""

    stop_serving: object = None

    def start(self, *extra: str) -> None:
        raise NotImplementedError("started by start_other_sshd")

    def stop(self) -> None:
        if self.stop_serving is not None:
            self.stop_serving()
            self.stop_serving = None


def start_other_sshd(folder: Path) -> OtherSshd:
    """asyncssh's server on a free loopback port, with a new host key, accepting a new client key; its SFTP serves
    the whole file system as the test's user, like an account on a host."""
    import asyncio
    import threading

    import asyncssh

    require(shutil.which("ssh-keygen") is not None, "ssh-keygen tidak ada: uji SFTP dilewati (apt-get install openssh-client)")
    keys, host_key, home, client, root = _ssh_folders(folder)
    loop = asyncio.new_event_loop()
    started: list = []
    ready = threading.Event()

    async def serve():
        started.append(await asyncssh.listen("127.0.0.1", 0, server_host_keys=[str(host_key)],
                                             authorized_client_keys=str(client) + ".pub", sftp_factory=True))
        ready.set()

    def run():
        loop.run_until_complete(serve())
        loop.run_forever()
        started[0].close()
        loop.run_until_complete(started[0].wait_closed())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)

    def stop_serving():
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return OtherSshd(started[0].get_port(), root, home, host_key, keys / "none", stop_serving=stop_serving)


def self_signed_certificate(folder: Path) -> Path:
    """A key and certificate for 127.0.0.1 in one PEM file, which the client trusts through SSL_CERT_FILE."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    path = folder / "server.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM))
    (folder / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


@dataclass
class FtpServer:
    """pyftpdlib on a free loopback port, in a thread of the test process; user 'humas', password 'sandi-uji'."""

    port: int
    root: Path
    ca: Path | None
    server: object
    thread: object

    user = "humas"
    password = "sandi-uji"

    def env(self, home: Path, password: bool = True) -> dict:
        env = {"HOME": str(home), "PUBLISH_PASSWORD": self.password if password else ""}
        if self.ca:
            env["SSL_CERT_FILE"] = str(self.ca)
        return env

    def stop(self) -> None:
        self.server.close_all()
        self.thread.join(10)


def start_ftp(folder: Path, tls: bool = True, perm: str = "elradfmwMT") -> FtpServer:
    import threading

    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.filesystems import AbstractedFS
    from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
    from pyftpdlib.servers import ThreadedFTPServer

    folder.mkdir(parents=True, exist_ok=True)
    root = folder / "www"
    root.mkdir(exist_ok=True)               # a server started again serves what the one before it held
    authorizer = DummyAuthorizer()
    authorizer.add_user(FtpServer.user, FtpServer.password, str(root), perm=perm)
    class WrittenThrough(AbstractedFS):
        """Uploads written straight to the disk, so that a full disk fails a write and the server answers it (a
        buffered file meets it only at its close, where pyftpdlib answers nothing and the client waits)."""

        def open(self, filename, mode):
            return open(filename, mode, buffering=0) if "w" in mode or "a" in mode else open(filename, mode)

    attributes = {"authorizer": authorizer, "banner": "uji", "passive_ports": None, "abstracted_fs": WrittenThrough}
    if tls:
        attributes.update(certfile=str(self_signed_certificate(folder)), tls_control_required=True,
                          tls_data_required=True)
    handler = type("Handler", (TLS_FTPHandler if tls else FTPHandler,), attributes)
    server = ThreadedFTPServer(("127.0.0.1", 0), handler)
    server.max_cons = 20
    def serve() -> None:
        try:
            server.serve_forever(timeout=0.2)
        except OSError:
            pass        # stopped from the test's thread (close_all) while polling: its poller is gone, as wanted

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return FtpServer(server.address[1], root, folder / "ca.pem" if tls else None, server, thread)


@dataclass
class SmtpServer:
    """aiosmtpd on 127.0.0.1: every message it accepted, and the logins it saw."""

    port: int
    controller: object
    received: list
    logins: list

    def stop(self) -> None:
        self.controller.stop()


def start_smtp(certificate: Path | None = None, password: str | None = None, implicit: bool = False) -> SmtpServer:
    """An SMTP server that keeps what it receives; with a certificate it requires STARTTLS (implicit: TLS from the
    first byte, as on port 465), with a password it requires a login (user 'humas') after it."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    received, logins = [], []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        ok = auth_data.login == b"humas" and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)       # handled=False: the server answers 535 itself

    tls = None
    if certificate is not None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(certificate)
    port = free_port()
    extra = {"authenticator": authenticator, "auth_require_tls": True} if password is not None else \
        {"auth_require_tls": False}
    if implicit:      # aiosmtpd takes only STARTTLS for TLS: its login is allowed on the TLS socket all the same
        extra.update(ssl_context=tls, auth_require_tls=False)
        tls = None
    controller = Controller(Keep(), hostname="127.0.0.1", port=port, tls_context=tls,
                            require_starttls=tls is not None, **extra)
    controller.start()
    return SmtpServer(port, controller, received, logins)


@dataclass
class Webhook:
    """A local HTTP server that keeps the JSON bodies POSTed to it."""

    url: str
    bodies: list
    server: object

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_webhook(status: int = 200) -> Webhook:
    import http.server
    import json
    import threading

    bodies = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            bodies.append(json.loads(self.rfile.read(length).decode("utf-8")))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Webhook(f"http://127.0.0.1:{server.server_address[1]}/hooks/rahasia-123", bodies, server)
