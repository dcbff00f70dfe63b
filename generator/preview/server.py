"""The preview's HTTP server: uvicorn running the preview's ASGI app on a socket bound beforehand, in a thread.

The socket is bound and listening before the first build (a port in use is a usage error before anything is built,
and a browser's early connections wait in the backlog). uvicorn runs on its own thread with its own event loop and
installs no signal handlers there: the command's main thread owns Ctrl-C and SIGTERM, on Windows too. No fork.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
import threading
import traceback

import uvicorn

BACKLOG = 128          # a browser opening a page asks for 20-50 files at once (a backlog of 5 dropped the rest)
GRACE = 1.0            # seconds an answer in progress may finish when the preview stops; then it is dropped
STARTUP_WAIT = 30      # seconds to wait for the server thread to start listening


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (OSError or OverflowError when that address cannot be used)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET    # "localhost" is 127.0.0.1, as it always was
    family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]") or None, port, family, socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name == "nt":   # Windows' SO_REUSEADDR would let another program take the port from under us
            sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_EXCLUSIVEADDRUSE", socket.SO_REUSEADDR), 1)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class _Uvicorn(uvicorn.Server):
    """uvicorn's server without its signal handlers (ours are in the main thread) that tells when it listens and
    closes every connection it still holds when it stops."""

    def __init__(self, config: uvicorn.Config):
        super().__init__(config)
        self.listening = threading.Event()

    @contextlib.contextmanager
    def capture_signals(self):
        yield

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        self.listening.set()

    async def shutdown(self, sockets=None) -> None:
        await super().shutdown(sockets=sockets)
        for connection in list(self.server_state.connections):   # still open after the grace time: dropped
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.abort()
        await asyncio.sleep(0)


class Listener:
    """One socket and the uvicorn server answering on it."""

    def __init__(self, sock: socket.socket):
        self.socket = sock
        self.address = sock.getsockname()
        self._server: _Uvicorn | None = None
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self, app) -> None:
        """Serve app on a thread of its own; returns once the server listens."""
        _quiet_logs()
        config = uvicorn.Config(Report(app), loop="asyncio", http="h11", ws="none", lifespan="off", log_config=None,
                                access_log=False, proxy_headers=False, server_header=False,
                                timeout_graceful_shutdown=GRACE)
        self._server = _Uvicorn(config)
        self._thread = threading.Thread(target=self._run, name="preview-http", daemon=True)
        self._thread.start()
        self._server.listening.wait(STARTUP_WAIT)

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self.socket])
        except BaseException as err:   # reported by the command, never a traceback on the server's thread
            self.error = err
        finally:
            self._server.listening.set()

    def wait(self, timeout: float) -> bool:
        """Wait up to timeout seconds; True when the server has stopped."""
        if self._thread is None:
            return False
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self) -> None:
        """Stop answering, drop the connections still open, close the socket, join the server's thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()
        self.socket.close()


class Report:
    """ASGI middleware: a bug while answering gets one line on stderr (no traceback) and a 500 when nothing was sent."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        started = False

        async def tracked(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as err:
            if os.environ.get("GENERATOR_DEBUG"):
                traceback.print_exc(file=sys.stderr)
            print(f"Galat saat melayani permintaan: {err!r}", file=sys.stderr, flush=True)
            if scope["type"] == "http" and not started:
                body = "Galat di dalam pratinjau; lihat pesan di jendela perintahnya.\n".encode("utf-8")
                await send({"type": "http.response.start", "status": 500,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})


class _OneLine(logging.Handler):
    """uvicorn's own errors as one line on stderr, never a traceback (dropping answers at Ctrl-C is expected)."""

    def emit(self, record: logging.LogRecord) -> None:
        if "graceful shutdown" in record.getMessage():
            return
        print(f"Galat saat melayani permintaan: {record.getMessage()}", file=sys.stderr, flush=True)


def _quiet_logs() -> None:
    """uvicorn logs through logging: its information stays quiet, its errors get one line (set once)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(h, _OneLine) for h in logger.handlers):
        handler = _OneLine(logging.ERROR)
        logger.addHandler(handler)
        logger.propagate = False
