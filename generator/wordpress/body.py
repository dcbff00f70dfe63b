"""Post bodies: WordPress's automatic paragraphs, shortcodes and blocks, then HTML to Markdown (raw HTML where Markdown
is not faithful)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Callable

from markdownify import MarkdownConverter

from generator.model import embeds
from generator.model.entries import PHOTO_SUFFIXES, UNSUPPORTED_PHOTOS
from generator.wordpress.media import Attachment, Media

# --- WordPress's wpautop(), ported from wp-includes/formatting.php (the parts that shape paragraphs) ---

_BLOCKS = (r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
           r"blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|"
           r"nav|figure|figcaption|details|menu|summary|iframe|video|audio|object)")
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)


def wpautop(text: str) -> str:
    """Blank-line paragraphs become <p>, single newlines <br />, as WordPress showed classic-editor posts."""
    if not text.strip():
        return ""
    saved: list[str] = []

    def keep(match: re.Match) -> str:
        saved.append(match.group(0))
        return f"<pre wp-pre-tag-{len(saved) - 1}></pre>"

    text = _PRE.sub(keep, text.replace("\r\n", "\n").replace("\r", "\n") + "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(r"(<" + _BLOCKS + r"[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(r"(</" + _BLOCKS + r">)", r"\1\n\n", text, flags=re.I)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text, flags=re.I)
    if "<object" in text:
        text = re.sub(r"\s*<param([^>]*)>\s*", r"<param\1>", text)
        text = re.sub(r"\s*</embed>\s*", "</embed>", text)
    text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in re.split(r"\n\s*\n", text) if p.strip())
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(r"<p>\s*(</?" + _BLOCKS + r"[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(r"<p>\s*(</?" + _BLOCKS + r"[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(r"(</?" + _BLOCKS + r"[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<(script|style|svg)\b.*?</\1>", lambda m: m.group(0).replace("\n", "\0"), text, flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>", "<br />", text, flags=re.I)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = text.replace("\0", "\n")
    text = re.sub(r"(</?" + _BLOCKS + r"[^>]*>)\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(r"\n</p>$", "</p>", text)
    return re.sub(r"<pre wp-pre-tag-(\d+)></pre>", lambda m: saved[int(m.group(1))], text)


# --- shortcodes and blocks to plain HTML our converter understands ---

SHORTCODES = ("caption", "wp_caption", "gallery", "embed", "video", "audio", "playlist", "youtube", "vimeo",
              "soundcloud", "googlemaps", "contact-form", "contact-field", "slideshow", "tweet", "instagram",
              "archives", "sitemap", "sourcecode", "code", "dailymotion", "pdf-embedder", "wpvideo")
_NAMES = "|".join(re.escape(n) for n in sorted(SHORTCODES, key=len, reverse=True))
SHORTCODE = re.compile(r"\[(/?)(" + _NAMES + r")\b([^\]]*)\]")
_ENCLOSED = re.compile(r"\[(caption|wp_caption|embed|video|audio|youtube|sourcecode|code)\b([^\]]*)\](.*?)\[/\1\]", re.S)
_ATTRS = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))|"([^"]*)"|(\S+)""")
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:([a-z0-9/-]+)(.*?)/?-->", re.S)
_YOUTUBE = re.compile(r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?|embed/|shorts/|live/)|youtu\.be/)\S+$")


def attributes(text: str) -> dict[str, str]:
    found, position = {}, 0
    for match in _ATTRS.finditer(html.unescape(text)):
        name, *values = match.groups()
        if name:
            found[name.lower()] = next(v for v in values[:3] if v is not None)
        else:
            found[str(position)] = values[3] if values[3] is not None else values[4]
            position += 1
    return found


def youtube_url(url: str) -> str:
    """The watch address of a YouTube video (embed, short and youtu.be addresses alike), with the second it starts
    at (t= or start=, as the site's player reads it); '' for anything else."""
    url = html.unescape(url.strip())
    if url.startswith("//"):
        url = "https:" + url
    video = embeds.youtube(url)
    return video.watch_url if video else ""


def _figure(kind: str, inner: str = "", **data: str) -> str:
    attrs = "".join(f' data-{k}="{html.escape(v, quote=True)}"' for k, v in data.items())
    return f'\n\n<figure class="wp-import-{kind}"{attrs}>{inner}</figure>\n\n'


def expand_shortcodes(text: str, skipped: list[str]) -> str:
    """[caption], [gallery], [embed], [video], [audio] and [youtube] become figures; other known shortcodes are taken
    out, their inner text kept, and named in skipped."""
    def enclosed(match: re.Match) -> str:
        name, attrs, inner = match.group(1), attributes(match.group(2)), match.group(3)
        if name in ("caption", "wp_caption"):
            caption = attrs.get("caption", "")
            media = re.match(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", inner, re.S)
            image, rest = (media.group(1), media.group(2)) if media else ("", inner)
            caption = caption or rest.strip()
            return _figure("caption", image + f"<figcaption>{caption}</figcaption>", align=attrs.get("align", ""),
                           width=attrs.get("width", ""))
        if name in ("embed", "youtube", "video", "audio"):
            url = (inner.strip() or attrs.get("src") or attrs.get("0") or attrs.get("mp4") or attrs.get("mp3") or "")
            return _figure("embed", url=url.strip())
        return f"<pre><code>{html.escape(html.unescape(inner))}</code></pre>"    # [code] / [sourcecode]

    def single(match: re.Match) -> str:
        closing, name, attrs = match.group(1), match.group(2), attributes(match.group(3))
        if closing:
            return ""
        if name == "gallery":
            return _figure("gallery", ids=attrs.get("ids") or attrs.get("include") or "",
                           exclude=attrs.get("exclude", ""))
        if name in ("youtube", "video", "audio", "embed", "wpvideo"):
            url = attrs.get("src") or attrs.get("0") or attrs.get("mp4") or attrs.get("mp3") or attrs.get("url") or ""
            if url:
                return _figure("embed", url=url)
        skipped.append(name)
        return ""

    text = _ENCLOSED.sub(enclosed, text)
    return SHORTCODE.sub(single, text)


def strip_blocks(text: str, seen: set[str]) -> str:
    """Gutenberg's block comments are taken out (their HTML stays); the names of blocks that leave no HTML
    (dynamic blocks such as latest-posts) are kept in seen."""
    def drop(match: re.Match) -> str:
        if match.group(0).rstrip("-> \n").endswith("/"):
            seen.add(match.group(1))
        return "\n"
    return _BLOCK_COMMENT.sub(drop, text)


# --- HTML to Markdown ---

@dataclass
class Context:
    """What converting one body needs from the run: media lookups and where to record what it used."""

    resolve: Callable[[str], Media | None]
    by_id: Callable[[str], Media | None]
    children: list[Attachment]                        # the post's attached images, for a bare [gallery]
    add_file: Callable[[Media], str | None]           # the bundle's name for a found original, None when missing
    gallery: list[dict] = field(default_factory=list)            # {file, caption, alt}
    attachments: list[dict] = field(default_factory=list)        # {file, title, rank}; {file, title} after convert
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_BULLET = re.compile(r"(?:[-*+]|\d+\.) ")
INLINE_RAW = {"sub", "sup", "u", "mark", "abbr", "kbd", "small", "del", "ins", "s", "cite", "q", "dfn", "var", "time"}


class Converter(MarkdownConverter):
    """markdownify with WordPress's figures, galleries, files and videos turned into our own constructs."""

    def __init__(self, context: Context):
        super().__init__(heading_style="atx", bullets="-", escape_underscores=True, escape_asterisks=True,
                         bs4_options="lxml", strip_document="strip", table_infer_header=True)
        self.context = context

    # images and links
    def _photo(self, el) -> tuple[str, Media | None, str | None]:
        src = el.get("src") or el.get("data-src") or ""
        media = None
        match = re.search(r"\bwp-image-(\d+)\b", " ".join(el.get("class") or []))
        if match:
            media = self.context.by_id(match.group(1))
            if media is not None and media.source is None:
                media = self.context.resolve(src) or media
        media = media or self.context.resolve(src)
        if media is None:
            return src, None, None
        return src, media, self.context.add_file(media)

    def convert_img(self, el, text, parent_tags):
        src, media, name = self._photo(el)
        alt = (el.get("alt") or "").strip() or (media.attachment.alt if media and media.attachment else "")
        if media is None:
            if src.startswith(("http://", "https://", "//")):
                self.context.missing.append(src)    # an outside image would make the page call another server
                return ""
            return super().convert_img(el, text, parent_tags)
        if name is None:
            self.context.missing.append(media.rel or src)
            return ""
        return f"![{_escape(alt)}]({_target(name)}){layout(el, [])}"

    def convert_a(self, el, text, parent_tags):
        href = (el.get("href") or "").strip()
        images = el.find_all("img")
        media = self.context.resolve(href) if href else None
        if images and (media is None or media.is_photo or "attachment" in href or "?attachment_id" in href):
            return text                                  # a photo linked to its own larger copy: the photo alone
        if media is not None:
            if el.find_parent("div", class_="wp-block-file") is not None:
                return text                              # the file block as a whole is converted in convert_div
            return self._file_link(el, media, text, standalone=not images and _alone(el))
        return super().convert_a(el, text, parent_tags)

    def _file_link(self, el, media: Media, text: str, standalone: bool) -> str:
        """A link to an uploaded file. A document becomes an entry of the post's attachments ("Lampiran"); the link
        stays in the text only where it reads as part of it (inside a sentence), not when it stood on its own."""
        href = (el.get("href") or "").strip()
        name = self.context.add_file(media)
        if name is None:
            self.context.missing.append(media.rel or href)
            return text
        label = text.strip() or name
        if media.is_photo or not is_document(name):
            return f"[{label}]({_target(name)})"
        if self._attach(name, media, _plain(label), standalone) and standalone:
            return ""
        return f"[{label}]({_target(name)})"

    def _attach(self, name: str, media: Media, text: str, standalone: bool) -> bool:
        """List the file among the attachments; False when it is listed already under another title than this
        mention's text (a file block shown twice with two captions: the second stays a link, its words kept)."""
        title, rank = attachment_title(name, media.attachment.title if media.attachment else "", text, standalone)
        for item in self.context.attachments:
            if item["file"] == name:
                if rank > item["rank"]:
                    item["title"], item["rank"] = title, rank
                return rank < 3 or item["title"] == title
        self.context.attachments.append({"file": name, "title": title, "rank": rank})
        return True

    # figures: captions, galleries, embeds, files
    def convert_figure(self, el, text, parent_tags):
        classes = " ".join(el.get("class") or [])
        if "wp-import-gallery" in classes:
            return self._shortcode_gallery(el)
        if "wp-block-gallery" in classes or "gallery" in classes.split():
            return self._block_gallery(el)
        if "wp-import-embed" in classes:
            return self._embed(el.get("data-url", ""), "")
        if "wp-block-embed" in classes or "wp-block-video" in classes:
            caption = el.find("figcaption")
            iframe = el.find("iframe")
            url = (el.find(class_="wp-block-embed__wrapper") or el).get_text(" ", strip=True).split(" ")[0]
            if iframe is not None and not url.startswith("http"):
                url = iframe.get("src", "")
            video = el.find("video")
            if video is not None:
                url = video.get("src") or (video.find("source") or {}).get("src", "")
            return self._embed(url, self._caption(caption))
        images = el.find_all("img")
        caption = self._caption(el.find("figcaption"))
        if len(images) == 1:
            return self._captioned(images[0], caption, [el, el.parent])
        return f"\n\n{text}\n\n"

    def convert_div(self, el, text, parent_tags):
        classes = " ".join(el.get("class") or [])
        if "wp-block-file" in classes:
            link = next((a for a in el.find_all("a") if "wp-block-file__button" not in " ".join(a.get("class") or [])),
                        None)
            if link is None:
                return ""
            text = _escape(link.get_text(" ", strip=True))
            media = self.context.resolve((link.get("href") or "").strip())
            if media is None:
                return f"\n\n{super().convert_a(link, text, parent_tags)}\n\n"
            return f"\n\n{self._file_link(link, media, text, standalone=True)}\n\n"
        if "wp-caption" in classes.split() and el.find("img") is not None:
            caption = el.find(class_="wp-caption-text")
            return self._captioned(el.find("img"), self._caption(caption), [el])
        if "gallery" in classes.split():
            return self._block_gallery(el)
        return super().convert_div(el, text, parent_tags)

    def convert_li(self, el, text, parent_tags):
        """markdownify indents an item's further lines (a nested list, a second paragraph) by its bullet's width
        ('- ': two spaces); Python-Markdown reads them as the item's only from four: a nested list came out flat.
        And an item of two paragraphs took the next item in as its text, and a quote in an item was a line of text."""
        out = super().convert_li(el, text, parent_tags)
        first, newline, rest = out.partition("\n")
        bullet = _BULLET.match(first)
        if bullet is None or not rest.strip():
            return out
        width = len(bullet.group(0))
        lines = [first]
        for line in rest.split("\n"):
            line = " " * max(4, width) + line[width:] if line.startswith(" " * width) else line
            if line.lstrip().startswith(">") and lines[-1].strip() and not lines[-1].lstrip().startswith(">"):
                lines[-1] = lines[-1].rstrip()      # a quote in the item: a paragraph of its own, not a line break
                lines.append("")
            lines.append(line)
        loose = "\n\n" in "\n".join(lines).strip("\n")   # an item of paragraphs: a blank line before the next
        return "\n".join(lines) + ("\n" if loose else "")

    def convert_p(self, el, text, parent_tags):
        plain = el.get_text("", strip=True)
        if el.find(["img", "iframe"]) is None and _YOUTUBE.match(plain):
            return self._embed(plain, "")       # WordPress turned a video address alone on its line into the player
        return super().convert_p(el, text, parent_tags)

    def convert_iframe(self, el, text, parent_tags):
        src = el.get("src", "")
        if youtube_url(src):
            return self._embed(src, "")
        if src:
            self.context.notes.append(f"bingkai (iframe) dari {src} diganti tautan: situs statis tidak memuat isi server lain")
            return f"\n\n[{src}]({src})\n\n"
        return ""

    convert_embed = convert_iframe

    def convert_object(self, el, text, parent_tags):
        data = el.get("data", "")
        return self.convert_iframe(el, text, parent_tags) if not data else self._embed(data, "")

    def convert_video(self, el, text, parent_tags):
        url = el.get("src") or (el.find("source") or {}).get("src", "")
        return self._embed(url, "")

    convert_audio = convert_video

    def convert_script(self, el, text, parent_tags):
        self.context.notes.append("skrip (<script>) dibuang")
        return ""

    def convert_form(self, el, text, parent_tags):
        self.context.notes.append("formulir (<form>) dibuang: situs statis tidak bisa menerimanya")
        return ""

    def convert_table(self, el, text, parent_tags):
        if el.find(attrs={"colspan": True}) or el.find(attrs={"rowspan": True}) or el.find(["img", "ul", "ol", "table"]):
            return f"\n\n{_raw(el)}\n\n"        # Markdown tables cannot say this: kept as HTML
        return super().convert_table(el, text, parent_tags)

    def convert_dl(self, el, text, parent_tags):
        if "wp-caption" in (el.get("class") or []):
            image = el.find("img")         # older themes' caption: the photo in <dt>, its caption in <dd>
            if image is not None:
                return self._captioned(image, self._caption(el.find("dd")), [el])
            if not el.get_text(strip=True):
                return ""                  # an empty caption shell, shown as nothing by WordPress too
        return f"\n\n{_raw(el)}\n\n"

    def convert_details(self, el, text, parent_tags):
        return f"\n\n{_raw(el)}\n\n"

    def convert_inline_raw(self, el, text, parent_tags):
        if "_noformat" in parent_tags or "_inline" in parent_tags and el.name in ("del", "s"):
            return text
        return f"<{el.name}>{text}</{el.name}>" if text.strip() else text

    def get_conv_fn(self, tag_name):
        if tag_name in INLINE_RAW:
            return self.convert_inline_raw
        return super().get_conv_fn(tag_name)

    # helpers
    def _caption(self, el) -> str:
        if el is None:
            return ""
        return " ".join(self.process_tag(el, {"_inline"}).split())

    def _captioned(self, image, caption: str, holders: list) -> str:
        src, media, name = self._photo(image)
        alt = (image.get("alt") or "").strip() or (media.attachment.alt if media and media.attachment else "")
        if media is not None and name is None:
            self.context.missing.append(media.rel or src)
        if name is None:
            return f"\n\n{caption}\n\n" if caption else ""
        if media.is_photo and caption:
            self._to_gallery(name, caption, alt)
        # An image alone in its paragraph with a title is a figure with that caption (see markup.py), placed as
        # WordPress placed it by its layout classes.
        return f"\n\n![{_escape(alt)}]({_target(name)}{_title(caption)}){layout(image, holders)}\n\n"

    def _to_gallery(self, name: str, caption: str, alt: str) -> bool:
        """List the photo in the post's gallery; False when it is there already with another caption."""
        caption = _plain(caption)
        for item in self.context.gallery:
            if item["file"] == name:
                if caption and not item.get("caption"):
                    item["caption"] = caption
                return not caption or item.get("caption") == caption
        item = {"file": name}
        if caption:
            item["caption"] = caption
        if alt:
            item["alt"] = alt
        self.context.gallery.append(item)
        return True

    def _gallery_media(self, media: Media | None, caption: str, alt: str) -> str:
        """'' once the photo is in the gallery; a captioned figure for the body when the gallery already shows the
        same photo with another caption (a photo used twice in one post)."""
        if media is None:
            return ""
        name = self.context.add_file(media)
        if name is None:
            self.context.missing.append(media.rel or media.url)
            return ""
        attachment = media.attachment
        caption = caption or (attachment.caption if attachment else "")
        alt = alt or (attachment.alt if attachment else "")
        if self._to_gallery(name, caption, alt):
            return ""
        return f"\n\n![{_escape(alt)}]({_target(name)}{_title(caption)})\n\n"

    def _shortcode_gallery(self, el) -> str:
        ids = [i.strip() for i in el.get("data-ids", "").split(",") if i.strip()]
        exclude = {i.strip() for i in el.get("data-exclude", "").split(",")}
        chosen = ids or [a.post_id for a in self.context.children if a.post_id not in exclude]
        figures = []
        for post_id in chosen:
            media = self.context.by_id(post_id)
            if media is None:
                self.context.notes.append(f"[gallery] menyebut lampiran {post_id} yang tidak ada di ekspor")
                continue
            if media.is_photo:
                figures.append(self._gallery_media(media, "", ""))
        return "\n\n" + "".join(figures)

    def _block_gallery(self, el) -> str:
        own = el.find("figcaption", recursive=False)       # the gallery's own caption, under all its photos
        figures = []
        for image in el.find_all("img"):
            figure = image.find_parent("figure")
            caption = figure.find("figcaption") if figure is not None and figure is not el else None
            caption = caption if caption is not own else None
            src, media, name = self._photo(image)
            if media is None:
                if src:
                    self.context.missing.append(src)
                continue
            figures.append(self._gallery_media(media, self._caption(caption), (image.get("alt") or "").strip()))
        return "".join(figures) + (f"\n\n{self._caption(own)}\n\n" if own is not None else "\n\n")

    def _embed(self, url: str, caption: str) -> str:
        url = html.unescape(url.strip())
        video = youtube_url(url)
        if video:
            # alone on its line it becomes the click-to-load player (embeds.py); the caption is its title
            title = _plain(caption).replace("[", "(").replace("]", ")")
            if not title:
                return f"\n\n{video}\n\n"
            return f"\n\n[{_escape(title)}]({video})\n\n" + (f"{caption}\n\n" if "](" in caption else "")
        media = self.context.resolve(url) if url else None
        if media is not None:
            name = self.context.add_file(media)
            if name is None:
                self.context.missing.append(media.rel or url)
                return f"\n\n{caption}\n\n" if caption else ""
            if media.is_photo:
                return f"\n\n![]({_target(name)}{_title(caption)})\n\n"
            if not is_document(name):
                return f"\n\n[{caption or name}]({_target(name)})\n\n"
            if self._attach(name, media, _plain(caption), standalone=True):      # a video or sound file: a download
                return ""
            return f"\n\n[{caption}]({_target(name)})\n\n"
        if not url:
            return f"\n\n{caption}\n\n" if caption else ""
        return f"\n\n<{url}>\n\n" + (f"{caption}\n\n" if caption else "")


# --- where a photo stood: WordPress's alignment and size, as the site's layout classes (markup.LAYOUT) ---

PLACES = {"alignleft": "kiri", "alignright": "kanan", "aligncenter": "tengah"}
SIZES = (("kecil", 200), ("sedang", 400))            # widths in CSS pixels up to which a photo is small or medium
_WIDTH_STYLE = re.compile(r"(?:^|;)\s*(?:max-)?width\s*:\s*(\d+)px", re.I)
_WIDTH_IN_NAME = re.compile(r"-(\d+)x\d+\.\w+$")


def layout(image, holders: list) -> str:
    """'{: .kiri .kecil }' for a photo WordPress floated left at thumbnail size, '' for one shown full width: the
    alignment from the classes (or [caption align=]) of the image and the figures and blocks holding it, the size
    from size-thumbnail / size-medium or the width it was shown at. A floated photo of unknown width is medium."""
    classes = set(image.get("class") or [])
    for holder in holders:
        if holder is not None and getattr(holder, "name", None) in ("figure", "div", "dl"):
            classes.update(holder.get("class") or [])
            classes.add(holder.get("data-align") or "")
    place = next((PLACES[name] for name in PLACES if name in classes), "")
    size = "kecil" if "size-thumbnail" in classes else "sedang" if "size-medium" in classes else ""
    if not size:
        width = _width(image, holders, from_url=bool(place))    # a gallery's thumbnails are no small photos
        size = next((name for name, most in SIZES if width is not None and width <= most), "")
        if not size and width is None and place in ("kiri", "kanan"):
            size = "sedang"
    names = [name for name in (place, size) if name]
    return "{: " + " ".join("." + name for name in names) + " }" if names else ""


def _width(image, holders: list, from_url: bool) -> int | None:
    """The width in pixels WordPress showed the photo at: its width attribute or style, its caption's width, or
    (from_url) the size in its URL (?w=150, foto-300x200.jpg); None when nothing says."""
    found = [image.get("width"), *(_WIDTH_STYLE.findall(image.get("style") or ""))]
    found += [holder.get("data-width") for holder in holders if holder is not None and hasattr(holder, "get")]
    src = image.get("src") or ""
    if from_url:
        found += re.findall(r"[?&]w=(\d+)", src) + _WIDTH_IN_NAME.findall(src.split("?", 1)[0])
    return next((int(value) for value in found if value and str(value).isdigit() and int(value) > 0), None)


_GENERIC = {"di sini", "disini", "klik di sini", "klik disini", "unduh", "download", "unduh di sini", "lihat",
            "selengkapnya", "lampiran", "berkas", "file", "here", "click here", "link", "tautan"}
_NOT_ATTACHMENTS = PHOTO_SUFFIXES | UNSUPPORTED_PHOTOS | {".svg", ".bmp"}


def is_document(name: str) -> bool:
    """A file a post lists as an attachment: anything but a picture."""
    return PurePosixPath(name).suffix.lower() not in _NOT_ATTACHMENTS


def attachment_title(name: str, wordpress_title: str, text: str, standalone: bool) -> tuple[str, int]:
    """The title of an attachment and how sure it is (higher wins when a post links one file twice): the text of
    a link standing on its own (what the author chose to show), then the title of WordPress's attachment, then the
    text of a link inside a sentence; '' (the file name) when each of them is only the file's name or 'di sini'."""
    def meaningful(title: str) -> bool:
        key = " ".join(re.sub(r"[\W_]+", " ", title.lower()).split())
        return bool(key) and title.strip().lower() not in (name.lower(), PurePosixPath(name).stem.lower()) \
            and key not in _GENERIC and not title.strip().startswith(("http://", "https://"))

    wordpress_title = " ".join(html.unescape(wordpress_title or "").split())
    if standalone and meaningful(text):
        return text, 3
    if meaningful(wordpress_title):
        return wordpress_title, 2
    if meaningful(text):
        return text, 1
    return "", 0


def _alone(el) -> bool:
    """The link is all its paragraph holds (inline wrappers such as <strong> aside)."""
    own = _squeeze(el.get_text(""))
    node = el
    while node.parent is not None and node.parent.name in ("strong", "b", "em", "i", "span", "u", "small"):
        node = node.parent
    parent = node.parent
    if parent is None or parent.name not in ("p", "div", "figure", "center", "[document]", "body", "html"):
        return False
    return _squeeze(parent.get_text("")) == own and len(parent.find_all(["a", "img", "iframe"])) == 1


def _squeeze(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def _raw(el) -> str:
    return re.sub(r"\n\s*\n", "\n", str(el))


def _plain(markdown: str) -> str:
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text).replace("**", "").split())


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _target(name: str) -> str:
    return f"<{name}>" if any(c in name for c in " ()<>") else name


def _title(caption: str) -> str:
    plain = _plain(caption)
    return f' "{plain.replace(chr(34), chr(39))}"' if plain else ""


def convert(content: str, context: Context) -> str:
    """One post's HTML as WordPress stored it -> Markdown for its index.md; what could not be kept goes to
    context.notes."""
    has_blocks = "<!-- wp:" in content
    blocks: set[str] = set()
    skipped: list[str] = []
    text = strip_blocks(content, blocks) if has_blocks else content
    text = expand_shortcodes(text, skipped)
    if not has_blocks:
        text = wpautop(text)
    markdown = Converter(context).convert(text)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    context.attachments = [{"file": a["file"], "title": a["title"]} for a in context.attachments]
    context.notes += [f"kode pendek [{n}] tidak dikenal: dibuang" for n in dict.fromkeys(skipped)]
    if blocks:
        context.notes.append("blok dinamis tanpa isi tetap dilewati: " + ", ".join(f"wp:{n}" for n in sorted(blocks)))
    return markdown + "\n" if markdown else ""
