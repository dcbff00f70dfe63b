"""YAML reading: line numbers, plain-word syntax errors, and aliases that would expand without bound."""

from __future__ import annotations

import time

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.core import yamlio, yamltext
from generator.core.report import Problems
from generator.model import config as config_module
from tests.conftest import MINIMAL_CONFIG, build_errors, md, write_site

pytestmark = pytest.mark.quick


def _bomb(levels: int, mapping: bool = False) -> str:
    """The "billion laughs": each line ten aliases of the one before; 10**levels values from a few hundred bytes."""
    lines = ["a0: &a0 [lol]" if not mapping else "a0: &a0 {x: lol}"]
    for n in range(1, levels + 1):
        refs = ", ".join(f"*a{n - 1}" for _ in range(10))
        lines.append(f"a{n}: &a{n} [{refs}]" if not mapping else
                     f"a{n}: &a{n} {{{', '.join(f'k{i}: *a{n - 1}' for i in range(10))}}}")
    return "\n".join(lines) + "\n"


def _load(text: str, first_line: int = 1):
    problems = Problems()
    return yamlio.load(text, "x.yaml", problems, first_line), [str(p) for p in problems]


@pytest.mark.parametrize("levels, mapping", [(9, False), (9, True), (30, False), (6, False)])
def test_alias_bombs_are_refused_quickly_with_file_and_line(levels, mapping):
    started = time.perf_counter()
    parsed, problems = _load(_bomb(levels, mapping))
    assert time.perf_counter() - started < 2          # exponential work would take minutes, not this
    assert parsed is None and len(problems) == 1
    assert problems[0].startswith("x.yaml:1: alias YAML") and "50.000" in problems[0]


def test_an_alias_that_contains_itself_is_refused():
    for text in ("a: &a [*a]\n", "a: &a {b: *a}\n", "x:\n  - &a [1, [2, *a]]\n"):
        parsed, problems = _load(text)
        assert parsed is None and "dirinya sendiri" in problems[0], text


@pytest.mark.parametrize("items, refused", [(49_997, None), (49_998, 3), (60_000, 4)])
def test_a_document_without_aliases_is_held_to_the_same_number_of_values(items, refused):
    """No '*' in the text (the quick count): a map, its key and list, and the items are values; more than 50,000 is
    refused on the line of the first part that holds too many (the map, or the list alone), as with aliases."""
    parsed, problems = _load("x:\n" + "- a\n" * items, first_line=3)
    if refused:
        assert parsed is None and problems == [f"x.yaml:{refused}: alias YAML ('&' dan '*') di sini membuat lebih dari "
                                               "50.000 nilai. Tulis nilainya langsung, tanpa '&nama' dan '*nama'."]
    else:
        assert problems == [] and len(parsed[0]["x"]) == items


def test_ordinary_use_of_anchors_is_kept():
    parsed, problems = _load("base: &b {caption: Rapat}\nfoto:\n  - *b\n  - *b\n")
    assert problems == [] and parsed[0]["foto"] == [{"caption": "Rapat"}, {"caption": "Rapat"}]


def test_a_bomb_in_front_matter_is_refused_with_the_files_line(tmp_path):
    front = "title: Bom\ndate: 2019-11-08\n" + _bomb(9)
    site = write_site(tmp_path / "site", {"content/posts/bom.md": md(front)})
    started = time.perf_counter()
    errors = build_errors(site)
    assert time.perf_counter() - started < 10
    assert errors[0].startswith("content/posts/bom.md:4: alias YAML")
    assert not (site / "output").exists()


def test_a_bomb_in_config_yaml_is_refused_with_its_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(MINIMAL_CONFIG + "x_bom:\n" + "".join("  " + line + "\n" for line in _bomb(9).splitlines()))
    problems = Problems()
    started = time.perf_counter()
    assert config_module.load(path, problems) is None
    assert time.perf_counter() - started < 2
    assert str(problems[0]).startswith("config.yaml:7: alias YAML")


@pytest.mark.parametrize("text, line, words", [
    ("services:\n  - {title: PPID, url: https://ppid.kpu.go.id/, description: Permohonan informasi: daring}\n", 2,
     "di dalam kurung kurawal"),
    ('site:\n  title: "KPU Kabupaten Sleman\n  tagline: "Komisi Pemilihan Umum"\n', 3, "tanda kutip di baris ini atau di atasnya"),
])
def test_syntax_slips_staff_make_are_told_in_plain_words_without_the_parsers_english(text, line, words):
    data, problems = _load(text)
    assert data is None and len(problems) == 1 and problems[0].startswith(f"x.yaml:{line}:"), problems
    assert words in problems[0] and "expected" not in problems[0] and "<" not in problems[0], problems


@pytest.mark.parametrize("text, words", [
    ("title: @kpu_kaltara gelar rapat pleno\n", "'@'"), ("title: `Rapat` pleno\n", "'`'"),
    ("title: %20 peserta hadir\n", "'%'"), ("title: !Penting rapat pleno\n", "'!'"),
    ("title: >> Pengumuman seleksi\n", "'>'"), ("title: | Pengumuman\n", "'|'"),
    ("tags: [pemilu, rapat\n", "kurung siku"), ("tags: [pemilu, rapat]]\n", "']'"),
    ("event: {start: 2024-01-01\n", "kurung kurawal"), ("title: *\n", "'*'"),
])
def test_a_value_starting_with_a_mark_yaml_reserves_is_told_in_indonesian(text, words):
    """An Instagram handle or a '!' at the start of a title, a bracket left open: PyYAML's own English ('found
    character '@' that cannot start any token') reached staff inside the message."""
    data, problems = _load(text)
    assert data is None and len(problems) == 1 and problems[0].startswith("x.yaml:"), problems
    assert words in problems[0], problems
    assert not any(english in problems[0] for english in ("found", "expected", "could not", "token", "<")), problems


# Values and keys of every tag PyYAML's safe loader knows, and some it refuses, in block and flow style.
YAML_VALUES = ["a", "1", "-2", "0x1F", "1_000", "1.5", ".inf", "1e3", "yes", "No", "~", "null", "", "'q'", '"d\\u0041"',
               "2019-11-08", "!!str 1", "!!int 7", "!!float 2", "!!bool yes", "!!null", "!!binary aGk=",
               "!!timestamp 2019-11-08", "!x y", "=", "<<", "&a 3", "[1, 2]", "{k: v}", "!!set {a, b}",
               "!!omap [a: 1]", "!!seq [x]", "!!map {x: 1}", "!!str [x]", "? [a]", "9" * 5000]
YAML_KEYS = ["a", "b", "1", "yes", "null", "<<", "=", "!!str 2", "[k]", "? k", "&k x", "3.0"]


@st.composite
def _documents(draw) -> str:
    lines = []
    for number in range(draw(st.integers(0, 5))):        # keys mostly of their own: a key twice is refused
        key = draw(st.sampled_from(YAML_KEYS + [f"k{number}"] * 20))
        value, shape = draw(st.sampled_from(YAML_VALUES)), draw(st.integers(0, 2))
        inner = f"{draw(st.sampled_from(YAML_KEYS + ['i'] * 20))}: {draw(st.sampled_from(YAML_VALUES))}"
        lines.append([f"{key}: {value}", f"{key}:\n  - {value}\n  - {inner}", f"{key}:\n  {inner}"][shape])
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(_documents())
@example("a: !!set {a, b}\nb: !!omap [a: 1]\nc: !!binary aGk=\nd: !!seq [x]\ne: !!map {x: 1}\n")
@example("a:\n  <<: {b: 1}\n  =: 2\n")
def test_a_document_without_aliases_is_read_as_pyyaml_reads_it(text):
    """Without a '*' the document is built by yamlio itself: the same values (and types), lines and problems as
    PyYAML's construction, which a '*' in a comment makes it use."""
    def read(text):
        problems, texts = Problems(), {}
        parsed = yamlio.load(text, "x.yaml", problems, 2, texts)
        return repr(parsed), [str(p) for p in problems], texts
    assert read(text) == read(text + "# *\n")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", " ", "\t", "\n", "\r", "\x00", "\x08", "\x0b", "\x1f", "\x7f", "\x80",
                                         "\x9f", "\xa0", "\u00c2", "\ufffe", "\uffff", "\ufeff", "\ud800", "\udfff",
                                         "\ud7ff", "\ue000", "—", "é"]), max_size=20))
def test_forbidden_finds_what_the_pattern_finds(text):
    """forbidden() first deletes the bytes no forbidden character has: the same first match as FORBIDDEN's search."""
    expected = yamlio.FORBIDDEN.search(text)
    found = yamlio.forbidden(text)
    assert (found and (found.start(), found.group())) == (expected and (expected.start(), expected.group()))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60).filter(lambda text: not yamlio.forbidden(text)))   # those the build refuses
@example("1" * 5000)            # more digits than Python turns into an integer: read back as text by the build
@example("-" + "1" * 5000)
@example("[" * 3000)            # nested deeper than Python recurses: it used to raise out of the desk's save
@example("{" * 3000)
@example("yes")
@example("12:30")
@example("!!bool x")             # a tag its value does not fit: KeyError, AttributeError, ValueError
@example("!!timestamp x")
@example("!!float x")
def test_a_value_written_plain_or_quoted_reads_back_as_the_same_text_in_the_build(text):
    """yamltext decides plain or quoted by how the build itself reads the value back: never an exception, whatever
    the staff type or an export holds."""
    written = yamltext.scalar(text)
    problems = Problems()
    read = yamlio.load(f"k: {written}\n", "x.md", problems)
    assert read is not None and read[0] == {"k": text}, (written, [str(p) for p in problems])


@pytest.mark.parametrize("value", ["!!bool x", "!!timestamp x", "!!float x", "[!!bool x]", "&a !!bool x"])
def test_a_value_that_does_not_fit_its_tag_is_reported_on_its_line(value):
    """PyYAML's constructors raised KeyError, AttributeError or ValueError for these, out of the build."""
    data, problems = _load(f"title: Rapat\ntags: {value}\n")
    assert data is None and len(problems) == 1, problems
    assert problems[0].startswith("x.yaml:2: nilai ini diberi tanda YAML ('!!...') yang tidak cocok"), problems


def test_a_post_whose_title_does_not_fit_its_tag_fails_the_build_with_the_files_line(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/rapat.md": md("title: !!bool Rapat\ndate: 2019-11-08")})
    errors = build_errors(site)
    assert errors and errors[0].startswith("content/posts/rapat.md:2: nilai ini diberi tanda YAML"), errors
    assert not (site / "output").exists()


@settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[A-Za-z][A-Za-z0-9 ,.()/:#'-]{0,30}", fullmatch=True), st.booleans())
@example("Yes we can", False)
@example("Rapat, Sosialisasi", True)
@example("a -", False)
def test_a_title_as_written_reads_back_the_same_in_the_build_and_in_the_desk(text, in_list):
    """Most titles and captions are written plain without asking a YAML reader (yamltext's quick test): both readers,
    the build's and the desk's, still read every value back as it was, in a list or not."""
    written = yamltext.scalar(text.strip(), in_list)
    document = f"k: [{written}]\n" if in_list else f"k: {written}\n"
    wanted = {"k": [text.strip()] if in_list else text.strip()}
    read = yamlio.load(document, "x.md", Problems())
    assert read is not None and read[0] == wanted, written
    assert yaml.load(document, Loader=yamltext.Reader) == wanted, written
