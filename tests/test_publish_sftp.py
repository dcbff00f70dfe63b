"""`publish` over SFTP to Debian's OpenSSH on 127.0.0.1, with throwaway host and client keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from generator.core import lock
from generator.publish import manifest, targetlock
from generator.publish.plan import MANIFEST
from generator.publish.sftp import without_host
from generator.render.links import broken_links
from tests.conftest import ROOT, keep, news_site, run_cli, sftp_publish, tree
from tests.servers import KeptSshd, keygen, start_other_sshd, start_sshd

pytestmark = pytest.mark.servers


@pytest.fixture
def sshd(tmp_path):
    server = start_sshd(tmp_path / "sshd")
    yield server
    server.stop()


def sftp_site(tmp_path, server, extra: str = "", posts: int = 2):
    return news_site(tmp_path / "site", sftp_publish(server, extra), posts)


def publish(site, server, *args):
    return run_cli("publish", "--site", str(site), *args, env=server.env())


@pytest.fixture(scope="module")
def published_once(tmp_path_factory):
    """The site published once to an sshd that trusts its key, kept as right after it, with the server running."""
    base = tmp_path_factory.mktemp("sftp-published")
    server = start_sshd(base / "sshd")
    server.trust()
    assert publish(sftp_site(base, server), server).code == 0
    yield KeptSshd(server, keep(base, tmp_path_factory.mktemp("sftp-published-kept")))
    server.stop()


@pytest.fixture
def published(published_once):
    """(site, sshd) as right after a publish of the site over SFTP: the module's one publish put back at the paths it
    was made at (the site's config names the server's folder and port), with the server's own keys and config."""
    server = published_once.ready()
    return published_once.kept.base / "site", server


def test_unknown_host_key_is_refused_with_fingerprint_then_trusted_by_the_exact_command(tmp_path, sshd):
    site = sftp_site(tmp_path, sshd)
    run = publish(site, sshd)
    assert run.code == 1 and "Traceback" not in run.err
    fingerprint = sshd.fingerprint()
    command = run.err.split("jalankan sekali: ", 1)[1].strip()       # the whole command, as this process was started
    assert "belum dikenal" in run.err and command.endswith(f" publish --site {site} utama --trust-host-key {fingerprint}")
    assert tree(sshd.root) == {}
    wrong = publish(site, sshd, "--trust-host-key", "SHA256:" + "A" * 43)
    assert wrong.code == 1 and "bukan SHA256:AAA" in wrong.err and tree(sshd.root) == {}
    typed = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT), **sshd.env()})
    assert typed.returncode == 0, typed.stderr
    assert tree(sshd.root, skip=(MANIFEST,)) == tree(site / "output")
    assert f"[127.0.0.1]:{sshd.port} ssh-ed25519 " in (sshd.home / ".ssh/known_hosts").read_text()
    assert publish(site, sshd).code == 0          # remembered


def test_changed_host_key_is_refused(published):
    site, sshd = published
    sshd.stop()
    sshd.host_key.unlink()
    (sshd.host_key.parent / (sshd.host_key.name + ".pub")).unlink()
    keygen(sshd.host_key)
    sshd.start()
    run = publish(site, sshd)
    assert run.code == 1 and "BERUBAH" in run.err and sshd.fingerprint() in run.err and "Traceback" not in run.err


def test_publish_edit_foreign_files_and_deletes(tmp_path, sshd):
    site = sftp_site(tmp_path, sshd)
    sshd.trust()
    (sshd.root / ".well-known").mkdir()
    (sshd.root / ".well-known" / "security.txt").write_text("Contact: mailto:humas@kpu.go.id\n")
    (sshd.root / "google1234abcd.html").write_text("google-site-verification: google1234abcd.html")
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert "berkas milik pihak lain dibiarkan: google1234abcd.html" in run.out     # the top folder is listed
    foreign = (MANIFEST, ".well-known/security.txt", "google1234abcd.html")
    assert tree(sshd.root, skip=foreign) == tree(site / "output")
    post = site / "content/posts/2024/berita-0/index.md"
    post.write_text(post.read_text().replace("Isi berita 0.", "Isi berita nol."))
    run = publish(site, sshd, "--verbose")
    assert run.code == 0, run.err
    assert 1 <= int(re.search(r"(\d+) dikirim", run.out).group(1)) <= 20
    # OpenSSH carries out a session's requests in order: the claims travel with the first files, and the renames
    # of every rank go together
    assert "dengan klaim di catatan" in run.out and "gelombang 3" not in run.out
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert tree(sshd.root, skip=foreign) == tree(site / "output")
    assert not (sshd.root / "2024/05/02/berita-1").exists()
    assert (sshd.root / ".well-known" / "security.txt").is_file() and (sshd.root / "google1234abcd.html").is_file()
    assert not [p for p in sshd.root.rglob("*kpu-terbit~")]


def test_only_unrecorded_paths_are_checked_unless_verify(published):
    """The manifest vouches for what publish put there; --verify asks the server about every file again."""
    site, sshd = published
    photo = sshd.root / "2024/05/01/berita-0/foto-64w.webp"
    photo.unlink()                                            # removed behind publish's back
    shutil.rmtree(sshd.root / "2024/05/02")                   # a whole folder of a post
    # someone else's file where the next post will be published
    (sshd.root / "2024/05/01/berita-2").mkdir(parents=True)
    (sshd.root / "2024/05/01/berita-2/index.html").write_text("punya orang lain")
    post = site / "content/posts/2024/berita-1/index.md"
    post.write_text(post.read_text().replace("Isi berita 1.", "Isi berita satu."))
    (site / "content/posts/2024/berita-2").mkdir()
    (site / "content/posts/2024/berita-2/index.md").write_text(
        (site / "content/posts/2024/berita-0/index.md").read_text().replace("Berita 0", "Berita 2").replace("cover: foto.jpg\n", ""))
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert "2024/05/01/berita-2/index.html" in run.err                  # named, not overwritten
    assert (sshd.root / "2024/05/01/berita-2/index.html").read_text() == "punya orang lain"
    assert (sshd.root / "2024/05/02/berita-1/index.html").is_file()    # the edited post: its folder made again
    assert not photo.exists()                                           # not asked about, so not sent
    run = publish(site, sshd, "--verify")
    assert run.code == 0, run.err
    assert photo.read_bytes() == (site / "output/2024/05/01/berita-0/foto-64w.webp").read_bytes()
    blocked = "2024/05/01/berita-2/index.html"
    assert (sshd.root / blocked).read_text() == "punya orang lain"
    assert tree(sshd.root, skip=(MANIFEST, blocked)) == {rel: data for rel, data in tree(site / "output").items()
                                                         if rel != blocked}


@pytest.mark.parametrize("padding", [0, "to a multiple of the read block"])
def test_a_large_manifest_is_read_whole(published, padding):
    """The manifest is read in parallel blocks; a long one (thousands of files) arrives whole, whatever its size."""
    site, sshd = published
    recorded = manifest.decode((sshd.root / MANIFEST).read_bytes())
    old = {f"2019/lama-{i}/index.html": manifest.Entry(100, f"{i:032x}") for i in range(3000)}
    data = manifest.encode({**recorded, **old})
    if padding:
        data += b" " * (-len(data) % (1 << 16))
    (sshd.root / MANIFEST).write_bytes(data)
    run = publish(site, sshd, "--dry-run")
    assert run.code == 0, run.err
    assert "3000 akan dihapus" in run.out and "0 akan dikirim" in run.out


def test_a_failed_build_publishes_nothing_and_the_early_connection_is_let_go(tmp_path, sshd):
    """The SSH connection is made while the site is built; when the build fails it is closed, nothing is sent, and
    the command ends (it used to be able to wait for the site's paths that never came)."""
    site = sftp_site(tmp_path, sshd)
    sshd.trust()
    (site / "content/posts/2024/rusak.md").write_text("---\ntitle: Rusak\ndate: 2019-13-45\n---\n\nIsi.\n")
    run = publish(site, sshd)
    assert run.code == 1 and "rusak.md:3" in run.err and "tidak ada yang diterbitkan" in run.err
    assert tree(sshd.root) == {}


def test_a_publish_killed_half_way_is_resumed(tmp_path, sshd):
    site = sftp_site(tmp_path, sshd, posts=40)
    sshd.trust()
    assert run_cli("build", "--site", str(site)).code == 0
    process = subprocess.Popen([sys.executable, "-m", "generator", "publish", "--site", str(site)], cwd=ROOT,
                               env={**sshd.env(), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(len(files) for _, _, files in os.walk(sshd.root)) < 10:
        time.sleep(0.002)     # counting names only: reading every file back let a fast publish finish unseen
    with pytest.raises(lock.Busy):              # the publish holds the site's build lock while it uploads
        with lock.held(site / ".cache", 0):
            pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    arrived = tree(sshd.root)
    assert MANIFEST in arrived and len(arrived) < len(tree(site / "output")), len(arrived)
    # every page that arrived finds its photos, styles and scripts: those went first (links between pages may
    # still lead to a page not yet sent; the home page, feeds and sitemap, which readers start from, go last)
    missing = [(page, url) for page, url in broken_links(sshd.root) if not url.endswith("/")]
    assert missing == []
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert "milik pihak lain" in run.out and " 0 milik pihak lain" in run.out
    assert tree(sshd.root, skip=(MANIFEST,)) == tree(site / "output")


def test_a_publish_killed_while_replacing_files_leaves_whole_pages_and_is_resumed(tmp_path, sshd):
    """Replacing files travel under temporary names and are renamed rank by rank: killed while they travel, the
    target holds old or new versions, whole, every page finds what it links to, and the next publish completes."""
    site = sftp_site(tmp_path, sshd, posts=40)
    sshd.trust()
    assert publish(site, sshd).code == 0
    before = tree(sshd.root, skip=(MANIFEST,))
    config = site / "config.yaml"
    config.write_text(config.read_text().replace("KPU Provinsi Kalimantan Utara", "KPU Kaltara"))  # every page
    assert run_cli("build", "--site", str(site)).code == 0
    process = subprocess.Popen([sys.executable, "-m", "generator", "publish", "--site", str(site)], cwd=ROOT,
                               env={**sshd.env(), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and not any(
            name.endswith("kpu-terbit~") and name != f"{MANIFEST}~" and not name.startswith(MANIFEST)
            for _, _, names in os.walk(sshd.root) for name in names):
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    if process.wait() == 0:
        pytest.skip("the publish finished before it could be cut off")
    site_files = tree(site / "output")
    for rel, data in tree(sshd.root, skip=(MANIFEST,)).items():
        if not rel.endswith("kpu-terbit~") and not targetlock.is_lock_path(rel):
            assert data in (before.get(rel), site_files.get(rel)), rel      # the old version or the new, whole
    assert [(page, url) for page, url in broken_links(sshd.root) if not url.endswith("/")] == []
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert "prosesnya sudah tidak berjalan; diambil alih" in run.err        # the killed publish's lock
    assert tree(sshd.root, skip=(MANIFEST,)) == site_files          # no temporary file nor lock left either


@pytest.mark.parametrize("case", ["wrong-key", "refused", "read-only", "no-folder"])
def test_failures_are_one_sentence_and_exit_1(tmp_path, sshd, case):
    site = sftp_site(tmp_path, sshd)
    sshd.trust()
    if case == "wrong-key":
        for name in ("id_ed25519", "id_ed25519.pub"):
            (sshd.home / ".ssh" / name).unlink()
        keygen(sshd.home / ".ssh" / "id_ed25519")
        words = "menolak masuk"
    elif case == "refused":
        sshd.stop()
        words = "menolak sambungan"
    elif case == "read-only":
        sshd.stop()
        sshd.config.write_text(sshd.config.read_text().replace("internal-sftp ", "internal-sftp -R"))
        sshd.start()
        words = "Tidak ada izin menulis"
    else:           # the folder is missing and cannot be made: a file is where its parent would be
        sshd.root.rmdir()
        sshd.root.write_text("bukan folder")
        config = site / "config.yaml"
        config.write_text(config.read_text().replace(f"path: {sshd.root}", f"path: {sshd.root}/situs"))
        words = "tidak dapat dibuat"
    run = publish(site, sshd)
    assert run.code == 1
    assert "Traceback" not in run.err
    lines = [line for line in run.err.splitlines() if line.startswith("utama: ")]
    assert len(lines) == 1 and words in lines[0], run.err


def test_a_key_the_server_refuses_is_passed_over_for_the_next(tmp_path, sshd):
    """A key file signs its first request at once (no question whether the server would take it first): a server
    that refuses it is asked with the next key, here ~/.ssh/id_ed25519 after the one named in 'key:'."""
    other = keygen(tmp_path / "kunci-lama")
    site = sftp_site(tmp_path, sshd, f"    key: {other}\n")
    sshd.trust()
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert tree(sshd.root, skip=(MANIFEST,)) == tree(site / "output")


def _session_processes(sshd) -> list[int]:
    """The sshd processes serving connections: children of the server this test started."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == sshd.process.pid:
                        children.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return children


def test_a_dropped_link_is_one_sentence_and_the_next_publish_completes(tmp_path, sshd):
    site = sftp_site(tmp_path, sshd, posts=30)
    sshd.trust()
    assert run_cli("build", "--site", str(site)).code == 0
    process = subprocess.Popen([sys.executable, "-m", "generator", "publish", "--site", str(site)], cwd=ROOT,
                               env={**os.environ, **sshd.env(), "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(tree(sshd.root)) < 10:
        time.sleep(0.005)
    for pid in _session_processes(sshd):
        os.kill(pid, signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the publish finished before the link could be cut")
    assert process.returncode == 1 and "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("utama: ")] == [err.strip()], err
    assert "terputus" in err and "jalankan perintah yang sama lagi" in err
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert tree(sshd.root, skip=(MANIFEST,)) == tree(site / "output")


def test_a_full_disk_is_one_sentence_and_leaves_the_live_site_whole(tmp_path, sshd):
    if os.geteuid() != 0:
        pytest.skip("a small disk is made with mount -t tmpfs, which needs root")
    site = sftp_site(tmp_path, sshd)
    sshd.trust()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(sshd.root)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"tmpfs cannot be mounted here: {mounted.stderr.decode().strip()}")
    try:
        run = publish(site, sshd)
        assert run.code == 1 and "Traceback" not in run.err
        lines = [line for line in run.err.splitlines() if line.startswith("utama: ")]
        assert len(lines) == 1 and "disk server penuh" in lines[0], run.err
    finally:
        subprocess.run(["umount", str(sshd.root)], check=True)


@pytest.fixture
def other_sshd(tmp_path):
    server = start_other_sshd(tmp_path / "other")
    yield server
    server.stop()


def test_a_server_that_does_not_promise_order_gets_each_step_after_the_one_before(tmp_path, other_sshd):
    """SFTP promises the order of requests on one file only: with a server other than OpenSSH (asyncssh's own here)
    the claims are recorded before any file is sent, and the renames go rank by rank, each after the one before."""
    site = sftp_site(tmp_path, other_sshd)
    other_sshd.trust()
    run = publish(site, other_sshd)
    assert run.code == 0, run.err
    assert tree(other_sshd.root, skip=(MANIFEST,)) == tree(site / "output")
    post = site / "content/posts/2024/berita-0/index.md"
    post.write_text(post.read_text().replace("Isi berita 0.", "Isi berita nol."))
    run = publish(site, other_sshd, "--verbose")
    assert run.code == 0, run.err
    assert "klaim di catatan" in run.out and "dengan klaim" not in run.out and "gelombang 3" in run.out
    assert tree(other_sshd.root, skip=(MANIFEST,)) == tree(site / "output")
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    run = publish(site, other_sshd)
    assert run.code == 0, run.err
    assert tree(other_sshd.root, skip=(MANIFEST,)) == tree(site / "output")


def test_a_file_the_server_refuses_to_delete_is_deleted_by_the_next_publish(published):
    """With OpenSSH the deletions and the manifest's rename travel together; a deletion the server refuses is
    claimed in the manifest again, so the file is not taken for someone else's: the next publish deletes it."""
    site, sshd = published
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    sshd.stop()
    allowed = sshd.config.read_text()
    sshd.config.write_text(allowed.replace("internal-sftp ", "internal-sftp -P remove"))
    sshd.start()
    run = publish(site, sshd)
    assert run.code == 1 and "Traceback" not in run.err
    lines = [line for line in run.err.splitlines() if line.startswith("utama: ")]
    assert len(lines) == 1 and "izin" in lines[0], run.err
    assert (sshd.root / "2024/05/02/berita-1/index.html").is_file()
    sshd.stop()
    sshd.config.write_text(allowed)
    sshd.start()
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert " 0 milik pihak lain" in run.out and "dihapus" in run.out
    assert tree(sshd.root, skip=(MANIFEST,)) == tree(site / "output")


@pytest.mark.parametrize("full_at", ["claims", "files"])
def test_a_disk_full_during_an_edit_leaves_nothing_unclaimed(tmp_path, sshd, full_at):
    """The claims travel with the first files. When the disk is full the files fail, and the claims too unless
    they fit in the manifest's last block: claimed, the files are sent again next time; unclaimed, the files this
    publish began are removed again (else the next publish would take them for someone else's). Either way the
    live pages are untouched and, once there is room, the next publish completes."""
    if os.geteuid() != 0:
        pytest.skip("a small disk is made with mount -t tmpfs, which needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(sshd.root)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"tmpfs cannot be mounted here: {mounted.stderr.decode().strip()}")
    try:
        site = sftp_site(tmp_path, sshd)
        sshd.trust()
        assert publish(site, sshd).code == 0
        if full_at == "claims":     # the manifest ends at the end of a block: one more byte needs a new one
            with open(sshd.root / MANIFEST, "ab") as f:
                f.write(b" " * (-(sshd.root / MANIFEST).stat().st_size % 4096))
        before = tree(sshd.root)
        (site / "content/posts/2024/berita-2").mkdir()
        (site / "content/posts/2024/berita-2/index.md").write_text(
            (site / "content/posts/2024/berita-0/index.md").read_text().replace("Berita 0", "Berita 2")
            .replace("cover: foto.jpg\n", ""))
        filler, spare = sshd.root / "isi-disk.bin", sshd.root / "ruang-kunci.bin"
        spare.write_bytes(b"x" * 4096)
        with open(filler, "wb", buffering=0) as f:     # someone else's file fills the disk to the last byte
            for size in (1 << 16, 4096, 1):
                try:
                    while f.write(b"x" * size):
                        pass
                except OSError:
                    pass
        spare.unlink()                                  # but for one block: the target's lock takes it
        run = publish(site, sshd)
        assert run.code == 1 and "Traceback" not in run.err
        lines = [line for line in run.err.splitlines() if line.startswith("utama: ")]
        assert len(lines) == 1 and "penuh" in lines[0], run.err
        after = tree(sshd.root, skip=("isi-disk.bin",))
        assert {rel: after[rel] for rel in before if rel != MANIFEST} == {rel: data for rel, data in before.items()
                                                                         if rel != MANIFEST}     # live pages whole
        recorded = manifest.decode(after[MANIFEST])
        began = sorted(rel for rel in after if rel not in before)
        if full_at == "claims":
            assert began == [] and after[MANIFEST] == before[MANIFEST]
        else:
            assert began and all(rel in recorded or rel.endswith("kpu-terbit~") for rel in began)
        filler.unlink()
        run = publish(site, sshd)
        assert run.code == 0, run.err
        assert " 0 milik pihak lain" in run.out
        assert tree(sshd.root, skip=(MANIFEST,)) == tree(site / "output")
    finally:
        subprocess.run(["umount", str(sshd.root)], check=True)


def test_a_missing_target_folder_is_made_with_its_parents_and_said(tmp_path, sshd):
    site = sftp_site(tmp_path, sshd)
    sshd.trust()
    sshd.root.rmdir()
    config = site / "config.yaml"
    config.write_text(config.read_text().replace(f"path: {sshd.root}", f"path: {sshd.root}/kpu/situs"))
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert f"utama: folder {sshd.root}/kpu/situs belum ada di server 127.0.0.1, jadi dibuat." in run.out
    assert tree(sshd.root / "kpu/situs", skip=(MANIFEST,)) == tree(site / "output")
    run = publish(site, sshd)
    assert run.code == 0 and "dibuat" not in run.out


def test_trusting_a_changed_host_key_replaces_the_old_one(published):
    """After the server's key changed and the user trusted the new one, the old key is no longer accepted: a server
    showing it again is refused as a changed key."""
    site, sshd = published
    keys = sshd.host_key.parent
    old = {name: (keys / name).read_bytes() for name in (sshd.host_key.name, sshd.host_key.name + ".pub")}
    sshd.stop()
    for name in old:
        (keys / name).unlink()
    keygen(sshd.host_key)
    sshd.start()
    run = publish(site, sshd, "--trust-host-key", sshd.fingerprint())
    assert run.code == 0, run.err
    lines = [line for line in (sshd.home / ".ssh/known_hosts").read_text().splitlines()
             if line.startswith(f"[127.0.0.1]:{sshd.port} ")]
    assert len(lines) == 1 and lines[0].split()[2] == (keys / (sshd.host_key.name + ".pub")).read_text().split()[1]
    sshd.stop()
    for name, data in old.items():
        (keys / name).write_bytes(data)
    sshd.start()
    run = publish(site, sshd)
    assert run.code == 1 and "BERUBAH" in run.err, run.err


def test_a_manifest_naming_paths_outside_the_web_folder_deletes_nothing(published):
    """The trial: a '../' entry in the target's manifest made the next publish delete the SSH user's files; an
    absolute one made it loop forever, even with --dry-run. Now the manifest is reported and nothing is done."""
    site, sshd = published
    outside = sshd.root.parent / "penting.txt"
    outside.write_text("jangan dihapus")
    recorded = manifest.decode((sshd.root / MANIFEST).read_bytes())
    for bad in ("../penting.txt", str(outside)):
        (sshd.root / MANIFEST).write_bytes(manifest.encode({**recorded, bad: manifest.Entry(14, "0" * 32)}))
        before = tree(sshd.root)
        for args in (("--dry-run",), ()):
            run = publish(site, sshd, *args)
            assert run.code == 1 and "Traceback" not in run.err, run.err
            lines = [line for line in run.err.splitlines() if line.startswith("utama: ")]
            assert len(lines) == 1 and repr(bad) in lines[0], run.err
            assert outside.read_text() == "jangan dihapus" and tree(sshd.root) == before


def test_deletions_through_a_linked_folder_on_the_server_are_refused(tmp_path, published):
    """A folder of a post replaced on the server by a link to a folder outside the web folder: dropping the post
    deletes nothing through the link."""
    site, sshd = published
    outside = tmp_path / "di-luar"
    shutil.move(sshd.root / "2024/05/02", outside)
    (sshd.root / "2024/05/02").symlink_to(outside, target_is_directory=True)
    before = tree(outside)
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    run = publish(site, sshd)
    assert run.code == 1 and "Traceback" not in run.err
    assert "2024/05/02 adalah tautan" in run.err, run.err
    assert tree(outside) == before


def test_a_file_someone_replaced_is_kept_when_the_site_drops_it(published):
    """Without --verify the manifest is trusted for what it vouches for, but a file about to be deleted is asked
    about (size) and read (hash): replaced with other bytes of the same size, it is kept and named."""
    site, sshd = published
    page = sshd.root / "2024/05/02/berita-1/index.html"
    replacement = b"y" * page.stat().st_size
    page.write_bytes(replacement)
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert "dibiarkan (tidak dihapus): 2024/05/02/berita-1/index.html." in run.out
    assert page.read_bytes() == replacement
    assert [p.name for p in page.parent.iterdir()] == ["index.html"]


def test_a_link_planted_at_a_temporary_name_is_not_written_through(published):
    """A replacing file is written under its temporary name, made new (exclusive create): a link someone put at
    that name, leading outside the web folder, is removed, never followed."""
    site, sshd = published
    outside = sshd.root.parent / "authorized_keys"
    outside.write_text("ssh-ed25519 AAAA kunci-penting\n")
    (sshd.root / ".index.html.kpu-terbit~").symlink_to(outside)
    config = site / "config.yaml"
    config.write_text(config.read_text().replace("KPU Provinsi Kalimantan Utara", "KPU Kaltara"))
    run = publish(site, sshd)
    assert run.code == 0, run.err
    assert outside.read_text() == "ssh-ed25519 AAAA kunci-penting\n"
    assert tree(sshd.root, skip=(MANIFEST,)) == tree(site / "output")


def test_a_host_is_taken_out_of_known_hosts_lines_plain_hashed_or_listed_with_others():
    host = "[127.0.0.1]:2222"
    salt = os.urandom(20)
    hashed = "|1|{}|{}".format(base64.b64encode(salt).decode(),
                               base64.b64encode(hmac.new(salt, host.encode(), hashlib.sha1).digest()).decode())
    assert without_host(f"{host} ssh-ed25519 AAAA", host) is None
    assert without_host(f"{hashed} ssh-ed25519 AAAA", host) is None
    assert without_host(f"kpu.go.id,{host} ssh-rsa BBBB", host) == "kpu.go.id ssh-rsa BBBB"
    for kept in ("kpu.go.id ssh-ed25519 CCCC", f"@revoked {host} ssh-ed25519 DDDD", "# catatan", "",
                 "|1|rusak ssh-ed25519 EEEE", "[127.0.0.1]:22 ssh-ed25519 FFFF"):
        assert without_host(kept, host) == kept


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ctypes runs a compiler to find libraries on Linux")
def test_loading_the_sftp_transport_runs_no_compiler(tmp_path):
    """asyncssh looks for liboqs when imported; ctypes would run gcc and ld for it (ten processes on every publish and
    verify): only the ldconfig cache is asked."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("gcc", "cc", "ld"):
        (tools / name).write_text(f"#!/bin/sh\necho {name} >> {tmp_path / 'ran'}\nexit 1\n")
        (tools / name).chmod(0o755)
    done = subprocess.run([sys.executable, "-c", "import generator.publish.sftp"], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PATH": f"{tools}:/usr/sbin:/sbin:/usr/bin:/bin",
                                          "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "ran").exists(), (tmp_path / "ran").read_text()
