"""Site search: one Pagefind index of the rendered pages, made in the cache from per-page records (Pagefind reads only
new and changed pages) and published under /pagefind/ by the writer."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cbor2

from generator.core import atomic
from generator.core import parallel, system
from generator.core.report import Problems
from generator.model.urls import SEARCH_FOLDER, output_file
from generator.render import pagefind, pagefind_service

BUNDLE = SEARCH_FOLDER.strip("/")   # the index is published at /pagefind/
MARKER = b"data-pagefind-body"      # only pages whose template marks their content are indexed
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")  # cari.js is the UI
BATCH = 500                         # pages per Pagefind run: about 125 MB of its memory; two runs at a time
PARALLEL = 2
HELP = ("Pasang paket pagefind[extended] untuk Python yang menjalankan generator (lewat make: `make build`; "
        "perintah situs-kpu memasangnya sendiri); halaman /cari/ baru berfungsi setelah itu.")


def executable() -> Path | None:
    """The Pagefind program: PAGEFIND_BINARY_PATH, else the one the pagefind[extended] package ships (or pagefind_bin),
    else pagefind_extended or pagefind on PATH; None when there is none.

    The order is that of the pagefind package's get_executable, found without importing it or the package shipping
    the program: those import asyncio, ssl and logging, 50-300 ms of every build with search on this machine."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    found = Path(named) if named is not None else _shipped() or _on_path()
    return found if found is not None and found.is_file() else None


def _shipped() -> Path | None:
    """The program inside the pagefind_bin_extended (or pagefind_bin) package, located without importing it."""
    from importlib.util import find_spec

    suffixes = ("", ".exe") if os.name == "nt" else ("",)
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            spec = find_spec(package)
        except (ImportError, ValueError):
            continue
        for folder in (spec.submodule_search_locations or ()) if spec is not None else ():
            for name in ("pagefind_extended", "pagefind"):
                for suffix in suffixes:
                    if (Path(folder) / (name + suffix)).exists():
                        return Path(folder) / (name + suffix)
    return None


def _on_path() -> Path | None:
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


@dataclass(frozen=True)
class Rendered:
    """A rendered page for the index: the digest of its bytes (as the writer records it) and the bytes or their file."""
    key: str
    source: bytes | Path

    def read(self) -> bytes:
        return self.source if isinstance(self.source, bytes) else Path(self.source).read_bytes()


REDIRECT, WHOLE, MARKED = 0, 1, 2   # what a page is to the index: an old address's stub, a page, a marked page


def kind_of(html: bytes) -> int:
    if b'http-equiv="refresh"' in html:
        return REDIRECT
    return MARKED if MARKER in html else WHOLE


_OPEN_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)[^>]*\Z")
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_KEEPS = (b"data-pagefind", b"<h1", b"<H1", b"<img", b"<IMG", b"<!--")   # what Pagefind may read outside the body


def trimmed(html: bytes) -> bytes:
    """A marked page as Pagefind needs it: the head and the marked element, without the site's header, sidebar and
    footer around it (a third of a post page, read for nothing). The page is left whole wherever that could change
    what Pagefind finds: more than one marked element, or something it reads (its attributes, a heading, an image,
    a comment) in the parts left out."""
    at = html.find(MARKER)
    if at < 0 or html.find(MARKER, at + 1) >= 0:
        return html
    start = html.rfind(b"<", 0, at)
    tag = _OPEN_TAG.match(html, start, at)
    body = _BODY.search(html, 0, start)
    if start < 0 or tag is None or body is None:
        return html
    name = tag.group(1)
    depth, end = 0, -1
    for found in re.finditer(rb"<(/?)" + re.escape(name) + rb"\b[^>]*>", html[start:], re.IGNORECASE):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            end = start + found.end()
            break
    if end < 0:
        return html
    left_out = html[body.end():start] + html[end:]
    if any(keep in left_out for keep in _KEEPS):
        return html
    return html[:body.end()] + html[start:end] + b"</body></html>"


def indexed_pages(kinds: dict[str, int]) -> list[str]:
    """The URLs of the rendered HTML pages that ask to be searchable (their template marks the content with
    data-pagefind-body).

    A theme that marks no page (or a site with no post or page yet) gets every page indexed whole, as Pagefind does
    by default, so that the index always exists; redirect stubs of old addresses are left out.
    """
    marked = sorted(url for url, kind in kinds.items() if kind == MARKED)
    return marked or sorted(url for url, kind in kinds.items() if kind == WHOLE)


def index(pages: dict[str, Rendered], cache_dir: Path, problems: Problems) -> dict[str, Path | Kept]:
    """The search bundle for these pages as {site URL: cached file, or Kept for a fragment}, ready for the writer; {}
    with a warning on failure.

    pages maps every site URL of the build to its rendered page; only HTML pages are read, and only those the cache
    has not seen (it knows each page by the digest of its bytes).

    The index is made in the cache (never in the output), so a failed build leaves the output as it was, and it is
    made again only when an indexed page changed: an unchanged site gives the same files and the writer writes nothing.
    Pagefind reads only the pages it has not seen (searchparts keeps what each page gave it); their records are
    merged into one whole-site index, the same bytes however the pages came to be indexed.
    """
    binary = executable()
    if binary is None:
        problems.warn("pencarian", None, "program Pagefind tidak ditemukan, jadi indeks pencarian tidak dibuat.", HELP)
        return {}
    cache = Cache(cache_dir / "pagefind", binary)
    state = cache.load()
    html = {url: page for url, page in pages.items() if output_file(url).endswith(".html")}
    known = (state or {}).get("kinds", {})
    kinds = {url: known[page.key] if page.key in known else kind_of(page.read()) for url, page in html.items()}
    indexed = indexed_pages(kinds)
    keys = {url: cache.key(url, html[url].key) for url in indexed}
    mark = fingerprint(cache.program_id, keys)
    if state is None or state.get("fingerprint") != mark:
        state, error = cache.make({url: html[url] for url in indexed}, keys, state, mark)
        if error:
            problems.warn("pencarian", None, f"Pagefind gagal membuat indeks pencarian: {error}",
                          "Halaman lain tetap dibangun; bangun ulang untuk mencoba lagi. " + HELP)
            return {}
    cache.keep_only(state, {html[url].key: kind for url, kind in kinds.items()})
    fragments = state.get("fragments", {})
    return {f"/{BUNDLE}/{rel}": (Kept(digest, functools.partial(cache.fragment, fragments[rel])) if rel in fragments
                                 else cache.store / digest)
            for rel, digest in sorted(state["listing"].items()) if not rel.rsplit("/", 1)[-1].startswith(UNUSED)}


@dataclass(frozen=True)
class Kept:
    """A file of the bundle kept inside its page's record, not in a file of its own (a fragment: 5,000 files fewer to
    write for 5,000 posts), read like a file; digest (SHA-1) names its bytes."""
    digest: str
    load: Callable[[], bytes]

    def read_bytes(self) -> bytes:
        return self.load()


def fingerprint(program_id: str, keys: dict[str, str]) -> str:
    """Names the index of exactly these pages made by exactly this program: equal inputs, equal index."""
    digest = hashlib.sha256(program_id.encode())
    for url in sorted(keys):
        digest.update(f"\0{url}\0{keys[url]}".encode())
    return digest.hexdigest()[:32]


class Cache:
    """The search cache: one record per indexed page (by page and program; it holds the page's fragment file), the
    program's own files, every other file of the current bundle by the SHA-1 of its bytes, and the merged index the
    next build patches."""

    def __init__(self, root: Path, binary: Path):
        self.root, self.binary = root, binary
        stat = binary.stat()
        self.program_id = hashlib.sha256(f"{binary.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        self.records = root / "halaman.cbor"      # {page key: record}, of this program's pages; one file
        self._records: dict[str, bytes] | None = None
        self._files: set[str] | None = None
        self.program = root / "program" / self.program_id
        self.store = root / "berkas"
        self.state = root / "indeks.cbor"         # the bundle's files and what names it; small, read every build
        self.merged = root / "gabungan.cbor"      # the merged index, read only to patch it
        self.pending = root / "sedang-ditulis.json"   # files of the store being written (present only meanwhile)
        self._recover()

    def key(self, url: str, content: str) -> str:
        """A page's record name: its URL and the digest of its bytes."""
        return hashlib.sha256(f"{url}\0{content}".encode()).hexdigest()[:32]

    def _recover(self) -> None:
        """After a build cut off while filling the store: its files may be cut short, so they go."""
        try:
            writing = json.loads(self.pending.read_bytes())
        except (OSError, ValueError):
            return
        for digest in writing if isinstance(writing, list) else ():
            if isinstance(digest, str) and digest.isalnum():
                (self.store / digest).unlink(missing_ok=True)
        self.pending.unlink(missing_ok=True)

    def files(self) -> set[str]:
        """The names of the files in the store, listed once (each check was a stat of every one of 5,000 files)."""
        if self._files is None:
            try:
                self._files = set(os.listdir(self.store))
            except OSError:
                self._files = set()
        return self._files

    def stored(self) -> dict[str, bytes]:
        """The records the cache holds ({page key: record bytes}); none from another Pagefind program."""
        if self._records is None:
            try:
                program, records = cbor2.loads(self.records.read_bytes())
                self._records = dict(records) if program == self.program_id else {}
            except (OSError, ValueError, TypeError, cbor2.CBORDecodeError):
                self._records = {}
        return self._records

    def has_record(self, key: str) -> bool:
        return key in self.stored()

    def load(self) -> dict | None:
        try:
            state = cbor2.loads(self.state.read_bytes())
        except (OSError, ValueError, cbor2.CBORDecodeError):
            return None
        if not isinstance(state, dict) or state.get("program") != self.program_id:
            return None
        fragments = state.get("fragments", {})
        if not {digest for rel, digest in state.get("listing", {}).items() if rel not in fragments} <= self.files():
            return None
        if fragments and state.get("records") != self._stamp():
            return None         # not the records this bundle's fragments are in (a build cut off between them)
        return state

    def _stamp(self) -> list | None:
        try:
            st = self.records.stat()
        except OSError:
            return None
        return [st.st_size, st.st_mtime_ns, st.st_ino]

    def fragment(self, key: str) -> bytes:
        """A fragment file of the bundle, from its page's record."""
        return pagefind.PageRecord.fragment_of(self.stored()[key])

    def records_of(self, keys, fresh: dict[str, bytes]) -> dict[str, pagefind.PageRecord]:
        """The records of these pages (fresh: those just made). Records the cache cannot read (a build cut off while
        writing them) are removed and reported together (Damaged), for the pages to be indexed again."""
        out, damaged = {}, set()
        stored = self.stored()
        for key in keys:
            try:
                out[key] = pagefind.PageRecord.loads(fresh[key] if key in fresh else stored[key])
            except (KeyError, ValueError, TypeError, cbor2.CBORDecodeError):
                stored.pop(key, None)
                damaged.add(key)
        if damaged:
            raise Damaged(damaged)
        return out

    def make(self, pages: dict[str, Rendered], keys: dict[str, str], state: dict | None,
             mark: str) -> tuple[dict, str]:
        """Index the pages the cache has no record of and bring the merged index of every page up to date. Returns
        (state, error text)."""
        missing = [url for url in pages if not self.has_record(keys[url])]
        if not missing and pages and not (self.program / "pagefind-entry.json").is_file():
            missing = [min(pages)]      # Pagefind's own files come with any run
        html = {url: pages[url] for url in missing}
        fresh: dict[str, bytes] = {}
        try:
            fresh, error = self._index(html, keys)
            if error:
                return {}, error
            try:
                index, loaded = self._merge(set(keys.values()), state, fresh)
            except Damaged as damaged:
                again = {url: pages[url] for url in pages if keys[url] in damaged.keys}
                more, error = self._index(again, keys)
                if error:
                    return {}, error
                fresh.update(more)
                index, loaded = self._merge(set(keys.values()), state, fresh)
            entry = json.loads((self.program / "pagefind-entry.json").read_text(encoding="utf-8"))
            known = {raw: packed for raw, packed in (state or {}).get("chunks", {}).items()
                     if packed in self.files()}
            made = pagefind.files(index, entry, known)
            listing, new, fragments = dict(made.listing), dict(made.new), made.fragments
            for name, data in pagefind.program_files(self.program).items():
                digest = hashlib.sha1(data).hexdigest()
                listing[name] = digest
                new[digest] = data
            chunks = made.chunks
        except pagefind.Unsupported:
            listing, new, index, chunks, error = self._whole({url: page.read() for url, page in pages.items()})
            fragments = {}
            if error:
                return {}, error
        except OSError as err:
            return {}, str(err)
        state = {"program": self.program_id, "fingerprint": mark, "listing": listing, "chunks": chunks,
                 "fragments": fragments}
        try:
            self._save(new, state, index, fresh, set(keys.values()))
        except OSError as err:
            return {}, str(err)
        return state, ""

    def _save(self, new: dict[str, bytes], state: dict, index: pagefind.Index | None,
              fresh: dict[str, bytes], current: set[str]) -> None:
        """The bundle's new files, the records of the current pages only, the merged index and the state."""
        self.store.mkdir(parents=True, exist_ok=True)
        writing = sorted(digest for digest in new if digest not in self.files())
        write_atomic(self.pending, json.dumps(writing).encode())   # a build cut off below leaves this list
        for digest in writing:
            (self.store / digest).write_bytes(new[digest])      # named by its bytes; no rename needed
            self.files().add(digest)
        stored = self.stored()
        stored.update(fresh)
        kept = {key: stored[key] for key in sorted(current) if key in stored}
        if fresh or kept.keys() != stored.keys():
            write_atomic(self.records, cbor2.dumps([self.program_id, kept]))
            self._records = kept
        state["records"] = self._stamp()     # the fragments are read from these records
        if index is not None:
            write_atomic(self.merged, cbor2.dumps([self.program_id, state["fingerprint"], pagefind.dump_index(index)]))
        else:
            self.merged.unlink(missing_ok=True)
        write_atomic(self.state, cbor2.dumps(state))
        self.pending.unlink()

    def _merge(self, current: set[str], state: dict | None,
               fresh: dict[str, bytes]) -> tuple[pagefind.Index, dict]:
        """The merged index of the current records (fresh: those just made), patched from the last one where that is
        exact; and the records it loaded."""
        last = self._last(state)
        if last is not None:
            before = {page.key for page in last.pages}
            try:
                old = self.records_of(before - current, {})
            except Damaged:
                old = None      # records of pages leaving the site: a whole merge does without them
            if old is not None:
                new = self.records_of(current - before, fresh)
                patched = pagefind.patch(last, old, new)
                if patched is not None:
                    return patched, new
        loaded = self.records_of(current, fresh)
        return pagefind.merge(loaded), loaded

    def _last(self, state: dict | None) -> pagefind.Index | None:
        """The merged index the state's bundle was made from, if the cache still holds it."""
        if not state:
            return None
        try:
            program, mark, data = cbor2.loads(self.merged.read_bytes())
            return pagefind.load_index(data) if (program, mark) == (self.program_id, state["fingerprint"]) else None
        except (OSError, ValueError, TypeError, KeyError, cbor2.CBORDecodeError):
            return None

    def _whole(self, pages: dict[str, bytes]) -> tuple[dict, dict, None, dict, str]:
        """One Pagefind run over the whole site (for what searchparts does not take apart)."""
        files, error = make(self.binary, {output_file(url): html for url, html in pages.items()}, self.root)
        if error:
            return {}, {}, None, {}, error
        listing, new = {}, {}
        for rel in sorted(files):
            digest = hashlib.sha1(files[rel]).hexdigest()
            listing[rel] = digest
            new[digest] = files[rel]
        return listing, new, None, {}, ""

    def _index(self, pages: dict[str, Rendered], keys: dict[str, str]) -> tuple[dict[str, bytes], str]:
        """Run Pagefind over the pages in batches (two at a time, each taken apart in its own process) and keep each
        page's record; returns them ({key: record}) and an error text."""
        if not pages:
            return {}, ""
        urls = sorted(pages)
        size = -(-len(urls) // batch_count(len(urls)))
        batches = [urls[i:i + size] for i in range(0, len(urls), size)]
        self.root.mkdir(parents=True, exist_ok=True)
        job = functools.partial(self._batch, pages, keys, 1 if PARALLEL > 1 and len(batches) > 1 else None)
        fresh, errors = {}, []
        for group in parallel.run(job, batches, PARALLEL, minimum=2, smallest=1):
            for records, error in group:
                fresh.update(records)
                if error:
                    errors.append(error)
        return fresh, (errors[0] if errors else "")

    def _batch(self, pages: dict[str, Rendered], keys: dict[str, str], threads: int | None,
               batch: list[str]) -> tuple[dict, str]:
        """One Pagefind run over some pages; their records are returned with an error text."""
        by_address = {pagefind_url(url): url for url in batch}
        names = {url: f"{n:05d}.html" for n, url in enumerate(batch)}     # short names, readdressed by split
        files, error = make(self.binary, {names[url]: _input(pages[url]) for url in batch}, self.root, threads)
        if error:
            return {}, error
        records = {}
        for record in pagefind.split(files, {f"/{names[url]}": pagefind_url(url) for url in batch}):
            records[keys[by_address[record.url]]] = record.dumps()     # bytes: a tenth of the objects' memory
        if not (self.program / "pagefind-entry.json").is_file():
            keep = self.program.with_name(f"{self.program.name}.{os.getpid()}.tmp")
            shutil.rmtree(keep, ignore_errors=True)
            keep.mkdir(parents=True)
            for rel, data in files.items():
                if "/" not in rel:          # the program's own files and the entry, beside the index's folders
                    (keep / rel).write_bytes(data)
            try:
                os.replace(keep, self.program)
            except OSError:     # the other batch's process kept them first
                shutil.rmtree(keep, ignore_errors=True)
        return records, ""

    def keep_only(self, state: dict, kinds: dict[str, int]) -> None:
        """Only what the current bundle uses stays: its files and this program's files (no scratch left by an
        interrupted build, nor an older cache layout; the records are kept by make); kinds, what each page of the
        site is to the index (by the digest of its bytes), is kept for the next build."""
        if state.get("kinds") != kinds:
            state["kinds"] = kinds
            write_atomic(self.state, cbor2.dumps(state))
        for name in self.files() - set(state["listing"].values()):
            (self.store / name).unlink(missing_ok=True)
        self._files = None
        programs = self.root / "program"
        for old in programs.iterdir() if programs.is_dir() else ():
            if old.name != self.program_id:
                shutil.rmtree(old, ignore_errors=True)
        for stray in self.root.iterdir():
            if stray.name not in ("program", "berkas", self.records.name, self.state.name, self.merged.name,
                                  self.pending.name):
                if stray.is_dir():
                    shutil.rmtree(stray, ignore_errors=True)
                else:
                    stray.unlink(missing_ok=True)


class Damaged(OSError):
    """Records in the cache that could not be read (they are removed); keys names them."""

    def __init__(self, keys: set[str]):
        super().__init__(f"{len(keys)} catatan indeks rusak")
        self.keys = keys


def batch_count(pages: int) -> int:
    """How many Pagefind runs index this many pages: at most BATCH pages each, and a multiple of PARALLEL when there
    is more than one, so that the runs side by side end together (1,001 pages in 3 runs kept one core idle during the
    last; in 4 runs of 251 both finish at once)."""
    count = max(1, -(-pages // BATCH))
    return count if count == 1 else -(-count // PARALLEL) * PARALLEL


def pagefind_url(url: str) -> str:
    """The address Pagefind gives the page written for a site URL (it names pages by their file)."""
    rel = output_file(url)
    return "/" + (rel[:-len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)


def write_atomic(path: Path, data: bytes) -> None:
    atomic.write_bytes(path, data, sync=False)


def _input(page: Rendered) -> bytes | Path:
    """What Pagefind reads for a page: its file as it is (linked, see make), or its bytes trimmed."""
    return page.source if isinstance(page.source, Path) else trimmed(page.source)


def make(binary: Path, pages: dict[str, bytes | Path], scratch: Path,
         threads: int | None = None) -> tuple[dict[str, bytes], str]:
    """Run Pagefind over the pages ({file name under the site: HTML, or its file}); returns its bundle ({path in it:
    bytes}) and an error text. threads limits Pagefind's own threads (two runs side by side each with one thread
    finish sooner than each with all: 7.6 s against 9.4 s for 10 batches of 500 pages here).

    Two ways, by what making a file costs (system.costly_files). On Windows, as a service (pagefind_service): the
    pages go to it and its bundle comes back over a pipe, and no file is made. Elsewhere, as a command over a
    folder made in scratch, its bundle read back: a batch of 500 pages took 0.82 s so on tmpfs against 0.99 s as a
    service, whose messages cost Pagefind itself more than the files do here; a cold build of 1,000 posts on a
    journaled ext4 took 5.20 s so against 5.34 s (only ext4 with no journal, which then spent up to 1 ms on each new
    file, favoured the service: 1.06-1.23 s against 1.01-1.06 s a batch)."""
    if system.costly_files():
        return pagefind_service.index(binary, {name: html if isinstance(html, bytes) else trimmed(html.read_bytes())
                                               for name, html in pages.items()}, threads)
    return _by_command(binary, pages, scratch, threads)


def _by_command(binary: Path, pages: dict[str, bytes | Path], scratch: Path,
                threads: int | None) -> tuple[dict[str, bytes], str]:
    """Pagefind's command over the pages put in a folder made in scratch, and its bundle read back; the folder is
    removed. A page given as a file is hard-linked there, not copied: making a file costs ~0.8 ms of system time here
    against ~0.02 ms for a link, which outweighs what trimming spares Pagefind (0.45 s against 0.15 s for 500
    pages). The link is only read; where the system makes none (another file system, FAT) the file is copied."""
    scratch.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=scratch, prefix="batch-"))
    site, bundle = folder / "site", folder / BUNDLE
    try:
        _place(pages, site)
        try:
            env = {**os.environ, "RAYON_NUM_THREADS": str(threads)} if threads else None
            done = subprocess.run([str(binary), "--site", str(site), "--output-path", str(bundle), "--silent"],
                                  capture_output=True, text=True, timeout=pagefind_service.TIMEOUT, env=env)
        except (OSError, subprocess.TimeoutExpired) as err:
            return {}, str(err)
        if done.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
            said = (done.stderr or done.stdout).strip().splitlines()
            return {}, said[-1] if said else f"kode keluar {done.returncode}"
        return {path.relative_to(bundle).as_posix(): path.read_bytes()
                for path in sorted(bundle.rglob("*")) if path.is_file()}, ""
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _place(pages: dict[str, bytes | Path], site: Path) -> None:
    site.mkdir()
    made = {site}       # a folder made once, not once a page (a batch's pages are all in site itself)
    for name, html in pages.items():
        target = site / name
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if isinstance(html, bytes):
            target.write_bytes(html)
            continue
        try:
            os.link(html, target)
        except OSError:
            shutil.copyfile(html, target)
