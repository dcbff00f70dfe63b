"""Preview server: build, serve output/ with live reload over server-sent events, rebuild on every saved change."""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import config as config_module, writer
from .build import Options, build
from .report import BuildFailed, Problem, Problems
from .watch import Watcher

EVENTS_PATH = "/__livereload"
CLIENT_JS = (Path(__file__).resolve().parent / "livereload.js").read_text(encoding="utf-8")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".webmanifest": "application/manifest+json",
    ".xml": "application/xml; charset=utf-8", ".xsl": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml", ".webp": "image/webp", ".avif": "image/avif", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".ico": "image/x-icon",
    ".pdf": "application/pdf", ".woff2": "font/woff2", ".woff": "font/woff", ".zip": "application/zip",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg",
}
KIND_WORDS = {"content": "isi", "photo": "foto", "template": "template", "config": "config.yaml"}
_NO_BUILD_PAGE = ("<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Pembangunan gagal</title></head>"
                  "<body><p>Situs belum berhasil dibangun. Perbaiki kesalahan yang tampil, lalu simpan berkasnya.</p>"
                  "</body></html>").encode("utf-8")
_NOT_FOUND_PAGE = ("<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Tidak ditemukan</title></head>"
                   "<body><h1>Halaman tidak ditemukan</h1></body></html>").encode("utf-8")


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


@dataclass(frozen=True)
class Target:
    """What a request path asks for: a file under output/ (as path parts), a redirect, or nothing."""

    kind: str                      # "file", "redirect" or "missing"
    parts: tuple[str, ...] = ()
    directory: bool = False        # the path ended with '/'
    location: str = ""


def locate(request_target: str, base_path: str = "/") -> Target:
    """Map a raw HTTP request target to parts of a path inside output/; anything that could leave it is missing.

    Pure: '..' segments (plain, %-encoded), backslashes and NUL bytes are refused; the site lives under
    base_path ('/' or '/kpu-kaltara/'), and '/' redirects there.
    """
    path = request_target.partition("#")[0].partition("?")[0]
    if not path.startswith("/"):
        path = urlsplit(path).path if "://" in path else ""
        if not path.startswith("/"):
            return Target("missing")
    try:
        decoded = unquote(path, errors="strict") if "%" in path else path
    except UnicodeDecodeError:
        return Target("missing")
    if "\\" in decoded or "\0" in decoded or ".." in decoded.split("/"):
        return Target("missing")
    if base_path != "/":
        if decoded in ("/", "/index.html", base_path.rstrip("/")):
            return Target("redirect", location=base_path)
        if not decoded.startswith(base_path):
            return Target("missing")
        decoded = decoded[len(base_path) - 1:]
    parts = tuple(p for p in decoded.split("/") if p not in ("", "."))
    return Target("file", parts, decoded.endswith("/"))


def find_file(root: Path, parts: tuple[str, ...]) -> tuple[Path | None, bool]:
    """(file to serve, is a folder without the final '/'); only real files whose real path lies inside root."""
    real_root = os.path.realpath(root)
    candidate = os.path.realpath(os.path.join(real_root, *parts)) if parts else real_root
    if candidate != real_root and not candidate.startswith(real_root + os.sep):
        return None, False
    if os.path.isdir(candidate):
        index = os.path.join(candidate, "index.html")
        return (Path(index), True) if os.path.isfile(index) else (None, False)
    return (Path(candidate), False) if os.path.isfile(candidate) else (None, False)


def inject(page: bytes, snippet: bytes) -> bytes:
    """Insert the live-reload snippet before the last </body> (or at the end when there is none)."""
    at = page.lower().rfind(b"</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


@dataclass(frozen=True)
class Shown:
    """What open pages should show: the version of the last good build and the problems of a failed one."""

    version: str
    problems: tuple[str, ...] = ()

    def payload(self) -> str:
        return json.dumps({"version": self.version, "problems": list(self.problems)}, ensure_ascii=False)

    def snippet(self) -> bytes:
        data = {"version": self.version, "problems": list(self.problems), "events": EVENTS_PATH}
        text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
        return f"<script>window.__kpuLive={text};</script>\n<script>\n{CLIENT_JS}</script>\n".encode("utf-8")


class Hub:
    """The open event streams; publish() hands one message to each of them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queues: set[queue.Queue] = set()
        self._closed = False

    def subscribe(self) -> queue.Queue | None:
        with self._lock:
            if self._closed:
                return None
            q: queue.Queue = queue.Queue()
            self._queues.add(q)
            return q

    def unsubscribe(self, q: queue.Queue) -> None:
        with self._lock:
            self._queues.discard(q)

    def publish(self, event: str, data: str) -> None:
        message = f"event: {event}\ndata: {data}\n\n".encode("utf-8")
        with self._lock:
            for q in self._queues:
                q.put(message)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for q in self._queues:
                q.put(None)


class _Handler(BaseHTTPRequestHandler):
    server_version = "KPUPratinjau"
    timeout = 30

    def do_GET(self):
        self._respond(send_body=True)

    def do_HEAD(self):
        self._respond(send_body=False)

    def log_message(self, format, *args):
        pass

    def _respond(self, send_body: bool) -> None:
        preview: Preview = self.server.preview
        if self.path.partition("?")[0] == EVENTS_PATH:
            return self._events(preview)
        target = locate(self.path, preview.base_path)
        if target.kind == "redirect":
            return self._send(302, "text/plain; charset=utf-8", b"", send_body, Location=target.location)
        if target.kind == "file":
            for attempt in range(20):   # output/ is swapped by a rename during a rebuild: wait a moment
                found, folder = find_file(preview.output, target.parts)
                if found or preview.output.is_dir() or attempt == 19:
                    break
                time.sleep(0.01)
            if found and folder and not target.directory:
                location = self.path.partition("?")[0] + "/" + ("?" + self.path.partition("?")[2] if "?" in self.path else "")
                return self._send(301, "text/plain; charset=utf-8", b"", send_body, Location=location)
            if found and self._file(found, 200, send_body):
                return
        page = preview.output / "404.html"
        if page.is_file() and self._file(page, 404, send_body):
            return
        if not preview.output.is_dir():
            return self._send(503, "text/html; charset=utf-8", inject(_NO_BUILD_PAGE, preview.shown.snippet()), send_body)
        self._send(404, "text/html; charset=utf-8", inject(_NOT_FOUND_PAGE, preview.shown.snippet()), send_body)

    def _file(self, path: Path, status: int, send_body: bool) -> bool:
        kind = content_type(path.name)
        try:
            if kind.startswith("text/html"):
                self._send(status, kind, inject(path.read_bytes(), self.server.preview.shown.snippet()), send_body)
                return True
            with open(path, "rb") as source:
                self._head(status, kind, os.fstat(source.fileno()).st_size)
                if send_body:
                    shutil.copyfileobj(source, self.wfile)
            return True
        except FileNotFoundError:
            return False

    def _head(self, status: int, kind: str, length: int, **headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, kind: str, body: bytes, send_body: bool, **headers) -> None:
        self._head(status, kind, len(body), **headers)
        if send_body:
            self.wfile.write(body)

    def _events(self, preview: "Preview") -> None:
        stream = preview.hub.subscribe()
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if stream is None:
            return
        try:
            self.wfile.write(f"retry: 500\nevent: hello\ndata: {preview.shown.payload()}\n\n".encode("utf-8"))
            while True:
                try:
                    message = stream.get(timeout=15)
                except queue.Empty:
                    message = b": tetap tersambung\n\n"
                if message is None:
                    return
                self.wfile.write(message)
        except OSError:   # the page was closed
            return
        finally:
            preview.hub.unsubscribe(stream)


class _Server(ThreadingHTTPServer):
    daemon_threads = False       # server_close() joins every request thread
    block_on_close = True

    def __init__(self, address, preview: "Preview"):
        self.preview = preview
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)   # not HTTPServer's: it does a slow reverse DNS lookup
        self.server_name, self.server_port = self.server_address[:2]

    def process_request_thread(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def drop_connections(self) -> None:
        with self._open_lock:
            for request in self._open:
                try:
                    request.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Preview:
    """The preview of one site: builds, serves, watches and tells open pages to reload or show problems."""

    def __init__(self, options: Options, *, polling: bool = False, poll_interval: float = 0.5, out=None, err=None):
        self.options = options
        self.output = options.output
        self.base_path = "/"
        self.hub = Hub()
        self._instance = secrets.token_hex(3)
        self._builds = 0
        self.shown = Shown(self._version())
        self.watcher = Watcher(options.site_dir, self._changed, polling=polling, poll_interval=poll_interval)
        self.server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._out, self._err = out or sys.stdout, err or sys.stderr

    def _version(self) -> str:
        return f"{self._instance}-{self._builds}"

    def bind(self, host: str, port: int) -> None:
        self.server = _Server((host, port), self)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.base_path}"

    def start(self) -> None:
        """First build (its problems do not stop the preview), then watch the sources."""
        self.rebuild(first=True)
        self.watcher.start()
        if self.watcher.fallback_reason:
            self._say(f"Pemantauan berkas bawaan tidak tersedia ({self.watcher.fallback_reason}); "
                      f"memakai pemeriksaan berkala.", error=True)

    def serve_in_thread(self) -> None:
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="preview-http", daemon=True)
        self._thread.start()

    def _changed(self, changes: dict[str, list[str]]) -> None:
        self.rebuild(changes)

    def rebuild(self, changes: dict[str, list[str]] | None = None, first: bool = False) -> bool:
        """Build once; publish 'reload' when the output changed, 'failed' with the problems when it failed."""
        started = time.perf_counter()
        try:
            result = build(self.options)
        except BuildFailed as failed:
            return self._failed([p for p in failed.problems if not p.warning] or list(failed.problems), started)
        except Exception as err:   # UnsafeOutput, or a bug: tell the page and keep serving
            if os.environ.get("GENERATOR_DEBUG"):
                traceback.print_exc(file=self._err)
            return self._failed([Problem("generator", None, f"{err}",
                                         "Jika ini bukan kesalahan isi, laporkan ke pengembang beserta pesan ini.")],
                                started)
        if first or (changes and "config" in changes):
            config = config_module.load(self.options.site_dir / "config.yaml", Problems())
            self.base_path = config.base_path if config else self.base_path
        was_failing = bool(self.shown.problems)
        if first or was_failing or result.report.changed:
            self._builds += 1
            self.shown = Shown(self._version())
            self.hub.publish("reload", self.shown.payload())
        for warning in result.warnings:
            self._say(str(warning), error=True)
        what = "Dibangun" if first else f"Dibangun ulang ({_describe(changes or {})})"
        self._say(f"{what}: {result.summary()}.")
        return True

    def _failed(self, problems: list[Problem], started: float) -> bool:
        self.shown = Shown(self.shown.version, tuple(str(p) for p in problems))
        self.hub.publish("failed", self.shown.payload())
        for problem in problems:
            self._say(str(problem), error=True)
        self._say(f"Pembangunan gagal: {len(problems)} kesalahan ({time.perf_counter() - started:.2f} detik). "
                  "Halaman terakhir yang berhasil tetap ditampilkan; perbaiki lalu simpan berkasnya.", error=True)
        return False

    def _say(self, text: str, error: bool = False) -> None:
        stream = self._err if error else self._out
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=stream, flush=True)

    def close(self) -> None:
        """Stop watching (after a rebuild in progress), end every event stream, stop serving, join all threads."""
        self.watcher.stop()
        self.hub.close()
        if self.server is None:
            return
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
        self.server.drop_connections()
        self.server.server_close()


def _describe(changes: dict[str, list[str]]) -> str:
    paths = [p for group in changes.values() for p in group]
    kinds = ", ".join(KIND_WORDS.get(k, k) for k in changes)
    return f"{kinds}: {paths[0]}" if len(paths) == 1 else f"{kinds}: {len(paths)} berkas"


def bind_error(host: str, port: int, err: BaseException) -> str:
    if isinstance(err, OSError) and err.errno in (98, 48, 10048):   # EADDRINUSE on Linux, macOS, Windows
        return (f"Galat: porta {port} di {host} sudah dipakai program lain (mungkin pratinjau yang masih berjalan). "
                f"Pilih porta lain dengan --port, misalnya --port {port + 1 if 0 < port < 65535 else 8001}.")
    if isinstance(err, OverflowError):
        return f"Galat: porta {port} tidak sah. Pilih porta 1–65535 dengan --port, misalnya --port 8000."
    if isinstance(err, OSError) and err.errno in (13, 10013):
        return f"Galat: tidak diizinkan memakai porta {port}. Pilih porta di atas 1024 dengan --port, misalnya --port 8000."
    return (f"Galat: tidak bisa membuka {host}:{port} ({getattr(err, 'strerror', None) or err}). "
            "Periksa --host (misalnya --host 127.0.0.1) dan --port.")


def serve(options: Options, host: str = "127.0.0.1", port: int = 8000, polling: bool = False) -> int:
    """`python -m generator serve`: runs until Ctrl-C; 2 when the address cannot be used."""
    writer.check_output_dir(options.output, options.site_dir)   # UnsafeOutput: bad usage, exit 2 in cli
    preview = Preview(options, polling=polling)
    try:
        preview.bind(host, port)
    except (OSError, OverflowError) as err:
        print(bind_error(host, port, err), file=sys.stderr)
        return 2
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        print("Membangun situs…", flush=True)
        preview.start()
        print(f"Situs tampil di {preview.url}  (perubahan dimuat ulang otomatis; tekan Ctrl-C untuk berhenti)",
              flush=True)
        preview.server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print("Pratinjau dihentikan.", flush=True)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt
