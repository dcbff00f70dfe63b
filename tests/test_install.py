"""The package as a laptop gets it (issue 23): a wheel built from the clone, installed into a fresh virtual environment
outside it, then `situs-kpu init`, `build` and `serve` on a new folder through the installed command; and the Linux
launcher that init wrote, run for real with a fake browser. Needs PyPI (pip installs the pinned dependencies)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

INIT = ["--region", "Bantul", "--level", "kabupaten", "--url", "https://kab-bantul.kpu.go.id/", "--zone", "WIB"]


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=900, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the wheel, the bin folder of a fresh venv outside the clone with the wheel installed from it)."""
    scratch = tmp_path_factory.mktemp("install")
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-w",
                 scratch / "wheel", ROOT, cwd=scratch)
    assert built.returncode == 0, built.stderr
    wheel = next((scratch / "wheel").glob("situs_kpu-*.whl"))
    # the venv gets no pip of its own (ensurepip was a quarter of this fixture's CPU): this process's pip installs
    # into it (--python), the same files as the venv's own pip would; the launcher test runs a laptop's whole install
    venv.EnvBuilder(with_pip=False).create(scratch / "venv")
    bin_dir = scratch / "venv" / "bin"
    done = _run(sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--disable-pip-version-check",
                wheel, cwd=scratch)
    if done.returncode != 0 and "Could not find a version" in done.stderr + done.stdout:
        pytest.skip("PyPI is not reachable: the installed command cannot get its dependencies")
    assert done.returncode == 0, done.stderr
    return wheel, bin_dir


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str, seconds: float = 120) -> int:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _stop(process: subprocess.Popen, port: int | None = None) -> None:
    """The launcher stopped, and with port, its preview too: the preview outlives the launcher's shell while it shuts
    down, and a later test must find the port free."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 20
    while port is not None and _listening(port):
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        time.sleep(0.2)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_the_installed_command_makes_builds_and_serves_a_new_site_outside_the_clone(installed, tmp_path):
    wheel, bin_dir = installed
    command = bin_dir / "situs-kpu"
    site = tmp_path / "situs"
    made = _run(command, "init", site, *INIT, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert f"SOURCE='{wheel}'" in (site / "mulai-redaksi.sh").read_text(encoding="utf-8")    # what pip installed
    built = _run(command, "build", "--site", site, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    home = (site / "output/index.html").read_text(encoding="utf-8")
    assert "KPU Kabupaten Bantul" in home and (site / "output/assets/style.css").is_file()
    port = _free_port()
    server = subprocess.Popen([str(command), "serve", "--site", str(site), "--port", str(port)], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert _answers(f"http://127.0.0.1:{port}/") == 200
        assert _answers(f"http://127.0.0.1:{port}/_panduan/") == 200      # the staff guide, shipped in the package
    finally:
        _stop(server)
    help_text = _run(command, "--help").stdout
    for name in ("build", "serve", "new", "publish", "check", "views", "import-wordpress", "init"):
        assert name in help_text


def test_the_linux_launcher_installs_on_first_run_and_opens_the_browser(installed, tmp_path, port_8000):
    wheel, bin_dir = installed
    if "--open" not in _run(bin_dir / "situs-kpu", "serve", "--help").stdout:
        pytest.skip("serve --open comes with the preview's move to Starlette (branch asgi-preview)")
    site = tmp_path / "situs"
    assert _run(bin_dir / "situs-kpu", "init", site, *INIT, cwd=tmp_path).returncode == 0
    opened = tmp_path / "dibuka.txt"
    browser = tmp_path / "peramban"
    browser.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n', encoding="utf-8")
    browser.chmod(0o755)
    python_dir = tmp_path / "python"            # the laptop's Python: a plain interpreter, none of our packages
    python_dir.mkdir()
    (python_dir / "python3").symlink_to(getattr(sys, "_base_executable", sys.executable))
    env = {**os.environ, "BROWSER": f"{browser} %s", "PATH": f"{python_dir}{os.pathsep}/usr/bin:/bin"}
    env.pop("PYTHONPATH", None)
    launcher = subprocess.Popen(["sh", str(site / "mulai-redaksi.sh")], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while not opened.exists() and launcher.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert opened.exists(), launcher.stdout.read().decode() if launcher.poll() is not None else "no browser"
        url = opened.read_text(encoding="utf-8").strip()
        assert url.startswith("http://127.0.0.1:") and _answers(url) == 200
    finally:
        _stop(launcher, int(url.split(":")[2].split("/")[0]) if opened.exists() else None)
    assert (site / ".venv/bin/situs-kpu").is_file()

