"""Search stays as good for readers (issue 11): the index the build publishes against a whole-site Pagefind run.

The benchmark corpus (../shared/bench/make_corpus.py, fixed seed, no photos) is built once with the generator's
`build` command: 300 posts in the test suite, with our Pagefind runs lowered from search.BATCH (500) pages to BATCH,
a third of the posts, so that the pages still come from more separate runs than run side by side (four runs, two at
a time, merged into one index), the index still has many chunks of pagefind.CHUNK_UNITS, and page numbers still pass
255 (their CBOR takes another form), as on the 5,000-post corpus, in a small part of its time; `make bench` runs this
module on the 5,000-post corpus (benchmarks/search_quality.py sets SEARCH_QUALITY_POSTS) with the generator's own
batches, the size issue 11 measured. The reference index is the Pagefind CLI run once over the same
built pages (every HTML page holding data-pagefind-body, copied to a scratch folder), as a Hugo site with search
would have it. Both bundles are served over HTTP on 127.0.0.1 and queried in Chromium through their own pagefind.js,
so the test does not care how our index is made, only what a reader's browser gets from /pagefind/.

For each query of QUERIES:
- every page the reference finds is found by ours. The sets of page URLs are compared whole: each result's URL comes
  from result.data() in the browser, loaded once per result id and page (a Map in the page; about 10 s per index for
  the 5,001 fragments of the 5,000-post corpus, the broad queries find nearly every page), so no result is left out
  of the comparison;
- at least 4 of the reference's top 5 are in our top 5 (k-1 of k when it finds k < 5 pages; pages tied with the
  reference's 5th score count as in its top 5, see top_agreement);
- the bytes a reader downloads for the query as the first one of a visit (pagefind.js, the worker, the WebAssembly,
  the entry and meta files, the index chunks and the first FRAGMENTS results' fragments, as counted by the server
  under the bundle's path) are at most 1.5x the reference's. Each visit asks for its files at addresses of its own
  (/NAME/VISIT/FILE), so none of them is in the browser's cache or module map when it starts, as on a first visit;
  the visits share one browser context (a context for each took half the module's time).

The figures are printed (`pytest -s`) and written to search-quality.json in the test's temporary folder.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.render import search
from generator.render.search import PARALLEL, batch_count, executable
from tests.browser import chromium, require, require_browser
from tests.conftest import MINIMAL_CONFIG, ROOT

pytestmark = pytest.mark.slow

POSTS = int(os.environ.get("SEARCH_QUALITY_POSTS", "300"))   # benchmarks/search_quality.py: 5000
BATCH = min(search.BATCH, POSTS // 3)     # pages per Pagefind run of our build: the generator's own from 1,500 posts
SEED = 1
FRAGMENTS = 5          # results whose fragment (title, URL, excerpt) a first query loads (cari.js shows 10 a page)
MARKER = b"data-pagefind-body"
TIMEOUT = 900          # seconds for the corpus build and for the reference run, on a loaded 2-core machine

# Queries a reader of a KPU site types, over the corpus's vocabulary: single words (common and rare), stemmed forms
# of words the pages hold in another form, two- and three-word phrases, places, people, a post's number, a year, and
# words the corpus never uses.
QUERIES = [
    "rapat",
    "pemilih",
    "logistik",
    "pemilihan",                    # stem of pemilih / pemilihan
    "memilih",                      # another affix on the same stem
    "berkoordinasi",                # the pages say "koordinasi" / "mengoordinasikan"
    "sosialisasi",
    "menyosialisasikan",
    "berintegritas",
    "disabilitas",
    "Sirekap",
    "pelantikan",
    "rekapitulasi suara",
    "surat suara",
    "distribusi logistik",
    "bimbingan teknis",
    "rapat pleno terbuka",
    "nota kesepahaman",             # the reference's 4th and 5th results tie
    "Apel Siaga",
    "pemutakhiran data pemilih",
    "Tarakan",
    "Long Bawan",
    "Krayan",
    "Hotel Crown Tarakan",
    "Yohanes Lawing",
    "Suryanata",
    f"#{POSTS * 2003 // 5000}",     # a post's number: #2003 of 5,000
    str(POSTS - 1),
    "2024",
    "visi misi",                    # only the profile page
    "Jl. Sengkawit",
    "gempa tsunami",                # no page
]


# --- the corpus, our build and the reference index ------------------------------------------------------------------

def make_corpus_script() -> Path:
    """Found as benchmarks/run.py finds it: beside the repository, in the shared folder."""
    script = ROOT.parent / "shared" / "bench" / "make_corpus.py"
    if not script.is_file():
        script = Path("/work/shared/bench/make_corpus.py")
    require(script.is_file(), "make_corpus.py (../shared/bench/) tidak ada: uji mutu pencarian dilewati")
    return script


def run(command: list, what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


# `python -m generator ARGS` with search.BATCH set to the first argument.
BUILD = ("import sys; from generator.render import search; search.BATCH = int(sys.argv.pop(1))\n"
         "from generator.cli import main; sys.exit(main(sys.argv[1:]))")


def reference_index(output: Path, scratch: Path, bundle: Path, binary: Path) -> None:
    """The whole-site Pagefind run: the built pages that mark their content for search, indexed in one go."""
    for page in output.rglob("*.html"):
        data = page.read_bytes()
        if MARKER in data:
            target = scratch / page.relative_to(output)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    run([str(binary), "--site", str(scratch), "--output-path", str(bundle), "--silent"], "Pagefind (reference)")


@dataclass
class Indexes:
    """The two bundles by name ("ours": the output's pagefind/ folder, "ref": the whole-site Pagefind index) and the
    seconds each step took to make them."""

    bundles: dict[str, Path]
    seconds: dict[str, float]


@pytest.fixture(scope="module")
def indexes(tmp_path_factory) -> Indexes:
    require_browser()
    binary = executable()
    require(binary is not None, "program Pagefind tidak ada: uji mutu pencarian dilewati")
    root = tmp_path_factory.mktemp("search-quality")
    site = root / "site"
    seconds = {}
    start = time.perf_counter()
    run([sys.executable, str(make_corpus_script()), str(site), "--posts", str(POSTS), "--images", "0",
         "--seed", str(SEED), "-q"], "make_corpus.py")
    (site / "config.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")   # the benchmark's config
    seconds["corpus"], start = time.perf_counter() - start, time.perf_counter()
    run([sys.executable, "-c", BUILD, str(BATCH), "build", "--site", str(site)], "the corpus build")
    assert (site / "output" / "pagefind" / "pagefind.js").is_file(), "the build published no search index"
    seconds["build"], start = time.perf_counter() - start, time.perf_counter()
    reference_index(site / "output", root / "pages", root / "ref", binary)
    seconds["reference"] = time.perf_counter() - start
    return Indexes({"ours": site / "output" / "pagefind", "ref": root / "ref"}, seconds)


# --- serving both bundles, counting the bytes sent ------------------------------------------------------------------

@dataclass
class Sent:
    """Response bodies sent, as (visit, bundle name, path, bytes)."""

    rows: list = field(default_factory=list)

    def total(self, visit: str, name: str) -> tuple[int, int]:
        """(bytes, requests) of one visit to one bundle."""
        sizes = [size for who, bundle, _path, size in self.rows if (who, bundle) == (visit, name)]
        return sum(sizes), len(sizes)

    def settle(self, visits: list[str], name: str) -> None:
        """Wait until no further request of these visits arrives (a request the page started but did not await)."""
        seen = None
        while seen != [self.total(visit, name) for visit in visits]:
            seen = [self.total(visit, name) for visit in visits]
            time.sleep(0.1)


class BundleHandler(http.server.SimpleHTTPRequestHandler):
    """/NAME/VISIT/FILE serves FILE of the bundle NAME and logs its size under VISIT; anything else is an empty page
    for the browser to start from."""

    bundles: dict[str, Path] = {}
    sent: Sent

    def translate_path(self, path: str) -> str:
        parts = path.split("?", 1)[0].split("/", 3)
        if len(parts) == 4 and parts[1] in self.bundles:
            return str(self.bundles[parts[1]] / parts[3])
        return super().translate_path(path)

    def send_head(self):
        opened = super().send_head()
        parts = self.path.split("/", 3)
        if opened is not None and hasattr(opened, "fileno") and len(parts) == 4 and parts[1] in self.bundles:
            self.sent.rows.append((parts[2], parts[1], parts[3], os.fstat(opened.fileno()).st_size))
        return opened

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def origin(indexes, tmp_path_factory):
    """An HTTP server on 127.0.0.1 with both bundles, for this module; yields (origin, Sent)."""
    home = tmp_path_factory.mktemp("search-quality-home")
    (home / "index.html").write_text('<!doctype html><html lang="id"><title>uji</title></html>\n', encoding="utf-8")
    sent = Sent()
    handler = type("Handler", (BundleHandler,), {"bundles": indexes.bundles, "sent": sent})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(home)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", sent
    httpd.shutdown()
    httpd.server_close()


# --- querying in the browser ----------------------------------------------------------------------------------------

OPEN = """async (bundle) => {
  window.pf = await import(bundle + "pagefind.js");
  await window.pf.options({ basePath: bundle });
  await window.pf.init();
  window.urls = new Map();
}"""

# Every result as [URL, score], best first; each result's data() is loaded once per page.
ALL_RESULTS = """async (query) => {
  const found = await window.pf.search(query);
  const missing = found.results.filter((r) => !window.urls.has(r.id));
  const rows = await Promise.all(missing.map(async (r) => [r.id, (await r.data()).url]));
  rows.forEach(([id, url]) => window.urls.set(id, url));
  return found.results.map((r) => [window.urls.get(r.id), r.score]);
}"""

# A reader's first query: load the index, search, show the first results. Started without waiting for it (the page
# keeps the promise as window.first[VISIT]), so that the first visits of several queries run side by side.
FIRST_QUERY = """([visit, bundle, query, shown]) => {
  window.first = window.first || {};
  window.first[visit] = (async () => {
    const pf = await import(bundle + "pagefind.js");
    await pf.options({ basePath: bundle });
    const found = await pf.search(query);
    const top = await Promise.all(found.results.slice(0, shown).map((r) => r.data()));
    return top.map((d) => d.url);
  })();
}"""
VISITS_AT_ONCE = 14    # first visits in flight together (in one page, each counted under its own path): 3 pages for 41
                       # queries; at 4 a page the first visits took 8.5 s a bundle, at 14 about 5 s


@dataclass
class Answers:
    """One query on one index: every result as (URL, score), best first; what its first visit downloaded."""

    results: list[tuple[str, float]]
    first_bytes: int
    first_requests: int
    first_urls: list[str]


def ask_all(origin: str, sent: Sent, name: str) -> dict[str, Answers]:
    browser = chromium()
    answers: dict[str, Answers] = {}
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{origin}/")
        page.evaluate(OPEN, f"/{name}/semua/")
        results = {query: [(url, score) for url, score in page.evaluate(ALL_RESULTS, query)] for query in QUERIES}
        page.close()
        numbered = list(enumerate(QUERIES))
        for at in range(0, len(numbered), VISITS_AT_ONCE):
            visits = [(f"pertama-{number}", query) for number, query in numbered[at:at + VISITS_AT_ONCE]]
            page = context.new_page()
            page.goto(f"{origin}/")
            for visit, query in visits:
                page.evaluate(FIRST_QUERY, [visit, f"/{name}/{visit}/", query, FRAGMENTS])
            urls = {visit: page.evaluate("(visit) => window.first[visit]", visit) for visit, _query in visits}
            sent.settle([visit for visit, _query in visits], name)
            for visit, query in visits:
                size, requests = sent.total(visit, name)
                answers[query] = Answers(results[query], size, requests, urls[visit])
            page.close()
    finally:
        context.close()
    return answers


def top_agreement(ours: list[tuple[str, float]], ref: list[tuple[str, float]], n: int = 5) -> int:
    """How many of our top n are in the reference's top n.

    The reference orders pages of equal score arbitrarily (by its own page order), so its top n is not one set when
    pages tie with its n-th score: any page whose reference score equals the n-th score could as well have been
    listed there. So a page of our top n counts as in the reference's top n when its reference score is at least the
    reference's n-th score, which takes in the tied pages and no others.
    """
    if not ref:
        return 0
    cut = ref[min(n, len(ref)) - 1][1]
    ref_score = dict(ref)
    return sum(1 for url, _score in ours[:n] if url in ref_score and ref_score[url] >= cut)


@pytest.fixture(scope="module")
def measured(indexes, origin, tmp_path_factory) -> dict[str, dict[str, Answers]]:
    """Both indexes asked every query; the figures printed and written to search-quality.json."""
    address, sent = origin
    start = time.perf_counter()
    answers = {name: ask_all(address, sent, name) for name in ("ref", "ours")}
    seconds = {**indexes.seconds, "browser": time.perf_counter() - start}
    figures = []
    for query in QUERIES:
        ours, ref = answers["ours"][query], answers["ref"][query]
        ours_urls = {url for url, _ in ours.results}
        figures.append({
            "query": query,
            "ref_found": len(ref.results), "ours_found": len(ours.results),
            "missed": len({url for url, _ in ref.results} - ours_urls),
            "top5": top_agreement(ours.results, ref.results), "top5_of": min(5, len(ref.results)),
            "ref_bytes": ref.first_bytes, "ours_bytes": ours.first_bytes,
            "ref_requests": ref.first_requests, "ours_requests": ours.first_requests})
    path = tmp_path_factory.getbasetemp() / "search-quality.json"
    path.write_text(json.dumps({"queries": figures, "seconds": seconds}, indent=1, ensure_ascii=False),
                    encoding="utf-8")
    print(f"\nSearch quality, {POSTS} posts (ours = output/pagefind, ref = one whole-site Pagefind run); {path}")
    print("seconds: " + ", ".join(f"{step} {value:.1f}" for step, value in seconds.items()))
    print(f"{'query':28} {'found ref/ours':>15} {'missed':>6} {'top5':>5} {'first query bytes ref/ours':>28} {'ratio':>6}")
    for row in figures:
        print(f"{row['query']:28} {row['ref_found']:>7}/{row['ours_found']:<7} {row['missed']:>6} "
              f"{row['top5']:>3}/{row['top5_of']} {row['ref_bytes']:>13,}/{row['ours_bytes']:<14,} "
              f"{row['ours_bytes'] / row['ref_bytes']:>5.2f}x")
    ref_total, ours_total = sum(r["ref_bytes"] for r in figures), sum(r["ours_bytes"] for r in figures)
    print(f"{'all queries':28} {'':>15} {sum(r['missed'] for r in figures):>6} "
          f"{sum(r['top5'] for r in figures):>3}/{sum(r['top5_of'] for r in figures)} "
          f"{ref_total:>13,}/{ours_total:<14,} {ours_total / ref_total:>5.2f}x")
    return answers


# --- the checks, query by query -------------------------------------------------------------------------------------

def test_the_queries_cover_what_readers_type(measured, indexes, monkeypatch):
    """The list is what the issue asks for: at least 20 queries, most finding pages, one finding none; and the
    corpus is big enough for every path that size takes in our index."""
    ref = measured["ref"]
    assert len(QUERIES) >= 20
    assert sum(1 for query in QUERIES if ref[query].results) >= 20
    assert any(not ref[query].results for query in QUERIES)
    assert any(len(ref[query].results) > 0.8 * POSTS for query in QUERIES), "a broad query reaches nearly every page"
    assert any(0 < len(ref[query].results) < 50 for query in QUERIES), "a narrow query finds a few pages"
    monkeypatch.setattr(search, "BATCH", BATCH)
    assert batch_count(POSTS) > PARALLEL, "our index merges pages of more Pagefind runs than run side by side"
    ours = indexes.bundles["ours"]
    assert len(list((ours / "index").glob("*.pf_index"))) > 2, "the index is in many chunks"
    assert len(list((ours / "fragment").glob("*.pf_fragment"))) > 255, "page numbers past 255 (another CBOR form)"


@pytest.mark.parametrize("query", QUERIES)
def test_every_page_the_whole_site_index_finds_is_found(measured, query):
    ours, ref = measured["ours"][query], measured["ref"][query]
    assert None not in {url for url, _ in ours.results}, "every result of ours has a fragment with a URL"
    missed = {url for url, _ in ref.results} - {url for url, _ in ours.results}
    assert not missed, f"{len(missed)} of {len(ref.results)} pages missed, e.g. {sorted(missed)[:5]}"


@pytest.mark.parametrize("query", QUERIES)
def test_the_top_five_stay_the_same(measured, query):
    ours, ref = measured["ours"][query], measured["ref"][query]
    wanted = min(5, len(ref.results))
    agreed = top_agreement(ours.results, ref.results)
    assert agreed >= wanted - 1, (f"only {agreed} of the reference's top {wanted} in ours: "
                                  f"ref {ref.results[:5]}, ours {ours.results[:5]}")
    assert ours.first_urls == [url for url, _ in ours.results[:FRAGMENTS]], "a first visit lists the same results"


@pytest.mark.parametrize("query", QUERIES)
def test_a_first_query_downloads_at_most_one_and_a_half_times_the_bytes(measured, query):
    ours, ref = measured["ours"][query], measured["ref"][query]
    assert ref.first_bytes > 0 and ours.first_bytes > 0
    assert ours.first_bytes <= 1.5 * ref.first_bytes, (f"{ours.first_bytes:,} bytes in {ours.first_requests} requests "
                                                       f"against {ref.first_bytes:,} in {ref.first_requests}")


def test_top_agreement_counts_pages_tied_with_the_fifth_as_in_the_top_five():
    ref = [("/a/", 9.0), ("/b/", 8.0), ("/c/", 7.0), ("/d/", 6.0), ("/e/", 5.0), ("/f/", 5.0), ("/g/", 4.0)]
    assert top_agreement([("/a/", 1), ("/b/", 1), ("/c/", 1), ("/d/", 1), ("/e/", 1)], ref) == 5
    assert top_agreement([("/a/", 1), ("/b/", 1), ("/c/", 1), ("/d/", 1), ("/f/", 1)], ref) == 5, "f ties with e"
    assert top_agreement([("/a/", 1), ("/b/", 1), ("/c/", 1), ("/g/", 1), ("/f/", 1)], ref) == 4
    assert top_agreement([("/x/", 1), ("/g/", 1), ("/a/", 1)], ref) == 1, "pages the reference lacks never count"
    assert top_agreement([("/a/", 1)], [("/a/", 2.0)]) == 1
    assert top_agreement([("/a/", 1)], []) == 0
