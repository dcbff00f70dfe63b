"""Where the generator's own files are: the built-in theme, the staff guide and the preview's reload script.

In a clone they sit beside the package (templates/, docs/, the layout the repository keeps); an installed wheel
carries them inside the package (generator/_theme/, generator/_docs/, mapped in pyproject.toml). This module is the
one place that knows both; everything else asks it."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent     # generator/, this module is in generator/core/


def located(inside: str, beside: str, package_dir: Path = PACKAGE_DIR) -> Path:
    """The folder `inside` the installed package when it is there, else the clone's folder `beside` the package."""
    installed = package_dir / inside
    return installed if installed.is_dir() else package_dir.parent / beside


THEME_DIR = located("_theme", "templates")      # the project's own theme (templates and assets)
DOCS_DIR = located("_docs", "docs")              # the staff guide, docs/panduan.md, and its pictures in gambar/
LIVERELOAD_JS = PACKAGE_DIR / "preview" / "livereload.js"    # the preview's reload script (always inside the package)
