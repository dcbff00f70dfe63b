"""YAML reading that keeps each value's line number and turns syntax errors into plain problems."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from generator.core.report import Problems

# libyaml's parser when PyYAML has it (about 5x faster at composing); the same safe constructor either way.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe YAML without implicit timestamps: dates stay text and are checked by us, with line numbers."""


class _PureLoader(yaml.SafeLoader):
    """The pure-Python parser, used again on a syntax error: its messages are the ones _PLAIN translates."""


_Loader.yaml_implicit_resolvers = _PureLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Lines = dict[tuple, int]
MAX_DEPTH = 32          # lists in lists (or maps) deeper than this are refused: no real front matter nests so deep
# Characters XML 1.0 forbids (C0 controls but tab and line breaks, U+FFFE/U+FFFF, lone surrogates) and the C1
# controls HTML calls errors: invisible, never meant, they make feeds unreadable (YAML lets them in as escapes: "\x01").
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# Every byte but those a FORBIDDEN character's UTF-8 has (C0 controls and DEL themselves, and the first byte of the
# C1 controls, of U+FFFE/U+FFFF and of the surrogates): deleted, they leave nothing of a text without one.
_OTHER_BYTES = bytes(byte for byte in range(256) if not (byte < 32 and byte not in (9, 10, 13) or byte == 127
                                                         or byte in (0xc2, 0xef, 0xed)))


def forbidden(text: str) -> re.Match | None:
    """FORBIDDEN.search(text), three times quicker for a text without any (deleting bytes is quicker than a search)."""
    if not text.encode("utf-8", "surrogatepass").translate(None, _OTHER_BYTES):
        return None
    return FORBIDDEN.search(text)


NESTING_FIX = "Tulis daftar sebagai satu tingkat saja, misalnya tags: [sosialisasi, pemilu-2024]."


def _int(loader, node):
    """An integer as YAML reads it, or the text as typed when it has more digits than Python converts (4,300):
    a 5,000-digit 'views' is then refused by the field's own check instead of crashing the build."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


for _cls in (_Loader, _PureLoader):
    _cls.add_constructor("tag:yaml.org,2002:int", _int)

INDENT_WORDS = ("baris ini menjorok tidak sejajar dengan baris di atasnya; samakan jumlah spasi di awal barisnya "
                "(biasanya 2 spasi untuk setiap tingkat).")
LIST_FIX = ("Dalam daftar, tulis '-' menjorok 2 spasi dan baris berikutnya dari butir yang sama sejajar dengan kata "
            "sesudah '- ', misalnya:\ngallery:\n  - file: pembukaan.jpg\n    caption: Pembukaan rapat")
_KEY = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):")
_NO_SPACE = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):(?=[^\s/:])(.*)$")
QUOTE_MARK = ("ada tanda '%s' di awal nilai, tanda yang dipakai YAML sendiri; beri tanda kutip pada teksnya, misalnya "
              "title: \"@kpu_kaltara menggelar rapat\".")
_PLAIN = {
    "found character '\\t' that cannot start any token": "ada karakter Tab; YAML hanya boleh memakai spasi untuk indentasi.",
    "mapping values are not allowed here": "ada titik dua ':' di tempat yang salah; beri tanda kutip pada teks yang memuat ':'.",
    "could not find expected ':'": "baris ini seharusnya berbentuk 'nama: nilai'.",
    "found undefined alias": "ada '*' di awal nilai; beri tanda kutip pada teks tersebut.",
    "expected <block end>, but found '-'": "indentasi daftar ('- ...') tidak sejajar.",
    "expected <block end>, but found '<block mapping start>'": INDENT_WORDS,
    "expected <block end>, but found '<block sequence start>'":
        "daftar ('- ...') di baris ini tidak sejajar, atau baris di atasnya sudah berisi nilai: bila di atasnya "
        "tertulis misalnya 'gallery: []', hapus '[]' agar daftarnya boleh ditulis di baris-baris berikutnya.",
    "expected <block end>, but found '?'": INDENT_WORDS,
    "expected ',' or '}', but got ':'": "ada titik dua ':' di dalam kurung kurawal {...}; beri tanda kutip pada teks "
                                        "yang memuat ':', misalnya description: \"Permohonan informasi: daring\".",
    "expected <block end>, but found '<scalar>'": "ada teks yang tidak terduga di baris ini: biasanya tanda kutip di "
                                                  "baris ini atau di atasnya tidak ditutup, atau ada teks sesudah "
                                                  "tanda kutip penutup.",
    "found invalid Unicode character escape code": "kode karakter (\\u...) di antara tanda kutip tidak sah.",
    "exceeded maximum nesting depth": f"data bertingkat terlalu dalam (lebih dari {MAX_DEPTH} tingkat).",
    "does not fit its tag": "nilai ini diberi tanda YAML ('!!...') yang tidak cocok dengan isinya; hapus tanda itu, "
                            "atau beri tanda kutip pada nilainya.",
    # a mark YAML keeps for itself at the start of a value: an Instagram handle, '!Penting', '>> Pengumuman'
    "found character '@'": QUOTE_MARK % "@", "found character '`'": QUOTE_MARK % "`",
    "found character '%'": QUOTE_MARK % "%", "could not determine a constructor": QUOTE_MARK % "!",
    "expected a comment or a line break": "ada tanda '|' atau '>' di awal nilai; beri tanda kutip pada teksnya, "
                                          "misalnya title: \"> Pengumuman\".",
    "expected chomping or indentation indicators": "ada tanda '|' atau '>' di awal nilai; beri tanda kutip pada "
                                                   "teksnya, misalnya title: \"> Pengumuman\".",
    "expected alphabetic or numeric character": "ada '*' atau '&' di awal nilai; beri tanda kutip pada teks tersebut.",
    "expected ',' or ']'": "daftar dalam kurung siku [...] tidak ditutup; periksa tanda ']' di akhirnya dan koma di "
                           "antara butirnya, misalnya tags: [pemilu, rapat-pleno].",
    "expected ',' or '}'": "kurung kurawal {...} tidak ditutup; periksa tanda '}' di akhirnya dan koma di antara "
                           "isinya, misalnya event: {start: 2024-05-01, place: Aula}.",
    "but found ']'": "ada tanda ']' yang berlebih atau tanpa pasangan '['; hapus atau lengkapi pasangannya.",
    "but found '}'": "ada tanda '}' yang berlebih atau tanpa pasangan '{'; hapus atau lengkapi pasangannya.",
}
# What PyYAML's constructors raise, beside its own errors, for a value that does not fit an explicit tag:
# '!!bool x' KeyError, '!!timestamp x' AttributeError, '!!float x' ValueError.
_MISFIT = (KeyError, AttributeError, ValueError, TypeError, OverflowError)


def _misfit(node: yaml.Node) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, f"a value that does not fit its tag {node.tag}",
                                             node.start_mark)


def _plain(problem: str | None) -> str:
    problem = problem or ""
    for key, words in _PLAIN.items():
        if key in problem:
            return words
    return f"penulisan YAML tidak sah ({problem})."


def value_of(text: str):
    """What the build reads a short YAML text as (its own loader: libyaml where PyYAML has it, no implicit
    timestamps, an integer too long for Python kept as text); None when it reads as nothing it can build: a syntax
    error, lists nested past Python's recursion limit, a value that does not fit its tag. yamltext asks it whether
    a value may be written plain."""
    try:
        return yaml.load(text, Loader=_Loader)
    except Exception:  # noqa: BLE001 - whatever stops the reading (a tag that does not fit: KeyError...) means None
        return None


def load(text: str, path: str, problems: Problems, first_line: int = 1,
         texts: dict | None = None) -> tuple[object, Lines] | None:
    """Parse YAML text; return (data, lines) where lines maps a key path to its 1-based line, or None on error.

    texts, when given, receives the text as typed of every scalar YAML reads as something other than text
    (`title: yes` is True to YAML, 'yes' to the person who typed it), by key path."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return {}, {}
            # an alias needs a '*' in the text: without one, counting the nodes is enough (and much quicker)
            if ("*" in text or _tree_size(node) > MAX_VALUES) and _aliases_explode(node, path, problems, first_line):
                return None
            lines: Lines = {}
            if not _walk(node, (), _Walk(first_line, lines, path, problems, texts if texts is not None else {})):
                return None
            return _construct(loader, node, "*" in text), lines
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        _report(text, path, problems, first_line, err)
        return None


# Anchors and aliases (&a, *a) let a few lines stand for billions of values (the "billion laughs"): a 265-byte
# front matter took 20 s and 2 GB. Front matter and config.yaml hold hundreds of values at most.
MAX_VALUES = 50_000


def _children(node: yaml.Node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _tree_size(root: yaml.Node) -> int:
    """How many nodes a document without aliases holds (with none, no node is shared: the graph is a tree), counted
    up to just past MAX_VALUES: most documents are checked so, without _aliases_explode's bookkeeping."""
    count, stack = 0, [root]
    while stack and count <= MAX_VALUES:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.MappingNode):
            for pair in node.value:
                stack.extend(pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return count


def _aliases_explode(root: yaml.Node, path: str, problems: Problems, first_line: int) -> bool:
    """Refuse a document whose aliases expand it past MAX_VALUES values, or make it contain itself.

    The composed graph shares one node per anchor, so its expanded size is counted once per distinct node
    (post-order, without recursion), in time linear in the text, before anything is built from it."""
    sizes: dict[int, int] = {}
    started: set[int] = set()
    reused = None                   # the first anchored node met a second time: where the aliases begin
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_VALUES:
                problems.error(path, first_line + (reused or node).start_mark.line,
                               f"alias YAML ('&' dan '*') di sini membuat lebih dari {MAX_VALUES:,} nilai.".replace(",", "."),
                               "Tulis nilainya langsung, tanpa '&nama' dan '*nama'.")
                return True
        elif key in sizes:
            reused = reused or node
        elif key in started:
            problems.error(path, first_line + node.start_mark.line,
                           "alias YAML ('*') di sini menunjuk ke nilai yang memuat dirinya sendiri.",
                           "Tulis nilainya langsung, tanpa '&nama' dan '*nama'.")
            return True
        else:
            started.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
    return False


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_OTHER_SCALARS = {f"tag:yaml.org,2002:{name}" for name in ("int", "bool", "null", "float")}


class _Unusual(Exception):
    """A node _quick leaves to PyYAML: another tag (merge keys, !!binary, !!set, ...), or a tag on the wrong kind."""


def _construct(loader, node: yaml.Node, aliases: bool):
    """What loader.construct_document gives: built here, in a third of the time, for a document without aliases
    (its objects are then never shared) whose nodes have only the usual tags; else by PyYAML."""
    if not aliases:
        try:
            return _quick(loader, node)
        except _Unusual:
            pass
    try:
        return loader.construct_document(node)
    except _MISFIT as err:
        raise _misfit(_first_misfit(loader, node)) from err


def _first_misfit(loader, root: yaml.Node) -> yaml.Node:
    """The first value, in the document's order, whose construction fails as a misfit (the root when none fails
    alone): the line to name when PyYAML built the whole document."""
    stack = [root]
    while stack:
        node = stack.pop()
        construct = loader.yaml_constructors.get(node.tag) if isinstance(node, yaml.ScalarNode) else None
        if construct is not None:       # the tag's own constructor: construct_object remembers the failed node
            try:
                construct(loader, node)
            except _MISFIT:
                return node
            except yaml.YAMLError:
                pass
        elif not isinstance(node, yaml.ScalarNode):
            stack.extend(reversed(_children(node)))
    return root


def _quick(loader, node: yaml.Node):
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        if tag == _STR:
            return node.value
        if tag in _OTHER_SCALARS:
            try:
                return loader.construct_object(node)    # PyYAML's own (and _int): numbers, booleans, null
            except _MISFIT as err:
                raise _misfit(node) from err
    elif isinstance(node, yaml.SequenceNode) and tag == _SEQ:
        return [_quick(loader, item) for item in node.value]
    elif isinstance(node, yaml.MappingNode) and tag == _MAP:
        mapping = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Unusual
            mapping[_quick(loader, key_node)] = _quick(loader, value_node)
        return mapping
    raise _Unusual


def _report(text: str, path: str, problems: Problems, first_line: int, err: yaml.YAMLError) -> None:
    """Parse again with the pure-Python parser, whose messages _PLAIN knows, and report the error in plain words."""
    try:
        loader = _PureLoader(text)
    except yaml.YAMLError as pure:       # the reader refuses control characters before any parsing
        loader, err = None, pure
    try:
        if loader is not None:
            loader.construct_document(loader.get_single_node())
    except yaml.YAMLError as pure:
        err = pure
    except (RecursionError, *_MISFIT):
        pass                # nested deeper than the pure parser recurses, or a tag misfit: the first error says so
    finally:
        if loader is not None:
            loader.dispose()
    if isinstance(err, yaml.reader.ReaderError):
        problems.error(path, first_line + text[:err.position].count("\n"),
                       f"ada karakter kendali U+{err.character:04X} yang tidak terlihat dan tidak boleh ada di teks.",
                       "Hapus karakter itu (biasanya terbawa saat menyalin dari dokumen lain): ketik ulang baris ini.")
    elif isinstance(err, yaml.MarkedYAMLError) and "quoted scalar" in (err.context or "") and err.context_mark:
        # an opening quote never closed: the parser only notices at the end, so name the line the quote opened on
        problems.error(path, first_line + err.context_mark.line, "tanda kutip dibuka tetapi tidak ditutup.",
                       "Tambahkan tanda kutip penutup yang sama (\" atau ') di akhir teks pada baris ini.")
    elif isinstance(err, yaml.MarkedYAMLError) and _layout(text, path, problems, first_line, err):
        pass
    elif isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        line = first_line + mark.line if mark else first_line
        message = _plain(err.problem)
        problems.error(path, line, message, NESTING_FIX if "bertingkat" in message else
                       "Periksa baris ini (dan baris di atasnya): indentasi, tanda kutip, dan titik dua.")
    else:
        problems.error(path, first_line, f"penulisan YAML tidak sah ({err}).")


def _layout(text: str, path: str, problems: Problems, first_line: int, err: yaml.MarkedYAMLError) -> bool:
    """Two slips the parser notices on another line or blames on a colon, reported on the line that has them:
    'title:Rapat' (no space after the colon: YAML reads on into the next line and fails there), and a 'nama: nilai'
    line not aligned under the list item ('- file: ...') above it. False when the error is neither."""
    mark = err.problem_mark
    if mark is None or not any(words in (err.problem or "") for words in ("mapping values", "expected ':'")):
        return False
    lines = text.split("\n")
    last = min(mark.line, len(lines) - 1)
    above = [n for n in range(last - 1, -1, -1) if lines[n].strip()][:1]
    for number in [last] + above:                 # the line blamed, or the one YAML read on from
        slip = _NO_SPACE.match(lines[number])
        if slip:
            indent, key, rest = slip.groups()
            problems.error(path, first_line + number, f"tidak ada spasi setelah titik dua di '{key}:{rest[:30]}'.",
                           f"Beri satu spasi setelah titik dua: {indent.strip()}{' ' if indent.strip() else ''}"
                           f"{key}: {rest.strip()[:40]}")
            return True
    line = lines[mark.line] if mark.line < len(lines) else ""
    key = _KEY.match(line)
    if "mapping values" not in (err.problem or "") or not key or mark.column != key.end() - 1:
        return False
    above = next((lines[n] for n in range(mark.line - 1, -1, -1) if lines[n].strip()), "")
    in_list = above.lstrip().startswith("- ")
    problems.error(path, first_line + mark.line, "baris ini menjorok tidak sejajar dengan butir daftar ('- ...') di "
                   "atasnya." if in_list else INDENT_WORDS, LIST_FIX if in_list else
                   "Periksa jumlah spasi di awal baris ini dan baris di atasnya.")
    return True


@dataclass
class _Walk:
    """What _walk fills and reports to, for one YAML document: where it starts in its file, and the file's name."""

    first_line: int
    lines: Lines
    path: str
    problems: Problems
    texts: dict


def _walk(node: yaml.Node, key: tuple, w: _Walk) -> bool:
    """Record the line of every key and list item and the typed text of non-text scalars; refuse duplicate keys,
    which YAML would silently drop, and nesting deeper than MAX_DEPTH."""
    first_line, lines, path, problems, texts = w.first_line, w.lines, w.path, w.problems, w.texts
    lines[key] = first_line + node.start_mark.line
    ok = True
    if len(key) > MAX_DEPTH:
        problems.error(path, lines[key], f"data bertingkat terlalu dalam (lebih dari {MAX_DEPTH} tingkat).", NESTING_FIX)
        return False
    if isinstance(node, yaml.ScalarNode):
        if node.tag != "tag:yaml.org,2002:str":
            texts[key] = node.value
        found = FORBIDDEN.search(node.value)
        if found:
            where = ".".join(map(str, key))
            problems.error(path, lines[key], f"{f'{where!r} ' if where else ''}memuat karakter kendali "
                           f"U+{ord(found.group()):04X} yang tidak terlihat dan membuat umpan RSS/Atom rusak.",
                           "Hapus karakter itu (kode seperti \\x01 atau \\u0000 di antara tanda kutip).")
            return False
    elif isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            name = key_node.value
            if not isinstance(key_node, yaml.ScalarNode):
                problems.error(path, first_line + key_node.start_mark.line, "nama kolom harus berupa teks.",
                               "Tulis baris sebagai 'nama: nilai'.")
                return False
            if name in seen:
                problems.error(path, first_line + key_node.start_mark.line,
                               f"'{name}' ditulis dua kali.", "Hapus salah satunya.")
                ok = False
            seen.add(name)
            ok &= _walk(value_node, key + (name,), w)
            lines[key + (name,)] = first_line + key_node.start_mark.line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            ok &= _walk(item, key + (index,), w)
    return ok
