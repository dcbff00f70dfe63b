"""The staff guide (docs/panduan.md) cannot drift from the program: its pictures, commands and quoted messages are real."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from generator import cli
from generator.preview import guide

from .browser import require_browser
from .conftest import ROOT, md, write_site

pytestmark = pytest.mark.browser

GUIDE = ROOT / "docs" / "panduan.md"
TEXT = GUIDE.read_text(encoding="utf-8")
POST = "content/posts/2024/rapat-pleno-dpt"

# Each mistake the guide quotes (<!-- pesan: NAME --> before a fenced block): the files of a small site that makes it.
GOOD = "title: Rapat Pleno Penetapan DPT\ndate: 2024-03-01"
MISTAKES: dict[str, dict[str, str | bytes]] = {
    "tab": {f"{POST}/index.md": md("title: Rapat Pleno Penetapan DPT\ndate: 2024-03-01\nevent:\n\tplace: Aula")},
    "kutip": {f"{POST}/index.md": md('title: "Rapat Pleno Penetapan DPT\ndate: 2024-03-01')},
    "titik-dua": {f"{POST}/index.md": md("title: Rilis Pers: Rapat Pleno Penetapan DPT\ndate: 2024-03-01")},
    "foto": {f"{POST}/index.md": md(f"{GOOD}\ncover: pembukaan.jpg\ngallery:\n  - file: pembukan.jpg\n"
                                   "    caption: Pembukaan"),
             f"{POST}/pembukaan.jpg": b"photo"},
    "tanggal": {f"{POST}/index.md": md("title: Rapat Pleno Penetapan DPT\ndate: 2024-02-30")},
    "alamat-ganda": {f"{POST}/index.md": md(f"{GOOD}\nslug: rapat-pleno-dpt"),
                     f"{POST}-2/index.md": md(f"title: Rapat Pleno Penetapan DPT Hari Kedua\ndate: 2024-03-01\n"
                                              f"slug: rapat-pleno-dpt")},
    "tanpa-judul": {f"{POST}/index.md": md("date: 2024-03-01\ncategory: Kegiatan")},
    "tanpa-penutup": {f"{POST}/index.md": f"---\n{GOOD}\n\nKPU Provinsi Kalimantan Utara menetapkan ...\n"},
    "views": {f"{POST}/index.md": md(f"{GOOD}\nviews: 1.250")},
    "kolom-salah-eja": {f"{POST}/index.md": md(f"{GOOD}\nkategori: Kegiatan")},
    "tanpa-spasi": {f"{POST}/index.md": md("title:Rapat Pleno Penetapan DPT\ndate: 2024-03-01")},
    "tanggal-ditulis": {f"{POST}/index.md": md("title: Rapat Pleno Penetapan DPT\ndate: 1 Maret 2024")},
    "berkas-isi": {f"{POST}/index.md": md(GOOD, "KPU menetapkan DPT.\n\n[Unduh SK](sk-penetapan-dpt.pdf)\n"),
                   f"{POST}/sk-penetapan-dpt-2024.pdf": b"%PDF"},
    "menjorok": {f"{POST}/index.md": md(f"{GOOD}\nevent:\n  start: 2024-03-01\n place: Aula")},
    "daftar-kosong": {f"{POST}/index.md": md(f"{GOOD}\ngallery: []\n  - file: pembukaan.jpg\n    caption: Pembukaan"),
                      f"{POST}/pembukaan.jpg": b"photo"},
}


def quoted_messages() -> dict[str, str]:
    """NAME -> the message text the guide quotes for it."""
    found = re.findall(r"<!-- pesan: ([\w-]+) -->\n```\n(.*?)\n```", TEXT, re.S)
    return dict(found)


def test_every_quoted_message_has_a_mistake_and_the_other_way_round():
    assert sorted(quoted_messages()) == sorted(MISTAKES)
    assert len(MISTAKES) >= 10


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_each_quoted_message_is_what_the_build_prints(tmp_path, name):
    site = write_site(tmp_path / "situs", MISTAKES[name])
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site), "--no-search"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    printed = done.stderr.splitlines()
    assert quoted_messages()[name] in printed, f"the guide quotes a message the build does not print:\n{done.stderr}"
    if "peringatan:" not in quoted_messages()[name]:
        assert done.returncode == 1 and "tidak diubah" in done.stderr


def commands() -> list[str]:
    """Every `make ...` and `python -m generator ...` command the guide shows, in code spans or blocks."""
    spans = re.findall(r"`([^`\n]+)`", TEXT) + re.findall(r"^```[\w-]*\n(.*?)\n```$", TEXT, re.S | re.M)
    lines = [line.strip() for span in spans for line in span.splitlines()]
    return sorted({line for line in lines if line.startswith(("make ", "python -m generator"))})


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {name for line in re.findall(r"^\.PHONY:(.*)$", text, re.M) for name in line.split()}


def test_the_guide_shows_the_commands_staff_need():
    shown = commands()
    for needed in ("make serve", "make build", "make check"):
        assert needed in shown
    assert any(c.startswith("make new TITLE=") for c in shown)


@pytest.mark.parametrize("command", commands())
def test_each_command_in_the_guide_is_real(command):
    words = shlex.split(command)
    if words[0] == "make":
        target = words[1]
        assert target in make_targets(), f"no make target '{target}'"
        variables = dict(word.split("=", 1) for word in words[2:])
        args = shlex.split(variables.pop("ARGS", ""))
        assert set(variables) <= {"TITLE", "SITE", "LOGS", "EXPORT", "UPLOADS"}, f"unknown make variable in {command}"
        if target in ("serve", "build", "check", "publish", "verify") and args:
            cli.parser().parse_args([target, *args])       # exits (test error) on an option the command lacks
        if target == "views":
            cli.parser().parse_args([target, *args, *shlex.split(variables["LOGS"])])
        if target == "import-wordpress":
            cli.parser().parse_args([target, *args, "--uploads", variables["UPLOADS"], variables["EXPORT"]])
        if target == "new":
            assert variables.get("TITLE"), "make new needs TITLE"
    else:
        cli.parser().parse_args(words[3:])


def pictures() -> list[str]:
    return re.findall(r"!\[[^\]]+\]\((gambar/[^)]+)\)", TEXT)


def test_every_picture_the_guide_shows_exists_and_is_small():
    from scripts import launcher_screenshots
    from scripts.screenshots import MAX_BYTES, names

    made = names() + launcher_screenshots.names()
    shown = pictures()
    assert len(shown) >= 8
    for rel in shown:
        path = ROOT / "docs" / rel
        assert path.is_file(), f"{rel} is missing: run make screenshots (or make screenshots-launcher)"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size <= MAX_BYTES
        assert path.name in made, f"{rel} is made by neither screenshot script, so it would go stale"


def test_the_launcher_pictures_are_all_in_the_guide():
    """scripts/launcher_screenshots.py needs an X display and the internet, so it runs by hand (make
    screenshots-launcher), not here; its pictures are at least all shown."""
    from scripts import launcher_screenshots

    shown = {rel.removeprefix("gambar/") for rel in pictures()}
    assert set(launcher_screenshots.names()) <= shown


def test_the_launcher_screenshot_script_names_the_packages_it_misses(tmp_path):
    (tmp_path / "bin").mkdir()
    done = subprocess.run([sys.executable, "scripts/launcher_screenshots.py", "--out", str(tmp_path / "gambar")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, env={"PATH": str(tmp_path / "bin")})
    assert done.returncode == 2, done.stdout + done.stderr
    assert "xvfb xterm x11-utils imagemagick" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "gambar").exists()


def test_the_screenshot_script_makes_every_picture(tmp_path):
    """Given the cache of the suite's build of the sample site (readers_site.built; --cache), so that the preview's
    first build does not make its photos again."""
    require_browser()
    from scripts.screenshots import MAX_BYTES, names
    from tests import readers_site

    built = readers_site.built("sample")
    assert built.site == ROOT
    done = subprocess.run([sys.executable, "scripts/screenshots.py", "--out", str(tmp_path), "--cache",
                           str(ROOT / ".cache")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(names())
    assert all((tmp_path / name).stat().st_size <= MAX_BYTES for name in made)


def test_the_screenshot_script_refuses_a_cache_that_is_not_a_folder(tmp_path):
    done = subprocess.run([sys.executable, "scripts/screenshots.py", "--out", str(tmp_path), "--cache",
                           str(tmp_path / "tidak-ada")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "folder ini tidak ada" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_preview_serves_the_guide_but_never_writes_it(tmp_path):
    from generator.build import Options
    from generator.preview.serve import Preview

    site = write_site(tmp_path / "situs", {f"{POST}/index.md": md(GOOD)})
    preview = Preview(Options(site, workers=1), out=open("/dev/null", "w"), err=open("/dev/null", "w"))
    preview.bind("127.0.0.1", 0)
    preview.start()
    preview.serve_in_thread()
    try:
        with urllib.request.urlopen(preview.origin + guide.PATH) as answer:
            page = answer.read().decode("utf-8")
            assert answer.headers["Content-Type"].startswith("text/html")
        assert "<h1" in page and "Panduan Humas" in page and 'src="gambar/beranda-desktop.png"' in page
        with urllib.request.urlopen(preview.origin + guide.PATH + "gambar/beranda-desktop.png") as answer:
            assert answer.headers["Content-Type"] == "image/png" and answer.read()[:4] == b"\x89PNG"
        for outside in ("../config.yaml", "%2e%2e/README.md", "gambar/../../README.md"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(preview.origin + guide.PATH + outside)
            assert refused.value.code == 404
    finally:
        preview.close()
    assert not list((site / "output").rglob("*panduan*"))


def test_make_screenshots_and_the_readme_link_exist():
    assert "screenshots" in make_targets()
    readme_top = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "docs/panduan.md" in readme_top
