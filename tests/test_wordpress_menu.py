"""import-wordpress keeps the office's WordPress menu (nav_menu_item): its pages get `menu:` positions, its other
entries are printed as a `menu_links:` block for config.yaml, which the import never changes."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml

from generator import wordpress

from .conftest import MINIMAL_CONFIG, build_site

pytestmark = pytest.mark.quick

SHARED = Path("/work/shared/wxr")


def page(post_id: str, title: str, slug: str) -> str:
    return f"""<item><title>{title}</title><link>https://kab-x.kpu.go.id/{slug}/</link>
<dc:creator>humas</dc:creator><guid isPermaLink="false">https://kab-x.kpu.go.id/?page_id={post_id}</guid>
<content:encoded><![CDATA[Isi {title}.]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date>2020-01-0{post_id[-1]} 09:00:00</wp:post_date>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent>
<wp:menu_order>0</wp:menu_order><wp:post_type>page</wp:post_type></item>"""


def entry(post_id: str, order: int, menu: str, kind: str, target: str, object_id: str, url: str = "",
          title: str = "", parent: str = "0") -> str:
    meta = {"_menu_item_type": kind, "_menu_item_object": target, "_menu_item_object_id": object_id,
            "_menu_item_menu_item_parent": parent, "_menu_item_url": url}
    metas = "".join(f"<wp:postmeta><wp:meta_key>{k}</wp:meta_key><wp:meta_value><![CDATA[{v}]]></wp:meta_value>"
                    "</wp:postmeta>" for k, v in meta.items())
    return f"""<item><title>{title}</title><wp:post_id>{post_id}</wp:post_id><wp:status>publish</wp:status>
<wp:post_date>2020-01-01 09:00:00</wp:post_date><wp:menu_order>{order}</wp:menu_order>
<wp:post_type>nav_menu_item</wp:post_type><wp:post_parent>0</wp:post_parent>
<category domain="nav_menu" nicename="{menu.lower().replace(' ', '-')}"><![CDATA[{menu}]]></category>{metas}</item>"""


EXPORT = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>KPU Kabupaten X</title><link>https://kab-x.kpu.go.id</link>
<wp:base_blog_url>https://kab-x.kpu.go.id</wp:base_blog_url>
<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename>pengumuman</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Pengumuman]]></wp:cat_name></wp:category>
{page("101", "Profil", "profil")}{page("102", "Struktur Organisasi", "struktur")}{page("103", "Sejarah", "sejarah")}
{page("104", "Kontak", "kontak")}
{entry("201", 1, "Menu Utama", "custom", "custom", "201", url="https://kab-x.kpu.go.id/", title="Beranda")}
{entry("202", 2, "Menu Utama", "post_type", "page", "102")}
{entry("203", 3, "Menu Utama", "post_type", "page", "101")}
{entry("204", 4, "Menu Utama", "taxonomy", "category", "7")}
{entry("205", 5, "Menu Utama", "custom", "custom", "205", url="https://ppid.kpu.go.id/", title="PPID")}
{entry("206", 6, "Menu Utama", "custom", "custom", "206", url="#", title="Layanan")}
{entry("207", 7, "Menu Utama", "post_type", "page", "103", parent="206")}
{entry("208", 8, "Menu Utama", "custom", "custom", "208", url="https://kab-x.kpu.go.id/dokumen/", title="Unduhan")}
{entry("301", 1, "Footer", "post_type", "page", "104")}
</channel></rss>
"""


def run_import(site: Path, export: Path, **options) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = wordpress.run(wordpress.Options(export, site, **options), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def fronts(site: Path) -> dict[str, dict]:
    return {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:])
            for p in (site / "content/pages").rglob("index.md")}


def menu_texts(site: Path) -> list[str]:
    html = (site / "output/index.html").read_text(encoding="utf-8")
    return re.findall(r"<a [^>]*>([^<]+)</a>", html.split('<nav class="menu-wide"', 1)[1].split("</nav>", 1)[0])


def test_the_main_menu_becomes_menu_positions_and_a_printed_menu_links_block(tmp_path):
    export = tmp_path / "ekspor.xml"
    export.write_text(EXPORT, encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "config.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    code, report, errors = run_import(site, export)
    assert code == 0, errors
    found = {name: front.get("menu") for name, front in fronts(site).items()}
    assert found == {"struktur": 1, "profil": 2, "sejarah": None, "kontak": None}, found
    assert "Menu WordPress 'Menu Utama'" in report and "Footer" in report and "1 entri sub-menu" in report
    assert (site / "config.yaml").read_text(encoding="utf-8") == MINIMAL_CONFIG, "config.yaml is never changed"
    block = report.split("menu tetap lengkap:\n\n", 1)[1].split("\n\n", 1)[0]
    links = yaml.safe_load("\n".join(line[2:] for line in block.splitlines()))
    assert links == {"menu_links": [{"title": "Pengumuman", "url": "/kategori/pengumuman/"},
                                    {"title": "PPID", "url": "https://ppid.kpu.go.id/"},
                                    {"title": "Unduhan", "url": "/dokumen/"}]}
    (site / "config.yaml").write_text(MINIMAL_CONFIG + "\n".join(line[2:] for line in block.splitlines()) + "\n",
                                      encoding="utf-8")
    build_site(site)
    assert menu_texts(site) == ["Beranda", "Struktur Organisasi", "Profil", "Galeri", "Arsip", "Cari",
                                "Pengumuman", "PPID", "Unduhan"]


@pytest.mark.parametrize("name, menu, pages", [("theme-unit-test.xml", "All Pages Flat", 18),
                                               ("a11y-theme-unit-test.xml", "All Pages", 7)])
def test_the_shared_exports_with_menus_keep_their_menu_pages(tmp_path, name, menu, pages):
    site = tmp_path / "site"
    site.mkdir()
    (site / "config.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    code, report, errors = run_import(site, SHARED / name)
    assert code == 0, errors
    assert f"Menu WordPress '{menu}': {pages} halaman diberi 'menu:'" in report
    positions = sorted(f["menu"] for f in fronts(site).values() if "menu" in f)
    assert positions == list(range(1, pages + 1))
    assert len(fronts(site)) > pages, "pages outside the menu stay out of it"
