"""Reading a WordPress export (WXR 1.0-1.2, http or https namespaces, WordPress.com) into plain values, tolerantly."""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from lxml import etree


@dataclass(frozen=True)
class Comment:
    author: str
    date: dt.datetime | None
    text: str
    approved: str            # '1', '0', 'spam', 'trash'
    kind: str                # '' or 'comment', 'pingback', 'trackback'


@dataclass
class Item:
    """One <item>: a post, page, attachment or anything else WordPress exports."""

    post_id: str
    post_type: str
    status: str
    title: str
    link: str
    guid: str
    slug: str
    date: dt.datetime | None
    author: str
    content: str
    excerpt: str
    parent: str
    menu_order: int
    attachment_url: str
    password: str = ""
    occurrence: int = 1              # the second item with the same id and guid in one export is 2, ...
    categories: list[tuple[str, str]] = field(default_factory=list)   # (name, nicename)
    tags: list[str] = field(default_factory=list)
    menus: list[tuple[str, str]] = field(default_factory=list)        # a menu item's menus: (name, slug)
    meta: dict[str, list[str]] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    line: int | None = None

    def first_meta(self, key: str) -> str | None:
        values = self.meta.get(key)
        return values[0] if values else None

    @property
    def key(self) -> str:
        """Who this item is across exports: the numeric id alone is not enough (some exports reuse ids)."""
        key = f"{self.post_type}:{self.post_id}:{self.guid.strip()}"
        return key if self.occurrence == 1 else f"{key}#{self.occurrence}"


@dataclass
class Export:
    title: str
    base_url: str                    # wp:base_blog_url (or the channel's link)
    items: list[Item]
    authors: dict[str, str]          # login -> display name
    date: dt.datetime | None = None  # when it was exported (the channel's pubDate)
    warnings: list[str] = field(default_factory=list)   # what the XML parser had to repair, with its line
    cut_short: int | None = None     # the file ends at this line without closing the export: it was cut short
    dropped: int = 0                 # items the cut fell into (read in part): left out
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)   # term id -> (name, nicename)


class Refused(Exception):
    """The file declares XML entities (a WordPress export never does): expanding them is how 'billion laughs'
    files fill memory. Nothing of it is imported; the message is for the user."""


class Unreadable(Exception):
    """The file is not a WordPress export at all (or cannot be opened)."""


@functools.lru_cache(maxsize=1024)      # an export has a few dozen tag names, met hundreds of thousands of times
def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""
    name = etree.QName(tag).localname if tag.startswith("{") else tag
    return name.rsplit(":", 1)[-1]


def _prefix(element) -> str:
    """'excerpt' for excerpt:encoded, 'content' for content:encoded, whatever its namespace URI."""
    tag = element.tag
    if isinstance(tag, str) and tag.startswith("{"):
        uri = tag[1:].split("}", 1)[0]
        return "excerpt" if "excerpt" in uri else "content" if "content" in uri else "wp" if "wordpress" in uri else ""
    return tag.split(":", 1)[0] if ":" in tag else ""


def _text(element) -> str:
    return (element.text or "") if element is not None else ""


def read(path: Path, zone: ZoneInfo) -> Export:
    """Parse the export; XML that is not well-formed is repaired by lxml's recovering parser and each repair kept
    as a warning."""
    try:
        tree, errors, repaired = _parsed(path)
    except PermissionError:
        raise Unreadable("tidak ada izin membaca berkas ini") from None
    except OSError as err:
        raise Unreadable(f"berkas tidak bisa dibuka ({err.strerror or err})") from None
    except etree.XMLSyntaxError:
        raise Unreadable("berkas kosong atau sama sekali bukan XML") from None
    root = tree.getroot() if tree is not None else None
    if root is None:
        raise Unreadable("berkas kosong atau sama sekali bukan XML")
    refusal = _refusal(tree, errors)
    if refusal:
        raise Refused(refusal)
    warnings = _warnings(errors, repaired)
    channel = next((c for c in [root, *root] if _local(c.tag) == "channel"), None)
    if channel is None:
        raise Unreadable("tidak ada <channel>: ini bukan berkas ekspor WordPress (WXR)")
    title, base, authors, items, categories = "", "", {}, [], {}
    link, exported = "", None
    for child in channel:
        name = _local(child.tag)
        if name == "title":
            title = html.unescape(_text(child)).strip()
        elif name == "link" and not link:
            link = _text(child).strip()
        elif name == "pubDate":
            exported = rfc822(_text(child), zone)
        elif name in ("base_blog_url",):
            base = _text(child).strip()
        elif name == "author":
            fields = {_local(c.tag): _text(c).strip() for c in child}
            if fields.get("author_login"):
                authors[fields["author_login"]] = html.unescape(fields.get("author_display_name") or fields["author_login"])
        elif name == "category":
            fields = {_local(c.tag): _text(c).strip() for c in child}
            if fields.get("term_id"):
                name_and_slug = (html.unescape(fields.get("cat_name", "")), fields.get("category_nicename", ""))
                categories[fields["term_id"]] = name_and_slug
        elif name == "item":
            items.append(_item(child, zone))
    export = Export(title, base or link, items, authors, date=exported, warnings=warnings, categories=categories)
    if not _closed(path):
        _cut_short(export, path)
    return export


# An '&' that starts no entity reference, outside CDATA and comments; CDATA and comments are matched first so
# that the '&' inside them is left as written.
_AMPERSAND = re.compile(rb"(<!\[CDATA\[.*?\]\]>|<!--.*?-->)|&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)", re.S)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False, no_network=True,
                           remove_blank_text=False)


def _parsed(path: Path) -> tuple:
    """The parsed file, the parser's errors and the lines where a bare '&' was read as '&amp;'. lxml's recovery
    drops a bare '&' together with the word after it ('R&D' became 'R', a URL lost its '&w=1268'), so a file
    with one is parsed again with each such '&' escaped first; lines stay where they were."""
    parser = _parser()
    tree = etree.parse(str(path), parser)
    errors = list(parser.error_log)
    if not any("EntityRef" in e.message for e in errors) or _wide(path):
        return tree, errors, []
    lines: list[int] = []
    data = path.read_bytes()

    def escape(match: re.Match) -> bytes:
        if match.group(1):
            return match.group(1)
        lines.append(match.start())
        return b"&amp;"

    fixed = _AMPERSAND.sub(escape, data)
    if not lines:
        return tree, errors, []
    parser = _parser()
    root = etree.fromstring(fixed, parser)
    tree = root.getroottree() if root is not None else None
    return tree, list(parser.error_log), _line_numbers(data, lines)


def _line_numbers(data: bytes, offsets: list[int]) -> list[int]:
    """The 1-based line of each offset (sorted) in data, counted in one pass."""
    numbers, line, at = [], 1, 0
    for offset in offsets:
        line += data.count(b"\n", at, offset)
        at = offset
        numbers.append(line)
    return numbers


def _warnings(errors, repaired: list[int]) -> list[str]:
    """What the parser repaired, once per line and message, in plain Indonesian where the message is a known one."""
    notes = [(line, "tanda '&' yang tidak ditulis '&amp;' dibaca sebagai '&' biasa; teksnya utuh")
             for line in repaired]
    notes += [(e.line, _plain(e.message.strip())) for e in errors]
    return [f"baris {line}: {text}" for line, text in dict.fromkeys(sorted(notes, key=lambda note: note[0]))]


def _plain(message: str) -> str:
    prefix = re.match(r"Namespace prefix (\S+) on (\S+) is not defined", message)
    if prefix:
        return (f"awalan '{prefix[1]}' pada <{prefix[1]}:{prefix[2]}> tidak dinyatakan di awal berkas; "
                "unsur itu tetap dibaca")
    if "EntityRef" in message:
        return "tanda '&' yang tidak ditulis '&amp;'; teks sesudahnya mungkin hilang"
    return f"pesan pengurai XML: {message}"


def _refusal(tree, errors) -> str:
    """Why the file is refused outright ('' when it is not): entities declared in it, or expanded beyond the
    parser's limits."""
    dtd = tree.docinfo.internalDTD
    declared = [entity.name for entity in dtd.iterentities()] if dtd is not None else []
    blown = [e for e in errors if "entit" in e.message.lower()
             and any(word in e.message.lower() for word in ("amplification", "loop", "exceeded", "huge", "depth"))]
    if not declared and not blown:
        return ""
    names = ", ".join(f"&{name};" for name in declared[:5]) + (" ..." if len(declared) > 5 else "")
    return (f"berkas ini mendefinisikan entitas XML sendiri ({names or 'di bagian DOCTYPE'})"
            + (" yang mengembang berlipat-lipat (pola serangan 'billion laughs')" if blown else "")
            + "; ekspor WordPress tidak pernah memakainya")


def _wide(path: Path) -> str:
    """The codec of an export saved again as UTF-16 or UTF-32 (Notepad's 'Unicode'), by its byte order mark; ''
    for the UTF-8 (or single-byte) file WordPress writes, whose bytes are read as they are."""
    with open(path, "rb") as handle:
        start = handle.read(4)
    if start in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "utf-32"
    return "utf-16" if start[:2] in (b"\xff\xfe", b"\xfe\xff") else ""


def _lines(path: Path):
    """The file's lines as bytes (UTF-8 for a wide file), without reading a UTF-8 file whole."""
    wide = _wide(path)
    if wide:
        with open(path, encoding=wide, errors="replace", newline="") as handle:
            yield from (line.encode("utf-8") for line in handle)
        return
    with open(path, "rb") as handle:
        yield from handle


def _closed(path: Path) -> bool:
    """The file ends with the export's closing </rss> (an export downloaded or copied in full)."""
    wide = _wide(path)
    if wide:
        tail = path.read_text(encoding=wide, errors="replace")[-4096:].encode("utf-8")
    else:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            handle.seek(max(0, handle.tell() - 4096))
            tail = handle.read()
    tail = tail.rstrip(b" \t\r\n\x00")
    while tail.endswith(b"-->") and b"<!--" in tail:
        tail = tail[:tail.rfind(b"<!--")].rstrip()
    return tail.lower().endswith(b"</rss>")


def _cut_short(export: Export, path: Path) -> None:
    """Mark the export as cut short at its last line and keep only the items whose end tag is in the file (the
    item the cut fell into was read in part)."""
    ends, lines = 0, 0
    for lines, line in enumerate(_lines(path), start=1):
        ends += line.count(b"</item>")
    export.cut_short = lines
    export.dropped = max(0, len(export.items) - ends)
    export.items = export.items[:ends]


def _item(element, zone: ZoneInfo) -> Item:
    fields: dict[str, str] = {}
    categories, tags, meta, comments, menus = [], [], {}, [], []
    for child in element:
        name = _local(child.tag)
        if name == "category":
            label = html.unescape(_text(child)).strip()
            domain = child.get("domain", "category")
            if not label:
                continue
            if domain == "category":
                categories.append((label, child.get("nicename", "")))
            elif domain == "post_tag":
                tags.append(label)
            elif domain == "nav_menu":
                menus.append((label, child.get("nicename", "")))
        elif name == "postmeta":
            parts = {_local(c.tag): _text(c) for c in child}
            if parts.get("meta_key"):
                meta.setdefault(parts["meta_key"], []).append(parts.get("meta_value", ""))
        elif name == "comment":
            comments.append(_comment(child, zone))
        elif name == "encoded":
            fields["excerpt" if _prefix(child) == "excerpt" else "content"] = _text(child)
        elif name not in fields:
            fields[name] = _text(child)
    local, gmt = fields.get("post_date", ""), fields.get("post_date_gmt", "")
    return Item(
        post_id=fields.get("post_id", "").strip(), post_type=fields.get("post_type", "post").strip() or "post",
        status=fields.get("status", "publish").strip() or "publish",
        title=html.unescape(fields.get("title", "")).strip(), link=fields.get("link", "").strip(),
        guid=fields.get("guid", "").strip(), slug=fields.get("post_name", "").strip(),
        date=wp_date(local, gmt, zone) or rfc822(fields.get("pubDate", ""), zone),
        author=fields.get("creator", "").strip(), content=fields.get("content", ""),
        excerpt=fields.get("excerpt", ""), parent=fields.get("post_parent", "0").strip() or "0",
        menu_order=_int(fields.get("menu_order", "0")), attachment_url=fields.get("attachment_url", "").strip(),
        password=fields.get("post_password", "").strip(),
        categories=categories, tags=tags, menus=menus, meta=meta, comments=comments, line=element.sourceline)


def _comment(element, zone: ZoneInfo) -> Comment:
    # Only the fields the site may show are kept: never the e-mail, IP address or URL of the commenter.
    parts = {_local(c.tag): _text(c) for c in element}
    return Comment(author=html.unescape(parts.get("comment_author", "")).strip(),
                   date=wp_date(parts.get("comment_date", ""), parts.get("comment_date_gmt", ""), zone),
                   text=parts.get("comment_content", ""), approved=parts.get("comment_approved", "").strip(),
                   kind=parts.get("comment_type", "").strip())


def _int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        return 0


def _parse(text: str) -> dt.datetime | None:
    text = text.strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def wp_date(local: str, gmt: str, zone: ZoneInfo) -> dt.datetime | None:
    """The post's time in the site's zone: from the UTC column when set, else the local one ('0000-00-00' = unset)."""
    value = _parse(gmt)
    if value is not None:
        return value.replace(tzinfo=dt.timezone.utc).astimezone(zone)
    value = _parse(local)
    return value.replace(tzinfo=zone) if value is not None else None


def rfc822(text: str, zone: ZoneInfo) -> dt.datetime | None:
    try:
        value = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if value is None or value.year < 1971:
        return None
    return value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)
