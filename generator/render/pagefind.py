"""Pagefind's index format: one record per page taken from a Pagefind bundle, and one whole-site bundle merged from records."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate
from operator import add
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"   # every Pagefind data file starts with it, inside the gzip
CHUNK_UNITS = 20000           # Pagefind's index chunk size: a chunk closes once its words hold this many locations
FRAGMENT_LEVEL = 6            # as Pagefind's own (a page's fragment is compressed once, when Pagefind reads it)
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

    @staticmethod
    def fragment_of(data: bytes) -> bytes:
        """The fragment file of a record's bytes, without decoding its words (the fourth item of its list)."""
        decoder = cbor2.CBORDecoder(io.BytesIO(data[1:]))     # past the list's one-byte head (ten items)
        for _ in range(3):
            decoder.decode()
        return decoder.decode()

    @classmethod
    def loads(cls, data: bytes) -> "PageRecord":
        url, order, count, fragment, digest, fields, words, units, rests, variants = cbor2.loads(data)
        return cls(url, order, count, fragment, digest, tuple(fields), tuple(words), tuple(units), tuple(rests),
                   tuple(tuple(v) for v in variants))


def _read(files: dict[str, bytes], rel: str) -> bytes:
    if rel not in files:
        raise Unsupported(f"{rel}: tidak ada di indeks Pagefind")
    return _open(files[rel], rel)


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


_INT = {n: _head(0, n) if n >= 0 else _head(1, -1 - n) for n in range(-300, 4096)}
_ARRAY = [_head(4, n) for n in range(256)]
_POSTING = [b"\x83" + _head(0, n) for n in range(4096)]


def _posting_head(delta: int) -> bytes:
    """The start of a posting [page difference, locations, meta locations], up to its locations."""
    return _POSTING[delta] if delta < 4096 else b"\x83" + _head(0, delta)


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


def language_of(files: dict[str, bytes]) -> tuple[str, dict]:
    """The one language of a bundle ({path in it: bytes}) and its entry in pagefind-entry.json."""
    if "pagefind-entry.json" not in files:
        raise Unsupported("pagefind-entry.json tidak ada")
    entry = json.loads(files["pagefind-entry.json"].decode("utf-8"))
    languages = entry.get("languages") or {}
    if len(languages) != 1:
        raise Unsupported("indeks berisi lebih dari satu bahasa")
    return next(iter(languages.items()))


def _readdressed(raw: bytes, old: str, new: str) -> bytes:
    """A fragment's JSON with its page's address replaced (it comes first, as Pagefind writes it)."""
    before = b'{"url":' + json.dumps(old, ensure_ascii=False).encode("utf-8") + b","
    if not raw.startswith(before):
        raise Unsupported("bentuk fragmen tidak dikenal")
    return b'{"url":' + json.dumps(new, ensure_ascii=False).encode("utf-8") + b"," + raw[len(before):]


def split(bundle: dict[str, bytes], addresses: dict[str, str] | None = None) -> list[PageRecord]:
    """The records of every page indexed in a bundle Pagefind made ({path in it: bytes}, see pagefind_service).

    addresses maps the addresses Pagefind gave the pages to their own (the pages were given to it under short file
    names, which spares making thousands of folders); without it the pages keep Pagefind's addresses."""
    language, info = language_of(bundle)
    meta = cbor2.loads(_read(bundle, f"pagefind.{info['hash']}.pf_meta"))
    _version, pages, chunks, filters, sorts, fields = meta
    if filters or sorts:
        raise Unsupported("indeks memakai filter atau urutan")
    if any(f"fragment/{h}.pf_fragment" not in bundle for h, _count in pages):
        raise Unsupported("fragmen halaman tidak ada di indeks Pagefind")
    packed = [bundle[f"fragment/{h}.pf_fragment"] for h, _count in pages]
    raws = [_open(data, h) for data, (h, _count) in zip(packed, pages)]
    fragments = [json.loads(raw) for raw in raws]
    if addresses is not None:
        for i, fragment in enumerate(fragments):
            if fragment.get("url") not in addresses:
                raise Unsupported(f"alamat {fragment.get('url')} tidak dikenal")
            raws[i] = _readdressed(raws[i], fragment["url"], addresses[fragment["url"]])
            packed[i] = gzip.compress(SIGNATURE + raws[i], FRAGMENT_LEVEL, mtime=0)
            fragment["url"] = addresses[fragment["url"]]
    own = [tuple(sorted(f.get("meta") or {})) for f in fragments]
    mappings = [None if list(o) == fields else {i: o.index(name) for i, name in enumerate(fields) if name in o}
                for o in own]
    words: list[list] = [[] for _ in pages]
    units: list[list] = [[] for _ in pages]
    rests: list[list] = [[] for _ in pages]
    variants: list[list] = [[] for _ in pages]
    ints, arrays = _INT.__getitem__, _ARRAY
    for _from, _to, chunk_hash in chunks:
        (entries,) = cbor2.loads(_read(bundle, f"index/{chunk_hash}.pf_index"))
        for entry in entries:
            if len(entry) != 3:
                raise Unsupported("bentuk indeks kata tidak dikenal")
            word, postings, extra = entry
            page = 0
            for delta, locs, meta_locs in postings:
                page += delta
                words[page].append(word)
                units[page].append(len(locs) + len(meta_locs))
                rest = None
                if not meta_locs:   # the usual case, inlined: body text only (b"\x80" is the empty meta list)
                    try:
                        rest = arrays[len(locs)] + b"".join(map(ints, locs)) + b"\x80"
                    except (KeyError, IndexError):
                        pass
                rests[page].append(rest or _rest(locs, meta_locs, mappings[page]))
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


_ITEM = array("I").itemsize


def _body(items: list[tuple[int, bytes]]) -> tuple[array, array, bytes]:
    """A word's postings ((page, rest) by page) as CBOR without the list's head, with each posting's page and
    offset."""
    return _columns([page for page, _rest in items], [rest for _page, rest in items])


def _columns(pages: list[int], rests: list[bytes]) -> tuple[array, array, bytes]:
    """_body of a word's postings given as two columns: page numbers (ascending) and their rests."""
    deltas = [page - last for page, last in zip(pages, [0, *pages])]
    table = _POSTING
    try:
        heads = [table[delta] for delta in deltas]
    except IndexError:      # a gap of 4,096 pages or more
        heads = [_posting_head(delta) for delta in deltas]
    parts: list[bytes] = [b""] * (2 * len(heads))
    parts[0::2] = heads
    parts[1::2] = rests
    starts = array("I", accumulate(map(add, map(len, heads[:-1]), map(len, rests[:-1])), initial=0) if heads else ())
    return array("I", pages), starts, b"".join(parts)


def _postings(items: list[tuple[int, bytes]]) -> bytes:
    """CBOR of a word's pages: each [page number minus the previous one, locations, meta locations]."""
    return _head(4, len(items)) + _body(items)[2]


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


@dataclass(frozen=True)
class Page:
    """A page of the merged index: what its place in the index and its fragment file need."""
    url: str
    order: str
    key: str            # its record's name in the cache
    word_count: int
    digest: str         # SHA-1 of the fragment JSON (names the fragment)
    fragment: str       # SHA-1 of the fragment file (where the cache keeps it)


@dataclass
class Word:
    """One word of the merged index, kept so that a page's postings can be cut out or put in without decoding the
    others: body is the CBOR of every posting [page number minus the previous one, locations, meta locations]
    (without the list's head), pages and starts (array 'I' bytes) give each posting's page and offset in body."""
    units: int              # what the word weighs in Pagefind's chunking: locations + 1 per page
    pages: bytes
    starts: bytes
    body: bytes
    variants: bytes         # the CBOR list of [form with diacritics, postings]

    def entry(self, word: str) -> bytes:
        """The word's CBOR in an index chunk: [word, postings, variants]."""
        return b"\x83" + _text(word) + _head(4, len(self.pages) // _ITEM) + self.body + self.variants


@dataclass
class Index:
    """The whole-site index between builds: pages in (date, URL) order and every word's postings; everything the
    bundle's files are made from, and what a change of a few pages patches."""
    pages: list[Page]
    fields: list[str]
    field_pages: dict[str, int]                  # meta field -> how many pages have it
    words: dict[str, Word]


def _page(key: str, record: PageRecord) -> Page:
    return Page(record.url, record.order, key, record.word_count, record.digest,
                hashlib.sha1(record.fragment).hexdigest())


def _variants(forms: dict[str, list[tuple[int, bytes]]]) -> bytes:
    return _head(4, len(forms)) + b"".join(b"\x82" + _text(form) + _postings(forms[form]) for form in sorted(forms))


def _word(units: int, pages: list[int], rests: list[bytes], forms: dict[str, list[tuple[int, bytes]]]) -> Word:
    page_numbers, starts, body = _columns(pages, rests)
    return Word(units, page_numbers.tobytes(), starts.tobytes(), body, _variants(forms) if forms else b"\x80")


def merge(records: dict[str, PageRecord]) -> Index:
    """One index of all the records ({cache key: record}), pages in (date, URL) order."""
    ordered = sorted(records.items(), key=lambda item: (item[1].order, item[1].url))
    field_pages: dict[str, int] = defaultdict(int)
    for _key, record in ordered:
        for name in record.fields:
            field_pages[name] += 1
    fields = sorted(field_pages)
    columns: dict[str, list] = {}     # word -> [units, pages, rests]: one lookup per posting, no tuple made
    extra: dict[str, dict[str, list[tuple[int, bytes]]]] = {}
    for page, (_key, record) in enumerate(ordered):
        same = list(record.fields) == fields
        rests = record.rests if same else [_global(rest, record.fields, fields) for rest in record.rests]
        for word, unit, rest in zip(record.words, record.units, rests):
            column = columns.get(word)
            if column is None:
                columns[word] = [unit + 1, [page], [rest]]
            else:
                column[0] += unit + 1
                column[1].append(page)
                column[2].append(rest)
        for word, form, rest in record.variants:
            extra.setdefault(word, {}).setdefault(form, []).append(
                (page, rest if same else _global(rest, record.fields, fields)))
    empty = (0, [], [])
    words = {word: _word(*columns.get(word, empty), extra.get(word, {})) for word in columns.keys() | extra.keys()}
    return Index([_page(key, record) for key, record in ordered], fields, dict(field_pages), words)


def _spliced(word: Word, leaving: set[int], adding: list[tuple[int, bytes]]) -> tuple[bytes, bytes, bytes]:
    """A word's pages, starts and body with the postings of leaving pages cut out and adding put in (by page).

    Only the postings around a change are touched: runs in between are copied as slices, and the first posting of
    each run gets its page difference written again (the posting before it may have changed)."""
    pages, starts = array("I"), array("I")
    pages.frombytes(word.pages)
    starts.frombytes(word.starts)
    body = word.body
    count = len(pages)
    events = sorted([(pages[i], 0, i, b"") for i in (bisect_left(pages, p) for p in leaving)
                     if i < count and pages[i] in leaving] + [(page, 1, 0, rest) for page, rest in adding])
    out_pages, out_starts, parts = array("I"), array("I"), []
    offset = previous = cursor = 0

    def run(until: int) -> None:
        nonlocal offset, previous, cursor
        if until <= cursor:
            return
        first = cursor
        old_previous = pages[first - 1] if first else 0
        end = starts[first + 1] if first + 1 < count else len(body)
        head = len(_posting_head(pages[first] - old_previous))
        posting = _posting_head(pages[first] - previous) + body[head + starts[first]:end]
        out_pages.append(pages[first])
        out_starts.append(offset)
        parts.append(posting)
        offset += len(posting)
        if until > first + 1:
            stop = starts[until] if until < count else len(body)
            shift = offset - end
            out_pages.extend(pages[first + 1:until])
            out_starts.extend(array("I", [s + shift for s in starts[first + 1:until]]))
            parts.append(body[end:stop])
            offset += stop - end
        previous = pages[until - 1]
        cursor = until

    for page, kind, index, rest in events:
        if kind == 0:
            run(index)
            cursor = index + 1
        else:
            run(bisect_left(pages, page, cursor))
            posting = _posting_head(page - previous) + rest
            out_pages.append(page)
            out_starts.append(offset)
            parts.append(posting)
            offset += len(posting)
            previous = page
    run(count)
    return out_pages.tobytes(), out_starts.tobytes(), b"".join(parts)


def patch(index: Index, old: dict[str, PageRecord], new: dict[str, PageRecord]) -> Index | None:
    """The index after some pages changed, or None where only a whole merge gives the right index.

    old holds the records of pages leaving the index, new those entering it ({cache key: record}). A patch is exact
    when each entering page takes the place of a leaving one with the same URL, or comes after every other page (a
    new post, newest of all), and the set of meta fields stays the same; then only the words of those pages change.
    """
    placed = _placed(index, old, new)
    if placed is None:
        return None
    pages, numbers, leaving = placed
    field_pages = dict(index.field_pages)
    for records, step in ((old, -1), (new, 1)):
        for record in records.values():
            for name in record.fields:
                field_pages[name] = field_pages.get(name, 0) + step
    field_pages = {name: count for name, count in field_pages.items() if count}
    fields = sorted(field_pages)
    if fields != index.fields:
        return None
    return Index(pages, fields, field_pages, _patched_words(index, old, new, numbers, leaving, fields))


def _placed(index: Index, old: dict[str, PageRecord], new: dict[str, PageRecord]):
    """(pages, entering page key -> its number, numbers of the leaving pages) when each entering page takes a leaving
    one's place or comes last; else None."""
    position = {page.key: i for i, page in enumerate(index.pages)}
    if any(key not in position for key in old):
        return None
    place = {index.pages[position[key]].url: position[key] for key in old}
    pages = list(index.pages)
    numbers: dict[str, int] = {}
    for key, record in sorted(new.items(), key=lambda item: (item[1].order, item[1].url)):
        at = place.pop(record.url, None)
        if at is None:
            if place or (pages and (record.order, record.url) <= (pages[-1].order, pages[-1].url)):
                return None
            at = len(pages)
            pages.append(_page(key, record))
        else:
            pages[at] = _page(key, record)
        numbers[key] = at
    if place or any((a.order, a.url) >= (b.order, b.url) for a, b in zip(pages, pages[1:])):
        return None     # a page left without one taking its place (every later page would move), or one moved
    return pages, numbers, {position[key] for key in old}


def _patched_words(index: Index, old: dict[str, PageRecord], new: dict[str, PageRecord], numbers: dict[str, int],
                   leaving: set[int], fields: list[str]) -> dict:
    """The index's words with the leaving pages' postings taken out and the entering pages' put in."""
    units: dict[str, int] = defaultdict(int)
    adding: dict[str, list[tuple[int, bytes]]] = defaultdict(list)
    adding_forms: dict[str, dict[str, list[tuple[int, bytes]]]] = defaultdict(lambda: defaultdict(list))
    touched: set[str] = set()
    for record in old.values():
        for word, unit in zip(record.words, record.units):
            units[word] -= unit + 1
        touched.update(record.words)
        touched.update(word for word, _form, _rest in record.variants)
    for key, record in new.items():
        same = list(record.fields) == fields
        at = numbers[key]
        for word, unit, rest in zip(record.words, record.units, record.rests):
            adding[word].append((at, rest if same else _global(rest, record.fields, fields)))
            units[word] += unit + 1
        for word, form, rest in record.variants:
            adding_forms[word][form].append((at, rest if same else _global(rest, record.fields, fields)))
    touched |= adding.keys() | adding_forms.keys()
    words = dict(index.words)
    for word in touched:
        found = words.get(word) or Word(0, b"", b"", b"", b"\x80")
        page_bytes, starts, body = _spliced(found, leaving, sorted(adding.get(word, [])))
        forms = {}
        if found.variants != b"\x80" or word in adding_forms:
            for form, items in cbor2.loads(found.variants):
                kept = [(page, _ints(locs) + _ints(meta)) for page, locs, meta in _absolute(items) if page not in leaving]
                if kept:
                    forms[form] = kept
            for form, items in adding_forms.get(word, {}).items():
                forms[form] = sorted(forms.get(form, []) + items)
        if not page_bytes and not forms:
            words.pop(word, None)
            continue
        words[word] = Word(found.units + units.get(word, 0), page_bytes, starts, body, _variants(forms))
    return words


def _absolute(postings: list) -> list:
    out, page = [], 0
    for delta, locs, meta_locs in postings:
        page += delta
        out.append([page, locs, meta_locs])
    return out


@dataclass
class Files:
    """A bundle's files by path, each named by the SHA-1 of its bytes; new holds the bytes the cache lacks. The
    fragments' bytes are in their pages' records (fragments: path -> record key), not among new."""
    listing: dict[str, str]
    new: dict[str, bytes]
    chunks: dict[str, str]          # raw chunk digest -> compressed file digest, for the next build
    fragments: dict[str, str]


def files(index: Index, entry: dict, known: dict[str, str]) -> Files:
    """The bundle's index files for an index.

    entry is the pagefind-entry.json of a bundle made by the same program; known maps raw chunk digests to
    compressed files already in the cache (compressing is most of the work: a chunk whose bytes did not change is
    not compressed again).
    """
    (language, info), = entry["languages"].items()
    version = entry.get("version", "")
    out = Files({}, {}, {}, {})
    listing, new = out.listing, out.new
    bounds, names = _chunk_files(index, language, known, out)
    fragment_names: dict[str, str] = {}
    pages = []
    for page in index.pages:
        name = _name(language, page.digest, 7, fragment_names)
        listing[f"fragment/{name}.pf_fragment"] = page.fragment
        out.fragments[f"fragment/{name}.pf_fragment"] = page.key
        pages.append([name, page.word_count])
    ranges = _chunk_ranges(bounds)
    meta = cbor2.dumps([version, pages, [[a, b, n] for (a, b), n in zip(ranges, names)], [], [], index.fields])
    meta_name = f"{language}_{hashlib.sha1(meta).hexdigest()[:8 + len(language)]}"
    for rel, data in ((f"pagefind.{meta_name}.pf_meta", gzip.compress(SIGNATURE + meta, GZIP_LEVEL, mtime=0)),
                      ("pagefind-entry.json", json.dumps(
                          {**entry, "languages": {language: {**info, "hash": meta_name, "page_count": len(pages)}}},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8"))):
        digest = hashlib.sha1(data).hexdigest()
        listing[rel] = digest
        new[digest] = data
    return out


def _chunk_files(index: Index, language: str, known: dict[str, str], out: Files) -> tuple[list, list[str]]:
    """The index's words in chunks of about CHUNK_UNITS, each a file in out (compressed again only when its bytes
    are not in known); -> (each chunk's first and last word, each chunk's name)."""
    listing, new, chunks = out.listing, out.new, out.chunks
    taken: dict[str, str] = {}
    bounds: list[tuple[str, str]] = []
    names: list[str] = []
    current: list[bytes] = []
    first = last = ""
    size = 0

    def close() -> None:
        raw = b"\x81" + _head(4, len(current)) + b"".join(current)
        digest = hashlib.sha1(raw).hexdigest()
        name = _name(language, digest, 7, taken)
        packed = known.get(digest)
        if packed is None:
            data = gzip.compress(SIGNATURE + raw, GZIP_LEVEL, mtime=0)
            packed = hashlib.sha1(data).hexdigest()
            new[packed] = data
        listing[f"index/{name}.pf_index"] = chunks[digest] = packed
        bounds.append((first, last))
        names.append(name)

    for word in sorted(index.words):
        found = index.words[word]
        if not current:
            first = word
        current.append(found.entry(word))
        last = word
        size += found.units
        if size >= CHUNK_UNITS:
            close()
            current, size = [], 0
    if current:
        close()
    return bounds, names


def program_files(bundle: Path) -> dict[str, bytes]:
    """The files of Pagefind's own program in a bundle (the script, its worker and the WebAssembly per language)."""
    return {path.name: path.read_bytes() for path in sorted(bundle.iterdir())
            if path.is_file() and (path.name in STATIC or (path.name.startswith("wasm.") and path.suffix == ".pagefind"))}


def dump_index(index: Index) -> list:
    """The index as plain CBOR-able lists (the cache keeps it between builds)."""
    return [[[p.url, p.order, p.key, p.word_count, p.digest, p.fragment] for p in index.pages], index.fields,
            index.field_pages, {word: [w.units, w.pages, w.starts, w.body, w.variants] for word, w in index.words.items()}]


def load_index(data: list) -> Index:
    pages, fields, field_pages, words = data
    return Index([Page(*p) for p in pages], list(fields), dict(field_pages),
                 {word: Word(*parts) for word, parts in words.items()})
