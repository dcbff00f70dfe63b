"""Preview server: build, serve output/ with live reload, rebuild on every saved change, show build problems."""

from __future__ import annotations

import dataclasses
import getpass
import importlib.util
import os
import secrets
import signal
import sys
import threading
import time
import traceback
import webbrowser
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from generator.build import Options, build
from generator.core import lock
from generator.core.report import BuildFailed, Problem, Problems
from generator.core.system import shown
from generator.engine import cache
from generator.model import config as config_module
from generator.preview import guide, running
from generator.preview.guard import WILDCARDS, Guard, Rules, allowed_hosts, host_name, is_loopback, own_names
from generator.preview.http import DESK_PATH, Hub, Shown, create_app
from generator.preview.server import Listener, bind
from generator.preview.session import Memory, drafts_line, preview_options, quick_rebuild
from generator.preview.watch import Watcher
from generator.render import writer

KIND_WORDS = {"content": "isi", "photo": "foto", "template": "template", "config": "config.yaml"}
PASSWORD_ENV = "REDAKSI_PASSWORD"
FALLBACK_PORTS = 10      # serve --free-port: the ports after a taken one tried first, before any free port


@dataclasses.dataclass(frozen=True)
class Serving:
    """What the preview serves besides the site: a password over every route, and the staff desk."""

    password: str | None = None                      # None: no password (a preview on this computer only)
    desk: Callable[..., Any] | None = None           # DeskContext's fields as keywords -> the desk's ASGI app


def installed_desk() -> Callable[..., Any] | None:
    """The desk of generator/desk/app.py when this copy has it (create_app over a DeskContext), else None."""
    # generator.desk.app arrives with the desk branch; until it is merged the preview has no /_redaksi/ route.
    if importlib.util.find_spec("generator.desk") is None or importlib.util.find_spec("generator.desk.app") is None:
        return None
    from generator.desk.app import create_app as create_desk
    from generator.desk.context import DeskContext

    return lambda **fields: create_desk(DeskContext(**fields))


class Preview:
    """The preview of one site: builds, serves, watches and tells open pages to reload or show problems."""

    def __init__(self, options: Options, *, polling: bool = False, out=None, err=None, serving: Serving = Serving()):
        self.options = preview_options(options)     # drafts shown, marked DRAF
        self.output = options.output
        self._drafts = ""
        self.base_path = "/"
        self.hub = Hub()
        self.serving = serving
        self._instance = secrets.token_hex(3)
        self.mark = secrets.token_hex(16)          # answered at running.MARK_PATH
        self._builds = 0
        self._build_lock = threading.Lock()
        self.memory = Memory()       # the last build's state, so that a rebuild re-reads and re-renders only what changed
        self.shown = Shown(self._version())
        self.watcher = Watcher(options.site_dir, self._changed, polling=polling)
        self.listener: Listener | None = None
        self.host = ""
        self._files = ThreadPoolExecutor(max_workers=8, thread_name_prefix="preview-files")
        self._out, self._err = out or sys.stdout, err or sys.stderr

    def _version(self) -> str:
        return f"{self._instance}-{self._builds}"

    def bind(self, host: str, port: int) -> None:
        """Listen on host:port now (OSError or OverflowError when that address cannot be used)."""
        self.use(Listener(bind(host, port)), host)

    def use(self, listener: Listener, host: str) -> None:
        """Serve on a listener bound already (to host, as given to --host)."""
        self.listener, self.host = listener, host

    @property
    def port(self) -> int:
        return self.listener.address[1]

    @property
    def origin(self) -> str:
        """The address a browser on this computer uses (a server on every interface is reached at 127.0.0.1)."""
        host = self.listener.address[0]
        if host in WILDCARDS:
            host = "::1" if host == "::" else "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        return self.origin + self.base_path

    @property
    def desk_url(self) -> str | None:
        return self.origin + DESK_PATH if self.serving.desk is not None else None

    def start(self) -> None:
        """Watch the sources, then build once (its problems do not stop the preview).

        Watching starts first so that a file saved during a long first build gives a rebuild after it.
        """
        self.watcher.start()
        if self.watcher.fallback_reason:
            self._say(f"Pemantauan berkas bawaan tidak tersedia ({self.watcher.fallback_reason}); "
                      f"memakai pemeriksaan berkala.", error=True)
        self.rebuild(first=True)

    def serve_in_thread(self) -> None:
        """Answer requests (on the server's own thread); returns once it listens."""
        self.listener.start(self.app())

    def app(self):
        """The whole preview as one ASGI app: the Host check and password in front of the site, guide and desk."""
        desk = None
        if self.serving.desk is not None:
            desk = self.serving.desk(site=self.options.site_dir, options=self.options, rebuild=self.rebuild_now,
                                     preview_origin=self.origin, token=secrets.token_urlsafe(32))
        names = own_names() if self.host.strip() in WILDCARDS else ()
        rules = Rules(allowed_hosts(self.host, self.port, names), self.serving.password, self.url)
        return Guard(create_app(self, self._files, desk), rules)

    def wait(self, timeout: float) -> bool:
        """Wait up to timeout seconds; True when the server has stopped by itself (see listener.error)."""
        return self.listener.wait(timeout)

    def rebuild_now(self) -> None:
        """Rebuild at once (the desk, after a save), returning when the pages are up to date. It blocks for the
        build's time: call it from a worker thread (starlette.concurrency.run_in_threadpool), not the event loop."""
        self.rebuild(reason="Meja Redaksi")

    def _changed(self, changes: dict[str, list[str]]) -> None:
        self.rebuild(changes)

    def rebuild(self, changes: dict[str, list[str]] | None = None, first: bool = False, reason: str = "") -> bool:
        """Build once; publish 'reload' when the output changed, 'failed' with the problems when it failed."""
        with self._build_lock:   # the first build (main thread), the watcher's and the desk's rebuilds never overlap
            return self._rebuild(changes, first, reason)

    def _rebuild(self, changes: dict[str, list[str]] | None, first: bool, reason: str) -> bool:
        started = time.perf_counter()
        try:
            options = self.options if first else dataclasses.replace(self.options, search=False)
            result = None
            if changes and not self.shown.problems:
                with lock.held(options.cache_dir, options.lock_wait):
                    result = quick_rebuild(options, self.memory, changes)
            if result is None:
                result = build(options, self.memory)
        except BuildFailed as failed:
            return self._failed([p for p in failed.problems if not p.warning] or list(failed.problems), started)
        except Exception as err:   # UnsafeOutput, another build running, or a bug: tell the page and keep serving
            if os.environ.get("GENERATOR_DEBUG"):
                traceback.print_exc(file=self._err)
            text = str(err) if isinstance(err, (writer.UnsafeOutput, lock.Busy)) else \
                f"kesalahan di dalam generator ({type(err).__name__}: {err})."
            return self._failed([Problem("generator", None, text,
                                         "Jika ini bukan kesalahan isi, laporkan ke pengembang beserta pesan ini.")],
                                started)
        if first or (changes and "config" in changes):
            config = config_module.load(self.options.site_dir / "config.yaml", Problems())
            self.base_path = config.base_path if config else self.base_path
        what = "Dibangun" if first else f"Dibangun ulang ({reason or _describe(changes or {})})"
        self._say(f"{what}: {result.summary()}.")       # the terminal first, then the open pages
        if drafts_line(self.memory.site) != self._drafts:
            self._drafts = drafts_line(self.memory.site)
            self._say(self._drafts or "Tidak ada lagi berita draf di pratinjau.")
        was_failing = bool(self.shown.problems)
        warnings = tuple(str(w) for w in result.warnings)
        if first or was_failing or result.report.changed:
            self._builds += 1
            self.shown = Shown(self._version(), (), warnings)
            self.hub.publish("reload", self.shown.payload())
        elif warnings != self.shown.warnings:      # same pages, other warnings: the open pages update their bar
            self.shown = Shown(self.shown.version, (), warnings)
            self.hub.publish("reload", self.shown.payload())
        self.memory.flush()             # the cache files, after the pages were told to reload
        if first:
            self.memory.warm()
        for warning in result.warnings:
            self._say(str(warning), error=True)
        return True

    def _failed(self, problems: list[Problem], started: float) -> bool:
        self.shown = Shown(self.shown.version, tuple(str(p) for p in problems), self.shown.warnings)
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
        if self.listener is not None:
            self.listener.close()
        self._files.shutdown(wait=True)


def _describe(changes: dict[str, list[str]]) -> str:
    paths = [p for group in changes.values() for p in group]
    kinds = ", ".join(KIND_WORDS.get(k, k) for k in changes)
    return f"{kinds}: {shown(paths[0])}" if len(paths) == 1 else f"{kinds}: {len(paths)} berkas"


def in_use(err: BaseException) -> bool:
    """Whether binding failed because another program listens on that port."""
    return isinstance(err, OSError) and err.errno in (98, 48, 10048)   # EADDRINUSE on Linux, macOS, Windows


def listen(host: str, port: int, free_port: bool = False) -> Listener:
    """A listener on host:port (OSError or OverflowError when that address cannot be used). With free_port, a port
    taken by another program (another site's preview, started by its launcher) is no error: the next free one of the
    FALLBACK_PORTS after it is used, else any free port, so that a double-click always gets a preview."""
    try:
        return Listener(bind(host, port))
    except OSError as err:
        if not (free_port and port and in_use(err)):
            raise
    for other in range(port + 1, min(port + FALLBACK_PORTS, 65535) + 1):
        try:
            return Listener(bind(host, other))
        except OSError as err:
            if not in_use(err):
                raise
    return Listener(bind(host, 0))


def bind_error(host: str, port: int, err: BaseException) -> str:
    if in_use(err):
        other = port + 1 if 0 < port < 65535 else 8001
        return (f"Galat: porta {port} di {host} sudah dipakai program lain (mungkin pratinjau yang masih berjalan). "
                f"Pilih porta lain dengan --port, misalnya --port {other} "
                f"(lewat make: make serve ARGS=\"--port {other}\").")
    if isinstance(err, OverflowError):
        return f"Galat: porta {port} tidak sah. Pilih porta 1–65535 dengan --port, misalnya --port 8000."
    if isinstance(err, OSError) and err.errno in (13, 10013):
        return f"Galat: tidak diizinkan memakai porta {port}. Pilih porta di atas 1024 dengan --port, misalnya --port 8000."
    return (f"Galat: tidak bisa membuka {host}:{port} ({getattr(err, 'strerror', None) or err}). "
            "Periksa --host (misalnya --host 127.0.0.1) dan --port.")


def password_for(host: str) -> tuple[str | None, str]:
    """(password, refusal): none needed on this computer alone; beyond it from REDAKSI_PASSWORD or typed now (twice).
    The refusal is the sentence to print when there is no password; the password is never stored or printed."""
    if is_loopback(host):
        return None, ""
    given = os.environ.get(PASSWORD_ENV, "")
    if not given and sys.stdin is not None and sys.stdin.isatty():
        try:
            given = getpass.getpass(f"Kata sandi pratinjau untuk komputer lain (--host {host}): ")
            if given and getpass.getpass("Ketik sekali lagi: ") != given:
                return None, "Galat: kedua kata sandi tidak sama. Jalankan lagi dan ketik kata sandi yang sama dua kali."
        except (EOFError, KeyboardInterrupt):
            given = ""
    if not given:
        return None, (f"Galat: membuka pratinjau untuk komputer lain (--host {host}) memerlukan kata sandi. "
                      f"Isi variabel lingkungan {PASSWORD_ENV} atau ketik kata sandinya saat diminta; "
                      "tanpa --host pratinjau hanya terbuka di komputer ini dan tidak memerlukan kata sandi.")
    return given, ""


def serve(options: Options, host: str = "127.0.0.1", port: int = 8000, polling: bool = False,
          open_browser: bool = False, free_port: bool = False) -> int:
    """`python -m generator serve`: runs until Ctrl-C; 2 when the address cannot be used or a needed password is
    missing. With open_browser, the browser opens at the desk (or the site) once the server listens; with free_port,
    a taken port gives way to a free one (see listen)."""
    writer.check_output_dir(options.output, options.site_dir, options.cache_dir)   # UnsafeOutput: bad usage, exit 2 in cli
    writer.claim(options.output, options.site_dir, options.cache_dir, cache.scan(options.output), options.force)
    if _already_running(options, open_browser):
        return 0
    try:
        listener = listen(host, port, free_port)   # first: a wrong --host or a busy port is told before a password
    except (OSError, OverflowError) as err:
        print(bind_error(host, port, err), file=sys.stderr)
        return 2
    if port and listener.address[1] != port:
        print(f"Porta {port} sudah dipakai program lain (mungkin pratinjau situs lain); pratinjau ini memakai porta "
              f"{listener.address[1]}.", flush=True)
    password, refusal = password_for(host)
    if refusal:
        listener.close()
        print(refusal, file=sys.stderr)
        return 2
    preview = Preview(options, polling=polling, serving=Serving(password, installed_desk()))
    preview.use(listener, host)
    previous = _catch_stop_signals()
    code = 0
    try:
        print("Membangun situs…", flush=True)
        preview.start()
        preview.serve_in_thread()
        running.note(options.cache_dir, preview.mark, preview.url, preview.desk_url)
        _announce(preview, host)
        if open_browser:
            _open_browser(preview.desk_url or preview.url)
        while not preview.wait(0.5):   # a timed wait, so that Ctrl-C reaches this thread on Windows too
            pass
        if preview.listener.error is not None:
            print(f"Galat: server pratinjau berhenti ({preview.listener.error!r}).", file=sys.stderr, flush=True)
            code = 1
    except KeyboardInterrupt:
        pass
    finally:
        running.forget(options.cache_dir, preview.mark)
        preview.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("Pratinjau dihentikan.", flush=True)
    return code


def _announce(preview: Preview, host: str) -> None:
    print(f"Situs tampil di {preview.url}  (perubahan dimuat ulang otomatis; tekan Ctrl-C untuk berhenti)",
          flush=True)
    print(f"Panduan menulis berita: {preview.origin}{guide.PATH}", flush=True)
    if preview.desk_url:
        print(f"Meja Redaksi (menulis dan menyunting berita): {preview.desk_url}", flush=True)
    if not is_loopback(host):
        names = own_names() if host.strip() in WILDCARDS else (host,)
        addresses = ", ".join(f"http://{host_name(n)}:{preview.port}/" for n in names if not is_loopback(n))
        print(f"Peringatan: pratinjau{' dan Meja Redaksi' if preview.desk_url else ''} terbuka untuk komputer lain "
              f"di jaringan kantor ({addresses or host}). Siapa pun yang tahu kata sandinya dapat membuka dan "
              "mengubah berita, dan lalu lintasnya tidak dienkripsi (HTTP): pakai hanya di jaringan kantor yang "
              "tepercaya, dan hentikan dengan Ctrl-C bila selesai. Nama pengguna boleh apa saja.",
              file=sys.stderr, flush=True)


def _already_running(options: Options, open_browser: bool) -> bool:
    """True when this site's preview runs already (a second double-click on the launcher): said, and with
    open_browser the browser opened there, instead of a second preview on the next port."""
    already = running.find(options.cache_dir)
    if already is None:
        return False
    print(f"Pratinjau situs ini sudah berjalan di {already.url}; tidak dijalankan dua kali.", flush=True)
    if open_browser:
        _open_browser(already.desk or already.url, wait=True)
    return True


def _open_browser(url: str, wait: bool = False) -> None:
    """Open the browser at url without holding up the server (a browser command may run until it is closed); with
    wait, before returning (the process ends next)."""
    def run() -> None:
        try:
            opened = webbrowser.open(url)
        except Exception:   # a broken BROWSER setting or desktop: the address is printed anyway
            opened = False
        if not opened:
            print(f"Peramban tidak bisa dibuka otomatis; buka sendiri alamat {url}", file=sys.stderr, flush=True)

    if wait:
        run()
        return
    threading.Thread(target=run, name="open-browser", daemon=True).start()


def _catch_stop_signals() -> dict:
    """SIGTERM (and Ctrl-Break on Windows) stop the preview like Ctrl-C; the previous handlers, to put back."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    wanted = [signal.SIGTERM] + ([signal.SIGBREAK] if hasattr(signal, "SIGBREAK") else [])
    previous = {signum: signal.signal(signum, _interrupt) for signum in wanted}
    # Ctrl-C stops the preview even when it was started with SIGINT ignored (a background job of a script, nohup,
    # a CI wrapper): the ignoring is inherited, not asked for, and the preview would never stop.
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    return previous


def _interrupt(signum, frame):
    raise KeyboardInterrupt
