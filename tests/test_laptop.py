"""On the staff's own laptop (issue 23): a Python without the packages, the package's declared contents, where the
theme and guide are found, and the commands that messages print."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import tomllib

from generator import dependencies
from generator.core import invocation, resources, system
from generator.core.invocation import Invocation
from tests.conftest import ROOT, md, run_cli, write_site

pytestmark = pytest.mark.quick

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """A fresh virtual environment with no packages at all (not even pip), as a new laptop's Python."""
    folder = tmp_path_factory.mktemp("bare") / "venv"
    venv.EnvBuilder(with_pip=False).create(folder)
    return folder / "bin" / "python"


def test_a_python_without_the_packages_says_in_one_sentence_how_to_set_them_up(bare_python, tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/a.md": md("title: A\ndate: 2019-11-08")})
    for args in (["build", "--site", str(site)], ["serve", "--site", str(site)], ["--help"]):
        run = subprocess.run([str(bare_python), "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 2, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Galat: Python ini ("), run.stderr
        assert "make build" in lines[0] or "pip install" in lines[0]
        assert "Galat internal" not in run.stderr and "Traceback" not in run.stderr
        assert not (site / "output").exists()


def test_the_language_check_without_babel_fails_as_a_missing_module_not_a_bug_in_the_check(site_factory):
    """config.py imported Babel inside the try whose except named what it imports: without Babel the except clause
    itself failed with UnboundLocalError (the "Galat internal" users saw outside the venv)."""
    site = site_factory()
    code = ("import sys; sys.modules['babel'] = None\n"
            "from pathlib import Path; from generator.model import config; from generator.core.report import Problems\n"
            "try:\n    config.load(Path(sys.argv[1]) / 'config.yaml', Problems())\n"
            "except ModuleNotFoundError as err:\n    print('missing', err.name)\n")
    run = subprocess.run([sys.executable, "-c", code, str(site)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "missing babel", run.stderr


def test_every_runtime_dependency_is_checked_at_start_and_pinned_as_in_requirements_txt():
    declared = PYPROJECT["project"]["dependencies"]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z]+\])?==[0-9][0-9a-z.]*", spec) for spec in declared), declared
    names = [re.split(r"[\[=]", spec)[0] for spec in declared]
    assert sorted(names, key=str.lower) == sorted([*dependencies.MODULES, *dependencies.OPTIONAL], key=str.lower)
    requirements = [line.strip() for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.startswith("#")]
    tests = PYPROJECT["project"]["optional-dependencies"]["test"]
    assert sorted(requirements) == sorted(declared + tests), "pyproject.toml and requirements.txt disagree"


def test_the_package_lists_every_generator_package_and_the_console_script_runs_the_command_line():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "generator").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"
    assert PYPROJECT["project"]["scripts"] == {"situs-kpu": "generator.__main__:launch"}
    mapped = PYPROJECT["tool"]["setuptools"]["package-dir"]
    assert (ROOT / mapped["generator._theme"]).resolve() == resources.THEME_DIR
    assert (ROOT / mapped["generator._docs"]).resolve() == resources.DOCS_DIR


def test_the_theme_and_guide_are_found_inside_an_installed_package_or_beside_it_in_a_clone(tmp_path):
    clone = tmp_path / "clone"
    (clone / "generator").mkdir(parents=True)
    (clone / "templates").mkdir()
    assert resources.located("_theme", "templates", clone / "generator") == clone / "templates"
    installed = tmp_path / "site-packages" / "generator"
    (installed / "_theme").mkdir(parents=True)
    assert resources.located("_theme", "templates", installed) == installed / "_theme"
    assert (resources.THEME_DIR / "base.html").is_file() and (resources.DOCS_DIR / "panduan.md").is_file()


def test_a_printed_command_is_the_one_the_person_typed_with_the_site_when_it_is_elsewhere(tmp_path):
    here = tmp_path / "kerja"
    site = here / "situs kpu"
    script = Invocation("script", "situs-kpu", here)
    assert invocation.command(script, "build", site=here) == "situs-kpu build"
    assert invocation.command(script, "build", site=site) == "situs-kpu build --site 'situs kpu'"
    assert invocation.command(script, "publish", ["utama", "--trust-host-key", "SHA256:ab+c/d"], tmp_path / "lain") \
        == f"situs-kpu publish --site {tmp_path / 'lain'} utama --trust-host-key SHA256:ab+c/d"
    module = Invocation("module", "/opt/python 3/bin/python3", here)
    assert invocation.command(module, "build", site=site) == \
        "'/opt/python 3/bin/python3' -m generator build --site 'situs kpu'"
    make = Invocation("make", ".venv/bin/python", tmp_path / "generator")
    assert invocation.command(make, "build", site=tmp_path / "generator") == "make build"
    assert invocation.command(make, "publish", ["--trust-host-key", "SHA256:x"], site) == \
        f"make publish SITE='{site}' ARGS='--trust-host-key SHA256:x'"
    assert invocation.command(make, "init", [str(site)]) == f".venv/bin/python -m generator init '{site}'"
    windows = Invocation("script", r"C:\Users\humas\situs\.venv\Scripts\situs-kpu.exe", here, windows=True)
    assert invocation.command(windows, "build", site=site) == \
        r"C:\Users\humas\situs\.venv\Scripts\situs-kpu.exe build --site " + '"situs kpu"'


def test_this_process_knows_how_it_was_started(monkeypatch, tmp_path):
    monkeypatch.setenv(invocation.MAKE_ENV, str(tmp_path))
    assert invocation.current() == Invocation("make", sys.executable, tmp_path, invocation.os.name == "nt")
    monkeypatch.delenv(invocation.MAKE_ENV)
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "bin" / "situs-kpu"), "build"])
    started = invocation.current()
    assert (started.kind, started.program) == ("script", str(tmp_path / "bin" / "situs-kpu"))
    monkeypatch.setattr(sys, "argv", [str(ROOT / "generator" / "__main__.py"), "build"])
    started = invocation.current()
    assert started.kind == "module" and Path(subprocess.run(
        [started.program, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True
    ).stdout.strip()).resolve() == Path(sys.executable).resolve()


INIT = ["--region", "Kalimantan Utara", "--level", "provinsi", "--url", "https://kaltara.kpu.go.id", "--zone", "wita"]


def test_init_makes_a_site_that_builds_and_never_overwrites(tmp_path):
    site = tmp_path / "situs baru"
    run = run_cli("init", str(site), *INIT)
    assert run.code == 0, run.err
    assert "KPU Provinsi Kalimantan Utara" in run.out and "serve --site" in run.out
    config = (site / "config.yaml").read_text(encoding="utf-8")
    assert 'title: "KPU Provinsi Kalimantan Utara"' in config and "timezone: Asia/Makassar" in config
    assert 'base_url: "https://kaltara.kpu.go.id/"' in config
    assert list(site.glob("content/posts/*/selamat-datang/index.md"))
    assert (site / "templates/assets/logo.png").read_bytes().startswith(b"\x89PNG")
    for name in ("mulai-redaksi.sh", "Mulai Redaksi.command", "otomatis.sh", "Otomatis.command"):
        assert (site / name).stat().st_mode & 0o111, name
    assert (site / "Otomatis.cmd").is_file() and "Otomatis.cmd" in run.out
    built = run_cli("build", "--site", str(site))
    assert built.code == 0, built.err
    assert "KPU Provinsi Kalimantan Utara" in (site / "output/index.html").read_text(encoding="utf-8")
    (site / "mulai-redaksi.sh").write_text("milik saya\n", encoding="utf-8")
    (site / "config.yaml").unlink()
    again = run_cli("init", str(site), *INIT)
    assert again.code == 0 and "mulai-redaksi.sh" in again.out
    assert (site / "mulai-redaksi.sh").read_text(encoding="utf-8") == "milik saya\n"
    refused = run_cli("init", str(site), *INIT)
    assert refused.code == 2 and "config.yaml sudah ada" in refused.err


def test_a_new_sites_public_information_register_names_the_unit_and_who_is_responsible(tmp_path):
    """The registry trial: a site made by init published its Daftar Informasi Publik with the two columns the law
    asks for (the unit holding the information, who is responsible for it) empty."""
    import csv
    import io

    site = tmp_path / "situs"
    assert run_cli("init", str(site), *INIT).code == 0
    bundle = site / "content/posts/2024/dpt"
    bundle.mkdir(parents=True)
    (bundle / "sk.pdf").write_bytes(b"%PDF-1.4\n")
    (bundle / "index.md").write_text("---\ntitle: DPT\ndate: 2024-09-21\nattachments:\n  - file: sk.pdf\n"
                                     "    jenis: Pengumuman\n---\n\nIsi.\n", encoding="utf-8")
    built = run_cli("build", "--site", str(site))
    assert built.code == 0, built.err
    rows = list(csv.DictReader(io.StringIO((site / "output/informasi-publik/dip.csv").read_text(encoding="utf-8"))))
    assert rows[0]["Pejabat/unit yang menguasai informasi"] == "Sekretariat KPU Provinsi Kalimantan Utara"
    assert rows[0]["Penanggung jawab pembuatan informasi"] == "PPID KPU Provinsi Kalimantan Utara"


def test_init_without_a_terminal_names_every_missing_answer(tmp_path):
    run = run_cli("init", str(tmp_path / "s"), "--zone", "WIB")
    assert run.code == 2 and not (tmp_path / "s" / "config.yaml").exists()
    for flag in ("--region", "--level", "--url"):
        assert flag in run.err
    assert "Traceback" not in run.err


def test_init_asks_again_until_each_answer_is_usable():
    from generator.newsite.create import Given, ask

    replies = iter(["", "Bantul", "desa", "Kabupaten", "kab-bantul", "https://kab-bantul.kpu.go.id/", "WITA"])
    said = []
    given = ask(Given(), read=lambda question: next(replies), say=said.append)
    assert given == Given("Bantul", "Kabupaten", "https://kab-bantul.kpu.go.id/", "WITA")
    assert len(said) == 3


@pytest.mark.parametrize("region, level, office", [
    ("Kota Contoh", "kota", "KPU Kota Contoh"),
    ("kabupaten  Bantul", "Kabupaten", "KPU Kabupaten Bantul"),
    ("Kab. Bantul", "kabupaten", "KPU Kabupaten Bantul"),
    ("Provinsi Kalimantan Utara", "provinsi", "KPU Provinsi Kalimantan Utara"),
    ("Kotabaru", "kabupaten", "KPU Kabupaten Kotabaru"),
    ("Kota Baru", "kabupaten", "KPU Kabupaten Kota Baru"),      # a region's own name, not the level said twice
    ("kota  BANDAR lampung", "kota", "KPU Kota Bandar Lampung"),   # typed in small or capital letters
    ("DKI Jakarta", "provinsi", "KPU Provinsi DKI Jakarta"),
])
def test_the_office_name_does_not_say_its_level_twice(region, level, office):
    """The WordPress trial: --region "Kota Contoh" --level kota made "KPU Kota Kota Contoh" in the title, tagline and
    sample post."""
    from generator.newsite.create import Given, answers

    assert answers(Given(region, level, "https://contoh.kpu.go.id", "WIB")).office == office


def test_init_takes_answers_as_staff_type_them_and_says_in_indonesian_what_is_wrong(tmp_path):
    """A level with a capital, a zone with a space, an address without https://: taken as meant. A level or zone
    that is no choice is told in Indonesian with the choices (argparse said "invalid choice" in English)."""
    site = tmp_path / "Situs KPU"
    run = run_cli("init", str(site), "--region", "Bandar Lampung", "--level", "Kota", "--url",
                  "kpu-bandarlampung.go.id", "--zone", " wib")
    assert run.code == 0, run.err
    config = (site / "config.yaml").read_text(encoding="utf-8")
    assert 'base_url: "https://kpu-bandarlampung.go.id/"' in config and "timezone: Asia/Jakarta" in config
    assert "memuat folder" not in run.out
    sub = run_cli("init", str(tmp_path / "sub"), "--region", "Bantul", "--level", "kabupaten", "--url",
                  "https://kab-bantul.kpu.go.id/berita", "--zone", "WIB")
    assert sub.code == 0 and 'base_url: "https://kab-bantul.kpu.go.id/berita/"' in (
        tmp_path / "sub/config.yaml").read_text(encoding="utf-8")
    assert "alamat situs memuat folder (/berita/): setiap tautan situs diawali /berita/" in sub.out
    wrong = run_cli("init", str(tmp_path / "lain"), "--region", "Bantul", "--level", "desa", "--url",
                    "https://kab-bantul.kpu.go.id/", "--zone", "WIB+7")
    assert wrong.code == 2 and not (tmp_path / "lain").exists()
    assert "tingkat kantor 'desa' tidak dikenal; pilih provinsi, kabupaten atau kota" in wrong.err
    assert "zona waktu 'WIB+7' tidak dikenal; pilih WIB, WITA atau WIT" in wrong.err
    assert "invalid choice" not in wrong.err and "usage:" not in wrong.err


def test_init_refuses_a_file_and_a_folder_inside_another_site_and_writes_nothing(tmp_path):
    """A folder inside a site (its content/, picked in a folder dialog) got a second config.yaml, launchers and a
    content/content/ that the site's own build never shows; a file's name gave 'File exists' in English."""
    site = write_site(tmp_path / "Situs KPU", {"content/posts/2024/a.md": md("title: A\ndate: 2024-01-01")})
    before = sorted(site.rglob("*"))
    (tmp_path / "catatan.txt").write_text("x", encoding="utf-8")
    args = ("--region", "Bantul", "--level", "kabupaten", "--url", "https://kab-bantul.kpu.go.id/", "--zone", "WIB")
    for folder, said in [(site / "content", "ada di dalam situs lain"), (site / "content/baru", "ada di dalam situs lain"),
                         (tmp_path / "catatan.txt", "adalah berkas, bukan folder"),
                         (tmp_path / "catatan.txt" / "situs", "adalah berkas, bukan folder")]:
        run = run_cli("init", str(folder), *args)
        assert run.code == 2 and said in run.err and "Traceback" not in run.err, run.err
        assert "File exists" not in run.err and "Not a directory" not in run.err
    assert sorted(site.rglob("*")) == before


@pytest.mark.parametrize("env, relative, told", [
    ({"OneDriveCommercial": "{root}/OneDrive - KPU Kota"}, "OneDrive - KPU Kota/Documents/Situs KPU", "OneDrive"),
    ({}, "Dropbox/Situs KPU", "Dropbox"),
    ({"OneDrive": "{root}/OneDrive"}, "Dokumen/Situs KPU", ""),
])
def test_init_warns_of_a_folder_synced_by_onedrive_or_dropbox(tmp_path, env, relative, told):
    """Windows 11 redirects Documents into OneDrive: the launcher's .venv (thousands of files) then syncs, and two
    laptops editing make conflicting copies. init still makes the site, and says so with a place outside."""
    env = {name: value.format(root=tmp_path) for name, value in env.items()}
    run = run_cli("init", str(tmp_path / relative), "--region", "Bantul", "--level", "kabupaten", "--url",
                  "kab-bantul.kpu.go.id", "--zone", "WIB", env={**env, system.ENV: "windows"})
    assert run.code == 0 and (tmp_path / relative / "config.yaml").is_file(), run.err
    assert (f"disinkronkan {told}." in run.out and "C:\\Situs KPU" in run.out) if told else "disinkronkan" not in run.out


def test_import_wordpress_into_a_folder_without_a_site_says_how_to_make_one(tmp_path):
    export = tmp_path / "ekspor.xml"
    export.write_text("<rss/>", encoding="utf-8")
    run = run_cli("import-wordpress", "--site", str(tmp_path / "kosong"), str(export))
    assert run.code == 2 and "Traceback" not in run.err
    assert f"-m generator init {tmp_path / 'kosong'}" in run.err and "ulangi impornya" in run.err


def test_import_wordpress_on_a_terminal_offers_to_make_the_site_first(tmp_path):
    from generator.newsite.create import offer

    replies = iter(["", "Bantul", "kabupaten", "https://kab-bantul.kpu.go.id/", "WIB"])
    out, err = io.StringIO(), io.StringIO()
    assert offer(tmp_path / "situs", True, read=lambda question: next(replies), out=out, err=err) == 0
    assert "timezone: Asia/Jakarta" in (tmp_path / "situs/config.yaml").read_text(encoding="utf-8")
    assert offer(tmp_path / "lain", True, read=lambda question: "t", out=out, err=err) == 2
    assert not (tmp_path / "lain").exists()


def test_the_windows_launcher_takes_its_steps_in_order():
    from generator.newsite import launchers

    text = launchers.texts(r"C:\Users\humas\situs-kpu 100%")[launchers.WINDOWS]
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "cd /d" not in text          # cmd.exe cannot cd to a network share's folder: it would stay in C:\Windows
    steps = ['pushd "%~dp0" || exit /b 1', r'set "SOURCE=C:\Users\humas\situs-kpu 100%%"',
             r'if exist ".venv\Scripts\situs-kpu.exe" goto start', "py -3 -c", "python -c", "goto nopython",
             "situs_kpu-*.whl", 'if not exist "%SOURCE%" goto nosource', "-m venv .venv",
             r'".venv\Scripts\python.exe" -m pip install', ":start",
             r'".venv\Scripts\situs-kpu.exe" serve --site . --open', ":nopython",
             "https://www.python.org/downloads/", '"Add python.exe to PATH"']
    positions = [text.find(step) for step in steps]
    assert -1 not in positions, [s for s, p in zip(steps, positions) if p < 0]
    assert positions == sorted(positions)


def test_the_windows_like_mode_builds_byte_identical_output_with_spawned_workers(tmp_path):
    from tests.conftest import copy_site, tree

    posts = {f"content/posts/2019/berita-{n:03d}.md": md(f"title: Berita {n}\ndate: 2019-11-{1 + n % 28:02d} 10:00\n"
                                                         f"tags: [pemilu, tag-{n % 7}]", f"Isi **berita** {n}.\n")
             for n in range(90)}           # past parallel.run's minimum: pages, sources and Markdown go to workers
    for mode in ("normal", "windows"):
        copy_site("basic", tmp_path / mode)     # with photos, for the photo pool
        write_site(tmp_path / mode, posts, None)
        run = run_cli("build", "--site", str(tmp_path / mode), env={system.ENV: "windows" if mode == "windows" else ""})
        assert run.code == 0, run.err
    assert list((tmp_path / "normal").glob("content/**/*.jpg")), "the fixture site has photos for the workers"
    assert tree(tmp_path / "normal" / "output") == tree(tmp_path / "windows" / "output")


class _Pid:
    """A picklable job: which process ran it."""

    def __call__(self, item):
        return item, __import__("os").getpid()


def test_without_fork_picklable_jobs_go_to_spawned_workers_and_closures_stay_here(monkeypatch):
    import os

    from generator.core import parallel

    monkeypatch.setenv(system.ENV, "windows")
    results = [pair for group in parallel.run(_Pid(), list(range(100)), 2) for pair in group]
    assert [item for item, _pid in results] == list(range(100))
    assert os.getpid() not in {pid for _item, pid in results}
    here = [pid for group in parallel.run(lambda item: os.getpid(), list(range(100)), 2) for pid in group]
    assert set(here) == {os.getpid()}


def test_the_windows_like_mode_hides_fork_and_flock_and_locks_with_a_loopback_port(tmp_path, monkeypatch):
    import socket

    from generator.core import lock

    monkeypatch.setenv(system.ENV, "windows")
    assert "fork" not in system.start_methods() and system.flock() is None
    assert system.worker_context().get_start_method() == "spawn"
    with lock.held(tmp_path / ".cache"):
        probe = socket.socket()
        with pytest.raises(OSError):
            probe.bind(("127.0.0.1", lock.port(tmp_path / ".cache")))
        probe.close()
        with pytest.raises(lock.Busy, match=f"proses {__import__('os').getpid()}"):
            with lock.held(tmp_path / ".cache", wait=0.2):
                pass
    with lock.held(tmp_path / ".cache", wait=0.2):       # released: taken again at once
        pass
    monkeypatch.delenv(system.ENV)
    assert system.flock() is not None and "fork" in system.start_methods()


def test_the_windows_launcher_reads_a_path_outside_ascii_as_utf8_and_quotes_it_in_messages():
    """cmd.exe reads a .cmd in the console's code page (437, 850): 'C:\\Users\\Siti Nur’aini' written as UTF-8 was
    read as other letters, and the install failed as if the internet were down. A '&' in an unquoted echo ran the
    rest of the path as a command."""
    from generator.newsite import launchers

    plain = launchers.texts(r"C:\Users\humas\situs-kpu")[launchers.WINDOWS]
    assert "chcp" not in plain
    for name in (launchers.WINDOWS, launchers.OTOMATIS_WINDOWS):
        text = launchers.texts("C:\\Users\\Siti Nur’aini\\Humas & Protokol\\situs-kpu")[name]
        assert text.startswith("@echo off\r\nchcp 65001 >nul\r\n")
        assert 'set "SOURCE=C:\\Users\\Siti Nur’aini\\Humas & Protokol\\situs-kpu"' in text
        echoes = [line for line in text.split("\r\n") if line.startswith("echo") and "%SOURCE%" in line]
        assert len(echoes) == 2 and all('"%SOURCE%"' in line for line in echoes)


@pytest.mark.parametrize("name", ["mulai-redaksi.sh", "otomatis.sh"])
def test_a_site_folder_taken_to_another_laptop_without_the_generator_says_to_bring_the_wheel(tmp_path, name):
    """The source init wrote is a path on the first laptop: elsewhere the launcher said 'Periksa sambungan internet'
    after making .venv. Now it says to copy the wheel into the folder, and makes nothing."""
    site = tmp_path / "Situs KPU"
    made = run_cli("init", str(site), "--region", "Bantul", "--level", "kabupaten", "--url", "kab-bantul.kpu.go.id",
                   "--zone", "WIB")
    assert made.code == 0, made.err
    script = site / name
    script.write_text(script.read_text(encoding="utf-8").replace(str(ROOT), str(tmp_path / "laptop-lain")),
                      encoding="utf-8")
    done = subprocess.run(["/bin/sh", str(script)], cwd=tmp_path, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60, env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"})
    assert done.returncode == 1 and not (site / ".venv").exists()
    assert f"Generator tidak ditemukan di {tmp_path / 'laptop-lain'}" in done.stdout
    assert "situs_kpu-...whl" in done.stdout and "internet" not in done.stdout


@pytest.mark.parametrize("kernel, hint", [("Linux", "sudo apt install python3-venv"), ("Darwin", "berkas .pkg")])
def test_the_launcher_without_python_says_what_to_install_on_this_system(tmp_path, kernel, hint):
    from generator.newsite import launchers

    script = tmp_path / launchers.LINUX
    script.write_text(launchers.texts(str(ROOT))[launchers.MACOS if kernel == "Darwin" else launchers.LINUX],
                      encoding="utf-8")
    empty = tmp_path / "kosong"
    empty.mkdir()
    for tool in ("dirname", "sh"):
        (empty / tool).symlink_to(next(Path(p) / tool for p in ("/usr/bin", "/bin") if (Path(p) / tool).exists()))
    (empty / "uname").write_text(f"#!/bin/sh\necho {kernel}\n", encoding="utf-8")     # the system it runs on
    (empty / "uname").chmod(0o755)
    done = subprocess.run(["/bin/sh", str(script)], cwd=tmp_path, env={"PATH": str(empty)}, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 1
    assert "Python 3.11 atau yang lebih baru belum terpasang" in done.stdout
    assert "https://www.python.org/downloads/" in done.stdout and not (tmp_path / ".venv").exists()
    assert hint in done.stdout and ("apt" in done.stdout) == (kernel == "Linux")


@pytest.mark.parametrize("mode, separator", [("", "/"), ("windows", "\\")])
def test_a_path_in_a_message_uses_the_systems_separator(tmp_path, mode, separator):
    site = write_site(tmp_path / "site", {"content/posts/berita/x.md": md("date: 2019-11-08")})
    run = run_cli("build", "--site", str(site), env={system.ENV: mode})
    assert run.code == 1 and "Traceback" not in run.err
    assert separator.join(["content", "posts", "berita", "x.md"]) + ":2: kolom 'title' wajib diisi." in run.err, run.err
    other = "\\" if separator == "/" else "/"
    assert f"content{other}posts" not in run.err
    assert f"Folder {str(site / 'output').replace('/', separator)} tidak diubah" in run.err
    assert not (site / "output").exists()


def test_only_paths_a_person_reads_change_separator_never_addresses(monkeypatch):
    from generator.core.report import Problem

    monkeypatch.setenv(system.ENV, "windows")
    assert system.shown("content/berita/x.md") == "content\\berita\\x.md"
    assert system.shown(Path("templates") / "assets" / "logo.png") == "templates\\assets\\logo.png"
    assert system.shown("https://kaltara.kpu.go.id/berita/") == "https://kaltara.kpu.go.id/berita/"
    problem = Problem("content/posts/a/index.md", 3, "foto 'x.jpg' tidak ditemukan.")
    assert str(problem) == "content\\posts\\a\\index.md:3: foto 'x.jpg' tidak ditemukan."
    assert problem.path == "content/posts/a/index.md"          # the value (desk links, JSON) keeps "/"
    monkeypatch.setenv(system.ENV, "")
    assert str(problem).startswith("content/posts/a/index.md:3: ") and system.separator() == __import__("os").sep
