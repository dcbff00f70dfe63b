"""Pages with hostile text, read by Chromium: data inside <script> never swallows the page."""

from __future__ import annotations

import json

import pytest

from tests.browser import chromium, require_browser
from tests.conftest import build_site, md, write_site

pytestmark = pytest.mark.browser

HOSTILE = ["<!--<script>", "<!--<script></script>x", "</script><h1>palsu</h1>", "<!-- a -->&'\""]


@pytest.mark.parametrize("title", HOSTILE)
def test_a_post_titled_with_script_openers_shows_in_full_in_chromium(tmp_path, title):
    require_browser()
    site = write_site(tmp_path / "site", {"content/posts/a.md": md(
        f"title: {json.dumps(title)}\ndate: 2020-01-01\nauthor: {json.dumps(title)}\ntags: [{json.dumps(title)}]",
        "Isi berita yang harus tampil.\n")})
    build_site(site, search=False)
    html = (site / "output/2020/01/01/a/index.html").read_text(encoding="utf-8")
    context = chromium().new_context(java_script_enabled=True)
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.abort())       # nothing from outside the page itself
        page.set_content(html, wait_until="domcontentloaded")
        assert page.locator("article h1").inner_text() == title
        assert "Isi berita yang harus tampil." in page.locator("article .prose").inner_text()
        scripts = page.eval_on_selector_all('script[type="application/ld+json"]', "s => s.map(e => e.textContent)")
        assert len(scripts) == 1 and json.loads(scripts[0])["headline"] == title
        assert page.locator("footer.footer").count() == 1
    finally:
        context.close()
