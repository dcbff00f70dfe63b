"""Preview reload latency: seconds from saving a post to the 'reload' event, and to the served page showing it.

    python benchmarks/reload_latency.py SITE_DIR [--edits 10]

samples() starts `python -m generator serve` on a free port in its own process, connects to the
event stream as an open page would, then `edits` times appends a sentence to one post and times
until the reload event arrives. page_samples() times instead until the server's page shows the new
sentence, which measures Hugo's server (hugo_page) and ours (ours_page) alike. The post is restored
afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
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
            builds: list[float] | None = None, title: bool = False) -> list[float]:
    """Seconds from each save to its reload event, one per edit; builds gets the server's own build times.

    Each edit appends a sentence to the post's text, or with title=True changes its title (which lists, neighbours
    and feeds show too, so the whole site is checked)."""
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
                if title:
                    post.write_bytes(re.sub(rb'^title: ("?)(.*?)("?)$', rb"title: \1\2 (revisi %d)\3" % number,
                                            original, count=1, flags=re.M))
                else:
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
            _stop(proc)
            post.write_bytes(original)
    return out


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    """One GET; a response cut short (a server rebuilding its page while sending it, as Hugo's does) counts as
    not there yet."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=EVENT_LIMIT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    except (http.client.IncompleteRead, ConnectionError):
        return 0, b""
    finally:
        conn.close()


def _hugo_url(post: Path) -> str:
    """The post's address under benchmarks/hugo's permalinks: /:year/:month/:day/:contentbasename/."""
    date = re.search(r"^date: (\d{4})-(\d{2})-(\d{2})", post.read_text(encoding="utf-8"), re.M)
    return f"/{date.group(1)}/{date.group(2)}/{date.group(3)}/{post.parent.name}/"


def page_samples(command: list[str], cwd: Path, site: Path, url_of, edits: int = 10) -> list[float]:
    """Seconds from each save until the server's page shows the new sentence, for any server (ours or Hugo's):
    start `command` (with {port} filled in), wait for the post's page, then edit and poll it every 2 ms."""
    post = _post(site)
    original = post.read_bytes()
    port = _free_port()
    out: list[float] = []
    with tempfile.TemporaryDirectory(prefix="reload-page-") as scratch:
        log = Path(scratch) / "server.log"
        with open(log, "w") as log_file:
            proc = subprocess.Popen([part.replace("{port}", str(port)) for part in command], cwd=cwd,
                                    stdout=log_file, stderr=subprocess.STDOUT)
        try:
            url, deadline = None, time.monotonic() + STARTUP_LIMIT
            while url is None:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server tidak siap: {log.read_text(errors='replace')[-2000:]}")
                try:
                    url = url_of(port, post)
                except (OSError, http.client.HTTPException):
                    time.sleep(0.2)
            for number in range(edits):
                time.sleep(0.3)
                marker = f"Kalimat tambahan nomor {number} untuk melihat halaman.".encode()
                started = time.perf_counter()
                with open(post, "a", encoding="utf-8") as source:
                    source.write("\n" + marker.decode() + "\n")
                while marker not in _get(port, url)[1]:
                    if time.perf_counter() - started > EVENT_LIMIT:
                        raise RuntimeError(f"{url} tidak berubah")
                    time.sleep(0.002)
                out.append(time.perf_counter() - started)
        finally:
            _stop(proc)
            post.write_bytes(original)
    return out


def ours_page(python: str | Path, site: Path, edits: int = 10) -> list[float]:
    def url_of(port: int, post: Path) -> str:
        status, _ = _get(port, "/")
        if status != 200:
            raise OSError("belum siap")
        found = next((site / "output").rglob(f"{post.parent.name}/index.html"))
        return "/" + found.parent.relative_to(site / "output").as_posix() + "/"

    return page_samples([str(python), "-m", "generator", "serve", "--site", str(site), "--port", "{port}"], ROOT,
                        site, url_of, edits)


def hugo_page(binary: Path, home: Path, site: Path, edits: int = 10) -> list[float]:
    """Hugo's own server (its defaults: pages in memory, fast render of the pages being viewed)."""
    def url_of(port: int, post: Path) -> str:
        url = _hugo_url(post)
        if _get(port, url)[0] != 200:
            raise OSError("belum siap")
        return url

    return page_samples([str(binary), "server", "--source", str(home), "--contentDir", str(site / "content"),
                         "--cacheDir", str(home / "cache"), "--bind", "127.0.0.1", "--port", "{port}"], home,
                        site, url_of, edits)


def measure(site_dir: Path | str, edits: int = 10, python: str | Path = sys.executable) -> float:
    """Median seconds from saving a post to the reload event."""
    return statistics.median(samples(site_dir, edits, python))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--title", action="store_true", help="change the post's title instead of its text")
    args = parser.parse_args(argv)
    builds: list[float] = []
    seconds = samples(args.site, args.edits, builds=builds, title=args.title)
    print(f"muat ulang setelah simpan: median {statistics.median(seconds) * 1000:.0f} ms "
          f"(min {min(seconds) * 1000:.0f}, maks {max(seconds) * 1000:.0f}; {len(seconds)} suntingan)")
    if builds:
        print(f"  di antaranya pembangunan ulang: median {statistics.median(builds) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
