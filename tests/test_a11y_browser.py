"""Accessibility (WCAG 2.1 AA) in real Chromium: zero axe-core violations on every page type at a phone's and a desktop's
width, a working skip link, visible focus, the lightbox."""

from __future__ import annotations

import html.parser
from pathlib import Path

import pytest

from tests import readers_site
from tests.readers_site import AXE, DESKTOP, SITE_NAMES, WIDTHS, axe

pytestmark = pytest.mark.browser

KINDS = ["home", "post", "gallery", "category", "search", "page", "plain_post", "documents", "video_post", "register",
         "document", "wide_table", "tag", "archive", "gallery_index", "older_news", "not_found"]


@pytest.fixture(scope="module", params=SITE_NAMES)
def site(request):
    return readers_site.built(request.param)


@pytest.fixture(scope="module")
def served(site):
    readers_site.require_browser()
    readers_site.require(AXE.is_file(), "node_modules/axe-core belum terpasang (jalankan `npm ci`): uji axe dilewati")
    origin = readers_site.server(site.output, site.base_path) + site.base_path.rstrip("/")
    return site, origin, readers_site.page_urls(site)


@pytest.fixture(scope="module")
def tabs(served):
    """A page at each width, reused by the module's checks of one site (each check loads its page afresh)."""
    tabs = readers_site.Tabs()
    yield tabs
    tabs.close()


@pytest.fixture
def page(tabs):
    return tabs.page(DESKTOP)


def visit(page, served, kind: str) -> str:
    site, origin, urls = served
    if kind not in urls:
        pytest.skip(f"situs {site.name} tidak punya halaman jenis {kind}")
    response = page.goto(origin + urls[kind])
    assert response.ok, f"{urls[kind]}: HTTP {response.status}"
    return urls[kind]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_violations(served, tabs, kind, width):
    page = tabs.page(WIDTHS[width])
    url = visit(page, served, kind)
    assert axe(page) == [], f"axe-core pada {url} ({width})"


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violations_in_search_results(served, tabs, width):
    page = tabs.page(WIDTHS[width])
    visit(page, served, "search")
    site, origin, urls = served
    page.goto(origin + "/cari/?q=pemilihan")
    page.wait_for_selector("[data-results]:not([aria-busy])", state="attached", timeout=15000)
    assert page.locator(".results li").count() > 0
    assert axe(page) == [], f"axe-core pada hasil pencarian ({width})"


def test_the_lightbox_works_from_the_keyboard_and_passes_axe(page, served):
    visit(page, served, "gallery")
    first = page.locator("[data-lightbox] a[data-full]").first
    first.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert dialog.get_attribute("aria-modal") == "true"
    assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null"), "focus moves into the viewer"
    assert axe(page) == [], "axe-core with the photo viewer open"
    for _ in range(5):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('[role=dialog]') !== null"), "Tab stays in the viewer"
    alt_before = dialog.locator("img").get_attribute("alt")
    page.keyboard.press("ArrowRight")
    assert dialog.locator("img").get_attribute("alt") != alt_before or page.locator("[data-lightbox] a[data-full]").count() == 1
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement === document.querySelector('[data-lightbox] a[data-full]')"), \
        "closing returns focus to the photo that opened it"


def test_the_skip_link_is_first_visible_on_focus_and_moves_to_the_content(page, served):
    visit(page, served, "post")
    page.keyboard.press("Tab")
    focused = page.evaluate("""(() => { const el = document.activeElement, r = el.getBoundingClientRect();
        return {text: el.textContent, href: el.getAttribute('href'), x: r.left, y: r.top, w: r.width, h: r.height}; })()""")
    assert focused["text"] == "Langsung ke isi" and focused["href"] == "#isi"
    assert focused["x"] >= 0 and focused["y"] >= 0 and focused["w"] > 20 and focused["h"] > 10, "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "isi"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


FOCUS_RING = """(() => {
  const el = document.activeElement, cs = getComputedStyle(el);
  const parse = s => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = node => { for (; node; node = node.parentElement) { const c = parse(getComputedStyle(node).backgroundColor);
    if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const ring = parse(cs.outlineColor), width = parseFloat(cs.outlineWidth) || 0, gap = (parseFloat(cs.outlineOffset) || 0) + width / 2;
  const r = el.getBoundingClientRect(), ratios = [];
  for (const [x, y] of [[r.left + r.width / 2, r.top - gap], [r.left + r.width / 2, r.bottom + gap],
                        [r.left - gap, r.top + r.height / 2], [r.right + gap, r.top + r.height / 2]]) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    const under = document.elementsFromPoint(x, y).find(n => n !== el && !el.contains(n));
    const bg = background(under || document.documentElement), a = lum(ring), b = lum(bg);
    ratios.push((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
  }
  return {what: el.tagName + ' ' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40),
          style: cs.outlineStyle, width, ratio: ratios.length ? Math.min(...ratios) : 21, body: el === document.body};
})()"""


@pytest.mark.parametrize("kind", ["post", "home", "search"])
def test_every_focusable_element_shows_a_ring_with_enough_contrast(page, served, kind):
    visit(page, served, kind)
    seen, weak = set(), []
    for _ in range(150):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring["body"] or ring["what"] in seen:
            break
        seen.add(ring["what"])
        if ring["style"] == "none" or ring["width"] < 2 or ring["ratio"] < 3:
            weak.append(ring)
    assert len(seen) > 5
    assert weak == [], "focus must be visible (outline of 2px or more, contrast 3:1 or more against what is around it)"


# Without a browser: headings, images and landmarks of every page, read from the files.

class Outline(html.parser.HTMLParser):
    """The headings, images without alt and landmarks of one HTML page."""

    def __init__(self):
        super().__init__()
        self.headings: list[tuple[int, bool]] = []   # (level, inside main)
        self.no_alt: list[str] = []
        self.tags: list[str] = []
        self.in_main = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "main":
            self.in_main = True
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append((int(tag[1]), self.in_main))
        if tag == "img" and "alt" not in attrs:
            self.no_alt.append(attrs.get("src", "?"))

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False


def outline_of(path: Path) -> Outline:
    parsed = Outline()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def test_every_page_has_one_h1_first_and_headings_in_order(site):
    bad = []
    for path in readers_site.html_files(site.output):
        if "http-equiv=\"refresh\"" in path.read_text(encoding="utf-8"):
            continue   # a redirect stub of an old address
        parsed = outline_of(path)
        main = [level for level, inside in parsed.headings if inside]
        where = path.relative_to(site.output).as_posix()
        if [level for level, _ in parsed.headings].count(1) != 1 or not main or main[0] != 1:
            bad.append(f"{where}: judul utama (h1) harus satu dan pertama di <main>: {main}")
        for before, after in zip(main, main[1:]):
            if after > before + 1:
                bad.append(f"{where}: h{before} langsung diikuti h{after}")
    assert bad == []


def test_every_image_has_alt_text_and_every_page_has_its_landmarks(site):
    bad = []
    for path in readers_site.html_files(site.output):
        text = path.read_text(encoding="utf-8")
        if "http-equiv=\"refresh\"" in text:
            continue
        parsed = outline_of(path)
        where = path.relative_to(site.output).as_posix()
        bad += [f"{where}: gambar tanpa alt: {src}" for src in parsed.no_alt]
        for landmark in ("header", "nav", "main", "footer"):
            if landmark not in parsed.tags:
                bad.append(f"{where}: tidak ada <{landmark}>")
        if parsed.tags.count("main") != 1 or 'class="skip" href="#isi"' not in text:
            bad.append(f"{where}: harus ada satu <main id=\"isi\"> dan tautan lompat ke isi")
    assert bad == []
