"""Preview reload latency: seconds from saving a post to the 'reload' event on the live-reload stream.

    python benchmarks/reload_latency.py SITE_DIR [--edits 10]

measure() starts `python -m generator serve` on a free port in its own process, connects to the
event stream as an open page would, then `edits` times appends a sentence to one post and times
until the reload event arrives. The post is restored afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS_PATH = "/__livereload"
STARTUP_LIMIT = 1800.0   # seconds for the first full build of a large corpus
EVENT_LIMIT = 600.0


def _post(site: Path) -> Path:
    posts = sorted((site / "content" / "posts").rglob("index.md")) or sorted((site / "content" / "posts").rglob("*.md"))
    if not posts:
        raise SystemExit(f"tidak ada berita di {site / 'content' / 'posts'}")
    return posts[len(posts) // 2]


def _wait_for_address(log: Path, proc: subprocess.Popen) -> int:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return int(found.group(1))
        if proc.poll() is not None:
            raise RuntimeError(f"server berhenti (kode {proc.returncode}): {log.read_text(errors='replace')}")
        time.sleep(0.05)
    raise RuntimeError("server tidak siap")


class _Stream:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=EVENT_LIMIT)
        self.conn.request("GET", EVENTS_PATH)
        self.response = self.conn.getresponse()

    def next(self) -> tuple[str, dict]:
        name, data = "", ""
        while True:
            line = self.response.fp.readline().decode("utf-8")
            if not line:
                raise RuntimeError("aliran peristiwa terputus")
            line = line.rstrip("\n")
            if not line and name:
                return name, json.loads(data)
            key, _, value = line.partition(": ")
            name, data = (value, data) if key == "event" else (name, value if key == "data" else data)


def samples(site_dir: Path | str, edits: int = 10, python: str | Path = sys.executable,
            builds: list[float] | None = None) -> list[float]:
    """Seconds from each save to its reload event, one per edit; builds gets the server's own build times."""
    site = Path(site_dir).resolve()
    post = _post(site)
    original = post.read_bytes()
    out: list[float] = []
    with tempfile.TemporaryDirectory(prefix="reload-latency-") as scratch:
        log = Path(scratch) / "server.log"
        with open(log, "w") as log_file:
            proc = subprocess.Popen([str(python), "-m", "generator", "serve", "--site", str(site), "--port", "0"],
                                    cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            stream = _Stream(_wait_for_address(log, proc))
            assert stream.next()[0] == "hello"
            for number in range(edits):
                time.sleep(0.2)   # let the previous rebuild's file events settle
                started = time.perf_counter()
                with open(post, "a", encoding="utf-8") as source:
                    source.write(f"\nKalimat tambahan nomor {number} untuk mengukur muat ulang.\n")
                while True:
                    name, data = stream.next()
                    if name == "reload":
                        out.append(time.perf_counter() - started)
                        break
                    if name == "failed":
                        raise RuntimeError("pembangunan gagal: " + "; ".join(data["problems"]))
            stream.conn.close()
            if builds is not None:
                rebuilt = [line for line in log.read_text(errors="replace").splitlines() if "Dibangun ulang" in line]
                builds.extend(float(m.group(1)) for line in rebuilt if (m := re.search(r"([\d.]+) detik\.?$", line)))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            post.write_bytes(original)
    return out


def measure(site_dir: Path | str, edits: int = 10, python: str | Path = sys.executable) -> float:
    """Median seconds from saving a post to the reload event."""
    return statistics.median(samples(site_dir, edits, python))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args(argv)
    builds: list[float] = []
    seconds = samples(args.site, args.edits, builds=builds)
    print(f"muat ulang setelah simpan: median {statistics.median(seconds) * 1000:.0f} ms "
          f"(min {min(seconds) * 1000:.0f}, maks {max(seconds) * 1000:.0f}; {len(seconds)} suntingan)")
    if builds:
        print(f"  di antaranya pembangunan ulang: median {statistics.median(builds) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
