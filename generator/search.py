"""Site search: a Pagefind index of the rendered pages, made in the cache and published under /pagefind/ by the writer."""

from __future__ import annotations

import hashlib
import os
import shutil
import json
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import searchparts
from .report import Problems
from .site import SEARCH_FOLDER, output_file

BUNDLE = SEARCH_FOLDER.strip("/")   # the index is published at /pagefind/
MARKER = b"data-pagefind-body"      # only pages whose template marks their content are indexed
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")  # cari.js is the UI
BATCH = 700                         # pages per Pagefind run: about 170 MB of its memory; two runs at a time
PARALLEL = 2
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
    Pagefind reads only the pages it has not seen (searchparts keeps what each page gave it); their records are
    merged into one whole-site index, the same bytes however the pages came to be indexed.
    """
    binary = executable()
    if binary is None:
        problems.warn("pencarian", None, "program Pagefind tidak ditemukan, jadi indeks pencarian tidak dibuat.", HELP)
        return {}
    indexed = indexed_pages(_read(pages))
    cache = Cache(cache_dir / "pagefind", binary)
    folder = cache.bundles / fingerprint(binary, indexed)
    if not (folder / "pagefind-entry.json").is_file():
        error = cache.make(indexed, folder)
        if error:
            problems.warn("pencarian", None, f"Pagefind gagal membuat indeks pencarian: {error}",
                          "Halaman lain tetap dibangun; bangun ulang untuk mencoba lagi. " + HELP)
            return {}
    cache.keep_only(folder)
    return {f"/{BUNDLE}/{p.relative_to(folder).as_posix()}": p for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(UNUSED) and p.name != searchparts.CHUNK_LIST}


class Cache:
    """The search cache: one record per indexed page (by page and program), the program's own files, the bundles."""

    def __init__(self, root: Path, binary: Path):
        self.root, self.binary = root, binary
        stat = binary.stat()
        self.program_id = hashlib.sha256(f"{binary.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        self.records = root / "halaman" / self.program_id
        self.program = root / "program" / self.program_id
        self.bundles = root / "indeks"

    def key(self, url: str, html: bytes) -> str:
        return hashlib.sha256(url.encode() + b"\0" + html).hexdigest()[:32]

    def make(self, pages: dict[str, bytes], folder: Path) -> str:
        """Index the pages not seen before, merge every page's record into folder. Returns an error text."""
        keys = {url: self.key(url, html) for url, html in pages.items()}
        missing = {url: html for url, html in pages.items() if not (self.records / f"{keys[url]}.rec").is_file()}
        if not (self.program / "pagefind-entry.json").is_file() and pages and not missing:
            first = min(pages)
            missing = {first: pages[first]}
        try:
            error = self._index(missing, keys)
            if error:
                return error
            records = [searchparts.PageRecord.loads((self.records / f"{keys[url]}.rec").read_bytes())
                       for url in pages]
            merged = searchparts.merge(records, self.program, self._previous(folder))
        except searchparts.Unsupported:
            return make(self.binary, pages, folder)
        except OSError as err:
            return str(err)
        scratch = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
        shutil.rmtree(scratch, ignore_errors=True)
        for rel, data in merged.files.items():
            target = scratch / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (scratch / searchparts.CHUNK_LIST).write_text(json.dumps(merged.chunks, sort_keys=True), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(scratch, folder)
        self._forget(set(keys.values()))
        return ""

    def _index(self, pages: dict[str, bytes], keys: dict[str, str]) -> str:
        """Run Pagefind over the pages in batches (two at a time) and keep each page's record."""
        if not pages:
            return ""
        urls = sorted(pages)
        size = -(-len(urls) // -(-len(urls) // BATCH))
        batches = [urls[i:i + size] for i in range(0, len(urls), size)]
        self.records.mkdir(parents=True, exist_ok=True)

        def run(batch: list[str]) -> str:
            with tempfile.TemporaryDirectory(dir=self.root, prefix="batch-") as scratch:
                bundle = Path(scratch) / BUNDLE
                error = make(self.binary, {url: pages[url] for url in batch}, bundle)
                if error:
                    return error
                by_address = {pagefind_url(url): keys[url] for url in batch}
                for record in searchparts.split(bundle):
                    if record.url not in by_address:
                        raise searchparts.Unsupported(f"alamat {record.url} tidak dikenal")
                    write_atomic(self.records / f"{by_address[record.url]}.rec", record.dumps())
                if not (self.program / "pagefind-entry.json").is_file():
                    keep = self.program.with_name(f"{self.program.name}.{os.getpid()}.{threading.get_ident()}.tmp")
                    shutil.rmtree(keep, ignore_errors=True)
                    keep.mkdir(parents=True)
                    for path in bundle.iterdir():
                        if path.is_file():
                            shutil.copy2(path, keep / path.name)
                    try:
                        os.replace(keep, self.program)
                    except OSError:
                        shutil.rmtree(keep, ignore_errors=True)
            return ""

        self.root.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=min(PARALLEL, len(batches))) as pool:
            errors = [e for e in pool.map(run, batches) if e]
        return errors[0] if errors else ""

    def _previous(self, folder: Path) -> Path | None:
        if not self.bundles.is_dir():
            return None
        found = [p for p in self.bundles.iterdir() if p.is_dir() and p != folder and (p / searchparts.CHUNK_LIST).is_file()]
        return max(found, key=lambda p: p.stat().st_mtime_ns) if found else None

    def _forget(self, used: set[str]) -> None:
        """Records of pages that are no longer on the site, and of other programs, are removed."""
        for path in self.records.glob("*.rec"):
            if path.stem not in used:
                path.unlink(missing_ok=True)
        for parent in (self.root / "halaman", self.root / "program"):
            for old in parent.iterdir() if parent.is_dir() else ():
                if old.name != self.program_id:
                    shutil.rmtree(old, ignore_errors=True)

    def keep_only(self, folder: Path) -> None:
        """Only the current bundle stays (and no scratch left by an interrupted build, nor an older cache layout)."""
        for old in self.bundles.iterdir():
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
        for stray in self.root.iterdir():
            if stray.name not in ("halaman", "program", "indeks"):
                shutil.rmtree(stray, ignore_errors=True)


def pagefind_url(url: str) -> str:
    """The address Pagefind gives the page written for a site URL (it names pages by their file)."""
    rel = output_file(url)
    return "/" + (rel[:-len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)


def write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


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
