"""RSS, Atom and sitemap.xml of a built site, read by real parsers: feedparser and the sitemaps.org schema."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from generator.build import Options, load_site
from generator.core.report import Problems
from tests.conftest import NOW, ROOT, build_site, config_text, md, write_site

pytestmark = pytest.mark.quick

ORIGIN = "https://kaltara.kpu.go.id/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(path: Path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture(scope="module")
def published(basic_site):
    """The URLs the basic site publishes: posts and pages (from the model, not from the output)."""
    site = load_site(Options(basic_site, now=NOW), Problems())
    return [p.url for p in site.posts], [p.url for p in site.pages]


def test_rss_channel_and_items(basic_site, published):
    feed = parse(basic_site / "output/feed.xml")
    assert feed.version == "rss20"
    channel = feed.feed
    assert channel.title == "KPU Provinsi Kalimantan Utara"
    assert channel.link == ORIGIN
    assert channel.description == "Berita dan pengumuman KPU Provinsi Kalimantan Utara."
    assert channel.language == "id"
    posts, _ = published
    assert [e.link for e in feed.entries] == [ORIGIN.rstrip("/") + u for u in posts]
    for entry in feed.entries:
        assert entry.title and entry.description
        assert entry.id == entry.link                      # guid isPermaLink
        assert entry.published_parsed is not None
    first = feed.entries[0]
    assert first.title == "Rapat Pleno Terbuka Rekapitulasi Daftar Pemilih"
    assert first.published == "Thu, 20 Feb 2020 14:00:00 +0800"
    assert dt.datetime(*first.published_parsed[:6]) == dt.datetime(2020, 2, 20, 6, 0)   # in UTC


def test_atom_feed_and_entries(basic_site, published):
    feed = parse(basic_site / "output/atom.xml")
    assert feed.version == "atom10"
    assert feed.feed.title == "KPU Provinsi Kalimantan Utara"
    assert feed.feed.id == ORIGIN
    assert feed.feed.updated == "2020-02-20T14:00:00+08:00"
    assert any(link.rel == "self" and link.href == ORIGIN + "atom.xml" for link in feed.feed.links)
    posts, _ = published
    assert [e.id for e in feed.entries] == [ORIGIN.rstrip("/") + u for u in posts]
    for entry in feed.entries:
        assert entry.title and entry.updated_parsed and entry.published_parsed
        assert entry.link == entry.id
        assert entry.author
    assert feed.entries[-1].updated == "2019-11-08T20:00:00+08:00"
    assert feed.entries[-1].tags[0].term == "berita"


def test_feed_ids_are_stable_across_builds(basic_site, tmp_path):
    from tests.conftest import copy_site

    again = copy_site("basic", tmp_path / "again")
    build_site(again, now=NOW + dt.timedelta(days=400))
    assert [e.id for e in parse(again / "output/atom.xml").entries] == \
        [e.id for e in parse(basic_site / "output/atom.xml").entries]


def test_feeds_hold_the_latest_20_only(tmp_path):
    files = {f"content/posts/p{i:02d}.md": md(f"title: Berita {i}\ndate: 2020-01-{i:02d} 10:00") for i in range(1, 24)}
    site = write_site(tmp_path / "site", files, config_text())
    build_site(site)
    expected = [f"Berita {i}" for i in range(23, 3, -1)]
    rss = parse(site / "output/feed.xml")
    atom = parse(site / "output/atom.xml")
    assert [e.title for e in rss.entries] == expected
    assert [e.title for e in atom.entries] == expected
    assert all(e.link.startswith(ORIGIN) for e in rss.entries + atom.entries)


def test_feeds_of_an_empty_site_are_valid(tmp_path):
    site = write_site(tmp_path / "site", {"content/pages/profil.md": md("title: Profil")}, config_text())
    build_site(site)
    assert parse(site / "output/feed.xml").entries == []
    atom = parse(site / "output/atom.xml")
    assert atom.entries == [] and atom.feed.updated


def test_feed_text_is_escaped(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/a.md": md('title: "A & B <i>"\ndate: 2020-01-01',
                                                                   "Ringkasan dengan <b>tag</b> & ampersand.\n")},
                      config_text())
    build_site(site)
    for name in ("feed.xml", "atom.xml"):
        entry = parse(site / "output" / name).entries[0]
        assert entry.title == "A & B <i>"


# --- sitemap.xml ------------------------------------------------------------------------------------------

def sitemap_locs(path: Path) -> list[str]:
    tree = etree.parse(str(path))
    assert tree.getroot().tag == SITEMAP_NS + "urlset"
    return [loc.text for loc in tree.getroot().iter(SITEMAP_NS + "loc")]


def test_sitemap_is_valid_against_the_sitemaps_org_schema(basic_site):
    schema = etree.XMLSchema(etree.parse(str(ROOT / "tests/schemas/sitemap.xsd")))
    document = etree.parse(str(basic_site / "output/sitemap.xml"))
    assert schema.validate(document), schema.error_log


def test_sitemap_lists_every_published_page_and_nothing_else(basic_site, published):
    locs = sitemap_locs(basic_site / "output/sitemap.xml")
    assert len(locs) == len(set(locs))
    assert all(loc.startswith(ORIGIN) for loc in locs)
    posts, pages = published
    for url in posts + pages + ["/", "/kategori/berita/", "/tag/sosialisasi/", "/2019/11/", "/arsip/"]:
        assert ORIGIN.rstrip("/") + url in locs
    text = " ".join(locs)
    assert "draf-belum-terbit" not in text and "berita-terjadwal" not in text          # drafts, future
    assert "/berita/rapat-koordinasi-sosialisasi/" not in text                         # a redirect
    assert not any(loc.endswith((".xml", ".txt", "404.html")) for loc in locs)


def test_robots_names_the_sitemap(basic_site):
    assert (basic_site / "output/robots.txt").read_text(encoding="utf-8").splitlines()[-1] == \
        "Sitemap: https://kaltara.kpu.go.id/sitemap.xml"


def test_atom_updated_is_the_latest_change(tmp_path):
    site = write_site(tmp_path / "site", {
        "content/posts/a.md": md("title: Lama tapi diperbarui\ndate: 2019-01-01\nupdated: 2021-03-04 10:00"),
        "content/posts/b.md": md("title: Terbaru\ndate: 2020-06-01"),
    }, config_text())
    build_site(site)
    atom = parse(site / "output/atom.xml")
    assert atom.feed.updated == "2021-03-04T10:00:00+08:00"
    assert [e.updated for e in atom.entries] == ["2020-06-01T00:00:00+08:00", "2021-03-04T10:00:00+08:00"]
    assert all(atom.feed.updated_parsed >= e.updated_parsed for e in atom.entries)


# --- feeds always parse, whatever the text holds ---------------------------------------------------------------

NASTY = ["A & B", "<![CDATA[x]]>", "]]>", "<!--", "\"'<>", "x\u2028y\u2029z", "\u200f\u202e RTL", "emoji 🗳️",
         "&amp; &#0; &#x1;", "\t tab", "\\x01 typed, not escaped", "\ufeffBOM", "\U0010FFFD"]


@pytest.mark.parametrize("text", NASTY)
def test_feeds_and_sitemap_parse_with_hostile_text_everywhere(tmp_path, text):
    import json

    value = json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    site = write_site(tmp_path / "site", {
        "content/posts/a.md": md(f"title: {value}\ndate: 2020-01-01\nauthor: {value}\ncategory: {value}\n"
                                 f"tags: [{value}]", f"{text}\n\nBody \x01 with \x00 controls \ufffe.\n"),
        "content/posts/b.md": md(f"title: B\ndate: 2020-01-02\nsummary: {value}"),
    }, config_text().replace("title: KPU Provinsi Kalimantan Utara", f"title: {value}"))
    build_site(site, search=False)
    for name in ("feed.xml", "atom.xml", "sitemap.xml"):
        etree.fromstring((site / "output" / name).read_bytes())        # well-formed XML, lxml's strict parser
    for name in ("feed.xml", "atom.xml"):
        feed = parse(site / "output" / name)
        titles = {e.title for e in feed.entries}
        assert text.strip() in {t.strip() for t in titles} | {feed.entries[1].get("summary", "").strip()}
        assert feed.feed.title.strip() == text.strip()


def test_body_control_characters_never_reach_a_feed(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/a.md": md("title: A\ndate: 2020-01-01",
                                                                   "Ringkasan \x01\x02\x1f\x7f\x85\ufffe\uffff di sini.\n")})
    result = build_site(site, search=False)
    assert any("karakter kendali" in str(w) for w in result.warnings)
    for name in ("feed.xml", "atom.xml"):
        etree.fromstring((site / "output" / name).read_bytes())
        assert parse(site / "output" / name).entries[0].summary == "Ringkasan di sini."
