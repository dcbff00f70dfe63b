"""Property: after any sequence of edits, the incremental output is byte-identical to a clean build.

Random sequences of edits, additions, deletions and renames of posts, photos (real JPEGs made with
Pillow) and templates are applied to a site; after every step the site is built incrementally (with
its cache and previous output) and, from a copy without either, built clean; the two output trees must
hold the same file names with the same bytes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import Options, build
from tests.conftest import NOW, STEPS, apply, build_site, config_text, edited_site, make_photo, md, tree, write_site


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
            clean = Path(scratch) / f"bersih-{number}"
            shutil.copytree(root, clean, ignore=shutil.ignore_patterns("output", ".cache"))
            build(Options(clean, now=NOW, workers=1))
            assert tree(root / "output") == tree(clean / "output"), f"berbeda setelah {steps[:number]}"
            shutil.rmtree(clean)


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
    clean = tmp_path / "bersih"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".cache"))
    build_site(clean)
    assert tree(site / "output") == tree(clean / "output")
