"""`make bench` verify section (issue 25): `verify` of the 1,000-post site over SFTP behind a 40 ms round trip, beside
`rsync -a --checksum --dry-run` over SSH on the same link (target: at most rsync's time), and `verify --http` of the
same site served by a local web server (target: under 10 seconds).

The link is the publish section's (benchmarks/publish.py): Debian's sshd on 127.0.0.1 behind a relay in this process
that holds every chunk 20 ms each way. The site is published once (ours) and copied once (rsync) before the clock
starts; each measure then compares an unchanged live copy, which is the case `otomatis` meets every hour.
Run alone: `python benchmarks/verify.py` or `python benchmarks/run.py --only verify`.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from publish import PYTHON, delay_relay, missing, start_sshd  # noqa: E402
from run import ROOT, SCRATCH, corpus  # noqa: E402

TARGETS = {"sftp": "verify <= rsync --checksum --dry-run", "http": "verify --http < 10 s"}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """A plain web server on loopback for folder, as a host serves the web root; (server, base address)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def timed(command: list[str], env: dict) -> float:
    """Seconds for one run; a run that finds a difference (exit 1) or cannot check (2) stops the bench."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"gagal ({done.returncode}): {' '.join(command)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def prepare(posts: int, scratch: Path) -> Path:
    """A fresh copy of the corpus of posts in scratch (without its output and cache)."""
    site = scratch / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus(f"p{posts}", posts, 0), site, ignore=shutil.ignore_patterns("output", ".cache"))
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--delay", type=int, default=40, help="round trip in ms (default 40)")
    parser.add_argument("--runs", type=int, default=3, help="measure each this many times; the median is reported")
    args = parser.parse_args(argv)
    reason = missing()
    if reason:
        print(f"bench verify dilewati: {reason}")
        return 0
    scratch = SCRATCH / "verify"
    site = prepare(args.posts, scratch)
    sshd, home, sshd_port = start_sshd(scratch / "sshd")
    try:
        port = delay_relay(sshd_port, args.delay / 2000)
        user, www = getpass.getuser(), scratch / "www"
        shutil.rmtree(www, ignore_errors=True)
        (www / "ours").mkdir(parents=True)
        (www / "rsync").mkdir()
        with open(site / "config.yaml", "a") as f:
            f.write(f"publish:\n  utama:\n    type: sftp\n    host: 127.0.0.1\n    port: {port}\n    user: {user}\n"
                    f"    path: {www / 'ours'}\n")
        subprocess.run([str(PYTHON), "-m", "generator", "build", "--site", str(site)], check=True, capture_output=True)
        files = sum(1 for p in (site / "output").rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in (site / "output").rglob("*") if p.is_file())
        (home / ".ssh" / "known_hosts").write_text(
            f"[127.0.0.1]:{port} " + " ".join((scratch / "sshd/keys/host.pub").read_text().split()[:2]) + "\n")
        env = {**os.environ, "HOME": str(home), "SSH_AUTH_SOCK": "", "PYTHONPATH": str(ROOT)}
        ssh = (f"ssh -p {port} -o BatchMode=yes -i {home / '.ssh/id_ed25519'} "
               f"-o UserKnownHostsFile={home / '.ssh/known_hosts'}")
        source, dest = f"{site / 'output'}/", f"{user}@127.0.0.1:{www / 'rsync'}/"
        timed([str(PYTHON), "-m", "generator", "publish", "--site", str(site)], env)
        timed(["rsync", "-a", "-e", ssh, source, dest], env)
        verify = [str(PYTHON), "-m", "generator", "verify", "--site", str(site)]
        rsync = ["rsync", "-a", "--checksum", "--dry-run", "--delete", "--itemize-changes", "-e", ssh, source, dest]
        server, base = serve(www / "ours")
        results: dict[str, list[float]] = {"verify sftp": [], "rsync": [], "verify http": []}
        for _ in range(args.runs):
            results["verify sftp"].append(timed(verify, env))
            results["rsync"].append(timed(rsync, env))
            results["verify http"].append(timed([*verify, "--http", base], env))
        server.shutdown()
    finally:
        sshd.terminate()
        sshd.wait(10)
    print(line(args, files, size, results))
    return 0


def line(args, files: int, size: int, results: dict[str, list[float]]) -> str:
    ours, peer, http = (statistics.median(results[k]) for k in ("verify sftp", "rsync", "verify http"))
    each = "; ".join(f"{k}: " + ", ".join(f"{s:.2f}" for s in v) for k, v in results.items())
    return (f"Verify, {args.posts} berita ({files} berkas, {size / 2**20:.0f} MiB), median dari {args.runs} kali ukur:\n"
            f"  SFTP, jeda pulang-pergi {args.delay} ms: verify {ours:6.2f} s   rsync -a --checksum --dry-run "
            f"{peer:6.2f} s   verify/rsync {ours / peer:.2f}x (target <= 1x: {'ya' if ours <= peer else 'TIDAK'})\n"
            f"  HTTP lokal: verify --http {http:6.2f} s (target < 10 s: {'ya' if http < 10 else 'TIDAK'})\n"
            f"  tiap ukuran (s): {each}")


if __name__ == "__main__":
    sys.exit(main())
