"""The launchers init writes (issue 23, issue 25 item 5), run for real with /bin/sh on a site whose .venv already
holds the generator (the "later runs" path; the first run's install is test_install's): the preview launcher when
port 8000 is taken by another program opens the browser on the port it really got, and the Otomatis launcher runs
the unattended runner, with its arguments passed through (`otomatis.sh --once`, the line for cron)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from generator.newsite import launchers
from tests.conftest import ROOT, folder_publish, run_cli

pytestmark = pytest.mark.servers

INIT = ["--region", "Bantul", "--level", "kabupaten", "--url", "https://kab-bantul.kpu.go.id/", "--zone", "WIB"]


def _site_with_generator(tmp_path: Path) -> Path:
    """A site made by init whose .venv/bin/situs-kpu runs this clone's generator with this Python."""
    site = tmp_path / "situs kpu"
    made = run_cli("init", str(site), *INIT)
    assert made.code == 0, made.err
    command = site / ".venv" / "bin" / "situs-kpu"
    command.parent.mkdir(parents=True)
    command.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m generator "$@"\n', encoding="utf-8")
    command.chmod(0o755)
    return site


def _environment(tmp_path: Path, opened: Path) -> dict:
    browser = tmp_path / "peramban"
    browser.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n', encoding="utf-8")
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": f"{browser} %s"}
    env.pop("PYTHONPATH", None)
    return env


def _taken(port: int, wait: float = 30) -> socket.socket | None:
    """Hold port on 127.0.0.1 as another program would. A port held by another program (a preview an earlier test
    started, still shutting down) is waited for, lest it come free while the launcher starts; None when it stays
    held."""
    deadline = time.monotonic() + wait
    while True:
        holder = socket.socket()
        try:
            holder.bind(("127.0.0.1", port))
            holder.listen(1)
            return holder
        except OSError:
            holder.close()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
    return out


def test_the_preview_launcher_opens_the_browser_on_a_free_port_when_8000_is_taken(tmp_path, port_8000):
    site = _site_with_generator(tmp_path)
    opened = tmp_path / "dibuka.txt"
    holder = _taken(8000)             # another site's preview; held already when another program has it
    launcher = subprocess.Popen(["/bin/sh", str(site / launchers.LINUX)], cwd=tmp_path,
                                env=_environment(tmp_path, opened), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not opened.exists() and launcher.poll() is None and time.monotonic() < deadline:
            time.sleep(0.3)
        assert opened.exists(), "the browser was not opened"
        url = opened.read_text(encoding="utf-8").strip()
        assert url.startswith("http://127.0.0.1:") and not url.startswith("http://127.0.0.1:8000/"), url
        with urllib.request.urlopen(url.split("/_")[0] + "/", timeout=30) as response:
            assert response.status == 200 and "KPU Kabupaten Bantul" in response.read().decode("utf-8")
    finally:
        said = _stop(launcher)
        if holder:
            holder.close()
    port = url.split(":")[2].split("/")[0]
    assert "Porta 8000 sudah dipakai program lain" in said and f"memakai porta {port}." in said, said
    assert "Galat" not in said and "Traceback" not in said


def test_serve_without_free_port_still_refuses_a_taken_port(tmp_path):
    site = _site_with_generator(tmp_path)
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    try:
        run = run_cli("serve", "--site", str(site), "--port", str(holder.getsockname()[1]))
    finally:
        holder.close()
    assert run.code == 2 and "sudah dipakai program lain" in run.err and "Traceback" not in run.err


def test_the_otomatis_launcher_runs_the_unattended_runner_with_its_arguments(tmp_path):
    site = _site_with_generator(tmp_path)
    live = tmp_path / "tayang"
    with open(site / "config.yaml", "a", encoding="utf-8") as config:
        config.write(folder_publish(live) + "otomatis:\n  verify: 0\n")
    done = subprocess.run(["/bin/sh", str(site / launchers.OTOMATIS_LINUX), "--once"], cwd=tmp_path,
                          env=_environment(tmp_path, tmp_path / "dibuka.txt"), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Otomatis berjalan:")
    log = (site / ".cache" / "otomatis.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 1 and log[0] in done.stdout, (log, done.stdout)
    assert (site / launchers.OTOMATIS_LINUX).read_text(encoding="utf-8") == \
        (site / launchers.OTOMATIS_MACOS).read_text(encoding="utf-8")
    windows = (site / launchers.OTOMATIS_WINDOWS).read_bytes().decode("utf-8")
    assert '".venv\\Scripts\\situs-kpu.exe" otomatis --site . %*\r\n' in windows
    assert 'if errorlevel 1 if "%~1"=="" pause\r\n' in windows     # a scheduled --once never waits for a key
