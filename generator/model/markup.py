"""Markdown to HTML with Python-Markdown; links and images to bundle files become their published URLs."""

from __future__ import annotations

import html
import importlib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from generator.model import sanitize

# No "smarty": its inline patterns doubled the cost of every document (5.6 ms instead of 2.9 ms);
# typographic quotes and dashes come from one regular-expression pass over the HTML instead (_typography).
EXTENSIONS = ["tables", "attr_list", "footnotes", "fenced_code", "sane_lists", "toc"]
EXTENSION_CONFIGS = {
    "toc": {"permalink": False, "slugify": None},
    "footnotes": {"BACKLINK_TITLE": "Kembali ke catatan %d"},
}


@dataclass(frozen=True)
class Image:
    """What an inline image of the bundle becomes: its URL, size and responsive sources."""

    src: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""

    def apply(self, element: etree.Element) -> None:
        """Make an <img> element show this image: its URL, size, responsive sources, loaded lazily."""
        element.set("src", self.src)
        if self.width:
            element.set("width", str(self.width))
            element.set("height", str(self.height))
        if self.srcset:
            element.set("srcset", self.srcset)
            element.set("sizes", "(max-width: 48rem) 100vw, 48rem")
        element.set("loading", "lazy")
        element.set("decoding", "async")


@dataclass
class Links:
    """Where the bundle's files are published: plain files by name, photos as Images."""

    files: dict[str, str] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    base: str = "/"              # the site's base path: '/x/' in Markdown becomes base + 'x/'
    poster: str = ""             # the photo shown on the bundle's videos before they play (front matter 'poster')


@dataclass(frozen=True)
class Rendered:
    html: str
    summary: str


class _BundleLinks(Treeprocessor):
    def __init__(self, md, extension: "_BundleExtension"):
        super().__init__(md)
        self.extension = extension

    @property
    def links(self) -> Links:
        return self.extension.links

    def run(self, root: etree.Element) -> None:
        """Each element on its own: site addresses under the base path first, then the bundle's files by name (a
        body without either, as most are in a cold build, is not walked at all)."""
        links = self.links
        if links.base != "/":
            for element in root.iter():
                for attribute in ("src", "href"):
                    value = element.get(attribute, "")
                    if value.startswith("/") and not value.startswith("//"):
                        element.set(attribute, links.base + value[1:])
        if not links.files and not links.images:
            return
        for element in root.iter("img"):
            name = _local(element.get("src", ""))
            image = links.images.get(name)
            if image:
                image.apply(element)
            elif name in links.files:
                element.set("src", links.files[name])
        for element in root.iter("a"):
            name = _local(element.get("href", ""))
            if name in links.files:
                element.set("href", links.files[name])
            elif name in links.images:
                element.set("href", links.images[name].src)


LAYOUT = {"kiri", "kanan", "tengah", "kecil", "sedang"}     # {: .kiri .kecil } on a photo: placed beside the text


class _Figures(Treeprocessor):
    """An image alone in its paragraph with a title, ![alt](foto.jpg "Keterangan"), is a figure with that caption;
    the photo's layout classes ({: .kiri .kecil }) go to the figure, so that its caption goes along with it."""

    def run(self, root: etree.Element) -> None:
        for paragraph in root.iter("p"):
            image = paragraph[0] if len(paragraph) == 1 else None
            if (image is None or image.tag != "img" or not image.get("title") or (paragraph.text or "").strip()
                    or (image.tail or "").strip()):
                continue
            paragraph.tag = "figure"
            classes = (image.get("class") or "").split()
            layout = [name for name in classes if name in LAYOUT]
            if layout:
                paragraph.set("class", " ".join(layout))
                rest = " ".join(name for name in classes if name not in LAYOUT)
                if rest:
                    image.set("class", rest)
                else:
                    del image.attrib["class"]
            caption = etree.SubElement(paragraph, "figcaption")
            caption.text = image.attrib.pop("title")
            image.tail = None


class _BundleExtension(Extension):
    def __init__(self):
        super().__init__()
        self.links = Links()

    def extendMarkdown(self, md) -> None:
        md.treeprocessors.register(_BundleLinks(md, self), "bundle_links", 1)
        md.treeprocessors.register(_Figures(md), "figures", 2)


def _local(url: str) -> str:
    """The bundle file name a relative link points at, or '' for anything else."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return ""
    path = unquote(parts.path)
    return path[2:] if path.startswith("./") else path


def _slug(value: str, separator: str) -> str:
    from generator.model.entries import slugify

    return slugify(value) or "bagian"


EXTENSION_CONFIGS["toc"]["slugify"] = _slug


# What a document must contain for an optional part of Python-Markdown to do anything in it: its text after the
# preprocessors holds one of these strings (no preprocessor adds them, but a lone link becomes <address>, so "://"
# stands for "<"; tabs become spaces, so a tab stands for two). A converter without the parts a document cannot use
# gives the same HTML in about two thirds of the time (most of Markdown's time is trying every inline pattern on
# every piece of text). tests/test_markdown_parts.py checks the equality on real and generated documents.
EXTENSION_NEEDS = {"tables": ("|",), "footnotes": ("[^",), "fenced_code": ("```", "~~~"), "attr_list": ("{",),
                   "toc": ("#", "\n=", "\n-", "[TOC]")}     # headings (# or underlined), or the marker
INLINE_NEEDS = {
    "backtick": ("`",), "escape": ("\\",),
    "reference": ("[",), "link": ("[",), "short_reference": ("[",),
    "image_link": ("![",), "image_reference": ("![",), "short_image_ref": ("![",),
    "autolink": ("<", "://"), "automail": ("<", "://"), "html": ("<", "://"),
    "linebreak": ("  ", "\t"), "entity": ("&",), "em_strong": ("*", "_"),
}
# Options of a part that cost time in every document: toc looks through the whole document for a paragraph "[TOC]"
# to put the table of contents in, and is told its marker only when the text has one.
OPTION_NEEDS = {"toc_marker": ("[TOC]",)}
NEEDS = (EXTENSION_NEEDS, INLINE_NEEDS, OPTION_NEEDS)
CONVERTERS_KEPT = 16        # converters for different sets of parts (about 2 ms to make each)


def _by_mark() -> list[tuple[str, str, tuple[str, ...]]]:
    """Each mark once, with the parts it stands for and a character of it rarer in prose (its gate): looking for one
    character is several times quicker than for a string of two or more, so the mark is looked for only after it."""
    parts: dict[str, list[str]] = {}
    for table in NEEDS:
        for name, marks in table.items():
            for mark in marks:
                parts.setdefault(mark, []).append(name)
    gates = {"[^": "^", "```": "`", "~~~": "~", "\n=": "=", "![": "!", "[TOC]": "["}
    return [(mark, gates.get(mark, ""), tuple(names)) for mark, names in parts.items()]


_BY_MARK = _by_mark()


def parts_used(text: str) -> frozenset[str]:
    """The optional extensions, inline patterns and options that could act on this document."""
    return frozenset(name for mark, gate, names in _BY_MARK if gate in text and mark in text for name in names)


class Renderer:
    """Markdown converters reused for many documents (building one costs about 2 ms, as much as a document), one for
    each set of optional parts documents use (parts_used); every_part: always the converter with all of them."""

    def __init__(self, every_part: bool = False):
        self.bundle = _BundleExtension()
        self.every_part = every_part
        self._converters: dict[frozenset[str], object] = {}

    def converter(self, parts: frozenset[str]):
        """The Markdown converter with these optional parts (and every other extension)."""
        if parts not in self._converters:
            import markdown

            from generator.model.embeds import EmbedExtension

            if len(self._converters) >= CONVERTERS_KEPT:
                del self._converters[next(iter(self._converters))]
            # each extension made from its own module: named as a string, Python-Markdown would first look it up
            # among the installed packages' entry points, which reads every package's metadata (about 30 ms a process)
            marker = "[TOC]" if "toc_marker" in parts else ""            # "": toc does not look for one
            configs = {**EXTENSION_CONFIGS, "toc": {**EXTENSION_CONFIGS["toc"], "marker": marker}}
            extensions = [importlib.import_module(f"markdown.extensions.{name}").makeExtension(
                **configs.get(name, {})) for name in EXTENSIONS if name not in EXTENSION_NEEDS or name in parts]
            md = markdown.Markdown(extensions=[*extensions, self.bundle, EmbedExtension(lambda: self.bundle.links)],
                                   output_format="html")
            for name in INLINE_NEEDS:
                if name not in parts and name in md.inlinePatterns:
                    md.inlinePatterns.deregister(name)
            self._converters[parts] = md
        return self._converters[parts]

    def render(self, text: str, links: Links | None = None) -> Rendered:
        """Render one document, raw HTML kept but script in attributes removed (sanitize); the summary is the first
        paragraph as plain text."""
        self.bundle.links = links or Links()
        parts = frozenset(name for table in NEEDS for name in table) if self.every_part else parts_used(text)
        try:
            body = sanitize.clean(_typography(self.converter(parts).reset().convert(text)))
        finally:
            self.bundle.links = Links()
        return Rendered(body, first_paragraph(body))


def render(text: str, links: Links | None = None) -> Rendered:
    """Render one document with a fresh converter (the build keeps one Renderer per process instead)."""
    return Renderer().render(text, links)


# Typography without the smarty extension: straight quotes, '--', '---' and '...' in text (never inside
# tags, <code>, <pre>, <script> or <style>) become their typographic forms.
_SPLIT = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_RAW = re.compile(r"<(/?)(code|pre|script|style|kbd|samp)\b", re.I)
_OPEN_BEFORE = re.compile(r"(^|[\s(\[{\u2014\u2013-])$")


_MARKS = ('"', "'", "--", "...")


def _typography(body: str) -> str:
    if not any(mark in body for mark in _MARKS):
        return body
    parts = _SPLIT.split(body)
    text = " ".join(parts[::2])         # the text between tags (a space between parts: no mark spans two)
    if not any(mark in text for mark in _MARKS):
        return body                     # quotes only in attributes: most bodies, nothing to change
    raw = 0
    previous = " "
    for index, part in enumerate(parts):
        if index % 2:
            tag = _RAW.match(part)
            if tag:
                raw += -1 if tag.group(1) else 1
                raw = max(raw, 0)
            elif part[1:3].lower() in ("br", "p>", "p ", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"):
                previous = " "
            continue
        if raw or not part:
            continue
        if any(mark in part for mark in _MARKS):
            parts[index] = _smart(part, previous)
        previous = parts[index][-1]
    return "".join(parts)


_QUOTE = re.compile("[\"']")


def _smart(text: str, before: str) -> str:
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("...", "\u2026")
    if '"' not in text and "'" not in text:
        return text

    def quote(match: re.Match) -> str:
        at = match.start()
        opening = bool(_OPEN_BEFORE.search(text[at - 1] if at else before))
        if match.group() == '"':
            return "\u201c" if opening else "\u201d"
        return "\u2018" if opening else "\u2019"

    return _QUOTE.sub(quote, text)


_TAG = re.compile(r"<[^>]+>")


def first_paragraph(body: str) -> str:
    """The text of the first <p>...</p> with any, as plain text on one line (str.find: quicker than a pattern)."""
    end = 0
    while (start := body.find("<p>", end)) >= 0 and (end := body.find("</p>", start + 3)) >= 0:
        plain = " ".join(html.unescape(_TAG.sub("", body[start + 3: end])).split())
        if plain:
            return plain
        end += 4
    return ""
