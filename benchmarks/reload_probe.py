"""Adapter for `make bench` (benchmarks/run.py): measure(python, site, runs) -> seconds per edit."""

from __future__ import annotations

from pathlib import Path

from reload_latency import samples


def measure(python: str | Path, site: Path, runs: int) -> list[float]:
    return samples(site, edits=max(runs, 5), python=python)
