"""Text pasted into a post's body from Word, Google Docs or a web page, as Markdown: its paragraphs, bold and italic,
headings, lists, links and tables kept, as WordPress's editor keeps them, instead of the browser's plain text (one
paragraph, no marks). The HTML is first cleared of what only the office program needed (Word's list markers, styles
and conditional comments, Google Docs' wrappers), then converted as the WordPress import converts a post's body."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction
from bs4.element import Tag

from generator.wordpress.body import Context, Converter

LIMIT = 2 * 1024 * 1024     # characters of HTML converted (a 40-page Word report); a larger paste comes as plain text
_DROPPED = ("head", "style", "script", "meta", "link", "title", "noscript", "template", "form", "input", "button",
            "select", "textarea", "svg", "math", "canvas", "xml")
_IMAGES = ("img", "picture")
_KEPT_ATTRIBUTES = {"a": ("href",), "td": ("colspan", "rowspan"), "th": ("colspan", "rowspan"), "iframe": ("src",),
                    "embed": ("src",), "video": ("src",), "audio": ("src",), "source": ("src",), "object": ("data",),
                    "ol": ("start",)}
_MEDIA = ("iframe", "embed", "video", "audio", "object")
_PRE = re.compile(r"(<pre\b.*?</pre\s*>)", re.S | re.I)
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# what starts a heading, a quote or a list at the head of a paragraph: its first character ('#', '>', '-', '+'), or
# the '.' or ')' after an item's number, is escaped
_RULE_LINE = re.compile(r"\s*(?=(?:[=\-|:]\s*){3})[=\-|:][=\-|:\s]*")
_DEFINITION = re.compile(r"\s*\[[^\]]+\]:")
_BLOCKS = {"p", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "body", "[document]"}
_LINE_ENDS = {"br", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "hr"}
_LEADING = re.compile(r"\s*(?:(?P<mark>[#>])|(?P<list>[+\-])(?=\s|$)|(?P<digits>\d{1,9})[.)](?=\s|$))")
_LIST_LEVEL = re.compile(r"mso-list:\s*l\d+\s+level(\d+)", re.I)
_ORDERED = re.compile(r"^\(?[0-9A-Za-z]{1,4}[.)]$")
_BOLD = re.compile(r"font-weight:\s*(bold|[6-9]00)", re.I)
_ITALIC = re.compile(r"font-style:\s*italic", re.I)


@dataclass
class Pasted:
    markdown: str | None                                # None: paste it as plain text
    notes: list[str] = field(default_factory=list)     # what did not come along, in Indonesian


def to_markdown(html: str) -> Pasted:
    """The Markdown of a pasted HTML fragment, and a note for what could not come along (photos)."""
    if len(html) > LIMIT:
        return Pasted(None)
    try:
        return _converted(html)
    except RecursionError:      # markup nested thousands deep: no document a person writes
        return Pasted(None)


def _converted(html: str) -> Pasted:
    soup = BeautifulSoup(_joined_lines(html), "lxml")
    images = _strip(soup)
    _word_lists(soup)
    _unwrap_docs(soup)
    for heading in soup.find_all("h1"):
        heading.name = "h2"      # the post's title is the page's only first-level heading
    _plain_attributes(soup)
    context = Context(resolve=lambda url: None, by_id=lambda number: None, children=[], add_file=lambda media: None)
    markdown = _TextConverter(context).convert(str(soup)).replace("\xa0", " ")
    markdown = re.sub(r"(?m)^[ \t]+$", "", markdown)     # blank lines blank (a <br>'s two spaces stay: a line break)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    notes = list(context.notes)     # a frame from another site became a link, a video its address, ...
    if images:
        notes.append(f"{images} foto di teks yang ditempel tidak ikut: unggah fotonya di bagian Foto, lalu taruh di "
                     "isi berita dengan tombol Sisipkan foto.")
    return Pasted(markdown, notes)


def _strip(soup: BeautifulSoup) -> int:
    """Remove what is not text (styles, scripts, Word's own o:p and v:shape tags, comments, conditional comments);
    returns how many photos were taken out."""
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Declaration, Doctype, ProcessingInstruction))):
        node.extract()
    images = 0
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        if tag.name in _IMAGES or tag.name in ("v:imagedata", "v:shape"):
            images += tag.name in _IMAGES
            tag.decompose()
        elif tag.name in _DROPPED:
            tag.decompose()
        elif ":" in tag.name:            # o:p, w:sdt and the like: Word's markup around plain text
            tag.unwrap()
    return images


def _joined_lines(html: str) -> str:
    """A line break in HTML's source is a space (Word breaks its paragraphs' source lines at 80 characters), but in
    <pre>: done on the text in one pass (node by node, bs4 took minutes for a long list)."""
    parts = _PRE.split(html)
    return "".join(part if n % 2 else re.sub(r"[ \t]*\r?\n[ \t]*", " ", part) for n, part in enumerate(parts))


class _TextConverter(Converter):
    """The import's converter, with the pasted text's own characters kept as text: a '<b>' the copied page showed as
    words, '&lt;' written out, or a line that starts '# ', '1. ', '> ', '[1]: ' or is a row of '=' or '-' (a heading's
    underline, a table's) is no markup on the site. Only where a line starts: '**Tanjung Selor** - KPU' keeps its dash
    as typed."""

    def process_text(self, el, parent_tags=None):
        before = el.previous_sibling
        if getattr(before, "name", None) in _LINE_ENDS or before is None and getattr(el.parent, "name", None) in _BLOCKS:
            parent_tags = (parent_tags or set()) | {"_line_start"}
        return super().process_text(el, parent_tags)

    def escape(self, text, parent_tags):
        text = super().escape(text, parent_tags)
        text = _TAG_START.sub("&lt;", _ENTITY.sub("&amp;", text))
        return _escaped_start(text) if "_line_start" in parent_tags else text


def _escaped_start(text: str) -> str:
    """text with what would make its line markup made plain: its first mark escaped (or, for '=', written as the
    entity: Python-Markdown has no escape for it)."""
    if _RULE_LINE.fullmatch(text) or _DEFINITION.match(text):
        at = len(text) - len(text.lstrip())
        return text[:at] + ("&#61;" if text[at] == "=" else "\\" + text[at]) + text[at + 1:]
    found = _LEADING.match(text)
    if found is None:
        return text
    at = found.end("digits") if found.group("digits") else found.start("mark") if found.group("mark") \
        else found.start("list")
    return text[:at] + "\\" + text[at:]


def _unwrap_docs(soup: BeautifulSoup) -> None:
    """Google Docs wraps the whole paste in <b style="font-weight:normal"> and marks bold and italic text by the
    style of its spans; Word marks them the same way in places. Spans become <strong>/<em> or go."""
    for tag in soup.find_all("b"):
        if str(tag.get("id", "")).startswith("docs-internal-guid") or re.search(r"font-weight:\s*(normal|[1-4]00)",
                                                                                str(tag.get("style", ""))):
            tag.unwrap()
    for span in soup.find_all("span"):
        style = str(span.get("style", ""))
        inner = span
        if _BOLD.search(style) and span.find_parent(["strong", "b", "h1", "h2", "h3", "h4", "h5", "h6"]) is None:
            inner = _wrap(soup, inner, "strong")
        if _ITALIC.search(style) and span.find_parent(["em", "i"]) is None:
            _wrap(soup, inner, "em")
        span.unwrap()


def _wrap(soup: BeautifulSoup, tag: Tag, name: str) -> Tag:
    """tag's contents moved into a new <name> inside it; the new tag."""
    new = soup.new_tag(name)
    for child in list(tag.contents):
        new.append(child.extract())
    tag.append(new)
    return new


def _word_lists(soup: BeautifulSoup) -> None:
    """Word writes a list as paragraphs styled 'mso-list:l0 level1', each starting with its marker ('·', '1.', 'a)')
    in a span styled 'mso-list:Ignore': those runs of paragraphs become <ul>/<ol> lists, nested by level."""
    for paragraph in soup.find_all("p"):
        if paragraph.decomposed or paragraph.parent is None:
            continue
        level = _level(paragraph)
        if level is None or (paragraph.find_previous_sibling() is not None
                             and _level(paragraph.find_previous_sibling()) is not None):
            continue
        run = [paragraph]
        while run[-1].find_next_sibling() is not None and _level(run[-1].find_next_sibling()) is not None:
            run.append(run[-1].find_next_sibling())
        _make_list(soup, run)


def _level(tag) -> int | None:
    if not isinstance(tag, Tag) or tag.name != "p":
        return None
    match = _LIST_LEVEL.search(str(tag.get("style", "")))
    return int(match.group(1)) if match else None


def _marker(paragraph: Tag) -> str:
    """The item's marker as Word wrote it ('·', '1.'), taken out of the paragraph."""
    found = paragraph.find(lambda t: isinstance(t, Tag) and "mso-list:ignore" in
                           str(t.get("style", "")).replace(" ", "").lower())
    if found is None:
        return ""
    text = found.get_text("").replace("\xa0", " ").strip()
    found.decompose()
    return text


def _make_list(soup: BeautifulSoup, run: list[Tag]) -> None:
    """Replace a run of Word's list paragraphs with nested <ul>/<ol> holding their text."""
    stack: list[tuple[int, Tag]] = []
    top = None
    for paragraph in run:
        level = _level(paragraph) or 1
        marker = _marker(paragraph)
        while stack and stack[-1][0] > level:
            stack.pop()
        if not stack or stack[-1][0] < level:
            new = soup.new_tag("ol" if _ORDERED.match(marker) else "ul")
            if stack and stack[-1][1].contents:
                stack[-1][1].contents[-1].append(new)     # inside the last item of the level above
            elif stack:
                stack[-1][1].append(new)
            else:
                top = new
            stack.append((level, new))
        item = soup.new_tag("li")
        for child in list(paragraph.contents):
            item.append(child.extract())
        stack[-1][1].append(item)
    run[0].replace_with(top)
    for paragraph in run[1:]:
        paragraph.decompose()


def _plain_attributes(soup: BeautifulSoup) -> None:
    """Only the attributes Markdown keeps (a link's address, a cell's span); Word's internal links (#_Toc..., file:)
    keep their words only."""
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        source = tag.find("source") if tag.name in ("video", "audio") else None
        address = tag.get("src") or tag.get("data") or (source.get("src") if source is not None else "")
        if tag.name in _MEDIA and not str(address or "").startswith(("https://", "http://")):
            tag.decompose()         # a file on the writer's own computer (file:///C:/...): no address for readers
            continue
        kept = _KEPT_ATTRIBUTES.get(tag.name, ())
        tag.attrs = {name: value for name, value in tag.attrs.items() if name in kept}
        if tag.name == "a":
            href = str(tag.get("href", "")).strip()
            if not href or href.startswith(("#", "file:")) or href.lower().startswith("javascript:"):
                tag.unwrap()
