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

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import Options, build
from tests.conftest import NOW, STEPS, apply, edited_site, tree


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
