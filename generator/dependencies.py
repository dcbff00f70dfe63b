"""Before anything else runs: are the packages the generator needs importable by this Python? If not, one
Indonesian sentence says how to set them up, instead of an import error or "Galat internal" half-way through."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

from generator.core.resources import PACKAGE_DIR

# Distribution (as pinned in pyproject.toml and requirements.txt) -> the module it installs. tests/test_install.py
# checks that every runtime dependency of pyproject.toml is here.
MODULES = {
    "Jinja2": "jinja2", "MarkupSafe": "markupsafe", "Markdown": "markdown", "PyYAML": "yaml", "watchdog": "watchdog",
    "pillow": "PIL", "babel": "babel", "anyascii": "anyascii", "crawlerdetect": "crawlerdetect", "cbor2": "cbor2",
    "asyncssh": "asyncssh", "cryptography": "cryptography", "lxml": "lxml", "markdownify": "markdownify",
    "beautifulsoup4": "bs4", "soupsieve": "soupsieve", "six": "six", "typing_extensions": "typing_extensions",
    "pillow-heif": "pillow_heif", "pypdf": "pypdf", "starlette": "starlette", "uvicorn": "uvicorn",
    "python-multipart": "python_multipart", "anyio": "anyio", "h11": "h11", "click": "click", "idna": "idna",
}
# Declared too, but not checked at start: without Pagefind the build goes on and warns that /cari/ has no index
# (search.HELP), as it always did.
OPTIONAL = {"pagefind": "pagefind"}


def missing(modules: dict[str, str] = MODULES) -> list[str]:
    """The distributions whose module this Python cannot import, in the order of `modules`."""
    return [name for name, module in modules.items() if importlib.util.find_spec(module) is None]


def message(absent: list[str], python: str, clone: Path | None, make: bool, windows: bool) -> str:
    """The one sentence for a Python without the generator's packages: `absent` are the missing distributions (as
    pinned, NAME==VERSION, when known), `clone` is the generator's folder when this runs from a clone (None when
    installed), `make` whether make can set it up there."""
    names = ", ".join(name.split("==")[0] for name in absent[:4]) + (", …" if len(absent) > 4 else "")
    head = f"Galat: Python ini ({python}) belum punya paket yang dibutuhkan generator ({names});"
    if clone is None:
        return f"{head} pasang dengan `{python} -m pip install {' '.join(absent)}`."
    if make:
        return (f"{head} siapkan sekali dengan `make build` di folder {clone}, lalu jalankan perintahnya lewat make "
                f"atau dengan `{clone / '.venv' / 'bin' / 'python'} -m generator …`.")
    venv_python = Path(".venv") / ("Scripts" if windows else "bin") / "python"
    return (f"{head} siapkan sekali di folder {clone} dengan `{'py -3' if windows else 'python3'} -m venv .venv` "
            f"lalu `{venv_python} -m pip install -e .`, dan sesudah itu jalankan `{venv_python} -m generator …` "
            "(atau klik dua kali peluncur \"Mulai Redaksi\" di folder situs).")


def check() -> str | None:
    """The message when something is missing for this process, else None."""
    absent = missing()
    if not absent:
        return None
    clone = PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").is_file() else None
    if clone is None:
        absent = _pinned(absent)
    make = clone is not None and (clone / "Makefile").is_file() and shutil.which("make") is not None
    return message(absent, sys.executable, clone, make, os.name == "nt")


def _pinned(absent: list[str]) -> list[str]:
    """The missing distributions as the installed package pins them (NAME==VERSION), from its metadata."""
    from importlib import metadata

    try:
        pins = {req.split("==")[0].split("[")[0].strip().lower(): req.split(";")[0].strip()
                for req in metadata.requires("situs-kpu") or [] if "extra ==" not in req}
    except metadata.PackageNotFoundError:
        return absent
    return [pins.get(name.lower(), name) for name in absent]
