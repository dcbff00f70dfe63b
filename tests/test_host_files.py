"""The host settings the build ships (.htaccess for Apache, _headers for Netlify-style hosts), and the site working
in Chromium under their strict Content-Security-Policy."""

from __future__ import annotations

import pytest

import re

from tests import readers_site
from tests.conftest import build_site, config_text, write_site

pytestmark = pytest.mark.browser


def test_both_files_carry_one_policy_and_the_cache_lifetimes(tmp_path):
    site = write_site(tmp_path / "s", {}, config_text(base_url="https://uji.kpu.go.id/kpu-uji/"))
    build_site(site)
    htaccess = (site / "output/.htaccess").read_text()
    headers = (site / "output/_headers").read_text()
    csp = re.search(r'Content-Security-Policy "([^"]+)"', htaccess).group(1)
    assert f"  Content-Security-Policy: {csp}\n" in headers
    assert "default-src 'self'" in csp and "'wasm-unsafe-eval'" in csp and "'unsafe-inline'" not in csp
    assert "frame-src https://www.youtube-nocookie.com" in csp and "http:" not in csp.replace("https:", "")
    assert "ErrorDocument 404 /kpu-uji/404.html" in htaccess
    assert 'RedirectMatch 404 "/\\.kpu-terbit\\.lock"' in htaccess      # the publish lock names a laptop and user
    assert re.search(r'\\\.pf_\(fragment\|index\|meta\)\$">\n\s+Header set Cache-Control "public, max-age=31536000, '
                     r'immutable"', htaccess)
    assert "/kpu-uji/pagefind/fragment/*\n  Cache-Control: public, max-age=31536000, immutable" in headers
    assert "Strict-Transport-Security" in headers and "X-Content-Type-Options: nosniff" in headers
    plain = write_site(tmp_path / "http", {}, config_text(base_url="http://uji.kpu.go.id/"))
    build_site(plain)
    assert "Strict-Transport-Security" not in (plain / "output/_headers").read_text()


def test_pages_search_and_lightbox_work_under_the_policy():
    readers_site.require_browser()
    site = readers_site.built("fixture")
    origin = readers_site.server(site.output, site.base_path) + site.base_path.rstrip("/")
    urls = readers_site.page_urls(site)
    page = readers_site.browser().new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        response = page.goto(origin + urls["home"])
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.goto(origin + urls["gallery"])
        page.locator("a[data-full]").first.click()
        page.wait_for_selector(".lightbox:not([hidden])")
        page.goto(f"{origin}/cari/?q=koordinasi")
        page.wait_for_selector(".results li", timeout=15000)
        assert refused == []
    finally:
        page.close()
