"""Valid output: the Nu HTML Checker finds no error, feeds parse cleanly, and every page carries its SEO and sharing tags."""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from PIL import Image

from tests import readers_site
from tests.readers_site import SITE_NAMES, VNU

pytestmark = pytest.mark.browser

OFFSET = re.compile(r"T\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture(scope="module", params=SITE_NAMES)
def site(request):
    return readers_site.built(request.param)


def test_the_nu_html_checker_finds_no_error_on_any_page(site):
    readers_site.require(shutil.which("java") is not None, "Java tidak terpasang: Nu HTML Checker dilewati")
    readers_site.require(VNU.is_file(), "node_modules/vnu-jar belum terpasang (jalankan `npm ci`): Nu HTML Checker dilewati")
    done = subprocess.run(["java", "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json",
                           str(site.output)], capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '?').split(str(site.output))[-1]}:{m.get('lastLine', '?')}: {m.get('message')}"
              for m in messages if m.get("type") in ("error", "non-document-error")]
    assert errors == []
    assert done.returncode == 0


def test_the_rss_feed_is_complete_and_parses_cleanly(site):
    feed = feedparser.parse((site.output / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    channel = ET.parse(site.output / "feed.xml").getroot().find("channel")
    for name in ("title", "link", "description"):
        assert (channel.findtext(name) or "").strip(), f"RSS 2.0 requires <channel><{name}>"
    items = channel.findall("item")
    assert items and len(items) == len(feed.entries)
    for item, entry in zip(items, feed.entries):
        assert (item.findtext("title") or item.findtext("description") or "").strip(), "an item needs a title or description"
        assert entry.link.startswith("http") and entry.id == entry.link
        assert entry.published_parsed is not None


def test_the_atom_feed_is_complete_and_parses_cleanly(site):
    feed = feedparser.parse((site.output / "atom.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(site.output / "atom.xml").getroot()
    for name in ("id", "title", "updated"):
        assert (root.findtext(atom + name) or "").strip(), f"Atom requires <feed><{name}>"
    assert any(link.get("rel") == "self" for link in root.findall(atom + "link"))
    has_feed_author = root.find(atom + "author") is not None
    entries = root.findall(atom + "entry")
    assert entries
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(atom + name) or "").strip(), f"Atom requires <entry><{name}>"
        assert has_feed_author or entry.find(atom + "author") is not None
        assert entry.find(atom + "link") is not None or entry.find(atom + "content") is not None


class Head(html.parser.HTMLParser):
    """The SEO-relevant parts of a page: meta tags, link rel=canonical, JSON-LD, links."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.json_ld: list[str] = []
        self.links: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta.setdefault(attrs.get("property") or attrs.get("name"), []).append(attrs.get("content") or "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs.get("href") or "")
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_ld[-1] += data

    def one(self, name: str) -> str:
        values = self.meta.get(name, [])
        assert len(values) == 1, f"{name}: {values}"
        return values[0]


def head_of(site, url: str) -> Head:
    parsed = Head()
    parsed.feed(readers_site.output_path(site, url).read_text(encoding="utf-8"))
    return parsed


def origin_and_base(site) -> str:
    return readers_site.model(site).config.site.base_url.rstrip("/")


def test_every_page_has_canonical_description_open_graph_and_twitter_tags(site):
    base = origin_and_base(site)
    posts = {p.url for p in readers_site.model(site).posts}
    for path in readers_site.html_files(site.output):
        text = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text:
            continue
        url = "/" + path.relative_to(site.output).as_posix().removesuffix("index.html")
        head = Head()
        head.feed(text)
        assert len(head.canonical) == 1 and head.canonical[0] == base + url, url
        description = head.one("description")
        assert 10 <= len(description) <= 205, (url, description)
        assert head.one("og:url") == head.canonical[0]
        assert head.one("og:type") == ("article" if url in posts else "website"), url
        assert head.one("og:title") and head.one("og:site_name") and head.one("og:description") == description
        assert head.one("og:locale") == "id_ID"
        assert head.one("og:image").startswith(base + "/")
        assert head.one("twitter:card") in ("summary", "summary_large_image")
        assert head.one("twitter:image") == head.one("og:image")


def local_file(site, absolute: str):
    path = urlsplit(absolute).path
    base = site.base_path
    assert path.startswith(base), absolute
    return site.output / path[len(base):]


def test_the_shared_image_of_a_post_is_its_share_card_with_its_size(site):
    base = origin_and_base(site)
    for post in readers_site.model(site).posts:
        head = head_of(site, post.url)
        image = local_file(site, head.one("og:image"))
        with Image.open(image) as opened:
            assert (int(head.one("og:image:width")), int(head.one("og:image:height"))) == opened.size == (1200, 630)
        assert head.one("og:image") == base + post.url + "bagikan.jpg"
        assert head.one("og:image:alt") and head.one("twitter:image") == head.one("og:image")
        assert head.one("twitter:card") == "summary_large_image"


def test_posts_carry_json_ld_news_article(site):
    base = origin_and_base(site)
    config = readers_site.model(site).config
    for post in readers_site.model(site).posts:
        head = head_of(site, post.url)
        assert len(head.json_ld) == 1, post.url
        data = json.loads(head.json_ld[0])
        assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
        assert data["headline"] == post.title[:110] or data["headline"].endswith("...")
        assert OFFSET.search(data["datePublished"]) and OFFSET.search(data["dateModified"]), "dates carry their zone"
        assert data["datePublished"] == head.one("article:published_time")
        assert data["author"][0]["name"] == post.author
        publisher = data["publisher"]
        assert publisher["@type"] == "Organization" and publisher["name"] == config.site.title
        assert publisher["logo"]["url"].endswith((".png", ".jpg", ".jpeg"))
        assert local_file(site, publisher["logo"]["url"]).is_file()
        assert data["articleSection"] == post.category.name
        assert data["mainEntityOfPage"]["@id"] == base + post.url
        card, *others = data["image"]
        assert card["url"] == head.one("og:image") and (card["width"], card["height"]) == (1200, 630)
        for image in others:
            assert local_file(site, image["url"]).is_file()
        if post.cover:
            assert [(i["width"], i["height"]) for i in others] == [(post.cover.web.width, post.cover.web.height)]


def test_posts_have_plain_share_links_for_whatsapp_facebook_and_x(site):
    base = origin_and_base(site)
    for post in readers_site.model(site).posts:
        head = head_of(site, post.url)
        page = base + post.url
        shares = {}
        for link in head.links:
            parts = urlsplit(link)
            if (parts.netloc, parts.path) in (("wa.me", "/"), ("www.facebook.com", "/sharer/sharer.php"),
                                              ("x.com", "/intent/post")):
                shares[parts.netloc] = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert shares == {"wa.me": {"text": f"{post.title} {page}"}, "www.facebook.com": {"u": page},
                          "x.com": {"url": page, "text": post.title}}, post.url
        text = readers_site.output_path(site, post.url).read_text(encoding="utf-8")
        share = text.split('<nav class="share"', 1)[1].split("</nav>", 1)[0]
        assert "<script" not in share and "<iframe" not in share, "links only, no third-party scripts"
