"""Preview HTTP: map requests to files inside output/ only, add the live-reload script to pages, stream events.

The ASGI app (Starlette) of the preview; preview_server runs it under uvicorn, preview_guard stands in front of it.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from jinja2.utils import htmlsafe_json_dumps as script_json  # escaped for <script>, as pages.script_json
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route

from generator.core.resources import LIVERELOAD_JS
from generator.preview import guide
from generator.preview.running import MARK_PATH

EVENTS_PATH = "/__livereload"
DESK_PATH = "/_redaksi/"      # the staff desk (generator/desk/app.py), served by the preview only, like the guide
KEEPALIVE = 15                # seconds between comments on an idle event stream
CHUNK = 1 << 16
SMALL = 1 << 20               # files up to this size are read at once; larger ones are streamed in CHUNKs
CLIENT_JS = LIVERELOAD_JS.read_text(encoding="utf-8")
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
    """The open event streams (each an asyncio queue of the server's loop); publish() hands one message to each.

    publish() and close() may be called from any thread (the rebuilds run on the watcher's).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._streams: dict[asyncio.Queue, asyncio.AbstractEventLoop] = {}
        self._closed = False

    def subscribe(self) -> asyncio.Queue | None:
        """A new stream, on the running loop; None once closed."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._closed:
                return None
            stream: asyncio.Queue = asyncio.Queue()
            self._streams[stream] = loop
            return stream

    def unsubscribe(self, stream: asyncio.Queue) -> None:
        with self._lock:
            self._streams.pop(stream, None)

    def publish(self, event: str, data: str) -> None:
        message = f"event: {event}\ndata: {data}\n\n".encode("utf-8")
        with self._lock:
            for stream, loop in self._streams.items():
                _put(loop, stream, message)

    def close(self) -> None:
        """End every stream (each gets None) and refuse new ones."""
        with self._lock:
            self._closed = True
            for stream, loop in self._streams.items():
                _put(loop, stream, None)


def _put(loop: asyncio.AbstractEventLoop, stream: asyncio.Queue, message: bytes | None) -> None:
    try:
        loop.call_soon_threadsafe(stream.put_nowait, message)
    except RuntimeError:   # that server's loop has ended
        pass


class Site(Protocol):
    """What the app reads from the preview at each request (it changes with every rebuild)."""

    output: Path
    base_path: str
    shown: Shown
    hub: Hub
    mark: str               # answered at MARK_PATH: a second start of the site's preview knows it runs (running.py)


@dataclass(frozen=True)
class Answer:
    """What one GET or HEAD gets: a body, or an open file to stream (the caller closes it)."""

    status: int
    kind: str = "text/plain; charset=utf-8"
    body: bytes = b""
    file: BinaryIO | None = None
    location: str = ""


def answer(site: Site, target: str) -> Answer:
    """The answer to a request target (path and query as sent): a guide page, a file of output/, a redirect, the
    site's 404 page, or the "not built yet" page. Blocking (it may wait for output/ being swapped by a rebuild)."""
    path = target.partition("?")[0]
    if path == guide.PATH.rstrip("/") or path.startswith(guide.PATH):
        return _guide(path)
    found = locate(target, site.base_path)
    if found.kind == "redirect":
        return Answer(302, location=found.location)
    if found.kind == "file":
        for attempt in range(20):   # output/ is swapped by a rename during a rebuild: wait a moment
            path_found, folder = find_file(site.output, found.parts)
            if path_found or site.output.is_dir() or attempt == 19:
                break
            time.sleep(0.01)
        if path_found and folder and not found.directory:
            query = target.partition("?")[2]
            return Answer(301, location=path + "/" + ("?" + query if "?" in target else ""))
        opened = _open(path_found, 200, site.shown) if path_found else None
        if opened:
            return opened
    opened = _open(site.output / "404.html", 404, site.shown)
    if opened:
        return opened
    page = _NO_BUILD_PAGE if not site.output.is_dir() else _NOT_FOUND_PAGE
    return Answer(503 if page is _NO_BUILD_PAGE else 404, "text/html; charset=utf-8", inject(page, site.shown.snippet()))


def _guide(path: str) -> Answer:
    """The staff guide, served by the preview only (see guide.py)."""
    name = unquote(path[len(guide.PATH):])
    if not path.endswith("/") and not name:
        return Answer(301, location=guide.PATH)
    found = guide.page(name)
    if found is None:
        return Answer(404, "text/html; charset=utf-8", _NOT_FOUND_PAGE)
    return Answer(200, found[1], found[0])


def _open(path: Path, status: int, shown: Shown) -> Answer | None:
    """A page with the live-reload snippet, a small file's bytes, or a large file opened for streaming; None when it
    is not there."""
    kind = content_type(path.name)
    try:
        if kind.startswith("text/html"):
            return Answer(status, kind, inject(path.read_bytes(), shown.snippet()))
        source = open(path, "rb")
        if os.fstat(source.fileno()).st_size > SMALL:
            return Answer(status, kind, file=source)
        with source:
            return Answer(status, kind, source.read())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class FileStream(StreamingResponse):
    """An open file sent in chunks read on the preview's executor; the file is closed whatever happens."""

    def __init__(self, found: Answer, executor: Executor, head: bool):
        size = os.fstat(found.file.fileno()).st_size
        super().__init__(_chunks(found.file, executor, head), found.status,
                         {**HEADERS, "Content-Length": str(size)}, media_type=found.kind)
        self.file = found.file

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.file.close()


async def _chunks(source: BinaryIO, executor: Executor, head: bool):
    if head:
        return
    loop = asyncio.get_running_loop()
    while chunk := await loop.run_in_executor(executor, source.read, CHUNK):
        yield chunk


def to_response(found: Answer, executor: Executor, head: bool) -> Response:
    if found.file is not None:
        return FileStream(found, executor, head)
    headers = {**HEADERS, "Location": found.location} if found.location else HEADERS
    return Response(found.body, found.status, headers, media_type=found.kind)


async def _events(site: Site):
    """The live-reload stream: hello with what pages should show now, then every reload or failure, until the
    page closes or the preview stops. It subscribes only once it runs, so a stream never sent leaves nothing behind."""
    stream = site.hub.subscribe()
    if stream is None:    # the preview is stopping
        return
    try:
        yield f"retry: 500\nevent: hello\ndata: {site.shown.payload()}\n\n".encode("utf-8")
        while True:
            try:
                message = await asyncio.wait_for(stream.get(), KEEPALIVE)
            except asyncio.TimeoutError:
                message = b": tetap tersambung\n\n"
            if message is None:
                return
            yield message
    finally:
        site.hub.unsubscribe(stream)


def request_target(scope: dict[str, Any]) -> str:
    """The request target as the client sent it (still %-encoded), with its query."""
    raw = scope.get("raw_path") or scope["path"].encode("utf-8")
    query = scope.get("query_string") or b""
    return raw.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")


def create_app(site: Site, executor: Executor, desk=None) -> Starlette:
    """The preview's routes: live-reload events, the desk at /_redaksi/ (when given), the guide and output/."""

    async def events(request: Request) -> Response:
        return StreamingResponse(_events(site), media_type="text/event-stream; charset=utf-8",
                                 headers={"Cache-Control": "no-store"})

    async def files(request: Request) -> Response:
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(executor, answer, site, request_target(request.scope))
        return to_response(found, executor, request.method == "HEAD")

    async def to_desk(request: Request) -> Response:
        return RedirectResponse(DESK_PATH, 301)

    async def mark(request: Request) -> Response:
        return Response(site.mark, headers={"Cache-Control": "no-store"}, media_type="text/plain")

    routes = [Route(EVENTS_PATH, events, methods=["GET"]), Route(MARK_PATH, mark, methods=["GET"])]
    if desk is not None:
        routes += [Route(DESK_PATH.rstrip("/"), to_desk, methods=["GET", "HEAD"]), Mount(DESK_PATH.rstrip("/"), app=desk)]
    routes.append(Route("/{path:path}", files, methods=["GET", "HEAD"]))
    return Starlette(routes=routes, exception_handlers={500: _bug})


async def _bug(request: Request, err: Exception) -> Response:
    """A bug's answer (the one line about it is printed by preview_server.Report)."""
    return Response("Galat di dalam pratinjau; lihat pesan di jendela perintahnya.\n", 500,
                    HEADERS, media_type="text/plain; charset=utf-8")
