"""`publish` over FTPS and plain FTP to pyftpdlib (with TLS from pyOpenSSL) on 127.0.0.1."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time

import pytest

from generator.publish import manifest
from generator.publish.plan import MANIFEST
from tests.conftest import ROOT, news_site, run_cli, tree
from tests.servers import start_ftp

logging.getLogger("pyftpdlib").setLevel(logging.WARNING)
pytestmark = [pytest.mark.servers, pytest.mark.filterwarnings("ignore:The asyn:DeprecationWarning")]   # pyftpdlib on asyncore


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
    run = run_cli("publish", "--verbose", "--site", str(site), env=ftps.env(home))
    assert run.code == 0, run.err
    assert 1 <= int(re.search(r"(\d+) dikirim", run.out).group(1)) <= 20
    assert "klaim di catatan" in run.out        # appended to the manifest, not the whole manifest sent twice
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


def test_a_dropped_ftp_link_is_one_sentence_and_the_next_publish_completes(tmp_path):
    server = start_ftp(tmp_path / "ftp")
    site, home = ftp_site(tmp_path, server)
    for number in range(2, 30):
        post = site / f"content/posts/2024/berita-{number}"
        post.mkdir()
        (post / "index.md").write_text((site / "content/posts/2024/berita-0/index.md").read_text()
                                       .replace("Berita 0", f"Berita {number}").replace("cover: foto.jpg\n", ""))
    assert run_cli("build", "--site", str(site)).code == 0
    process = subprocess.Popen([sys.executable, "-m", "generator", "publish", "--site", str(site)], cwd=ROOT,
                               env={**os.environ, **server.env(home), "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(tree(server.root)) < 10:
        time.sleep(0.005)
    server.stop()                       # every connection closed, and no new one taken
    out, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the publish finished before the link could be cut")
    assert process.returncode == 1 and "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("hosting: ")] == [err.strip()], err
    assert "terputus" in err and "Jalankan perintah yang sama lagi" in err
    again = start_ftp(tmp_path / "ftp")
    try:
        config = site / "config.yaml"
        config.write_text(config.read_text().replace(f"port: {server.port}", f"port: {again.port}"))
        run = run_cli("publish", "--site", str(site), env=again.env(home))
        assert run.code == 0, run.err
        assert " 0 milik pihak lain" in run.out
        assert tree(again.root, skip=(MANIFEST,)) == tree(site / "output")
    finally:
        again.stop()


def test_a_full_ftp_disk_is_one_sentence_and_leaves_the_live_site_whole(tmp_path):
    """Real servers answer a full disk with 451, 452 or 552 and a reason, which the sentence passes on with what to
    do; pyftpdlib cuts the upload off and answers nothing over TLS, so here the sentence says the connection was
    cut. Either way: one sentence, exit 1, and the home page is not there without its pages."""
    if os.geteuid() != 0:
        pytest.skip("a small disk is made with mount -t tmpfs, which needs root")
    root = tmp_path / "ftp" / "www"
    root.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(root)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"tmpfs cannot be mounted here: {mounted.stderr.decode().strip()}")
    server = start_ftp(tmp_path / "ftp")
    try:
        site, home = ftp_site(tmp_path, server)
        run = run_cli("publish", "--site", str(site), env=server.env(home))
        assert run.code == 1 and "Traceback" not in run.err
        lines = [line for line in run.err.splitlines() if line.startswith("hosting: ")]
        assert len(lines) == 1 and "situs yang tayang tetap utuh" in lines[0], run.err
        assert "index.html" not in tree(root)          # the home page goes last: never there without its pages
    finally:
        server.stop()
        subprocess.run(["umount", str(root)], check=True)


def test_a_file_someone_replaced_is_kept_and_a_bad_manifest_deletes_nothing(tmp_path, ftps):
    """Before a deletion the server is asked for the file's size (SIZE) and, if it is the manifest's, the file is
    read and hashed (RETR): replaced with other bytes of the same size, it is kept and named. A manifest naming a
    path outside the target is reported whole and nothing is deleted."""
    site, home = ftp_site(tmp_path, ftps)
    assert run_cli("publish", "--site", str(site), env=ftps.env(home)).code == 0
    page = ftps.root / "2024/05/02/berita-1/index.html"
    replacement = b"y" * page.stat().st_size
    page.write_bytes(replacement)
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    run = run_cli("publish", "--site", str(site), env=ftps.env(home))
    assert run.code == 0, run.err
    assert "dibiarkan (tidak dihapus): 2024/05/02/berita-1/index.html." in run.out
    assert page.read_bytes() == replacement and [p.name for p in page.parent.iterdir()] == ["index.html"]

    recorded = manifest.decode((ftps.root / MANIFEST).read_bytes())
    (ftps.root / MANIFEST).write_bytes(manifest.encode({**recorded, "a/../../x": manifest.Entry(1, None)}))
    before = tree(ftps.root)
    run = run_cli("publish", "--site", str(site), env=ftps.env(home))
    assert run.code == 1 and "'a/../../x'" in run.err and "Traceback" not in run.err
    assert tree(ftps.root) == before
