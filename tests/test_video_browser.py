"""The click-to-load YouTube player in real Chromium: nothing is asked of another host before the click, the
youtube-nocookie.com player after it; a button operable from the keyboard with a name; axe finds nothing; a plain
link without JavaScript. Requests to other hosts are answered by the test itself, so nothing leaves the machine."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests import readers_site
from tests.readers_site import AXE, SITE_NAMES
from tests.test_a11y_browser import axe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=SITE_NAMES)
def served(request):
    site = readers_site.built(request.param)
    readers_site.require_browser()
    urls = readers_site.page_urls(site)
    if "video_post" not in urls:
        pytest.skip(f"situs {site.name} tidak punya berita dengan video")
    origin = readers_site.server(site.output, site.base_path)
    return origin, origin + site.base_path.rstrip("/") + urls["video_post"]


class Visit:
    """A page opened in a fresh context that records every request to another host and answers it with a stub."""

    def __init__(self, served, javascript: bool = True, csp: bool = True):
        origin, self.url = served
        self.host = urlsplit(origin).netloc
        self.outside: list[str] = []
        self.refused: list[str] = []        # what the site's Content-Security-Policy (sent by the test host) blocked
        # axe-core is loaded from another origin, which the policy refuses: its test opens the page without it
        self.context = readers_site.browser().new_context(viewport={"width": 1280, "height": 900},
                                                          java_script_enabled=javascript, bypass_csp=not csp)
        self.context.route("**/*", self.answer)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.refused.append(m.text) if "Content Security Policy" in m.text else None)

    def answer(self, route):
        if urlsplit(route.request.url).netloc == self.host or route.request.url.startswith("data:") \
                or route.request.url == readers_site.axe_url():      # the test's own tool, not the page's request
            route.continue_()
            return
        self.outside.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>pemutar</title><p>video</p>")

    def open(self):
        self.page.goto(self.url, wait_until="networkidle")
        self.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        self.page.wait_for_load_state("networkidle")
        return self.page


@pytest.fixture
def visit(served):
    opened = []

    def make(javascript: bool = True, csp: bool = True) -> Visit:
        opened.append(Visit(served, javascript, csp))
        return opened[-1]

    yield make
    for one in opened:
        one.context.close()


def test_no_request_to_another_host_before_the_click_and_the_nocookie_player_after_it(visit):
    v = visit()
    page = v.open()
    button = page.get_by_role("button", name=re.compile(r"^Putar video"))
    button.first.wait_for()
    video = button.first.get_attribute("data-video")
    assert v.outside == [], "before the click the page asks nothing of any other host"
    assert page.locator("iframe").count() == 0
    button.first.click()
    frame = page.locator(".video iframe")
    frame.wait_for()
    src = frame.get_attribute("src")
    assert src.startswith(f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1")
    assert frame.get_attribute("title")
    # the stub player's page loaded in the frame (not "networkidle": after this click Chromium no longer reports
    # the page idle when it holds a <video preload=none>, as the fixture's post does, though that video fetches
    # nothing: see the next test)
    page.frame_locator(".video iframe").locator("p").wait_for()
    assert v.outside and all(urlsplit(u).netloc == "www.youtube-nocookie.com" for u in v.outside), v.outside
    assert v.refused == [], "the site's Content-Security-Policy allows the script and the nocookie player"


def test_a_video_file_of_the_post_is_fetched_only_when_it_is_played(visit):
    page = visit().open()
    video = page.locator(".media-file video")
    if video.count() == 0:
        pytest.skip("berita ini tidak punya berkas video")
    assert page.evaluate("performance.getEntriesByType('resource').filter(e => /\\.mp4$/.test(e.name)).length") == 0
    assert video.first.evaluate("v => v.networkState") == 1        # NETWORK_IDLE: chosen, nothing being fetched
    with page.expect_request(lambda request: request.url.endswith(".mp4")):
        video.first.evaluate("v => { v.play().catch(() => {}); }")


@pytest.mark.parametrize("key", ["Enter", " "])
def test_the_facade_is_a_named_button_reached_and_pressed_from_the_keyboard(visit, key):
    page = visit().open()
    name = page.evaluate("document.querySelector('button.video-facade').textContent.trim()")
    assert name.startswith("Putar video"), name
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.video-facade')"):
            break
    else:
        pytest.fail("Tab never reached the video button")
    page.keyboard.press(key)
    page.locator(".video iframe").wait_for()
    assert page.evaluate("document.activeElement.tagName") == "IFRAME", "focus moves to the player"


def test_axe_finds_no_violations_with_the_facade_on_the_page(visit):
    readers_site.require(AXE.is_file(), "node_modules/axe-core belum terpasang (jalankan `npm ci`): uji axe dilewati")
    page = visit(csp=False).open()
    assert page.locator("button.video-facade").count() >= 1
    assert axe(page) == []


def test_without_javascript_the_facade_is_a_link_to_the_video(visit):
    v = visit(javascript=False)
    page = v.open()
    link = page.locator("a.video-facade").first
    assert re.match(r"https://www\.youtube\.com/watch\?v=[\w-]{11}", link.get_attribute("href"))
    assert link.inner_text().startswith("Putar video") or "Putar video" in link.text_content()
    assert page.locator("button.video-facade").count() == 0 and v.outside == []
