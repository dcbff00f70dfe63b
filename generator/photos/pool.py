"""The photo jobs run in a process pool (or in this process when there is little work), with the progress line."""

from __future__ import annotations

import time

from generator.core import parallel
from generator.core import progress as terminal
from generator.photos import imaging


def run(jobs: list[imaging.Job], tags: list, workers: int, progress):
    """Yield (tag, error) for each job, in a process pool when there is enough work; report progress."""
    if progress is None:
        progress = Progress(len(jobs)) if jobs and terminal.on_terminal() else None
    if workers <= 1 or len(jobs) < 2:
        for job, tag in zip(jobs, tags):
            error = imaging.make(job)
            if progress:
                progress.step()
            yield tag, error
    else:
        from concurrent.futures import as_completed     # here: a build with few photos to make starts no pool
        from concurrent.futures.process import BrokenProcessPool

        results: dict[int, str] = {}
        try:
            with parallel.executor(min(workers, len(jobs))) as pool:
                futures = {pool.submit(imaging.make, job): n for n, job in enumerate(jobs)}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    if progress:
                        progress.step()
        except BrokenProcessPool:
            for n in range(len(jobs)):
                results.setdefault(n, "pengolah foto berhenti mendadak (mungkin kehabisan memori)")
        for n, tag in enumerate(tags):
            yield tag, results[n]
    if progress:
        progress.done()


class Progress:
    """'Foto 120/1200 · sisa ±0:45' on one terminal line, redrawn at most ten times a second."""

    def __init__(self, total: int, stream=None):
        self.total, self.count, self.line = total, 0, terminal.Line(stream)
        self.started = time.monotonic()

    def step(self) -> None:
        self.count += 1
        left = terminal.remaining(self.started, time.monotonic(), self.count, self.total)
        self.line.show(f"Foto [{terminal.bar(self.count, self.total, 20)}] {self.count}/{self.total} · sisa ±{left} ",
                       last=self.count == self.total)

    def done(self) -> None:
        self.line.end()
