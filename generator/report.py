"""Problems found while building: plain values collected across the whole build and reported together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the site's files, said in words a non-programmer can act on."""

    path: str
    line: int | None
    message: str
    fix: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
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
