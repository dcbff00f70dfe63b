"""The front page's phone menu and the post's copy-link button in real Chromium, at a phone's width (390 px), and
every page type under the site's own Content-Security-Policy."""

from __future__ import annotations

import pytest

from tests import readers_site
from tests.readers_site import AXE, PHONE, SITE_NAMES, axe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=SITE_NAMES)
def served(request):
    readers_site.require_browser()
    readers_site.require(AXE.is_file(), "node_modules/axe-core belum terpasang (jalankan `npm ci`): uji axe dilewati")
    site = readers_site.built(request.param)
    origin = readers_site.server(site.output, site.base_path) + site.base_path.rstrip("/")
    return site, origin, readers_site.page_urls(site)


@pytest.fixture(scope="module")
def tabs(served):
    """A phone's page with the policy bypassed (for axe) and one under it, reused by the module's checks of one site
    (each check loads its page afresh)."""
    tabs, policed = readers_site.Tabs(), readers_site.Tabs(policy=True)
    yield tabs, policed
    tabs.close()
    policed.close()


@pytest.fixture
def phone(tabs):
    return tabs[0].page(PHONE)


def test_the_phone_menu_opens_and_closes_from_the_keyboard_and_passes_axe(phone, served):
    site, origin, urls = served
    phone.goto(origin + "/")
    wide = phone.locator(".menu-wide")
    assert not wide.is_visible(), "the row of links is for wider screens"
    links = phone.locator(".menu-phone .menu a")
    assert not links.first.is_visible(), "folded at first: the news comes first on a phone"
    for _ in range(10):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert phone.evaluate("document.activeElement.textContent.trim()").startswith("Menu")
    phone.keyboard.press("Enter")
    assert links.first.is_visible() and links.count() >= 5
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent") == "Beranda", "Tab goes into the open menu"
    assert axe(phone) == [], "axe-core with the phone menu open"
    phone.keyboard.press("Shift+Tab")
    phone.keyboard.press("Enter")
    assert not links.first.is_visible()
    assert axe(phone) == [], "axe-core on the front page at 390 px"


def test_the_copy_link_button_copies_the_post_address(served):
    site, origin, urls = served
    context = readers_site.browser().new_context(viewport=PHONE, bypass_csp=True)
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin.split("/", 3)[0] + "//" +
                                  origin.split("/", 3)[2])
        page = context.new_page()
        page.goto(origin + urls["post"])
        button = page.get_by_role("button", name="Salin tautan")
        button.click()
        page.wait_for_function("document.querySelector('.copy-status').textContent !== ''")
        assert page.locator(".copy-status").text_content() == "Tautan disalin."
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == button.get_attribute("data-url") and copied.endswith(urls["post"])
    finally:
        context.close()


def test_a_wide_table_scrolls_inside_its_box_on_a_phone(phone, served):
    site, origin, urls = served
    if "wide_table" not in urls:
        pytest.skip(f"situs {site.name} tidak punya tabel lebar")
    phone.goto(origin + urls["wide_table"])
    box = phone.locator(".table-scroll").last
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page does not scroll sideways"
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the table scrolls inside its box"
    box.focus()
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")
    # the arrow keys scroll it (smoothly, so the position is waited for rather than read at once)
    phone.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle(), timeout=5000)


def test_the_registers_wide_table_shows_at_its_edge_that_it_scrolls(phone, served):
    """The registry trial: the Daftar Informasi Publik's seven columns were cut at the edge of the page, at a phone's
    width and a desktop's, without the shadow a post's wide table shows there."""
    site, origin, urls = served
    if "register" not in urls:
        pytest.skip(f"situs {site.name} tidak punya Daftar Informasi Publik")
    phone.goto(origin + urls["register"])
    box = phone.locator(".table-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the register is wider than a phone"
    assert "radial-gradient" in box.evaluate("b => getComputedStyle(b).backgroundImage")


def test_a_wide_logo_leaves_the_office_name_room_on_a_phone(tmp_path):
    """The identity trial: a 4:1 logo took half of a phone's header, the office's name squeezed beside it."""
    from PIL import Image

    from tests.conftest import MINIMAL_CONFIG, build_site, md, write_site

    readers_site.require_browser()
    config = MINIMAL_CONFIG.replace("  language: id\n", "  language: id\n  logo: /assets/logo-lebar.png\n")
    site = write_site(tmp_path / "situs", {"content/posts/2024/a.md": md("title: A\ndate: 2024-03-01")}, config)
    (site / "templates/assets").mkdir(parents=True)
    Image.new("RGB", (1200, 300), "navy").save(site / "templates/assets/logo-lebar.png")
    build_site(site)
    origin = readers_site.server(site / "output")
    with readers_site.opened(PHONE) as phone:
        phone.goto(origin + "/")
        logo = phone.locator(".brand img")
        assert logo.evaluate("i => i.getBoundingClientRect().width") <= PHONE["width"] * 0.25 + 1
        assert logo.evaluate("i => getComputedStyle(i).objectFit") == "contain", "scaled, not squeezed"
        assert phone.locator(".brand strong").evaluate("s => s.getBoundingClientRect().width") >= PHONE["width"] * 0.5


POLICY_KINDS = ["home", "post", "gallery", "documents", "register", "document", "wide_table", "page", "category"]


@pytest.mark.parametrize("kind", POLICY_KINDS)
def test_every_page_type_works_at_a_phone_width_under_the_sites_policy(served, tabs, kind):
    site, origin, urls = served
    if kind not in urls:
        pytest.skip(f"situs {site.name} tidak punya halaman jenis {kind}")
    page, refused = tabs[1].page(PHONE), []

    def refusal(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", refusal)
    try:
        response = page.goto(origin + urls[kind], wait_until="networkidle")
        assert response.ok and "default-src 'self'" in response.headers["content-security-policy"]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "nothing sticks out sideways"
        page.locator(".menu-phone summary").click()
        assert page.locator(".menu-phone .menu a").first.is_visible()
        if kind in ("post", "wide_table"):
            assert page.get_by_role("button", name="Salin tautan").is_visible(), "bagikan.js ran and showed the button"
        assert refused == []
    finally:
        page.remove_listener("console", refusal)
