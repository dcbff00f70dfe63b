"""The writer: changed files staged beside the output and moved in on commit; unchanged files kept; nothing outside."""

from __future__ import annotations

import os

import pytest

from generator import cache, writer
from generator.hashing import digest
from tests.conftest import snapshot


def names(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def write(out, manifest, pages, files=None):
    """One build's write, the way generator/output.py drives writer.Update: every path is checked first, what the
    output still holds is kept, the rest is staged, then commit (abort on any error). Returns (report, manifest)."""
    pages = {writer.relative_path(p): data for p, data in pages.items()}
    files = {writer.relative_path(p): source for p, source in (files or {}).items()}
    update = writer.Update(out, manifest, cache.scan(out))
    try:
        for rel, data in pages.items():
            update.put_bytes(rel, data, digest(data))
        for rel, source in files.items():
            update.put_file(rel, source)
        return update.commit()
    except BaseException:
        update.abort()
        raise


def test_first_write_creates_exactly_the_files(tmp_path):
    out = tmp_path / "output"
    source = tmp_path / "style.css"
    source.write_text("body{}")
    report, manifest = write(out, {}, {"index.html": b"<p>beranda</p>", "2019/11/08/a/index.html": b"a"},
                             {"/assets/style.css": source})
    assert report == writer.WriteReport(3, 0, 0)
    assert names(out) == ["2019/11/08/a/index.html", "assets/style.css", "index.html"]
    assert (out / "index.html").read_bytes() == b"<p>beranda</p>"
    assert sorted(os.listdir(tmp_path)) == ["output", "style.css"]     # the staging folder became the output
    assert {rel: entry[:2] for rel, entry in manifest.items()} == cache.scan(out)


def test_commit_replaces_changed_files_and_removes_stale_ones(tmp_path):
    out = tmp_path / "output"
    _, manifest = write(out, {}, {"index.html": b"1", "lama/index.html": b"lama"})
    report, _ = write(out, manifest, {"index.html": b"2", "baru/index.html": b"baru"})
    assert report == writer.WriteReport(2, 0, 1)
    assert names(out) == ["baru/index.html", "index.html"]
    assert not (out / "lama").exists()                                  # the emptied folder goes too
    assert (out / "index.html").read_bytes() == b"2"
    assert sorted(os.listdir(tmp_path)) == ["output"]


def test_unchanged_files_keep_their_mtime_and_inode(tmp_path):
    out = tmp_path / "output"
    _, manifest = write(out, {}, {"index.html": b"beranda", "a/index.html": b"a", "b/index.html": b"b"})
    os.utime(out / "a/index.html", ns=(1_000_000_000, 1_000_000_000))
    size, _mtime, key = manifest["a/index.html"]
    manifest["a/index.html"] = (size, 1_000_000_000, key)              # as if the last build had written it then
    before = {n: os.stat(out / n) for n in names(out)}
    report, _ = write(out, manifest, {"index.html": b"beranda baru", "a/index.html": b"a", "b/index.html": b"b"})
    assert report == writer.WriteReport(1, 2, 0)
    for name in ("a/index.html", "b/index.html"):
        after = os.stat(out / name)
        assert (after.st_ino, after.st_mtime_ns) == (before[name].st_ino, before[name].st_mtime_ns)
    assert os.stat(out / "a/index.html").st_mtime_ns == 1_000_000_000
    assert (out / "index.html").read_bytes() == b"beranda baru"


def test_nothing_is_written_when_nothing_changed(tmp_path):
    out = tmp_path / "output"
    source = tmp_path / "foto.jpg"
    source.write_bytes(b"\xff\xd8jpeg")
    pages = {"index.html": b"beranda", "a/index.html": b"a"}
    _, manifest = write(out, {}, pages, {"a/foto.jpg": source})
    before = snapshot(out)
    folder = os.stat(out)
    report, again = write(out, manifest, dict(pages), {"a/foto.jpg": source})
    assert report == writer.WriteReport(0, 3, 0) and not report.changed
    assert again == manifest
    assert snapshot(out) == before
    assert (os.stat(out).st_ino, os.stat(out).st_mtime_ns) == (folder.st_ino, folder.st_mtime_ns)
    assert sorted(os.listdir(tmp_path)) == ["foto.jpg", "output"]      # no staging folder made


def test_a_file_from_a_new_source_with_the_same_bytes_is_not_rewritten(tmp_path):
    """The search index is made again in a new cache folder, a photo is copied over, an asset is touched: the output
    keeps the file (same inode and time), so sync tools that compare size and time upload nothing; other bytes of
    the same size are written."""
    out = tmp_path / "output"
    first, second, third = tmp_path / "a" / "x.js", tmp_path / "b" / "x.js", tmp_path / "c" / "x.js"
    for source, text in ((first, "var a = 1;"), (second, "var a = 1;"), (third, "var a = 2;")):
        source.parent.mkdir()
        source.write_text(text)
    _, manifest = write(out, {}, {}, {"pagefind/x.js": first})
    before = os.stat(out / "pagefind/x.js")
    report, manifest = write(out, manifest, {}, {"pagefind/x.js": second})
    assert report == writer.WriteReport(0, 1, 0)
    after = os.stat(out / "pagefind/x.js")
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert manifest["pagefind/x.js"][2].startswith(str(second)), "the next build knows the file by its new source"
    report, _ = write(out, manifest, {}, {"pagefind/x.js": third})
    assert report == writer.WriteReport(1, 0, 0)
    assert (out / "pagefind/x.js").read_text() == "var a = 2;"


@pytest.mark.parametrize("path", ["../luar.html", "/../../etc/x", "a/../../b", "..", "", "/", "a\\b", "a\0b"])
def test_a_path_escaping_the_output_raises(tmp_path, path):
    with pytest.raises(writer.UnsafeOutput):
        writer.relative_path(path)
    out = tmp_path / "output"
    _, manifest = write(out, {}, {"index.html": b"lama"})
    before = snapshot(tmp_path)
    with pytest.raises(writer.UnsafeOutput):
        write(out, manifest, {"index.html": b"baru", path: b"jahat"})
    assert snapshot(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == ["output"]


@pytest.mark.parametrize("path, clean", [("/a/b/index.html", "a/b/index.html"), ("feed.xml", "feed.xml"),
                                         ("/a/./b/", "a/b"), ("/a/b/../c.html", "a/c.html")])
def test_safe_relative_paths(path, clean):
    assert writer.relative_path(path) == clean


def test_a_failure_while_staging_leaves_the_output_as_it_was(tmp_path):
    out = tmp_path / "output"
    _, manifest = write(out, {}, {"index.html": b"lama", "a/index.html": b"a"})
    before = snapshot(out)
    update = writer.Update(out, manifest, cache.scan(out))
    update.stage_bytes("index.html", b"baru", digest(b"baru"))
    assert update.staging.is_dir()
    with pytest.raises(OSError):
        update.stage_file("a/hilang.jpg", tmp_path / "tidak-ada.jpg", "kunci")
    update.abort()
    assert snapshot(out) == before
    assert sorted(os.listdir(tmp_path)) == ["output"]


@pytest.mark.parametrize("first", [False, True])
def test_leftovers_of_an_interrupted_build_are_cleaned(tmp_path, first):
    out = tmp_path / "output"
    manifest = {} if first else write(out, {}, {"index.html": b"0"})[1]
    (writer.staging_dir(out) / "x").mkdir(parents=True)
    (writer.staging_dir(out) / "x" / "sisa.html").write_bytes(b"sisa")
    write(out, manifest, {"index.html": b"1"})
    assert sorted(os.listdir(tmp_path)) == ["output"]
    assert names(out) == ["index.html"]


def test_output_folder_that_holds_config_yaml_is_refused(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "config.yaml").write_text("site: {}\n")
    with pytest.raises(writer.UnsafeOutput, match="config.yaml"):
        writer.check_output_dir(site, tmp_path / "situs-kedua")   # another site's folder
    with pytest.raises(writer.UnsafeOutput):
        writer.check_output_dir(site, site)                 # the site folder itself
    with pytest.raises(writer.UnsafeOutput):
        writer.check_output_dir(tmp_path, site)             # a folder that holds the site
    other = tmp_path / "situs-lain"
    (other / "content").mkdir(parents=True)
    with pytest.raises(writer.UnsafeOutput):
        writer.check_output_dir(other, site)                # another site's sources
    writer.check_output_dir(site / "output", site)          # the default is fine
    writer.check_output_dir(tmp_path / "publik", site)      # and so is a fresh folder beside it


@pytest.mark.parametrize("output", [".", "content", "content/posts", "templates", "templates/assets"])
def test_output_over_the_sources_is_refused_and_nothing_is_written(tmp_path, output):
    from generator.theme import THEME_DIR
    from tests.conftest import build_site, md, write_site
    import shutil

    site = write_site(tmp_path / "site", {"content/posts/a.md": md("title: A\ndate: 2019-11-08")})
    shutil.copytree(THEME_DIR, site / "templates")
    before = snapshot(tmp_path)
    with pytest.raises(writer.UnsafeOutput):
        build_site(site, output_dir=site / output)
    assert snapshot(tmp_path) == before
