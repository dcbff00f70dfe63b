"""Where the theme is: the site's own templates/ layered over the built-in theme, file by file, and its assets."""

from __future__ import annotations

import os
from pathlib import Path

from generator.core.report import Problems
from generator.core.resources import THEME_DIR  # the project's own theme, in a clone or an installed package

ASSETS = "assets"          # below each theme folder, published as /assets/ (the templates name it `assets`)
BUILT_IN = "tema"          # '{% extends "tema/post.html" %}' names the built-in template under a site's own copy


def folders(site_dir: Path) -> tuple[Path, ...]:
    """Where templates and assets are looked up, first match wins: the site's templates/, then the built-in theme."""
    own = site_dir / "templates"
    if own.is_dir() and own.resolve() != THEME_DIR:
        return (own, THEME_DIR)
    return (THEME_DIR,)


def as_folders(templates) -> tuple[Path, ...]:
    """One folder (a whole theme) or the layered folders of folders()."""
    return (Path(templates),) if isinstance(templates, (str, Path)) else tuple(templates)


def files(templates, under: str = "") -> dict[str, Path]:
    """Name below the theme -> the file that is used for it (the first layer holding it), optionally below `under`."""
    found: dict[str, Path] = {}
    for folder in reversed(as_folders(templates)):
        base = folder / under if under else folder
        if base.is_dir():
            found.update({p.relative_to(folder).as_posix(): p for p in sorted(base.rglob("*")) if p.is_file()})
    return dict(sorted(found.items()))


def assets(templates, site_dir: Path | None = None, problems: Problems | None = None) -> dict[str, Path]:
    """Site URL -> file of every asset (CSS, scripts, images, the logo): the site's copy over the built-in one.

    A symbolic link among them is followed only when it leads inside a theme folder or the site folder; one leading
    anywhere else is an error naming it (when problems are collected), so that nothing outside the site is published
    through a link (as with content/, see content.check_links).
    """
    layers = as_folders(templates)
    roots = tuple(folder.resolve() for folder in layers) + ((site_dir.resolve(),) if site_dir else ())
    found: dict[str, Path] = {}
    for folder in reversed(layers):
        found.update(_walk(folder / ASSETS, roots, site_dir, problems))
    return dict(sorted(found.items()))


def _walk(folder: Path, roots: tuple[Path, ...], site_dir: Path | None, problems: Problems | None) -> dict[str, Path]:
    """The files below one assets folder by URL, following only symbolic links that stay inside roots."""
    if not folder.is_dir():
        return {}
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
                    if problems is not None:
                        problems.warn(_shown(path, site_dir), None, "tautan simbolik ini menunjuk ke berkas yang tidak "
                                      "ada; dilewati.", "Hapus tautannya, atau ganti dengan berkas aslinya.")
                    continue
                if not any(target == root or root in target.parents for root in roots):
                    if problems is not None:
                        problems.error(_shown(path, site_dir), None, f"berkas tema ini adalah tautan simbolik ke "
                                       f"{target}, di luar folder situs; berkas di luar situs tidak diterbitkan.",
                                       "Salin berkas atau folder aslinya ke dalam templates/assets/ (bukan tautan), "
                                       "atau hapus tautannya.")
                    continue
            if item.is_dir():
                stack.append((path, rel + "/"))
            elif item.is_file():
                found[f"/{ASSETS}/{rel}"] = path
    return found


def _shown(path: Path, site_dir: Path | None) -> str:
    """A theme file as the messages name it: below the site folder when it is the site's own theme."""
    try:
        return path.relative_to(site_dir).as_posix() if site_dir else str(path)
    except ValueError:
        return str(path)


def sources(templates) -> dict[str, Path]:
    """Template name -> file, as the Jinja loader finds it (assets excluded); the built-in theme's templates also
    under 'tema/' when a site has its own copies."""
    layers = as_folders(templates)
    found = {name: path for name, path in files(layers).items() if not name.startswith(ASSETS + "/")}
    if len(layers) > 1:
        found.update({f"{BUILT_IN}/{name}": path for name, path in files(layers[-1:]).items()
                      if not name.startswith(ASSETS + "/")})
    return found
