"""verify's decisions, without a target: known patterns, the comparison by size, what makes a page look injected."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from generator.publish.findings import compare, is_known, new_links, page_finding
from generator.publish.plan import MANIFEST, Entry

pytestmark = pytest.mark.quick


@pytest.mark.parametrize("rel, patterns, known", [
    ("google1234.html", ["google*.html"], True),
    (".well-known/acme-challenge/x", [".well-known/"], True),
    (".well-known/acme-challenge/x", [".well-known"], True),
    ("/arsip-lama/a/b.pdf", [], False),
    ("arsip-lama/a/b.pdf", ["/arsip-lama/"], True),
    ("arsip-lama/a/b.pdf", ["arsip-lama/*.pdf"], False),     # '*' keeps to one folder level as glob does here
    ("arsip-lama/a/b.pdf", ["arsip-lama/**.pdf"], True),
    ("shell.php", ["*.html"], False),
    ("sub/google1234.html", ["google*.html"], False),         # a pattern without '/' names the top folder only
])
def test_known_patterns(rel, patterns, known):
    assert is_known(rel, patterns) is known


def test_compare_sorts_every_kind():
    recorded = {"index.html": Entry(10, "a"), "foto.jpg": Entry(5, "b"), "hilang.html": Entry(3, "c"),
                "klaim.html": Entry(4, None), "tautan.html": Entry(2, "d")}
    live = {"index.html": 10, "foto.jpg": 6, "klaim.html": 4, "tautan.html": -1, "shell.php": 30,
            "google1.html": 5, MANIFEST: 100, ".kpu-terbit.lock/pemegang.json": 50}
    found = compare(recorded, live, ["google*.html"])
    assert found.to_hash == ["index.html"]          # same size, hash recorded: read on the target
    assert set(found.changed) == {"foto.jpg", "tautan.html"} and "tautan" in found.changed["tautan.html"]
    assert found.missing == ["hilang.html"]
    assert found.foreign == ["shell.php"] and found.known == ["google1.html"]


def test_unsafe_names_from_a_listing_are_never_used():
    found = compare({}, {"../luar.html": 3, "a//b": 1}, [])
    assert found.foreign == [] and sorted(found.unsafe) == ["../luar.html", "a//b"]


def test_a_page_with_a_new_link_or_spam_looks_injected_and_an_edit_of_text_does_not():
    published = b'<html><body><a href="/profil/">Profil</a> Rapat pleno.</body></html>'
    assert page_finding("index.html", published.replace(b"pleno", b"pleno terbuka"), published, False) is None
    linked = published.replace(b"</body>", b'<a href="https://slot.example/">x</a></body>')
    assert "slot.example" in page_finding("index.html", linked, published, False).detail
    spam = published.replace(b"Rapat", b"Slot gacor maxwin")
    assert page_finding("berita/index.html", spam, published, False).kind == "DISUSUPI"
    assert page_finding("gambar.jpg", spam, published, False) is None
    assert new_links('<meta http-equiv="refresh" content="0;url=https://judi.example/">', "") == \
        ["https://judi.example/"]


def test_remote_sums_takes_only_well_formed_answers_for_asked_files():
    from generator.publish.sftp import remote_sums

    sha = "46fb7408d4f285228f4af516ea25851b"
    output = (b"Selamat datang di server\n" + sha.encode() + b"  berita/a.html\0"     # a login script's greeting
              + sha.encode() + b"  ./foto x.jpg\0" + sha.encode() + b" *nama\nbaris.html\0"
              + sha.encode() + b"  tidak-diminta.php\0" + b"b2sum: hilang.html: No such file or directory\n\0"
              + b"46fb74  pendek.html\0")
    asked = ["berita/a.html", "foto x.jpg", "nama\nbaris.html", "hilang.html", "pendek.html"]
    # what is not answered plainly is left out, to be read over SFTP and hashed here
    assert remote_sums(output, asked) == {"foto x.jpg": sha, "nama\nbaris.html": sha}


def test_remote_listing_is_taken_whole_or_not_at_all():
    from generator.publish.sftp import LISTED_MARK, remote_listing

    listed = LISTED_MARK + b"f 120 index.html\0l 9 galeri/index.html\0f 0 kosong.txt\0f 7 nama\nbaris.html\0"
    assert remote_listing(listed) == {"index.html": 120, "galeri/index.html": -1, "kosong.txt": 0,
                                      "nama\nbaris.html": 7}
    assert remote_listing(LISTED_MARK) == {}                          # an empty folder
    assert remote_listing(b"") is None                                # ran nothing: never read as an empty site
    assert remote_listing(b"Selamat datang\n" + listed) is None       # a login script's greeting
    assert remote_listing(LISTED_MARK + b"f 120 index.html") is None  # cut short
    assert remote_listing(LISTED_MARK + b"%y %s %P\0") is None         # a find without -printf


def test_remote_survey_is_the_listing_then_the_hashes():
    from generator.publish.sftp import HASHED_MARK, LISTED_MARK, remote_survey

    sha = "46fb7408d4f285228f4af516ea25851b"
    listed = LISTED_MARK + b"f 5 index.html\0f 8 kpu-hash\0"          # a file may bear the mark's name
    output = listed + HASHED_MARK + sha.encode() + b"  index.html\0" + sha.encode() + b"  kpu-hash\0"
    assert remote_survey(output, ["index.html", "kpu-hash"]) == ({"index.html": 5, "kpu-hash": 8},
                                                                 {"index.html": sha, "kpu-hash": sha})
    assert remote_survey(LISTED_MARK + HASHED_MARK, []) == ({}, {})     # an empty folder
    assert remote_survey(listed, ["index.html"]) is None                # find did not finish
    assert remote_survey(b"", []) is None


@pytest.mark.skipif(shutil.which("b2sum") is None or shutil.which("find") is None,
                    reason="GNU coreutils and findutils (the server's side of verify over SFTP) are not here")
def test_a_survey_without_the_lock_is_taken_only_when_no_publish_touched_the_target_meanwhile(tmp_path):
    """The command verify runs on an SFTP server, run here by the same shell and tools: its answer counts only when
    the looks before and after it agree (a publish makes and removes its lock in the target's folder, and changes
    the manifest) and the target's manifest is this computer's copy; with a lock there it lists nothing."""
    from generator.publish import manifest
    from generator.publish.sftp import GUARD, GUARDED_SURVEY, SURVEY, guarded_survey
    from generator.publish.targetlock import LOCK

    root = tmp_path / "www"
    (root / "berita").mkdir(parents=True)
    (root / "index.html").write_bytes(b"<h1>Beranda</h1>")
    (root / "berita/pleno.html").write_bytes(b"<p>Rapat pleno</p>")
    (root / "shell.php").write_bytes(b"<?php system($_GET['c']);")
    files = {rel: Entry((root / rel).stat().st_size, manifest.file_hash(root / rel))
             for rel in ("index.html", "berita/pleno.html")}
    record = manifest.encode(files)
    (root / MANIFEST).write_bytes(record)
    names = manifest.hashed_paths(files)

    def run(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["sh", "-c", command], cwd=root, input=b"\0".join(n.encode() for n in names),
                              capture_output=True)

    whole = run(GUARDED_SURVEY)
    assert whole.returncode == 0, whole.stderr
    listing, hashes = guarded_survey(whole.stdout, names, record)
    assert listing == {"index.html": 16, "berita/pleno.html": 18, "shell.php": 25, MANIFEST: len(record)}
    assert hashes == {rel: entry.sha for rel, entry in files.items()}
    assert guarded_survey(whole.stdout, names, record + b"\n") is None     # another computer published since
    assert guarded_survey(whole.stdout[:-40], names, record) is None         # cut short
    before, middle = run(GUARD).stdout, run(SURVEY).stdout
    assert guarded_survey(before + middle + before, names, record) == (listing, hashes)
    time.sleep(0.05)                    # past the file system's clock tick of the last write above
    (root / LOCK).mkdir()               # a publish from start to end while the files were listed and hashed
    (root / LOCK).rmdir()
    assert guarded_survey(before + middle + run(GUARD).stdout, names, record) is None
    (root / LOCK).mkdir()               # a publish under way: nothing is listed
    stopped = run(GUARDED_SURVEY)
    assert stopped.returncode != 0 and b"kpu-daftar" not in stopped.stdout
