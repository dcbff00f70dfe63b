"""How the person started this command, so that every command a message prints works as printed: the installed
`situs-kpu`, `make TARGET SITE=…` from the generator's folder, or `python -m generator` with the interpreter that
is running now (by its full path when the plain name would start another Python)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SCRIPT = "situs-kpu"            # the console script pyproject.toml installs
MAKE_ENV = "SITUS_KPU_MAKE"     # the Makefile sets it to its folder when a make target runs the generator

# Make targets that run one subcommand; their extra arguments go in ARGS="…" (see the Makefile).
MAKE_TARGETS = frozenset({"serve", "build", "check", "new", "views", "publish", "import-wordpress"})


@dataclass(frozen=True)
class Invocation:
    kind: str                    # "script" | "make" | "module"
    program: str                 # what starts it, as typed: "situs-kpu", "python3", "/opt/py/bin/python3" (for make:
                                 # the venv's Python, for the subcommands that have no make target)
    cwd: Path                    # the folder the person typed it in
    windows: bool = False        # quote for cmd.exe instead of a POSIX shell


def current() -> Invocation:
    """The invocation of this process, from sys.argv[0], sys.executable, the Makefile's variable and the PATH."""
    windows = os.name == "nt"
    cwd = Path.cwd()
    if os.environ.get(MAKE_ENV):
        folder = Path(os.environ[MAKE_ENV])          # make runs in the Makefile's folder: .venv/bin/python there
        return Invocation("make", _site_text(Path(sys.executable), folder) or sys.executable, folder, windows)
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    if started.stem.removesuffix("-script") == SCRIPT:
        return Invocation("script", _typed(SCRIPT, started), cwd, windows)
    python = next((name for name in ("python3", "python") if _same(shutil.which(name), sys.executable)), None)
    return Invocation("module", python or sys.executable, cwd, windows)


def _typed(name: str, path: Path) -> str:
    """The plain name when it starts this very program from the PATH, else its full path."""
    return name if _same(shutil.which(name), str(path)) else str(path.resolve())


def _same(found: str | None, path: str) -> bool:
    if not found:
        return False
    try:
        return Path(found).resolve() == Path(path).resolve()
    except OSError:
        return False


def command(how: Invocation, subcommand: str, args: list[str] = (), site: Path | None = None) -> str:
    """The command line that runs `subcommand args` on `site` the way the person started this one: --site (or
    SITE=) only when the site is not the folder they are in, every argument quoted for their shell."""
    args = list(args)
    site_text = _site_text(site, how.cwd)
    if how.kind == "make" and subcommand in MAKE_TARGETS:
        words = ["make", subcommand]
        if site_text:
            words.append(f"SITE={_join([site_text], how.windows)}")
        if args:
            words.append(f"ARGS={_join([_join(args, how.windows)], how.windows)}")
        return " ".join(words)
    start = [how.program] if how.kind == "script" else [how.program, "-m", "generator"]
    return _join(start + [subcommand] + (["--site", site_text] if site_text else []) + args, how.windows)


def _site_text(site: Path | None, cwd: Path) -> str:
    """The site folder as the person can type it from cwd ("" when it is cwd): relative below cwd, else absolute."""
    if site is None:
        return ""
    site, cwd = Path(os.path.abspath(site)), Path(os.path.abspath(cwd))
    if site == cwd:
        return ""
    try:
        return str(site.relative_to(cwd))
    except ValueError:
        return str(site)


def _join(words: list[str], windows: bool) -> str:
    return subprocess.list2cmdline(words) if windows else shlex.join(words)
