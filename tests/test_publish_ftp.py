"""`publish` over FTPS and plain FTP to pyftpdlib (with TLS from pyOpenSSL) on 127.0.0.1."""

from __future__ import annotations

import logging
import re

import pytest

from generator.publish.plan import MANIFEST
from tests.conftest import news_site, run_cli, tree
from tests.servers import start_ftp

logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
pytestmark = pytest.mark.filterwarnings("ignore:The asyn:DeprecationWarning")   # pyftpdlib on asyncore


@pytest.fixture
def ftps(tmp_path):
    server = start_ftp(tmp_path / "ftp")
    yield server
    server.stop()


def ftp_site(tmp_path, server, kind: str = "ftps", extra: str = ""):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return news_site(tmp_path / "site", f"""\
publish:
  hosting:
    type: {kind}
    host: 127.0.0.1
    port: {server.port}
    user: {server.user}
    path: /
{extra}"""), home


def test_ftps_publish_edit_and_foreign_files(tmp_path, ftps):
    site, home = ftp_site(tmp_path, ftps)
    (ftps.root / "dokumen.pdf").write_bytes(b"%PDF-1.4 milik orang lain")
    run = run_cli("publish", "--site", str(site), env=ftps.env(home))
    assert run.code == 0, run.err
    assert "dokumen.pdf" in run.out
    assert tree(ftps.root, skip=(MANIFEST, "dokumen.pdf")) == tree(site / "output")
    post = site / "content/posts/2024/berita-0/index.md"
    post.write_text(post.read_text().replace("Isi berita 0.", "Isi berita nol."))
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    run = run_cli("publish", "--site", str(site), env=ftps.env(home))
    assert run.code == 0, run.err
    assert 1 <= int(re.search(r"(\d+) dikirim", run.out).group(1)) <= 20
    assert tree(ftps.root, skip=(MANIFEST, "dokumen.pdf")) == tree(site / "output")
    assert (ftps.root / "dokumen.pdf").is_file() and not (ftps.root / "2024/05/02/berita-1").exists()


def test_password_from_netrc(tmp_path, ftps):
    site, home = ftp_site(tmp_path, ftps)
    (home / ".netrc").write_text(f"machine 127.0.0.1 login {ftps.user} password {ftps.password}\n")
    (home / ".netrc").chmod(0o600)
    run = run_cli("publish", "--site", str(site), env=ftps.env(home, password=False))
    assert run.code == 0, run.err


def test_plain_ftp_needs_insecure(tmp_path):
    server = start_ftp(tmp_path / "ftp", tls=False)
    try:
        site, home = ftp_site(tmp_path, server, "ftp")
        run = run_cli("publish", "--site", str(site), env=server.env(home))
        assert run.code == 1 and "insecure: true" in run.err
        (site / "config.yaml").write_text((site / "config.yaml").read_text() + "    insecure: true\n")
        run = run_cli("publish", "--site", str(site), env=server.env(home))
        assert run.code == 0, run.err
        assert tree(server.root, skip=(MANIFEST,)) == tree(site / "output")
    finally:
        server.stop()


@pytest.mark.parametrize("case", ["no-password", "wrong-password", "untrusted-certificate", "read-only", "refused"])
def test_ftp_failures_are_one_sentence_and_exit_1(tmp_path, case):
    server = start_ftp(tmp_path / "ftp", perm="elr" if case == "read-only" else "elradfmwMT")
    try:
        site, home = ftp_site(tmp_path, server)
        env = server.env(home)
        words = {"no-password": "PUBLISH_PASSWORD_HOSTING", "wrong-password": "menolak nama pengguna",
                 "untrusted-certificate": "Sertifikat TLS", "read-only": "izin", "refused": "menolak sambungan"}[case]
        if case == "no-password":
            env["PUBLISH_PASSWORD"] = ""
        elif case == "wrong-password":
            env["PUBLISH_PASSWORD"] = "salah"
        elif case == "untrusted-certificate":
            del env["SSL_CERT_FILE"]
        elif case == "refused":
            server.stop()
        run = run_cli("publish", "--site", str(site), env=env)
        assert run.code == 1 and "Traceback" not in run.err
        lines = [line for line in run.err.splitlines() if line.startswith("hosting: ")]
        assert len(lines) == 1 and words in lines[0], run.err
    finally:
        if case != "refused":
            server.stop()
