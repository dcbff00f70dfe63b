"""Drawing one share card with Pillow (run in a worker): the cover filling the card under a dark gradient, the
office's logo and name at the top, the title large at the bottom; without a cover, the brand colour with the logo."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageOps

from generator.core import atomic

WIDTH, HEIGHT = 1200, 630
MARGIN = 56
BAND = 128                      # the white band on top: logo and office name
TITLE_SIZE, OFFICE_SIZE = 56, 36
TITLE_LINES = 3


@dataclass(frozen=True)
class Card:
    """One card to make: where it goes, and everything drawn on it."""

    target: str                 # the file in the cache
    title: str
    office: str
    photo: str                  # the cover's source file, or "" for a card with the logo alone
    logo: str                   # the logo's file, or "" when there is none
    color: str


def make(card: Card) -> str:
    """Draw and save the card; '' or a plain-Indonesian reason. Never raises."""
    try:
        image = _draw(card)
        atomic.replace(card.target, lambda path: image.save(path, "JPEG", quality=85, optimize=True), sync=False)
        return ""
    except Image.DecompressionBombError:
        return "foto terlalu besar (jumlah pikselnya melebihi batas aman)"
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, TypeError) as err:
        return f"berkas gambar rusak atau tidak bisa dibaca ({err})"
    except Exception as err:  # noqa: BLE001 - a decoder bug must become a message, not a traceback
        return f"gambar tidak bisa dibuat ({type(err).__name__}: {err})"


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


def _shade(image: Image.Image) -> Image.Image:
    """Darken the lower part so white text reads on any photo."""
    width, height = image.size
    mask = Image.new("L", (1, height))
    for y in range(height):
        mask.putpixel((0, y), int(255 * max(0.0, (y - height * 0.15) / (height * 0.85)) * 0.9))
    return Image.composite(Image.new("RGB", image.size, (0, 0, 0)), image, mask.resize(image.size))


def _lines(draw: ImageDraw.ImageDraw, text: str, font, width: int, most: int) -> list[str]:
    """The title wrapped to width, at most `most` lines, the last cut with an ellipsis when it does not fit."""
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] += " …"
    while lines and draw.textlength(lines[-1], font=font) > width:
        lines[-1] = lines[-1][:-3].rstrip() + " …" if len(lines[-1]) > 4 else lines[-1]
        if len(lines[-1]) <= 4:
            break
    return lines


def _draw(card: Card) -> Image.Image:
    """A white band with the logo and the office's name on top, a line of the brand colour, then the cover (or
    the brand colour) with the title in white at the bottom."""
    brand = _rgb(card.color)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    below = (WIDTH, HEIGHT - BAND)
    if card.photo:
        image.paste(_shade(_cover(card.photo, below)), (0, BAND))
    else:
        field = Image.new("RGB", below, brand)
        ImageDraw.Draw(field).polygon([(WIDTH * 0.62, 0), (WIDTH, 0), below, (WIDTH * 0.45, below[1])],
                                      fill=tuple(int(c * 0.72) for c in brand))
        image.paste(field, (0, BAND))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, BAND - 8, WIDTH, BAND - 1], fill=brand)
    office_font = ImageFont.load_default(size=OFFICE_SIZE)
    title_font = ImageFont.load_default(size=TITLE_SIZE)
    logo = _logo(card.logo, BAND - 40)
    x = MARGIN
    if logo is not None:
        image.paste(logo, (MARGIN, (BAND - 8 - logo.height) // 2), logo)
        x = MARGIN + logo.width + 24
    office = _lines(draw, card.office, office_font, WIDTH - x - MARGIN, 1)[0]
    draw.text((x, (BAND - 8) // 2), office, font=office_font, fill=(28, 28, 28), anchor="lm", stroke_width=1,
              stroke_fill=(28, 28, 28))
    lines = _lines(draw, card.title, title_font, WIDTH - 2 * MARGIN - 28, TITLE_LINES)
    line_height = int(TITLE_SIZE * 1.22)
    top = HEIGHT - 48 - line_height * len(lines)
    draw.rectangle([MARGIN, top + 8, MARGIN + 8, HEIGHT - 48 - 8], fill="white" if not card.photo else brand)
    for n, line in enumerate(lines):
        draw.text((MARGIN + 28, top + n * line_height), line, font=title_font, fill="white", stroke_width=1,
                  stroke_fill="white")
    return image
