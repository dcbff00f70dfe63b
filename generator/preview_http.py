"""Preview HTTP: map requests to files inside output/ only, add the live-reload script to pages, stream events."""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import socketserver
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2.utils import htmlsafe_json_dumps as script_json   # escaped for <script>, as render.script_json

from . import guide

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
    ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg", ".wasm": "application/wasm",
}
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
    """What open pages should show: the version of the last good build, the problems of a failed one, and the
    warnings of the last good one (shown in a bar that does not hide the page)."""

    version: str
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def payload(self) -> str:
        return json.dumps({"version": self.version, "problems": list(self.problems), "warnings": list(self.warnings)},
                          ensure_ascii=False)

    def snippet(self) -> bytes:
        data = {"version": self.version, "problems": list(self.problems), "warnings": list(self.warnings),
                "events": EVENTS_PATH}
        text = script_json(data)
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


class Handler(BaseHTTPRequestHandler):
    server_version = "KPUPratinjau"
    timeout = 30

    def do_GET(self):
        self._respond(send_body=True)

    def do_HEAD(self):
        self._respond(send_body=False)

    def log_message(self, format, *args):
        pass

    def _respond(self, send_body: bool) -> None:
        preview = self.server.preview
        if self.path.partition("?")[0] == EVENTS_PATH:
            return self._events(preview)
        path = self.path.partition("?")[0]
        if path == guide.PATH.rstrip("/") or path.startswith(guide.PATH):
            return self._guide(unquote(path[len(guide.PATH):]), send_body)
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

    def _guide(self, name: str, send_body: bool) -> None:
        """The staff guide, served by the preview only (see guide.py)."""
        if not self.path.partition("?")[0].endswith("/") and not name:
            return self._send(301, "text/plain; charset=utf-8", b"", send_body, Location=guide.PATH)
        found = guide.page(name)
        if found is None:
            return self._send(404, "text/html; charset=utf-8", _NOT_FOUND_PAGE, send_body)
        self._send(200, found[1], found[0], send_body)

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

    def _events(self, preview) -> None:
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


class Server(ThreadingHTTPServer):
    daemon_threads = False       # server_close() joins every request thread
    block_on_close = True
    request_queue_size = 128     # listen backlog: a browser opening a page asks for 20-50 files at once (the default
                                 # of 5 dropped the rest, which came back a second later)

    def __init__(self, address, preview):
        self.preview = preview
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

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

    def handle_error(self, request, client_address):
        """A browser that closed the connection early is normal; anything else gets one line, no traceback."""
        err = sys.exc_info()[1]
        if not isinstance(err, (ConnectionError, TimeoutError)):
            print(f"Galat saat melayani permintaan: {err!r}", file=sys.stderr, flush=True)

    def drop_connections(self) -> None:
        with self._open_lock:
            for request in self._open:
                try:
                    request.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
