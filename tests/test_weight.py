"""Light pages: a post weighs at most 50 KB compressed without its photos, the front page at most 60 KB (issue 26), and
no page asks anything of another server."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import pytest

from tests import readers_site
from tests.readers_site import SITE_NAMES

pytestmark = pytest.mark.browser

LIMIT = 50_000          # bytes over the wire: HTML + CSS + JS, each gzip-compressed as a web server would
HOME_LIMIT = 60_000     # the front page (lead story, grid, sections, services), the same way (issue 26)
TEXT_TYPES = {"document", "stylesheet", "script"}
VIEWPORT = {"width": 412, "height": 823}


@pytest.fixture(scope="module", params=SITE_NAMES)
def site(request):
    return readers_site.built(request.param)


@pytest.fixture(scope="module")
def served(site):
    readers_site.require_browser()
    origin = readers_site.server(site.output, site.base_path)
    return site, origin, readers_site.page_urls(site)


@pytest.fixture(scope="module")
def tab(served):
    """One reader's page for the module's loads (a context per load would start a renderer for each), emptied of what
    the last load left before each: see load(). A page a load crashed is replaced, so the loads after it still run.
    The context is a plain one, as a reader's: the site's policy applies and the browser is not told it is a phone."""
    tabs = readers_site.Tabs(context=lambda viewport: readers_site.browser().new_context(viewport=viewport))
    yield lambda: tabs.page(VIEWPORT)
    tabs.close()


def load(served, tab, url: str) -> list[tuple[str, str, bytes]]:
    """Open the page like a reader on a first visit (scrolled to the end, so lazy photos load too); every request as
    (type, url, body). The browser's caches are emptied first (HTTP and the renderer's memory cache, where a photo the
    last page showed would otherwise be taken instead of the photo this page picks), so nothing comes from before."""
    site, origin, _ = served
    page = tab()
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.clearBrowserCache")
    devtools.detach()
    seen: list = []

    def record(request) -> None:
        seen.append(request)

    page.on("requestfinished", record)
    page.on("requestfailed", record)
    try:
        page.goto(origin + site.base_path.rstrip("/") + url, wait_until="load")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")     # once the photos the scroll brings into view have come too
        out = []
        for request in seen:
            response = request.response() if request.url.startswith(origin) else None
            body = response.body() if response and request.resource_type in TEXT_TYPES else b""
            out.append((request.resource_type, request.url, body))
        return out
    finally:
        page.remove_listener("requestfinished", record)
        page.remove_listener("requestfailed", record)


def weight(requests) -> int:
    return sum(len(gzip.compress(body, 6)) for kind, _, body in requests if kind in TEXT_TYPES)


@pytest.mark.parametrize("kind", ["post", "plain_post", "video_post"])
def test_a_post_weighs_at_most_50_kb_compressed_without_its_photos(served, tab, kind):
    site, origin, urls = served
    if kind not in urls:
        pytest.skip(f"situs {site.name} tidak punya halaman jenis {kind}")
    requests = load(served, tab, urls[kind])
    total = weight(requests)
    print(f"\n{site.name} {urls[kind]}: {total / 1000:.1f} KB (gzip) HTML+CSS+JS")
    assert any(kind == "document" for kind, _, _ in requests)
    assert total <= LIMIT, [(kind, url, len(gzip.compress(body, 6))) for kind, url, body in requests if body]


def test_the_front_page_weighs_at_most_60_kb_compressed_before_its_photos(served, tab):
    site, origin, urls = served
    requests = load(served, tab, urls["home"])
    total = weight(requests)
    print(f"\n{site.name} /: {total / 1000:.1f} KB (gzip) HTML+CSS+JS")
    assert any(kind == "document" for kind, _, _ in requests)
    assert total <= HOME_LIMIT, [(kind, url, len(gzip.compress(body, 6))) for kind, url, body in requests if body]


def test_every_post_page_stays_under_the_limit(site):
    """Without a browser's help: each post's HTML plus the theme's CSS and JS it links, compressed."""
    assets = {p.name: p.read_bytes() for p in (site.output / "assets").glob("*") if p.suffix in (".css", ".js")}
    heavy = []
    for post in readers_site.model(site).posts:
        html = readers_site.output_path(site, post.url).read_bytes()
        linked = [data for name, data in assets.items() if f"/assets/{name}".encode() in html]
        total = sum(len(gzip.compress(data, 6)) for data in [html, *linked])
        if total > LIMIT:
            heavy.append((post.url, total))
    assert heavy == []


@pytest.mark.parametrize("kind", ["home", "post", "gallery", "category", "search", "page", "documents", "video_post",
                                  "register", "document"])
def test_no_request_leaves_the_site(served, tab, kind):
    site, origin, urls = served
    if kind not in urls:
        pytest.skip(f"situs {site.name} tidak punya halaman jenis {kind}")
    url = urls[kind] + ("?q=pemilihan" if kind == "search" else "")
    requests = load(served, tab, url)
    host = urlsplit(origin).netloc
    outside = [u for _, u, _ in requests if urlsplit(u).netloc != host and not u.startswith("data:")]
    assert outside == []
    assert len(requests) >= 2, "the page and at least its stylesheet were requested"
