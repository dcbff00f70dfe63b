"""An office's own look: its templates/ overrides single templates and assets of the built-in theme, and config's
site.logo and theme: section (brand colour, footer) change the usual things without any template."""

from __future__ import annotations

import shutil

import pytest

from generator.core.report import Problems
from generator.model import theme
from generator.model.config import contrast_with_white
from generator.model.theme import THEME_DIR, assets
from tests import readers_site
from tests.conftest import MINIMAL_CONFIG, build_errors, build_site, leaked, md, snapshot, write_site

pytestmark = pytest.mark.browser

POST = {"content/posts/2024/rapat.md": md("title: Rapat Pleno\ndate: 2024-03-01 10:00", "Isi rapat pleno.\n")}
POST_PAGE = "output/2024/03/01/rapat/index.html"


def read(site, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_a_site_template_overrides_the_built_in_one_by_name_and_the_rest_come_from_the_theme(site_factory):
    site = site_factory({**POST, "templates/_sidebar.html": '<aside class="sidebar" aria-label="Info">Kantor kami</aside>\n'})
    build_site(site)
    page = read(site, POST_PAGE)
    assert '<aside class="sidebar" aria-label="Info">Kantor kami</aside>' in page
    assert "Isi rapat pleno." in page and "<h2>Terbaru</h2>" not in page
    assert (site / "output/assets/style.css").read_bytes() == (theme.THEME_DIR / "assets/style.css").read_bytes()


def test_a_site_asset_overrides_the_built_in_one_and_the_logo_comes_from_it(site_factory):
    config = MINIMAL_CONFIG.replace("  language: id\n", "  language: id\n  logo: /assets/logo-tarakan.png\n")
    site = site_factory({**POST, "templates/assets/style.css": "body { color: #111; }\n",
                         "templates/assets/logo-tarakan.png": b"photo"}, config=config)
    build_site(site)
    assert read(site, "output/assets/style.css") == "body { color: #111; }\n"
    assert (site / "output/assets/logo-tarakan.png").is_file() and (site / "output/assets/lightbox.js").is_file()
    assert '<img src="/assets/logo-tarakan.png" alt="" width="48" height="48">' in read(site, POST_PAGE)


def test_an_override_may_extend_the_built_in_template_and_change_one_block(site_factory):
    site = site_factory({**POST, "templates/page.html": '{% extends "tema/page.html" %}\n'
                                                        '{% block scripts %}<!-- milik kantor -->{% endblock %}\n',
                         "content/pages/profil.md": md("title: Profil", "Tentang kami.\n")})
    build_site(site)
    page = read(site, "output/profil/index.html")
    assert "<!-- milik kantor -->" in page and "Tentang kami." in page and "<h1>Profil</h1>" in page


def test_the_readme_example_of_extending_the_post_template_works(site_factory):
    readme = (theme.THEME_DIR.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("{# templates/post.html:", 1)[1].split("```", 1)[0].split("\n", 1)[1]
    site = site_factory({**POST, "templates/post.html": example,
                         "content/posts/2024/rapat-foto/index.md": md("title: Foto\ndate: 2024-03-02"),
                         "content/posts/2024/rapat-foto/a.jpg": b"photo"})
    build_site(site)
    for rel in (POST_PAGE, "output/2024/03/02/rapat-foto/index.html"):
        page = read(site, rel)
        assert "Pengaduan: pengaduan@kota-tarakan.kpu.go.id" in page and "<h1>" in page
    assert "lightbox.js" in read(site, "output/2024/03/02/rapat-foto/index.html"), "super() keeps the theme's scripts"


def test_brand_colour_and_footer_text_from_config(site_factory):
    config = MINIMAL_CONFIG + 'theme:\n  color: "#1d4e89"\n  footer: |\n    Hak cipta KPU Kota Tarakan\n    Jl. Yos Sudarso\n'
    site = site_factory(POST, config=config)
    build_site(site)
    page = read(site, POST_PAGE)
    assert '<link rel="stylesheet" href="/assets/warna.css">' in page and "<style" not in page, \
        "a stylesheet of its own: the site's Content-Security-Policy (style-src 'self') blocks inline style"
    assert read(site, "output/assets/warna.css").strip().endswith(":root { --red: #1d4e89; --red-dark: #153a66; }")
    assert '<p class="footer-text">Hak cipta KPU Kota Tarakan\nJl. Yos Sudarso\n</p>' in page


def test_the_brand_colour_shows_under_the_sites_content_security_policy(site_factory):
    readers_site.require_browser()
    site = site_factory(POST, config=MINIMAL_CONFIG + 'theme:\n  color: "#1d4e89"\n')
    build_site(site)
    page = readers_site.browser().new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        response = page.goto(readers_site.server(site / "output") + "/2024/03/01/rapat/")
        assert "style-src 'self'" in response.headers["content-security-policy"]
        background = page.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor")
        assert background == "rgb(29, 78, 137)" and refused == []
    finally:
        page.close()


def test_an_asset_named_like_the_brand_stylesheet_is_an_error_naming_both(site_factory):
    site = site_factory({**POST, "templates/assets/warna.css": "body { color: #111; }\n"},
                        config=MINIMAL_CONFIG + 'theme:\n  color: "#1d4e89"\n')
    errors = build_errors(site)
    assert any("/assets/warna.css" in e and "'assets/warna.css'" in e and "template warna.css" in e for e in errors), errors
    assert not (site / "output").exists()


def test_without_a_theme_section_the_page_carries_no_style_element(site_factory):
    site = site_factory(POST)
    build_site(site)
    assert "<style>" not in read(site, POST_PAGE) and "footer-text" not in read(site, POST_PAGE)
    assert "warna.css" not in read(site, POST_PAGE) and not (site / "output/assets/warna.css").exists()


@pytest.mark.parametrize("color, words", [('"#ffcc00"', "terlalu terang"), ('"#fff"', "terlalu terang"),
                                          ('"merah"', "tidak sah"), ('"#12345"', "tidak sah")])
def test_an_unreadable_or_invalid_brand_colour_is_an_error_with_its_line(site_factory, color, words):
    site = site_factory(POST, config=MINIMAL_CONFIG + f"theme:\n  color: {color}\n")
    errors = build_errors(site)
    assert len(errors) == 1 and errors[0].startswith("config.yaml:7: ") and words in errors[0], errors


def test_contrast_of_white_text():
    assert contrast_with_white("#000000") == pytest.approx(21)
    assert contrast_with_white("#a3000b") > 4.5 > contrast_with_white("#e05a00")


@pytest.mark.parametrize("logo", ["/assets/tidak-ada.png", "https://example.com/logo.png", "logo.png"])
def test_a_logo_that_is_not_a_file_of_the_theme_is_an_error(site_factory, logo):
    site = site_factory(POST, config=MINIMAL_CONFIG + f"  logo: {logo}\n")
    errors = build_errors(site)
    assert len(errors) == 1 and errors[0].startswith("config.yaml:6: ") and "templates/assets/" in errors[0], errors


def test_every_problem_at_once_and_the_output_untouched(site_factory):
    site = site_factory(POST)
    build_site(site)
    before = snapshot(site / "output")
    (site / "config.yaml").write_text(MINIMAL_CONFIG + '  logo: /assets/x.png\ntheme:\n  color: "#eee"\n  warna: x\n',
                                      encoding="utf-8")
    (site / "templates").mkdir()
    (site / "templates/post.html").write_text("{% block main %}\n{{ post.title }\n", encoding="utf-8")
    errors = build_errors(site)
    assert [e.split(": ", 1)[0] for e in errors] == ["config.yaml:9", "config.yaml:8", "config.yaml:6"], errors
    assert "'warna' tidak dikenal" in errors[0] and "terlalu terang" in errors[1] and "'/assets/x.png'" in errors[2]
    (site / "config.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    errors = build_errors(site)
    assert errors and errors[0].startswith("templates/post.html:2: "), errors
    assert snapshot(site / "output") == before


def test_adding_changing_and_removing_an_override_rebuilds_like_a_clean_build(site_factory, tmp_path):
    import shutil

    site = site_factory(POST)
    build_site(site)
    original = read(site, POST_PAGE)
    (site / "templates/assets").mkdir(parents=True)
    (site / "templates/_sidebar.html").write_text('<aside aria-label="Info">Satu</aside>\n', encoding="utf-8")
    (site / "templates/assets/style.css").write_text("body { color: #222; }\n", encoding="utf-8")
    build_site(site)
    assert "Satu" in read(site, POST_PAGE) and "#222" in read(site, "output/assets/style.css")
    (site / "templates/_sidebar.html").write_text('<aside aria-label="Info">Dua</aside>\n', encoding="utf-8")
    build_site(site)
    assert "Dua" in read(site, POST_PAGE)
    shutil.rmtree(site / "templates")
    build_site(site)
    assert read(site, POST_PAGE) == original
    assert (site / "output/assets/style.css").read_bytes() == (theme.THEME_DIR / "assets/style.css").read_bytes()


# --- symbolic links among a site's own assets: never a file from outside the site ----------------------------

@pytest.fixture
def outside(tmp_path):
    """Files elsewhere on the machine that must never be published."""
    folder = tmp_path / "di-luar"
    (folder / "kunci").mkdir(parents=True)
    (folder / "kata-sandi.txt").write_text("rahasia-sekali")
    (folder / "kunci" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----")
    return folder


def _themed_site(tmp_path):
    """A site with its own copy of the project's theme in templates/."""
    site = write_site(tmp_path / "site", {"content/posts/rapat.md": md("title: Rapat\ndate: 2019-11-08")})
    shutil.copytree(THEME_DIR, site / "templates")
    return site


@pytest.mark.parametrize("folder", [False, True])
def test_an_asset_linked_from_outside_the_site_is_refused_by_its_path(tmp_path, outside, folder):
    site = _themed_site(tmp_path)
    build_site(site)
    before = snapshot(site / "output")
    link = site / "templates/assets" / ("kunci" if folder else "logo-kpu.txt")
    link.symlink_to(outside / ("kunci" if folder else "kata-sandi.txt"), target_is_directory=folder)
    errors = build_errors(site)
    rel = link.relative_to(site).as_posix()
    assert [e for e in errors if e.startswith(f"{rel}: berkas tema ini adalah tautan simbolik ke {outside}")], errors
    assert "di luar folder situs" in errors[0]
    assert snapshot(site / "output") == before
    assert not leaked(site / "output", outside)


def test_assets_linked_inside_the_site_or_theme_are_published_as_copies(tmp_path):
    site = _themed_site(tmp_path)
    (site / "merek").mkdir()
    (site / "merek/logo.svg").write_text("<svg/>")
    (site / "templates/assets/logo.svg").symlink_to(site / "merek/logo.svg")
    (site / "templates/assets/merek").symlink_to(site / "merek", target_is_directory=True)
    (site / "templates/assets/lagi").symlink_to(".", target_is_directory=True)   # a loop is listed once
    build_site(site)
    published = site / "output/assets/logo.svg"
    assert published.read_text() == "<svg/>" and not published.is_symlink()
    assert (site / "output/assets/merek/logo.svg").read_text() == "<svg/>"
    assert published.stat().st_ino != (site / "merek/logo.svg").stat().st_ino
    assert not (site / "output/assets/lagi").exists()


def test_a_dangling_asset_link_is_named_and_skipped(tmp_path):
    site = _themed_site(tmp_path)
    (site / "templates/assets/hilang.css").symlink_to(tmp_path / "tidak-ada.css")
    result = build_site(site)
    assert any(str(w).startswith("templates/assets/hilang.css: peringatan: tautan simbolik") for w in result.warnings)
    assert not (site / "output/assets/hilang.css").exists()


def test_the_projects_theme_lists_its_assets_by_url(tmp_path):
    problems = Problems()
    files = assets((THEME_DIR,), tmp_path, problems)
    assert files and not problems.errors and not problems.warnings
    assert all(url.startswith("/assets/") and path.is_file() for url, path in files.items())
    assert set(files) == {f"/assets/{p.relative_to(THEME_DIR / 'assets').as_posix()}"
                          for p in (THEME_DIR / "assets").rglob("*") if p.is_file()}
