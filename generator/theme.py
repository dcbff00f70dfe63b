"""Where the theme is: the site's own templates/ layered over the built-in theme, file by file, and its assets."""

from __future__ import annotations

from pathlib import Path

THEME_DIR = Path(__file__).resolve().parent.parent / "templates"     # the project's own theme
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


def assets(templates) -> dict[str, Path]:
    """Site URL -> file of every asset (CSS, scripts, images, the logo): the site's copy over the built-in one."""
    return {f"/{name}": path for name, path in files(templates, ASSETS).items()}


def sources(templates) -> dict[str, Path]:
    """Template name -> file, as the Jinja loader finds it (assets excluded); the built-in theme's templates also
    under 'tema/' when a site has its own copies."""
    layers = as_folders(templates)
    found = {name: path for name, path in files(layers).items() if not name.startswith(ASSETS + "/")}
    if len(layers) > 1:
        found.update({f"{BUILT_IN}/{name}": path for name, path in files(layers[-1:]).items()
                      if not name.startswith(ASSETS + "/")})
    return found
