"""`publish` to a folder target, end to end through the command line: the planner's promises on real files."""

from __future__ import annotations

import re

from generator.publish.plan import MANIFEST
from tests.conftest import md, news_site, run_cli, run_cli_while_locked, tree


def folder_site(tmp_path, extra: str = ""):
    target = tmp_path / "target"
    site = news_site(tmp_path / "site", f"publish:\n  cadangan:\n    type: folder\n    path: {target}\n{extra}")
    return site, target


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


def test_one_edit_sends_only_the_changed_files(tmp_path):
    site, target = folder_site(tmp_path)
    assert run_cli("publish", "--site", str(site)).code == 0
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
