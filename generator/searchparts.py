"""Pagefind's index format: one record per page taken from a Pagefind bundle, and one whole-site bundle merged from records."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"   # every Pagefind data file starts with it, inside the gzip
CHUNK_UNITS = 20000           # Pagefind's index chunk size: a chunk closes once its words hold this many locations
GZIP_LEVEL = 4                # Pagefind uses 6: 4 is three times faster for 5% more bytes; unchanged chunks are reused
STATIC = ("pagefind.js", "pagefind-worker.js")   # plus wasm.*.pagefind: the program's files, the same for any index


class Unsupported(Exception):
    """A bundle this merger does not take apart (filters, sort keys or several languages): index the site whole."""


@dataclass(frozen=True)
class PageRecord:
    """What one page contributes to the index, independent of every other page.

    words, units and rests are parallel: for each word on the page, the number of locations Pagefind counts for
    chunking and the CBOR of its location lists (the page number, which depends on the other pages, is left out).
    Meta-field numbers inside rests count in the page's own sorted field names (fields).
    """
    url: str
    order: str                                   # sort key: the ISO date the page gives Pagefind ("" for none)
    word_count: int
    fragment: bytes                              # the page's fragment file as Pagefind compressed it
    digest: str                                  # SHA-1 of the fragment's JSON: names the fragment file
    fields: tuple[str, ...]
    words: tuple[str, ...]
    units: tuple[int, ...]
    rests: tuple[bytes, ...]
    variants: tuple[tuple[str, str, bytes], ...]   # (word, form with diacritics, rest)

    def dumps(self) -> bytes:
        return cbor2.dumps([self.url, self.order, self.word_count, self.fragment, self.digest, list(self.fields),
                            list(self.words), list(self.units), list(self.rests), [list(v) for v in self.variants]])

    @classmethod
    def loads(cls, data: bytes) -> "PageRecord":
        url, order, count, fragment, digest, fields, words, units, rests, variants = cbor2.loads(data)
        return cls(url, order, count, fragment, digest, tuple(fields), tuple(words), tuple(units), tuple(rests),
                   tuple(tuple(v) for v in variants))


def _read(path: Path) -> bytes:
    return _open(path.read_bytes(), path.name)


def _open(packed: bytes, name: str) -> bytes:
    data = gzip.decompress(packed)
    if not data.startswith(SIGNATURE):
        raise Unsupported(f"{name}: bukan berkas Pagefind")
    return data[len(SIGNATURE):]


def _head(major: int, n: int) -> bytes:
    """A CBOR head (the smallest form, as minicbor and cbor2 both write it)."""
    m = major << 5
    if n < 24:
        return bytes((m | n,))
    if n < 0x100:
        return bytes((m | 24, n))
    if n < 0x10000:
        return bytes((m | 25,)) + n.to_bytes(2, "big")
    if n < 0x100000000:
        return bytes((m | 26,)) + n.to_bytes(4, "big")
    return bytes((m | 27,)) + n.to_bytes(8, "big")


_UINT = [_head(0, n) for n in range(4096)]


def _uint(n: int) -> bytes:
    return _UINT[n] if n < 4096 else _head(0, n)


_INT = {n: _head(0, n) if n >= 0 else _head(1, -1 - n) for n in range(-300, 4096)}


def _ints(values: list[int]) -> bytes:
    """CBOR of a list of integers (Pagefind's location lists)."""
    table = _INT
    try:
        return _head(4, len(values)) + b"".join([table[v] for v in values])
    except KeyError:
        return cbor2.dumps(values)


def _text(s: str) -> bytes:
    raw = s.encode("utf-8")
    return _head(3, len(raw)) + raw


def _renumber(meta_locs: list[int], mapping: dict[int, int]) -> list[int]:
    """Meta locations with their field numbers mapped; groups kept in field order, as Pagefind writes them."""
    groups: list[tuple[int, list[int]]] = []
    for value in meta_locs:
        if value < 0:
            groups.append((mapping[-value - 1], []))
        elif groups:
            groups[-1][1].append(value)
    out: list[int] = []
    for field, positions in sorted(groups, key=lambda g: g[0]):
        out.append(-field - 1)
        out.extend(positions)
    return out


def _rest(locs: list[int], meta_locs: list[int], mapping: dict[int, int] | None) -> bytes:
    if meta_locs and mapping is not None:
        meta_locs = _renumber(meta_locs, mapping)
    return _ints(locs) + _ints(meta_locs)


def language_of(bundle: Path) -> tuple[str, dict]:
    """The one language of a bundle and its entry in pagefind-entry.json."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    languages = entry.get("languages") or {}
    if len(languages) != 1:
        raise Unsupported("indeks berisi lebih dari satu bahasa")
    return next(iter(languages.items()))


def split(bundle: Path) -> list[PageRecord]:
    """The records of every page indexed in a bundle Pagefind made."""
    language, info = language_of(bundle)
    meta = cbor2.loads(_read(bundle / f"pagefind.{info['hash']}.pf_meta"))
    _version, pages, chunks, filters, sorts, fields = meta
    if filters or sorts:
        raise Unsupported("indeks memakai filter atau urutan")
    packed = [(bundle / "fragment" / f"{h}.pf_fragment").read_bytes() for h, _count in pages]
    raws = [_open(data, h) for data, (h, _count) in zip(packed, pages)]
    fragments = [json.loads(raw) for raw in raws]
    own = [tuple(sorted(f.get("meta") or {})) for f in fragments]
    mappings = [None if list(o) == fields else {i: o.index(name) for i, name in enumerate(fields) if name in o}
                for o in own]
    words: list[list] = [[] for _ in pages]
    units: list[list] = [[] for _ in pages]
    rests: list[list] = [[] for _ in pages]
    variants: list[list] = [[] for _ in pages]
    for _from, _to, chunk_hash in chunks:
        (entries,) = cbor2.loads(_read(bundle / "index" / f"{chunk_hash}.pf_index"))
        for entry in entries:
            if len(entry) != 3:
                raise Unsupported("bentuk indeks kata tidak dikenal")
            word, postings, extra = entry
            page = 0
            for delta, locs, meta_locs in postings:
                page += delta
                words[page].append(word)
                units[page].append(len(locs) + len(meta_locs))
                rests[page].append(_rest(locs, meta_locs, mappings[page]))
            for variant in extra:
                if len(variant) != 2:
                    raise Unsupported("bentuk varian kata tidak dikenal")
                form, vpostings = variant
                page = 0
                for delta, locs, meta_locs in vpostings:
                    page += delta
                    variants[page].append((word, form, _rest(locs, meta_locs, mappings[page])))
    return [PageRecord(url=f["url"], order=str((f.get("meta") or {}).get("iso", "")), word_count=count,
                       fragment=packed[i], digest=hashlib.sha1(raws[i]).hexdigest(), fields=own[i], words=tuple(words[i]), units=tuple(units[i]),
                       rests=tuple(rests[i]), variants=tuple(sorted(variants[i])))
            for i, (f, (_h, count)) in enumerate(zip(fragments, pages))]


def _global(rest: bytes, own: tuple[str, ...], fields: list[str]) -> bytes:
    """A rest whose meta-field numbers count in the page's own fields, renumbered to the whole index's."""
    decoder = cbor2.CBORDecoder(io.BytesIO(rest))
    locs, meta_locs = decoder.decode(), decoder.decode()
    return _rest(locs, meta_locs, {i: fields.index(name) for i, name in enumerate(own)})


def _name(language: str, digest: str, length: int, taken: dict[str, str]) -> str:
    """language_hash, the hash as short as Pagefind's (7 hex digits) but longer where two contents would collide."""
    while True:
        name = f"{language}_{digest[:length]}"
        if taken.get(name, digest) == digest:
            taken[name] = digest
            return name
        length += 1


_POSTING = [b"\x83" + _head(0, n) for n in range(4096)]


def _postings(items: list[tuple[int, bytes]]) -> bytes:
    """CBOR of a word's pages: each [page number minus the previous one, locations, meta locations]."""
    out = [_head(4, len(items))]
    last = 0
    table = _POSTING
    for page, rest in items:
        delta = page - last
        out.append(table[delta] if delta < 4096 else b"\x83" + _head(0, delta))
        out.append(rest)
        last = page
    return b"".join(out)


def _prefixes(a: str, b: str) -> tuple[str, str]:
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return a[:common + 1], b[:common + 1]


def _chunk_ranges(bounds: list[tuple[str, str]]) -> list[list[str]]:
    """Each chunk's from/to words, shortened to the prefixes that tell neighbours apart (as Pagefind does)."""
    named = [[first, last] for first, last in bounds]
    for i in range(len(named) - 1):
        to, nxt = _prefixes(named[i][1], named[i + 1][0])
        if to >= named[i][0]:
            named[i][1] = to
        named[i + 1][0] = nxt
    return named


@dataclass
class Merged:
    """A whole-site bundle: {path inside the bundle: file bytes}, and the raw digest of each index chunk by name."""
    files: dict[str, bytes]
    chunks: dict[str, str]


def merge(records: list[PageRecord], program: Path, previous: Path | None = None) -> Merged:
    """One Pagefind bundle of all the records, pages in (date, URL) order.

    program is a bundle Pagefind made (its entry and program files are reused); previous, the last merged bundle,
    lends its compressed chunks whose raw bytes are the same (compressing is most of the work).
    """
    language, info = language_of(program)
    entry = json.loads((program / "pagefind-entry.json").read_text(encoding="utf-8"))
    version = entry.get("version", "")
    records = sorted(records, key=lambda r: (r.order, r.url))
    fields = sorted({name for r in records for name in r.fields})
    postings: dict[str, list[tuple[int, bytes]]] = defaultdict(list)
    sizes: dict[str, int] = defaultdict(int)
    extra: dict[str, dict[str, list[tuple[int, bytes]]]] = {}
    for page, record in enumerate(records):
        same = list(record.fields) == fields
        rests = record.rests if same else [_global(rest, record.fields, fields) for rest in record.rests]
        for word, unit, rest in zip(record.words, record.units, rests):
            postings[word].append((page, rest))
            sizes[word] += unit + 1
        for word, form, rest in record.variants:
            extra.setdefault(word, {}).setdefault(form, []).append(
                (page, rest if same else _global(rest, record.fields, fields)))
    files: dict[str, bytes] = {}
    old = _previous_chunks(previous)
    chunk_names: dict[str, str] = {}
    taken: dict[str, str] = {}
    bounds: list[tuple[str, str]] = []
    names: list[str] = []
    current: list[bytes] = []
    first = ""
    size = 0

    def close(last: str) -> None:
        raw = b"\x81" + _head(4, len(current)) + b"".join(current)
        digest = hashlib.sha1(raw).hexdigest()
        name = _name(language, digest, 7, taken)
        kept = old.get(name)
        files[f"index/{name}.pf_index"] = (kept[1] if kept and kept[0] == digest
                                           else gzip.compress(SIGNATURE + raw, GZIP_LEVEL, mtime=0))
        chunk_names[name] = digest
        bounds.append((first, last))
        names.append(name)

    for word in sorted(postings.keys() | extra.keys()):
        if not current:
            first = word
        forms = extra.get(word, {})
        variant_bytes = _head(4, len(forms)) + b"".join(
            b"\x82" + _text(form) + _postings(forms[form]) for form in sorted(forms))
        current.append(b"\x83" + _text(word) + _postings(postings[word] if word in postings else []) + variant_bytes)
        size += sizes[word] if word in sizes else 0
        if size >= CHUNK_UNITS:
            close(word)
            current, size = [], 0
    if current:
        close(word)
    fragment_names: dict[str, str] = {}
    pages = []
    for record in records:
        name = _name(language, record.digest, 7, fragment_names)
        files.setdefault(f"fragment/{name}.pf_fragment", record.fragment)
        pages.append([name, record.word_count])
    ranges = _chunk_ranges(bounds)
    meta = cbor2.dumps([version, pages, [[a, b, n] for (a, b), n in zip(ranges, names)], [], [], fields])
    meta_name = f"{language}_{hashlib.sha1(meta).hexdigest()[:8 + len(language)]}"
    files[f"pagefind.{meta_name}.pf_meta"] = gzip.compress(SIGNATURE + meta, GZIP_LEVEL, mtime=0)
    entry["languages"] = {language: {**info, "hash": meta_name, "page_count": len(records)}}
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    for path in sorted(program.iterdir()):
        if path.is_file() and (path.name in STATIC or (path.name.startswith("wasm.") and path.suffix == ".pagefind")):
            files[path.name] = path.read_bytes()
    return Merged(files, chunk_names)


CHUNK_LIST = "chunks.json"   # in a merged bundle in the cache (not published): chunk name -> raw digest


def _previous_chunks(previous: Path | None) -> dict[str, tuple[str, bytes]]:
    if previous is None:
        return {}
    try:
        known = json.loads((previous / CHUNK_LIST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for name, digest in known.items():
        try:
            out[name] = (digest, (previous / "index" / f"{name}.pf_index").read_bytes())
        except OSError:
            continue
    return out
