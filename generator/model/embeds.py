"""Links alone on a line of a body, as WordPress embeds them: YouTube becomes a click-to-load player, other social sites a
plain link with the site's name. Nothing here makes a page ask another host for anything before the reader clicks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from generator.model.entries import poster_name

PLAY = "Putar video"
_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_TIME = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")
_YOUTUBE = {"youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com"}
SOCIAL = {"instagram.com": "Instagram", "facebook.com": "Facebook", "fb.watch": "Facebook", "fb.com": "Facebook",
          "x.com": "X", "twitter.com": "X", "tiktok.com": "TikTok", "vt.tiktok.com": "TikTok",
          "threads.net": "Threads", "youtube.com": "YouTube", "youtu.be": "YouTube"}
# A line holding only a link: <https://...>, [text](https://...) or the bare address (up to three spaces before it).
_LONE = re.compile(r"^ {0,3}(?:<(https?://[^\s<>]+)>|\[([^\]\n]*)\]\((https?://[^\s()]+)\)|(https?://\S+))\s*$")


@dataclass(frozen=True)
class Video:
    """A YouTube video: its id and the second it starts at (0: the beginning)."""

    id: str
    start: int = 0

    @property
    def watch_url(self) -> str:
        return f"https://www.youtube.com/watch?v={self.id}" + (f"&t={self.start}s" if self.start else "")

    @property
    def embed_url(self) -> str:
        return f"https://www.youtube-nocookie.com/embed/{self.id}?autoplay=1" + (f"&start={self.start}" if self.start else "")


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def youtube(url: str) -> Video | None:
    """The video a YouTube address names, in any of its forms (watch?v=, youtu.be/, live/, shorts/, embed/), with
    its start from t= or start= (90, 90s, 1m30s); None for anything else (a channel, a playlist, another site)."""
    parts = urlsplit(url)
    host, path = _host(url), parts.path.strip("/").split("/")
    query = parse_qs(parts.query)
    if host == "youtu.be":
        found = path[0]
    elif host in _YOUTUBE and path[0] == "watch":
        found = (query.get("v") or [""])[0]
    elif host in _YOUTUBE and len(path) >= 2 and path[0] in ("live", "shorts", "embed", "v"):
        found = path[1]
    else:
        return None
    if not _ID.match(found):
        return None
    fragment = parse_qs(parts.fragment)
    return Video(found, _seconds((query.get("t") or query.get("start") or fragment.get("t") or [""])[0]))


def _seconds(value: str) -> int:
    match = _TIME.match(value.strip())
    if not value.strip() or not match:
        return 0
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def social_name(url: str) -> str:
    """The site's name for a link to a social network ('Instagram'), or '' for any other address."""
    host = _host(url)
    return next((name for domain, name in SOCIAL.items() if host == domain or host.endswith("." + domain)), "")


@dataclass(frozen=True)
class _Lone:
    text: str            # the link's own text, if it was written [text](address)
    line_before: bool    # the source line just before it was text (a caption for the video)


class _Split(Preprocessor):
    """Makes each link alone on a line its own paragraph, remembering its text and whether a line of text came just
    before it (fenced code is already set aside by then, so addresses inside code are left alone)."""

    def __init__(self, md, extension: "EmbedExtension"):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        found: dict[str, _Lone] = {}
        out: list[str] = []
        for index, line in enumerate(lines):
            match = _LONE.match(line)
            url = match and (match.group(1) or match.group(3) or match.group(4))
            if not url or not (youtube(url) or social_name(url)):
                out.append(line)
                continue
            before = index > 0 and bool(lines[index - 1].strip())
            found.setdefault(url, _Lone((match.group(2) or "").strip(), before))
            out += ["", f"<{url}>" if not match.group(2) else line.strip(), ""] if before else \
                [f"<{url}>" if not match.group(2) else line.strip(), ""]
        self.extension.lone = found
        return out


class _Embed(Treeprocessor):
    """Paragraphs holding only such a link become a video facade or a named plain link."""

    def __init__(self, md, extension: "EmbedExtension"):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        children = list(root)
        for index, p in enumerate(children):
            if p.tag != "p" or len(p) != 1 or (p.text or "").strip() or (p[0].tail or "").strip() or p[0].tag != "a":
                continue
            link = p[0]
            url = link.get("href", "")
            lone = self.extension.lone.get(url)
            if lone is None:
                continue
            video = youtube(url)
            if video is None:
                name = social_name(url)
                shown = lone.text or url.split("://", 1)[-1].rstrip("/")
                link.text = f"{name}: {shown}"
                for child in list(link):
                    link.remove(child)
                p.set("class", "tautan-sosial")
                continue
            title = lone.text if lone.text and lone.text != url else ""
            if not title and lone.line_before and index > 0:
                text = "".join(children[index - 1].itertext()).strip().splitlines()
                title = text[-1].strip().rstrip(":").strip() if text else ""
            position = list(root).index(p)
            root.remove(p)
            root.insert(position, self.facade(video, title))

    def facade(self, video: Video, title: str) -> etree.Element:
        """<figure class="video"><a href=YouTube data-video=id>[poster] play mark, 'Putar video: title'</a></figure>:
        a link without JavaScript; video.js turns it into a button that loads the player when pressed."""
        links = self.extension.links()
        figure = etree.Element("figure", {"class": "video"})
        figure.tail = "\n"
        link = etree.SubElement(figure, "a", {"class": "video-facade", "href": video.watch_url, "data-video": video.id})
        if video.start:
            link.set("data-start", str(video.start))
        if title:
            link.set("data-title", title)
        name = poster_name(video.id, links.images, links.poster)
        poster = links.images[name] if name else None
        if poster is not None:
            poster.apply(etree.SubElement(link, "img", {"alt": ""}))
        else:
            link.set("class", "video-facade video-box")
        etree.SubElement(link, "span", {"class": "video-play", "aria-hidden": "true"})
        label = etree.SubElement(link, "span", {"class": "video-label"})
        if title:
            hidden = etree.SubElement(label, "span", {"class": "visually-hidden"})
            hidden.text = f"{PLAY}: "
            hidden.tail = title
        else:
            label.text = PLAY
        note = etree.SubElement(link, "span", {"class": "video-note"})
        note.text = "YouTube"
        return figure


class EmbedExtension(Extension):
    """links: a function giving the bundle's links of the document being rendered (photos for posters)."""

    def __init__(self, links):
        super().__init__()
        self.links = links
        self.lone: dict[str, _Lone] = {}

    def extendMarkdown(self, md) -> None:
        md.preprocessors.register(_Split(md, self), "lone_links", 15)     # after fenced code (25) and raw HTML (20)
        md.treeprocessors.register(_Embed(md, self), "embeds", 0.5)       # after bundle links (1): posters are published URLs
