"""The publish planner and manifest: what is sent, in which order, what is deleted, whose files are kept."""

from __future__ import annotations

import pytest

from generator.publish import manifest
from generator.publish.plan import (
    MANIFEST,
    Entry,
    Wave,
    emptied_folders,
    final_manifest,
    folders_to_make,
    is_temp,
    keep,
    parents,
    pending_manifest,
    plan,
    seen,
    survey,
    temp_name,
    too_many_deletes,
    touched_folders,
)

pytestmark = pytest.mark.quick


SITE = {
    "index.html": Entry(10, "home"),
    "feed.xml": Entry(10, "feed"),
    "sitemap.xml": Entry(10, "map"),
    "2019/11/08/rakor/index.html": Entry(10, "post"),
    "2019/11/08/rakor/foto-480w.jpg": Entry(10, "photo"),
    "assets/style.css": Entry(10, "css"),
    "pagefind/fragment/id_ab12.pf_fragment": Entry(10, "frag"),
    "galeri/index.html": Entry(10, "gallery"),
}


def test_first_publish_sends_everything_resources_then_pages_then_front():
    decided = plan(SITE, {}, {})
    assert decided.groups == (
        ("2019/11/08/rakor/foto-480w.jpg", "assets/style.css", "pagefind/fragment/id_ab12.pf_fragment"),
        ("2019/11/08/rakor/index.html", "galeri/index.html"),
        ("feed.xml", "index.html", "sitemap.xml"),
    )
    assert decided.deletes == () and decided.foreign == () and decided.unchanged == 0


def test_only_files_whose_bytes_differ_are_sent():
    remote = {rel: e.size for rel, e in SITE.items()}
    edited = {**SITE, "2019/11/08/rakor/index.html": Entry(10, "post2"), "index.html": Entry(11, "home2")}
    decided = plan(edited, SITE, remote)
    assert decided.uploads == ["2019/11/08/rakor/index.html", "index.html"]
    assert decided.unchanged == len(SITE) - 2


def test_a_file_missing_or_resized_on_the_target_is_sent_again():
    remote = {rel: e.size for rel, e in SITE.items()}
    del remote["assets/style.css"]
    remote["galeri/index.html"] = 3
    assert plan(SITE, SITE, remote).uploads == ["assets/style.css", "galeri/index.html"]


def test_deletes_only_files_of_the_previous_manifest_and_keeps_foreign_ones():
    previous = {**SITE, "2018/lama/index.html": Entry(5, "old")}
    remote = {rel: e.size for rel, e in previous.items()} | {".htaccess": 40, ".well-known/x": 3, "surat.pdf": 9,
                                                               MANIFEST: 100}
    decided = plan(SITE, previous, remote)
    assert decided.deletes == ("2018/lama/index.html",)
    assert decided.foreign == (".htaccess", ".well-known/x", "surat.pdf")
    assert decided.uploads == []


def test_a_deleted_file_already_gone_is_not_deleted_again():
    previous = {**SITE, "2018/lama/index.html": Entry(5, "old")}
    assert plan(SITE, previous, {rel: e.size for rel, e in SITE.items()}).deletes == ()


def test_a_foreign_file_where_the_site_has_one_is_not_overwritten():
    decided = plan(SITE, {}, {"index.html": 99})
    assert decided.blocked == ("index.html",)
    assert "index.html" not in decided.uploads
    assert "index.html" not in final_manifest(SITE, decided)


def test_temporary_files_of_an_interrupted_publish_are_cleaned_not_reported():
    leftover = temp_name("2019/11/08/rakor/index.html")
    assert leftover == "2019/11/08/rakor/.index.html.kpu-terbit~" and is_temp(leftover)
    decided = plan(SITE, SITE, {**{rel: e.size for rel, e in SITE.items()}, leftover: 4})
    assert decided.leftovers == (leftover,) and decided.foreign == ()


def test_interrupted_publish_claims_its_files_so_the_next_run_resends_them():
    decided = plan(SITE, {}, {})
    pending = pending_manifest({}, decided, SITE)
    assert set(pending) == set(SITE) and all(e.sha is None for e in pending.values())
    # killed after the first group: the target holds those files, the manifest is the pending one
    remote = {rel: SITE[rel].size for rel in decided.groups[0]}
    again = plan(SITE, pending, remote)
    assert again.uploads == decided.uploads and again.blocked == () and again.foreign == ()


def test_max_deletes():
    previous = {f"old/{i}.html": Entry(1, str(i)) for i in range(5)}
    decided = plan({}, previous, {rel: 1 for rel in previous})
    assert too_many_deletes(decided, 4, confirmed=False)
    assert not too_many_deletes(decided, 4, confirmed=True)
    assert not too_many_deletes(decided, 5, confirmed=False)


def test_folders():
    assert folders_to_make(["a/b/c.html", "a/d.jpg", "e.css"], {"a"}) == [["a/b"]]
    assert folders_to_make(["x/y/z.html"], set()) == [["x"], ["x/y"]]
    assert emptied_folders(["a/b/c.html", "a/d.html"], {"a/e.html"}) == ["a/b"]
    assert emptied_folders(["a/b/c.html"], set()) == ["a/b", "a"]


def test_claims_appended_to_a_manifest_and_a_claim_cut_off():
    base = manifest.encode(SITE)
    claims = manifest.claims({"assets/style.css": Entry(12, None), "2024/é/index.html": Entry(5, None)})
    assert manifest.decode(base + claims) == {**SITE, "assets/style.css": Entry(12, None),
                                               "2024/é/index.html": Entry(5, None)}
    # a publish killed while appending: the claims whole before the cut count, the one cut off does not
    for cut in range(1, len(claims)):
        decoded = manifest.decode(base + claims[:cut])
        assert set(decoded) <= set(SITE) | {"2024/é/index.html"}
        assert decoded.get("2024/é/index.html") in (None, Entry(5, None))
    with pytest.raises(manifest.BadManifest):
        manifest.decode(base + b"\nrusak\n")


def test_manifest_round_trip_and_bad_manifests():
    files = {"a.html": Entry(3, "abc"), "b/c.jpg": Entry(5, None)}
    assert manifest.decode(manifest.encode(files)) == files
    assert manifest.decode(None) == {}
    for bad in (b"{", b"[]", b'{"version": 9, "files": {}}', b'{"version": 1, "files": {"a": 3}}', b"\xff"):
        with pytest.raises(manifest.BadManifest):
            manifest.decode(bad)


def test_scan_hashes_every_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text("satu")
    (tmp_path / "y.css").write_text("dua")
    scanned = manifest.scan(tmp_path)
    assert set(scanned) == {"a/x.html", "y.css"}
    assert scanned["a/x.html"].size == 4 and scanned["a/x.html"].sha != scanned["y.css"].sha


def test_scan_remembers_hashes_and_notices_every_change(tmp_path):
    site = tmp_path / "output"
    site.mkdir()
    (site / "x.html").write_text("satu")
    remembered = tmp_path / "cache" / "hashes.json"
    first = manifest.scan(site, remembered)
    assert remembered.is_file() and manifest.scan(site, remembered) == first == manifest.scan(site)
    (site / "x.html").write_text("dua!")                    # same size, new bytes
    assert manifest.scan(site, remembered) == manifest.scan(site) != first
    for damaged in ("{", "[]", '{"x.html": 3}', '{"x.html": [1, 2]}'):
        remembered.write_text(damaged)
        assert manifest.scan(site, remembered) == manifest.scan(site)


def test_new_files_are_written_in_place_before_the_group_replaces_old_ones():
    remote = {rel: e.size for rel, e in SITE.items()}
    edited = {**SITE, "assets/style.css": Entry(11, "css2"), "2024/baru/foto.jpg": Entry(3, "new"),
              "2024/baru/index.html": Entry(3, "newpage"), "galeri/index.html": Entry(10, "gallery2"),
              "index.html": Entry(10, "home2")}
    assert plan(edited, SITE, remote).steps() == [
        (0, ("2024/baru/foto.jpg",), True), (0, ("assets/style.css",), False),
        (1, ("2024/baru/index.html",), True), (1, ("galeri/index.html",), False),
        (2, ("index.html",), False)]
    # a target that cannot be listed: everything is replaced by rename
    assert all(not in_place for _, _, in_place in plan(edited, SITE, None).steps())


def test_the_survey_asks_only_about_what_the_manifest_does_not_vouch_for():
    previous = {**SITE, "2018/lama/index.html": Entry(5, "old"), "2024/setengah/index.html": Entry(7, None)}
    local = {**SITE, "2024/baru/index.html": Entry(3, "new"), "2024/setengah/index.html": Entry(7, "half")}
    asked = survey(local, previous)
    # new files (someone else's file may be there), an upload cut off and its temporary file, the manifest
    assert asked.paths == {"2024/baru/index.html", "2024/setengah/index.html",
                           temp_name("2024/setengah/index.html"), MANIFEST}
    # the rest is taken as recorded: sent again only if its bytes changed here, deleted only if it was publish's
    remote = seen(asked, {"2024/baru/index.html": 9, ".htaccess": 40})
    decided = plan(local, previous, remote)
    assert decided.blocked == ("2024/baru/index.html",) and decided.foreign == (".htaccess", "2024/baru/index.html")
    assert decided.uploads == ["2024/setengah/index.html"] and decided.deletes == ("2018/lama/index.html",)
    assert decided.unchanged == len(SITE)


def test_a_full_survey_asks_about_every_file_and_trusts_nothing():
    asked = survey(SITE, SITE, full=True)
    assert asked.paths == set(SITE) | {MANIFEST} and asked.trusted == {}
    remote = seen(asked, {rel: e.size for rel, e in SITE.items() if rel != "assets/style.css"})
    assert plan(SITE, SITE, remote).uploads == ["assets/style.css"]
    # without it the manifest's word is taken for the missing file
    assert plan(SITE, SITE, seen(survey(SITE, SITE), {})).uploads == []


def test_waves_write_replacements_early_and_rename_them_rank_by_rank():
    remote = {rel: e.size for rel, e in SITE.items()}
    edited = {**SITE, "assets/style.css": Entry(11, "css2"), "2024/baru/foto.jpg": Entry(3, "new"),
              "2024/baru/index.html": Entry(3, "newpage"), "galeri/index.html": Entry(10, "gallery2"),
              "index.html": Entry(10, "home2"), "rss.xml": Entry(4, "newfeed")}
    assert plan(edited, SITE, remote).waves() == [
        Wave(("2024/baru/foto.jpg",), ("assets/style.css", "galeri/index.html", "index.html"), ()),
        Wave(("2024/baru/index.html",), (), ("assets/style.css",)),
        Wave(("rss.xml",), (), ("galeri/index.html",)),
        Wave((), (), ("index.html",))]
    # every file is in the waves once, and each is visible only after everything of a lower rank
    first = plan(SITE, {}, {})
    assert [wave.written for wave in first.waves()] == list(first.groups)
    one_page = plan({**SITE, "galeri/index.html": Entry(10, "g2")}, SITE, remote).waves()
    assert one_page == [Wave((), ("galeri/index.html",), ()), Wave((), (), ("galeri/index.html",))]


def test_waves_that_only_rename_go_together_when_the_server_keeps_order():
    """After one edit the search index's entry (a resource), the page and the home page are all replacements:
    renamed in that order in one wave. Renames that need new files of their own rank still wait for them."""
    before = {**SITE, "pagefind/pagefind-entry.json": Entry(5, "e1"), "2024/lama/index.html": Entry(6, "p1")}
    remote = {rel: e.size for rel, e in before.items()}
    edited = {**before, "pagefind/pagefind-entry.json": Entry(5, "e2"), "pagefind/index/en_2.pf_index": Entry(7, "n"),
              "2024/lama/index.html": Entry(6, "p2"), "index.html": Entry(10, "home2")}
    staged = ("pagefind/pagefind-entry.json", "2024/lama/index.html", "index.html")
    decided = plan(edited, before, remote)
    assert decided.waves() == [Wave(("pagefind/index/en_2.pf_index",), staged, ()),
                               Wave((), (), ("pagefind/pagefind-entry.json",)),
                               Wave((), (), ("2024/lama/index.html",)), Wave((), (), ("index.html",))]
    assert decided.waves(ordered=True) == [Wave(("pagefind/index/en_2.pf_index",), staged, ()),
                                           Wave((), (), staged)]
    # with a new post: its page waits for the resources' renames, the other pages' renames wait for it
    with_new_page = plan({**edited, "2024/baru/index.html": Entry(3, "n")}, before, remote).waves(ordered=True)
    assert with_new_page == [Wave(("pagefind/index/en_2.pf_index",), staged, ()),
                             Wave(("2024/baru/index.html",), (), ("pagefind/pagefind-entry.json",)),
                             Wave((), (), ("2024/lama/index.html", "index.html"))]


BAD_PATHS = ["../.ssh/authorized_keys", "a/../../b", "/etc/passwd", "/", "", ".", "a//b", "a/./b", "a/", "..",
             "a\\..\\b", "a\0b", "a\nDELE x"]


@pytest.mark.parametrize("rel", BAD_PATHS)
def test_a_manifest_naming_a_path_outside_the_target_is_refused_whole(rel):
    """Paths read from the target are checked as strictly as the site's own: in the files or in a claim line."""
    good = {"index.html": Entry(3, "abc")}
    with pytest.raises(manifest.UnsafeEntry) as raised:
        manifest.decode(manifest.encode({**good, rel: Entry(1, "x")}))
    assert raised.value.rel == rel
    with pytest.raises(manifest.UnsafeEntry):
        manifest.decode(manifest.encode(good) + manifest.claims({rel: Entry(1, None)}))


def test_parents_of_an_absolute_path_end():
    """dirname('/') is '/': the walk upwards used to loop forever on an absolute path."""
    assert list(parents("/etc/ssh/sshd_config")) == ["/etc/ssh", "/etc"]
    assert emptied_folders(["/srv/www/a.html"], set()) == ["/srv/www", "/srv"]


def test_a_listing_with_unsafe_names_or_foreign_temporary_files_deletes_nothing_of_them():
    """Only temporary files standing for a path the manifest records are publish's leftovers (deleted); another
    file that merely looks like one is someone else's, and a name from the server that is not a clean path is
    ignored whole."""
    ours = temp_name("2019/11/08/rakor/index.html")
    theirs = temp_name("dokumen/sk.pdf")
    remote = {**{rel: e.size for rel, e in SITE.items()}, ours: 4, theirs: 9, temp_name(MANIFEST): 7,
              "../.x.kpu-terbit~": 1, "/etc/.passwd.kpu-terbit~": 1, "../rahasia.txt": 1}
    decided = plan(SITE, SITE, remote)
    assert decided.leftovers == tuple(sorted((ours, temp_name(MANIFEST))))
    assert decided.foreign == (theirs,)


def test_kept_files_leave_the_deletions_and_are_named():
    previous = {**SITE, "2018/lama/index.html": Entry(5, "old"), "2018/lama/foto.jpg": Entry(5, "f")}
    decided = keep(plan(SITE, previous, {rel: e.size for rel, e in previous.items()}), ["2018/lama/foto.jpg"])
    assert decided.deletes == ("2018/lama/index.html",) and decided.replaced == ("2018/lama/foto.jpg",)
    assert "2018/lama/foto.jpg" not in final_manifest(SITE, decided)


def test_touched_folders_are_every_folder_a_write_or_delete_goes_through():
    previous = {**SITE, "2018/lama/index.html": Entry(5, "old")}
    decided = plan({**SITE, "a/b/c.html": Entry(1, "c")}, previous, {rel: e.size for rel, e in previous.items()})
    assert touched_folders(decided) == ["2018", "a", "2018/lama", "a/b"]
