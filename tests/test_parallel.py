"""Work over all cores: results in order, and workers that end with the build however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.core import lock, parallel
from tests.conftest import ROOT, make_photo, md, write_site


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _kill_and_watch(process: subprocess.Popen, seconds: float = 60) -> set[int]:
    """Wait for the process's workers, kill it as a user's `kill -9` would, return the workers still alive 5 s on."""
    deadline = time.monotonic() + seconds
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _children(process.pid)
        time.sleep(0.05)
    assert workers, "the build never started its workers"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 5
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _alive(workers)


pytestmark = [pytest.mark.servers, pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find worker processes")]


def test_results_come_back_in_order():
    items = list(range(300))
    assert [x for group in parallel.run(lambda n: n * n, items, 2) for x in group] == [n * n for n in items]


def test_workers_of_a_killed_process_end_with_it():
    code = ("import time; from generator.core import parallel\n"
            "list(parallel.run(time.sleep, [120] * 100, 2))\n")     # picklable: spawned workers too (Windows)
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert _kill_and_watch(process) == set()


def test_photo_workers_of_a_killed_build_end_with_it(tmp_path):
    files = {"content/posts/rapat/index.md": md("title: Rapat\ndate: 2019-11-08 10:00")}
    site = write_site(tmp_path / "site", files)
    for n in range(8):
        make_photo(site / f"content/posts/rapat/foto-{n}.jpg", size=(3000, 2000), color=(20 * n, 90, 40))
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site)], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert _kill_and_watch(process) == set()
    assert not (site / "output").exists()
    lock.lock_file(site / ".cache").unlink(missing_ok=True)      # the killed build's empty lock file


def test_a_pool_left_early_kills_its_workers_at_once_instead_of_waiting_for_their_work():
    """Ctrl-C, SIGTERM or an error while workers run: the pool's workers are killed, not waited for (each here
    would sleep a minute), and nothing is cancelled from this thread (Python 3.11's pool thread raised
    InvalidStateError at the user when a worker ended meanwhile)."""
    started, others = time.monotonic(), _children(os.getpid())     # servers an earlier test left to this process
    work = parallel.run(time.sleep, [0, 60, 60, 60], 2, minimum=2, smallest=1)
    assert next(work) == [None]
    workers = _children(os.getpid()) - others
    assert workers
    work.close()        # as an exception raised in the caller leaves it
    while _alive(workers) and time.monotonic() - started < 30:
        time.sleep(0.05)
    assert _alive(workers) == set()


def test_a_pool_left_while_a_worker_sends_a_large_result_lets_the_process_end():
    """The block left (a stop, an error) while a worker is halfway through sending a result many pipe buffers long:
    its kill cut the message short, and the pool's thread waited for the rest for ever, and the exit for that
    thread. On the old code this hung in most runs here; the process must now end."""
    code = ("import sys, time\nfrom generator.core import parallel\n"
            "def big():\n    return b'x' * 100_000_000\n"
            "if __name__ == '__main__':\n"
            "    try:\n        with parallel.executor(1) as pool:\n            pool.submit(big)\n"
            "            time.sleep(0.25)\n            raise RuntimeError\n    except RuntimeError:\n        pass\n")
    process = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             capture_output=True, timeout=30)
    assert process.returncode == 0, process.stderr
