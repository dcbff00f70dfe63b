"""Property: after any sequence of edits, the incremental output is byte-identical to a clean build.

Random sequences of edits, additions, deletions and renames of posts, photos (real JPEGs made with
Pillow), attachments and the site's own templates and assets (overrides of the built-in theme, added, changed
and removed) are applied to a site; after every step the site is built incrementally (with
its cache and previous output) and, from a copy without either, built clean; the two output trees must
hold the same file names with the same bytes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import Options, build
from generator.core import racy
from generator.engine import fingerprint
from generator.model.theme import THEME_DIR
from tests.conftest import (
    NOW,
    STEPS,
    apply,
    build_site,
    clean_build_tree,
    config_text,
    edited_site,
    make_photo,
    md,
    run_cli,
    tree,
    write_site,
)

pytestmark = pytest.mark.property


@settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(STEPS, min_size=1, max_size=4), st.sampled_from([1, 2]))
def test_incremental_output_equals_a_clean_build(steps, workers):
    with tempfile.TemporaryDirectory(prefix="kpu-inc-") as scratch:
        root = Path(scratch) / "situs"
        edited_site(root)
        build(Options(root, now=NOW, workers=workers))
        for number, step in enumerate(steps, start=1):
            apply(root, step, number)
            build(Options(root, now=NOW, workers=workers))
            incremental = tree(root / "output")
            assert incremental == clean_build_tree(root, Path(scratch)), f"berbeda setelah {steps[:number]}"
            assert "pagefind/pagefind-entry.json" in incremental, "the search index is part of the comparison"


@pytest.mark.parametrize("before, after", [
    ("thumb: 200\n    web: 600\n", "thumb: 300\n    web: 600\n"),          # a smaller size changed
    ("thumb: 200\n    web: 600\n", "thumb: 200\n    web: 900\n"),          # the largest size changed
    ("thumb: 200\n    web: 600\n", "thumb: 200\n    web: 600\n    webp: false\n"),  # a format dropped
    ("thumb: 200\n    web: 600\n    large: 1000\n", "thumb: 200\n    web: 600\n    large: 1100\n"),
])
def test_a_changed_photo_size_gives_the_bytes_of_a_clean_build(tmp_path, before, after):
    site = write_site(tmp_path / "situs", {"content/posts/rapat/index.md": md("title: Rapat\ndate: 2024-03-01\n"
                                                                              "category: Berita\ngallery:\n"
                                                                              "  - file: a.jpg\n  - file: b.png")},
                      config_text(extra="photos:\n    " + before))
    make_photo(site / "content/posts/rapat/a.jpg", (1600, 1200), orientation=6)
    make_photo(site / "content/posts/rapat/b.png", (1400, 1000))
    build_site(site)
    (site / "config.yaml").write_text(config_text(extra="photos:\n    " + after), encoding="utf-8")
    build_site(site)
    assert tree(site / "output") == clean_build_tree(site, tmp_path)


def _same_size_edit(path: Path) -> bytes:
    """New bytes for path, of the same size: a Markdown body letter changed, or one byte of a JPEG's image data."""
    data = bytearray(path.read_bytes())
    if path.suffix == ".md":
        at = data.index(b"Isi berita")
        data[at:at + 10] = b"Isi cerita"
    else:
        at = next(i for i in range(len(data) // 2, len(data)) if data[i] < 0xFE and data[i - 1] != 0xFF)
        data[at] ^= 0x01
    return bytes(data)


def _restore_edit(path: Path, new: bytes, how: str, scratch: Path) -> None:
    """Put new bytes in path and give it back its old times, the way a user's tools do."""
    before = path.stat()
    times = (before.st_atime_ns, before.st_mtime_ns)
    if how == "cp -p":                       # a copy kept elsewhere with the old time, copied back with its times
        backup = scratch / ("cadangan" + path.suffix)
        backup.write_bytes(new)
        os.utime(backup, ns=times)
        shutil.copy2(backup, path)
    else:                                    # edited in place, then `touch -d` back to the old time
        path.write_bytes(new)
        os.utime(path, ns=times)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def _restored_site(root: Path) -> Path:
    site = write_site(root, {
        "content/posts/rapat/index.md": md("title: Rapat\ndate: 2024-03-01\ncategory: Berita\n"
                                           "gallery:\n  - file: foto.jpg", "Isi berita rapat.\n"),
        "content/posts/kedua.md": md("title: Kedua\ndate: 2024-03-02\ncategory: Berita", "Isi berita kedua.\n")})
    make_photo(site / "content/posts/rapat/foto.jpg", (300, 200))
    return site


@pytest.mark.parametrize("how", ["cp -p", "touch -d"])
@pytest.mark.parametrize("which", ["content/posts/kedua.md", "content/posts/rapat/index.md",
                                   "content/posts/rapat/foto.jpg"])
def test_a_same_size_edit_with_its_old_time_put_back_is_seen(clock, tmp_path, which, how):
    site = _restored_site(tmp_path / "situs")
    clock.advance()                          # the files are not "moments ago": only their stamps can tell
    build_site(site, racy_clock=clock)
    _restore_edit(site / which, _same_size_edit(site / which), how, tmp_path)
    build_site(site, racy_clock=clock)
    assert tree(site / "output") == clean_build_tree(site, tmp_path)


@pytest.mark.parametrize("which", ["content/posts/kedua.md", "content/posts/rapat/foto.jpg"])
def test_verify_sees_an_edit_where_the_system_keeps_no_change_time(clock, tmp_path, monkeypatch, which):
    """Where st_ctime tells nothing of edits (Windows, some network or USB drives), --verify compares contents."""
    monkeypatch.setattr(racy, "CHANGE_TIME", False)
    site = _restored_site(tmp_path / "situs")
    clock.advance()
    build_site(site, racy_clock=clock)
    _restore_edit(site / which, _same_size_edit(site / which), "touch -d", tmp_path)
    build_site(site, verify=True, racy_clock=clock)
    assert tree(site / "output") == clean_build_tree(site, tmp_path)


def test_verify_compares_every_file_by_content_and_changes_nothing_when_nothing_changed(tmp_path):
    site = _restored_site(tmp_path / "situs")
    build_site(site)
    before = tree(site / "output")
    result = build_site(site, verify=True)      # not a no-op: every source and photo is read and compared again
    assert result.report.written == 0 and result.report.removed == 0 and result.rendered == 0
    assert tree(site / "output") == before
    run = run_cli("build", "--site", str(site), "--verify")     # the command line's flag
    assert run.code == 0, run.err


REACHES = {     # a site's own post.html showing other posts' data reached past `site.<name>`
    "category": "{% for p in post.category.posts %}<i>{{ p.title }}</i>{% endfor %}",
    "tag": "{% for tag in post.tags %}{% for p in tag.posts %}<i>{{ p.title }}</i>{% endfor %}{% endfor %}",
    "subscript": "{% for p in site['posts'] %}<i>{{ p.title }}</i>{% endfor %}",
    "set": "{% set s = site %}{% for p in s.posts %}<i>{{ p.title }}</i>{% endfor %}",
    "macro": "{% from '_macros.html' import titles %}{{ titles(site) }}",
    "attr": "{% for p in site|attr('posts') %}<i>{{ p.title }}</i>{% endfor %}",
    "html in a loop": "{% for p in site.posts %}{{ p.html }}{% endfor %}",
    "map": "{{ site.posts | map(attribute='html') | join }}",
    "older": "{% if post.older %}{{ post.older.html }}{% endif %}",
    "month": "{% for m in site.months %}{% for p in m.posts %}<i>{{ p.title }}</i>{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("form", sorted(REACHES))
def test_a_theme_reaching_site_data_another_way_is_not_left_stale(tmp_path, form):
    """The first post's page shows the last post (no neighbour, related post or sidebar entry of it): an edit of
    that post shows on the page only through what the theme reached."""
    def post(title, day, tags, views=0):
        return md(f"title: {title}\ndate: 2024-03-0{day}\ncategory: Berita\ntags: [{tags}]\nviews: {views}",
                  f"Isi {title.lower()}.\n\nLanjutan {title.lower()}.\n")      # the summary is the first paragraph

    site = write_site(tmp_path / "situs", {"content/posts/a.md": post("A", 4, "rapat, pleno", 100),
                                           "content/posts/b.md": post("B", 3, "rapat, pleno"),
                                           "content/posts/c.md": post("C", 2, "lain"),
                                           "content/posts/d.md": post("D", 1, "rapat")},
                      config_text(extra="listing:\n  related: 1\n  recent: 1\n  popular: 1\n"))
    shutil.copytree(THEME_DIR, site / "templates")
    macros = site / "templates/_macros.html"
    macros.write_text(macros.read_text(encoding="utf-8") + "{% macro titles(s) %}{% for p in s.posts %}<i>"
                      "{{ p.title }}</i>{% endfor %}{% endmacro %}\n", encoding="utf-8")
    page = site / "templates/post.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}" + REACHES[form], 1),
                    encoding="utf-8")
    build_site(site)
    other = site / "content/posts" / ("b.md" if form == "older" else "d.md")
    text = other.read_text(encoding="utf-8")
    text = text.replace("Lanjutan", "Lanjutan baru")
    body_only = form in ("older", "html in a loop", "map")         # what the theme shows of it is its body
    other.write_text(text if body_only else text.replace("title: D", "title: Diubah"), encoding="utf-8")
    build_site(site)
    assert tree(site / "output") == clean_build_tree(site, tmp_path)
    shown = (site / "output/2024/03/04/a/index.html").read_text(encoding="utf-8")
    assert "Diubah" in shown or "Lanjutan baru" in shown


def test_the_built_in_theme_reaches_nothing_past_what_fingerprints_track():
    theme = fingerprint.Templates(THEME_DIR)
    assert all(fingerprint.EVERYTHING not in theme.reach(name) for name in theme.sources)
