"""The target's lock: two copies of one site publishing at once to one target (SFTP to OpenSSH on loopback, a git
branch), a fresh lock waited for then refused, a stale one or one whose process is gone taken over, and the lock
released when a publish fails or is interrupted, on folder, SFTP and FTPS targets."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.publish import targetlock
from generator.publish.interrupt import STOPPED, Terminated, exit_code, stopped
from generator.publish.plan import MANIFEST, temp_name
from generator.render.links import broken_links
from tests.conftest import (
    SLOW_READS,
    SLOW_SENDING,
    Run,
    branch_tree,
    news_site,
    run_cli,
    sftp_publish,
    start_cli,
    tree,
    wait_until,
)
from tests.servers import start_ftp, start_sshd

pytestmark = [pytest.mark.servers, pytest.mark.filterwarnings("ignore:The asyn:DeprecationWarning")]
logging.getLogger("pyftpdlib").setLevel(logging.WARNING)

LOCK_FILE = f"{targetlock.LOCK}/{targetlock.HOLDER}"


@dataclass
class Target:
    kind: str
    root: Path              # the target's folder on this machine (what the server serves)
    env: dict
    section: str            # the `publish:` section of config.yaml


@pytest.fixture
def sshd(tmp_path):
    server = start_sshd(tmp_path / "sshd")
    server.trust()
    yield server
    server.stop()


def sftp_target(server) -> Target:
    return Target("sftp", server.root, server.env(), sftp_publish(server))


@pytest.fixture(params=["folder", "sftp", "ftps"])
def target(request, tmp_path):
    """One target of each kind that has folders (git has its own test: a push is atomic)."""
    if request.param == "folder":
        root = tmp_path / "tujuan"
        yield Target("folder", root, {}, f"publish:\n  utama:\n    type: folder\n    path: {root}\n")
    elif request.param == "sftp":
        server = start_sshd(tmp_path / "sshd")
        server.trust()
        yield sftp_target(server)
        server.stop()
    else:
        server = start_ftp(tmp_path / "ftp")
        home = tmp_path / "home"
        home.mkdir()
        yield Target("ftps", server.root, server.env(home), f"""\
publish:
  utama:
    type: ftps
    host: 127.0.0.1
    port: {server.port}
    user: {server.user}
    path: /
""")
        server.stop()


def publish(site: Path, target: Target, *args: str, patch: str = ""):
    """`python -m generator publish` for the site, with module settings changed first (a shorter wait)."""
    if not patch:
        return run_cli("publish", "--site", str(site), *args, env=target.env)
    process = start_publish(site, target.env, patch)
    out, err = process.communicate(timeout=120)
    return Run(process.returncode, out, err)


def start_publish(site: Path, env: dict, patch: str = "", ignore_ctrl_c: bool = False) -> subprocess.Popen:
    """The publish command started, with the target lock's settings changed first (patch: Python statements);
    ignore_ctrl_c: started with SIGINT ignored, as a script's background job inherits it."""
    return start_cli(f"from generator.publish import targetlock\n{patch}", "publish", "--site", str(site), env=env,
                     ignore_ctrl_c=ignore_ctrl_c)


@dataclass(frozen=True)
class Stop:
    """How a publish is stopped from outside: Ctrl-C, or SIGTERM (`kill PID`, a shutdown, a CI runner's cancel)."""
    signum: int
    code: int           # the exit code it ends with
    said: str           # the one line on stderr


# SIGTERM is a signal one process sends another only on POSIX (on Windows a process is ended without one)
STOPS = [pytest.param(Stop(signal.SIGINT, 130, STOPPED), id="ctrl-c"),
         pytest.param(Stop(signal.SIGTERM, 143, stopped(Terminated(signal.SIGTERM))), id="sigterm",
                      marks=pytest.mark.skipif(os.name != "posix", reason="SIGTERM is POSIX's"))]


def two_copies(tmp_path: Path, section: str) -> tuple[Path, Path]:
    """One site on two laptops, each changed its own way since the last sync: A edited a post; B removed a post (its
    pages, photos and links go) and wrote a new one."""
    a = news_site(tmp_path / "laptop-a", section, posts=24)
    b = tmp_path / "laptop-b"
    shutil.copytree(a, b)
    post = a / "content/posts/2024/berita-3/index.md"
    post.write_text(post.read_text().replace("Isi berita 3.", "Isi berita tiga, diperbarui."))
    shutil.rmtree(b / "content/posts/2024/berita-5")
    shutil.copytree(b / "content/posts/2024/berita-0", b / "content/posts/2024/berita-24")
    new = b / "content/posts/2024/berita-24/index.md"
    new.write_text(new.read_text().replace("Berita 0", "Berita 24").replace("2024-05-01", "2024-06-01"))
    return a, b


class LinkWatch:
    """Reads the live target's pages over and over while publishes run: every link to a file (a photo, a style, a
    script, the search index) must lead somewhere whenever a reader could look. Links to pages ('/'), like links
    between pages of one publish under way, may lead to a page not sent yet."""

    def __init__(self, root: Path):
        self.root, self.broken, self.looks = root, set(), 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.stop.is_set():
            try:
                before = self._pages()
                found = broken_links(self.root)
                after = self._pages()
            except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
                continue            # a folder or page removed or half read while it was being looked at
            # a page counts only if it was the same file from before its reading to after its links were looked up:
            # then a reader fetching it meanwhile met the missing file. A page replaced during the look may have
            # been read in its old version and checked against files the new version no longer links to (on a
            # loaded machine the look can lag a whole publish behind).
            self.broken.update((page, url) for page, url in found if not url.endswith("/")
                               and not (self.root / page).name.endswith("kpu-terbit~")
                               and before.get(page) is not None and before.get(page) == after.get(page))
            self.looks += 1

    def _pages(self) -> dict[str, tuple[int, int, int]]:
        found = {}
        for page in self.root.rglob("*.html"):
            try:
                facts = page.stat()
            except FileNotFoundError:
                continue
            found[page.relative_to(self.root).as_posix()] = (facts.st_ino, facts.st_mtime_ns, facts.st_size)
        return found

    def end(self) -> set:
        self.stop.set()
        self.thread.join()
        return self.broken


def test_two_laptops_publishing_at_once_to_one_sftp_target_never_break_the_live_site(tmp_path, sshd):
    target = sftp_target(sshd)
    a, b = two_copies(tmp_path, target.section)
    for copy in (a, b):                 # built first, so that both publishes send at the same moment
        assert run_cli("build", "--site", str(copy)).code == 0
    first = news_site(tmp_path / "kemarin", target.section, posts=24)   # the site as it was live yesterday
    assert publish(first, target).code == 0
    watch = LinkWatch(sshd.root)
    # whichever takes the target first holds it a second longer (a slow office link): on a quiet machine two
    # publishes of a small site over loopback may otherwise not overlap at all
    hold = ("import time\n_take = targetlock.take\n"
            "targetlock.take = lambda *a, **k: (_take(*a, **k), time.sleep(1.0))[0]")
    runs = [start_publish(copy, target.env, hold) for copy in (a, b)]
    outcomes = [(run.wait(120), *run.communicate()) for run in runs]
    broken = watch.end()
    for code, out, err in outcomes:
        assert code == 0, err
        assert "Traceback" not in err and targetlock.LOCK not in out + err
    assert any("menunggu penerbitan lain" in err for _, _, err in outcomes)     # one waited for the other
    assert broken == set() and watch.looks > 0
    live = tree(sshd.root, skip=(MANIFEST,))
    # the live site is one copy's whole, not a mix of both
    assert live in (tree(a / "output"), tree(b / "output"))
    assert broken_links(sshd.root) == []
    # and both copies can publish afterwards: each one's pages are its own again, none taken for someone else's
    for copy in (a, b, a):
        run = publish(copy, target)
        assert run.code == 0, run.err
        assert " 0 milik pihak lain" in run.out and "tidak dikirim" not in run.err, run.out + run.err
        assert tree(sshd.root, skip=(MANIFEST,)) == tree(copy / "output")
        assert not (sshd.root / targetlock.LOCK).exists()


def test_two_laptops_publishing_at_once_to_one_git_branch_both_end_published(tmp_path):
    repo = tmp_path / "situs.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    section = f"publish:\n  pages:\n    type: git\n    path: {repo}\n"
    a, b = two_copies(tmp_path, section)
    for copy in (a, b):
        assert run_cli("build", "--site", str(copy)).code == 0
    env = {"GIT_AUTHOR_NAME": "Uji", "GIT_AUTHOR_EMAIL": "uji@localhost"}
    for _ in range(3):                  # a race: whichever pushes second plans again on top of the first
        runs = [start_publish(copy, env) for copy in (a, b)]
        outcomes = [(run.wait(120), *run.communicate()) for run in runs]
        for code, out, err in outcomes:
            assert code == 0, err
        published = branch_tree(repo, skip=(MANIFEST,))
        assert published in (tree(a / "output"), tree(b / "output"))
        head = subprocess.run(["git", "--git-dir", str(repo), "log", "--format=%H", "gh-pages"], capture_output=True,
                              text=True, check=True).stdout.split()
        assert len(head) >= 2           # the second publish is a commit on top of the first, none lost
    for copy in (b, a):
        run = run_cli("publish", "--site", str(copy), env=env)
        assert run.code == 0 and " 0 milik pihak lain" in run.out, run.err
        assert branch_tree(repo, skip=(MANIFEST,)) == tree(copy / "output")


def holder_file(root: Path, host: str, pid: int, refreshed: float, folder: str = targetlock.LOCK) -> bytes:
    data = json.dumps({"host": host, "user": "siti", "pid": pid, "since": refreshed - 30, "refreshed": refreshed,
                       "site": "https://kaltara.kpu.go.id/", "target": "utama", "token": "0123456789abcdef"})
    (root / folder).mkdir(parents=True)
    (root / folder / targetlock.HOLDER).write_text(data)
    return data.encode()


def test_a_fresh_lock_is_waited_for_then_the_publish_stops_naming_its_holder(tmp_path, target):
    site = news_site(tmp_path / "site", target.section)
    target.root.mkdir(exist_ok=True)
    held = holder_file(target.root, "laptop-humas-2", 4242, time.time())
    before = tree(target.root)
    run = publish(site, target, patch="targetlock.WAIT = 1.5; targetlock.POLL = 0.3")
    assert run.code == 1 and "Traceback" not in run.err
    lines = [line for line in run.err.splitlines() if line.startswith("utama: ")]
    assert "menunggu penerbitan lain oleh siti di laptop-humas-2" in lines[0]
    assert "sedang dipakai menerbitkan oleh siti di komputer laptop-humas-2 (proses 4242)" in lines[-1]
    assert "tidak ada yang dikirim" in lines[-1] and "jalankan perintah yang sama lagi" in lines[-1]
    assert tree(target.root) == before and (target.root / LOCK_FILE).read_bytes() == held   # nothing sent


@pytest.mark.parametrize("left", ["stale", "gone"])
def test_a_lock_left_behind_is_taken_over_with_a_message_naming_its_holder(tmp_path, target, left):
    """Stale: not refreshed for longer than the limit (a laptop whose link dropped, on another computer); gone: on
    this computer, and its process no longer runs (a publish killed, a laptop restarted)."""
    site = news_site(tmp_path / "site", target.section)
    target.root.mkdir(exist_ok=True)
    if left == "stale":
        holder_file(target.root, "laptop-humas-2", 4242, time.time() - targetlock.STALE - 60)
        why = "tidak diperbarui sejak"
    else:
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        holder_file(target.root, socket.gethostname(), dead.pid, time.time())
        why = "prosesnya sudah tidak berjalan"
    # and a stale lock another publish had begun to take over when it was cut off: never a site or foreign file
    holder_file(target.root, "laptop-humas-3", 77, time.time() - 3600, folder=targetlock.ASIDE + "fedcba9876543210")
    run = run_cli("publish", "--site", str(site), env=target.env)
    assert run.code == 0, run.err
    host = "laptop-humas-2" if left == "stale" else socket.gethostname()
    assert f"kunci terbit milik siti di komputer {host}" in run.err and why in run.err and "diambil alih" in run.err
    assert " 0 milik pihak lain" in run.out and targetlock.LOCK not in run.out
    assert not (target.root / targetlock.LOCK).exists()
    assert tree(target.root, skip=(MANIFEST, f"{targetlock.ASIDE}fedcba9876543210/{targetlock.HOLDER}")) == \
        tree(site / "output")


def test_the_lock_is_released_when_a_publish_fails(tmp_path, target):
    """A folder stands where the site needs its home page: the publish fails at the last rank, after sending the
    rest; the lock goes with it, and the next publish (once the folder is gone) is not kept waiting."""
    site = news_site(tmp_path / "site", target.section)
    target.root.mkdir(exist_ok=True)
    (target.root / "index.html").mkdir()
    run = publish(site, target, patch="targetlock.WAIT = 0")
    assert run.code == 1 and "Traceback" not in run.err, run.err
    assert not (target.root / targetlock.LOCK).exists()
    (target.root / "index.html").rmdir()
    run = publish(site, target, patch="targetlock.WAIT = 0")
    assert run.code == 0, run.err
    assert tree(target.root, skip=(MANIFEST,)) == tree(site / "output")


# After the scan's record is written, the command hands the connection the list of new files (a Future, under its
# lock) and then waits for it: a signal in the microseconds of that handoff can leave the Future's lock held (a
# KeyboardInterrupt raised in threading.Condition's __exit__, which is Python code), and the connection then waits for
# it for ever. The tests stop the command once it waits; that window is a known limit (see the closing note).
CONNECTING = 0.3

# the connection, made in the background while the site is built, waits after taking the lock until the test says go
# (a slow link): the command, its site built, waits for it
SLOW_LINK = ("import os, time\n_take = targetlock.take\n"
             "def take(*a, **k):\n    held = _take(*a, **k)\n"
             "    while not os.path.exists(os.environ['KPU_UJI_LANJUT']):\n        time.sleep(0.01)\n    return held\n"
             "targetlock.take = take")


@pytest.mark.parametrize("stop", STOPS)
@pytest.mark.parametrize("phase, inherited", [("building", "default"), ("connecting", "default"),
                                              ("sending", "default"), ("sending", "ignored")])
def test_ctrl_c_or_sigterm_stops_a_publish_and_releases_the_lock(tmp_path, sshd, phase, inherited, stop):
    """Ctrl-C (or SIGTERM) while the site is built (the lock is taken meanwhile), while the command waits for the
    connection, and while files are being sent: the publish stops there, exit 130 (143), one sentence and no
    traceback, the lock removed, and the next publish completes the site. 'ignored': started with SIGINT ignored, as
    a script's background job, nohup or a CI wrapper starts it (and as this test's child is when the suite itself
    runs so): Ctrl-C still stops it; the publish used to send the whole site and end with 0. SIGTERM used to end the
    process where it stood, the lock left for other computers to wait 10 minutes for."""
    if inherited == "ignored" and os.name != "posix":
        pytest.skip("SIGINT is inherited as ignored only on POSIX")
    target = sftp_target(sshd)
    site = news_site(tmp_path / "site", target.section, posts=40)
    go = tmp_path / "lanjut"
    env = {**target.env, "KPU_UJI_LANJUT": str(go)}
    process = start_publish(site, env, SLOW_LINK if phase == "connecting" else SLOW_READS,
                            ignore_ctrl_c=inherited == "ignored")
    if phase == "building":
        wait_until((sshd.root / LOCK_FILE).exists, process)
    elif phase == "connecting":     # built and scanned (the scan's record written): waiting for the connection
        wait_until((site / ".cache/publish-hashes.json").exists, process)
        time.sleep(CONNECTING)
    else:                           # the first of the site's files or folders is on the target
        wait_until(lambda: any(path.name not in (targetlock.LOCK, MANIFEST, temp_name(MANIFEST))
                               for path in sshd.root.iterdir()), process)
    process.send_signal(stop.signum)
    if phase == "connecting":
        time.sleep(0.2)
        go.touch()
    code = process.wait(60)
    out, err = process.communicate()
    assert code == stop.code and err.strip() == stop.said, out + err
    assert not (sshd.root / targetlock.LOCK).exists()
    stopped = tree(sshd.root, skip=(MANIFEST,))
    run = publish(site, target, patch="targetlock.WAIT = 0")
    assert run.code == 0 and "diambil alih" not in run.err, run.err
    assert tree(sshd.root, skip=(MANIFEST,)) == tree(site / "output")      # nothing half sent or left behind
    assert stopped != tree(site / "output")                                 # the first stopped before it was whole
    assert not (sshd.root / targetlock.LOCK).exists()


@pytest.mark.parametrize("stop", STOPS)
@pytest.mark.parametrize("phase", ["building", "connecting"])
def test_ctrl_c_or_sigterm_while_waiting_for_another_publishs_lock_stops_at_once_and_leaves_that_lock(tmp_path, sshd,
                                                                                                      phase, stop):
    """The wait for a fresh lock (here as long as an hour) ends with Ctrl-C (or SIGTERM), whether the command is
    still building the site or waits for the connection that waits for the lock: exit 130 (143), one sentence, and
    the other publish's lock left as it was."""
    target = sftp_target(sshd)
    site = news_site(tmp_path / "site", target.section, posts=40)
    held = holder_file(sshd.root, "laptop-humas-2", 4242, time.time())
    process = start_publish(site, target.env, "targetlock.WAIT = 3600; targetlock.POLL = 0.3\n" +
                            (SLOW_READS if phase == "building" else ""))
    try:
        for line in process.stderr:
            if "menunggu penerbitan lain oleh siti di laptop-humas-2" in line:
                break
        if phase == "connecting":       # built and scanned: waiting for the connection
            wait_until((site / ".cache/publish-hashes.json").exists, process)
            time.sleep(CONNECTING)
        process.send_signal(stop.signum)
        code = process.wait(60)
    finally:
        if process.poll() is None:
            process.kill()
    out, err = process.communicate()
    assert code == stop.code and err.strip() == stop.said, out + err
    assert tree(sshd.root) == {LOCK_FILE: held}


def stop_while_sending(tmp_path: Path, target: Target, stop: Stop) -> str:
    """A publish stopped as the first file is on its way: the files still to send are not sent, the lock is removed,
    one sentence is said, and the next publish completes the site. Returns what the stopped publish said."""
    site = news_site(tmp_path / "site", target.section, posts=40)
    target.root.mkdir(exist_ok=True)
    # SFTP with 16 requests in flight, not 256: with every read slowed inside its event loop, up to 256 files were
    # read and sent before the first reached the server and the signal went, 178 of 283 in one run in six
    process = start_publish(site, target.env, SLOW_SENDING + "\nfrom generator.publish import sftp\nsftp.IN_FLIGHT = 16")
    wait_until(lambda: any(path.is_file() and path.name not in (targetlock.HOLDER, MANIFEST, temp_name(MANIFEST))
                           for path in target.root.rglob("*")), process)
    process.send_signal(stop.signum)
    code = process.wait(60)
    out, err = process.communicate()
    assert code == stop.code and err.strip() == stop.said, out + err
    assert not (target.root / targetlock.LOCK).exists()
    sent = tree(target.root, skip=(MANIFEST,))
    run = publish(site, target, patch="targetlock.WAIT = 0")
    assert run.code == 0 and "diambil alih" not in run.err, run.err
    assert tree(target.root, skip=(MANIFEST,)) == tree(site / "output")
    assert len(sent) < len(tree(site / "output")) / 2, len(sent)       # stopped there, not at the end of a step
    return err


@pytest.mark.parametrize("target", ["folder", "ftps"], indirect=True)
@pytest.mark.parametrize("stop", STOPS)
def test_ctrl_c_or_sigterm_while_files_are_sent_stops_the_publish_there_on_every_kind_of_target(tmp_path, target,
                                                                                                stop):
    """Ctrl-C (or SIGTERM) as the first file is on its way: exit 130 (143), and the rest of stop_while_sending. SFTP's
    sending is stopped so in test_ctrl_c_or_sigterm_stops_a_publish_and_releases_the_lock (and on SIGHUP below)."""
    stop_while_sending(tmp_path, target, stop)


@pytest.mark.skipif(os.name != "posix", reason="SIGHUP is POSIX's")
def test_the_terminal_closed_while_files_are_sent_stops_the_publish_there_and_releases_the_lock(tmp_path, sshd):
    """Closing the terminal window a publish runs in (macOS's Terminal, a Linux desktop's; an SSH session dropped)
    sends it SIGHUP: it stops there as on Ctrl-C, exit 129, the lock removed, and the next publish completes the
    site. It used to end where it stood, the lock left for other computers to wait 10 minutes for."""
    err = stop_while_sending(tmp_path, sftp_target(sshd), Stop(signal.SIGHUP, 129, stopped(Terminated(signal.SIGHUP))))
    assert "sinyal HUP" in err


@pytest.mark.skipif(os.name != "posix" or not shutil.which("pgrep"), reason="process groups and pgrep are POSIX's")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c-in-a-terminal"])
def test_a_signal_to_the_whole_process_group_while_the_build_s_workers_run_stops_the_publish_cleanly(tmp_path, signum):
    """systemd stops a unit by sending SIGTERM to every process of it, and a shell's `kill -TERM -PGID` does the
    same; Ctrl-C in a terminal sends SIGINT to every process of the foreground group. The build's forked workers
    leave the stop to the publish, which says its one sentence (no worker's traceback, no error of the pool's
    thread), exits 143 or 130 with its lock removed, and leaves no worker running."""
    live = tmp_path / "tujuan"
    site = news_site(tmp_path / "site", f"publish:\n  utama:\n    type: folder\n    path: {live}\n", posts=200)
    process = start_cli(SLOW_READS, "publish", "--site", str(site), own_group=True)

    def workers() -> bool:
        return subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True).stdout.count(b"\n") >= 2

    wait_until(workers, process)
    os.killpg(process.pid, signum)
    code = process.wait(60)
    out, err = process.communicate()
    stop = Terminated(signum) if signum != signal.SIGINT else KeyboardInterrupt()
    assert code == exit_code(stop) and err.strip() == stopped(stop), out + err
    assert not (live / targetlock.LOCK).exists()
    assert subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True).stdout == b""
    run = publish(site, Target("folder", live, {}, ""), patch="targetlock.WAIT = 0")
    assert run.code == 0 and "diambil alih" not in run.err, run.err
    assert tree(live, skip=(MANIFEST,)) == tree(site / "output")


def test_the_lock_is_refreshed_while_a_publish_runs(tmp_path, target):
    """Its holder file says the publish is alive: written again every REFRESH seconds (here a twentieth of a second)
    while files travel, from a thread of its own, whatever the main thread is doing."""
    site = news_site(tmp_path / "site", target.section, posts=30)
    assert run_cli("build", "--site", str(site)).code == 0
    # each file's copy (a folder target) or read (SFTP sends what it reads) slowed to a few milliseconds: a publish
    # is otherwise over before a refresh is due on a quiet machine
    slow = ("import pathlib, shutil, time\n_copy, _read = shutil.copyfile, pathlib.Path.read_bytes\n"
            "shutil.copyfile = lambda *a, **k: (time.sleep(0.004), _copy(*a, **k))[1]\n"
            "pathlib.Path.read_bytes = lambda self: (time.sleep(0.004), _read(self))[1]")
    process = start_publish(site, target.env, "targetlock.REFRESH = 0.05\n" + slow)
    seen = set()
    while process.poll() is None:
        found = targetlock.decode((target.root / LOCK_FILE).read_bytes() if (target.root / LOCK_FILE).exists()
                                  else None)
        if found is not None:
            seen.add((found.token, found.refreshed))
        time.sleep(0.005)
    out, err = process.communicate()
    assert process.returncode == 0, err
    assert len({token for token, _ in seen}) == 1 and len(seen) >= 2, seen     # taken, then refreshed
    assert not (target.root / targetlock.LOCK).exists()


@pytest.fixture
def silent_port():
    """A loopback port whose server never answers a new connection, as a wrong address or a firewall that drops the
    packets leaves one waiting: its accept queue is full, and Linux then drops new connections' first packets."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    waiting = []
    for _ in range(4):
        client = socket.socket()
        client.setblocking(False)
        client.connect_ex(("127.0.0.1", port))
        waiting.append(client)
    probe = socket.socket()
    probe.settimeout(0.3)
    with pytest.raises(TimeoutError):
        probe.connect(("127.0.0.1", port))
    probe.close()
    yield port
    for client in waiting:
        client.close()
    server.close()


@pytest.mark.skipif(sys.platform != "linux", reason="a full accept queue drops new connections on Linux")
def test_ctrl_c_while_the_server_does_not_answer_stops_the_publish_at_once(tmp_path, silent_port):
    """A server that does not answer is waited for 30 s; Ctrl-C meanwhile used to wait those 30 s out (the command
    waits for the connection's thread on its way out). Now it stops within a fraction of a second, one sentence."""
    section = (f"publish:\n  utama:\n    type: sftp\n    host: 127.0.0.1\n    port: {silent_port}\n    user: humas\n"
               "    path: /srv/www\n")
    site = news_site(tmp_path / "site", section, posts=5)
    (tmp_path / "home").mkdir()
    process = start_publish(site, {"HOME": str(tmp_path / "home")})
    wait_until((site / ".cache/publish-hashes.json").exists, process)
    time.sleep(CONNECTING)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    code = process.wait(60)
    took = time.monotonic() - sent
    out, err = process.communicate()
    assert code == 130 and err.strip() == STOPPED, out + err
    assert took < 5, took
