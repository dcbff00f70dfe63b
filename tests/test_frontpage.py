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
    assert "<script src" not in page.split("</header>", 1)[0], "the menu needs no script"


def photo_bundle(front: str = "", body: str = "Isi berita.\n") -> dict:
    from io import BytesIO

    from PIL import Image

    def jpeg(color) -> bytes:
        out = BytesIO()
        Image.new("RGB", (900, 600), color).save(out, "JPEG")
        return out.getvalue()
    text = md("title: Rapat Foto\ndate: 2024-03-02 09:00\ncover: b.jpg\ngallery:\n"
              "  - file: b.jpg\n    caption: Ketua membuka rapat\n    credit: Humas KPU Kaltara\n" + front, body)
    return {"content/posts/2024/rapat-foto/index.md": text, "content/posts/2024/rapat-foto/a.jpg": jpeg((200, 40, 40)),
            "content/posts/2024/rapat-foto/b.jpg": jpeg((40, 40, 200))}


POST_WITH_PHOTOS = "output/2024/03/02/rapat-foto/index.html"


def test_a_post_shows_its_cover_at_the_top_with_caption_and_credit(site_factory):
    site = site_factory(photo_bundle())
    build_site(site)
    page = read(site, POST_WITH_PHOTOS)
    cover = page.split('<figure class="cover">', 1)[1].split("</figure>", 1)[0]
    assert "b-" in cover and 'loading="lazy"' not in cover, "the cover is the page's first, eagerly loaded image"
    assert "<figcaption>Ketua membuka rapat <small class=\"credit\">Foto: Humas KPU Kaltara</small></figcaption>" in cover
    assert page.index('<figure class="cover">') < page.index('<div class="prose">')
    gallery = page.split('class="gallery"', 1)[1]
    assert 'Foto: Humas KPU Kaltara</small>' in gallery, "the credit shows under the photo in the gallery too"


def test_cover_hidden_or_a_body_that_shows_the_cover_leaves_the_top_photo_out(site_factory):
    site = site_factory(photo_bundle("cover_hidden: true\n"))
    build_site(site)
    assert '<figure class="cover">' not in read(site, POST_WITH_PHOTOS)
    site = site_factory(photo_bundle(body="![Ketua membuka rapat](b.jpg)\n"), name="in-body")
    build_site(site)
    assert '<figure class="cover">' not in read(site, POST_WITH_PHOTOS)


def test_a_wrong_cover_hidden_or_credit_is_an_error_with_its_line(site_factory):
    site = site_factory(photo_bundle("cover_hidden: kadang\n"))
    errors = build_errors(site)
    assert any("index.md:" in e and "'cover_hidden' harus true atau false" in e for e in errors), errors
    bad = photo_bundle()
    key = "content/posts/2024/rapat-foto/index.md"
    bad[key] = bad[key].replace("credit: Humas KPU Kaltara", "kredit: Humas")
    errors = build_errors(site_factory(bad, name="typo"))
    assert any("'kredit' tidak dikenal" in e and "credit" in e for e in errors), errors


def test_share_links_are_plain_links_and_the_copy_button_needs_the_local_script(site_factory):
    site = site_factory(photo_bundle())
    build_site(site)
    page = read(site, POST_WITH_PHOTOS)
    share = page.split('<nav class="share"', 1)[1].split("</nav>", 1)[0]
    hosts = re.findall(r'href="https://([^/"]+)/', share)
    assert hosts == ["wa.me", "www.facebook.com", "x.com", "t.me"]
    assert '<button type="button" class="copy-link" data-url="https://kaltara.kpu.go.id/2024/03/02/rapat-foto/" hidden>' in share
    assert re.findall(r'<script src="([^"]+)"', page) == ["/assets/bagikan.js", "/assets/lightbox.js"]
    assert (site / "output/assets/bagikan.js").is_file()
    assert "bagikan.js" not in read(site, "output/index.html"), "only posts load it"


def test_every_table_of_a_post_scrolls_inside_a_named_focusable_region(site_factory):
    body = ("| A | B |\n|---|---|\n| 1 | 2 |\n\n<table><caption>Jadwal &amp; tempat</caption><tr><td>"
            "<table><tr><td>dalam</td></tr></table></td></tr></table>\n")
    site = site_factory({"content/posts/2024/tabel.md": md("title: Tabel\ndate: 2024-03-01", body)})
    build_site(site)
    page = read(site, "output/2024/03/01/tabel/index.html")
    regions = re.findall(r'<div class="table-scroll" role="region" tabindex="0" aria-label="([^"]*)">', page)
    assert regions == ["Tabel 1", "Tabel 2: Jadwal &amp; tempat"], "one box per outermost table, labels unique"
    assert "<table><tr><td>dalam</td></tr></table></td></tr></table></div>" in page, "the table itself is untouched"


def ld_json(page: str) -> list:
    import json

    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]


def test_the_office_logo_and_name_are_in_the_header_and_the_json_ld(site_factory):
    config = MINIMAL_CONFIG.replace("  language: id\n", "  language: id\n  logo: /assets/logo-kantor.png\n")
    site = site_factory({**PAGES, "templates/assets/logo-kantor.png": b"png"}, config=config)
    build_site(site)
    home = read(site, "output/index.html")
    assert '<img src="/assets/logo-kantor.png" alt="" width="48" height="48">' in home.split("</header>", 1)[0]
    office = next(d for d in ld_json(home) if d["@type"] == "GovernmentOrganization")
    assert office["name"] == "KPU Provinsi Kalimantan Utara"
    assert office["logo"] == "https://kaltara.kpu.go.id/assets/logo-kantor.png"
    post = ld_json(read(site, "output/2024/03/01/rapat/index.html"))[0]
    assert post["publisher"]["logo"]["url"] == "https://kaltara.kpu.go.id/assets/logo-kantor.png"
    assert not ld_json(read(site, "output/arsip/index.html")), "the organisation is described on the front page"


@pytest.mark.parametrize("written, suggested", [
    ("/assets/Logo-Kantor.PNG", "/assets/logo-kantor.png"),
    ("logo-kantor.png", "/assets/logo-kantor.png"),
    ("C:\\Users\\humas\\Pictures\\logo-kantor.png", "/assets/logo-kantor.png"),
])
def test_a_logo_name_close_to_a_file_of_the_assets_suggests_that_file(site_factory, written, suggested):
    config = MINIMAL_CONFIG.replace("  language: id\n", f"  language: id\n  logo: '{written}'\n")
    site = site_factory({**PAGES, "templates/assets/logo-kantor.png": b"png"}, config=config)
    errors = build_errors(site)
    assert any(e.startswith("config.yaml:5:") and f"logo: {suggested}" in e for e in errors), errors


def test_a_heavy_or_svg_logo_is_published_with_a_warning_that_says_what_to_do(site_factory):
    config = MINIMAL_CONFIG.replace("  language: id\n", "  language: id\n  logo: /assets/logo-kantor.png\n")
    site = site_factory({**PAGES, "templates/assets/logo-kantor.png": b"p" * 3_400_000}, config=config)
    warnings = [str(w) for w in build_site(site).warnings]
    assert any(w.startswith("config.yaml:5:") and "3,4 MB" in w and "512 × 512" in w for w in warnings), warnings
    svg = MINIMAL_CONFIG.replace("  language: id\n", "  language: id\n  logo: /assets/logo-kantor.svg\n")
    site = site_factory({**PAGES, "templates/assets/logo-kantor.svg": b"<svg/>"}, config=svg, name="svg")
    warnings = [str(w) for w in build_site(site).warnings]
    assert any(w.startswith("config.yaml:5:") and "PNG" in w and "kotak suara" in w for w in warnings), warnings
    assert '<img src="/assets/logo-kantor.svg"' in read(site, "output/index.html")


def test_the_theme_ships_a_neutral_mark_and_no_red_placeholder():
    from PIL import Image

    from generator.model.theme import THEME_DIR

    assert "#a3000b" not in (THEME_DIR / "assets/favicon.svg").read_text(encoding="utf-8").lower()
    with Image.open(THEME_DIR / "assets/logo.png") as logo:
        assert logo.size == (512, 512)
        red, green, blue, _alpha = logo.convert("RGBA").getpixel((256, 20))
        assert abs(red - blue) < 40 and abs(red - green) < 40, "a neutral grey-blue, not a brand colour"


def news(count: int, categories=("Berita", "Pengumuman", "Rilis Pers"), extra: dict | None = None) -> dict:
    files = {}
    for n in range(1, count + 1):
        front = f"title: Berita {n}\ndate: 2024-03-{n:02d} 09:00\ncategory: {categories[n % len(categories)]}"
        front += (extra or {}).get(n, "")
        files[f"content/posts/2024/berita-{n}.md"] = md(front)
    return files


def lead_title(page: str) -> str:
    return re.search(r'<article class="lead">.*?<h2><a [^>]*>([^<]+)</a>', page, re.S).group(1)


def grid_titles(page: str) -> list[str]:
    grid = page.split('<ul class="news-grid">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<h3><a [^>]*>([^<]+)</a>", grid)


HOME = MINIMAL_CONFIG + """\
listing:
  per_page: 4
home:
  sections: [Pengumuman, Rilis Pers, Tidak Ada]
  section_posts: 2
services:
  - {title: PPID, url: "https://ppid.kpu.go.id/", description: Permohonan informasi publik}
  - {title: Pengaduan, url: /kontak/}
"""


def test_the_front_page_has_a_lead_story_a_grid_sections_services_and_older_news_on_page_two(site_factory):
    site = site_factory(news(12), config=HOME)
    build_site(site)
    home = read(site, "output/index.html")
    assert lead_title(home) == "Berita 12"
    assert grid_titles(home) == ["Berita 11", "Berita 10", "Berita 9"], "lead and grid are page 1 of the list"
    sections = re.findall(r'<h2 id="rubrik-\d+" class="section-title">([^<]+)</h2>', home)
    assert sections == ["Pengumuman", "Rilis Pers"], "in the configured order; a category without posts has none"
    pengumuman = home.split(">Pengumuman</h2>", 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<li><a [^>]*>([^<]+)</a>", pengumuman) == ["Berita 7", "Berita 4"], "not those shown above"
    services = home.split('<section class="services"', 1)[1].split("</section>", 1)[0]
    assert '<a href="https://ppid.kpu.go.id/"><strong>PPID</strong><small>Permohonan informasi publik</small></a>' in services
    assert '<a href="/kontak/"><strong>Pengaduan</strong></a>' in services
    assert 'href="/halaman/2/"' in home
    second = read(site, "output/halaman/2/index.html")
    assert '<article class="lead">' not in second and "Berita 8" in second and "Berita 5" in second
    assert '<article class="card">' in second, "page 2 on keep the plain list"


def test_a_pinned_post_leads_until_its_date_and_the_next_build_after_it_moves_it_back(site_factory):
    import datetime as dt

    from tests.conftest import build_site as build

    site = site_factory(news(6, extra={2: "\npinned_until: 2024-04-10"}), config=HOME)
    build(site, now=dt.datetime(2024, 4, 1, tzinfo=dt.timezone.utc))
    home = read(site, "output/index.html")
    assert lead_title(home) == "Berita 2"
    assert grid_titles(home) == ["Berita 6", "Berita 5", "Berita 4", "Berita 3"]
    build(site, now=dt.datetime(2024, 4, 11, tzinfo=dt.timezone.utc))      # nothing changed but the time
    home = read(site, "output/index.html")
    assert lead_title(home) == "Berita 6" and "Berita 2" not in grid_titles(home)


def test_the_latest_documents_box_links_the_newest_attachments(site_factory):
    files = news(3, extra={2: "\nattachments:\n  - {file: sk.pdf, title: SK Penetapan DPT}"})
    files["content/posts/2024/berita-2/index.md"] = files.pop("content/posts/2024/berita-2.md")
    files["content/posts/2024/berita-2/sk.pdf"] = b"%PDF-1.4\n%%EOF\n"
    site = site_factory(files)
    build_site(site)
    home = read(site, "output/index.html")
    box = home.split(">Dokumen terbaru</h2>", 1)[1].split("</section>", 1)[0]
    assert '<a href="/2024/03/02/berita-2/sk.pdf">SK Penetapan DPT</a>' in box and 'href="/dokumen/"' in box


def test_wrong_home_and_services_settings_are_errors_with_their_lines(site_factory):
    site = site_factory(news(1), config=MINIMAL_CONFIG + "home:\n  section_posts: -1\n  sekcions: []\n"
                        "services:\n  - {title: PPID}\n")
    errors = build_errors(site)
    assert any(e.startswith("config.yaml:7:") and "home.section_posts" in e for e in errors), errors
    assert any(e.startswith("config.yaml:8:") and "'sekcions'" in e and "sections" in e for e in errors), errors
    assert any(e.startswith("config.yaml:10:") and "services.0.url" in e for e in errors), errors


@pytest.mark.parametrize("section, url, fix", [
    ("services", "ppid.kpu.go.id", "https://ppid.kpu.go.id"),
    ("services", "www.jdih.kpu.go.id/", "https://www.jdih.kpu.go.id/"),
    ("menu_links", "//jdih.kpu.go.id/", "https://jdih.kpu.go.id/"),
    ("social", "instagram.com/kpu_sleman", "https://instagram.com/kpu_sleman"),
])
def test_a_link_written_without_https_is_an_error_with_its_line_not_a_broken_address(site_factory, section, url, fix):
    key = "name" if section == "social" else "title"
    site = site_factory(news(1), config=MINIMAL_CONFIG + f"{section}:\n  - {key}: Tautan\n    url: {url}\n")
    errors = build_errors(site)
    assert any(e.startswith("config.yaml:8:") and f"'{url}'" in e and f"url: {fix}" in e for e in errors), errors


def test_links_inside_the_site_and_full_addresses_are_left_as_written(site_factory):
    services = "services:\n  - {title: Pengaduan, url: /kontak/}\n  - {title: PPID, url: 'https://ppid.kpu.go.id/'}\n"
    site = site_factory(news(1), config=MINIMAL_CONFIG + services + "menu_links:\n  - {title: Profil, url: profil.html}\n")
    build_site(site)
    assert 'href="https://ppid.kpu.go.id/"' in read(site, "output/index.html")


def test_a_front_page_section_naming_a_misspelt_category_is_warned_and_a_planned_one_is_not(site_factory):
    site = site_factory(news(3), config=MINIMAL_CONFIG + "home:\n  sections: [Pengumumam, Rilis Pers, Siaran Langsung]\n")
    warned = [str(w) for w in build_site(site).warnings]
    assert any(w.startswith("config.yaml:") and "'Pengumumam'" in w and "maksudnya 'Pengumuman'" in w
               for w in warned), warned
    assert not any("Rilis Pers" in w or "Siaran Langsung" in w for w in warned), warned


def test_every_post_gets_a_share_card_from_its_cover_or_the_logo_made_again_only_when_it_changes(site_factory):
    from PIL import Image

    site = site_factory({**photo_bundle(), **PAGES})
    build_site(site)
    with_photo = site / "output/2024/03/02/rapat-foto/bagikan.jpg"
    with_logo = site / "output/2024/03/01/rapat/bagikan.jpg"
    for card in (with_photo, with_logo):
        with Image.open(card) as image:
            assert image.size == (1200, 630) and image.format == "JPEG" and not image.getexif()
    with Image.open(with_photo) as image:
        blue, red = image.getpixel((600, 300)), Image.open(with_logo).getpixel((600, 300))
    assert blue[2] > blue[0], "the card with a cover shows the (blue) cover photo"
    assert red[0] > red[2], "the card without one is in the brand colour (theme red)"
    page = read(site, POST_WITH_PHOTOS)
    assert '<meta property="og:image" content="https://kaltara.kpu.go.id/2024/03/02/rapat-foto/bagikan.jpg">' in page
    assert '<meta name="twitter:image" content="https://kaltara.kpu.go.id/2024/03/02/rapat-foto/bagikan.jpg">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert not (site / "output/profil/bagikan.jpg").exists(), "pages share the logo, as before"
    before = {card: card.read_bytes() for card in (with_photo, with_logo)}
    stamp = with_logo.stat().st_mtime_ns
    source = site / "content/posts/2024/rapat.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Rapat Pleno", "Rapat Pleno Terbuka"),
                      encoding="utf-8")
    build_site(site)
    assert with_photo.read_bytes() == before[with_photo], "an unchanged post keeps its card"
    assert with_logo.read_bytes() != before[with_logo] and with_logo.stat().st_mtime_ns != stamp
    assert len(list((site / ".cache/kartu").glob("*.jpg"))) == 2, "the old card left the cache"


def test_an_old_address_where_a_share_card_goes_is_a_collision_named_before_anything_is_written(site_factory):
    files = {"content/posts/2024/lain.md": md("title: Lain\ndate: 2024-03-05\naliases: [/2024/03/01/rapat/bagikan.jpg]"),
             "content/posts/2024/rapat.md": md("title: Rapat Pleno\ndate: 2024-03-01 10:00")}
    errors = build_errors(site_factory(files))
    assert any("/2024/03/01/rapat/bagikan.jpg" in e and "gambar berbagi" in e and "lain.md" in e for e in errors), errors


def test_the_front_page_shows_terpopuler_the_most_read_posts_first(site_factory):
    site = site_factory(news(4, extra={1: "\nviews: 40", 3: "\nviews: 900", 4: "\nviews: 0"}), config=HOME)
    build_site(site)
    home = read(site, "output/index.html")
    box = home.split("<h2>Terpopuler</h2>", 1)[1].split("</section>", 1)[0]
    assert re.findall(r"<li><a [^>]*>([^<]+)</a>", box) == ["Berita 3", "Berita 1"], "by views; none without views"
    assert "900 kali dilihat" in box


def test_a_share_card_carries_the_office_name_in_its_top_band_and_the_title_over_the_photo(tmp_path):
    from PIL import Image, ImageChops

    from generator.model.theme import THEME_DIR
    from generator.photos import cardpaint

    photo = tmp_path / "foto.jpg"
    Image.new("RGB", (900, 600), (40, 90, 160)).save(photo, "JPEG")
    cards = {}
    for title, office in (("Rapat Pleno", "KPU Kaltara"), ("Bimbingan Teknis", "KPU Kaltara"), ("Rapat Pleno", "KPU Bulungan")):
        target = tmp_path / f"{title}-{office}.jpg"
        card = cardpaint.Card(str(target), title, office, str(photo), str(THEME_DIR / "assets/logo.png"), "#8b0000")
        assert cardpaint.make(card) == ""
        cards[title, office] = Image.open(target).convert("L")

    def differs(a, b, box) -> bool:
        return ImageChops.difference(cards[a].crop(box), cards[b].crop(box)).getbbox() is not None
    band, bottom = (0, 0, 1200, cardpaint.BAND - 8), (0, 630 - 160, 1200, 630)
    assert differs(("Rapat Pleno", "KPU Kaltara"), ("Rapat Pleno", "KPU Bulungan"), band), "the office's name is on top"
    assert not differs(("Rapat Pleno", "KPU Kaltara"), ("Rapat Pleno", "KPU Bulungan"), bottom)
    assert differs(("Rapat Pleno", "KPU Kaltara"), ("Bimbingan Teknis", "KPU Kaltara"), bottom), "the title at the bottom"
    assert not differs(("Rapat Pleno", "KPU Kaltara"), ("Bimbingan Teknis", "KPU Kaltara"), band)
