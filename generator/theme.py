"""Where the theme is: the site's own templates/ folder or the project's, and the static assets it publishes."""

from __future__ import annotations

import os
from pathlib import Path

from .report import Problems

THEME_DIR = Path(__file__).resolve().parent.parent / "templates"     # the project's own theme
ASSETS = "assets"               # below the theme folder, published as /assets/ (the templates name it `assets`)


def template_dir(site_dir: Path) -> Path:
    """The site's own templates/ when it has one, else the project's theme."""
    own = site_dir / "templates"
    return own if own.is_dir() else THEME_DIR


def assets(templates: Path, site_dir: Path, problems: Problems) -> dict[str, Path]:
    """The theme's static files, by their URL (/assets/...). A symbolic link among them is followed only when it
    leads inside the theme folder or the site folder; one leading anywhere else is an error naming it, so that
    nothing outside the site is published through a link (as with content/, see content.check_links)."""
    folder = templates / ASSETS
    if not folder.is_dir():
        return {}
    roots = (templates.resolve(), site_dir.resolve())
    found: dict[str, Path] = {}
    stack, seen = [(folder, "")], set()
    while stack:
        directory, prefix = stack.pop()
        real = directory.resolve()
        if real in seen:
            continue                                    # a link back to a folder already listed
        seen.add(real)
        try:
            items = sorted(os.scandir(directory), key=lambda item: item.name)
        except OSError:
            continue
        for item in items:
            path, rel = Path(item.path), prefix + item.name
            if item.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    problems.warn(_shown(path, site_dir), None, "tautan simbolik ini menunjuk ke berkas yang tidak "
                                  "ada; dilewati.", "Hapus tautannya, atau ganti dengan berkas aslinya.")
                    continue
                if not any(target == root or root in target.parents for root in roots):
                    problems.error(_shown(path, site_dir), None, f"berkas tema ini adalah tautan simbolik ke {target}, "
                                   "di luar folder situs; berkas di luar situs tidak diterbitkan.",
                                   "Salin berkas atau folder aslinya ke dalam templates/assets/ (bukan tautan), atau "
                                   "hapus tautannya.")
                    continue
            if item.is_dir():
                stack.append((path, rel + "/"))
            elif item.is_file():
                found[f"/{ASSETS}/{rel}"] = path
    return dict(sorted(found.items()))


def _shown(path: Path, site_dir: Path) -> str:
    """A theme file as the messages name it: below the site folder when it is the site's own theme."""
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return str(path)
