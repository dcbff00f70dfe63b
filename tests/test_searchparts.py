"""Pagefind's index taken apart per page and merged again: the same index as Pagefind's own, however it was split."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2
import pytest

from generator.model.urls import output_file
from generator.render import pagefind, search

BINARY = search.executable()
pytestmark = [pytest.mark.quick, pytest.mark.skipif(BINARY is None, reason="pagefind[extended] is installed by make")]

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
    """Pagefind's bundle of the pages, written to folder as its command would write it."""
    files, error = search.make(BINARY, {output_file(url): html for url, html in pages_.items()},
                               folder.with_name(f"{folder.name}.kerja"))
    assert error == ""
    return write(files, folder)


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def read(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(pagefind.SIGNATURE)
    return data[len(pagefind.SIGNATURE):]


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


def records_of(folder: Path) -> dict[str, pagefind.PageRecord]:
    return {record.url: record for record in pagefind.split(files_of(folder))}


def made(index: pagefind.Index, program: Path, records: dict[str, pagefind.PageRecord]) -> dict[str, bytes]:
    """The bundle's files by path, as the build publishes them."""
    entry = json.loads((program / "pagefind-entry.json").read_text(encoding="utf-8"))
    out = pagefind.files(index, entry, {})
    fragments = {rel: records[key].fragment for rel, key in out.fragments.items()}     # keyed as merged
    return {**{rel: out.new[digest] for rel, digest in out.listing.items() if rel not in fragments}, **fragments,
            **pagefind.program_files(program)}


def write(files: dict[str, bytes], folder: Path) -> Path:
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def test_merging_the_records_of_one_run_gives_pagefinds_own_index_back(tmp_path):
    own = bundle(pages(900), tmp_path / "own")
    records = records_of(own)
    assert len(records) == 900
    merged = write(made(pagefind.merge(records), own, records), tmp_path / "merged")
    expected, got = canonical(own), canonical(merged)
    assert any(variants for _p, variants in expected["words"].values()), "the page with diacritics gives variants"
    assert "image" in expected["fields"], "the page with a photo adds meta fields the others lack"
    assert len(expected["ranges"]) > 1, "enough words for several chunks, each named by its first and last words"
    assert got == expected


def test_records_survive_being_stored(tmp_path):
    records = pagefind.split(files_of(bundle(pages(12), tmp_path / "own")))
    assert [pagefind.PageRecord.loads(r.dumps()) for r in records] == records
    assert [pagefind.PageRecord.fragment_of(r.dumps()) for r in records] == [r.fragment for r in records]


def test_records_from_separate_runs_merge_to_the_same_bytes_as_one_run(tmp_path):
    """The property the incremental build rests on: which pages Pagefind read together does not show in the index."""
    all_pages = pages(50)
    urls = sorted(all_pages)
    whole = records_of(bundle(all_pages, tmp_path / "whole"))
    parts = {}
    for i, group in enumerate((urls[:7], urls[7:30], urls[30:])):
        parts.update(records_of(bundle({u: all_pages[u] for u in group}, tmp_path / f"part{i}")))
    one = made(pagefind.merge(whole), tmp_path / "whole", whole)
    three = made(pagefind.merge(dict(reversed(parts.items()))), tmp_path / "part0", parts)
    assert one == three


def test_the_index_survives_being_stored(tmp_path):
    index = pagefind.merge(records_of(bundle(pages(20), tmp_path / "own")))
    assert pagefind.load_index(cbor2.loads(cbor2.dumps(pagefind.dump_index(index)))) == index


def test_a_patched_index_is_the_merged_index_of_the_same_pages(tmp_path):
    """Edits in place and new newest pages are patched; the result is exactly what merging every record gives."""
    site = {f"/2024/01/berita-{n}/": page(n) for n in range(30)}
    records = records_of(bundle(site, tmp_path / "start"))
    changes = [
        ("edit", {"/2024/01/berita-4/": page(4, "Tambahan kalimat tentang kotak suara.")}),
        ("edit", {"/2024/01/berita-3/": page(3, "Café Sélatan naïf")}),                   # diacritic variants come
        ("edit", {"/2024/01/berita-3/": page(3)}),                                        # and go
        ("new", {"/2024/02/baru/": page(27).replace(b"2024-01-28", b"2024-02-28")}),      # newest of all
        ("edit", {"/2024/01/berita-8/": page(8, "rapat"), "/2024/01/berita-9/": page(9, "pleno")}),
        ("whole", {"/2024/01/berita-5/": page(5, '<img src="/f.jpg" alt="f">')}),         # a new meta field
        ("whole", {"/2023/12/lama/": page(1).replace(b"2024-01-02", b"2023-12-02")}),     # a page before the others
    ]
    keys = {url: f"{url}#0" for url in records}
    index = pagefind.merge({keys[url]: r for url, r in records.items()})
    for i, (kind, changed) in enumerate(changes, 1):
        fresh = records_of(bundle(changed, tmp_path / f"change{i}"))
        old = {keys[url]: records[url] for url in fresh if url in records}
        keys.update({url: f"{url}#{i}" for url in fresh})
        patched = pagefind.patch(index, old, {keys[url]: r for url, r in fresh.items()})
        records.update(fresh)
        whole = pagefind.merge({keys[url]: r for url, r in records.items()})
        if kind == "whole":
            assert patched is None, changed
            index = whole
            continue
        assert patched is not None, changed
        assert pagefind.dump_index(patched) == pagefind.dump_index(whole), kind
        index = patched


def test_filters_are_not_taken_apart(tmp_path):
    marked = {"/a/": page(1).replace(b"<h1>", b'<span data-pagefind-filter="kategori">Berita</span><h1>')}
    with pytest.raises(pagefind.Unsupported):
        pagefind.split(files_of(bundle(marked, tmp_path / "own")))
