"""The gallery lightbox in a real Chromium: open from a thumbnail, captions, counter, keys, buttons, swipe, focus."""

from __future__ import annotations

import functools
import io
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from generator.build import Options, build
from tests.browser import chromium, require_browser

pytestmark = pytest.mark.browser

CAPTIONS = ["Pembukaan rapat oleh Ketua KPU", "Peserta <b>menyimak</b> paparan", "Foto bersama & penutupan"]


def _photo(colour, size=(900, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A built site with one event of three photos (and one of a single photo), served on a free local port."""
    root = tmp_path_factory.mktemp("situs")
    (root / "config.yaml").write_text("site:\n  title: KPU Provinsi Kalimantan Utara\n  base_url: "
                                      "https://kaltara.kpu.go.id/kpu/\n  language: id\n  timezone: Asia/Makassar\n")
    folder = root / "content/posts/2024/rapat-pleno"
    folder.mkdir(parents=True)
    gallery = "".join(f'  - file: foto-{n + 1}.jpg\n    caption: "{c}"\n' for n, c in enumerate(CAPTIONS))
    (folder / "index.md").write_text(f"---\ntitle: Rapat Pleno Terbuka\ndate: 2024-10-08 09:00\ngallery:\n{gallery}"
                                     "---\n\nRapat pleno terbuka rekapitulasi.\n", encoding="utf-8")
    for n, colour in enumerate([(200, 30, 30), (30, 160, 30), (30, 30, 200)]):
        (folder / f"foto-{n + 1}.jpg").write_bytes(_photo(colour, (900, 600) if n != 1 else (600, 900)))
    single = root / "content/posts/2024/satu-foto"
    single.mkdir(parents=True)
    (single / "index.md").write_text("---\ntitle: Satu Foto\ndate: 2024-10-07 09:00\n---\n\nIsi.\n", encoding="utf-8")
    (single / "foto.jpg").write_bytes(_photo((90, 90, 90)))
    build(Options(root, workers=1))

    # The site lives under /kpu/ (a sub-path base URL): serve the output there.
    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path):
            return super().translate_path(path[len("/kpu"):] if path.startswith("/kpu/") else "/nonexistent")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root / "output")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/kpu"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def browser(served):
    require_browser()
    return chromium()


def _open(browser, url):
    context = browser.new_context(has_touch=True, viewport={"width": 1100, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    # A photo still loading when the next is shown is aborted by the browser: normal, not a failure.
    page.on("requestfailed", lambda r: None if "ERR_ABORTED" in (r.failure or "") else
            problems.append(f"requestfailed {r.failure}: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url)
    return context, page, problems


def _state(page) -> dict:
    return page.evaluate("""() => {
        const box = document.querySelector('.lightbox');
        const img = box.querySelector('img');
        return {hidden: box.hidden, caption: box.querySelector('.lb-caption').textContent,
                count: box.querySelector('.lb-count').textContent, src: img.currentSrc || img.src,
                loaded: img.complete && img.naturalWidth > 0, inside: box.contains(document.activeElement),
                focused: document.activeElement.getAttribute('href') || document.activeElement.className};
    }""")


def test_lightbox_opens_from_a_thumbnail_walks_and_closes(browser, served):
    context, page, problems = _open(browser, f"{served}/2024/10/08/rapat-pleno/")
    try:
        thumbs = page.locator(".gallery a[data-full]")
        assert thumbs.count() == 3
        second_href = thumbs.nth(1).get_attribute("href")
        thumbs.nth(1).click()
        page.wait_for_function("document.querySelector('.lightbox img').naturalWidth > 0")
        state = _state(page)
        assert not state["hidden"] and state["caption"] == CAPTIONS[1] and state["count"] == "2 / 3"
        assert "foto-2-" in state["src"] and state["loaded"] and state["inside"]

        page.keyboard.press("ArrowRight")
        state = _state(page)
        assert state["caption"] == CAPTIONS[2] and state["count"] == "3 / 3" and "foto-3-" in state["src"]
        page.keyboard.press("ArrowRight")
        assert _state(page)["count"] == "1 / 3"                         # wraps around
        page.keyboard.press("ArrowLeft")
        assert _state(page)["count"] == "3 / 3"
        page.click(".lightbox .lb-prev")
        assert _state(page)["count"] == "2 / 3"
        page.click(".lightbox .lb-next")
        assert _state(page)["count"] == "3 / 3"

        for _ in range(5):                                               # Tab and Shift+Tab stay inside
            page.keyboard.press("Tab")
            assert _state(page)["inside"]
        page.keyboard.press("Shift+Tab")
        assert _state(page)["inside"]

        page.evaluate("""() => {
            const box = document.querySelector('.lightbox');
            const touch = x => new Touch({identifier: 1, target: box, clientX: x, clientY: 300});
            box.dispatchEvent(new TouchEvent('touchstart', {touches: [touch(600)], changedTouches: [touch(600)]}));
            box.dispatchEvent(new TouchEvent('touchend', {touches: [], changedTouches: [touch(400)]}));
        }""")
        assert _state(page)["count"] == "1 / 3"                          # swipe left: next

        page.keyboard.press("Escape")
        state = _state(page)
        assert state["hidden"] and state["focused"] == second_href     # focus back on the thumbnail it came from
        assert problems == []
    finally:
        context.close()


def test_close_button_and_single_photo(browser, served):
    context, page, problems = _open(browser, f"{served}/2024/10/07/satu-foto/")
    try:
        page.locator(".gallery a[data-full]").first.click()
        state = _state(page)
        assert not state["hidden"] and state["count"] == "1 / 1"
        assert page.locator(".lightbox .lb-next").is_hidden() and page.locator(".lightbox .lb-prev").is_hidden()
        page.click(".lightbox .lb-close")
        assert _state(page)["hidden"]
        assert problems == []
    finally:
        context.close()


def test_gallery_page_uses_the_lightbox_too(browser, served):
    context, page, problems = _open(browser, f"{served}/galeri/rapat-pleno/")
    try:
        page.locator(".photos a[data-full]").nth(2).click()
        state = _state(page)
        assert state["count"] == "3 / 3" and state["caption"] == CAPTIONS[2]
        page.keyboard.press("Escape")
        assert problems == []
    finally:
        context.close()


def test_without_javascript_every_thumbnail_links_to_its_photo(browser, served):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{served}/2024/10/08/rapat-pleno/")
        hrefs = [a.get_attribute("href") for a in page.locator(".gallery a[data-full]").all()]
        assert len(hrefs) == 3
        for href in hrefs:
            with urllib.request.urlopen(served.rsplit("/kpu", 1)[0] + href) as response:
                assert response.status == 200 and response.headers["Content-Type"] == "image/jpeg"
        page.locator(".gallery a[data-full]").first.click()
        assert page.url.endswith("foto-1-900w.jpg")
    finally:
        context.close()
