"""Text pasted into a post's body from Word, Google Docs or a web page: its HTML (as the browser hands it over, in
tests/paste/) to Markdown the build renders as the person saw it in their program."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.desk import paste
from generator.model import markup

pytestmark = pytest.mark.quick

HERE = Path(__file__).parent / "paste"


def pasted(name: str) -> paste.Pasted:
    return paste.to_markdown((HERE / name).read_text(encoding="utf-8"))


def test_a_press_release_from_word_keeps_its_marks_lists_table_and_link_and_loses_words_markup():
    result = pasted("word.html")
    text = result.markdown
    assert text.startswith("## Rilis Pers KPU Provinsi Kalimantan Utara\n\n**Tanjung Selor** – KPU Provinsi "
                           "Kalimantan Utara menggelar *Rapat Pleno Terbuka* Rekapitulasi Daftar Pemilih Tetap (DPT) "
                           "pada Selasa, 17 September 2024.\n\n## Hasil rapat\n\n")
    html = markup.render(text).html
    assert "<li>DPT berjumlah 504.252 pemilih<ul>\n<li>laki-laki 258.111</li>\n</ul>\n</li>\n<li>TPS sebanyak" in html
    assert "<ol>\n<li>Pengumuman DPT</li>\n<li>Distribusi logistik</li>\n</ol>" in html
    assert "<th><strong>Kabupaten</strong></th>" in html and "<td>112.345</td>" in html
    assert '<a href="https://kaltara.kpu.go.id/dpt">situs KPU Kaltara</a>' in html
    assert "Lihat juga Daftar Isi." in text, "a link inside the Word file keeps its words only"
    for leftover in ("·", "mso", "o:p", "file:", "Msoclass", "\xa0", "StartFragment", "<span", "lang="):
        assert leftover not in text, leftover
    assert result.notes == ["1 foto di teks yang ditempel tidak ikut: unggah fotonya di bagian Foto, lalu taruh di "
                            "isi berita dengan tombol Sisipkan foto."]


def test_a_google_docs_paste_is_not_all_bold_and_keeps_its_styled_bold_and_italic():
    result = pasted("docs.html")
    assert result.markdown == (
        "## Sosialisasi Pemilih Pemula\n\n**Tarakan** – KPU Kota Tarakan mengadakan *sosialisasi* di SMA Negeri 1.\n\n"
        "Materi yang disampaikan:\n\n- tahapan pemilihan\n- cara memilih di TPS\n\n"
        "Unduh materinya di [situs KPU Tarakan](https://tarakan.kpu.go.id/materi).")
    assert len(result.notes) == 1 and "1 foto" in result.notes[0]


def test_a_web_page_loses_its_script_style_and_outside_photo_and_keeps_a_video_as_its_address():
    result = pasted("web.html")
    text = result.markdown
    assert "alert" not in text and "color:red" not in text and "cdn.example.org" not in text
    assert "klik dan [KPU RI](https://www.kpu.go.id/)" in text, "a javascript: link keeps its words only"
    assert "\n\nhttps://www.youtube.com/watch?v=aqz-KE-bpKQ\n\n" in text
    assert "> Pastikan nama Anda terdaftar." in text and "| Coklit | 24 Juni – 24 Juli |" in text


@pytest.mark.parametrize("html, expected", [
    ("", ""),
    ("<p>Halo&nbsp;dunia</p>", "Halo dunia"),
    ("Rapat <b>pleno</b>", "Rapat **pleno**"),
    ('<p>Peta:</p><iframe src="https://maps.google.com/peta"></iframe>',
     "Peta:\n\n[https://maps.google.com/peta](https://maps.google.com/peta)"),
    ('<p>Rekaman</p><video src="file:///C:/Users/humas/rapat.mp4"></video><embed src="C:\\\\a.swf">', "Rekaman"),
    ("<h1>Judul</h1><p>Isi</p>", "## Judul\n\nIsi"),
])
def test_small_pastes(html, expected):
    assert paste.to_markdown(html).markdown == expected


@pytest.mark.parametrize("html, shown", [
    ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ("<p>Nama berkas: &lt;NIK&gt;_&lt;nama&gt;.pdf</p>", "<p>Nama berkas: &lt;NIK&gt;_&lt;nama&gt;.pdf</p>"),
    ("<p>&amp;lt; ditulis begitu</p>", "<p>&amp;lt; ditulis begitu</p>"),
    ("<p>Humas &amp; Protokol, nilai &lt; 5</p>", "<p>Humas &amp; Protokol, nilai &lt; 5</p>"),
    ("<p># bukan judul</p>", "<p># bukan judul</p>"),
    ("<p>#tagar</p>", "<p>#tagar</p>"),
    ("<p>1. Bukan daftar</p>", "<p>1. Bukan daftar</p>"),
    ("<p>12) Bukan daftar</p>", "<p>12) Bukan daftar</p>"),
    ("<p>- bukan butir</p>", "<p>- bukan butir</p>"),
    ("<p>&gt;bukan kutipan</p>", "<p>&gt;bukan kutipan</p>"),
    ("<p>-5 derajat pada 2024. Rapat</p>", "<p>-5 derajat pada 2024. Rapat</p>"),
    ("<p>JUDUL<br>=====</p>", "<p>JUDUL<br>\n&#61;====</p>"),
    ("<p>a | b<br>--- | ---</p>", "<p>a | b<br>\n— | —</p>"),
    ("<p>[1]: https://kpu.go.id</p><p>lihat [1]</p>", "<p>[1]: https://kpu.go.id</p>\n<p>lihat [1]</p>"),
])
def test_text_the_copied_page_showed_is_text_on_the_site_never_markup_or_a_script(html, shown):
    """The review: '&lt;script&gt;' on a copied page (words a reader saw) became a live <script> on the KPU site, and
    a paragraph starting '# ' or '1. ' became a heading or a list."""
    assert markup.render(paste.to_markdown(html).markdown).html == shown


def test_markup_nested_thousands_deep_or_a_whole_book_comes_as_plain_text():
    assert paste.to_markdown("<div>" * 5000 + "isi" + "</div>" * 5000).markdown is None
    assert paste.to_markdown("<p>kata</p>" * (paste.LIMIT // 10)).markdown is None


@pytest.mark.property
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.sampled_from(["<p>", "</p>", "<b>", "</b>", "<span style='font-weight:700'>", "</span>", "<ul>", "<li>",
                     "</ul>", "<ol>", "<table><tr><td>", "</td></tr></table>", "<a href='x'>", "</a>", "<br>",
                     "<p style='mso-list:l0 level3 lfo1'><span style='mso-list:Ignore'>1.</span>", "<![if !x]>",
                     "<![endif]>", "<!--[if gte mso 9]>", "<o:p>", "</o:p>", "<img src=x>", "<h1>", "<pre>\n",
                     "<iframe src='https://a.b/'>", "<b id='docs-internal-guid-1' style='font-weight:normal'>", "&nbsp;",
                     "<blockquote>", "<td colspan=2>", "*", "_", "#", "\n", "\r\n", "\x00", "]", "[", "`"]),
    st.text(max_size=20)), max_size=40))
def test_any_paste_gives_markdown_or_plain_text_never_an_error(parts):
    result = paste.to_markdown("".join(parts))
    assert result.markdown is None or isinstance(result.markdown, str)
    if result.markdown:
        markup.render(result.markdown)


@pytest.mark.parametrize("html, written", [
    ("<p><b>Tanjung Selor</b> - KPU Kaltara</p>", "**Tanjung Selor** - KPU Kaltara"),
    ('<p>Ikuti <a href="https://x.id/t">#KPUMelayani</a></p>', "Ikuti [#KPUMelayani](https://x.id/t)"),
    ('<p><a href="https://x.id/t">#KPUMelayani</a></p>', "[#KPUMelayani](https://x.id/t)"),
    ("<p>Jl. Sengkawit<br>Tanjung Selor</p>", "Jl. Sengkawit  \nTanjung Selor"),
])
def test_only_the_start_of_a_line_is_escaped_and_a_line_break_stays(html, written):
    """The second review: a dateline's dash and a linked hashtag showed backslashes in the editor; a Shift+Enter line
    break (an address) was joined into the line before."""
    assert paste.to_markdown(html).markdown == written
