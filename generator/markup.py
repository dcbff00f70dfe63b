"""Markdown to HTML with Python-Markdown; links and images to bundle files become their published URLs."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["tables", "attr_list", "footnotes", "fenced_code", "sane_lists", "smarty", "toc"]
EXTENSION_CONFIGS = {
    "toc": {"permalink": False, "slugify": None},
    "footnotes": {"BACKLINK_TITLE": "Kembali ke catatan %d"},
    "smarty": {"substitutions": {"left-double-quote": "\u201c", "right-double-quote": "\u201d"}},
}


@dataclass(frozen=True)
class Image:
    """What an inline image of the bundle becomes: its URL, size and responsive sources."""

    src: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""


@dataclass
class Links:
    """Where the bundle's files are published: plain files by name, photos as Images."""

    files: dict[str, str] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    base: str = "/"              # the site's base path: '/x/' in Markdown becomes base + 'x/'


@dataclass(frozen=True)
class Rendered:
    html: str
    summary: str


class _BundleLinks(Treeprocessor):
    def __init__(self, md, links: Links):
        super().__init__(md)
        self.links = links

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
                    element.set("src", image.src)
                    if image.width:
                        element.set("width", str(image.width))
                        element.set("height", str(image.height))
                    if image.srcset:
                        element.set("srcset", image.srcset)
                        element.set("sizes", "(max-width: 48rem) 100vw, 48rem")
                    element.set("loading", "lazy")
                    element.set("decoding", "async")
                elif name in self.links.files:
                    element.set("src", self.links.files[name])
            elif element.tag == "a":
                name = _local(element.get("href", ""))
                if name in self.links.files:
                    element.set("href", self.links.files[name])
                elif name in self.links.images:
                    element.set("href", self.links.images[name].src)


class _BundleExtension(Extension):
    def __init__(self, links: Links):
        super().__init__()
        self.links = links

    def extendMarkdown(self, md) -> None:
        md.treeprocessors.register(_BundleLinks(md, self.links), "bundle_links", 1)


def _local(url: str) -> str:
    """The bundle file name a relative link points at, or '' for anything else."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return ""
    path = unquote(parts.path)
    return path[2:] if path.startswith("./") else path


def _slug(value: str, separator: str) -> str:
    from .content import slugify

    return slugify(value) or "bagian"


EXTENSION_CONFIGS["toc"]["slugify"] = _slug


def render(text: str, links: Links | None = None) -> Rendered:
    """Render one document; the summary is the first paragraph as plain text."""
    md = markdown.Markdown(extensions=EXTENSIONS + [_BundleExtension(links or Links())],
                           extension_configs=EXTENSION_CONFIGS, output_format="html")
    body = md.convert(text)
    return Rendered(body, first_paragraph(body))


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def first_paragraph(body: str) -> str:
    for match in _PARAGRAPH.finditer(body):
        plain = " ".join(html.unescape(_TAG.sub("", match.group(1))).split())
        if plain:
            return plain
    return ""


def plain_text(body: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())
