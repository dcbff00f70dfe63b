"""What one build is asked to do and what it reports: the options, the build's shared context, the result."""

from __future__ import annotations

import datetime as dt
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core import racy
from generator.core.parallel import default_workers
from generator.core.report import Problem, Problems
from generator.render.writer import WriteReport

if TYPE_CHECKING:     # the config module (and PyYAML) is imported only by builds that read the config
    from generator.model.config import Config


@dataclass(frozen=True)
class Options:
    site_dir: Path
    output_dir: Path | None = None
    drafts: bool = False
    future: bool = False
    now: dt.datetime | None = None
    workers: int = field(default_factory=default_workers)
    force: bool = False             # build into a folder holding files this site did not write (never deletes them)
    progress: bool = False          # a progress line on stderr (the command line sets it only on a terminal)
    search: bool = True             # make the search index again when pages changed (the preview's rebuilds skip it)
    cache: Path | None = None       # the build cache; default SITE/.cache
    lock_wait: float | None = None  # seconds to wait for another build of the site to finish (default lock.WAIT)
    on_wait: object = None          # called with the other build's process id when this one has to wait
    locked: bool = False            # the caller holds the site's build lock already (publish, until its upload ends)
    verify: bool = False            # compare every source, photo and template by content, not by size and time
    preview: bool = False           # the preview server's builds: drafts shown, each marked DRAF on its page and
                                    # counted on the home page (session.preview_options; never the build command)
    racy_clock: racy.Clock = field(default_factory=racy.Clock)  # what "modified moments ago" is judged against
                                    # (racy.Clock: the system's clock; tests pass one they move forward)

    @property
    def output(self) -> Path:
        return self.output_dir or self.site_dir / "output"

    @property
    def cache_dir(self) -> Path:
        return self.cache or self.site_dir / ".cache"

    @property
    def content_dir(self) -> Path:
        return self.site_dir / "content"

    def moment(self) -> dt.datetime:
        """The build's "now": the one given (tests, previews of a date), else the clock's, in UTC."""
        return self.now or dt.datetime.now(dt.timezone.utc)


class Clock:
    """Seconds per named stage of one build, for --verbose."""

    def __init__(self):
        self.stages: list[tuple[str, float]] = []

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages.append((name, time.perf_counter() - started))


@dataclass
class Context:
    """What every stage of one build shares, handed over as one value instead of a long list of parameters."""

    options: Options
    config: Config
    config_key: str                 # hash of config.yaml's bytes: what every cached thing was made under
    templates: tuple[Path, ...]     # the template folders, the site's own first (theme.folders)
    problems: Problems = field(default_factory=Problems)
    clock: Clock = field(default_factory=Clock)


@dataclass(frozen=True)
class Result:
    warnings: list[Problem]
    pages: int
    report: WriteReport
    photos_made: int
    photos_reused: int
    seconds: float
    rendered: int = 0
    stages: tuple = ()              # (stage name, seconds), for --verbose

    def summary(self) -> str:
        return (f"{self.pages} halaman ({self.rendered} dibuat ulang); {self.report.written} berkas ditulis, "
                f"{self.report.unchanged} tidak berubah, {self.report.removed} dihapus; foto: {self.photos_made} "
                f"diolah, {self.photos_reused} dipakai ulang; {self.seconds:.2f} detik")
