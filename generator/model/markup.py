"""Markdown to HTML with Python-Markdown; links and images to bundle files become their published URLs."""

from __future__ import annotations

import html
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
        for element in root.iter():
            for attribute in ("src", "href"):
                value = element.get(attribute, "")
                if value.startswith("/") and not value.startswith("//") and self.links.base != "/":
                    element.set(attribute, self.links.base + value[1:])
            if element.tag == "img":
                name = _local(element.get("src", ""))
                image = self.links.images.get(name)
                if image:
                    image.apply(element)
                elif name in self.links.files:
                    element.set("src", self.links.files[name])
            elif element.tag == "a":
                name = _local(element.get("href", ""))
                if name in self.links.files:
                    element.set("href", self.links.files[name])
                elif name in self.links.images:
                    element.set("href", self.links.images[name].src)


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


class Renderer:
    """One Markdown converter reused for many documents (building one costs about 2 ms, as much as a document)."""

    def __init__(self):
        import markdown

        from generator.model.embeds import EmbedExtension

        self.bundle = _BundleExtension()
        embeds = EmbedExtension(lambda: self.bundle.links)
        self.md = markdown.Markdown(extensions=EXTENSIONS + [self.bundle, embeds],
                                    extension_configs=EXTENSION_CONFIGS, output_format="html")

    def render(self, text: str, links: Links | None = None) -> Rendered:
        """Render one document, raw HTML kept but script in attributes removed (sanitize); the summary is the first
        paragraph as plain text."""
        self.bundle.links = links or Links()
        try:
            body = sanitize.clean(_typography(self.md.reset().convert(text)))
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


def _typography(body: str) -> str:
    if not any(mark in body for mark in ('"', "'", "--", "...")):
        return body
    parts = _SPLIT.split(body)
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


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def first_paragraph(body: str) -> str:
    for match in _PARAGRAPH.finditer(body):
        plain = " ".join(html.unescape(_TAG.sub("", match.group(1))).split())
        if plain:
            return plain
    return ""
