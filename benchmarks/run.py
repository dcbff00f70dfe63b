"""`make bench`: our build timed against Hugo and Pelican on the same corpora, in the same run.

Cold full build, no-op rebuild, rebuild after editing one post, and peak memory, as medians over
--runs runs (3 by default; --quick: small corpora, one run), for the work a user of each tool really does:
our build with its search index ("ours") and without it ("ours-nosearch"), Hugo followed by the Pagefind
CLI over its output ("hugo+pagefind"), Hugo alone (with and without related posts) and Pelican. Corpora come from
../shared/bench/make_corpus.py and live in .bench/ (git-ignored) with the peers' environment
(.bench/venv, from benchmarks/requirements.txt). Results: a table on stdout and .bench/results.json.
With ours measured it also times import-wordpress on a 5,000-post export (benchmarks/wordpress_import.py).

Peak memory is the highest sum of PSS over the build's whole process tree (our worker processes
included), sampled from /proc every 50 ms, or less often when a sample is slow (sampling takes at most a tenth of
a core); "max RSS" is the largest single process (wait4's ru_maxrss). "cold CPU"
is the cold build's user + system seconds, its waited-for children (worker processes, Pagefind) included: on a
machine shared with other work, wall times swing with its load and CPU seconds much less.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
SCRATCH = ROOT / ".bench"
PEER_VENV = SCRATCH / "venv"
CONFIG = """site:
  title: KPU Provinsi Kalimantan Utara
  base_url: https://kaltara.kpu.go.id/
  language: id
  timezone: Asia/Makassar
"""
# (corpora, measure, ours, peer, at most): issue 4 (our build without search against Hugo) and issue 11 (the build
# staff publish, with its search index, against Hugo followed by Pagefind; the no-op against Hugo's cold build).
TARGETS = [(("p5000",), "cold", "ours-nosearch", "hugo", 1.5),
           (("p5000",), "no-op", "ours-nosearch", "hugo", 0.1),
           (("p5000",), "one edit", "ours-nosearch", "hugo", 0.15),
           (("p5000",), "memory", "ours-nosearch", "hugo", 0.5),
           (("p5000",), "one edit", "ours", "hugo+pagefind", 0.15),
           (("p5000",), "cold", "ours", "hugo+pagefind", 1.0),
           (("p1000", "p5000"), "no-op", "ours", "hugo cold", 0.1),
           (("p5000",), "memory", "ours", "hugo+pagefind", 0.5)]


def make_corpus_script() -> Path:
    for candidate in (ROOT.parent / "shared" / "bench" / "make_corpus.py", Path("/work/shared/bench/make_corpus.py")):
        if candidate.is_file():
            return candidate
    sys.exit("make_corpus.py tidak ditemukan (../shared/bench/make_corpus.py).")


def peer_env() -> Path:
    """The peers' own environment, created once from benchmarks/requirements.txt."""
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / ".installed"
    # The folder is part of the stamp: a virtual environment's scripts name their interpreter by absolute path,
    # so one copied or moved from elsewhere is made again.
    wanted = f"# {PEER_VENV.resolve()}\n" + (HERE / "requirements.txt").read_text()
    if not stamp.is_file() or stamp.read_text() != wanted:
        if not python.exists() or not stamp.is_file() or not stamp.read_text().startswith(wanted.split("\n")[0]):
            venv.create(PEER_VENV, with_pip=True, clear=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(HERE / "requirements.txt")], check=True)
        stamp.write_text(wanted)
    return PEER_VENV


def corpus(name: str, posts: int, images: int) -> Path:
    folder = SCRATCH / "corpora" / name
    stamp = folder / ".made"
    if not stamp.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, str(make_corpus_script()), str(folder), "--posts", str(posts),
                        "--images", str(images), "-q"], check=True)
        (folder / "config.yaml").write_text(CONFIG)
        stamp.write_text("ok")
    return folder


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total * 1024


# Memory samples: every 50 ms, or less often when a sample itself is slow. Reading a process's PSS makes the kernel
# walk its page tables (10 ms for a 500 MB process, and our build's worker processes each map the parent's pages):
# sampling every 50 ms regardless took up to half a core of this 2-core machine from the build being measured.
SAMPLE_EVERY = 0.05
SAMPLER_SHARE = 10      # the pause after a sample is at least this many times what the sample took


def measure(command: list[str], cwd: Path, env: dict) -> dict:
    """Run command once: wall seconds, CPU seconds (user + system, with its children), peak PSS of its process tree
    and max RSS, in bytes. A thread waits for the exit, so the time is the exit's own, not the next memory sample's
    (sampling every 50 ms and timing the sample that saw the exit added up to 50 ms to every run)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ended: dict = {}
    done = threading.Event()

    def wait() -> None:
        _, ended["status"], ended["usage"] = os.wait4(process.pid, 0)
        ended["seconds"] = time.perf_counter() - started
        done.set()

    threading.Thread(target=wait, daemon=True).start()
    peak = 0
    while True:
        began = time.perf_counter()
        peak = max(peak, _pss(_tree(process.pid)))
        if done.wait(max(SAMPLE_EVERY, (time.perf_counter() - began) * SAMPLER_SHARE)):
            break
    process.returncode = os.waitstatus_to_exitcode(ended["status"])
    error = process.stderr.read().decode(errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} gagal ({process.returncode}):\n{error[-2000:]}")
    usage = ended["usage"]
    return {"seconds": ended["seconds"], "cpu": usage.ru_utime + usage.ru_stime, "pss": peak,
            "maxrss": usage.ru_maxrss * 1024}


def _clean_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)    # a user's Python keeps its bytecode; so do the peers'
    return env


class Ours:
    """Our build as staff publish it, with its search index ("ours"), and without it ("ours-nosearch", --no-search),
    to compare with Hugo and Pelican, which build none."""

    def __init__(self, site: Path, search: bool = True):
        self.site, self.search = site, search
        self.name = "ours" if search else "ours-nosearch"

    def clean(self) -> None:
        for folder in ("output", ".cache"):
            shutil.rmtree(self.site / folder, ignore_errors=True)

    def run(self) -> dict:
        python = ROOT / ".venv" / "bin" / "python"
        return measure([str(python if python.exists() else sys.executable), "-m", "generator", "build",
                        *([] if self.search else ["--no-search"]), "--site", str(self.site)], ROOT, _clean_env())


class Hugo:
    """Hugo with the theme in benchmarks/hugo. Its related posts (site.RegularPages.Related) compare every post
    with every post sharing a tag, which grows with the square of the site; "hugo-norel" leaves that block
    out, to show Hugo's speed without it (ours bounds the search to 24 neighbours per tag)."""

    name = "hugo"

    def __init__(self, site: Path, related: bool = True):
        self.content = site / "content"
        self.related = related
        self.name = "hugo" if related else "hugo-norel"
        self.home = SCRATCH / f"{self.name}-{site.name}"
        self.binary = next((PEER_VENV / "lib").glob("python*/site-packages/hugo/binaries/hugo"))

    def clean(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)
        shutil.copytree(HERE / "hugo", self.home)
        if not self.related:
            single = self.home / "layouts" / "_default" / "single.html"
            single.write_text("".join(line for line in single.read_text().splitlines(True) if "Related" not in line))

    def run(self) -> dict:
        return measure([str(self.binary), "--quiet", "--source", str(self.home), "--contentDir", str(self.content),
                        "--destination", str(self.home / "public"), "--cacheDir", str(self.home / "cache")],
                       self.home, _clean_env())


class HugoPagefind(Hugo):
    """What a Hugo site with search publishes: Hugo's build, then the Pagefind CLI over its output (the theme marks
    the post's article with data-pagefind-body, as ours does). Pagefind indexes the whole site on every build."""

    def __init__(self, site: Path):
        super().__init__(site)
        self.name = "hugo+pagefind"
        self.home = SCRATCH / f"hugo-pagefind-{site.name}"

    def run(self) -> dict:
        sys.path.insert(0, str(ROOT))
        try:
            from generator.render.search import executable  # noqa: PLC0415 (the Pagefind program our build uses)
        finally:
            sys.path.remove(str(ROOT))
        binary = executable()
        if binary is None:
            raise SystemExit("Pagefind tidak ditemukan: jalankan `make bench` (memasang requirements.txt).")
        hugo = super().run()
        pagefind = measure([str(binary), "--site", str(self.home / "public"), "--silent"], self.home, _clean_env())
        return {"seconds": hugo["seconds"] + pagefind["seconds"], "cpu": hugo["cpu"] + pagefind["cpu"],
                "pss": max(hugo["pss"], pagefind["pss"]),
                "maxrss": max(hugo["maxrss"], pagefind["maxrss"]), "hugo": hugo["seconds"],
                "pagefind": pagefind["seconds"]}


class Pelican:
    name = "pelican"

    def __init__(self, site: Path):
        self.content = site / "content"
        self.home = SCRATCH / f"pelican-{site.name}"

    def clean(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)
        self.home.mkdir(parents=True)

    def run(self) -> dict:
        env = {**_clean_env(), "BENCH_CONTENT": str(self.content), "BENCH_CACHE": str(self.home / "cache")}
        return measure([str(PEER_VENV / "bin" / "pelican"), "-s", str(HERE / "pelican" / "pelicanconf.py"),
                        "-o", str(self.home / "output"), "-q"], HERE / "pelican", env)


def edit_one_post(site: Path, number: int) -> None:
    """Append a sentence to the body of one post (the middle one), as a staff member would."""
    posts = sorted((site / "content" / "posts").glob("*/*/index.md"))
    target = posts[len(posts) // 2]
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(f"\nKalimat tambahan nomor {number} untuk uji kecepatan.\n")


def scenarios(tool, site: Path, runs: int, counter: list[int]) -> dict:
    """cold, no-op and one-edit builds, each repeated runs times; returns lists of measurements."""
    out = {"cold": [], "no-op": [], "one edit": []}
    for _ in range(runs):
        tool.clean()
        out["cold"].append(tool.run())
        out["no-op"].append(tool.run())
        counter[0] += 1
        edit_one_post(site, counter[0])
        out["one edit"].append(tool.run())
        print(f"  {tool.name:<8} {site.name:<10} cold {out['cold'][-1]['seconds']:6.2f} s  no-op "
              f"{out['no-op'][-1]['seconds']:6.2f} s  edit {out['one edit'][-1]['seconds']:6.2f} s", file=sys.stderr)
    return out


def preview_reload(site: Path, runs: int, hugo_home: Path | None) -> dict[str, list[float]]:
    """The preview server after a one-post edit (a sentence appended, as in the one-edit build): seconds from saving
    to our live-reload event, and from saving to the served page showing the sentence, ours and Hugo's server."""
    sys.path.insert(0, str(HERE))
    try:
        import reload_latency  # noqa: PLC0415
    finally:
        sys.path.remove(str(HERE))
    python = ROOT / ".venv" / "bin" / "python"
    python = python if python.exists() else Path(sys.executable)
    edits = max(runs, 5)
    out = {"ours event": reload_latency.samples(site, edits=edits, python=python),
           "ours page": reload_latency.ours_page(python, site, edits)}
    if hugo_home is not None and hugo_home.is_dir():
        binary = next((PEER_VENV / "lib").glob("python*/site-packages/hugo/binaries/hugo"))
        out["hugo page"] = reload_latency.hugo_page(binary, hugo_home, site, edits)
    return out


def median(values: list[dict], key: str) -> float:
    return statistics.median(v[key] for v in values)


TOOLS = ["ours", "ours-nosearch", "hugo+pagefind", "hugo", "hugo-norel", "pelican"]
RATIOS = [("ours", "hugo+pagefind"), ("ours-nosearch", "hugo"), ("ours-nosearch", "hugo-norel"),
          ("ours-nosearch", "pelican")]
ROWS = [("cold", "seconds", "cold"), ("no-op", "seconds", "no-op"), ("one edit", "seconds", "one edit"),
        ("cold", "cpu", "cold CPU"), ("cold", "pss", "memory")]


def medians(by_tool: dict) -> dict[str, dict[str, float]]:
    """label -> tool -> median; "hugo cold" is Hugo's cold build, the yardstick of our no-op."""
    out = {label: {tool: median(runs[scenario], key) for tool, runs in by_tool.items() if runs.get(scenario)}
           for scenario, key, label in ROWS}
    if "hugo" in out["cold"]:
        out["no-op"]["hugo cold"] = out["cold"]["hugo"]
    return out


def table(results: dict) -> str:
    short = {"ours-nosearch": "ours-ns", "hugo+pagefind": "hugo+pf"}
    lines = [f"{'corpus':<10}{'measure':<10}" + "".join(f"{short.get(t, t):>11}" for t in TOOLS)
             + "".join(f"{short.get(a, a) + '/' + short.get(b, b):>20}" for a, b in RATIOS)]
    for corpus_name, by_tool in results.items():
        values = medians(by_tool)
        for _scenario, key, label in ROWS:
            row = values[label]
            shown = {t: (f"{v / 2**20:.0f} MiB" if key == "pss" else f"{v:.2f} s") for t, v in row.items()}
            ratio = {(a, b): f"{row[a] / row[b]:.2f}x" for a, b in RATIOS if row.get(a) and row.get(b)}
            lines.append(f"{corpus_name:<10}{label:<10}" + "".join(f"{shown.get(t, '-'):>11}" for t in TOOLS)
                         + "".join(f"{ratio.get(pair, '-'):>20}" for pair in RATIOS))
    lines.append("")
    lines.append("Target (issue 4: ours-ns against Hugo; issue 11: ours with search against Hugo + Pagefind):")
    for corpora, label, ours, peer, limit in TARGETS:
        for corpus_name in corpora:
            row = medians(results[corpus_name])[label] if corpus_name in results else {}
            if row.get(ours) and row.get(peer):
                ratio = row[ours] / row[peer]
                lines.append(f"  {corpus_name:<7}{label:<10}{ours}/{peer}: {ratio:.2f}x (<= {limit}x: "
                             f"{'yes' if ratio <= limit else 'NO'})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small corpora, one run (for development)")
    parser.add_argument("--runs", type=int, help="runs per measure (default 3; 1 with --quick)")
    parser.add_argument("--photo-posts", type=int, default=200,
                        help="posts of the photo corpus, 6 photos each (default 200; fewer on a slow machine)")
    parser.add_argument("--photo-runs", type=int, help="runs of the photo case (default: as --runs)")
    parser.add_argument("--pelican-up-to", type=int, default=10**9, metavar="POSTS",
                        help="leave Pelican out of corpora with more posts (it is the slow peer; targets are against Hugo)")
    parser.add_argument("--only", choices=[*TOOLS, "views", "verify"], action="append",
                        help="measure only these (views: counting page views in a generated access log; verify: "
                             "benchmarks/verify.py, verify over SFTP behind 40 ms against rsync --checksum, and "
                             "verify --http; with --no-publish to run that section alone)")
    parser.add_argument("--corpus", action="append", metavar="NAME",
                        help="measure only these corpora (p1000, p5000, ph200x6; p300, ph20x6 with --quick)")
    parser.add_argument("--no-publish", dest="publish", action="store_false",
                        help="leave out the publish section (benchmarks/publish.py: SFTP behind 40 ms against rsync)")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    tools = args.only or [*TOOLS, "views", "verify"]
    SCRATCH.mkdir(exist_ok=True)
    if set(tools) - {"ours", "ours-nosearch", "views", "verify"}:
        peer_env()
    plan = ([("p300", 300, 0, True), ("ph20x6", 20, 6, False)] if args.quick else
            [("p1000", 1000, 0, True), ("p5000", 5000, 0, True), (f"ph{args.photo_posts}x6", args.photo_posts, 6, False)])
    if not set(tools) - {"views", "verify"}:
        plan = []
    results: dict = {}
    reload: dict = {}
    counter = [0]
    plan = [case for case in plan if not args.corpus or case[0] in args.corpus]
    for name, posts, images, with_pelican in plan:
        site = corpus(name, posts, images)
        by_tool = {}
        for tool_name in (t for t in tools if t not in ("views", "verify")):
            if tool_name == "pelican" and (not with_pelican or posts > args.pelican_up_to):
                continue        # Pelican makes no resized photos: the photo case is ours against Hugo
            if tool_name in ("hugo-norel", "hugo+pagefind", "ours") and images:
                continue        # the photo case measures photos: ours without search against Hugo alone
            tool = {"ours": lambda s: Ours(s), "ours-nosearch": lambda s: Ours(s, search=False), "hugo": Hugo,
                    "hugo-norel": lambda s: Hugo(s, related=False), "hugo+pagefind": HugoPagefind,
                    "pelican": Pelican}[tool_name](site)
            by_tool[tool_name] = scenarios(tool, site, runs if images == 0 else (args.photo_runs or runs), counter)
        results[name] = by_tool
        if {"ours", "ours-nosearch"} & set(tools) and images == 0:
            hugo_home = Hugo(site).home if "hugo" in tools else None
            reload[name] = preview_reload(site, runs, hugo_home)
    text = table(results)
    print(text)
    imported = None
    if {"ours", "ours-nosearch"} & set(tools):   # issue 12: a 5,000-post WordPress export with 30,000 attachments, imported twice
        sys.path.insert(0, str(HERE))
        import wordpress_import

        imported = wordpress_import.measure(500 if args.quick else 5000)
        print(wordpress_import.line(imported))
    for name, found in reload.items():
        medians = {what: statistics.median(seconds) for what, seconds in found.items()}
        line = ", ".join(f"{what} {value * 1000:.0f} ms" for what, value in medians.items())
        if "hugo page" in medians:
            line += f"; ours/hugo (page) {medians['ours page'] / medians['hugo page']:.2f}x (target <= 1x)"
        print(f"{name}: pratinjau, median dari simpan sampai: {line}")
    views = None
    if "views" in tools:
        sys.path.insert(0, str(HERE))
        import views_log  # noqa: PLC0415

        views = views_log.measure(corpus("p1000", 1000, 0), 1_000_000, SCRATCH)
        print(views_log.line(views))
    (SCRATCH / "results.json").write_text(json.dumps(
        {"runs": runs, "quick": args.quick, "cpus": os.cpu_count(), "results": results, "reload": reload,
         "views": views, "wordpress_import": imported, "table": text}, indent=1))
    print(f"\nHasil lengkap: {SCRATCH / 'results.json'}")
    if args.publish:
        import publish

        # the first of several runs is the slowest (a cold server and page cache): the median of 3
        publish.main(["--posts", "300"] if args.quick else ["--runs", "3"])
    if "verify" in tools:       # issue 25: verify over SFTP behind 40 ms against rsync --checksum; verify --http
        sys.path.insert(0, str(HERE))
        import verify  # noqa: PLC0415

        verify.main(["--posts", "300", "--runs", "1"] if args.quick else ["--runs", "3"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
