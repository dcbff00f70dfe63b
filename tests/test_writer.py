"""The writer: changed files staged beside the output and moved in on commit; unchanged files kept; nothing outside."""

from __future__ import annotations

import os
import shutil

import pytest

from generator.core import resources
from generator.core.hashing import digest
from generator.engine import cache
from generator.render import writer
from tests.conftest import snapshot

pytestmark = pytest.mark.quick


def names(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def write(out, manifest, pages, files=None):
    """One build's write, the way generator/render/stage.py drives writer.Update: every path is checked first, what the
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
    import shutil

    from generator.model.theme import THEME_DIR
    from tests.conftest import build_site, md, write_site

    site = write_site(tmp_path / "site", {"content/posts/a.md": md("title: A\ndate: 2019-11-08")})
    shutil.copytree(THEME_DIR, site / "templates")
    before = snapshot(tmp_path)
    with pytest.raises(writer.UnsafeOutput):
        build_site(site, output_dir=site / output)
    assert snapshot(tmp_path) == before


# --- what the build may delete or replace: only files an earlier build of this site wrote (issue 13) ---------------

from generator.photos import probe, store  # noqa: E402
from tests.conftest import build_site, md, run_cli, write_site  # noqa: E402

POST_A = md("title: Rapat A\ndate: 2019-11-08 10:00")
POST_B = md("title: Rapat B\ndate: 2019-11-09 10:00")
OFFICE_FILES = {"CNAME": b"kaltara.kpu.go.id\n", ".nojekyll": b"", "google1234abcd.html": b"google-site-verification",
                "dokumen/pengumuman.pdf": b"%PDF-1.4 tangan", "2019/11/08/rapat-a/catatan.txt": b"ditaruh manual"}


def _site(tmp_path, **files):
    return write_site(tmp_path / "site", {"content/posts/rapat-a/index.md": POST_A,
                                           "content/posts/rapat-b.md": POST_B, **files})


def _put(out, files):
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)


def _held(out, files):
    return {rel: (out / rel).read_bytes() for rel in files if (out / rel).is_file()}


def test_files_the_office_put_in_output_survive_every_kind_of_build(tmp_path):
    site = _site(tmp_path)
    build_site(site)
    out = site / "output"
    _put(out, OFFICE_FILES)
    result = build_site(site)                                              # a no-op build
    assert _held(out, OFFICE_FILES) == OFFICE_FILES
    warned = [str(w) for w in result.warnings if "tidak dibuat" in str(w)]
    assert len(warned) == 1 and "5 berkas" in warned[0] and "CNAME" in warned[0]
    (site / "content/posts/rapat-b.md").write_text(POST_B.replace("Rapat B", "Rapat B baru"), encoding="utf-8")
    build_site(site)                                                       # an incremental build
    shutil.rmtree(site / "content/posts/rapat-a")                          # a post removed: its folder had a note
    result = build_site(site)
    assert _held(out, OFFICE_FILES) == OFFICE_FILES
    assert not (out / "2019/11/08/rapat-a/index.html").exists()            # what the site wrote there is gone
    assert result.report.removed >= 1
    assert any("catatan.txt" in str(w) for w in result.warnings)


def test_first_build_into_a_folder_holding_someones_files_is_refused_and_leaves_it_untouched(tmp_path):
    site = _site(tmp_path)
    public = tmp_path / "dokumen-saya"
    _put(public, {"skripsi.docx": b"bab 1", "index.html": b"<p>halaman lama saya</p>", "foto/keluarga.jpg": b"jpg"})
    before = snapshot(tmp_path)
    with pytest.raises(writer.UnsafeOutput, match="tidak dibuat oleh pembangunan situs ini"):
        build_site(site, output_dir=public)
    assert snapshot(tmp_path) == before
    ran = run_cli("build", "--site", str(site), "--output", str(public))
    assert ran.code == 2 and "--force" in ran.err and "Traceback" not in ran.err
    assert snapshot(tmp_path) == before


def test_force_overwrites_only_same_named_files_and_never_deletes(tmp_path):
    site = _site(tmp_path)
    public = tmp_path / "publik"
    _put(public, {"skripsi.docx": b"bab 1", "index.html": b"<p>lama</p>"})
    result = build_site(site, output_dir=public, force=True)
    assert (public / "skripsi.docx").read_bytes() == b"bab 1"
    assert b"Rapat A" in (public / "index.html").read_bytes()
    assert any("skripsi.docx" in str(w) for w in result.warnings)
    build_site(site, output_dir=public)                                    # later builds need no --force
    assert (public / "skripsi.docx").read_bytes() == b"bab 1"


def test_an_empty_or_new_folder_needs_no_force(tmp_path):
    site = _site(tmp_path)
    (tmp_path / "kosong").mkdir()
    build_site(site, output_dir=tmp_path / "kosong")
    build_site(site, output_dir=tmp_path / "baru" / "sekali")
    assert (tmp_path / "kosong/index.html").is_file() and (tmp_path / "baru/sekali/index.html").is_file()


def test_a_lost_record_refuses_until_forced_and_then_deletes_nothing_it_cannot_vouch_for(tmp_path):
    site = _site(tmp_path)
    build_site(site)
    out = site / "output"
    shutil.rmtree(site / ".cache")
    before = snapshot(out)
    with pytest.raises(writer.UnsafeOutput, match="--force"):
        build_site(site)
    assert snapshot(out) == before
    (site / "content/posts/rapat-b.md").unlink()
    build_site(site, force=True)
    assert (out / "2019/11/09/rapat-b/index.html").is_file()              # not vouched for: left, and named
    build_site(site)


def test_a_file_the_office_put_where_the_site_later_writes_is_not_replaced(tmp_path):
    site = _site(tmp_path)
    build_site(site)
    out = site / "output"
    _put(out, {"profil/index.html": b"<p>profil buatan tangan</p>", "2020": b"sebuah berkas"})
    write_site(site, {"content/pages/profil.md": md("title: Profil"),
                      "content/posts/rapat-c.md": md("title: Rapat C\ndate: 2020-01-02 10:00")}, config=None)
    before = snapshot(out)
    with pytest.raises(writer.UnsafeOutput) as refused:
        build_site(site)
    assert "profil/index.html" in str(refused.value) and "2020" in str(refused.value)
    assert snapshot(out) == before
    build_site(site, force=True)
    assert b"Profil" in (out / "profil/index.html").read_bytes()


def test_a_folder_of_the_office_where_the_site_writes_a_file_is_not_removed(tmp_path):
    site = _site(tmp_path)
    build_site(site)
    out = site / "output"
    _put(out, {"tentang/index.html/catatan.txt": b"aneh tapi milik orang"})
    write_site(site, {"content/pages/tentang.md": md("title: Tentang")}, config=None)
    with pytest.raises(writer.UnsafeOutput, match="tentang/index.html"):
        build_site(site)
    assert (out / "tentang/index.html/catatan.txt").read_bytes() == b"aneh tapi milik orang"


def test_two_outputs_of_one_site_keep_their_own_records(tmp_path):
    site = _site(tmp_path)
    build_site(site, output_dir=tmp_path / "a")
    build_site(site, output_dir=tmp_path / "b")
    _put(tmp_path / "b", {"CNAME": b"b.example\n"})
    (site / "content/posts/rapat-b.md").unlink()
    build_site(site, output_dir=tmp_path / "a")
    build_site(site, output_dir=tmp_path / "b")
    assert (tmp_path / "b/CNAME").read_bytes() == b"b.example\n"
    assert not (tmp_path / "b/2019/11/09/rapat-b/index.html").exists()


@pytest.mark.parametrize("where", ["generator", "generator/render", "templates", "templates/assets", ".", ".cache",
                                   ".cache/photos"])
def test_output_over_the_generator_or_the_cache_is_refused(tmp_path, where):
    site = _site(tmp_path)
    target = (site / where) if where.startswith(".c") or where == "." else resources.PACKAGE_DIR.parent / where
    with pytest.raises(writer.UnsafeOutput):
        build_site(site, output_dir=target)


def test_output_pointing_at_a_file_is_a_clear_error(tmp_path):
    site = _site(tmp_path)
    (tmp_path / "catatan.txt").write_text("jangan ditimpa")
    with pytest.raises(writer.UnsafeOutput, match="berkas, bukan folder"):
        build_site(site, output_dir=tmp_path / "catatan.txt")
    ran = run_cli("build", "--site", str(site), "--output", str(tmp_path / "catatan.txt"))
    assert ran.code == 2 and "bukan folder" in ran.err and "Traceback" not in ran.err
    assert (tmp_path / "catatan.txt").read_text() == "jangan ditimpa"


def test_published_files_share_no_bytes_with_sources_theme_or_photo_cache(tmp_path):
    site = _site(tmp_path, **{"content/posts/rapat-a/foto.jpg": b"photo",
                              "content/posts/rapat-a/surat.pdf": b"%PDF-1.4 surat"})
    build_site(site)
    out = site / "output"
    published = [p for p in out.rglob("*") if p.is_file()]
    assert all(p.stat().st_nlink == 1 for p in published)
    pdf = out / "2019/11/08/rapat-a/surat.pdf"
    css = next(out.glob("assets/*.css"))
    photo = next(p for p in out.glob("2019/11/08/rapat-a/*.jpg"))
    for path in (pdf, css, photo):
        path.write_bytes(b"diubah oleh alat sinkronisasi")
    assert (site / "content/posts/rapat-a/surat.pdf").read_bytes() == b"%PDF-1.4 surat"
    assert all(b"diubah" not in p.read_bytes() for p in (site / ".cache/photos").iterdir() if p.is_file())
    build_site(site)                                                       # the edited copies are put right
    assert pdf.read_bytes() == b"%PDF-1.4 surat" and b"diubah" not in photo.read_bytes()


@pytest.mark.parametrize("same_size", [False, True])
def test_a_derived_photo_whose_bytes_changed_in_the_cache_is_made_again(tmp_path, same_size):
    site = _site(tmp_path, **{"content/posts/rapat-a/foto.jpg": b"photo"})
    build_site(site)
    out = site / "output"
    published = {p: p.read_bytes() for p in out.glob("2019/11/08/rapat-a/*") if p.suffix in (".jpg", ".webp")}
    assert published
    for cached in (site / ".cache/photos").iterdir():
        if cached.name not in (probe.INDEX_NAME, store.MADE_NAME):
            size = cached.stat().st_size
            stat = cached.stat()
            cached.write_bytes(b"x" * size if same_size else b"rusak")
            if same_size:
                os.utime(cached, ns=(stat.st_atime_ns, stat.st_mtime_ns))   # size and time restored: bytes differ
            else:
                os.utime(cached, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    shutil.rmtree(out)
    build_site(site)
    assert {p: p.read_bytes() for p in published} == published


def test_a_site_built_by_a_version_without_the_record_builds_on_without_deleting(tmp_path):
    """An upgrade: the cache is there but no record of the output's files yet. The build goes on as with --force:
    nothing is deleted, and what it cannot vouch for is named."""
    site = _site(tmp_path)
    build_site(site)
    out = site / "output"
    _put(out, {"CNAME": b"kaltara.kpu.go.id\n"})
    shutil.rmtree(site / ".cache" / writer.LEDGER_DIR)
    (site / "content/posts/rapat-b.md").unlink()
    result = build_site(site)
    assert (out / "CNAME").is_file() and (out / "2019/11/09/rapat-b/index.html").is_file()
    assert any("CNAME" in str(w) and "rapat-b" in str(w) for w in result.warnings)
    _put(tmp_path / "lain", {"milik-orang.txt": b"x"})
    with pytest.raises(writer.UnsafeOutput):                        # never for a folder named with --output
        build_site(site, output_dir=tmp_path / "lain")
