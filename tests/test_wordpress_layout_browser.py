"""Photos WordPress placed beside the text, imported and built, as Chromium lays them out: floated at their size on
a wide screen, full width on a phone. SCREENSHOTS=folder keeps a screenshot of each width there, to look at."""

from __future__ import annotations

import functools
import io
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator import wordpress
from tests.browser import chromium, require_browser
from tests.conftest import MINIMAL_CONFIG, ROOT, build_site, make_photo
from tests.readers_site import WIDTHS, axe, opened

pytestmark = pytest.mark.browser

UP = "https://kaltara.kpu.go.id/wp-content/uploads/2024/03/"
TEXT = ("Rapat pleno terbuka rekapitulasi daftar pemilih berkelanjutan dihadiri partai politik, Bawaslu dan "
        "pemerintah daerah. ") * 6
BODY = (f'<img class="alignleft size-thumbnail wp-image-1" src="{UP}ketua-150x150.jpg" width="150" height="150" '
        f'alt="Ketua KPU">{TEXT}\n\n'
        f'[caption id="attachment_2" align="alignright" width="300"]<img src="{UP}pleno-300x200.jpg" '
        f'class="size-medium" alt="Suasana pleno" /> Suasana rapat pleno[/caption]{TEXT}\n\n{TEXT}')
FIXTURE = ROOT / "tests" / "wordpress" / "kpu-kaltara.xml"
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", "")) if os.environ.get("SCREENSHOTS") else None


def export_with_layout(target: Path) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    start = text.index("\t<item>\n\t\t<title>Pengumuman Hasil")
    end = text.index("\t</item>", start) + len("\t</item>\n")
    item = text[start:end]
    body = item[item.index("<content:encoded>"):item.index("</content:encoded>")]
    item = (item.replace(body, f"<content:encoded><![CDATA[{BODY}]]>").replace("<wp:post_id>126<", "<wp:post_id>130<")
            .replace("Pengumuman Hasil Seleksi PPK", "Foto di samping teks")
            .replace("hasil-seleksi-ppk", "foto-di-samping-teks").replace("2030-01-15", "2024-03-15"))
    target.write_text(text[:start] + item + text[start:], encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The fixture export with the photo-layout post, imported and built, served on 127.0.0.1: (origin, output)."""
    root = tmp_path_factory.mktemp("tata-letak")
    uploads = root / "uploads"
    make_photo(uploads / "2024/03/ketua.jpg", size=(900, 900), color=(180, 40, 40))
    make_photo(uploads / "2024/03/pleno.jpg", size=(1200, 800), color=(40, 90, 160))
    site = root / "site"
    site.mkdir()
    (site / "config.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = wordpress.run(wordpress.Options(export_with_layout(root / "ekspor.xml"), site, uploads), out=out, err=err)
    assert code == 0, err.getvalue()
    build_site(site, search=False)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site / "output"))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", site / "output"
    server.shutdown()
    server.server_close()


def page_url(imported, marker: str) -> str:
    """The served address of the first page whose HTML holds marker."""
    origin, output = imported
    page = next(p for p in sorted(output.rglob("index.html")) if marker in p.read_text("utf-8"))
    return f"{origin}/{page.parent.relative_to(output).as_posix()}/"


@pytest.fixture(scope="module")
def served(imported):
    return page_url(imported, "<h1>Foto di samping teks</h1>")


def boxes(url: str, width: int, shot: str) -> dict:
    context = chromium().new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        if SCREENSHOTS:
            page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
        return page.evaluate("""() => {
            const box = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height,
                               float: getComputedStyle(e).float}; };
            const prose = document.querySelector('article .prose');
            const left = prose.querySelector('img[alt="Ketua KPU"]');
            const right = prose.querySelector('figure.kanan');
            return {prose: box(prose), left: box(left), right: box(right),
                    caption: right.querySelector('figcaption').textContent,
                    after: box(right.nextElementSibling)};
        }""")
    finally:
        context.close()


def test_small_aligned_photos_float_beside_the_text_on_a_wide_screen(served):
    require_browser()
    found = boxes(served, 1280, "lebar.png")
    prose, left, right = found["prose"], found["left"], found["right"]
    assert left["float"] == "left" and abs(left["w"] - 160) < 2 and abs(left["x"] - prose["x"]) < 2
    assert right["float"] == "right" and abs(right["w"] - 300) < 2
    assert abs(right["x"] + right["w"] - (prose["x"] + prose["w"])) < 2
    assert found["caption"] == "Suasana rapat pleno"
    assert found["after"]["y"] < right["y"] + right["h"]          # the next paragraph runs beside the photo


def test_on_a_phone_they_are_full_width(served):
    require_browser()
    found = boxes(served, 390, "ponsel.png")
    prose, left, right = found["prose"], found["left"], found["right"]
    assert left["float"] == right["float"] == "none"
    assert abs(left["w"] - prose["w"]) < 2 and abs(right["w"] - prose["w"]) < 2


@pytest.mark.parametrize("width", WIDTHS)
def test_archived_comments_pass_axe(imported, width):
    """The readers' comments archived from WordPress (the section posts and pages share) have no axe-core violation
    at a phone's and a desktop's width."""
    require_browser()
    with opened(WIDTHS[width]) as page:
        page.goto(page_url(imported, 'id="arsip-tanggapan"'))
        assert page.locator("#arsip-tanggapan").is_visible()
        assert axe(page) == []
