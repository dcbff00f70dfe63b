"""The double-click launchers `init` puts in a site folder: Windows (.cmd), macOS (.command) and Linux (.sh), two of
each: "Mulai Redaksi" starts the preview with the desk in the browser (`situs-kpu serve --site . --open --free-port`:
on the next free port when another site's preview has 8000), "Otomatis" starts the unattended runner
(`situs-kpu otomatis --site .`; arguments pass through, so `otomatis.sh --once` is the line for cron).

The first run of either makes a virtual environment in the site folder (.venv) with the system's Python (`py -3`,
then `python`, on Windows) and installs the generator into it; later runs start straight away. Where the generator
is installed from: a wheel (situs_kpu-*.whl) lying in the site folder if there is one (a site copied to another
laptop brings it along), else the source recorded when init ran (the generator's folder or the wheel it was installed
from). The first run needs the internet for the generator's own packages (Pillow, lxml, …) from PyPI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from generator.core.resources import PACKAGE_DIR

WINDOWS = "Mulai Redaksi.cmd"
MACOS = "Mulai Redaksi.command"
LINUX = "mulai-redaksi.sh"
OTOMATIS_WINDOWS = "Otomatis.cmd"
OTOMATIS_MACOS = "Otomatis.command"
OTOMATIS_LINUX = "otomatis.sh"
EXECUTABLE = frozenset({MACOS, LINUX, OTOMATIS_MACOS, OTOMATIS_LINUX})
MINIMUM = (3, 11)

# What to install where, by system (the POSIX launcher serves macOS and Linux and asks `uname`).
MACOS_HINT = "Di macOS: buka berkas .pkg yang diunduh dan ikuti langkahnya sampai selesai."
LINUX_HINT = "Di Linux: pasang paket python3 dan python3-venv (misalnya: sudo apt install python3-venv)."
NO_SOURCE = ("Generator tidak ditemukan di {source}: folder situs ini dibuat di komputer lain, atau generatornya "
             "dipindah. Salin berkas situs_kpu-...whl (minta ke rekan atau petugas IT) ke folder situs ini, lalu "
             "klik dua kali berkas ini lagi.")
NO_PYTHON = ("Python {version} atau yang lebih baru belum terpasang di komputer ini.",
             "Unduh Python dari https://www.python.org/downloads/ lalu pasang.",
             "{hint}",
             "Sesudah itu klik dua kali berkas ini lagi.")


def install_source(package_dir: Path = PACKAGE_DIR) -> str:
    """What `pip install` takes to install this generator on the first run: the clone's folder when this runs from
    one, else the wheel or folder pip installed it from (PEP 610's direct_url.json), else the package's name."""
    if (package_dir.parent / "pyproject.toml").is_file():
        return str(package_dir.parent)
    from importlib import metadata
    from urllib.parse import unquote, urlparse
    from urllib.request import url2pathname

    try:
        recorded = metadata.distribution("situs-kpu").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        recorded = None
    url = json.loads(recorded).get("url", "") if recorded else ""
    if url.startswith("file:"):
        path = Path(url2pathname(unquote(urlparse(url).path)))
        if path.exists():
            return str(path)
    return "situs-kpu"


@dataclass(frozen=True)
class Launch:
    """What a launcher starts once the generator is installed."""

    purpose: str       # its first comment line
    says: str          # the line it prints before starting
    args: str          # situs-kpu's arguments (the launcher's own arguments follow them)


PREVIEW = Launch("Mulai Redaksi: klik dua kali untuk membuka pratinjau situs dan Meja Redaksi di peramban.",
                 "Membuka pratinjau dan Meja Redaksi di peramban. Tutup jendela ini (atau tekan Ctrl+C) untuk "
                 "berhenti.",
                 "serve --site . --open --free-port")
OTOMATIS = Launch("Otomatis: klik dua kali agar berita terjadwal terbit tepat waktu, angka kunjungan diperbarui dan "
                  "situs yang tayang diperiksa.",
                  "Otomatis berjalan: satu putaran setiap beberapa menit, dicatat di layar ini dan di berkas "
                  "otomatis.log dalam folder .cache. Biarkan jendela ini terbuka; tutup (atau tekan Ctrl+C) untuk "
                  "berhenti.",
                  "otomatis --site .")


def texts(source: str) -> dict[str, str]:
    """File name -> text of each launcher; the Windows ones with CRLF line ends, as cmd.exe needs for its labels."""
    preview, otomatis = _posix(source, PREVIEW), _posix(source, OTOMATIS)
    return {WINDOWS: _windows(source, PREVIEW).replace("\n", "\r\n"), MACOS: preview, LINUX: preview,
            OTOMATIS_WINDOWS: _windows(source, OTOMATIS).replace("\n", "\r\n"), OTOMATIS_MACOS: otomatis,
            OTOMATIS_LINUX: otomatis}


def _version() -> str:
    return ".".join(map(str, MINIMUM))


def _posix(source: str, launch: Launch) -> str:
    quoted = "'" + source.replace("'", "'\\''") + "'"
    lines = "\n".join(f"  echo \"{line.format(version=_version(), hint='$HINT')}\"" for line in NO_PYTHON)
    return f"""#!/bin/sh
# {launch.purpose}
# Pertama kali: membuat lingkungan Python (.venv) di folder ini dan memasang generator (perlu internet).
cd "$(dirname "$0")" || exit 1
SOURCE={quoted}
if [ "$(uname 2>/dev/null)" = Darwin ]; then
  HINT="{MACOS_HINT}"
else
  HINT="{LINUX_HINT}"
fi

pause_on_error() {{
  [ -t 0 ] && {{ echo; echo "Tekan Enter untuk menutup jendela ini."; read -r _; }}
  exit 1
}}

if [ ! -x .venv/bin/situs-kpu ]; then
  PY=""
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && \\
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] < {MINIMUM})' >/dev/null 2>&1; then
      PY=$candidate
      break
    fi
  done
  if [ -z "$PY" ]; then
{lines}
    pause_on_error
  fi
  for wheel in situs_kpu-*.whl; do [ -f "$wheel" ] && SOURCE="./$wheel"; done
  if [ "$SOURCE" != situs-kpu ] && [ ! -e "$SOURCE" ]; then
    echo "{NO_SOURCE.format(source='$SOURCE')}"
    pause_on_error
  fi
  echo "Persiapan pertama: membuat lingkungan Python di folder ini dan memasang generator (beberapa menit)..."
  "$PY" -m venv .venv || {{ echo "Lingkungan Python tidak bisa dibuat. $HINT"; pause_on_error; }}
  .venv/bin/python -m pip install --disable-pip-version-check "$SOURCE" || {{
    echo "Pemasangan generator dari $SOURCE gagal. Periksa sambungan internet, lalu klik dua kali berkas ini lagi."
    pause_on_error
  }}
fi
echo "{launch.says}"
.venv/bin/situs-kpu {launch.args} "$@" || pause_on_error
"""


def _windows(source: str, launch: Launch) -> str:
    escaped = source.replace("%", "%%")
    hint = 'Pada layar pertama pemasang, centang "Add python.exe to PATH".'
    lines = "\n".join(f"echo {line.format(version=_version(), hint=hint)}" for line in NO_PYTHON)
    check = f'-c "import sys; sys.exit(sys.version_info[:2] < {MINIMUM})"'
    # cmd.exe reads a .cmd in the console's code page (437, 850, ...): a path with letters outside ASCII (a user
    # folder 'C:\\Users\\Siti Nur’aini') is read as UTF-8, as written, only after chcp 65001
    utf8 = "" if source.isascii() else "chcp 65001 >nul\n"
    return f"""@echo off
{utf8}rem {launch.purpose}
rem Pertama kali: membuat lingkungan Python (.venv) di folder ini dan memasang generator (perlu internet).
setlocal
rem pushd, not cd: a site on a network share (\\\\server\\share) gets a drive letter; cd would stay in C:\\Windows
pushd "%~dp0" || exit /b 1
set "SOURCE={escaped}"
if exist ".venv\\Scripts\\situs-kpu.exe" goto start

set "PY="
py -3 {check} >nul 2>&1
if not errorlevel 1 (set "PY=py -3" & goto havepython)
python {check} >nul 2>&1
if not errorlevel 1 (set "PY=python" & goto havepython)
goto nopython

:havepython
for %%W in (situs_kpu-*.whl) do set "SOURCE=%%~fW"
if not "%SOURCE%"=="situs-kpu" if not exist "%SOURCE%" goto nosource
echo Persiapan pertama: membuat lingkungan Python di folder ini dan memasang generator (beberapa menit)...
%PY% -m venv .venv
if errorlevel 1 goto failed
".venv\\Scripts\\python.exe" -m pip install --disable-pip-version-check "%SOURCE%"
if errorlevel 1 goto failed

:start
echo {launch.says}
".venv\\Scripts\\situs-kpu.exe" {launch.args} %*
rem A failure waits for a key only after a double-click: started with arguments (Task Scheduler) it never waits.
if errorlevel 1 if "%~1"=="" pause
exit /b

:nopython
{lines}
pause
exit /b 1

:nosource
echo {NO_SOURCE.format(source='"%SOURCE%"')}
pause
exit /b 1

:failed
echo Pemasangan generator dari "%SOURCE%" gagal. Periksa sambungan internet, lalu klik dua kali berkas ini lagi.
pause
exit /b 1
"""
