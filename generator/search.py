"""Site search: a Pagefind index of the rendered pages, made in the cache and published under /pagefind/ by the writer."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from .report import Problems
from .site import SEARCH_FOLDER, output_file

BUNDLE = SEARCH_FOLDER.strip("/")   # the index is published at /pagefind/
MARKER = b"data-pagefind-body"      # only pages whose template marks their content are indexed
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")  # cari.js is the UI
TIMEOUT = 900                       # seconds; Pagefind takes about 5 ms a page here (2000 posts: 10 s)
HELP = ("Jalankan `make build` (atau `.venv/bin/pip install -r requirements.txt`) agar paket pagefind[extended] "
        "terpasang; halaman /cari/ baru berfungsi setelah itu.")


def executable() -> Path | None:
    """The Pagefind program shipped by the pagefind[extended] package (or PAGEFIND_BINARY_PATH), if any."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        found = get_executable()
    except (FileNotFoundError, OSError):
        return None
    return found if found is not None and found.is_file() else None


def _read(pages: dict[str, bytes | Path]) -> dict[str, bytes]:
    """Rendered pages as bytes: given in memory, or as files (a page kept from the last build, or a staged one)."""
    return {url: data if isinstance(data, bytes) else Path(data).read_bytes() for url, data in pages.items()
            if output_file(url).endswith(".html")}


def indexed_pages(pages: dict[str, bytes]) -> dict[str, bytes]:
    """The rendered HTML pages that ask to be searchable (their template marks the content with data-pagefind-body).

    A theme that marks no page (or a site with no post or page yet) gets every page indexed whole, as Pagefind does
    by default, so that the index always exists; redirect stubs of old addresses are left out.
    """
    html_pages = {url: html for url, html in pages.items()
                  if output_file(url).endswith(".html") and b'http-equiv="refresh"' not in html}
    marked = {url: html for url, html in html_pages.items() if MARKER in html}
    return marked or html_pages


def fingerprint(binary: Path, pages: dict[str, bytes]) -> str:
    """Names the index of exactly these pages made by exactly this program: equal inputs, equal folder."""
    digest = hashlib.sha256()
    stat = binary.stat()
    digest.update(f"{binary.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    for url in sorted(pages):
        digest.update(url.encode() + b"\0" + hashlib.sha256(pages[url]).digest())
    return digest.hexdigest()[:32]


def index(pages: dict[str, bytes | Path], cache_dir: Path, problems: Problems) -> dict[str, Path]:
    """The search bundle for these pages as {site URL: cached file}, ready for the writer; {} with a warning on failure.

    pages maps every site URL of the build to its rendered bytes or to the file holding them; only HTML pages are read.

    The index is made in the cache (never in the output), so a failed build leaves the output as it was, and it is
    made again only when an indexed page changed: an unchanged site gives the same files and the writer writes nothing.
    """
    binary = executable()
    if binary is None:
        problems.warn("pencarian", None, "program Pagefind tidak ditemukan, jadi indeks pencarian tidak dibuat.", HELP)
        return {}
    indexed = indexed_pages(_read(pages))
    root = cache_dir / "pagefind"
    folder = root / fingerprint(binary, indexed)
    if not (folder / "pagefind-entry.json").is_file():
        error = make(binary, indexed, folder)
        if error:
            problems.warn("pencarian", None, f"Pagefind gagal membuat indeks pencarian: {error}",
                          "Halaman lain tetap dibangun; bangun ulang untuk mencoba lagi. " + HELP)
            return {}
    for old in root.iterdir():
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return {f"/{BUNDLE}/{p.relative_to(folder).as_posix()}": p for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(UNUSED)}


def make(binary: Path, pages: dict[str, bytes], folder: Path) -> str:
    """Run Pagefind over the pages written to a scratch folder; the bundle lands in folder. Returns an error text."""
    scratch = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    site, bundle = scratch / "site", scratch / BUNDLE
    try:
        for url, html in pages.items():
            target = site / output_file(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(html)
        site.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run([str(binary), "--site", str(site), "--output-path", str(bundle), "--silent"],
                                  capture_output=True, text=True, timeout=TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as err:
            return str(err)
        if done.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
            said = (done.stderr or done.stdout).strip().splitlines()
            return said[-1] if said else f"kode keluar {done.returncode}"
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(bundle, folder)
        return ""
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
