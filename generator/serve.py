"""Preview server: builds the site, then serves the output folder over HTTP on this computer."""

from __future__ import annotations

import functools
import http.server
import sys

from .build import Options, build
from .report import BuildFailed


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".webp": "image/webp", ".avif": "image/avif", ".xml": "application/xml", ".js": "text/javascript"}

    def send_error(self, code, message=None, explain=None):
        page = self.directory and __import__("pathlib").Path(self.directory) / "404.html"
        if code == 404 and page and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):
        pass


def serve(options: Options, host: str, port: int) -> int:
    try:
        result = build(options)
        print(f"Selesai: {result.summary()}.")
    except BuildFailed as failed:
        for problem in failed.problems:
            print(problem, file=sys.stderr)
        if not (options.output / "index.html").exists():
            return 1
        print("Pembangunan gagal; menampilkan hasil terakhir yang berhasil.", file=sys.stderr)
    handler = functools.partial(_Handler, directory=str(options.output))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as err:
        print(f"Galat: tidak bisa memakai {host}:{port} ({err.strerror}). Pilih porta lain dengan --port 8001.",
              file=sys.stderr)
        return 2
    print(f"Situs tampil di http://{host}:{port}/  (tekan Ctrl-C untuk berhenti)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
