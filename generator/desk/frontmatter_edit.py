"""A source file split into its parts, and its front matter edited in place: only the lines of the fields whose
value changes are touched; comments, field order, quoting, line endings (CRLF), a BOM and fields the desk does not
know stay byte for byte as they were."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from generator.core import yamltext

REMOVE = object()           # a field to delete


@dataclass(frozen=True)
class Source:
    """A Markdown file's text in parts; "".join of them is the file's text exactly."""

    bom: str                # "\ufeff" or ""
    head: str               # the opening '---' line with its line ending
    front: str              # the lines between the '---' lines, each with its line ending
    close: str              # the closing '---' line with its line ending ('' at the end of the file)
    body: str               # everything after the closing line

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.head + self.front + self.close else "\n"

    @property
    def text(self) -> str:
        return self.bom + self.head + self.front + self.close + self.body


def parse(text: str) -> Source | None:
    """The parts of a file with front matter (found as the build finds it), or None when it has none."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    rest = text[len(bom):]
    lines = rest.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    ends = [line + "\n" for line in lines[:-1]] + [lines[-1]]
    for number in range(1, len(ends)):
        if ends[number].rstrip() == "---":
            return Source(bom, ends[0], "".join(ends[1:number]), ends[number], "".join(ends[number + 1:]))
    return None


def read(front: str) -> dict | None:
    """The front matter as the build reads it (dates as text), or None when it is not a readable map."""
    try:
        data = yaml.load(front.replace("\r\n", "\n"), Loader=yamltext.Reader)
    except yaml.YAMLError:
        return None
    if data is None:
        return {}
    return data if isinstance(data, dict) else None


def same(a, b) -> bool:
    """Equal as YAML values, telling apart what Python mixes up (True == 1, 1 == 1.0)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


class _Rewrite(Exception):
    """This part cannot be edited in place: write the enclosing field anew."""


@dataclass
class _Text:
    """The front matter being edited: its text, the edits to make (start, end, new text), its newline."""

    text: str
    newline: str
    edits: list

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """Index of the line ending (or the end of the text) of the line holding index."""
        end = self.text.find("\n", index)
        if end < 0:
            return len(self.text)
        return end - 1 if end > 0 and self.text[end - 1] == "\r" else end

    def next_line(self, index: int) -> int:
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end + 1

    def joined(self, lines: list[str]) -> str:
        return self.newline.join(lines)


def edit(front: str, changes: dict, newline: str) -> str:
    """front with each field of changes set to its value (REMOVE deletes it; a field not there yet is added after
    the field before it in changes' order, or at the end). Fields not in changes are left as they are."""
    old = read(front)
    if old is None:
        raise ValueError("front matter is not a readable map")
    wanted = {k: v for k, v in old.items()}
    for key, value in changes.items():
        if value is REMOVE:
            wanted.pop(key, None)
        else:
            wanted[key] = value
    root = yaml.compose(front, Loader=yamltext.Reader) if old else None
    doc = _Text(front, newline, [])
    entries = _entries(root) if root is not None else {}
    order = list(changes)
    for key, value in changes.items():
        if key in entries and value is REMOVE:
            _remove_entry(doc, *entries[key], top=True)
        elif key in entries and not same(old[key], value):
            _set_top(doc, key, entries[key], old[key], value)
        elif key not in entries and value is not REMOVE:
            _add(doc, key, value, entries, order)
    result = _apply(doc)
    if not same(read(result), wanted):          # never expected: then the whole front matter is written anew
        result = yamltext.front_matter(wanted, newline)
    return result


def _entries(node: yaml.Node) -> dict:
    if not isinstance(node, yaml.MappingNode):
        raise ValueError("front matter is not a map")
    return {k.value: (k, v) for k, v in node.value}


def _apply(doc: _Text) -> str:
    text = doc.text
    # from the end backwards; of two insertions at one place, the one asked for first ends up first
    ordered = sorted(enumerate(doc.edits), key=lambda e: (e[1][0], e[1][1], e[0]), reverse=True)
    for _, (start, end, new) in ordered:
        text = text[:start] + new + text[end:]
    return text


def _last_index(doc: _Text, node: yaml.Node) -> int:
    """Index of the end of the last line holding node (before its line ending)."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_index(doc, last[1] if isinstance(node, yaml.MappingNode) else last)
    end = node.end_mark.index
    if end > node.start_mark.index and doc.text[end - 1] == "\n":      # a block scalar takes its line ending
        end -= 2 if end > 1 and doc.text[end - 2] == "\r" else 1
    return doc.line_end(end if end == node.start_mark.index else end - 1)


def _set_top(doc: _Text, key: str, pair: tuple, old, value) -> None:
    """Set a top-level field, in place where possible, else by writing its entry anew."""
    if not _isolated(doc, pair[1], old, value):
        _rewrite_entry(doc, pair, key, value)


def _isolated(doc: _Text, node: yaml.Node, old, value) -> bool:
    """_set, keeping its edits only when all of them could be made (else none, and False)."""
    parts: list = []
    try:
        _set(_Text(doc.text, doc.newline, parts), node, old, value)
    except _Rewrite:
        return False
    doc.edits.extend(parts)
    return True


def _set(doc: _Text, node: yaml.Node, old, value) -> None:
    if same(old, value):
        return
    if isinstance(node, yaml.ScalarNode) and not isinstance(value, (dict, list)):
        if node.style in ("|", ">") or node.start_mark.index == node.end_mark.index:
            raise _Rewrite()
        text = yamltext.value_text(value)
        if "\n" in text:
            raise _Rewrite()
        doc.edits.append((node.start_mark.index, node.end_mark.index, text))
    elif isinstance(node, yaml.MappingNode) and not node.flow_style and isinstance(value, dict) and isinstance(old, dict):
        _set_mapping(doc, node, old, value)
    elif isinstance(node, yaml.SequenceNode) and not node.flow_style and isinstance(value, list) \
            and isinstance(old, list) and value:
        _set_sequence(doc, node, old, value)
    elif isinstance(node, yaml.SequenceNode) and node.flow_style and isinstance(value, list) \
            and node.start_mark.line == node.end_mark.line:
        flow = yamltext.lines("k", value)
        if len(flow) != 1:
            raise _Rewrite()
        doc.edits.append((node.start_mark.index, node.end_mark.index, flow[0][3:]))
    else:
        raise _Rewrite()


def _set_mapping(doc: _Text, node: yaml.MappingNode, old: dict, value: dict) -> None:
    entries = _entries(node)
    for key in old:
        if key not in value:
            _remove_entry(doc, *entries[key], top=False)
    previous = None
    for key, item in value.items():
        if key in entries:
            if not _isolated(doc, entries[key][1], old[key], item):
                _rewrite_entry(doc, entries[key], key, item)
            previous = key
        else:
            after = entries[previous][1] if previous else node.value[-1][1]
            indent = node.value[0][0].start_mark.column
            at = _last_index(doc, after)
            doc.edits.append((at, at, doc.newline + doc.joined(yamltext.lines(key, item, indent))))


def _set_sequence(doc: _Text, node: yaml.SequenceNode, old: list, value: list) -> None:
    dash = _dash(doc, node.value[0])
    for index in range(min(len(old), len(value))):
        item = node.value[index]
        if not _isolated(doc, item, old[index], value[index]):
            _dash(doc, item)
            lines = yamltext.item_lines(value[index], dash)
            doc.edits.append((item.start_mark.index, _last_index(doc, item), doc.joined(lines)[dash + 2:]))
    if len(value) > len(old):
        at = _last_index(doc, node.value[-1])
        added = [line for item in value[len(old):] for line in yamltext.item_lines(item, dash)]
        doc.edits.append((at, at, doc.newline + doc.joined(added)))
    elif len(old) > len(value):
        first = node.value[len(value)]
        _dash(doc, first)
        start = doc.line_start(first.start_mark.index)
        doc.edits.append((start, doc.next_line(_last_index(doc, node.value[-1])), ""))


def _dash(doc: _Text, item: yaml.Node) -> int:
    """The column of the '-' of a list item written as '- value' on one line; _Rewrite for any other shape."""
    start = doc.line_start(item.start_mark.index)
    before = doc.text[start:item.start_mark.index]
    if before.rstrip(" ").endswith("-") and not before.rstrip(" ")[:-1].strip(" "):
        return len(before.rstrip(" ")) - 1
    raise _Rewrite()


def _remove_entry(doc: _Text, key: yaml.Node, value: yaml.Node, top: bool) -> None:
    """Delete a field's lines; a field sharing its line with a list item's '-' is written anew instead."""
    start = doc.line_start(key.start_mark.index)
    if doc.text[start:key.start_mark.index].strip(" "):
        raise _Rewrite()
    doc.edits.append((start, doc.next_line(_last_index(doc, value)), ""))


def _rewrite_entry(doc: _Text, pair: tuple, key: str, value) -> None:
    """Replace a field's lines (from its key to the end of its value) with the field written anew."""
    key_node, value_node = pair
    indent = key_node.start_mark.column
    lines = yamltext.lines(key, value, indent)
    doc.edits.append((key_node.start_mark.index, _last_index(doc, value_node), doc.joined(lines)[indent:]))


def _add(doc: _Text, key: str, value, entries: dict, order: list) -> None:
    """A new top-level field: after the nearest field before it in order that the file has, else at the end."""
    lines = doc.joined(yamltext.lines(key, value)) + doc.newline
    for earlier in reversed(order[:order.index(key)]):
        if earlier in entries:
            at = doc.next_line(_last_index(doc, entries[earlier][1]))
            doc.edits.append((at, at, lines))
            return
    if doc.text and not doc.text.endswith("\n"):
        lines = doc.newline + lines
    doc.edits.append((len(doc.text), len(doc.text), lines))
