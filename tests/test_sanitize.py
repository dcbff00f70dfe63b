"""Raw HTML in bodies: script hidden in attributes and URLs is removed, everything else stays as written."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.model import sanitize

pytestmark = pytest.mark.quick

REMOVED = [
    ('<a href="javascript:alert(1)">x</a>', '<a>x</a>'),
    ("<a href='JAVASCRIPT:alert(1)'>x</a>", '<a>x</a>'),
    ('<a href="  javascript:alert(1)">x</a>', '<a>x</a>'),
    ('<a href="java&#x09;script:alert(1)">x</a>', '<a>x</a>'),
    ('<a href="java\nscript:alert(1)">x</a>', '<a>x</a>'),
    ('<a href="&#106;avascript&colon;alert(1)">x</a>', '<a>x</a>'),
    ('<a href="vbscript:msgbox(1)">x</a>', '<a>x</a>'),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', '<a>x</a>'),
    ('<iframe src="data:text/html,<script>alert(1)</script>"></iframe>', '<iframe></iframe>'),
    ('<object data="data:image/svg+xml;base64,AAA"></object>', '<object></object>'),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', '<iframe></iframe>'),
    ('<img src=x onerror=alert(1)>', '<img src="x">'),
    ('<img src="x" ONERROR="alert(1)" alt="foto">', '<img src="x" alt="foto">'),
    ('<img/onerror=alert(1) src=x>', '<img src="x">'),
    ('<a b=c\' onclick=alert(1)>x</a>', '<a b="c&#x27;">x</a>'),
    ('<p onmouseover="x" class="a">t</p>', '<p class="a">t</p>'),
    ('<body onload="x">', '<body>'),
    ('<br onclick="x"/>', '<br />'),
    ('<form action="javascript:x"><button formaction="vbscript:y">b</button></form>', '<form><button>b</button></form>'),
    ('<svg><a xlink:href="javascript:1"><text>x</text></a></svg>', '<svg><a><text>x</text></a></svg>'),
    ('<svg><set attributeName="href" to="javascript:alert(1)"/></svg>', '<svg><set attributename="href" /></svg>'),
    ('<meta http-equiv="refresh" content="0; url=javascript:alert(1)">', '<meta http-equiv="refresh">'),
    ('<video poster="javascript:x" src="v.mp4"></video>', '<video src="v.mp4"></video>'),
]


@pytest.mark.parametrize("raw, cleaned", REMOVED)
def test_script_in_attributes_is_removed(raw, cleaned):
    out, removed = sanitize.scan(raw)
    assert out == cleaned and len(removed) >= 1


KEPT = [
    '<a href="https://kaltara.kpu.go.id/" title="javascript: belajar">tautan</a>',
    '<a href="/berita/javascript-dasar/">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="">',
    '<iframe src="https://www.youtube-nocookie.com/embed/x" allowfullscreen></iframe>',
    '<script>var a = "<a onclick=x>";</script>',
    '<!-- <a href="javascript:x" onclick="y"> -->',
    '<p data-onclick="x" data-x="onclick=1">teks onclick=1 dan javascript:alert(1)</p>',
    '<table border=1 style="width:100%"><tr><td colspan=2>sel</td></tr></table>',
    '<meta http-equiv="refresh" content="0; url=https://kpu.go.id/">',
    '<p>Footnote&#8617; &amp; javascript&colon;</p>',
]


@pytest.mark.parametrize("raw", KEPT)
def test_everything_else_stays_byte_for_byte(raw):
    assert sanitize.scan(raw) == (raw, [])


def test_each_removal_has_its_line():
    text = "<p>satu</p>\n<p>dua</p>\n<a href='javascript:x' onclick='y'>tiga</a>\n\n<img src=x onerror=z>\n"
    out, removed = sanitize.scan(text)
    assert [(r.line, r.tag, r.attribute) for r in removed] == [(3, "a", "href"), (3, "a", "onclick"), (5, "img", "onerror")]
    assert out == "<p>satu</p>\n<p>dua</p>\n<a>tiga</a>\n\n<img src=\"x\">\n"


def test_markdown_links_and_images_to_script_urls_are_found_with_their_line():
    body = "Paragraf.\n\n[klik](javascript:alert(1)) dan ![x](vbscript:y)\n\n[ref]: javascript:z\n"
    assert [(r.line, r.value) for r in sanitize.found_in_markdown(body)] == [
        (3, "javascript:alert(1)"), (3, "vbscript:y"), (5, "javascript:z")]


def test_code_is_shown_not_run_and_not_reported():
    body = "Contoh: `<a onclick=\"x\">`\n\n```html\n<img src=x onerror=alert(1)>\n[a](javascript:b)\n```\n"
    assert sanitize.found_in_markdown(body) == []


@pytest.mark.parametrize("url, runs", [("javascript:x", True), (" \x01JavaScript:x", True), ("vbscript:x", True),
                                       ("data:text/html,x", True), ("data: text/html,x", True),
                                       ("https://x/javascript:", False), ("mailto:a@b", False), ("/a", False),
                                       ("#javascript:", False), ("data:image/png;base64,x", False)])
def test_runs_script(url, runs):
    assert sanitize.runs_script(url) is runs


# Pieces of text around what suspect() looks for, with the characters whose lower case is special (U+0130, U+212A,
# U+017F), spaces beyond ASCII, a lone surrogate and letters of other scripts.
SUSPECT_PIECES = ["on", "click", "ONLOAD", "o", "n", "=", " ", "\t", "\x1c", "\x85", "\xa0", "\u2003", "\u3000", "data",
                  "DATA", ":", "script", "SCRİPT", "scr", "ipt", "src", "doc", "refresh", "&", "#", "&colon", "&tab",
                  "&newline", "&#", "\u0130", "\u212a", "\u017f", "\ud800", "é", "—", "“", "x", "<a ", ">", "href",
                  "\n"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(SUSPECT_PIECES), max_size=20).map("".join) | st.text(max_size=30))
@example("x &#106; y")
@example("on\u212a=")
@example("onclick\u3000=\u00a0")
@example("data\x85:")
@example("data\x1c:")
def test_the_quick_test_of_a_text_agrees_with_its_definition(text):
    """suspect() first looks at the text's bytes: the same answer as its definition on the lowered text."""
    low = text.lower()
    expected = (any(word in low for word in ("script", "srcdoc", "refresh", "&#", "&colon", "&tab", "&newline"))
                or bool(re.search(r"on[a-z]+\s*=", low) or re.search(r"data\s*:", low)))
    assert sanitize.suspect(text) == expected
