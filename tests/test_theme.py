"""theme: which theme folder a site uses, and which of its static assets are published (never a file outside)."""

from __future__ import annotations

import shutil

import pytest

from generator.report import Problems
from generator.theme import THEME_DIR, assets, template_dir

from tests.conftest import build_errors, build_site, leaked, md, snapshot, write_site


@pytest.fixture
def outside(tmp_path):
    """Files elsewhere on the machine that must never be published."""
    folder = tmp_path / "di-luar"
    (folder / "kunci").mkdir(parents=True)
    (folder / "kata-sandi.txt").write_text("rahasia-sekali")
    (folder / "kunci" / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----")
    return folder


def _themed_site(tmp_path):
    """A site with its own copy of the project's theme in templates/."""
    site = write_site(tmp_path / "site", {"content/posts/rapat.md": md("title: Rapat\ndate: 2019-11-08")})
    shutil.copytree(THEME_DIR, site / "templates")
    return site


def test_the_sites_own_templates_are_used_when_it_has_them(tmp_path):
    site = write_site(tmp_path / "site", {})
    assert template_dir(site) == THEME_DIR
    (site / "templates").mkdir()
    assert template_dir(site) == site / "templates"


@pytest.mark.parametrize("folder", [False, True])
def test_an_asset_linked_from_outside_the_site_is_refused_by_its_path(tmp_path, outside, folder):
    site = _themed_site(tmp_path)
    build_site(site)
    before = snapshot(site / "output")
    link = site / "templates/assets" / ("kunci" if folder else "logo-kpu.txt")
    link.symlink_to(outside / ("kunci" if folder else "kata-sandi.txt"), target_is_directory=folder)
    errors = build_errors(site)
    rel = link.relative_to(site).as_posix()
    assert [e for e in errors if e.startswith(f"{rel}: berkas tema ini adalah tautan simbolik ke {outside}")], errors
    assert "di luar folder situs" in errors[0]
    assert snapshot(site / "output") == before
    assert not leaked(site / "output", outside)


def test_assets_linked_inside_the_site_or_theme_are_published_as_copies(tmp_path):
    site = _themed_site(tmp_path)
    (site / "merek").mkdir()
    (site / "merek/logo.svg").write_text("<svg/>")
    (site / "templates/assets/logo.svg").symlink_to(site / "merek/logo.svg")
    (site / "templates/assets/merek").symlink_to(site / "merek", target_is_directory=True)
    (site / "templates/assets/lagi").symlink_to(".", target_is_directory=True)   # a loop is listed once
    build_site(site)
    published = site / "output/assets/logo.svg"
    assert published.read_text() == "<svg/>" and not published.is_symlink()
    assert (site / "output/assets/merek/logo.svg").read_text() == "<svg/>"
    assert published.stat().st_ino != (site / "merek/logo.svg").stat().st_ino
    assert not (site / "output/assets/lagi").exists()


def test_a_dangling_asset_link_is_named_and_skipped(tmp_path):
    site = _themed_site(tmp_path)
    (site / "templates/assets/hilang.css").symlink_to(tmp_path / "tidak-ada.css")
    result = build_site(site)
    assert any(str(w).startswith("templates/assets/hilang.css: peringatan: tautan simbolik") for w in result.warnings)
    assert not (site / "output/assets/hilang.css").exists()


def test_the_projects_theme_lists_its_assets_by_url(tmp_path):
    problems = Problems()
    files = assets(THEME_DIR, tmp_path, problems)
    assert files and not problems.errors and not problems.warnings
    assert all(url.startswith("/assets/") and path.is_file() for url, path in files.items())
    assert set(files) == {f"/assets/{p.relative_to(THEME_DIR / 'assets').as_posix()}"
                          for p in (THEME_DIR / "assets").rglob("*") if p.is_file()}
