"""verify's decisions, without a target: known patterns, the comparison by size, what makes a page look injected."""

from __future__ import annotations

import pytest

from generator.publish.plan import MANIFEST, Entry
from generator.publish.findings import compare, is_known, new_links, page_finding

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
