"""Preview server: build, serve output/ with live reload, rebuild on every saved change, show build problems."""

from __future__ import annotations

import dataclasses
import os
import secrets
import signal
import sys
import threading
import time
import traceback

from . import cache, config as config_module, guide, lock, writer
from .build import Options, build
from .preview_http import Hub, Server, Shown
from .report import BuildFailed, Problem, Problems
from .session import Memory, drafts_line, preview_options, quick_rebuild
from .watch import Watcher

KIND_WORDS = {"content": "isi", "photo": "foto", "template": "template", "config": "config.yaml"}


class Preview:
    """The preview of one site: builds, serves, watches and tells open pages to reload or show problems."""

    def __init__(self, options: Options, *, polling: bool = False, poll_interval: float = 0.5, out=None, err=None):
        self.options = preview_options(options)     # drafts shown, marked DRAF
        self.output = options.output
        self._drafts = ""
        self.base_path = "/"
        self.hub = Hub()
        self._instance = secrets.token_hex(3)
        self._builds = 0
        self._build_lock = threading.Lock()
        self.memory = Memory()       # the last build's state, so that a rebuild re-reads and re-renders only what changed
        self.shown = Shown(self._version())
        self.watcher = Watcher(options.site_dir, self._changed, polling=polling, poll_interval=poll_interval)
        self.server: Server | None = None
        self._thread: threading.Thread | None = None
        self._out, self._err = out or sys.stdout, err or sys.stderr

    def _version(self) -> str:
        return f"{self._instance}-{self._builds}"

    def bind(self, host: str, port: int) -> None:
        self.server = Server((host, port), self)

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return self.origin + self.base_path

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
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="preview-http", daemon=True)
        self._thread.start()

    def _changed(self, changes: dict[str, list[str]]) -> None:
        self.rebuild(changes)

    def rebuild(self, changes: dict[str, list[str]] | None = None, first: bool = False) -> bool:
        """Build once; publish 'reload' when the output changed, 'failed' with the problems when it failed."""
        with self._build_lock:   # the first build (main thread) and the watcher's rebuilds never overlap
            return self._rebuild(changes, first)

    def _rebuild(self, changes: dict[str, list[str]] | None, first: bool) -> bool:
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
        was_failing = bool(self.shown.problems)
        warnings = tuple(str(w) for w in result.warnings)
        if first or was_failing or result.report.changed:
            self._builds += 1
            self.shown = Shown(self._version(), (), warnings)
            self.hub.publish("reload", self.shown.payload())
        elif warnings != self.shown.warnings:      # same pages, other warnings: the open pages update their bar
            self.shown = Shown(self.shown.version, (), warnings)
            self.hub.publish("reload", self.shown.payload())
        what = "Dibangun" if first else f"Dibangun ulang ({_describe(changes or {})})"
        self._say(f"{what}: {result.summary()}.")
        if drafts_line(self.memory.site) != self._drafts:
            self._drafts = drafts_line(self.memory.site)
            self._say(self._drafts or "Tidak ada lagi berita draf di pratinjau.")
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


def serve(options: Options, host: str = "127.0.0.1", port: int = 8000, polling: bool = False) -> int:
    """`python -m generator serve`: runs until Ctrl-C; 2 when the address cannot be used."""
    writer.check_output_dir(options.output, options.site_dir, options.cache_dir)   # UnsafeOutput: bad usage, exit 2 in cli
    writer.claim(options.output, options.site_dir, options.cache_dir, cache.scan(options.output), options.force)
    preview = Preview(options, polling=polling)
    try:
        preview.bind(host, port)
    except (OSError, OverflowError) as err:
        print(bind_error(host, port, err), file=sys.stderr)
        return 2
    previous = None
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C stops the preview even when it was started with SIGINT ignored (a background job of a script,
        # nohup, a CI wrapper): the ignoring is inherited, not asked for, and the preview would never stop.
        previous = signal.signal(signal.SIGTERM, _interrupt), signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        print("Membangun situs…", flush=True)
        preview.start()
        print(f"Situs tampil di {preview.url}  (perubahan dimuat ulang otomatis; tekan Ctrl-C untuk berhenti)",
              flush=True)
        print(f"Panduan menulis berita: {preview.origin}{guide.PATH}", flush=True)
        preview.server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous[0])
            signal.signal(signal.SIGINT, previous[1])
    print("Pratinjau dihentikan.", flush=True)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt
