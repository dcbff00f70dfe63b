"""Live reload in real Chromium: an edited title appears by itself, a broken post shows the overlay, a fix clears it."""

from __future__ import annotations

import io
import re
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.build import Options  # noqa: E402
from generator.preview.serve import Preview  # noqa: E402
from tests.browser import chromium, require_browser  # noqa: E402

pytestmark = pytest.mark.browser

WAIT_MS = 15_000   # upper bound for a rebuild and reload to arrive; not an assertion about speed
POST = "content/posts/2024/rapat-pleno/index.md"
POST_URL = "2024/01/02/rapat-pleno/"


def post_text(title: str) -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-02 10:00\ncategory: Berita\n---\n\nIsi berita rapat pleno.\n"


@pytest.fixture
def site(tmp_path) -> Path:
    (tmp_path / "config.yaml").write_text(
        "site:\n  title: KPU Provinsi Kalimantan Utara\n  base_url: https://kaltara.kpu.go.id/kpu-kaltara/\n"
        "  language: id\n  timezone: Asia/Makassar\n", encoding="utf-8")
    (tmp_path / POST).parent.mkdir(parents=True)
    (tmp_path / POST).write_text(post_text("Rapat Pleno Terbuka"), encoding="utf-8")
    return tmp_path


@pytest.fixture
def preview(site):
    before = set(threading.enumerate())
    server = Preview(Options(site, workers=1), out=io.StringIO(), err=io.StringIO())
    server.bind("127.0.0.1", 0)
    server.start()
    server.serve_in_thread()
    yield server
    server.close()
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not [t for t in left if not t.name.startswith("asyncio-")]   # (Playwright's own, when it started here)


@pytest.fixture
def page():
    require_browser()
    context = chromium().new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def test_page_follows_edits_errors_and_fixes(site, preview, page):
    from playwright.sync_api import expect

    page.goto(preview.url + POST_URL)
    heading = page.locator("main h1")
    expect(heading).to_have_text("Rapat Pleno Terbuka")
    page.wait_for_function("window.__kpuLive && document.readyState === 'complete'")

    (site / POST).write_text(post_text("Rapat Pleno Penetapan DPT"), encoding="utf-8")
    expect(heading).to_have_text("Rapat Pleno Penetapan DPT", timeout=WAIT_MS)

    (site / POST).write_text("---\ntitle: Rapat Pleno Penetapan DPT\ndate: [2024-01-02\n---\nIsi.\n", encoding="utf-8")
    overlay = page.locator("#kpu-build-error")
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    expect(overlay.locator("h1")).to_have_text("Pembangunan gagal")
    problem = overlay.locator(".kpu-build-problem").first
    expect(problem).to_have_text(re.compile(re.escape(POST) + r":\d+: "))
    expect(heading).to_have_text("Rapat Pleno Penetapan DPT")   # the last good build is still underneath

    page.reload()                                                   # a page opened while broken shows it too
    expect(page.locator("#kpu-build-error")).to_be_visible()

    (site / POST).write_text(post_text("Rapat Pleno Diperbaiki"), encoding="utf-8")
    expect(heading).to_have_text("Rapat Pleno Diperbaiki", timeout=WAIT_MS)
    expect(page.locator("#kpu-build-error")).to_have_count(0)


def test_warnings_show_in_a_bar_that_leaves_the_page_usable(site, preview, page):
    from playwright.sync_api import expect

    page.goto(preview.url + POST_URL)
    page.wait_for_function("window.__kpuLive && document.readyState === 'complete'")
    expect(page.locator("#kpu-build-warnings")).to_have_count(0)

    text = post_text("Rapat Pleno Terbuka").replace("category: Berita\n", "category: Berita\nlokasi: Tarakan\n")
    (site / POST).write_text(text, encoding="utf-8")
    bar = page.locator("#kpu-build-warnings")
    expect(bar).to_be_visible(timeout=WAIT_MS)
    expect(bar.locator(".kpu-build-warning").first).to_have_text(re.compile(re.escape(POST) + r":\d+: .*lokasi"))
    expect(page.locator("#kpu-build-error")).to_have_count(0)          # a warning is not a failed build
    expect(page.locator("main h1")).to_have_text("Rapat Pleno Terbuka")

    (site / POST).write_text(post_text("Rapat Pleno Terbuka"), encoding="utf-8")
    expect(bar).to_have_count(0, timeout=WAIT_MS)


def test_the_error_box_covers_the_masthead_on_a_phone(site, preview):
    """Issue 24, 21a: at 390 px the box's title was drawn over the site's red masthead, which showed through."""
    require_browser()
    from PIL import Image
    from playwright.sync_api import expect

    context = chromium().new_context(viewport={"width": 390, "height": 780}, device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(preview.url + POST_URL)
        page.wait_for_function("window.__kpuLive && document.readyState === 'complete'")
        masthead = page.locator(".masthead").bounding_box()
        (site / POST).write_text("---\ntitle: Rapat\ndate: [2024-01-02\n---\nIsi.\n", encoding="utf-8")
        expect(page.locator("#kpu-build-error")).to_be_visible(timeout=WAIT_MS)
        title = page.locator("#kpu-build-error h1").bounding_box()
        assert title["y"] < masthead["y"] + masthead["height"]           # the title is where the masthead is
        found = page.evaluate("([x, y]) => document.elementFromPoint(x, y).id", [title["x"] + 5, title["y"] + 5])
        assert found == "kpu-build-error-title"
        shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        band = [shot.getpixel((x, y)) for x in range(0, int(title["x"]) - 2, 2)
                for y in range(int(masthead["y"]) + 1, int(masthead["y"] + masthead["height"]) - 1, 2)]
        assert band and set(band) == {(255, 255, 255)}, sorted(set(band))[:5]   # nothing of the masthead shows
    finally:
        context.close()
