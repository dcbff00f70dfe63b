"""A document is rendered by a converter without the optional Markdown parts it cannot use (markup.parts_used): the
HTML must be the very bytes the converter with every part gives, for real documents (the sample site, the seed
post, the test sites, posts imported from real WordPress exports) and for generated ones dense in Markdown's marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.model import markup
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.property

EVERY, SELECTIVE = markup.Renderer(every_part=True), markup.Renderer()

# Pieces of Markdown and of what a preprocessor turns into it: every mark an optional part looks for, and near misses.
PIECES = ["|", "| a | b |\n|---|---|\n| 1 | 2 |\n", "[^1]", "[^1]: catatan\n", "```\nkode\n```\n", "~~~\nx\n~~~\n",
          "{: .kiri }", "{#id}", "`kode`", "\\*", "\\", "[teks](https://kpu.go.id)", "[ref]", "[ref]: /a\n",
          "![foto](a.jpg \"Judul\")", "![x][r]", "<https://kpu.go.id/a>", "https://youtu.be/abc", "<b>tebal</b>",
          "<user@kpu.go.id>", "a@b.id", "  \n", "\t", "\t\n", "&amp;", "&", "*miring*", "**tebal**", "_x_", "__y__",
          "# Judul\n", "## Sub {#s}\n", "Judul\n=====\n", "Sub\n---\n", "[TOC]\n", "#", "- butir\n", "1. satu\n", "> kutipan\n", "    kode\n", "\n", "\n\n", " ",
          "kata", "KPU", "'", "\"", "--", "...", "<!-- c -->", "<div>\nblok\n</div>\n", ":", "!", "]", "(", ")"]
DOCUMENTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _body(path: Path) -> str:
    """The Markdown of a post, past its front matter."""
    text = path.read_text(encoding="utf-8", errors="replace")
    head, mark, body = text[3:].partition("\n---") if text.startswith("---") else ("", "", text)
    return body.partition("\n")[2] if mark else text


def _documents() -> list[Path]:
    folders = [ROOT / "content", ROOT / "tests", ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds")]
    return sorted({path for folder in folders if folder.is_dir() for path in folder.rglob("*.md")})


def test_real_documents_give_the_same_html_with_only_the_parts_they_use():
    documents = _documents()
    assert len(documents) > 20
    differ = [path for path in documents if EVERY.render(_body(path)) != SELECTIVE.render(_body(path))]
    assert not differ


def test_imported_wordpress_posts_give_the_same_html_with_only_the_parts_they_use(tmp_path):
    exports = ROOT.parent / "shared" / "wxr"
    exports = exports if exports.is_dir() else Path("/work/shared/wxr")
    if not exports.is_dir():
        pytest.skip("../shared/wxr/ tidak ada")
    for export in ("theme-unit-test.xml", "block-test-data.xml"):
        site = tmp_path / export
        site.mkdir()
        (site / "config.yaml").write_text("site:\n  title: T\n  base_url: https://x.go.id/\n", encoding="utf-8")
        assert run_cli("import-wordpress", "--site", str(site), str(exports / export)).code == 0
    documents = sorted(tmp_path.rglob("*.md"))
    assert len(documents) > 100
    differ = [path for path in documents if EVERY.render(_body(path)) != SELECTIVE.render(_body(path))]
    assert not differ


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_generated_documents_give_the_same_html_with_only_the_parts_they_use(text):
    assert SELECTIVE.render(text) == EVERY.render(text)


def test_a_document_without_the_marks_of_a_part_is_rendered_without_it():
    assert markup.parts_used("Rapat pleno **terbuka** di [kantor](/kantor/).") == {
        "reference", "link", "short_reference", "em_strong"}
    assert "tables" in markup.parts_used("| a | b |") and "autolink" in markup.parts_used("https://kpu.go.id")


@pytest.mark.parametrize("text", ["# Judul\n\n[TOC]\n\n## Sub\n", "Judul\n=====\n\n  [TOC]  \n\nSub\n---\n"])
def test_the_toc_marker_is_looked_for_only_in_a_document_with_one(text):
    """toc is told its marker only when the text has '[TOC]': the table of contents is still put there."""
    assert "toc_marker" in markup.parts_used(text) and "toc_marker" not in markup.parts_used(text.replace("[TOC]", ""))
    html = SELECTIVE.render(text).html
    assert html == EVERY.render(text).html and '<div class="toc">' in html and "[TOC]" not in html


@settings(max_examples=400, deadline=None)
@given(st.one_of(DOCUMENTS, st.text(alphabet="|[^`~{#\n=-TOC]\\!<:/ \t&*_ab", max_size=40)))
def test_the_parts_used_are_those_with_a_mark_in_the_text(text):
    """parts_used looks for each mark once, a rare character of it first: the same parts as the plain definition."""
    expected = {name for table in markup.NEEDS for name, marks in table.items()
                if any(mark in text for mark in marks)}
    assert markup.parts_used(text) == expected
