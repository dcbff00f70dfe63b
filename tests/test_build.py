"""Whole builds: golden pages of the fixture site, a failed build keeps the output, a sub-path base URL."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from generator.core.report import BuildFailed
from generator.render import links
from tests.conftest import GOLDEN, NOW, ROOT, build_site, copy_site, md, snapshot
from tests.golden import PAGES

pytestmark = pytest.mark.quick


@pytest.mark.parametrize("page", PAGES["basic"])
def test_golden_pages(basic_site, page):
    built = (basic_site / "output" / page).read_bytes()
    expected = (GOLDEN / "basic" / page).read_bytes()
    assert built == expected, f"{page} differs from tests/golden/basic/{page}; if intended, run `make golden`"


def test_basic_site_publishes_what_it_should(basic_site):
    out = basic_site / "output"
    assert (out / "2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/index.html").is_file()
    assert (out / "galeri/rapat-koordinasi-sosialisasi-pemilihan-2020/index.html").is_file()
    assert (out / "profil/index.html").is_file() and (out / "kontak/index.html").is_file()
    assert (out / "halaman/2/index.html").is_file()
    assert (out / "404.html").is_file() and (out / "robots.txt").is_file()
    assert "Sitemap: https://kaltara.kpu.go.id/sitemap.xml" in (out / "robots.txt").read_text()
    every = " ".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "Draf yang Belum Terbit" not in every and "Berita Terjadwal" not in every
    redirect = (out / "berita/rapat-koordinasi-sosialisasi/index.html").read_text(encoding="utf-8")
    assert 'content="0; url=/2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/"' in redirect
    assert links.broken_links(out, "/") == []


def test_post_page_of_the_basic_site(basic_site):
    page = (basic_site / "output/2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/index.html").read_text("utf-8")
    assert "Jumat, 8 November 2019, 20.00 WITA" in page
    assert "117 kali dilihat" in page
    assert "Kantor KPU Kota Tarakan" in page and "Jumat, 1 November 2019 s.d. Minggu, 3 November 2019" in page
    assert "Ketua KPU Provinsi membuka rapat koordinasi" in page
    assert 'href="/tag/pemilihan-2020/"' in page
    assert "Berita terkait" in page


def test_drafts_and_future_on_request(tmp_path):
    site = copy_site("basic", tmp_path / "site")
    build_site(site, drafts=True, future=True)
    out = site / "output"
    assert (out / "2020/02/01/draf-belum-terbit/index.html").is_file()
    assert (out / "2030/01/01/berita-terjadwal/index.html").is_file()


def test_second_build_writes_nothing(tmp_path):
    site = copy_site("basic", tmp_path / "site")
    first = build_site(site)
    assert first.photos_made > 0
    before = snapshot(site / "output")
    second = build_site(site)
    assert second.report.written == 0 and second.report.removed == 0
    assert second.photos_made == 0 and second.photos_reused == first.photos_made
    assert snapshot(site / "output") == before


def _build_naming_imports(site, modules: tuple[str, ...]) -> subprocess.CompletedProcess:
    """The build command run in a new Python, its last line of output "CODE [those of modules it imported]"."""
    code = ("import sys; from generator import cli; code = cli.main(['build', '--site', sys.argv[1]]); "
            f"print(code, sorted(m for m in {modules!r} if m in sys.modules))")
    return subprocess.run([sys.executable, "-c", code, str(site)], cwd=ROOT, capture_output=True, text=True)


def test_a_build_that_finds_nothing_changed_imports_no_content_model_or_renderer(tmp_path):
    """The no-op build reads only the cache's index: the content model, YAML, Markdown, Jinja, Babel and Pillow are
    not imported (importing them was most of its time on a 1,000-post site, against Hugo's 0.1x)."""
    site = copy_site("basic", tmp_path / "site")
    heavy = ("generator.model.entries", "generator.model.content", "generator.model.config", "yaml", "markdown",
             "jinja2", "babel", "PIL")
    runs = [_build_naming_imports(site, heavy) for _ in range(2)]
    assert runs[0].returncode == 0 and runs[0].stdout.strip().splitlines()[-1] != "0 []", runs[0].stdout
    assert runs[1].stdout.strip().splitlines()[-1] == "0 []", runs[1].stdout + runs[1].stderr


def test_a_one_post_edit_starts_no_worker_machinery_and_no_video_modules(tmp_path):
    """Too little changed to spread over processes, and no video: multiprocessing, the process pools and the video
    cleaner are not imported (2% of a one-post edit's build of 1,000 posts)."""
    site = copy_site("basic", tmp_path / "site")
    heavy = ("multiprocessing", "concurrent.futures.process", "generator.photos.videocache",
             "generator.photos.videometa")
    assert _build_naming_imports(site, heavy).returncode == 0
    post = site / "content/posts/2020/rapat-pleno-terbuka.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nSatu kalimat lagi.\n", encoding="utf-8")
    edit = _build_naming_imports(site, heavy)
    assert edit.stdout.strip().splitlines()[-1] == "0 []", edit.stdout + edit.stderr


def _break_content(site):
    post = site / "content/posts/2020/rapat-pleno-terbuka.md"
    post.write_text(post.read_text(encoding="utf-8").replace("title: Rapat Pleno", "titel: Rapat Pleno")
                    .replace("tags:", "views: -3\ntags:"), encoding="utf-8")
    (site / "content/posts/2020/berita-baru.md").write_text(md("title: Berita baru\ndate: 2020-03-01"), "utf-8")


def _break_template(site):
    import shutil

    from generator.model.theme import THEME_DIR

    shutil.copytree(THEME_DIR, site / "templates")
    page = site / "templates/page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{{ post.title }}", "{{ post.judul }}"), "utf-8")


def _break_photo(site):
    bundle = site / "content/posts/2019/rapat-koordinasi-sosialisasi-pemilihan-2020"
    (bundle / "rusak.jpg").write_bytes(b"\xff\xd8\xff\xe0 bukan foto sungguhan")


@pytest.mark.parametrize("breakage", [_break_content, _break_template, _break_photo],
                         ids=["content", "template", "photo"])
def test_failed_build_leaves_the_previous_output_byte_for_byte(tmp_path, breakage):
    site = copy_site("basic", tmp_path / "site")
    build_site(site)
    before = snapshot(site / "output")
    around = sorted(p.name for p in site.iterdir())
    breakage(site)
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    assert [p for p in failed.value.problems if not p.warning]
    assert snapshot(site / "output") == before
    assert sorted(p.name for p in site.iterdir() if p.name != "templates") == around   # no staging folder left


# --- a site under a sub-path ----------------------------------------------------------------------------------

class _Urls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src", "action", "poster"):
                self.urls.append((f"{tag}@{name}", value))
            elif name in ("srcset", "data-full"):
                for part in value.split(","):
                    if part.strip():
                        self.urls.append((f"{tag}@{name}", part.strip().split(" ")[0]))
            elif name == "content" and "url=" in value:
                self.urls.append((f"{tag}@refresh", value.split("url=", 1)[1]))


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory):
    site = copy_site("basic", tmp_path_factory.mktemp("sub") / "site")
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("https://kaltara.kpu.go.id/", "https://host/kpu-kaltara/"),
                      encoding="utf-8")
    build_site(site, now=NOW)
    return site


def outside_sub_path(out, attributes) -> list[tuple[str, str, str]]:
    """(page, tag@attribute, url) for every URL of the given kinds that is neither under /kpu-kaltara/ nor external."""
    bad = []
    for page in sorted(out.rglob("*.html")):
        parser = _Urls()
        parser.feed(page.read_text(encoding="utf-8"))
        for where, url in parser.urls:
            if where.split("@")[1] not in attributes:
                continue
            parts = urlsplit(url)
            if parts.scheme in ("mailto", "tel") or url.startswith("#") or (parts.netloc and parts.netloc != "host"):
                continue                                   # anchors and other sites
            if not (parts.path.startswith("/kpu-kaltara/") and parts.scheme in ("", "https")):
                bad.append((page.relative_to(out).as_posix(), where, url))
    return bad


def test_sub_path_every_href_and_src_in_every_page_stays_under_it(sub_path_site):
    out = sub_path_site / "output"
    assert len(list(out.rglob("*.html"))) > 20
    assert outside_sub_path(out, {"href", "src", "refresh", "data-full", "action", "poster"}) == []


def test_sub_path_srcset_stays_under_it_and_no_link_is_broken(sub_path_site):
    out = sub_path_site / "output"
    assert outside_sub_path(out, {"srcset"}) == []
    assert links.broken_links(out, "/kpu-kaltara/") == []


def test_sub_path_bundle_links_in_markdown(sub_path_site):
    page = (sub_path_site / "output/2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/index.html").read_text("utf-8")
    assert 'src="/kpu-kaltara/2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/pembukaan-64w.jpg"' in page
    assert 'srcset="/kpu-kaltara/2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/pembukaan-64w.jpg 64w"' in page
    assert 'href="/kpu-kaltara/2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/peserta-48w.jpg"' in page


def test_sub_path_feeds_and_sitemap_are_absolute_with_it(sub_path_site):
    out = sub_path_site / "output"
    for name in ("feed.xml", "atom.xml", "sitemap.xml"):
        text = (out / name).read_text(encoding="utf-8")
        urls = [m[1] for m in re.findall(r"<(link|guid|id|loc)>([^<]+)</\1>", text)] + re.findall(r'href="([^"]+)"', text)
        assert urls, name
        assert all(u.startswith("https://host/kpu-kaltara/") for u in urls), (name, urls)
    assert "Sitemap: https://host/kpu-kaltara/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")


def test_no_request_to_any_outside_server(basic_site):
    """Pages load nothing from elsewhere (no CDN, no web fonts); only plain links may point outside."""
    out = basic_site / "output"
    outside = []
    for page in sorted(out.rglob("*.html")):
        parser = _Urls()
        parser.feed(page.read_text(encoding="utf-8"))
        for where, url in parser.urls:
            tag = where.split("@")[0]
            loads = tag not in ("a", "area", "form", "meta")          # everything else is fetched by the browser
            if loads and urlsplit(url).netloc and not url.startswith("https://kaltara.kpu.go.id/"):
                outside.append((page.relative_to(out).as_posix(), where, url))
    assert outside == []
    for sheet in out.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text), sheet
    for script in out.rglob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"(fetch|XMLHttpRequest|import)\s*\(\s*['\"](https?:)?//", text), script
