"""The preview's memory between rebuilds: quick rebuilds of body edits, full builds for the rest, and either way
the same output as a clean build and a cache the next plain build trusts."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import Options, build
from generator.core.report import BuildFailed
from generator.engine import cache
from generator.model.theme import THEME_DIR
from generator.preview.session import Memory, quick_rebuild
from generator.preview.watch import sort_changes
from tests.conftest import NOW, STEPS, apply, clean_build_tree, edited_site, snapshot, source, tree

pytestmark = pytest.mark.property

EDITED = "content/posts/rapat/index.md"


def options(root: Path) -> Options:
    return Options(root, now=NOW, workers=1, search=False)


def sources(root: Path) -> dict:
    return {f"{top}/{rel}": stat for top in ("content", "templates") for rel, stat in cache.scan(root / top).items()} \
        | {"config.yaml": cache.scan(root).get("config.yaml")}


def changes_between(before: dict, after: dict) -> dict:
    """What the watcher reports for one step: every path created, changed or deleted."""
    return sort_changes(rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel))


def rebuild(root: Path, memory: Memory, changes: dict):
    result = quick_rebuild(options(root), memory, changes) or build(options(root), memory)
    memory.flush()
    return result


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "situs"
    edited_site(root)
    bundle = root / "content/posts/rapat"
    bundle.mkdir()
    (bundle / "index.md").write_text(source("Rapat Pleno", 5, ["rapat"], "Paragraf pembuka.\n", []),
                                     encoding="utf-8")
    (root / "content/posts/lain.md").write_text(source("Berita Lain", 6, ["rapat"], "Isi lain.\n", []),
                                                encoding="utf-8")
    return root


def test_a_body_edit_rerenders_only_its_post_and_matches_a_clean_build_tree(site, tmp_path, search=False):
    memory = Memory()
    build(options(site), memory)
    before = snapshot(site / "output")
    with open(site / EDITED, "a", encoding="utf-8") as handle:
        handle.write("\nKalimat tambahan di akhir berita.\n")
    result = quick_rebuild(options(site), memory, {"content": [EDITED]})
    assert result is not None and result.rendered == 1 and result.report.written == 1
    after = snapshot(site / "output")
    assert [rel for rel in after if after[rel] != before.get(rel)] == ["2024/03/05/rapat/index.html"]
    assert b"Kalimat tambahan di akhir berita." in after["2024/03/05/rapat/index.html"].data
    assert tree(site / "output") == clean_build_tree(site, tmp_path, search=False)
    memory.flush()
    again = build(options(site))                 # a plain build from the cache files: it agrees, writes nothing
    assert again.report.written == 0 and again.report.removed == 0


@pytest.mark.parametrize("edit", ["title", "first paragraph", "tags", "broken front matter"])
def test_an_edit_other_pages_show_is_left_to_the_full_build(site, edit):
    memory = Memory()
    build(options(site), memory)
    text = (site / EDITED).read_text(encoding="utf-8")
    text = {"title": text.replace("Rapat Pleno", "Rapat Pleno Terbuka"),
            "first paragraph": text.replace("Paragraf pembuka.", "Paragraf pembuka yang lain."),
            "tags": text.replace("tags: [rapat]", "tags: [rapat, logistik]"),
            "broken front matter": text.replace("title: Rapat Pleno", "title: [Rapat Pleno")}[edit]
    (site / EDITED).write_text(text, encoding="utf-8")
    assert quick_rebuild(options(site), memory, {"content": [EDITED]}) is None


def test_a_new_file_a_photo_or_a_template_is_left_to_the_full_build(site):
    memory = Memory()
    build(options(site), memory)
    for changes in ({"content": ["content/posts/baru.md"]}, {"photo": ["content/posts/rapat/foto.jpg"]},
                    {"template": ["templates/post.html"]}, {"config": ["config.yaml"]}):
        assert quick_rebuild(options(site), memory, changes) is None


@pytest.mark.parametrize("change", ["deleted", "replaced", "home page deleted", "feed deleted"])
def test_an_output_deleted_or_changed_while_the_preview_runs_takes_the_full_build(site, tmp_path, change):
    memory = Memory()
    build(options(site), memory)
    out = site / "output"
    if change == "deleted":
        shutil.rmtree(out)
    elif change == "replaced":
        shutil.copytree(out, tmp_path / "salinan")
        shutil.rmtree(out)
        (tmp_path / "salinan").rename(out)
    else:
        (out / ("index.html" if change == "home page deleted" else "feed.xml")).unlink()
    with open(site / EDITED, "a", encoding="utf-8") as handle:
        handle.write("\nKalimat tambahan.\n")
    assert quick_rebuild(options(site), memory, {"content": [EDITED]}) is None
    rebuild(site, memory, {"content": [EDITED]})
    assert (out / "index.html").is_file() and (out / "feed.xml").is_file()
    assert tree(out) == clean_build_tree(site, tmp_path, search=False)
    with open(site / EDITED, "a", encoding="utf-8") as handle:    # and the next edit is quick again
        handle.write("\nSatu lagi.\n")
    assert quick_rebuild(options(site), memory, {"content": [EDITED]}) is not None


def test_a_failed_build_empties_the_memory_and_the_next_starts_from_the_files(site):
    memory = Memory()
    build(options(site), memory)
    assert memory.site is not None
    good = (site / EDITED).read_text(encoding="utf-8")
    (site / EDITED).write_text(good.replace("title: Rapat Pleno", "title: [Rapat"), encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(options(site), memory)
    assert memory.site is None and memory.index is None
    (site / EDITED).write_text(good + "\nLagi.\n", encoding="utf-8")
    assert rebuild(site, memory, {"content": [EDITED]}).report.written >= 1
    assert memory.site is not None


@settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(STEPS, st.tuples(st.just("edit_body"), st.integers(0, 10), st.integers(0, 100))),
                min_size=2, max_size=5))
def test_preview_rebuilds_equal_a_clean_build(steps):
    with tempfile.TemporaryDirectory(prefix="kpu-sesi-") as scratch:
        root = Path(scratch) / "situs"
        edited_site(root)
        memory = Memory()
        build(options(root), memory)
        for number, step in enumerate(steps, start=1):
            before = sources(root)
            apply(root, step, number)
            rebuild(root, memory, changes_between(before, sources(root)))
            assert tree(root / "output") == clean_build_tree(root, Path(scratch), search=False), \
                f"berbeda setelah {steps[:number]}"
        assert build(options(root)).report.written == 0      # the cache files agree with what the preview wrote


def test_a_theme_showing_more_of_posts_than_their_page_is_left_to_the_full_build(site, tmp_path):
    """The home page shows each post's whole text: a body edit shows there too, which only a full build sees."""
    home = site / "templates/index.html"          # the site's own copy of the built-in home page
    home.write_text((THEME_DIR / "index.html").read_text(encoding="utf-8").replace(
        "{% for post in latest %}", "{% for post in latest %}{{ post.html }}", 1).replace(
        "{% for post in pager.items %}", "{% for post in pager.items %}{{ post.html }}", 1), encoding="utf-8")
    memory = Memory()
    build(options(site), memory)
    with open(site / EDITED, "a", encoding="utf-8") as handle:
        handle.write("\nKalimat tambahan di akhir berita.\n")
    assert quick_rebuild(options(site), memory, {"content": [EDITED]}) is None
    rebuild(site, memory, {"content": [EDITED]})
    assert b"Kalimat tambahan" in (site / "output/index.html").read_bytes()
    assert tree(site / "output") == clean_build_tree(site, tmp_path, search=False)


def test_a_command_line_build_while_the_preview_runs_keeps_the_search_index(site, tmp_path):
    """Issue 24.17: serve; change a title; `build` from the command line; change it back; the preview's rebuild
    (which skips the search stage) kept its memory of the first build and deleted the index the command wrote."""
    memory = Memory()
    searched = Options(site, now=NOW, workers=1)                  # the preview's first build makes the index
    build(searched, memory)
    original = (site / EDITED).read_text(encoding="utf-8")
    (site / EDITED).write_text(original.replace("title: Rapat Pleno", "title: Rapat Pleno Terbuka"), encoding="utf-8")
    build(searched)                                               # `build` from the command line, another process
    index = {rel for rel in tree(site / "output") if rel.startswith("pagefind/")}
    assert "pagefind/pagefind-entry.json" in index and any(rel.startswith("pagefind/index/") for rel in index)
    (site / EDITED).write_text(original, encoding="utf-8")
    rebuild(site, memory, {"content": [EDITED]})                  # the preview's rebuild: search=False
    assert {rel for rel in tree(site / "output") if rel.startswith("pagefind/")} == index
    with open(site / EDITED, "a", encoding="utf-8") as handle:    # a body edit after it is quick and keeps it too
        handle.write("\nKalimat tambahan.\n")
    build(searched)
    with open(site / EDITED, "a", encoding="utf-8") as handle:
        handle.write("\nSatu lagi.\n")
    assert quick_rebuild(options(site), memory, {"content": [EDITED]}) is None   # the memory is stale: full build
    rebuild(site, memory, {"content": [EDITED]})
    after = {rel for rel in tree(site / "output") if rel.startswith("pagefind/")}
    assert "pagefind/pagefind-entry.json" in after and any(rel.startswith("pagefind/index/") for rel in after)


def test_the_preview_shows_drafts_marked_and_counted_and_a_build_never_does(site, tmp_path):
    """Issue 24.19: `new` makes a draft and the preview hid it (404, nothing on screen saying why)."""
    from generator.preview.session import drafts_line, preview_options

    (site / "content/posts/baru.md").write_text(source("Berita Baru Kami", 7, ["rapat"], "Isi baru.\n", [])
                                                .replace("---\n\n", "draft: true\n---\n\n", 1), encoding="utf-8")
    memory = Memory()
    build(preview_options(options(site)), memory)
    page = (site / "output/2024/03/07/baru/index.html").read_text(encoding="utf-8")
    assert 'class="draft-mark">DRAF</strong>' in page and "draft: true" in page
    home = (site / "output/index.html").read_text(encoding="utf-8")
    assert "Pratinjau menampilkan 1 berita draf" in home and 'href="/2024/03/07/baru/">Berita Baru Kami</a>' in home
    other = (site / "output/2024/03/05/rapat/index.html").read_text(encoding="utf-8")
    assert "draft-banner" not in other                        # only drafts and the home page carry the banner
    assert drafts_line(memory.site).startswith("1 berita draf ikut ditampilkan di pratinjau")
    build(options(site))                                       # the build for the web: no draft, no banner
    out = tree(site / "output")
    assert not any(rel.startswith("2024/03/07/") for rel in out)
    assert not any(b"draft-banner" in data or b"Berita Baru Kami" in data for data in out.values())
    assert out == clean_build_tree(site, tmp_path, search=False)
