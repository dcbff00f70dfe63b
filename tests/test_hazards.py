"""Files a web server would run are never published, and text that looks injected (gambling spam, hidden links)
is named with its line (issue 25, item 4)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model.hazards import SPAM, executable_reason, spam_findings
from tests.conftest import build_errors, build_site, md, write_site

pytestmark = pytest.mark.quick

POST = md("title: Rapat\ndate: 2024-05-02")


@pytest.mark.parametrize("name", ["shell.php", "SK.PHP", "foto.php.jpg", "x.phtml", "a.phar", "b.php5", "c.cgi",
                                  "d.pl", "e.py", "f.asp", "g.aspx", "h.jsp", "i.shtml", "web.config", "j.Php7",
                                  "k.user.ini", "l.PhTmL.png"])
def test_every_name_a_server_could_run_has_a_reason(name):
    assert executable_reason(name)


@pytest.mark.parametrize("name", ["sk.pdf", "foto.jpg", "laporan.xlsx", "Notulen Rapat. Final.docx", "php.pdf.txt",
                                  "rekap.csv", "data.json", "phpfoto.jpg", "cgi-bin.zip"])
def test_ordinary_names_pass(name):
    assert executable_reason(name) == ""


def test_a_php_file_in_a_bundle_stops_the_build_naming_it_and_nothing_is_published(tmp_path):
    site = write_site(tmp_path / "situs", {"content/posts/2024/rapat/index.md": POST,
                                          "content/posts/2024/rapat/foto.php.jpg": b"<?php system($_GET['c']); ?>",
                                          "content/posts/2024/rapat/sk.pdf": b"%PDF-1.4\n"})
    errors = build_errors(site)
    assert any(e.startswith("content/posts/2024/rapat/foto.php.jpg:") and "server web" in e for e in errors)
    assert not (site / "output").exists() or not list((site / "output").rglob("*.php*"))


def test_a_page_bundle_is_checked_too(tmp_path):
    site = write_site(tmp_path / "situs", {"content/posts/2024/a.md": POST,
                                          "content/pages/profil/index.md": md("title: Profil"),
                                          "content/pages/profil/kontak.aspx": "<% x %>"})
    assert any("content/pages/profil/kontak.aspx" in e for e in build_errors(site))


def _warnings(site):
    return [str(p) for p in build_site(site).warnings]


def test_gambling_spam_is_warned_with_its_line_and_the_build_goes_on(tmp_path):
    body = "Paragraf pertama.\n\nKunjungi situs slot gacor hari ini untuk maxwin.\n"
    site = write_site(tmp_path / "situs", {"content/posts/2024/rapat.md": md("title: Rapat\ndate: 2024-05-02", body)})
    warnings = _warnings(site)
    assert any(w.startswith("content/posts/2024/rapat.md:8:") and "judi" in w for w in warnings), warnings
    assert (site / "output" / "index.html").exists()


def test_a_link_hidden_from_readers_is_warned(tmp_path):
    body = ('Berita.\n\n<div style="display: none">\n<a href="https://contoh.test/x">murah</a>\n</div>\n\n'
            '<span style="position:absolute; left:-9999px"><a href="https://contoh.test/y">y</a></span>\n')
    site = write_site(tmp_path / "situs", {"content/posts/2024/rapat.md": md("title: Rapat\ndate: 2024-05-02", body)})
    hidden = [w for w in _warnings(site) if "disembunyikan" in w]
    assert [w.split(":")[1] for w in hidden] == ["8", "12"], hidden


@pytest.mark.parametrize("text", ["Rapat membahas slot waktu kampanye.", "Satgas menutup 300 situs judi daring.",
                                  '<div style="display:flex"><a href="/x">x</a></div>',
                                  '<p style="font-size:0.9em"><a href="/x">x</a></p>'])
def test_ordinary_news_text_is_not_flagged(text):
    assert spam_findings(text) == []


def test_spam_is_found_in_any_case_and_on_its_own_line():
    text = "Berita.\n\nİstanbul — Şimdi ẞtraße.\nDaftar SLOT Gacor di sini\nlalu Judi ONLINE\n"
    assert [(f.line, f.what) for f in spam_findings(text)] == [
        (4, 'teks mirip spam judi online ("slot gacor")'), (5, 'teks mirip spam judi online ("judi online")')]


# Words of every spam phrase, in other letter cases, and what may stand between and around them: spaces and letters
# beyond ASCII, and characters whose casefold is ASCII letters (U+017F is 's', U+FB01 'fi', U+212A 'k').
SPAM_WORDS = ["judi", "slot", "situs", "togel", "bandar", "sbobet", "pragmatic", "rtp", "scatter", "gacor", "maxwin",
              "depo", "deposit", "mahjong", "link", "zeus", "casino", "kasino", "poker", "domino", "dominoqq", "pkv",
              "online", "bola", "demo", "thailand", "88", "hari", "ini", "hk", "sgp", "sidney", "singapore", "play",
              "live", "hitam", "pulsa", "dana", "tanpa", "ways", "alternatif", "qq", "games", "x1", "JUDI", "Slot",
              "ONLINE", "\u017flot", "\u212aasino"]
BETWEEN = [" ", "  ", "\n", "\t", "\xa0", "\u3000", "\x1c", "", "_", "9", ",", "(", "é", "—", "ß", "\ufb01",
           "\u0130", "\ud800"]
PHRASES = ["judi online", "slot gacor", "slot 88", "situs togel", "togel hari ini", "bandar bola", "sbobet",
           "pragmatic play", "rtp live", "scatter hitam", "gacor hari ini", "maxwin", "deposit dana tanpa",
           "depo pulsa slot", "mahjong ways", "link alternatif x1", "zeus slot", "casino online", "kasino online",
           "poker online", "dominoqq", "domino qq", "pkv games", "mahjong way\u017f", "\u212aasino online"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(BETWEEN), st.sampled_from(SPAM_WORDS + PHRASES)), max_size=10).map(
    lambda pairs: "".join(before + words for before, words in pairs)))
def test_spam_is_found_on_the_lines_where_its_phrases_are(text):
    """The quick test before SPAM (its words between spaces in the text's bytes) never hides a line SPAM finds."""
    folded = text.casefold()
    lines = {folded.count("\n", 0, match.start()) + 1 for match in SPAM.finditer(folded)}
    assert sorted(lines) == [finding.line for finding in spam_findings(text)]


@pytest.mark.parametrize("phrase", PHRASES)
def test_every_spam_phrase_is_found_alone_and_inside_a_line(phrase):
    for text in (phrase, f"Kata\u00a0{phrase.upper()}, lalu", f"“{phrase}”\n"):
        assert [finding.line for finding in spam_findings(text)] == [1], text
