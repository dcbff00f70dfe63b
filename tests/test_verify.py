"""verify: the live site against the last publish, over a folder, SFTP (OpenSSH), FTPS, git and HTTP(S); each
tampering scenario detected and repaired, foreign files named and never deleted, known ones left alone."""

from __future__ import annotations

import http.server
import json
import logging
import os
import ssl
import subprocess
import threading
import time
from functools import partial

import pytest

from generator.publish.plan import MANIFEST
from tests.conftest import (INJECTED_BY, TAMPERINGS, Kept, Run, folder_publish, keep, news_site, run_cli,
                            sftp_publish, tamper, tree)
from tests.servers import KeptSshd, self_signed_certificate, start_ftp, start_other_sshd, start_sshd

pytestmark = [pytest.mark.servers, pytest.mark.filterwarnings("ignore:The asyn:DeprecationWarning")]
logging.getLogger("pyftpdlib").setLevel(logging.WARNING)

KNOWN = "    known: [google1234abcd.html, .well-known/]\n"


def published(tmp_path, section: str, env: dict | None = None):
    site = news_site(tmp_path / "site", section)
    run = run_cli("publish", "--site", str(site), env=env)
    assert run.code == 0, run.err
    return site


def verify(site, *args, env=None):
    return run_cli("verify", "--site", str(site), *args, env=env)


@pytest.fixture
def verify_here(capsys):
    """verify(site, *args) run by the command line's main() in this process, what it printed captured: for the
    tests of a folder target and of --http, which run the command again and again (the command's own process, `python
    -m generator verify`, is what the other tests here run)."""
    from generator.cli import main

    def run(site, *args) -> Run:
        code = main(["verify", "--site", str(site), *args])
        said = capsys.readouterr()
        return Run(code, said.out, said.err)

    return run


def reported(run) -> list[str]:
    """The paths the report names, one a line, in order."""
    return [line.split()[1].rstrip(":") for line in run.out.splitlines() if line.startswith("  ")]


def assert_as_published(root, site, foreign=()) -> None:
    """The target holds the built site byte for byte, beside the foreign files (named, never deleted)."""
    foreign = ("google1234abcd.html", ".well-known/security.txt", *foreign)
    for rel in foreign[2:]:
        assert (root / rel).is_file(), rel
    assert tree(root, skip=(MANIFEST, *foreign)) == tree(site / "output")


@pytest.fixture(scope="module")
def folder_published(tmp_path_factory) -> Kept:
    """The site published once to a folder target, beside the two known files, both folders kept as they were then
    (with the site's output, cache and publish record): each test of the module starts from them."""
    base = tmp_path_factory.mktemp("verify-folder")
    root = base / "www"
    published(base, folder_publish(root, KNOWN))
    (root / "google1234abcd.html").write_text("google-site-verification: google1234abcd.html")
    (root / ".well-known").mkdir()
    (root / ".well-known/security.txt").write_text("Contact: mailto:humas@kpu.go.id")
    return keep(base, tmp_path_factory.mktemp("verify-folder-kept"))


@pytest.fixture
def folder_site(folder_published):
    """The site and its folder target as right after a publish: the module's one publish put back at the paths it
    was made at, times kept, anything a test before left removed."""
    base = folder_published.restore()
    return base / "site", base / "www"


def test_an_untouched_site_is_exact_and_known_files_are_left_alone(folder_site):
    site, root = folder_site
    run = verify(site)
    assert run.code == 0, run.out + run.err
    assert "sama persis" in run.out and "2 berkas pihak lain" in run.out
    assert not (root / ".kpu-terbit.lock").exists()         # the lock verify took is gone


@pytest.mark.parametrize("scenario", TAMPERINGS)
def test_each_tampering_on_a_folder_is_detected_and_repaired(folder_site, scenario, verify_here):
    site, root = folder_site
    expected = tamper(root, scenario)
    run = verify_here(site)
    assert run.code == 1, run.out + run.err
    names = reported(run)
    assert expected <= set(names), run.out
    assert "google1234abcd.html" not in names and ".well-known/security.txt" not in names
    if scenario in INJECTED_BY:
        assert run.out.splitlines()[0].lstrip().startswith("DISUSUPI"), run.out
    repaired = verify_here(site, "--repair")
    foreign_only = all(rel not in tree(site / "output") for rel in expected)
    assert repaired.code == 0, repaired.out + repaired.err
    for rel in expected:
        if foreign_only:
            assert (root / rel).is_file()       # never deleted: still named
            assert rel in repaired.out
        else:
            assert (root / rel).read_bytes() == (site / "output" / rel).read_bytes()
    if not foreign_only:
        assert_as_published(root, site)
        assert verify_here(site).code == 0


def test_injected_pages_come_first_then_executables(folder_site, verify_here):
    site, root = folder_site
    for scenario in ("deleted-page", "php-shell", "changed-robots", "injected-page"):
        tamper(root, scenario)
    run = verify_here(site)
    assert run.code == 1
    assert reported(run)[:2] == ["slot-gacor-maxwin.html", "wp-content/uploads/shell.php"]
    assert "akhiran '.php' bisa dijalankan" in run.out
    assert reported(run)[-1] == "profil/index.html"


def test_a_link_planted_for_a_page_is_reported_and_replaced_not_followed(folder_site, tmp_path, verify_here):
    site, root = folder_site
    secret = tmp_path / "rahasia.txt"
    secret.write_text("jangan")
    (root / "profil/index.html").unlink()
    (root / "profil/index.html").symlink_to(secret)
    run = verify_here(site)
    assert run.code == 1 and "tautan" in run.out
    assert verify_here(site, "--repair").code == 0
    assert secret.read_text() == "jangan" and not (root / "profil/index.html").is_symlink()


def test_a_target_manifest_changed_to_cover_a_shell_is_caught_by_the_local_copy(folder_site, verify_here):
    site, root = folder_site
    from generator.publish import manifest

    recorded = manifest.decode((root / MANIFEST).read_bytes())
    tamper(root, "php-shell")
    shell = root / "wp-content/uploads/shell.php"
    from generator.publish.plan import Entry
    recorded["wp-content/uploads/shell.php"] = Entry(shell.stat().st_size, manifest.file_hash(shell))
    (root / MANIFEST).write_bytes(manifest.encode(recorded))
    run = verify_here(site)
    assert run.code == 1 and "wp-content/uploads/shell.php" in reported(run) and "CATATAN" in run.out


def test_rebuilt_since_publish_is_not_repaired_from_the_new_build(folder_site, verify_here):
    site, root = folder_site
    post = site / "content/posts/2024/berita-0/index.md"
    post.write_text(post.read_text().replace("Isi berita 0.", "Isi berita yang diperbarui."))
    assert run_cli("build", "--site", str(site)).code == 0
    tamper(root, "same-size-time-back")
    run = verify_here(site, "--repair")
    assert run.code == 1 and "dibangun ulang" in run.err


def test_no_publish_yet_or_unknown_target_cannot_be_checked(tmp_path):
    site = news_site(tmp_path / "site", folder_publish(tmp_path / "www"))
    (tmp_path / "www").mkdir()
    assert verify(site).code == 2
    assert verify(site, "lain").code == 2


def test_bad_known_pattern_is_a_config_error(tmp_path):
    site = news_site(tmp_path / "site", folder_publish(tmp_path / "www", "    known: [../etc/passwd]\n"))
    run = verify(site)
    assert run.code == 2 and "known" in run.err and "config.yaml" in run.err


# -- SFTP on OpenSSH and FTPS: the same scenarios, files read on the server side

def tamper_all(root) -> set[str]:
    """All twenty scenarios at once, on the folder a test server serves."""
    expected = set()
    for scenario in TAMPERINGS:
        expected |= tamper(root, scenario)
    return expected


@pytest.fixture
def sshd(tmp_path):
    server = start_sshd(tmp_path / "sshd")
    server.trust()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sftp_published_once(tmp_path_factory):
    """The site published once to an sshd that trusts its key, kept as right after it, with the server running."""
    base = tmp_path_factory.mktemp("verify-sftp")
    server = start_sshd(base / "sshd")
    server.trust()
    published(base, sftp_publish(server), server.env())
    yield KeptSshd(server, keep(base, tmp_path_factory.mktemp("verify-sftp-kept")))
    server.stop()


@pytest.fixture
def sftp_site(sftp_published_once):
    """(site, sshd) as right after a publish over SFTP: the module's one publish put back at the paths it was made
    at."""
    server = sftp_published_once.ready()
    return sftp_published_once.kept.base / "site", server


def test_sftp_scenarios_detected_and_repaired(tmp_path, sshd):
    site = published(tmp_path, sftp_publish(sshd, KNOWN), sshd.env())
    (sshd.root / "google1234abcd.html").write_text("google-site-verification")
    assert verify(site, env=sshd.env()).code == 0
    expected = tamper_all(sshd.root)
    (sshd.root / "galeri/index.html").unlink()
    (sshd.root / "galeri/index.html").symlink_to(tmp_path / "site/config.yaml")      # a link planted for a page
    run = verify(site, env=sshd.env())
    assert run.code == 1, run.out + run.err
    assert set(reported(run)) == expected | {"galeri/index.html"}, run.out
    assert run.out.startswith("  DISUSUPI") and "galeri/index.html: kini berupa tautan" in run.out
    repaired = verify(site, "--repair", env=sshd.env())
    assert repaired.code == 0, repaired.out + repaired.err
    assert_as_published(sshd.root, site, foreign=sorted(rel for rel in expected if rel not in tree(site / "output")))
    assert not (sshd.root / "galeri/index.html").is_symlink()
    assert (sshd.root / "wp-content/uploads/shell.php").is_file()        # named, never deleted
    assert (sshd.root / "google1234abcd.html").is_file()
    assert not (sshd.root / ".kpu-terbit.lock").exists()


def test_an_untouched_sftp_site_is_checked_without_writing_to_the_target(sftp_site):
    """Reading only, verify takes no lock on the target (the command that lists and hashes makes sure no publish ran
    meanwhile): the target's folder is as it was, not even a lock folder made and removed in it."""
    site, sshd = sftp_site
    before = os.stat(sshd.root)
    run = verify(site, env=sshd.env())
    assert run.code == 0 and "sama persis" in run.out, run.out + run.err
    after = os.stat(sshd.root)
    assert (after.st_mtime_ns, after.st_ctime_ns) == (before.st_mtime_ns, before.st_ctime_ns)


def test_a_verify_over_sftp_never_looks_while_a_publish_holds_the_target(sftp_site, monkeypatch, capsys):
    """A publish under way (its lock on the target): verify waits for it as publish does, then stops without a report
    of its half-sent files, naming who publishes; once it is done the site is found as published."""
    from generator.publish import targetlock
    from generator.publish.verify import Request
    from generator.publish.verify import verify as verify_in_process

    site, sshd = sftp_site
    (sshd.root / "index.html").write_text("<p>setengah terkirim</p>")     # as if the publish were sending it
    lock = sshd.root / targetlock.LOCK
    lock.mkdir()
    (lock / targetlock.HOLDER).write_text(json.dumps(
        {"host": "laptop-humas-2", "user": "siti", "pid": 4242, "since": time.time() - 30, "refreshed": time.time(),
         "site": "https://kaltara.kpu.go.id/", "target": "utama", "token": "0123456789abcdef"}))
    for key, value in sshd.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(targetlock, "WAIT", 1.0)
    monkeypatch.setattr(targetlock, "POLL", 0.2)
    assert verify_in_process(Request(site)) == 2
    said = capsys.readouterr()
    assert "laptop-humas-2" in said.err and "index.html" not in said.out
    assert (lock / targetlock.HOLDER).is_file()             # someone else's lock: left as it was
    (sshd.root / "index.html").write_bytes((site / "output/index.html").read_bytes())
    (lock / targetlock.HOLDER).unlink()
    lock.rmdir()
    assert verify_in_process(Request(site)) == 0


def test_sftp_only_account_still_finds_a_same_size_change(tmp_path, sshd):
    """A host that runs no commands for the account (SFTP only): the files are read and hashed here instead."""
    sshd.stop()
    sshd.start("-o", "ForceCommand=internal-sftp")
    site = published(tmp_path, sftp_publish(sshd), sshd.env())
    assert verify(site, env=sshd.env()).code == 0
    expected = tamper(sshd.root, "same-size-time-back")
    run = verify(site, env=sshd.env())
    assert run.code == 1 and set(reported(run)) == expected, run.out + run.err


def test_a_server_that_runs_no_commands_is_listed_and_read_over_sftp(tmp_path):
    """asyncssh's own server (SFTP only, not OpenSSH): the listing and the hashes come from SFTP reads instead."""
    server = start_other_sshd(tmp_path / "other")
    try:
        server.trust()
        site = published(tmp_path, sftp_publish(server), server.env())
        assert verify(site, env=server.env()).code == 0
        expected = tamper(server.root, "same-size-time-back") | tamper(server.root, "php-shell")
        run = verify(site, env=server.env())
        assert run.code == 1 and set(reported(run)) == expected, run.out + run.err
    finally:
        server.stop()


@pytest.fixture
def ftps(tmp_path):
    server = start_ftp(tmp_path / "ftp")
    yield server
    server.stop()


def test_ftps_scenarios_detected_and_repaired(tmp_path, ftps):
    home = tmp_path / "home"
    home.mkdir()
    section = f"publish:\n  hosting:\n    type: ftps\n    host: 127.0.0.1\n    port: {ftps.port}\n" \
              f"    user: {ftps.user}\n    path: /\n{KNOWN}"
    site = published(tmp_path, section, ftps.env(home))
    assert verify(site, env=ftps.env(home)).code == 0
    expected = tamper_all(ftps.root)
    run = verify(site, env=ftps.env(home))
    assert run.code == 1, run.out + run.err
    assert set(reported(run)) == expected, run.out
    assert run.out.startswith("  DISUSUPI")
    assert verify(site, "--repair", env=ftps.env(home)).code == 0
    assert_as_published(ftps.root, site, foreign=sorted(rel for rel in expected if rel not in tree(site / "output")))


# -- git: the branch's tree compared

def git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)


def test_git_branch_changed_behind_publish_is_detected_and_repaired(tmp_path):
    bare = tmp_path / "situs.git"
    git("init", "--bare", "-q", str(bare))
    site = published(tmp_path, f"publish:\n  utama:\n    type: git\n    path: {bare}\n")
    assert verify(site).code == 0
    work = tmp_path / "clone"
    git("clone", "-q", "-b", "gh-pages", str(bare), str(work))
    (work / "shell.php").write_text("<?php system($_GET['c']); ?>")
    (work / "index.html").write_text((work / "index.html").read_text().replace("</body>", "slot gacor</body>"))
    (work / "profil/index.html").unlink()
    git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qam", "x", cwd=work)
    git("add", "shell.php", cwd=work)
    git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "y", cwd=work)
    git("push", "-q", "origin", "gh-pages", cwd=work)
    run = verify(site)
    assert run.code == 1
    assert reported(run) == ["index.html", "shell.php", "profil/index.html"], run.out
    assert verify(site, "--repair").code == 0
    shown = git("--git-dir", str(bare), "show", "gh-pages:index.html").stdout
    assert shown == (site / "output/index.html").read_text()


# -- over HTTP(S): what a visitor is served

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(root, tls_folder=None):
    handler = partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls_folder is not None:
        pem = self_signed_certificate(tls_folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pem)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("tls", [False, True])
def test_http_finds_changed_and_missing_files(folder_site, tmp_path, tls, verify_here, monkeypatch):
    site, root = folder_site
    server = serve(root, tmp_path if tls else None)
    scheme = "https" if tls else "http"
    url = f"{scheme}://127.0.0.1:{server.server_address[1]}/"
    if tls:
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    try:
        assert verify_here(site, "--http", url).code == 0
        for scenario in ("changed-index", "deleted-page", "replaced-photo", "same-size-time-back"):
            tamper(root, scenario)
        run = verify_here(site, "--http", url)
        assert run.code == 1, run.out + run.err
        assert reported(run) == ["index.html", "2024/05/01/berita-0/foto-64w.jpg", "2024/05/01/berita-0/index.html",
                                 "profil/index.html"], run.out
        assert run.out.startswith("  DISUSUPI  index.html")
    finally:
        server.shutdown()


def test_http_unreachable_cannot_check(folder_site, verify_here):
    site, _ = folder_site
    run = verify_here(site, "--http", "http://127.0.0.1:9/")
    assert run.code == 2 and "tidak dapat dihubungi" in run.err


def test_a_repair_never_writes_while_a_publish_holds_the_target(folder_site, monkeypatch, capsys):
    import json
    import time

    from generator.publish import targetlock
    from generator.publish.verify import Request
    from generator.publish.verify import verify as verify_in_process

    site, root = folder_site
    tamper(root, "changed-index")
    (root / targetlock.LOCK).mkdir()
    (root / targetlock.LOCK / targetlock.HOLDER).write_text(json.dumps(
        {"host": "laptop-humas-2", "user": "siti", "pid": 4242, "since": time.time() - 30, "refreshed": time.time(),
         "site": "https://kaltara.kpu.go.id/", "target": "utama", "token": "0123456789abcdef"}))
    monkeypatch.setattr(targetlock, "WAIT", 1.0)
    monkeypatch.setattr(targetlock, "POLL", 0.2)
    tampered = (root / "index.html").read_bytes()
    assert verify_in_process(Request(site, repair=True)) == 2
    assert "laptop-humas-2" in capsys.readouterr().err
    assert (root / "index.html").read_bytes() == tampered
    (root / targetlock.LOCK / targetlock.HOLDER).unlink()
    (root / targetlock.LOCK).rmdir()
    assert verify_in_process(Request(site, repair=True)) == 0
    assert (root / "index.html").read_bytes() == (site / "output/index.html").read_bytes()


def test_quarantine_moves_foreign_files_out_of_the_web_root_only_when_confirmed(folder_site):
    site, root = folder_site
    foreign = tamper(root, "php-shell") | tamper(root, "spam-folder")
    tamper(root, "changed-index")
    refused = verify(site, "--quarantine")                  # no terminal to ask, no --yes: nothing moved
    assert refused.code == 1 and "dibatalkan" in refused.err
    assert all((root / rel).is_file() for rel in foreign)
    run = verify(site, "--repair", "--quarantine", "--yes")
    assert run.code == 0, run.out + run.err
    moved = [line for line in run.out.splitlines() if line.startswith("  DIKARANTINA")]
    assert len(moved) == len(foreign)
    for rel in foreign:
        assert not (root / rel).exists()
        kept = list((root.parent / "www-karantina").glob(f"*/{rel}"))
        assert len(kept) == 1 and str(kept[0]) in run.out
    assert_as_published(root, site)                          # known files stay, the site's own put back
    assert verify(site).code == 0


def test_quarantine_over_sftp(sftp_site):
    site, sshd = sftp_site
    foreign = tamper(sshd.root, "php-shell")
    run = verify(site, "--quarantine", "--yes", env=sshd.env())
    assert run.code == 0, run.out + run.err
    assert not (sshd.root / "wp-content/uploads/shell.php").exists()
    assert len(list(sshd.root.parent.glob(f"{sshd.root.name}-karantina/*/{next(iter(foreign))}"))) == 1


def test_http_defaults_to_base_url_and_reads_the_served_manifest_without_a_local_copy(folder_site, verify_here):
    site, root = folder_site
    server = serve(root)
    config = site / "config.yaml"
    config.write_text(config.read_text().replace("https://kaltara.kpu.go.id/",
                                                 f"http://127.0.0.1:{server.server_address[1]}/"))
    (site / ".cache/publish/utama.terbit.json").unlink()
    try:
        assert verify_here(site, "--http").code == 0
        tamper(root, "changed-robots")
        run = verify_here(site, "--http")
        assert run.code == 1 and reported(run) == ["robots.txt"]
    finally:
        server.shutdown()


def test_verify_without_any_publish_target_says_what_is_missing(tmp_path, verify_here):
    """The trial: "tujuan '' tidak ada di config.yaml ... Yang ada: belum ada"."""
    site = news_site(tmp_path / "site", "")
    run = verify_here(site)
    assert run.code != 0 and "belum ada tujuan terbit di config.yaml" in run.err and "tujuan ''" not in run.err
    run = verify_here(site, "kantor")
    assert "belum ada tujuan terbit" in run.err
