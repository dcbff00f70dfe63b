"""`publish` to a folder target, end to end through the command line: the planner's promises on real files."""

from __future__ import annotations

import pytest

import re

from generator.publish import manifest
from generator.publish.plan import MANIFEST, Entry
from tests.conftest import Kept, keep, md, news_site, run_cli, run_cli_while_locked, tree

pytestmark = pytest.mark.servers


def folder_site(tmp_path, extra: str = ""):
    target = tmp_path / "target"
    site = news_site(tmp_path / "site", f"publish:\n  cadangan:\n    type: folder\n    path: {target}\n{extra}")
    return site, target


@pytest.fixture(scope="module")
def published_once(tmp_path_factory) -> Kept:
    """The site published once to its folder target, both kept as right after it."""
    base = tmp_path_factory.mktemp("folder-published")
    site, _ = folder_site(base)
    assert run_cli("publish", "--site", str(site)).code == 0
    return keep(base, tmp_path_factory.mktemp("folder-published-kept"))


@pytest.fixture
def published(published_once):
    """(site, target) as right after the site's first publish: the module's one publish put back at the paths it was
    made at (the site's config names the target's), times kept."""
    base = published_once.restore()
    return base / "site", base / "target"


def sent(run) -> int:
    return int(re.search(r"(\d+) dikirim", run.out).group(1))


def test_first_publish_makes_the_target_equal_to_output_then_nothing_travels(tmp_path):
    site, target = folder_site(tmp_path)
    first = run_cli("publish", "--site", str(site))
    assert first.code == 0, first.err
    assert tree(target, skip=(MANIFEST,)) == tree(site / "output")
    assert re.search(r"^cadangan: \d+ dikirim, 0 tidak berubah, 0 dihapus, 0 milik pihak lain dibiarkan; "
                     r"[\d.]+ detik\.$", first.out, re.M), first.out
    again = run_cli("publish", "--site", str(site))
    assert again.code == 0 and sent(again) == 0


def test_one_edit_sends_only_the_changed_files(published):
    site, target = published
    untouched = target / "assets" / "style.css"
    before = untouched.stat().st_mtime_ns
    post = site / "content/posts/2024/berita-0/index.md"
    post.write_text(post.read_text().replace("Isi berita 0.", "Isi berita 0, diperbaiki."))
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0, run.err
    assert 1 <= sent(run) <= 20
    assert tree(target, skip=(MANIFEST,)) == tree(site / "output")
    assert untouched.stat().st_mtime_ns == before


def test_other_peoples_files_are_kept_and_named(tmp_path):
    site, target = folder_site(tmp_path)
    target.mkdir()
    (target / ".htaccess").write_text("# milik admin\n")         # the site makes one too: not overwritten
    (target / "CNAME").write_text("kaltara.kpu.go.id\n")
    (target / ".well-known").mkdir()
    (target / ".well-known" / "security.txt").write_text("Contact: mailto:humas@kpu.go.id\n")
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0, run.err
    assert "berkas milik pihak lain dibiarkan: .htaccess, .well-known/security.txt, CNAME" in run.out
    assert "1 berkas situs tidak dikirim" in run.err and ": .htaccess." in run.err
    assert (target / ".htaccess").read_text() == "# milik admin\n"
    assert (target / "CNAME").read_text() == "kaltara.kpu.go.id\n"
    # a removed post: its files go, the foreign ones stay
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    (site / "content/posts/2024/berita-1").rmdir()
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0, run.err
    assert not (target / "2024/05/02/berita-1").exists()
    assert (target / "CNAME").is_file() and (target / ".well-known/security.txt").is_file()
    assert tree(target, skip=(MANIFEST, "CNAME", ".htaccess", ".well-known/security.txt")) == \
        tree(site / "output", skip=(".htaccess",))


def test_more_deletions_than_max_deletes_need_yes(tmp_path):
    site, target = folder_site(tmp_path, "    max_deletes: 0\n")
    assert run_cli("publish", "--site", str(site)).code == 0
    for i in range(2):
        post = site / f"content/posts/2024/berita-{i}/index.md"
        post.write_text(post.read_text().replace("tags: [pemilu]", "tags: [pilkada]"))
    before = tree(target)
    run = run_cli("publish", "--site", str(site))
    assert run.code == 1 and "lebih dari batas max_deletes (0)" in run.err and "--yes" in run.err
    assert tree(target) == before
    run = run_cli("publish", "--site", str(site), "--yes")
    assert run.code == 0, run.err
    assert not (target / "tag/pemilu").exists()


def test_dry_run_lists_and_changes_nothing(tmp_path):
    site, target = folder_site(tmp_path)
    run = run_cli("publish", "--site", str(site), "--dry-run")
    assert run.code == 0, run.err
    assert "  kirim  index.html" in run.out and "uji coba, tidak ada yang diubah" in run.out
    assert not target.exists() or tree(target) == {}


def test_a_failed_build_publishes_nothing(tmp_path):
    site, target = folder_site(tmp_path)
    (site / "content/posts/2024/rusak.md").write_text(md("title: Rusak\ndate: 2019-13-45"))
    run = run_cli("publish", "--site", str(site))
    assert run.code == 1
    assert "rusak.md:3" in run.err and "tidak ada yang diterbitkan" in run.err
    assert not target.exists()


def test_second_target_and_all(tmp_path):
    backup = tmp_path / "cadangan"
    site, target = folder_site(tmp_path, f"  kedua:\n    type: folder\n    path: {backup}\n")
    run = run_cli("publish", "kedua", "--site", str(site))
    assert run.code == 0 and "kedua:" in run.out and not target.exists()
    run = run_cli("publish", "--all", "--site", str(site))
    assert run.code == 0 and "cadangan:" in run.out and "kedua: 0 dikirim" in run.out
    assert tree(target) == tree(backup)


def test_bad_usage(tmp_path):
    site, _ = folder_site(tmp_path)
    run = run_cli("publish", "lain", "--site", str(site))
    assert run.code == 2 and "tujuan 'lain' tidak ada di config.yaml. Yang ada: cadangan." in run.err
    plain = news_site(tmp_path / "polos", "")
    run = run_cli("publish", "--site", str(plain))
    assert run.code == 2 and "belum ada tujuan terbit" in run.err


def test_a_target_inside_the_site_or_a_damaged_manifest_is_refused(tmp_path):
    site = news_site(tmp_path / "site", "publish:\n  x:\n    type: folder\n    path: output/salinan\n")
    run = run_cli("publish", "--site", str(site))
    assert run.code == 1 and "di dalam folder situs" in run.err
    site, target = folder_site(tmp_path / "b")
    target.mkdir()
    (target / MANIFEST).write_text("{rusak")
    run = run_cli("publish", "--site", str(site))
    assert run.code == 1 and "Traceback" not in run.err and ".kpu-terbit.json" in run.err
    assert tree(target) == {MANIFEST: b"{rusak"}


def test_a_publish_while_a_build_runs_says_so_and_sends_nothing(tmp_path):
    """Publish holds the site's build lock from its build to its last file; another build holding it makes the
    publish wait, then say a build is running (exit 75), with nothing sent."""
    site, target = folder_site(tmp_path)
    ran = run_cli_while_locked(site, "publish", "--site", str(site))
    assert ran.code == 75, ran.err
    assert "Menunggu pembangunan lain" in ran.err and "sedang berjalan" in ran.err
    assert "Traceback" not in ran.err and not target.exists()


def test_a_manifest_naming_paths_outside_the_target_is_reported_and_not_acted_on(published):
    site, target = published
    outside = target.parent / "penting.txt"
    outside.write_text("jangan dihapus")
    recorded = manifest.decode((target / MANIFEST).read_bytes())
    for bad in ("../penting.txt", str(outside)):
        (target / MANIFEST).write_bytes(manifest.encode({**recorded, bad: Entry(14, None)}))
        before = tree(target)
        for args in ((), ("--dry-run",)):
            run = run_cli("publish", "--site", str(site), *args)
            assert run.code == 1 and "Traceback" not in run.err, run.err
            lines = [line for line in run.err.splitlines() if line.startswith("cadangan: ")]
            assert len(lines) == 1 and repr(bad) in lines[0] and "tidak ada yang dikirim atau dihapus" in lines[0]
            assert outside.read_text() == "jangan dihapus" and tree(target) == before


def test_a_linked_folder_in_the_target_is_not_written_through(tmp_path):
    """A sub-folder of the target that is a symbolic link to a folder elsewhere: nothing is written or deleted
    through it; the publish names it and changes nothing."""
    site, target = folder_site(tmp_path)
    elsewhere = tmp_path / "di-luar"
    elsewhere.mkdir()
    target.mkdir()
    (target / "2024").symlink_to(elsewhere, target_is_directory=True)
    run = run_cli("publish", "--site", str(site))
    assert run.code == 1 and "Traceback" not in run.err
    assert "2024 adalah tautan" in run.err
    assert tree(elsewhere) == {} and tree(target) == {}


def test_a_published_file_now_a_link_or_replaced_is_kept_not_deleted(tmp_path, published):
    """The site drops a post whose files someone has since replaced on the target (other bytes of the same size,
    other bytes of another size, a link to a file elsewhere): those are someone else's now, kept and named; the
    post's other files go."""
    site, target = published
    post = target / "2024/05/02/berita-1"
    same_size = post / "index.html"
    same_size.write_bytes(b"x" * same_size.stat().st_size)
    photos = sorted(post.glob("foto-*"))
    photos[0].write_bytes(b"foto pengganti")
    elsewhere = tmp_path / "foto-asli.jpg"
    elsewhere.write_bytes(photos[1].read_bytes())
    photos[1].unlink()
    photos[1].symlink_to(elsewhere)
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0, run.err
    kept = sorted(p.relative_to(target).as_posix() for p in (same_size, photos[0], photos[1]))
    assert f"dibiarkan (tidak dihapus): {', '.join(kept)}." in run.out
    assert sorted(p.relative_to(target).as_posix() for p in post.iterdir()) == kept
    assert elsewhere.is_file() and photos[1].is_symlink()
    recorded = manifest.decode((target / MANIFEST).read_bytes())
    assert not set(kept) & set(recorded)            # someone else's now: the next publish names them as such
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0 and all(rel in run.out for rel in kept) and "milik pihak lain dibiarkan" in run.out


def test_a_file_that_only_looks_like_a_temporary_file_of_publish_is_kept(published):
    site, target = published
    theirs = target / "dokumen" / ".sk.pdf.kpu-terbit~"
    theirs.parent.mkdir()
    theirs.write_bytes(b"%PDF milik admin")
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0 and "dokumen/.sk.pdf.kpu-terbit~" in run.out
    assert theirs.read_bytes() == b"%PDF milik admin"


def test_a_new_target_folder_is_made_and_said(tmp_path):
    site, target = folder_site(tmp_path)
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0 and f"cadangan: folder {target} belum ada, jadi dibuat." in run.out


def test_a_link_planted_at_a_temporary_name_is_not_written_through(tmp_path, published):
    site, target = published
    outside = tmp_path / "penting.txt"
    outside.write_text("jangan ditimpa")
    (target / ".index.html.kpu-terbit~").symlink_to(outside)
    config = site / "config.yaml"
    config.write_text(config.read_text().replace("KPU Provinsi Kalimantan Utara", "KPU Kaltara"))
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0, run.err
    assert outside.read_text() == "jangan ditimpa"
    assert tree(target, skip=(MANIFEST,)) == tree(site / "output")


@pytest.mark.parametrize("where", ["target", "parent"])
def test_a_target_path_that_is_a_file_says_so_and_leaves_the_file(tmp_path, where):
    """The desk trial: a 'path' naming a file (or a folder below a file) was told as a folder that does not exist,
    which sent people looking for a missing folder instead of at the file in the way."""
    blocker = tmp_path / "bukan-folder"
    blocker.write_bytes(b"milik orang lain")
    path = blocker if where == "target" else blocker / "situs"
    site = news_site(tmp_path / "site", f"publish:\n  cadangan:\n    type: folder\n    path: {path}\n")
    run = run_cli("publish", "--site", str(site))
    assert run.code == 1 and "Traceback" not in run.err
    assert f"{blocker} adalah sebuah berkas, bukan folder" in run.err and "tidak ada" not in run.err, run.err
    assert "'path' tujuan 'cadangan'" in run.err
    assert blocker.read_bytes() == b"milik orang lain"
