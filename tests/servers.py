"""Real servers on 127.0.0.1 for the publish tests: Debian's OpenSSH with throwaway keys, an FTPS server."""

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
    keys = folder / "keys"
    keys.mkdir(parents=True)
    host_key = keygen(keys / "host_ed25519")
    home = folder / "home"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    client = keygen(home / ".ssh" / "id_ed25519")
    (keys / "authorized_keys").write_text(Path(str(client) + ".pub").read_text())
    root = folder / "www"
    root.mkdir()
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
