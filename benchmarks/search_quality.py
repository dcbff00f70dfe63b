"""`make bench`: the search-quality check (tests/test_search_quality.py) on the 5,000-post corpus.

The test suite runs that module on 300 posts (with Pagefind runs of a third of the pages each, so that they are still
more than run side by side), which proves the same agreement with a whole-site Pagefind index in a small part of the
time; here it runs at the size issue 11 measured, with the generator's own batches, and prints its table of figures (pages found
by each index, top-five agreement, the bytes of a reader's first query). --posts N runs it on another size.
Exit status: pytest's (non-zero when a check fails or Chromium/Pagefind are missing and REQUIRE_BROWSER is set)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=5000)
    args = parser.parse_args()
    environment = {**os.environ, "SEARCH_QUALITY_POSTS": str(args.posts), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "tests/test_search_quality.py"]
    return subprocess.run(command, cwd=ROOT, env=environment).returncode


if __name__ == "__main__":
    sys.exit(main())
