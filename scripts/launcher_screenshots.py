"""The staff guide's pictures of the Linux launcher (docs/gambar/peluncur-*.png), from real runs in a real terminal.

`init` makes a fresh site folder from a copy of this checkout (as a clone would: the launcher installs the generator
from that copy, and its packages from PyPI), then `mulai-redaksi.sh` runs in xterm on a virtual X display (Xvfb) as
a double-click would start it, and the terminal window is photographed with ImageMagick's `import`:

- peluncur-tanpa-python.png: a run with no Python on the PATH (the message that says what to install);
- peluncur-persiapan.png: the first run's start (the environment is made, the generator being installed);
- peluncur-pertama.png: the same first run when it is ready (the end of the installation, then the addresses);
- peluncur-berikutnya.png: a later run, which starts in seconds.

pip runs as on a laptop: from PyPI, without this machine's pip configuration (PIP_CONFIG_FILE=/dev/null).
The browser the launcher opens is recorded, not started (BROWSER names a small script that writes the address to a
file): the desk itself is photographed by scripts/screenshots.py. The pictures of the python.org installer on
Windows and macOS cannot be made on Linux; the guide says in words what to click there.

Needs Debian's xvfb, xterm, x11-utils and imagemagick (`make screenshots-launcher` installs them when it can) and
the internet for the first run's packages; so it is not part of `make screenshots` or of the tests.

    python scripts/launcher_screenshots.py [--out docs/gambar] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.screenshots import ROOT, save  # noqa: E402  (the same palette PNG and size limit as the other pictures)

SHOTS = ("peluncur-tanpa-python", "peluncur-persiapan", "peluncur-pertama", "peluncur-berikutnya")
TOOLS = ("Xvfb", "xterm", "xwininfo", "import")
COLUMNS, ROWS = 106, 30
SHORT_ROWS = 10             # the message without Python is five lines
FONT = ("DejaVu Sans Mono", "11")
# The first run's start is photographed when pip has filled more than half the window (its first line still on top).
PREPARING_ROWS = 18
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
DESK_LINE = re.compile(r"Meja Redaksi \(menulis dan menyunting berita\): (http://127\.0\.0\.1:\d+/_redaksi/)")
FIRST_RUN_TIMEOUT = 900     # seconds: the first run downloads the generator's packages
LATER_RUN_TIMEOUT = 60
# What a double-click on a laptop would offer the launcher's shell: the usual folders, minus any with a Python.
NO_PYTHON_TOOLS = ("dirname",)


def names() -> list[str]:
    """Every file the script makes."""
    return [f"{shot}.png" for shot in SHOTS]


@dataclass
class Scratch:
    """The folders of one run: a copy of this checkout (the generator's source) and the new site made from it."""

    root: Path

    @property
    def source(self) -> Path:
        return self.root / "situs-kpu"

    @property
    def site(self) -> Path:
        return self.root / "situs-kpu-bantul"

    @property
    def opened(self) -> Path:
        return self.root / "peramban-dibuka.txt"


def copy_checkout(target: Path) -> None:
    """The files git tracks, as a fresh clone would have them (no .venv, no output, no caches)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, listed.decode("utf-8").split("\0")):
        source, copy = ROOT / rel, target / rel
        if source.exists() or source.is_symlink():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy, follow_symlinks=False)


def make_site(scratch: Scratch) -> None:
    copy_checkout(scratch.source)
    subprocess.run([sys.executable, "-m", "generator", "init", str(scratch.site), "--region", "Bantul",
                    "--level", "kabupaten", "--url", "https://kab-bantul.kpu.go.id/", "--zone", "WIB"],
                   cwd=scratch.source, check=True, stdout=subprocess.DEVNULL)
    browser = scratch.root / "peramban"
    browser.write_text(f"#!/bin/sh\necho \"$1\" >> '{scratch.opened}'\n", encoding="utf-8")
    browser.chmod(0o755)


class Display:
    """Xvfb on the first free display number, for as long as the `with` lasts."""

    def __enter__(self) -> "Display":
        read, write = os.pipe()
        self.server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten",
                                        "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as answer:
            self.name = ":" + answer.readline().strip()
        return self

    def __exit__(self, *exc) -> None:
        self.server.terminate()
        self.server.wait(timeout=10)


class Terminal:
    """The launcher running in xterm, its screen also written to a log file (through `script`) to know when to look."""

    def __init__(self, display: Display, scratch: Scratch, title: str, path: str, rows: int = ROWS):
        self.log = scratch.root / f"{title}.log"
        self.log.unlink(missing_ok=True)
        self.title = title
        env = dict(os.environ, DISPLAY=display.name, LANG="C.UTF-8", LC_ALL="C.UTF-8",
                   BROWSER=str(scratch.root / "peramban"))
        for machine_only in ("VIRTUAL_ENV", "PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
            env.pop(machine_only, None)
        env["PIP_CONFIG_FILE"] = os.devnull     # pip as on a laptop: PyPI, not this machine's mirrors or wheels
        command = ["/usr/bin/env", f"PATH={path}", "/usr/bin/script", "-q", "-f", str(self.log), "-c",
                   "./mulai-redaksi.sh"]
        self.process = subprocess.Popen(["xterm", "-title", title, "-geometry", f"{COLUMNS}x{rows}+0+0",
                                         "-fa", FONT[0], "-fs", FONT[1], "-bg", "black", "-fg", "#e8e8e8",
                                         "-bw", "0", "-b", "8", "+sb", "-u8", "-e", *command],
                                        cwd=scratch.site, env=env, start_new_session=True)
        self.env = env
        self.started = time.monotonic()

    def wait_for(self, pattern: re.Pattern, timeout: float) -> re.Match:
        return self.wait_until(pattern.search, pattern.pattern, timeout)

    def wait_until(self, test, what: str, timeout: float):
        """Whatever test(text written so far) returns first that is true."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
            found = test(text)
            if found:
                return found
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit(f"{self.title}: tidak muncul {what} dalam {timeout} detik.\nIsi layar:\n{text[-3000:]}")

    def photograph(self, target: Path, settle: float = 1.5) -> int:
        time.sleep(settle)  # let xterm draw the last lines
        png = subprocess.run(["import", "-window", self.title, "png:-"], env=self.env, capture_output=True,
                             check=True).stdout
        return save(png, target)

    def close(self, site: Path) -> None:
        """Close the window, as the staffer does: the terminal hangs up the launcher and the preview (SIGHUP to
        their process group; `script` in between would otherwise keep them alive), then xterm goes."""
        for group in launcher_groups(site):
            try:
                os.killpg(group, signal.SIGHUP)
            except ProcessLookupError:
                pass
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


def screen_rows(text: str) -> int:
    """How many rows of the window the text fills: progress bars redraw their row (\\r), long lines wrap."""
    rows = 0
    for line in text.split("\n"):
        shown = ANSI.sub("", line.rstrip("\r").rsplit("\r", 1)[-1])
        rows += max(1, -(-len(shown) // COLUMNS))
    return rows


def launcher_groups(site: Path) -> set[int]:
    """The process groups of the processes this script started in the site folder (the launcher and the preview)."""
    groups = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")) == site:
                groups.add(os.getpgid(int(entry.name)))
        except OSError:
            continue
    return groups


def desk_answers(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"Meja Redaksi tidak menjawab di {url}")
        time.sleep(0.5)


def stopped(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
        except OSError:
            return
        time.sleep(0.5)
    raise SystemExit(f"Pratinjau di {url} tetap berjalan sesudah jendelanya ditutup.")


def without_python(scratch: Scratch) -> str:
    """A PATH of the tools the launcher uses before it looks for Python, and no Python."""
    folder = scratch.root / "bin-tanpa-python"
    folder.mkdir(exist_ok=True)
    for tool in NO_PYTHON_TOOLS:
        found = shutil.which(tool, path="/usr/bin:/bin")
        if found and not (folder / tool).exists():
            (folder / tool).symlink_to(found)
    return str(folder)


def shoot_no_python(display: Display, scratch: Scratch, out: Path) -> None:
    terminal = Terminal(display, scratch, "peluncur-tanpa-python", without_python(scratch), SHORT_ROWS)
    try:
        terminal.wait_for(re.compile("Tekan Enter untuk menutup"), LATER_RUN_TIMEOUT)
        size = terminal.photograph(out / "peluncur-tanpa-python.png")
    finally:
        terminal.close(scratch.site)
    if (scratch.site / ".venv").exists():
        raise SystemExit("Peluncur tanpa Python ternyata membuat .venv.")
    print(f"peluncur-tanpa-python.png  {size // 1024} KB")


def shoot_run(display: Display, scratch: Scratch, run: str, wanted: dict[str, Path]) -> None:
    """One run of the launcher (peluncur-pertama or peluncur-berikutnya) up to its printed addresses, photographed
    where wanted (shot -> file); then its window is closed. The first run is also photographed while installing."""
    first = run == "peluncur-pertama"
    terminal = Terminal(display, scratch, run, os.environ.get("PATH", "/usr/bin:/bin"))
    try:
        if first and "peluncur-persiapan" in wanted:
            terminal.wait_until(lambda text: screen_rows(text) >= PREPARING_ROWS, f"{PREPARING_ROWS} baris",
                                FIRST_RUN_TIMEOUT)
            size = terminal.photograph(wanted["peluncur-persiapan"], settle=0.3)
            print(f"peluncur-persiapan.png  {size // 1024} KB")
        url = terminal.wait_for(DESK_LINE, FIRST_RUN_TIMEOUT if first else LATER_RUN_TIMEOUT).group(1)
        seconds = time.monotonic() - terminal.started
        desk_answers(url)
        size = terminal.photograph(wanted[run]) if run in wanted else 0
    finally:
        terminal.close(scratch.site)
    stopped(url)
    opened = scratch.opened.read_text(encoding="utf-8").split() if scratch.opened.exists() else []
    if url not in opened:
        raise SystemExit(f"Peluncur tidak membuka {url} di peramban (dibuka: {opened}).")
    print(f"{run}.png  {size // 1024} KB" if run in wanted else f"{run}: tanpa gambar",
          f"(alamat tercetak sesudah {seconds:.1f} detik)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ambil gambar layar peluncur Linux untuk panduan (docs/gambar/).")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "gambar", help="folder gambar (bawaan: docs/gambar)")
    parser.add_argument("--only", action="append", choices=SHOTS, help="hanya gambar ini (boleh diulang)")
    args = parser.parse_args(argv)
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        print(f"Tidak ada {', '.join(missing)}: pasang paket Debian xvfb xterm x11-utils imagemagick "
              "(atau jalankan make screenshots-launcher).", file=sys.stderr)
        return 2
    wanted = args.only or SHOTS
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kpu-peluncur-") as root, Display() as display:
        scratch = Scratch(Path(root))
        make_site(scratch)
        if "peluncur-tanpa-python" in wanted:
            shoot_no_python(display, scratch, args.out)
        files = {shot: args.out / f"{shot}.png" for shot in wanted}
        if set(wanted) - {"peluncur-tanpa-python"}:
            shoot_run(display, scratch, "peluncur-pertama", files)
        if "peluncur-berikutnya" in wanted:
            shoot_run(display, scratch, "peluncur-berikutnya", files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
