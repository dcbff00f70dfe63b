"""What a share card is: its size, and everything drawn on one. No Pillow here, so a build that has no card to draw
(one edit of a post's text) does not load it; cardpaint draws them."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 1200, 630
BAND = 128                      # the white band on top: logo and office name (whole rows of JPEG blocks: 8 × 16)


@dataclass(frozen=True)
class Card:
    """One card to make: where it goes, and everything drawn on it."""

    target: str                 # the file in the cache
    title: str
    office: str
    photo: str                  # the cover's source file, or "" for a card with the logo alone
    logo: str                   # the logo's file, or "" when there is none
    color: str
