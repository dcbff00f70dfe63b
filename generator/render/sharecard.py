"""Share cards: a 1200×630 picture per post for WhatsApp, Facebook and X (og:image, twitter:image), made with Pillow
at build time from the post's cover (or the office's logo when it has no photo), its title and the office's name.

Cards are made in the cache (.cache/kartu/), named by a hash of everything drawn on them, so an unchanged post is
never drawn again and a changed title, cover, logo, office name or colour makes a new file. The font is Pillow's
own (Aileron, built into Pillow): the same card on Windows, macOS and Linux, nothing to install.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.core import atomic, parallel
from generator.core.hashing import digest
from generator.core.report import Problems
from generator.engine import keys
from generator.model.urls import SHARE_CARD
from generator.photos.card import BAND, HEIGHT, WIDTH, Card

CARD_NAME = SHARE_CARD          # beside the post's page: /2024/03/01/rapat/bagikan.jpg
DEFAULT_COLOR = "#a3000b"       # the theme's masthead red, when config sets no theme.color
DEFAULT_LOGO = "/assets/logo.png"


def url_of(post_url: str) -> str:
    return post_url + CARD_NAME


def plan(site, logo_path: str, cache_dir: Path, photo_files: dict) -> dict[str, Card]:
    """A card for every published post: its URL -> the card to make (target named by its content), drawn with the
    logo in logo_path (or none: ""). photo_files: the photos' made files by URL, the covers' among them."""
    config = site.config
    logo_key = _file_digest(logo_path)
    color = config.theme.color or DEFAULT_COLOR
    cards = {}
    for post in site.posts:
        cover = post.cover if post.cover is not None and post.cover.source is not None else None
        photo, drawn_from = _cover_file(cover, photo_files) if cover else ("", "")
        key = keys.share_card_key(post.entry.title, config.site.title, drawn_from, logo_key, color)
        cards[url_of(post.url)] = Card(str(cache_dir / f"{key}.jpg"), post.entry.title, config.site.title, photo,
                                       logo_path, color)
    return cards


def _logos(config, theme_files: dict) -> list[tuple[str, str]]:
    """The logos a card may carry, in order of choice, as (URL, file): the office's (PNG or JPG), then the theme's."""
    chosen = config.site.logo if config.site.logo.lower().endswith((".png", ".jpg", ".jpeg")) else DEFAULT_LOGO
    return [(url, str(theme_files[url])) for url in dict.fromkeys((chosen, DEFAULT_LOGO))
            if isinstance(theme_files.get(url), Path)]


def _usable_logo(logos: list[tuple[str, str]], problems: Problems) -> str:
    """The first of the logos Pillow can read ("" when none): each one that cannot be read is warned about."""
    from PIL import Image

    for url, path in logos:
        try:
            with Image.open(path) as image:
                image.verify()
            return path
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            problems.warn("config.yaml", None, f"logo {url} bukan gambar PNG atau JPG yang bisa dibaca; gambar "
                          "berbagi dibuat tanpa logo.", "Simpan ulang logonya sebagai PNG dari program gambar.")
    return ""


def _cover_file(cover, photo_files: dict) -> tuple[str, str]:
    """The file a card's cover is drawn from, and what names it in the card's key: the smallest size the build made
    of the cover that fills the card (a phone's 12-megapixel original took ~25 ms a card to decode and shrink), else
    the original."""
    filling = [variant for variant in cover.of(cover.fallback)
               if variant.width >= WIDTH and variant.height >= HEIGHT - BAND and variant.url in photo_files]
    if not filling:
        return str(cover.source.path), cover.source.digest
    smallest = min(filling, key=lambda variant: variant.width)
    return str(photo_files[smallest.url]), f"{cover.source.digest}:{smallest.cache_name}"


def _file_digest(path: str) -> str:
    try:
        return digest(Path(path).read_bytes()) if path else ""
    except OSError:
        return ""


def process(site, theme_files: dict, cache_dir: Path, workers: int, problems: Problems,
            photo_files: dict) -> dict[str, Path]:
    """Make the cards the cache lacks (in parallel when there are many); URL -> cached file. Cards no post uses any
    more are removed from the cache. photo_files: the photos' made files by URL (covers are drawn from them)."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        present = set(os.listdir(cache_dir))
    except OSError as err:
        problems.error(str(cache_dir), None, f"folder cache gambar berbagi tidak bisa dibuat ({err.strerror}).",
                       "Pastikan folder situs boleh ditulis, atau hapus folder .cache lalu bangun ulang.")
        return {}
    logos = _logos(site.config, theme_files)
    cards = plan(site, logos[0][1] if logos else "", cache_dir, photo_files)
    if any(os.path.basename(card.target) not in present for card in cards.values()):
        logo = _usable_logo(logos, problems)        # reads the logo with Pillow
        if logos and logo != logos[0][1]:
            cards = plan(site, logo, cache_dir, photo_files)
    todo = {card.target: card for card in cards.values() if os.path.basename(card.target) not in present}
    failed = set()
    for card, error in _run(list(todo.values()), workers):
        if error:
            failed.add(card.target)
            problems.error(card.photo or card.logo or "config.yaml", None,
                           f"gambar berbagi untuk '{card.title}' tidak bisa dibuat: {error}.",
                           "Buka foto sampul (atau logo) itu di komputer lalu simpan ulang sebagai JPG atau PNG.")
    used = {os.path.basename(card.target) for card in cards.values()}
    atomic.remove_stale(cache_dir, present - used)
    for name in present - used:
        if name.endswith(".jpg") and not name.startswith("."):
            try:
                os.remove(cache_dir / name)
            except OSError:
                pass
    return {url: Path(card.target) for url, card in cards.items() if card.target not in failed}


def _run(cards: list[Card], workers: int):
    """Yield (card, error) for each card, in order; in a process pool when there are enough of them to pay for one.
    Each worker gets one share, every n-th card (cards cost alike but for their covers, which interleaving spreads),
    so its painter draws what the cards share, and the words of their titles, once (see cardpaint.Painter): a
    painter per smaller chunk drew them again for each, a fifth of a card's time."""
    if not cards:
        return
    from generator.photos.cardpaint import make_all     # Pillow: loaded only when there are cards to draw

    if workers <= 1 or len(cards) < 8:
        yield from zip(cards, make_all(cards))
        return
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    shares = min(workers, len(cards))
    errors: list[str | None] = [None] * len(cards)      # None: its share's worker did not answer
    try:
        with parallel.executor(shares) as pool:
            futures = {pool.submit(make_all, cards[n::shares]): n for n in range(shares)}
            for future in as_completed(futures):
                errors[futures[future]::shares] = future.result()
    except BrokenProcessPool:
        pass
    lost = "pengolah gambar berhenti mendadak (mungkin kehabisan memori)"
    yield from zip(cards, (lost if error is None else error for error in errors))
