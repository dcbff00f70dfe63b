"""Front matter written the way the staff guide (docs/panduan.md) teaches it: `key: value` lines, nested lines two
spaces deeper (`  - file: foto.jpg` then `    caption: ...`), lists of short texts in brackets (`tags: [a, b]`),
plain dates (`2024-09-21 20:15`), and quotes only where YAML needs them."""

from __future__ import annotations

import datetime as dt
import functools
import re

import yaml

from generator.core import yamlio


class Reader(yaml.SafeLoader):
    """How the build reads a value back (yamlio: no implicit timestamps, dates stay text)."""


Reader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _reads_back(probe: str, wanted) -> bool:
    """Whether every reader of front matter here reads probe as wanted: the build's (yamlio: libyaml where PyYAML has
    it) and the desk's (Reader, the pure-Python parser), which differ on a few texts (`[0?]`). Never raises: a text
    nested past Python's recursion limit, with more digits than it turns into an integer or with a tag its value does
    not fit ('!!bool x') is not read back."""
    if yamlio.value_of(probe) != wanted:
        return False
    try:
        return yaml.load(probe, Loader=Reader) == wanted
    except Exception:  # noqa: BLE001 - whatever stops the reading ('!!bool x': KeyError) means: quote it
        return False


# Words of letters and digits with spaces, commas (outside brackets), full stops, brackets, slashes and hyphens, the
# first a letter: plain text to every YAML reader (no indicator, no comment, no ': ', and with a space never a
# boolean or a null), so most titles and captions skip the two readers' probes (tests/test_yamlio.py holds it).
_PLAIN_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()/-]* [A-Za-z0-9 ,.()/-]*\Z")
_PLAIN_WORDS_IN_LIST = re.compile(r"[A-Za-z][A-Za-z0-9 .()/-]* [A-Za-z0-9 .()/-]*\Z")


@functools.lru_cache(maxsize=4096)
def scalar(value: str, in_list: bool = False) -> str:
    """A one-line text as YAML: plain when YAML reads it back as the same text, else in double quotes."""
    if value == value.strip() and (_PLAIN_WORDS_IN_LIST if in_list else _PLAIN_WORDS).match(value):
        return value
    if value and value == value.strip() and "\n" not in value and "\r" not in value and "\t" not in value:
        probe = f"k: [{value}]" if in_list else f"k: {value}"
        wanted = {"k": [value]} if in_list else {"k": value}
        if _reads_back(probe, wanted) and not value.startswith(("'", '"')):
            return value
    return _quoted(value)


def _quoted(value: str) -> str:
    text = yaml.dump(value, default_style='"', allow_unicode=True, width=1 << 16).rstrip("\n")
    return text[:-4] if text.endswith("\n...") else text


def value_text(value) -> str:
    """A scalar value (text, number, true/false, date, None) as written after 'key: '."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M" if not value.second else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return scalar(str(value))


def _flow_list(items: list) -> str | None:
    """`[a, b]` for a list of one-line texts and numbers (tags, aliases), None when a block list is clearer."""
    if not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in items):
        return None
    if any(isinstance(i, str) and ("\n" in i or not i.strip()) for i in items):
        return None
    return "[" + ", ".join(scalar(i, in_list=True) if isinstance(i, str) else str(i) for i in items) + "]"


def lines(key: str, value, indent: int = 0) -> list[str]:
    """The lines of one `key: value` entry at the given indentation (no line endings)."""
    pad = " " * indent
    head = f"{pad}{scalar(str(key))}:"
    if isinstance(value, dict):
        if not value:
            return [f"{head} {{}}"]
        return [head] + [line for k, v in value.items() for line in lines(k, v, indent + 2)]
    if isinstance(value, list):
        flow = _flow_list(value)
        if flow is not None:
            return [f"{head} {flow}"]
        return [head] + [line for item in value for line in item_lines(item, indent + 2)]
    if _as_block(value):
        return [f"{head} {_block_indicator(value)}"] + [f"{pad}  {part}" if part else "" for part in
                                                       value.rstrip("\n").split("\n")]
    return [f"{head} {value_text(value)}"]


def _as_block(value) -> bool:
    """A text of several lines goes in a `|` block, unless its first line is indented or it holds other breaks
    (then it is written in double quotes, with \\n)."""
    return (isinstance(value, str) and "\n" in value.rstrip("\n") and not value[:1].isspace()
            and not value.endswith("\n\n")
            and all(c.isprintable() or c in "\n\t" for c in value) and "\ufeff" not in value)


def _block_indicator(value: str) -> str:
    """`|` keeps one final line break, `|-` none (so the text reads back exactly as it was)."""
    return "|" if value.endswith("\n") else "|-"


def item_lines(item, indent: int) -> list[str]:
    """One list item: `- value`, or `- key: value` with its other keys aligned under the first."""
    pad = " " * indent
    if isinstance(item, dict) and item:
        body = [line for k, v in item.items() for line in lines(k, v, indent + 2)]
        return [f"{pad}- {body[0][indent + 2:]}"] + body[1:]
    if isinstance(item, list) and item:
        flow = _flow_list(item)
        if flow is not None:
            return [f"{pad}- {flow}"]
        body = [line for sub in item for line in item_lines(sub, indent + 2)]
        return [f"{pad}- {body[0][indent + 2:]}"] + body[1:]
    if _as_block(item):
        return [f"{pad}- {_block_indicator(item)}"] + [f"{pad}  {part}" if part else "" for part in
                                                       item.rstrip("\n").split("\n")]
    if isinstance(item, (dict, list)):
        return [f"{pad}- {'{}' if isinstance(item, dict) else '[]'}"]
    return [f"{pad}- {value_text(item)}"]


def front_matter(data: dict, newline: str = "\n") -> str:
    """The text between the two '---' lines (each line ended by newline) for the fields in data, in their order."""
    return "".join(line + newline for key, value in data.items() for line in lines(key, value))
