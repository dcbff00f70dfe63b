"""Cold build of the 1,000-post corpus with spawned workers (as on Windows) against forked workers and against one
process (issue 23): `python benchmarks/workers.py [--runs N] [--no-search]`, also run by `make bench`.

Spawn is the Windows-like mode (SITUS_KPU_PLATFORM=windows: no fork, no flock); one process is Options(workers=1).
Target: spawn at most 1.25x fork's time, and clearly faster than one process on a machine with two or more cores.
Every mode's output is compared byte for byte with the fork build's."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ROOT, corpus, measure  # noqa: E402

MODES = {"fork": {}, "spawn": {"SITUS_KPU_PLATFORM": "windows"}, "one process": {}}     # mode -> extra environment
ONE = ("import sys; from pathlib import Path; from generator.build import build; from generator.options import Options\n"
       "build(Options(Path(sys.argv[1]), workers=1, search=sys.argv[2] == 'yes'))")


def command(mode: str, site: Path, search: bool) -> list[str]:
    python = ROOT / ".venv" / "bin" / "python"
    python = str(python if python.exists() else sys.executable)
    if mode == "one process":
        return [python, "-c", ONE, str(site), "yes" if search else "no"]
    return [python, "-m", "generator", "build", "--site", str(site), *([] if search else ["--no-search"])]


def digest(folder: Path) -> str:
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        total.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return total.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-search", dest="search", action="store_false")
    args = parser.parse_args(argv)
    site = corpus("p1000", 1000, 0)
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    outputs: dict[str, str] = {}
    for _run in range(args.runs):
        for mode, extra in MODES.items():          # interleaved: a busy moment hits every mode alike
            for folder in ("output", ".cache"):
                shutil.rmtree(site / folder, ignore_errors=True)
            env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
            times[mode].append(measure(command(mode, site, args.search), ROOT, env)["seconds"])
            outputs[mode] = digest(site / "output")
    median = {mode: statistics.median(values) for mode, values in times.items()}
    for mode, seconds in median.items():
        print(f"p1000 cold{'' if args.search else ' (--no-search)'} {mode:<12} {seconds:6.2f} s  (runs: "
              + ", ".join(f"{v:.2f}" for v in times[mode]) + ")")
    ratio = median["spawn"] / median["fork"]
    print(f"spawn/fork {ratio:.2f}x (<= 1.25x: {'yes' if ratio <= 1.25 else 'NO'}); spawn/one process "
          f"{median['spawn'] / median['one process']:.2f}x (cpus: {os.cpu_count()})")
    same = len(set(outputs.values())) == 1
    print(f"output byte-identical across modes: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
