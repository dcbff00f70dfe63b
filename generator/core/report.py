"""Problems found while building: plain values collected across the whole build and reported together."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.core.system import shown


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the site's files, said in words a non-programmer can act on."""

    path: str               # with "/" as the site names it; shown with the system's separator (system.shown)
    line: int | None
    message: str
    fix: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f"{shown(self.path)}:{self.line}" if self.line else shown(self.path)
        kind = "peringatan: " if self.warning else ""
        text = f"{where}: {kind}{self.message}"
        return f"{text} {self.fix}" if self.fix else text


class Problems(list):
    """The build's list of problems; errors stop the build, warnings do not."""

    def error(self, path: str | Path, line: int | None, message: str, fix: str = "") -> None:
        self.append(Problem(str(path), line, message, fix))

    def warn(self, path: str | Path, line: int | None, message: str, fix: str = "") -> None:
        self.append(Problem(str(path), line, message, fix, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.warning]


class BuildFailed(Exception):
    """Raised by the build when the site has errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len([p for p in problems if not p.warning])} kesalahan")
        self.problems = problems


class InternalError(Exception):
    """An unexpected error inside the generator (a bug, not the site's fault), with the file it was processing."""

    def __init__(self, path: str, detail: str):
        super().__init__(path, detail)      # both in args: it crosses from worker processes pickled
        self.path, self.detail = path, detail

    def __str__(self) -> str:
        return f"{shown(self.path)}: {self.detail}"


@contextmanager
def processing(path: str | Path):
    """Name the file being processed on any unexpected error raised inside (errors the build expects, problems and
    Ctrl-C pass through as they are)."""
    try:
        yield
    except (BuildFailed, InternalError):
        raise
    except Exception as err:
        raise InternalError(str(path), f"{type(err).__name__}: {err}") from err


def naming(path_of):
    """Decorate a function of one item so that an unexpected error in it names path_of(item) (see processing)."""

    def wrap(function):
        def named(item):
            with processing(path_of(item)):
                return function(item)
        return named
    return wrap
