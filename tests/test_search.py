"""Search at /cari/: the Pagefind index is made in the build, safely for incremental builds, and works in Indonesian."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cbor2
import pytest

from generator.build import Options, build
from generator.core.report import BuildFailed
from tests import readers_site
from tests.conftest import NOW, ROOT, config_text, snapshot

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 720}      # a new page's own

CONFIG = config_text("https://uji.kpu.go.id/", "Asia/Jakarta", title="KPU Kota Uji")


def small_site(root: Path) -> Path:
    """Two text posts and a page: enough for the index, quick to build."""
    files = {
        "config.yaml": CONFIG,
        "content/posts/2020/rapat-pleno.md": "---\ntitle: Rapat Pleno Rekapitulasi\ndate: 2020-12-15\n---\n\n"
                                             "Rapat pleno rekapitulasi suara berlangsung tertib.\n",
        "content/posts/2020/sosialisasi.md": "---\ntitle: Sosialisasi di Sekolah\ndate: 2020-02-03\ntags: [Pemilih]\n---\n\n"
                                             "Pelajar belajar mencoblos.\n",
        "content/pages/profil.md": "---\ntitle: Profil\n---\n\nTentang KPU Kota Uji.\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def entry(output: Path) -> dict:
    return json.loads((output / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))


def test_the_build_publishes_an_indonesian_index_of_posts_and_pages(tmp_path):
    site = small_site(tmp_path / "site")
    result = build(Options(site, now=NOW, workers=1))
    output = site / "output"
    assert not [str(w) for w in result.warnings if w.path == "pencarian"]
    languages = entry(output)["languages"]
    assert list(languages) == ["id"], "the pages say <html lang=\"id\">: Pagefind must index them as Indonesian"
    assert languages["id"]["page_count"] == 3, "two posts and one page; lists, archives and the search page are not indexed"
    assert (output / "pagefind" / "pagefind.js").is_file()
    assert (output / "pagefind" / "wasm.id.pagefind").is_file()
    assert not list((output / "pagefind").glob("pagefind-ui.*")), "the default UI is not used (cari.js is)"
    page = (output / "cari" / "index.html").read_text(encoding="utf-8")
    assert "/pagefind/" in page and "cari.js" in page


def test_only_the_content_of_posts_and_pages_is_marked_for_the_index(tmp_path):
    site = small_site(tmp_path / "site")
    build(Options(site, now=NOW, workers=1))
    output = site / "output"
    post = (output / "2020/12/15/rapat-pleno/index.html").read_text(encoding="utf-8")
    home = (output / "index.html").read_text(encoding="utf-8")
    assert post.count("data-pagefind-body") == 1
    assert "data-pagefind-meta=\"date, iso[datetime]\"" in post
    assert "data-pagefind-body" not in home
    aside = post.split('<aside class="sidebar"', 1)[1]
    assert "data-pagefind-body" not in aside, "the sidebar is outside the indexed content"


def test_an_unchanged_site_writes_nothing_and_a_changed_page_renews_the_index(tmp_path):
    site = small_site(tmp_path / "site")
    options = Options(site, now=NOW, workers=1)
    build(options)
    output = site / "output"
    before = snapshot(output)
    again = build(options)
    assert again.report.written == 0 and again.report.removed == 0
    assert snapshot(output) == before
    old_entry = entry(output)

    post = site / "content/posts/2020/rapat-pleno.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nSaksi partai menandatangani berita acara.\n", encoding="utf-8")
    changed = build(options)
    assert changed.report.written > 0
    assert entry(output) != old_entry, "a changed page must give a new index"
    published = {hashlib.sha1(p.read_bytes()).hexdigest() for p in (output / "pagefind").rglob("*")
                 if p.is_file() and p.parent.name != "fragment"}      # fragments are kept in the pages' records
    kept = {p.name for p in (site / ".cache" / "pagefind" / "berkas").iterdir()}
    assert kept == published, "the cache keeps the current index's files and no older ones"


def test_after_one_edit_every_file_with_unchanged_bytes_keeps_its_inode_and_time(tmp_path):
    """Sync tools that compare size and time (rsync's default, lftp, FTP clients) upload what the build rewrote: a
    one-post edit renews the index, but its files whose bytes did not change (the runtime, the other pages'
    fragments) are left as they were, like every other unchanged file."""
    site = small_site(tmp_path / "site")
    options = Options(site, now=NOW, workers=1)
    build(options)
    output = site / "output"
    before = {rel: (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns)
              for rel, path in ((p.relative_to(output).as_posix(), p) for p in output.rglob("*") if p.is_file())}
    post = site / "content/posts/2020/rapat-pleno.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nSaksi partai menandatangani berita acara.\n", encoding="utf-8")
    result = build(options)
    after = {p.relative_to(output).as_posix(): p for p in output.rglob("*") if p.is_file()}
    same = [rel for rel, (data, _ino, _mtime) in before.items() if rel in after and after[rel].read_bytes() == data]
    moved = [rel for rel in same if (after[rel].stat().st_ino, after[rel].stat().st_mtime_ns) != before[rel][1:]]
    assert moved == []
    changed = sorted(set(after) - set(same))
    assert result.report.written == len(changed)
    kept_index = [rel for rel in same if rel.startswith("pagefind/")]
    assert {"pagefind/pagefind.js", "pagefind/wasm.id.pagefind"} <= set(kept_index)
    assert any(rel.startswith("pagefind/fragment/") for rel in kept_index), "the other pages' fragments stay"
    assert "pagefind/pagefind-entry.json" in changed and "2020/12/15/rapat-pleno/index.html" in changed


def test_a_failed_build_leaves_the_output_and_its_index_untouched(tmp_path):
    site = small_site(tmp_path / "site")
    options = Options(site, now=NOW, workers=1)
    build(options)
    output = site / "output"
    before = snapshot(output)
    (site / "content/posts/2020/rusak.md").write_text("---\ntitle: Rusak\ndate: 2020-13-45\n---\n\nIsi.\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(options)
    assert snapshot(output) == before


def test_a_site_without_posts_or_pages_still_gets_an_index(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "config.yaml").write_text(CONFIG, encoding="utf-8")
    result = build(Options(site, now=NOW, workers=1))
    assert [str(w) for w in result.warnings] == []
    assert entry(site / "output")["languages"]["id"]["page_count"] > 0


def test_pages_given_as_files_give_the_same_index_as_pages_in_memory(tmp_path):
    """An incremental build keeps unchanged pages on disk: the index can be made from their files."""
    from generator.core.hashing import digest
    from generator.core.report import Problems
    from generator.render import search

    site = small_site(tmp_path / "site")
    build(Options(site, now=NOW, workers=1))
    output = site / "output"
    on_disk = {"/" + p.relative_to(output).as_posix().removesuffix("index.html"): p for p in output.rglob("*.html")
               if "pagefind" not in p.parts}
    in_memory = {url: search.Rendered(digest(path.read_bytes()), path.read_bytes()) for url, path in on_disk.items()}
    problems = Problems()
    from_files = search.index({url: search.Rendered(digest(path.read_bytes()), path) for url, path in on_disk.items()},
                              tmp_path / "cache-a", problems)
    from_bytes = search.index(in_memory, tmp_path / "cache-b", problems)
    assert problems == []
    assert sorted(from_files) == sorted(from_bytes) and "/pagefind/pagefind-entry.json" in from_files
    assert all(from_files[url].read_bytes() == from_bytes[url].read_bytes() for url in from_files)


def run_build(site: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env})


def test_without_the_pagefind_program_the_build_warns_and_still_publishes(tmp_path):
    site = small_site(tmp_path / "site")
    done = run_build(site, PAGEFIND_BINARY_PATH=str(tmp_path / "tidak-ada"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "pencarian: peringatan: program Pagefind tidak ditemukan" in done.stderr
    assert "pagefind[extended]" in done.stderr
    assert (site / "output" / "cari" / "index.html").is_file()
    assert not (site / "output" / "pagefind").exists()


def test_a_failing_pagefind_program_is_a_warning_with_its_message(tmp_path):
    site = small_site(tmp_path / "site")
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: disk penuh' >&2\nexit 3\n")
    fake.chmod(0o755)
    done = run_build(site, PAGEFIND_BINARY_PATH=str(fake))
    assert done.returncode == 0, done.stderr
    assert "Pagefind gagal membuat indeks pencarian: Error: disk penuh" in done.stderr
    assert not (site / "output" / "pagefind").exists()



def test_the_program_is_the_one_the_pagefind_package_would_run_found_without_importing_asyncio():
    """search.executable follows the pagefind package's own order (its variable, the shipped program, PATH) without
    the imports of that package (asyncio, ssl): a build with search does not pay for them."""
    code = ("import sys, json; from generator.render import search; found = search.executable(); "
            "print(json.dumps([str(found), sorted(m for m in ('asyncio', 'ssl', 'pagefind') if m in sys.modules)]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if k != "PAGEFIND_BINARY_PATH"})
    found, imported = json.loads(done.stdout)
    from pagefind.service import get_executable

    assert found == str(get_executable())
    assert imported == []



def kept(files: dict[str, bytes]) -> dict[str, bytes]:
    return {rel: data for rel, data in files.items() if rel.startswith("fragment/")
            or ("/" not in rel and not rel.endswith(".pf_meta") and rel != "pagefind-entry.json")}


def test_pagefind_as_a_service_gives_the_index_its_command_writes_without_a_file_made(tmp_path):
    """Where files cost much (Windows) Pagefind runs as a service: the pages go to it over a pipe and its bundle
    comes back the same way. The records are those of the bundle Pagefind writes when run as a command over the
    same pages, and nothing is written beside them."""
    import subprocess

    from generator.render import pagefind, pagefind_service, search

    page = ('<!doctype html><html lang="id"><head><title>{0}</title></head><body><nav>Menu</nav>'
            '<main data-pagefind-body><h1>{0}</h1><p>Rapat pleno {1} di kantor KPU.</p></main></body></html>')
    pages = {f"{n}.html": page.format(title, words).encode()
             for n, (title, words) in enumerate([("Rapat Pleno", "rekapitulasi suara"), ("Sosialisasi", "pemilih")])}
    site = tmp_path / "situs"
    site.mkdir()
    for name, html in pages.items():
        (site / name).write_bytes(html)
    binary, by_url = search.executable(), lambda record: record.url
    subprocess.run([str(binary), "--site", str(site), "--output-path", str(tmp_path / "berkas"), "--silent"],
                   check=True, capture_output=True)
    written = {path.relative_to(tmp_path / "berkas").as_posix(): path.read_bytes()
               for path in (tmp_path / "berkas").rglob("*") if path.is_file()}
    before = sorted(tmp_path.rglob("*"))
    given, error = pagefind_service.index(binary, pages)
    assert error == ""
    # the page fragments and Pagefind's program are the same files; the index's chunks and meta number the pages in
    # the order Pagefind took them (a folder's listing, or the order given), so they are compared as split's records
    assert kept(given) == kept(written)
    assert sorted(pagefind.split(given), key=by_url) == sorted(pagefind.split(written), key=by_url)
    assert sorted(tmp_path.rglob("*")) == before


def test_pages_given_as_files_index_as_their_bytes_do_and_are_left_as_they_were(tmp_path):
    """Run as a command, Pagefind reads a page given as a file through a link in a scratch folder: the same records
    as from the page's bytes, and the file keeps its bytes and has no second name once the run is over."""
    from generator.render import pagefind, search

    page = ('<!doctype html><html lang="id"><head><title>{0}</title></head><body><nav>Menu</nav>'
            '<main data-pagefind-body><h1>{0}</h1><p>Rapat pleno {1} di kantor KPU.</p></main></body></html>')
    files = {}
    for n, (title, words) in enumerate([("Rapat Pleno", "rekapitulasi suara"), ("Sosialisasi", "pemilih pemula")]):
        files[f"{n}.html"] = tmp_path / "situs" / f"{n}.html"
        files[f"{n}.html"].parent.mkdir(exist_ok=True)
        files[f"{n}.html"].write_text(page.format(title, words), encoding="utf-8")
    before = {name: path.read_bytes() for name, path in files.items()}
    binary = search.executable()
    (linked, error), (given, error_too) = (search.make(binary, pages, tmp_path / "kerja") for pages in (files, before))
    assert error == error_too == ""
    assert pagefind.split(linked) == pagefind.split(given)
    assert {name: path.read_bytes() for name, path in files.items()} == before
    assert all(path.stat().st_nlink == 1 for path in files.values())
    assert list((tmp_path / "kerja").iterdir()) == []


@pytest.mark.parametrize("platform", ["", "windows"], ids=["command", "service"])
def test_a_pagefind_that_fails_is_named_in_one_line(tmp_path, monkeypatch, platform):
    from generator.core import system
    from generator.render import search

    monkeypatch.setenv(system.ENV, platform)
    files, error = search.make(Path(sys.executable), {"a.html": b"<html></html>"}, tmp_path)
    assert files == {} and error and "\n" not in error
    assert list(tmp_path.iterdir()) == []


def test_the_program_named_by_pagefind_binary_path_is_used_when_it_is_a_file(tmp_path, monkeypatch):
    from generator.render import search

    program = tmp_path / "pagefind"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(program))
    assert search.executable() is None          # named, but not there: no index, a warning (the test above)
    program.write_bytes(b"")
    assert search.executable() == program
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path))
    assert search.executable() is None          # a folder is not a program


# In the browser: the search page on a static host, in Indonesian.

@pytest.fixture(scope="module")
def served():
    readers_site.require_browser()
    site = readers_site.built("fixture")
    return site, readers_site.server(site.output, site.base_path) + site.base_path.rstrip("/")


@pytest.fixture(scope="module")
def tab():
    """One page for the module's searches, under the site's Content-Security-Policy (Pagefind's WebAssembly runs under
    it, as on a host): each search opens the search page anew; starting a context for each is most of a check's work."""
    tabs = readers_site.Tabs(policy=True)
    yield lambda: tabs.page(VIEWPORT)
    tabs.close()


def search(page, origin: str, words: str) -> list[dict]:
    page.goto(f"{origin}/cari/?q={words}")
    page.wait_for_selector("[data-status]:not(:empty)", state="attached")
    page.wait_for_selector("[data-results]:not([aria-busy])", state="attached", timeout=15000)
    return page.eval_on_selector_all(".results li", """items => items.map(li => ({
        title: li.querySelector('h2 a').textContent, href: li.querySelector('h2 a').getAttribute('href'),
        date: li.querySelector('time') ? li.querySelector('time').textContent : '',
        iso: li.querySelector('time') ? li.querySelector('time').getAttribute('datetime') : '',
        snippet: li.querySelector('p:last-child').innerHTML}))""")


def test_search_shows_title_date_and_snippet(served, tab):
    site, origin = served
    page = tab()
    results = search(page, origin, "seleksi")
    assert page.inner_text("[data-status]") == "1 hasil untuk “seleksi”."
    assert results == [{
        "title": "Pengumuman Hasil Seleksi Administrasi Calon Anggota PPK",
        "href": "/2019/12/02/pengumuman-seleksi-ppk/",
        "date": "Senin, 2 Desember 2019, 14.00 WITA",
        "iso": "2019-12-02T14:00:00+08:00",
        "snippet": results[0]["snippet"]}]
    assert "<mark>Seleksi</mark>" in results[0]["snippet"]
    assert "kali dilihat" not in results[0]["snippet"], "the post's header line is not part of the snippet"


def test_search_stems_indonesian_words(served, tab):
    site, origin = served
    page = tab()
    # "berkoordinasi" (to coordinate) finds the post about a "rapat koordinasi"; "pemilihan" finds "pemilih".
    titles = [r["title"] for r in search(page, origin, "berkoordinasi")]
    assert "Rapat Koordinasi Persiapan Pemilihan Serentak 2020" in titles
    titles = [r["title"] for r in search(page, origin, "pemilihan")]
    assert "Rapat Pleno Terbuka Penetapan Daftar Pemilih Tetap" in titles
    assert search(page, origin, "zzzqqq") == []
    assert page.inner_text("[data-status]").startswith("Tidak ada hasil untuk “zzzqqq”.")


def test_attachment_titles_are_found_by_the_search(served, tab):
    site, origin = served
    page = tab()
    # "Undangan" is only in the title of the post's attachment ("Lampiran": Undangan Rapat Koordinasi).
    titles = [r["title"] for r in search(page, origin, "undangan")]
    assert titles == ["Rapat Koordinasi Persiapan Pemilihan Serentak 2020"]


def test_the_search_form_works_from_the_keyboard(served, tab):
    site, origin = served
    page = tab()
    page.goto(f"{origin}/cari/")
    page.get_by_label("Kata kunci").fill("sosialisasi")
    page.keyboard.press("Enter")
    page.wait_for_selector(".results li")
    assert page.url.endswith("/cari/?q=sosialisasi")
    assert "Sosialisasi Pendidikan Pemilih untuk Pemilih Pemula" in page.inner_text(".results")


def test_without_javascript_the_search_page_points_to_the_archive(served):
    site, origin = served
    context = readers_site.browser().new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{origin}/cari/?q=pemilih")
        notice = page.locator("noscript p, p.notice")
        assert "Pencarian memerlukan JavaScript" in notice.inner_text()
        assert notice.locator("a").get_attribute("href") == "/arsip/"
    finally:
        context.close()


def test_search_results_link_to_pages_under_a_sub_path(tmp_path, tab):
    """On https://host/kpu-uji/ the result links carry the sub-path (Pagefind's baseUrl comes from the template)."""
    readers_site.require_browser()
    site = small_site(tmp_path / "site")
    config = site / "config.yaml"
    config.write_text(config.read_text().replace("https://uji.kpu.go.id/", "https://uji.kpu.go.id/kpu-uji/"))
    build(Options(site, now=NOW, workers=1))
    origin = readers_site.server(site / "output", "/kpu-uji/") + "/kpu-uji"
    page = tab()
    results = search(page, origin, "rekapitulasi")
    assert [r["href"] for r in results] == ["/kpu-uji/2020/12/15/rapat-pleno/"]


def test_search_page_text_is_indonesian():
    text = (ROOT / "templates" / "search.html").read_text(encoding="utf-8")
    for words in ("Kata kunci", "Mencari…", "hasil untuk", "Tidak ada hasil", "Tampilkan hasil lainnya",
                  "Pencarian memerlukan JavaScript"):
        assert words in text


def test_no_search_keeps_the_published_index_and_the_next_build_refreshes_it(tmp_path):
    """`build --no-search` (and the preview's rebuilds) keep the old index; a later build makes it anew."""
    from generator.build import Options, build

    site = tmp_path / "site"
    (site / "content/posts").mkdir(parents=True)
    (site / "config.yaml").write_text("site:\n  title: T\n  base_url: https://x.id/\n  timezone: Asia/Jakarta\n")
    post = site / "content/posts/satu.md"
    post.write_text("---\ntitle: Satu\ndate: 2024-01-01\n---\n\nKoordinasi pertama.\n", encoding="utf-8")
    build(Options(site, workers=1))
    entry = site / "output/pagefind/pagefind-entry.json"
    first = entry.read_bytes()
    post.write_text("---\ntitle: Satu\ndate: 2024-01-01\n---\n\nSosialisasi kedua yang lain sama sekali.\n",
                    encoding="utf-8")
    build(Options(site, workers=1, search=False))
    assert entry.read_bytes() == first
    build(Options(site, workers=1))
    assert entry.read_bytes() != first


def test_damaged_records_in_the_cache_are_made_again(tmp_path):
    """A build cut off while writing the search cache leaves records it cannot read: the next build indexes those
    pages again, without a warning, and gives the index a clean build gives."""
    site = small_site(tmp_path / "site")
    options = Options(site, now=NOW, workers=1)
    build(options)
    stored = site / ".cache" / "pagefind" / "halaman.cbor"
    program, records = cbor2.loads(stored.read_bytes())
    stored.write_bytes(cbor2.dumps([program, {key: data[:20] for key, data in records.items()}]))
    (site / ".cache" / "pagefind" / "gabungan.cbor").unlink()     # so that the records are read again
    post = site / "content/posts/2020/rapat-pleno.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nTambahan.\n", encoding="utf-8")
    mended = build(options)
    assert [str(w) for w in mended.warnings] == []
    assert entry(site / "output")["languages"]["id"]["page_count"] == 3
    mended_index = {p.relative_to(site / "output").as_posix(): p.read_bytes()
                    for p in (site / "output" / "pagefind").rglob("*") if p.is_file()}
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(".cache", "output"))
    build(Options(clean, now=NOW, workers=1))
    assert mended_index == {p.relative_to(clean / "output").as_posix(): p.read_bytes()
                            for p in (clean / "output" / "pagefind").rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", ["fixture", "sample"])
def test_pagefind_finds_the_same_in_a_trimmed_page_as_in_the_whole_page(tmp_path, name):
    """Pagefind is given marked pages without the header, sidebar and footer around the marked element: every
    page's record (words and their places, fragment, meta) is the same as from the whole page."""
    from generator.model.urls import output_file
    from generator.render import pagefind, search

    output = readers_site.built(name).output
    pages = {"/" + p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*.html")
             if "pagefind" not in p.parts}
    assert sum(search.trimmed(html) != html for html in pages.values()) >= 3, "posts and pages are trimmed"
    binary = search.executable()
    made = {kind: search.make(binary, {output_file(u): trim(html) for u, html in pages.items()}, tmp_path)
            for kind, trim in (("whole", lambda html: html), ("trimmed", search.trimmed))}
    assert made["whole"][1] == made["trimmed"][1] == ""
    whole, trimmed = (sorted(pagefind.split(made[kind][0]), key=lambda r: r.url) for kind in ("whole", "trimmed"))
    assert whole == trimmed


def test_a_page_is_left_whole_where_trimming_could_change_what_pagefind_reads():
    from generator.render import search

    page = (b'<html lang="id"><head><title>T</title></head><body><header>%s</header>'
            b'<article data-pagefind-body><h2>Isi</h2><article><p>dalam</p></article></article><footer>f</footer>'
            b'</body></html>')
    assert search.trimmed(page % b"logo") == (b'<html lang="id"><head><title>T</title></head><body>'
                                              b'<article data-pagefind-body><h2>Isi</h2><article><p>dalam</p>'
                                              b'</article></article></body></html>'), "nested elements counted"
    for outside in (b'<h1>Judul</h1>', b'<img src="a.jpg" alt="">', b'<span data-pagefind-meta="x">y</span>',
                    b'<!-- <article> -->'):
        assert search.trimmed(page % outside) == page % outside
    twice = page % b'<div data-pagefind-body>lagi</div>'
    assert search.trimmed(twice) == twice
    unclosed = b'<html><body><article data-pagefind-body><p>x</p></body></html>'
    assert search.trimmed(unclosed) == unclosed


def test_files_of_the_cache_cut_short_by_a_killed_build_are_not_published(tmp_path):
    """The search cache writes its files under their final names (each is named by its bytes) after noting them;
    a build killed meanwhile leaves the note, and the next build removes those files and writes them again."""
    site = small_site(tmp_path / "site")
    options = Options(site, now=NOW, workers=1)
    build(options)
    root = site / ".cache" / "pagefind"
    store = root / "berkas"
    victims = sorted(store.iterdir())[:3]
    for victim in victims:
        victim.write_bytes(victim.read_bytes()[:5])           # cut short, as a kill would leave them
    (root / "sedang-ditulis.json").write_text(json.dumps([v.name for v in victims]))
    post = site / "content/posts/2020/rapat-pleno.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nTambahan.\n", encoding="utf-8")
    build(options)
    assert not (root / "sedang-ditulis.json").exists()
    for path in store.iterdir():
        assert hashlib.sha1(path.read_bytes()).hexdigest() == path.name
    for path in (site / "output" / "pagefind").rglob("*"):
        if path.is_file() and path.parent.name != "fragment":      # fragments are kept in the pages' records
            assert (store / hashlib.sha1(path.read_bytes()).hexdigest()).is_file()


def test_a_typed_documents_pdf_text_is_found_by_the_search(tab):
    """Issue 27: the sample site's decree is found by words of its PDF's text ("tercantum dalam lampiran") and by its
    number, and the result leads to the document's own page."""
    readers_site.require_browser()
    site = readers_site.built("sample")
    origin = readers_site.server(site.output, site.base_path) + site.base_path.rstrip("/")
    page = tab()
    assert search(page, origin, "tercantum")[0]["href"] == "/dokumen/keputusan/112-tahun-2024/"
    assert "/dokumen/keputusan/112-tahun-2024/" in [r["href"] for r in search(page, origin, "112")]


FAKE_SERVICE = '''\
import base64, json, sys
answers = {"NewIndex": {"type": "NewIndex", "index_id": 0}, "AddFile": {"type": "IndexedFile"},
           "GetFiles": {"type": "GetFiles", "files": [{"path": PATH, "content": ""}]}}
buffer = b""
while True:
    chunk = sys.stdin.buffer.read1(65536)
    if not chunk:
        break
    buffer += chunk
    while b"," in buffer:
        message, buffer = buffer.split(b",", 1)
        request = json.loads(base64.b64decode(message))
        kind = request["payload"]["type"]
        payload = {"type": "Error", "message": REFUSAL} if REFUSAL and kind == "AddFile" else answers[kind]
        sys.stdout.buffer.write(base64.b64encode(json.dumps(
            {"message_id": request["message_id"], "payload": payload}).encode()) + b",")
        sys.stdout.buffer.flush()
'''


@pytest.mark.skipif(os.name != "posix", reason="the stand-in service is a shell script")
@pytest.mark.parametrize("path, refusal, said", [
    ("../../config.yaml", "", "nama berkas yang tidak wajar: '../../config.yaml'"),
    ("/etc/passwd", "", "nama berkas yang tidak wajar: '/etc/passwd'"),
    ("fragment\\\\..\\\\..\\\\x.html", "", "nama berkas yang tidak wajar"),
    ("pagefind.js", "Error: halaman tidak terbaca", "Error: halaman tidak terbaca"),
])
def test_what_the_pagefind_service_answers_is_checked_before_use(tmp_path, monkeypatch, path, refusal, said):
    """A file name from the service becomes a file of the published site: one that would lead out of the search
    folder is refused, and the service's own error is the message, in one line."""
    from generator.core import system
    from generator.render import search

    (tmp_path / "layanan.py").write_text(f"PATH = {path!r}\nREFUSAL = {refusal!r}\n" + FAKE_SERVICE)
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!/bin/sh\nexec {sys.executable} {tmp_path / 'layanan.py'}\n")
    fake.chmod(0o755)
    monkeypatch.setenv(system.ENV, "windows")
    files, error = search.make(fake, {"a.html": b"<html></html>"}, tmp_path / "kerja")
    assert files == {} and said in error and "\n" not in error
