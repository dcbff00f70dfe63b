"""An official office site at a glance (issue 26): the menu, the post page's cover, credits, sharing and wide
tables, the office's identity, the news front page and share cards."""

from __future__ import annotations

import re

import pytest

from tests.conftest import MINIMAL_CONFIG, build_errors, build_site, md

pytestmark = pytest.mark.quick

PAGES = {
    "content/pages/profil.md": md("title: Profil\nmenu: 2"),
    "content/pages/visi.md": md("title: Visi dan Misi\nmenu: 1"),
    "content/pages/sejarah.md": md("title: Sejarah Kantor"),          # no menu: published, not in the menu
    "content/posts/2024/rapat.md": md("title: Rapat Pleno\ndate: 2024-03-01 10:00"),
}


def read(site, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def menu_of(page: str) -> list[str]:
    """The link texts of the wide menu (the phone menu holds the same)."""
    wide = page.split('<nav class="menu-wide"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", wide)


def test_the_default_menu_lists_only_pages_with_a_menu_position_in_its_order(site_factory):
    site = site_factory(PAGES)
    build_site(site)
    page = read(site, "output/index.html")
    assert menu_of(page) == ["Beranda", "Visi dan Misi", "Profil", "Galeri", "Arsip", "Cari"]
    assert (site / "output/sejarah-kantor/index.html").is_file() or (site / "output/sejarah/index.html").is_file()


def test_menu_links_are_added_after_the_built_in_entries_and_menu_still_replaces_everything(site_factory):
    extra = ("menu_links:\n  - {title: PPID, url: https://ppid.kpu.go.id/}\n  - {title: Kontak, url: /kontak/}\n")
    site = site_factory(PAGES, config=MINIMAL_CONFIG + extra)
    build_site(site)
    page = read(site, "output/index.html")
    assert menu_of(page) == ["Beranda", "Visi dan Misi", "Profil", "Galeri", "Arsip", "Cari", "PPID", "Kontak"]
    assert '<a href="https://ppid.kpu.go.id/">PPID</a>' in page
    full = MINIMAL_CONFIG + extra + "menu:\n  - {title: Sejarah, url: /sejarah/}\n"
    site = site_factory(PAGES, config=full, name="full")
    build_site(site)
    assert menu_of(read(site, "output/index.html")) == ["Beranda", "Sejarah"]


def test_a_menu_link_that_runs_script_is_dropped_and_a_wrong_menu_links_value_names_its_line(site_factory):
    site = site_factory(PAGES, config=MINIMAL_CONFIG + "menu_links:\n  - {title: X, url: 'javascript:alert(1)'}\n")
    build_site(site)
    assert "javascript:" not in read(site, "output/index.html")
    site = site_factory(PAGES, config=MINIMAL_CONFIG + "menu_links: PPID\n", name="bad")
    errors = build_errors(site)
    assert any(e.startswith("config.yaml:6:") and "menu_links" in e and "daftar" in e for e in errors), errors


def test_the_phone_menu_folds_into_a_details_element_without_script(site_factory):
    site = site_factory(PAGES)
    build_site(site)
    page = read(site, "output/index.html")
    phone = page.split('<nav class="menu-phone"', 1)[1].split("</nav>", 1)[0]
    assert "<details>" in phone and "<summary>Menu</summary>" in phone
    assert re.findall(r"<a [^>]*>([^<]+)</a>", phone) == menu_of(page)
    assert "<script" not in page.split("</header>", 1)[0]
