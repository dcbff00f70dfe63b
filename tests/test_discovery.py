"""Which files below content/ are sources: the one rule (model.discovery) the build, views, the desk, the scheduler
and the importer share, on the whole class of names a content folder holds."""

from __future__ import annotations

import os

import pytest

from generator.engine import cache
from generator.model import discovery
from tests.conftest import write_site

pytestmark = pytest.mark.quick

LAYOUT = {
    "content/posts/2019/rapat/index.md": "x",
    "content/posts/2019/rapat/catatan.md": "part of the bundle, not a post",
    "content/posts/2019/rapat/lampiran/lagi.md": "deeper in the bundle, still part of it",
    "content/posts/2019/rapat/foto.jpg": b"photo",
    "content/posts/2020/pengumuman.md": "x",
    "content/posts/2020/pengumuman.txt": "not Markdown",
    "content/posts/2020/PENTING.MD": "upper-case suffix: not a source",
    "content/posts/2020/catatan.md.bak": "a backup",
    "content/posts/2020/folder.md/isi.md": "a folder named like a source is entered, not read",
    "content/posts/_draf/coba.md": "x",
    "content/posts/2020/_coret.md": "x",
    "content/posts/2020/.tersembunyi.md": "x",
    "content/posts/.git/HEAD.md": "x",
    "content/posts/2020/.tersembunyi/index.md": "x",
    "content/posts/2020/_konsep/index.md": "x",
    "content/pages/profil.md": "x",
    "content/pages/kontak/index.md": "x",
    "content/lain/ini-diabaikan.md": "x",
    "content/tanpa-folder.md": "x",
}
EXPECTED = [
    ("post", "posts/2019/rapat/index.md", "posts/2019/rapat"),
    ("post", "posts/2020/folder.md/isi.md", None),
    ("post", "posts/2020/pengumuman.md", None),
    ("page", "pages/kontak/index.md", "pages/kontak"),
    ("page", "pages/profil.md", None),
]


def _found(site):
    return [(kind, md.relative_to(site / "content").as_posix(),
             bundle.relative_to(site / "content").as_posix() if bundle is not None else None)
            for kind, md, bundle in discovery.discover(site / "content")]


def test_sources_are_markdown_below_posts_and_pages_bundles_own_their_files_hidden_and_drafts_are_left(tmp_path):
    site = write_site(tmp_path / "site", LAYOUT)
    assert _found(site) == EXPECTED


def test_the_build_applies_the_same_rule_to_its_own_scan(tmp_path):
    """The build does not walk content/ again: it applies discovery.sources to the scan it already made."""
    site = write_site(tmp_path / "site", LAYOUT)
    links: list[str] = []
    scan = cache.scan(site / "content", lambda rel: True, links)
    assert discovery.sources(scan) == EXPECTED == _found(site)


def test_a_bundle_owns_its_markdown_files_but_an_index_md_below_it_is_a_bundle_of_its_own(tmp_path):
    site = write_site(tmp_path / "site", {"content/pages/index.md": "x", "content/pages/lain.md": "x",
                                          "content/pages/sub/lagi.md": "x", "content/pages/sub/index.md": "x"})
    assert _found(site) == [("page", "pages/index.md", "pages"), ("page", "pages/sub/index.md", "pages/sub")]


def test_order_is_folder_by_folder_whatever_the_listing_order(tmp_path):
    names = ["posts/b.md", "posts/a-b/x.md", "posts/a/z.md", "posts/a.md", "pages/z.md", "pages/a/index.md"]
    expected = [("post", "posts/a/z.md", None), ("post", "posts/a-b/x.md", None), ("post", "posts/a.md", None),
                ("post", "posts/b.md", None), ("page", "pages/a/index.md", "pages/a"), ("page", "pages/z.md", None)]
    assert discovery.sources(names) == expected
    assert discovery.sources(reversed(names)) == expected


def test_an_empty_or_missing_content_folder_has_no_sources(tmp_path):
    assert discovery.discover(tmp_path / "content") == []
    (tmp_path / "content" / "posts").mkdir(parents=True)
    assert discovery.discover(tmp_path / "content") == []


def test_links_a_linked_file_is_a_source_a_linked_folder_and_a_broken_link_are_not(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/2020/asli.md": "x"})
    elsewhere = write_site(tmp_path / "lain", {"folder/index.md": "x", "berkas.md": "x"}, config=None)
    posts = site / "content" / "posts"
    try:
        os.symlink(elsewhere / "berkas.md", posts / "tautan.md")
        os.symlink(elsewhere / "folder", posts / "folder-tautan", target_is_directory=True)
        os.symlink(elsewhere / "tidak-ada.md", posts / "putus.md")
    except (OSError, NotImplementedError):
        pytest.skip("this system does not let a test make symbolic links")
    expected = [("post", "posts/2020/asli.md", None), ("post", "posts/tautan.md", None)]
    assert _found(site) == expected
    assert discovery.sources(cache.scan(site / "content", lambda rel: True, [])) == expected
