"""Address collisions: every address the site claims (pages, photos, bundle files, theme files, the search index),
and two claims on one address (or a file where a folder is needed) named before anything is written."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from generator.core.report import Problems
from generator.model.entries import PHOTO_SUFFIXES, UNSUPPORTED_PHOTOS, Entry
from generator.model.site import Route, Site
from generator.model.urls import SEARCH_FOLDER, SHARE_CARD, output_file


@dataclass(frozen=True)
class Claim:
    """An address something of the site is to be published at, and what it is, for messages naming both sides of a
    collision: a page, an old address, a photo, a bundle file, a theme file, or a whole folder (the search index)."""

    url: str
    what: str                  # in words: "alamat lama", "kategori 'Berita'", "lampiran 'surat.pdf'"
    source: str = ""           # the file it comes from (content or theme); "" for a page the build makes itself
    line: int | None = None
    fix: str = ""
    folder: bool = False       # the whole folder is taken
    owner: str = ""            # the post or page a photo or bundle file belongs to: one collision of two posts is
                               # told once, not again for each of their photos

    @property
    def entry(self) -> str:
        return self.owner or self.source

    @property
    def named(self) -> str:
        return f"{self.what} dari {self.source}" if self.source else self.what


_WHAT = {"index.html": "beranda", "post.html": "halaman berita", "gallery.html": "halaman galeri",
         "page.html": "halaman", "redirect.html": "alamat lama", "gallery_index.html": "indeks galeri",
         "archive.html": "halaman arsip", "search.html": "halaman pencarian", "404.html": "halaman 404",
         "rss.xml": "umpan RSS", "atom.xml": "umpan Atom", "robots.txt": "robots.txt", "sitemap.xml": "peta situs"}
_TERM = {"category": "kategori", "tag": "tag", "month": "arsip bulan"}
_FIX = {"redirect.html": "Ubah atau hapus alamat lama ini di 'aliases'.",
        "": "Ubah pola alamat di bagian 'permalinks' config.yaml agar alamatnya berbeda."}
SLUG_FIX = "Ubah 'slug' salah satunya (atau tanggalnya) agar alamatnya berbeda."


def claim_of(route: Route) -> Claim:
    """The address a route takes, described for messages."""
    if route.template == "list.html":
        term = route.context["term"]
        what = f"{_TERM.get(route.context.get('kind'), 'daftar')} '{term.name}'"
    else:
        what = _WHAT.get(route.template, f"halaman dari template {route.template}")
    fix = _FIX.get(route.template, SLUG_FIX) if route.source else _FIX[""]
    return Claim(route.url, what, route.source, _line(route), fix)


def files(site: Site, assets=()) -> list[Claim]:
    """The addresses of every file that is not a page: photos and their sizes, bundle files, the theme's assets
    (given as URLs), and the search index's folder."""
    out = []
    for post in site.posts + site.pages:
        for photo in post.photos:
            for variant in photo.files:
                source = post.entry.path if photo.line else posixpath.join(posixpath.dirname(post.entry.path),
                                                                            photo.name)
                out.append(Claim(variant.url, f"foto '{photo.name}'", source, photo.line, "Ganti nama foto itu.",
                                 owner=post.entry.path))
    for url, (entry, name) in attachments(site).items():
        out.append(Claim(url, f"lampiran '{name}'", posixpath.join(posixpath.dirname(entry.path), name), None,
                         "Ganti nama berkas itu (misalnya tambahkan kata di depannya).", owner=entry.path))
    for post in site.posts:        # sharecard: the picture shown when the post is shared
        out.append(Claim(post.url + SHARE_CARD, "gambar berbagi", post.entry.path, None, SLUG_FIX,
                         owner=post.entry.path))
    for url in assets:
        out.append(Claim(url, f"berkas tema '{url.lstrip('/')}'", "", None, ""))
    out.append(Claim(SEARCH_FOLDER, f"indeks pencarian ({SEARCH_FOLDER})", folder=True))
    return out


def attachments(site: Site) -> dict[str, tuple[Entry, str]]:
    """Non-photo files of a bundle (PDF, documents), published beside the page: URL -> (its entry, file name)."""
    out = {}
    for post in site.posts + site.pages:
        if not post.entry.bundle:
            continue
        photo_names = {p.name for p in post.photos}
        for name in post.entry.files:
            if name not in photo_names and not name.startswith("."):
                if posixpath.splitext(name)[1].lower() not in PHOTO_SUFFIXES | UNSUPPORTED_PHOTOS:   # never as is
                    out[post.url + name] = (post.entry, name)
    return out


def check_urls(routes: list[Route], problems: Problems, others: list[Claim] = ()) -> None:
    """Two things published at one address would overwrite each other, and a file where another needs a folder
    (an old address /feed.xml/ beside the feed /feed.xml) cannot be written: name both, before anything is written."""
    files_at: dict[str, Claim] = {}
    folders: dict[str, Claim] = {}
    told: set = set()       # two posts at one address clash again with their galleries and photos: say it once
    for claim in [claim_of(r) for r in routes] + list(others):
        if claim.folder:
            folders[claim.url.strip("/")] = claim
            continue
        other = files_at.setdefault(output_file(claim.url), claim)
        if other is not claim:
            _collide(claim, other, "", problems, told)
    folded: dict[str, str] = {}         # Windows and macOS (staff laptops) take /Rapat/ and /rapat/ for one file
    for rel in files_at:
        first = folded.setdefault(rel.casefold(), rel)
        if first != rel:
            _collide(files_at[rel], files_at[first], CASE_ONLY, problems, told)
    for rel, claim in files_at.items():
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in folders:
                _collide(claim, folders[folder], f"berada di dalam folder /{folder}/ milik", problems, told)
                break
            if folder in files_at:
                _collide(claim, files_at[folder], f"perlu folder /{folder}/, tempat berkas", problems, told)
                break


_PAGES = {"halaman berita", "halaman galeri", "halaman"}
CASE_ONLY = "hanya berbeda huruf besar/kecil dengan"


def _collide(first: Claim, second: Claim, relation: str, problems: Problems, told: set) -> None:
    """Report a collision once, at the side that is easiest to change: a content file before a page the build
    makes, an old address, photo or bundle file before the post page itself."""
    def rank(claim: Claim) -> tuple:
        return bool(claim.source), claim.what not in _PAGES, claim.what not in _WHAT.values(), claim.source, \
            claim.line or 0

    claim, other = sorted([first, second], key=rank, reverse=True)
    pair = frozenset((claim.entry, other.entry)) if claim.source and other.source else (claim.entry or claim.url,
                                                                                         other.url)
    if pair in told:
        return
    told.add(pair)
    if relation == CASE_ONLY:
        message = (f"alamat {claim.url} ({claim.what}) {relation} {other.url} ({other.named}); di Windows dan macOS "
                   "keduanya menjadi satu berkas, yang satu menimpa yang lain.")
    elif not relation and claim.source and other.source and {claim.what, other.what} <= _PAGES:
        message = f"alamat {claim.url} sudah dipakai oleh {other.source}."     # two posts or pages: the usual case
    elif not relation:
        message = f"alamat {claim.url} ({claim.what}) sudah dipakai oleh {other.named}."
    elif claim.url.startswith(other.url) and other.folder:
        message = f"alamat {claim.url} ({claim.what}) {relation} {other.named}."
    elif output_file(claim.url).startswith(output_file(other.url) + "/"):
        message = f"alamat {claim.url} ({claim.what}) {relation} {other.url} ({other.named})."
    else:       # the reported side is the file where the other needs a folder
        message = (f"alamat {claim.url} ({claim.what}) adalah berkas, padahal {other.named} di {other.url} "
                   f"memerlukannya sebagai folder.")
    if claim.source:
        problems.error(claim.source, claim.line, message, claim.fix)
    else:
        theme = claim.url.startswith("/assets/") or other.url.startswith("/assets/")
        problems.error("config.yaml", None, message, "Ubah pola alamat di bagian 'permalinks' atau ganti nama berkas "
                       "tema itu." if theme else _FIX[""])


def _line(route: Route) -> int | None:
    """The front matter line that decides a route's address: its alias, else its slug, else its date."""
    post = route.context.get("post")
    if post is None or not route.source:
        return None
    lines = post.entry.lines
    if route.template == "redirect.html":
        index = post.entry.aliases.index(route.url) if route.url in post.entry.aliases else None
        return lines.get(("aliases", index)) or lines.get(("aliases",))
    return lines.get(("slug",)) or lines.get(("date",)) or lines.get(("title",))
