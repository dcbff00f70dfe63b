"""Lighthouse (mobile profile, the pinned npm package, Debian's Chromium) scores 98 or more in performance,
accessibility, best practices and SEO on the home page, a post, its gallery and /dokumen/ (issue 26), served with
gzip like a static host. The same pages and limit as `make lighthouse` (tests/lighthouse.py)."""

from __future__ import annotations

import shutil

import pytest

from tests import lighthouse, readers_site
from tests.readers_site import SITE_NAMES

pytestmark = pytest.mark.browser

PAGES = ["beranda", "berita", "galeri", "dokumen"]


@pytest.fixture(scope="module", params=SITE_NAMES)
def scored(request, tmp_path_factory):
    """Every scored page of one test site, scored with one Chromium (the best of up to three runs for a page under
    the limit: performance depends on the machine's load, see lighthouse.best_scores)."""
    readers_site.require_browser()
    readers_site.require(lighthouse.LIGHTHOUSE.is_file() and shutil.which("node") is not None,
                         "Lighthouse atau Node.js tidak ada (jalankan `npm ci`): uji Lighthouse dilewati")
    site = readers_site.built(request.param)
    httpd, origin = lighthouse.serve(site.output, site.base_path)
    pages = lighthouse.scored_pages(readers_site.model(site))
    try:
        yield pages, lighthouse.best_scores({name: origin + url for name, url in pages.items()},
                                            tmp_path_factory.mktemp(f"lighthouse-{site.name}"))
    finally:
        httpd.shutdown()


@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_scores_98_or_more_in_every_category(scored, name):
    pages, results = scored
    assert set(pages) <= set(PAGES)
    if name not in pages:
        pytest.skip(f"situs ini tidak punya halaman {name}")
    best, report = results[name]
    assert min(best.values()) >= lighthouse.MINIMUM, \
        f"{pages[name]}: {best}; audit belum sempurna pada run terakhir: {lighthouse.imperfect(report)}"
