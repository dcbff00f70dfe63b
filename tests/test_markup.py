"""Markdown: tables, attribute lists, footnotes, heading ids, bundle links, summaries."""

from __future__ import annotations

import pytest

from generator.model import markup
from tests.conftest import build_site, md

pytestmark = pytest.mark.quick


def html(text: str, links: markup.Links | None = None) -> str:
    return markup.render(text, links).html


def test_tables():
    out = html("| Hari | Acara |\n|---|---|\n| 1 | Pembukaan |\n")
    assert "<table>" in out and "<th>Hari</th>" in out and "<td>Pembukaan</td>" in out


def test_attribute_lists():
    out = html("Pengumuman penting\n{: .penting #pengumuman }\n\n![Foto](a.jpg){: width=\"320\" }\n")
    assert '<p class="penting" id="pengumuman">Pengumuman penting</p>' in out
    assert 'width="320"' in out


def test_footnotes():
    out = html("Rapat dibuka ketua[^1].\n\n[^1]: Di aula.\n")
    assert 'href="#fn:1"' in out and 'id="fn:1"' in out
    assert "Kembali ke catatan 1" in out          # the back link speaks Indonesian


def test_heading_ids_are_slugs():
    out = html("## Hasil Rapat Koordinasi\n\n## Hasil Rapat Koordinasi\n\n### Ça va!\n")
    assert '<h2 id="hasil-rapat-koordinasi">' in out
    assert '<h2 id="hasil-rapat-koordinasi_1">' in out
    assert '<h3 id="ca-va">' in out


def test_heading_of_only_symbols_gets_an_id():
    assert 'id="bagian"' in html("## ***!!!\n")


def test_raw_html_and_fenced_code():
    out = html("```\n<b>kode</b>\n```\n")
    assert "&lt;b&gt;kode&lt;/b&gt;" in out


def test_bundle_files_and_images_become_published_urls():
    links = markup.Links(
        files={"surat edaran.pdf": "/2019/11/08/rapat/surat%20edaran.pdf"},
        images={"pembukaan.jpg": markup.Image("/2019/11/08/rapat/pembukaan-1280w.jpg", 1280, 960,
                                              "/2019/11/08/rapat/pembukaan-480w.jpg 480w, /2019/11/08/rapat/pembukaan-1280w.jpg 1280w")},
    )
    out = html("Unduh [surat](surat%20edaran.pdf) dan [foto](./pembukaan.jpg).\n\n![Pembukaan](pembukaan.jpg)\n\n"
               "[luar](https://kpu.go.id/a.pdf) [akar](/profil/) [lain](tidak-ada.pdf)\n", links)
    assert 'href="/2019/11/08/rapat/surat%20edaran.pdf"' in out
    assert 'href="/2019/11/08/rapat/pembukaan-1280w.jpg"' in out
    assert 'src="/2019/11/08/rapat/pembukaan-1280w.jpg"' in out
    assert 'width="1280"' in out and 'height="960"' in out and "srcset=" in out and 'loading="lazy"' in out
    assert 'href="https://kpu.go.id/a.pdf"' in out and 'href="/profil/"' in out
    assert 'href="tidak-ada.pdf"' in out          # not a bundle file: left alone


def test_summary_is_the_first_paragraph_as_plain_text():
    rendered = markup.render("## Judul\n\n![foto](a.jpg)\n\nKPU **Kaltara** menggelar [rapat](x) &amp; diskusi.\n\nParagraf dua.\n")
    assert rendered.summary == "KPU Kaltara menggelar rapat & diskusi."


def test_summary_of_an_empty_body():
    assert markup.render("").summary == ""


@pytest.mark.parametrize("body, summary", [
    ("<p></p><p> <b> </b> </p><p>Isi\n  <i>pertama</i> &amp; lain</p><p>dua</p>", "Isi pertama & lain"),
    ("<h2>x</h2><p>terbuka", ""), ("<p></p><p>terbuka", ""), ("<P>besar</P><p>kecil</p>", "kecil"),
    ('<p class="a">x</p>', ""), ("<p><p>dalam</p></p>", "dalam"),
])
def test_summary_is_the_first_paragraph_with_text(body, summary):
    assert markup.first_paragraph(body) == summary


def test_bundle_links_in_a_built_post(site_factory):
    site = site_factory({
        "content/posts/2019/rapat/index.md": md("title: Rapat\ndate: 2019-11-08",
                                                "Lihat [surat](surat.pdf) dan ![Pembukaan](pembukaan.jpg).\n"),
        "content/posts/2019/rapat/surat.pdf": b"%PDF-1.4 surat",
        "content/posts/2019/rapat/pembukaan.jpg": b"photo",
    })
    build_site(site)
    page = (site / "output/2019/11/08/rapat/index.html").read_text(encoding="utf-8")
    assert 'href="/2019/11/08/rapat/surat.pdf"' in page
    assert 'src="/2019/11/08/rapat/pembukaan-64w.jpg"' in page
    assert (site / "output/2019/11/08/rapat/surat.pdf").read_bytes() == b"%PDF-1.4 surat"
    assert (site / "output/2019/11/08/rapat/pembukaan-64w.jpg").is_file()


def test_root_relative_links_get_the_sites_base_path():
    links = markup.Links(base="/kpu-kaltara/")
    html = markup.render("[Kontak](/kontak/) ![logo](/assets/logo.png) [luar](https://kpu.go.id/) [x](//cdn.example/x)",
                         links).html
    assert 'href="/kpu-kaltara/kontak/"' in html
    assert 'src="/kpu-kaltara/assets/logo.png"' in html
    assert 'href="https://kpu.go.id/"' in html and 'href="//cdn.example/x"' in html


def test_root_relative_links_unchanged_at_the_domain_root():
    assert 'href="/kontak/"' in markup.render("[Kontak](/kontak/)", markup.Links()).html


# --- raw HTML stays; script hidden in attributes does not ----------------------------------------------------

@pytest.mark.parametrize("source, gone, kept", [
    ("[klik](javascript:alert(1))", "javascript:", "<a>klik</a>"),
    ("<div onclick=\"x()\">Kotak</div>", "onclick", "<div>Kotak</div>"),
    ("Teks <span onmouseover='x'>inline</span>.", "onmouseover", "<span>inline</span>"),
    ("<iframe src=\"https://www.youtube-nocookie.com/embed/x\" onload=\"y\"></iframe>", "onload",
     '<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>'),
    ("![foto](javascript:x)", "javascript:", "<img alt=\"foto\""),
    ("<table><tr><td onclick=x>sel</td></tr></table>", "onclick", "<td>sel</td>"),
])
def test_rendered_body_loses_script_in_attributes_and_keeps_the_rest(source, gone, kept):
    out = markup.render(source + "\n").html
    assert gone not in out and kept in out


def test_raw_html_without_script_is_kept_as_written():
    source = '<table class="data" border="1">\n<tr><td colspan="2">Sel</td></tr>\n</table>\n\n<script>var x = 1;</script>\n'
    out = markup.render(source).html
    assert '<table class="data" border="1">' in out and "<script>var x = 1;</script>" in out

def test_an_image_alone_with_a_title_is_a_figure_with_that_caption():
    out = html('Teks.\n\n![Pembukaan](a.jpg "Rapat dibuka & dipimpin ketua")\n\n![Tanpa keterangan](b.jpg)\n\n'
               'Di tengah ![c](c.jpg "judul") kalimat.\n')
    assert '<figure><img alt="Pembukaan" src="a.jpg"><figcaption>Rapat dibuka &amp; dipimpin ketua</figcaption></figure>' in out
    assert '<p><img alt="Tanpa keterangan" src="b.jpg"></p>' in out
    assert '<p>Di tengah <img alt="c" src="c.jpg" title="judul"> kalimat.</p>' in out


@pytest.mark.parametrize("source, expected", [
    ('Kata "pemilu" dan [tautan](/a/ "Judul") -- lalu...', '<p>Kata \u201cpemilu\u201d dan <a href="/a/" title="Judul">'
                                                         'tautan</a> \u2013 lalu\u2026</p>'),
    ('[tautan](/a/ "Judul") dan ![foto](b.jpg "Foto")', '<p><a href="/a/" title="Judul">tautan</a> dan '
                                                       '<img alt="foto" src="b.jpg" title="Foto"></p>'),
    ("Jum'at, `'kode' -- x` dan <em>'kutip'</em>", "<p>Jum\u2019at, <code>'kode' -- x</code> dan <em>\u2018kutip"
                                                    "\u2019</em></p>"),
])
def test_typographic_quotes_and_dashes_in_text_only(source, expected):
    """Straight quotes, -- and ... become typographic in text; quotes in attributes and code stay as typed."""
    assert markup.render(source).html == expected
