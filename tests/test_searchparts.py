"""Pagefind's index taken apart per page and merged again: the same index as Pagefind's own, however it was split."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import cbor2
import pytest

from generator import search, searchparts

BINARY = search.executable()
pytestmark = pytest.mark.skipif(BINARY is None, reason="pagefind[extended] is installed by make")

WORDS = ("rapat pleno rekapitulasi suara pemilih logistik sosialisasi pencalonan kampanye pemungutan "
         "penghitungan saksi partai relawan demokrasi sekolah desa kecamatan").split()


def page(n: int, extra: str = "", head: str = "") -> bytes:
    """A page as our templates mark it: the article is indexed, its date given to Pagefind as meta."""
    words = " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(40 + n % 13))
    return (f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Berita {n}</title>{head}</head>'
            f'<body><article data-pagefind-body><h1>Berita nomor {n} tentang {WORDS[n % len(WORDS)]}</h1>'
            f'<time datetime="2024-01-{1 + n % 28:02d}T10:00:00+08:00" data-pagefind-meta="date, iso[datetime]">'
            f'{1 + n % 28} Januari 2024</time><p>{words}. {extra}</p>'
            f'<h2 id="bagian-{n}">Bagian {n}</h2><p>Penutup berita {n}.</p></article></body></html>').encode()


def pages(count: int) -> dict[str, bytes]:
    out = {f"/2024/01/berita-{n}/": page(n) for n in range(count)}
    out["/2024/01/berita-3/"] = page(3, "Pertemuan di Café Sélatan bersama Bapak Zoë membahas naïf.")
    out["/2024/01/berita-5/"] = page(5, head="", extra='<img src="/foto.jpg" alt="Foto rapat">')
    return out


def bundle(pages_: dict[str, bytes], folder: Path) -> Path:
    assert search.make(BINARY, pages_, folder) == ""
    return folder


def read(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(searchparts.SIGNATURE)
    return data[len(searchparts.SIGNATURE):]


def canonical(folder: Path) -> dict:
    """What a search can see in a bundle, with pages named by URL instead of by number."""
    entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language, info), = entry["languages"].items()
    _version, meta_pages, chunks, filters, sorts, fields = cbor2.loads(read(folder / f"pagefind.{info['hash']}.pf_meta"))
    fragments = [json.loads(read(folder / "fragment" / f"{h}.pf_fragment")) for h, _ in meta_pages]
    urls = [f["url"] for f in fragments]

    def by_url(postings):
        out, page = {}, 0
        for delta, locs, meta_locs in postings:
            page += delta
            out[urls[page]] = (locs, meta_locs)
        return out

    words = {}
    for _from, _to, chunk in chunks:
        for word, postings, variants in cbor2.loads(read(folder / "index" / f"{chunk}.pf_index"))[0]:
            words[word] = (by_url(postings), {form: by_url(p) for form, p in variants})
    return {"language": language, "page_count": info["page_count"], "fields": fields, "filters": filters,
            "sorts": sorts, "ranges": [(a, b) for a, b, _ in chunks], "words": words,
            "pages": {f["url"]: (count, f) for f, (_h, count) in zip(fragments, meta_pages)}}


def write(merged: searchparts.Merged, folder: Path) -> Path:
    for rel, data in merged.files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def test_merging_the_records_of_one_run_gives_pagefinds_own_index_back(tmp_path):
    own = bundle(pages(900), tmp_path / "own")
    records = searchparts.split(own)
    assert len(records) == 900
    merged = write(searchparts.merge(records, own), tmp_path / "merged")
    expected, got = canonical(own), canonical(merged)
    assert any(variants for _p, variants in expected["words"].values()), "the page with diacritics gives variants"
    assert "image" in expected["fields"], "the page with a photo adds meta fields the others lack"
    assert len(expected["ranges"]) > 1, "enough words for several chunks, each named by its first and last words"
    assert got == expected


def test_records_survive_being_stored(tmp_path):
    records = searchparts.split(bundle(pages(12), tmp_path / "own"))
    assert [searchparts.PageRecord.loads(r.dumps()) for r in records] == records


def test_records_from_separate_runs_merge_to_the_same_bytes_as_one_run(tmp_path):
    """The property the incremental build rests on: which pages Pagefind read together does not show in the index."""
    all_pages = pages(50)
    urls = sorted(all_pages)
    whole = searchparts.split(bundle(all_pages, tmp_path / "whole"))
    parts = []
    for i, group in enumerate((urls[:7], urls[7:30], urls[30:])):
        parts += searchparts.split(bundle({u: all_pages[u] for u in group}, tmp_path / f"part{i}"))
    one = searchparts.merge(whole, tmp_path / "whole")
    three = searchparts.merge(list(reversed(parts)), tmp_path / "part0")
    assert one.files == three.files


def test_a_previous_bundle_lends_its_unchanged_chunks(tmp_path):
    own = bundle(pages(40), tmp_path / "own")
    records = searchparts.split(own)
    first = searchparts.merge(records, own)
    folder = write(first, tmp_path / "cache" / "a")
    (folder / searchparts.CHUNK_LIST).write_text(json.dumps(first.chunks))
    again = searchparts.merge(records, own, folder)
    assert again.files == first.files


def test_filters_are_not_taken_apart(tmp_path):
    marked = {"/a/": page(1).replace(b"<h1>", b'<span data-pagefind-filter="kategori">Berita</span><h1>')}
    with pytest.raises(searchparts.Unsupported):
        searchparts.split(bundle(marked, tmp_path / "own"))
