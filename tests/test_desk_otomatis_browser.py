"""The desk's main page shows the last round of `otomatis` (issue 25): its time, what each part did, and, in red,
a failure or a live site found changed; nothing at all for a site where otomatis never ran. Real rounds (the command,
on a folder target), the real desk in Chromium."""

from __future__ import annotations

import pytest

from tests.browser import chromium, require_browser
from tests.conftest import copy_site, folder_publish, run_cli, start_desk
from tests.readers_site import AXE, add_axe

pytestmark = pytest.mark.browser


@pytest.fixture
def published(tmp_path):
    """The fixture site 'basic' published to a folder target; (site, the target's folder)."""
    site = copy_site("basic", tmp_path / "site")
    www = tmp_path / "www"
    with open(site / "config.yaml", "a", encoding="utf-8") as f:
        f.write("\n" + folder_publish(www))
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0, run.out + run.err
    return site, www


def main_page_section(site):
    """The desk's main page in Chromium: the otomatis section's text, or None when it has none."""
    require_browser()
    server = start_desk(site)
    context = chromium().new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)     # axe: other origin
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.get_by_role("heading", name="Daftar berita dan halaman").wait_for()
        section = page.get_by_role("region", name="Putaran otomatis terakhir", exact=False)
        if section.count() == 0:
            return None
        assert section.is_visible()
        color = section.evaluate("e => getComputedStyle(e).borderLeftColor")
        if AXE.is_file():       # the section keeps the page accessible (contrast, headings, landmarks)
            add_axe(page)
            violations = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
            assert [v["id"] for v in violations] == []
        return section.inner_text(), color
    finally:
        context.close()
        server.stop()


def test_nothing_is_shown_when_otomatis_never_ran(published):
    site, _ = published
    assert main_page_section(site) is None


def test_a_clean_round_is_shown_with_its_time_and_parts(published):
    site, _ = published
    run = run_cli("otomatis", "--once", "--site", str(site))
    assert run.code == 0, run.out + run.err
    text, color = main_page_section(site)
    stamp = run.out.split(" | ")[0]         # the round's own time, in the site's zone (WITA)
    assert f"Putaran otomatis terakhir: {stamp}" in text and stamp.endswith("WITA")
    assert "Semua bagian berjalan baik." in text
    assert "periksa utama: utuh, sama dengan terbitan terakhir" in text
    assert color == "rgb(29, 107, 47)"      # green


def test_a_tampered_live_site_is_shown_in_red(published):
    site, www = published
    (www / "wp-content").mkdir()
    (www / "wp-content/shell.php").write_text("<?php system($_GET['c']); ?>")
    run = run_cli("otomatis", "--once", "--site", str(site))
    assert run.code == 1, run.out + run.err
    text, color = main_page_section(site)
    assert "Situs yang tayang BERBEDA dari terbitan terakhir" in text
    assert "verify --repair" in text
    assert "periksa utama: BERBEDA dari terbitan terakhir (1 berkas)" in text
    assert color == "rgb(163, 0, 0)"        # red


def test_a_failed_part_is_shown_in_red_without_claiming_tampering(published):
    site, www = published
    config = site / "config.yaml"
    config.write_text(config.read_text().replace(f"path: {www}", f"path: {www}\n    logs: log-tidak-ada/access.log"))
    run = run_cli("otomatis", "--once", "--site", str(site))
    assert run.code == 1, run.out + run.err
    text, color = main_page_section(site)
    assert "Ada bagian yang gagal" in text and "BERBEDA" not in text
    assert "log akses log-tidak-ada/access.log tidak dapat dibaca" in text
    assert color == "rgb(163, 0, 0)"
