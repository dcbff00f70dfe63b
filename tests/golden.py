"""Regenerate the expected output of the fixture site: `python -m tests.golden` (or `make golden`).

Run it after an intended change to the theme or the generator, then review the diff of tests/golden/
before committing: every changed line there is a change users will see.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.conftest import GOLDEN, build_site, copy_site

# The pages compared byte for byte by tests/test_build.py, for each fixture site.
PAGES = {
    "basic": [
        "index.html",
        "2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/index.html",
        "kategori/berita/index.html",
        "dokumen/index.html",
        "feed.xml",
        "atom.xml",
        "sitemap.xml",
    ],
}


def built_pages(name: str, scratch: Path) -> dict[str, bytes]:
    """Build the fixture site in a scratch copy (with the tests' fixed 'now') and read the golden pages."""
    site = copy_site(name, scratch / name)
    build_site(site)
    return {page: (site / "output" / page).read_bytes() for page in PAGES[name]}


def main() -> int:
    changed = 0
    with tempfile.TemporaryDirectory(prefix="golden-") as scratch:
        for name in PAGES:
            for page, data in built_pages(name, Path(scratch)).items():
                target = GOLDEN / name / page
                if target.is_file() and target.read_bytes() == data:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                changed += 1
                print(f"diperbarui: {target.relative_to(GOLDEN.parent.parent)}")
    print(f"{changed} berkas golden diperbarui." if changed else "Semua berkas golden sudah sesuai.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
