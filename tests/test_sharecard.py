"""Share cards drawn together (one Painter keeps what the cards of an office share) are the very bytes of cards drawn
one at a time, for covers and logos of every kind, and in the worker pool with fork or spawned workers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.core import system
from generator.photos import jpegrows
from generator.photos.cardpaint import Card, Painter, make, make_all
from tests.conftest import MINIMAL_CONFIG, ROOT, THEME_DIR, build_site, make_photo, md, run_cli, tree, write_site

pytestmark = pytest.mark.quick

TITLES = ("Rapat", "Rapat Pleno Terbuka Rekapitulasi Hasil Penghitungan Suara Tingkat Provinsi Kalimantan Utara "
          "Tahun 2024 yang judulnya terlalu panjang untuk tiga baris kartu", "Sosialisasi Pemilih Pemula")


def test_cards_drawn_together_are_the_bytes_of_cards_drawn_one_at_a_time(tmp_path):
    covers = [make_photo(tmp_path / "biru.jpg", (900, 700), (20, 40, 200)),
              make_photo(tmp_path / "tegak.png", (300, 800), (200, 180, 20)),
              make_photo(tmp_path / "kecil.jpg", (40, 30), (10, 120, 40), orientation=6)]
    logos = [str(THEME_DIR / "assets" / "logo.png"), "", str(make_photo(tmp_path / "logo.png", (500, 90)))]
    cases = [(title, office, cover, logo, color)
             for title in TITLES for cover in ["", *map(str, covers)] for logo in logos
             for office, color in (("KPU Kabupaten Nunukan", "#a3000b"), ("KPU Kota Tarakan", "#036"))]
    alone = [Card(str(tmp_path / f"satu-{n}.jpg"), *case) for n, case in enumerate(cases)]
    together = [Card(str(tmp_path / f"bersama-{n}.jpg"), *case) for n, case in enumerate(cases)]
    assert [make(card) for card in alone] == [""] * len(cases)
    assert make_all(together) == [""] * len(cases)
    differ = [cases[n][:4] for n, (a, b) in enumerate(zip(alone, together))
              if open(a.target, "rb").read() != open(b.target, "rb").read()]
    assert not differ


def cases_of(tmp_path) -> list[tuple]:
    covers = [make_photo(tmp_path / "biru.jpg", (900, 700), (20, 40, 200)),
              make_photo(tmp_path / "kecil.jpg", (40, 30), (10, 120, 40), orientation=6)]
    logos = [str(THEME_DIR / "assets" / "logo.png"), ""]
    return [(title, office, cover, logo, color)
            for title in (*TITLES, "Rapat Pleno Terbuka Rekapitulasi Hasil Penghitungan Suara")
            for cover in ["", *map(str, covers)] for logo in logos
            for office, color in (("KPU Kabupaten Nunukan", "#a3000b"), ("KPU Kota Tarakan", "#036"))]


def test_a_card_joined_from_its_offices_encoded_rows_is_the_file_of_the_whole_card_encoded(tmp_path):
    """A painter encodes only the rows a card changes and takes the rest from its office's plain card: the file is
    byte for byte the whole card encoded at once, for one to three title lines, with and without cover or logo."""
    shared, reference = Painter(), Painter()     # any painter draws the same pixels (the test above)
    cards = [Card(str(tmp_path / f"k{n}.jpg"), *case) for n, case in enumerate(cases_of(tmp_path))]
    for card in cards + cards[::-1]:        # after a card of the other office, of another length, with a cover
        whole = jpegrows.encode(reference.draw(card))
        assert shared.jpeg(card) == jpegrows.join(whole.head, whole.rows), card


@pytest.mark.parametrize("height", [1, 15, 16, 17, 127, 128, 129, 630])
def test_rows_encoded_apart_from_any_row_to_any_row_are_the_rows_of_the_whole_image(height):
    from PIL import Image

    image = Image.effect_noise((48, height), 90).convert("RGB")
    whole = jpegrows.encode(image)
    assert len(whole.rows) == jpegrows.rows_of(height)
    count = len(whole.rows)
    for first in range(count):
        for stop in range(first + 1, count + 1):
            assert jpegrows.over(whole, image, first, stop) == jpegrows.join(whole.head, whole.rows), (first, stop)


def test_a_file_that_is_not_a_jpeg_in_rows_is_refused():
    for data in (b"", b"\xff\xd8", b"GIF89a", b"\xff\xd8\x00\x00\xff\xd9"):
        with pytest.raises(ValueError):
            jpegrows.split(data)


def test_a_card_that_cannot_be_drawn_is_named_and_the_others_of_its_chunk_are_made(tmp_path):
    broken = tmp_path / "rusak.jpg"
    broken.write_bytes(b"\xff\xd8 bukan jpeg")
    cards = [Card(str(tmp_path / f"k{n}.jpg"), f"Berita {n}", "KPU", str(broken) if n == 1 else "", "", "#a3000b")
             for n in range(3)]
    errors = make_all(cards)
    assert errors[0] == errors[2] == "" and "rusak atau tidak bisa dibaca" in errors[1]
    assert (tmp_path / "k0.jpg").is_file() and (tmp_path / "k2.jpg").is_file() and not (tmp_path / "k1.jpg").exists()


def test_the_cards_of_many_posts_are_the_same_from_forked_and_from_spawned_workers(tmp_path):
    posts = {f"content/posts/2019/berita-{n:03d}.md": md(f"title: Berita nomor {n} tentang tahapan pemilu\n"
                                                         f"date: 2019-11-{1 + n % 28:02d} 10:00")
             for n in range(40)}        # past sharecard's minimum: the cards go to the pool, in chunks
    for mode in ("normal", "windows"):
        write_site(tmp_path / mode, posts)
        run = run_cli("build", "--no-search", "--site", str(tmp_path / mode),
                      env={system.ENV: "windows" if mode == "windows" else ""})
        assert run.code == 0, run.err
    cards = {rel: data for rel, data in tree(tmp_path / "normal" / "output").items() if rel.endswith("bagikan.jpg")}
    assert len(cards) == 40
    assert cards == {rel: data for rel, data in tree(tmp_path / "windows" / "output").items()
                     if rel.endswith("bagikan.jpg")}


def test_a_logo_pillow_cannot_read_is_warned_about_on_every_build_and_the_cards_carry_the_themes_logo(tmp_path):
    posts = {"content/posts/2019/rapat.md": md("title: Rapat pleno\ndate: 2019-11-08 10:00")}
    broken = MINIMAL_CONFIG.replace("  language: id\n", "  language: id\n  logo: /assets/logo-kantor.png\n")
    site = write_site(tmp_path / "rusak", {**posts, "templates/assets/logo-kantor.png": b"bukan png"}, config=broken)
    plain = write_site(tmp_path / "biasa", posts)
    for _ in range(2):      # the second build has no card to draw, and still says the logo cannot be read
        warnings = [str(problem) for problem in build_site(site, search=False).warnings]
        assert any("logo /assets/logo-kantor.png bukan gambar PNG atau JPG" in w for w in warnings), warnings
    build_site(plain, search=False)
    card = "output/2019/11/08/rapat/bagikan.jpg"
    assert (site / card).read_bytes() == (plain / card).read_bytes()


def test_a_build_with_no_card_to_draw_does_not_load_pillow(tmp_path):
    """One edit of a post's text on a site without photos: the cards are all in the cache, and Pillow (about 30 ms of
    a build's start) is not imported."""
    site = write_site(tmp_path / "situs", {f"content/posts/2019/berita-{n}.md": md(f"title: Berita {n}\n"
                                                                                   "date: 2019-11-08 10:00")
                                           for n in range(3)})
    code = ("import sys; from pathlib import Path; from generator.options import Options; "
            "from generator.build import build; build(Options(Path(sys.argv[1]), workers=1)); "
            "print(sorted(name for name in sys.modules if name.split('.')[0] == 'PIL')[:1])")
    first = subprocess.run([sys.executable, "-c", code, str(site)], cwd=ROOT, capture_output=True, text=True)
    assert first.returncode == 0 and first.stdout.strip() != "[]", first.stdout + first.stderr
    (site / "content/posts/2019/berita-1.md").write_text(md("title: Berita 1\ndate: 2019-11-08 10:00", "Diubah.\n"))
    again = subprocess.run([sys.executable, "-c", code, str(site)], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.strip() == "[]", again.stdout + again.stderr


@pytest.mark.parametrize("title", ["x" * 20000, "Rapat " + "https://kpu.go.id/" + "a" * 20000 + " pleno",
                                   "Rapat pleno " * 2000])
def test_a_title_of_one_endless_word_is_drawn_cut_in_moments(tmp_path, title):
    """A pasted address or a word without spaces thousands of letters long: the card's last line is cut to fit (its
    width measured a logarithmic number of times, not once for every three letters taken off), so the build does
    not stall for minutes on one card."""
    import time

    started = time.perf_counter()
    assert make(Card(str(tmp_path / "kartu.jpg"), title, "KPU Kota Tarakan", "", "", "#a3000b")) == ""
    assert time.perf_counter() - started < 5
    assert (tmp_path / "kartu.jpg").stat().st_size > 0
