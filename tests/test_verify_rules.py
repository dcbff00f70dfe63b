"""verify's decisions, without a target: known patterns, the comparison by size, what makes a page look injected."""

from __future__ import annotations

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
