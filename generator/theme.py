"""Where the theme is: the site's own templates/ folder or the project's, and the folder of its static assets."""

from __future__ import annotations

from pathlib import Path

THEME_DIR = Path(__file__).resolve().parent.parent / "templates"     # the project's own theme
ASSETS = "assets"               # below the theme folder, published as /assets/ (the templates name it `assets`)


def template_dir(site_dir: Path) -> Path:
    """The site's own templates/ when it has one, else the project's theme."""
    own = site_dir / "templates"
    return own if own.is_dir() else THEME_DIR
