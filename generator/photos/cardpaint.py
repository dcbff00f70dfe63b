"""Drawing one share card with Pillow (run in a worker): the cover filling the card under a dark gradient, the
office's logo and name at the top, the title large at the bottom; without a cover, the brand colour with the logo."""

from __future__ import annotations

import struct

from PIL import Image, ImageDraw, ImageFont, ImageOps

from generator.core import atomic
from generator.photos import jpegrows
from generator.photos.card import BAND, HEIGHT, WIDTH, Card

MARGIN = 56
TITLE_SIZE, OFFICE_SIZE = 56, 36
TITLE_LINES = 3
WORDS_KEPT = 1024               # title words a painter keeps drawn (~20 KB each): a worker's memory stays bounded
LONGEST_WORD = 200              # letters of a word kept for wrapping: even at 10 px a letter, wider than any line


def make(card: Card, painter: Painter | None = None) -> str:
    """Draw and save the card; '' or a plain-Indonesian reason. Never raises. painter: one shared with other cards of
    the same office (make_all), else a new one."""
    try:
        data = (painter or Painter()).jpeg(card)
        atomic.replace(card.target, lambda path: path.write_bytes(data), sync=False)
        return ""
    except Image.DecompressionBombError:
        return "foto terlalu besar (jumlah pikselnya melebihi batas aman)"
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, TypeError) as err:
        return f"berkas gambar rusak atau tidak bisa dibaca ({err})"
    except Exception as err:  # noqa: BLE001 - a decoder bug must become a message, not a traceback
        return f"gambar tidak bisa dibuat ({type(err).__name__}: {err})"


def make_all(cards: list[Card]) -> list[str]:
    """make for each card, in order, with one Painter: what the cards share is drawn once (in a worker, per chunk)."""
    painter = Painter()
    return [make(card, painter) for card in cards]


def _rgb(color: str) -> tuple[int, int, int]:
    digits = color.lstrip("#")
    digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _cover(path: str, size: tuple[int, int]) -> Image.Image:
    """The photo upright, cropped to the given shape around its centre, at that size."""
    with Image.open(path) as photo:
        if photo.format in ("JPEG", "MPO"):
            photo.draft("RGB", size)
        photo.load()
        photo = ImageOps.exif_transpose(photo)
        return ImageOps.fit(photo.convert("RGB"), size, Image.Resampling.LANCZOS)


def _logo(path: str, size: int) -> Image.Image | None:
    if not path:
        return None
    with Image.open(path) as logo:
        logo.load()
        logo = logo.convert("RGBA")
        logo.thumbnail((size, size), Image.Resampling.LANCZOS)
        return logo


def _lines(width_of, text: str, width: int, most: int) -> list[str]:
    """The title wrapped to width (width_of: a line's width in pixels), at most `most` lines, the last cut with an
    ellipsis when it does not fit."""
    lines, current = [], ""
    # a word longer than LONGEST_WORD is wider than a line however narrow its letters: what lies beyond is never
    # drawn, and cutting it first keeps the trimming below to a few hundred measures (a pasted address thousands of
    # letters long measured once per letter took minutes)
    for word in (word[:LONGEST_WORD] for word in text.split()):
        trial = f"{current} {word}".strip()
        if width_of(trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] += " …"
    while lines and width_of(lines[-1]) > width:
        lines[-1] = lines[-1][:-3].rstrip() + " …" if len(lines[-1]) > 4 else lines[-1]
        if len(lines[-1]) <= 4:
            break
    return lines


def _key(card: Card) -> tuple[str, str, str]:
    """What the cards of one office share: its name, logo and colour."""
    return card.office, card.logo, card.color


def _shade_mask(size: tuple[int, int]) -> Image.Image:
    """The mask that darkens the lower part of a cover, so white text reads on any photo."""
    width, height = size
    mask = Image.new("L", (1, height))
    for y in range(height):
        mask.putpixel((0, y), int(255 * max(0.0, (y - height * 0.15) / (height * 0.85)) * 0.9))
    return mask.resize(size)


class Painter:
    """Draws cards, keeping what the cards of one office share: the white band on top (logo, office name, the line of
    the brand colour), the whole card of a post without a cover but its title, the cover's shade, the fonts, and each
    word of a title as drawn (outlined text is most of a card's drawing; titles share their words). Each card then
    draws only its cover and title on one canvas the painter reuses; the pixels are the same whichever cards came
    before."""

    def __init__(self):
        self._bands: dict[tuple[str, str, str], Image.Image] = {}
        self._plain: dict[tuple[str, str, str], Image.Image] = {}
        self._shade: tuple[Image.Image, Image.Image] | None = None
        self._fonts: dict[int, object] = {}
        self._words: dict[str, tuple[Image.Image, int, int, float]] = {}
        self._canvas: Image.Image | None = None
        self._white: Image.Image | None = None
        self._held: tuple[tuple[str, str, str], int] | None = None     # the plain card on the canvas, from which row
        self._bottoms: dict[tuple[tuple[str, str, str], int], Image.Image] = {}   # plain cards' rows from a row
        self._encoded: dict[tuple[str, str, str], jpegrows.Rows] = {}            # plain cards as JPEG rows
        self._changed = (0, HEIGHT)     # the rows of the card drawn last that may differ from its plain card

    def font(self, size: int):
        if size not in self._fonts:
            self._fonts[size] = ImageFont.load_default(size=size)
        return self._fonts[size]

    def draw(self, card: Card) -> Image.Image:
        """A white band with the logo and the office's name on top, a line of the brand colour, then the cover (or
        the brand colour) with the title in white at the bottom. The image is the painter's canvas: it holds this
        card until the next draw."""
        if self._canvas is None:
            self._canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
        image, held = self._canvas, self._held
        self._held = None           # until this card is drawn whole
        if card.photo:
            image.paste(self.shaded(_cover(card.photo, (WIDTH, HEIGHT - BAND))), (0, BAND))
            image.paste(self.band(card), (0, 0))
        else:
            self.restore(image, card, held)
        lines = _lines(self.title_width, card.title, WIDTH - 2 * MARGIN - 28, TITLE_LINES)
        line_height = int(TITLE_SIZE * 1.22)
        top = HEIGHT - 48 - line_height * len(lines)
        ImageDraw.Draw(image).rectangle([MARGIN, top + 8, MARGIN + 8, HEIGHT - 48 - 8],
                                        fill="white" if not card.photo else _rgb(card.color))
        below = self.title(image, lines, (MARGIN + 28, top), line_height)
        self._held = (_key(card), top - 8) if not card.photo else None
        self._changed = (BAND, HEIGHT) if card.photo else (top - 8, max(HEIGHT - 48 - 8 + 1, below))
        return image

    def jpeg(self, card: Card) -> bytes:
        """The card as a JPEG file (quality 85): the rows it shares with the office's plain card (the band; without
        a cover, all above the title) are that card's, encoded once; only the rest is encoded (see jpegrows)."""
        image = self.draw(card)
        key = _key(card)
        if key not in self._encoded:
            self._encoded[key] = jpegrows.encode(self.plain(card))
        first, stop = self._changed     # the pixel rows that may differ from the plain card
        return jpegrows.over(self._encoded[key], image, max(0, first) // jpegrows.ROW, -(-stop // jpegrows.ROW))

    def word(self, text: str) -> tuple[Image.Image, int, int, float]:
        """One word of a title in white, outlined 1 px as a title is, as a coverage mask; where the mask's corner
        sits from the word's origin; and the word's width."""
        if text in self._words:
            self._words[text] = self._words.pop(text)           # kept longest are the least used lately
        else:
            if len(self._words) >= WORDS_KEPT:
                del self._words[next(iter(self._words))]        # drawn again when needed: the same pixels
            font = self.font(TITLE_SIZE)
            left, top, right, bottom = font.getbbox(text, stroke_width=1)
            mask = Image.new("L", (max(1, right - left), max(1, bottom - top)))
            ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255, stroke_width=1, stroke_fill=255)
            self._words[text] = mask, left, top, font.getlength(text)
        return self._words[text]

    def title_width(self, line: str) -> float:
        """A title line's width: its words' widths and the spaces between them."""
        words = line.split(" ")
        return sum(self.word(word)[3] for word in words) + (len(words) - 1) * self.font(TITLE_SIZE).getlength(" ")

    def title(self, image: Image.Image, lines: list[str], origin: tuple[int, int], line_height: int) -> int:
        """The title's lines in white from origin: the words' masks laid on one mask, put on the card. Returns the
        row below the last one it painted."""
        pad, space = 8, self.font(TITLE_SIZE).getlength(" ")
        mask = Image.new("L", (WIDTH - origin[0] + pad, line_height * len(lines) + 2 * pad))
        for n, line in enumerate(lines):
            x = 0.0
            for text in line.split(" "):
                word, left, top, width = self.word(text)
                mask.paste(word, (pad + round(x) + left, pad + n * line_height + top))
                x += width + space
        if self._white is None:
            self._white = Image.new("RGB", (WIDTH, HEIGHT), "white")
        # white pasted through the mask (half the time of a colour through it), a band of rows for each line cut to
        # what its words cover: a short last line is not blended across the card's width. The bands part the mask's
        # rows, so the pixels are those of one paste of the whole mask.
        edges = [0, *(pad + n * line_height for n in range(1, len(lines))), mask.height]
        below = origin[1]
        for top, bottom in zip(edges, edges[1:]):
            band = mask.crop((0, top, mask.width, bottom))
            box = band.getbbox()
            if box is not None:
                band = band.crop(box)
                image.paste(self._white.crop((0, 0, *band.size)),
                            (origin[0] - pad + box[0], origin[1] - pad + top + box[1]), band)
                below = max(below, origin[1] - pad + top + box[3])
        return below

    def shaded(self, cover: Image.Image) -> Image.Image:
        if self._shade is None or self._shade[1].size != cover.size:
            self._shade = Image.new("RGB", cover.size, (0, 0, 0)), _shade_mask(cover.size)
        black, mask = self._shade
        return Image.composite(black, cover, mask)

    def band(self, card: Card) -> Image.Image:
        """The top of the card (nothing of the cover reaches it): the logo and office name on white, the line."""
        key = _key(card)
        if key not in self._bands:      # the plain card's own rows: a card's JPEG takes them from its encoding
            self._bands[key] = self.plain(card).crop((0, 0, WIDTH, BAND))
        return self._bands[key]

    def restore(self, image: Image.Image, card: Card, held: tuple | None) -> None:
        """The canvas made the card of a post without a cover, all but its title: when it holds such a card of the
        same office whole (held: its office and the first row its title covered), only those rows are put back."""
        key = _key(card)
        if held is None or held[0] != key:
            image.paste(self.plain(card), (0, 0))
            return
        rows = held[1]
        if (key, rows) not in self._bottoms:
            self._bottoms[key, rows] = self.plain(card).crop((0, rows, WIDTH, HEIGHT))
        image.paste(self._bottoms[key, rows], (0, rows))

    def plain(self, card: Card) -> Image.Image:
        """The card of a post without a cover, all but its title: the band over the brand colour."""
        key = _key(card)
        if key not in self._plain:
            brand = _rgb(card.color)
            image = Image.new("RGB", (WIDTH, HEIGHT), "white")
            below = (WIDTH, HEIGHT - BAND)
            field = Image.new("RGB", below, brand)
            ImageDraw.Draw(field).polygon([(WIDTH * 0.62, 0), (WIDTH, 0), below, (WIDTH * 0.45, below[1])],
                                          fill=tuple(int(c * 0.72) for c in brand))
            image.paste(field, (0, BAND))
            self._top(image, card)
            self._plain[key] = image
        return self._plain[key]

    def _top(self, image: Image.Image, card: Card) -> None:
        draw = ImageDraw.Draw(image)
        draw.rectangle([0, BAND - 8, WIDTH, BAND - 1], fill=_rgb(card.color))
        office_font = self.font(OFFICE_SIZE)
        logo = _logo(card.logo, BAND - 40)
        x = MARGIN
        if logo is not None:
            image.paste(logo, (MARGIN, (BAND - 8 - logo.height) // 2), logo)
            x = MARGIN + logo.width + 24
        office = _lines(lambda text: draw.textlength(text, font=office_font), card.office, WIDTH - x - MARGIN,
                        1)[0]
        draw.text((x, (BAND - 8) // 2), office, font=office_font, fill=(28, 28, 28), anchor="lm", stroke_width=1,
                  stroke_fill=(28, 28, 28))
