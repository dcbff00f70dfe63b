"""Event galleries and the photo pipeline, end to end on real image files made with Pillow."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from generator.build import Options, build
from generator.core import racy
from generator.core.report import BuildFailed
from generator.photos import gallery, imaging, pool
from generator.photos import probe as probing
from tests.conftest import MINIMAL_CONFIG, snapshot, write_post, write_site

pytestmark = pytest.mark.quick

CONFIG = MINIMAL_CONFIG


# --- helpers ---------------------------------------------------------------------------------------------------

def picture(size=(640, 480), mode="RGB", colour=(200, 40, 40)) -> Image.Image:
    """A photo-like test image: a colour field with a darker left half, so orientation can be checked."""
    image = Image.new(mode, size, colour)
    if mode in ("RGB", "RGBA"):
        image.paste((20, 20, 200) + (() if mode == "RGB" else (255,)), (0, 0, size[0] // 2, size[1]))
    return image


def encoded(image: Image.Image, fmt="JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def with_segment(jpeg: bytes, marker: int, payload: bytes) -> bytes:
    """Insert an APPn/COM segment right after SOI (for IPTC, which Pillow does not write)."""
    return jpeg[:2] + bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def photo_site(root: Path, posts: dict, extra_config: str = "") -> Path:
    """posts: slug -> (front matter lines after title/date, {file name: bytes}). Dates descend with order."""
    write_site(root, {}, CONFIG + extra_config)
    (root / "content" / "posts").mkdir(parents=True, exist_ok=True)
    for n, (slug, (front, files)) in enumerate(posts.items()):
        gallery_post(root, slug, front, files, day=28 - n)
    return root


def gallery_post(root: Path, slug: str, front: str, files: dict, day: int = 20, title: str | None = None) -> Path:
    """A post of 2024-10-DAY in content/posts/2024/SLUG/ with its photos (conftest.write_post)."""
    title = title or f"Kegiatan {slug}"
    return write_post(root, f"2024/{slug}", f"title: \"{title}\"\ndate: 2024-10-{day:02d} 09:00\n{front}",
                      "Isi berita kegiatan.\n", files)


def age_photos(root: Path, clock: racy.Clock, seconds: int = 3600) -> None:
    """Make the photos look written a while ago, as they are in real use (see racy.RACY_NS)."""
    for path in (root / "content").rglob("*"):
        if path.is_file() and path.suffix != ".md":
            os.utime(path, (path.stat().st_atime - seconds, path.stat().st_mtime - seconds))
    clock.advance()     # setting the times is a change too (racy.stamp): the builds' clock moves past it


def run(root: Path, workers: int = 1, **options):
    return build(Options(root, workers=workers, **options))


def failure(root: Path, **options) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        run(root, **options)
    return [str(p) for p in failed.value.problems if not p.warning]


def post_dir(root: Path, slug: str, day: int = 28) -> Path:
    return root / "output" / "2024" / "10" / f"{day:02d}" / slug


class Tags(HTMLParser):
    """Every start tag of a page as (name, attributes)."""

    def __init__(self, text: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def all(self, name: str) -> list[dict]:
        return [attrs for tag, attrs in self.found if tag == name]


def no_metadata(path: Path) -> None:
    """A published photo carries no EXIF, GPS, XMP, IPTC, comment or colour profile."""
    data = path.read_bytes()
    with Image.open(path) as image:
        assert len(image.getexif()) == 0, path
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "comment", "icc_profile", "iptc"):
            assert key not in image.info, (path, key)
    for needle in (b"Exif\0\0", b"http://ns.adobe.com/xap", b"Photoshop 3.0", b"rahasia"):
        assert needle not in data, (path, needle)


def published_images(output: Path) -> list[Path]:
    """The photos of the posts (not the theme's own images under /assets/, nor the posts' share cards)."""
    return [p for p in output.rglob("*") if p.suffix in (".jpg", ".png", ".webp", ".avif", ".gif")
            and p.relative_to(output).parts[0] != "assets" and p.name != "bagikan.jpg"]


# --- orientation, metadata, sizes --------------------------------------------------------------------------------

def test_exif_orientation_6_comes_out_portrait_with_matching_attributes(tmp_path):
    stored = picture((800, 600))                      # landscape as stored; left half blue
    exif = Image.Exif()
    exif[imaging.ORIENTATION] = 6                     # display rotated 90 degrees clockwise
    root = photo_site(tmp_path, {"tegak": ("gallery:\n  - file: tegak.jpg\n    caption: Berdiri\n",
                                          {"tegak.jpg": encoded(stored, exif=exif, quality=80)})})
    run(root)
    out = post_dir(root, "tegak")
    with Image.open(out / "tegak-480w.jpg") as thumb:
        assert thumb.size == (480, 640)
        rgb = thumb.convert("RGB")
        assert rgb.getpixel((240, 40))[2] > 150       # stored left (blue) is the top once upright
        assert rgb.getpixel((240, 600))[0] > 150      # stored right (red) is the bottom
    with Image.open(out / "tegak-600w.webp") as web:
        assert web.size == (600, 800)
    images = Tags((out / "index.html").read_text()).all("img")
    thumb_tag = next(i for i in images if i["src"].endswith("tegak-480w.jpg"))
    assert (thumb_tag["width"], thumb_tag["height"]) == ("480", "640")


def test_gps_exif_xmp_iptc_and_comments_never_reach_the_output(tmp_path):
    exif = Image.Exif()
    exif[0x010F] = "PonselMerek rahasia"              # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (2.0, 50.0, 0.0), 3: "E", 4: (117.0, 22.0, 0.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://ns.adobe.com/xap/1.0/">rahasia</rdf:RDF></x:xmpmeta>'
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0b\x1c\x02\x78\x00\x07rahasia"
    plain = encoded(picture(), exif=exif, xmp=xmp, comment=b"rahasia", quality=80)   # published nearly as it is
    fine = encoded(picture((900, 700)), exif=exif, xmp=xmp, quality=97)              # re-encoded
    rotated_exif = Image.Exif()
    rotated_exif.update(exif)
    rotated_exif[imaging.ORIENTATION] = 3
    rotated = encoded(picture(), exif=rotated_exif, quality=80)                       # must be re-encoded upright
    png = encoded(picture(mode="RGBA"), "PNG", exif=exif)
    files = {"a.jpg": with_segment(plain, 0xED, iptc), "b.jpg": with_segment(fine, 0xED, iptc), "c.jpg": rotated,
             "d.png": png}
    with Image.open(io.BytesIO(files["a.jpg"])) as source:
        assert source.getexif().get_ifd(0x8825) and "xmp" in source.info
    root = photo_site(tmp_path, {"rahasia": ("", files)}, "photos:\n  publish_originals: true\n  avif: true\n")
    run(root)
    images = published_images(root / "output")
    assert len(images) >= 4 * 3
    assert any(p.name.endswith("-asli.jpg") for p in images)
    assert "a-asli.jpg" in (root / "output/galeri/rahasia/index.html").read_text()
    with Image.open(io.BytesIO(plain)) as source, Image.open(post_dir(root, "rahasia") / "a-640w.jpg") as same:
        assert source.tobytes() == same.tobytes()              # full size, already small: not re-encoded
    for path in images:
        no_metadata(path)


def test_originals_are_not_published_unless_asked(tmp_path):
    root = photo_site(tmp_path, {"a": ("", {"a.jpg": encoded(picture((3000, 2000)), quality=85)})})
    run(root)
    names = sorted(p.name for p in published_images(root / "output"))
    assert names == ["a-1280w.jpg", "a-1280w.webp", "a-2048w.jpg", "a-2048w.webp", "a-480w.jpg", "a-480w.webp"]


def test_small_photos_are_never_upscaled_and_every_img_has_its_size(tmp_path):
    root = photo_site(tmp_path, {"kecil": ("", {"kecil.jpg": encoded(picture((300, 200)))})})
    run(root)
    out = post_dir(root, "kecil")
    assert sorted(p.name for p in out.glob("kecil-*")) == ["kecil-300w.jpg", "kecil-300w.webp"]
    for page in (root / "output").rglob("*.html"):
        for img in Tags(page.read_text()).all("img"):
            if "kecil" in img["src"]:
                assert (img["width"], img["height"]) == ("300", "200"), page


def test_transparent_png_keeps_its_transparency(tmp_path):
    logo = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    logo.paste((200, 30, 30, 255), (100, 100, 500, 300))
    palette = Image.new("P", (600, 400), 0)
    palette.putpalette([255, 255, 255, 10, 120, 10] + [0] * 762)
    palette.paste(1, (0, 0, 300, 400))
    palette.info["transparency"] = 0
    root = photo_site(tmp_path, {"logo": ("", {"logo.png": encoded(logo, "PNG"),
                                              "pal.png": encoded(palette, "PNG", transparency=0)})})
    run(root)
    out = post_dir(root, "logo")
    for name in ("logo-480w.png", "logo-480w.webp", "logo-600w.png"):
        with Image.open(out / name) as image:
            rgba = image.convert("RGBA")
            assert rgba.getpixel((5, 5))[3] == 0, name
            assert rgba.getpixel((image.width // 2, image.height // 2))[3] == 255, name
    with Image.open(out / "pal-480w.png") as image:
        rgba = image.convert("RGBA")
        assert rgba.getpixel((400, 100))[3] == 0 and rgba.getpixel((50, 100))[3] == 255
    assert not list(out.glob("logo-*.jpg"))


def test_cmyk_16_bit_palette_and_greyscale_come_out_right(tmp_path):
    cmyk = Image.new("CMYK", (600, 400), (0, 255, 255, 0))            # pure red in print colours
    grey16 = Image.new("I;16", (600, 400), 32768)                      # mid grey, not white
    palette = Image.new("P", (600, 400), 1)
    palette.putpalette([0, 0, 0, 20, 160, 20] + [0] * 762)             # green
    grey = Image.new("L", (600, 400), 90)
    files = {"cmyk.jpg": encoded(cmyk, quality=90), "abu16.png": encoded(grey16, "PNG"),
             "palet.png": encoded(palette, "PNG"), "abu.jpg": encoded(grey, quality=90),
             "cmyk.tif": encoded(cmyk, "TIFF")}
    root = photo_site(tmp_path, {"warna": ("", files)})
    run(root)
    out = post_dir(root, "warna")

    def centre(name):
        with Image.open(out / name) as image:
            return image.convert("RGB").getpixel((image.width // 2, image.height // 2))

    for name in ("cmyk-480w.jpg", "cmyk-480w.webp", "cmyk-2-480w.jpg"):
        r, g, b = centre(name)
        assert r > 200 and g < 60 and b < 60, (name, (r, g, b))
    for name in ("abu16-480w.jpg", "abu16-480w.webp"):
        assert all(100 < c < 160 for c in centre(name)), name
    r, g, b = centre("palet-480w.jpg")
    assert g > 120 and r < 60 and b < 60
    assert all(80 < c < 100 for c in centre("abu-480w.jpg"))


def test_colour_profile_is_converted_to_srgb_then_dropped(tmp_path):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    renamed = srgb.replace("sRGB".encode("utf-16-be"), "Lain".encode("utf-16-be"))   # not recognised as sRGB
    assert ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(renamed))).startswith("Lain")
    root = photo_site(tmp_path, {"icc": ("", {"icc.jpg": encoded(picture(), icc_profile=renamed, quality=80),
                                             "srgb.jpg": encoded(picture(), icc_profile=srgb, quality=80)})})
    run(root)
    with Image.open(io.BytesIO(root.joinpath("content/posts/2024/icc/srgb.jpg").read_bytes())) as source, \
            Image.open(post_dir(root, "icc") / "srgb-640w.jpg") as copied:
        assert source.tobytes() == copied.tobytes()                          # sRGB profile: dropped, not re-encoded
    for path in published_images(root / "output"):
        no_metadata(path)
        with Image.open(path) as image:
            r, g, b = image.convert("RGB").getpixel((image.width * 3 // 4, image.height // 2))
            assert r > 180 and g < 70 and b < 70, path                        # converted, colours kept


def test_animated_gif_is_copied_byte_for_byte(tmp_path):
    frames = [Image.new("P", (120, 80), i) for i in range(3)]
    for frame in frames:
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0] + [0] * 759)
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    root = photo_site(tmp_path, {"gerak": ("", {"gerak.gif": buffer.getvalue()})})
    run(root)
    out = post_dir(root, "gerak")
    assert [p.name for p in out.glob("gerak*")] == ["gerak-120w.gif"]
    assert (out / "gerak-120w.gif").read_bytes() == buffer.getvalue()
    img = next(i for i in Tags((out / "index.html").read_text()).all("img") if "gerak" in i["src"])
    assert (img["width"], img["height"]) == ("120", "80")


def test_multi_frame_jpeg_webp_and_tiff_become_stills_without_metadata(tmp_path):
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "S", 2: (2.0, 50.0, 0.0)})
    exif[0x010F] = "rahasia"
    def frames(fmt, **options):    # fresh images each time: Pillow keeps save options on the image objects
        return encoded(picture(), fmt, save_all=True, append_images=[picture(colour=(0, 0, 0))], **options)

    mpo, webp, tiff = frames("MPO", exif=exif, quality=80), frames("WEBP", exif=exif), frames("TIFF")
    with Image.open(io.BytesIO(mpo)) as check:
        assert check.format == "MPO" and check.n_frames == 2
    root = photo_site(tmp_path, {"bingkai": ("", {"ganda.jpg": mpo, "gerak.webp": webp, "halaman.tif": tiff})})
    run(root)
    names = sorted(p.name for p in post_dir(root, "bingkai").glob("*-640w.*"))
    assert names == ["ganda-640w.jpg", "ganda-640w.webp", "gerak-640w.jpg", "gerak-640w.webp",
                     "halaman-640w.jpg", "halaman-640w.webp"]
    for path in published_images(root / "output"):
        no_metadata(path)
        with Image.open(path) as image:
            assert getattr(image, "n_frames", 1) == 1
            assert image.convert("RGB").getpixel((image.width - 5, 5))[0] > 150      # the first frame


def test_avif_is_made_when_config_asks(tmp_path):
    root = photo_site(tmp_path, {"a": ("", {"a.jpg": encoded(picture((500, 300)))})}, "photos:\n  avif: true\n")
    run(root)
    out = post_dir(root, "a")
    assert (out / "a-480w.avif").is_file()
    sources = Tags((out / "index.html").read_text()).all("source")
    assert [s["type"] for s in sources[:2]] == ["image/avif", "image/webp"]


# --- order, captions, pages --------------------------------------------------------------------------------------

def test_order_and_captions_come_from_front_matter_then_file_names(tmp_path):
    jpg = encoded(picture((500, 300)))
    front = ('gallery:\n  - file: zebra.jpg\n    caption: "Pembukaan <script>alert(1)</script> & sambutan"\n'
             "  - file: alpha.jpg\n")
    files = {n: jpg for n in ("alpha.jpg", "zebra.jpg", "foto-10.jpg", "foto-2.jpg", "Foto-3.jpg")}
    root = photo_site(tmp_path, {"urut": (front, files)})
    run(root)
    html = (post_dir(root, "urut") / "index.html").read_text()
    links = [a["href"].rsplit("/", 1)[1] for a in Tags(html).all("a") if "data-full" in a]
    assert links == ["zebra-500w.jpg", "alpha-500w.jpg", "foto-2-500w.jpg", "foto-3-500w.jpg", "foto-10-500w.jpg"]
    assert "<script>alert(1)" not in html
    assert "Pembukaan &lt;script&gt;alert(1)&lt;/script&gt; &amp; sambutan" in html
    alts = [i["alt"] for i in Tags(html.split('class="gallery"', 1)[1]).all("img") if "urut/" in i["src"]]
    assert alts[0] == "Pembukaan <script>alert(1)</script> & sambutan"
    assert alts[1:] == [f"Kegiatan urut — foto {n}" for n in range(2, 6)]


def test_names_with_spaces_capitals_and_non_ascii_letters_are_handled(tmp_path):
    jpg = encoded(picture((500, 300)))
    front = 'gallery:\n  - file: "Pembukaan Rapat.JPG"\n    caption: Pembukaan\n  - file: "Peserta Ñandú.jpg"\n'
    root = photo_site(tmp_path, {"nama": (front, {"Pembukaan Rapat.JPG": jpg, "Peserta Ñandú.jpg": jpg,
                                                 "照片.jpg": jpg, "照片 2.jpg": jpg})})
    run(root)
    names = sorted(p.name for p in post_dir(root, "nama").glob("*-500w.jpg"))
    assert names == ["foto-2-500w.jpg", "foto-4-500w.jpg", "pembukaan-rapat-500w.jpg", "peserta-nandu-500w.jpg"]


def test_a_name_typed_in_front_matter_finds_the_same_name_stored_decomposed_by_a_mac(tmp_path):
    import unicodedata

    jpg = encoded(picture((500, 300)))
    typed = "Penyerahan Piagam Café.jpg"                       # one letter é, as a keyboard types it
    stored = unicodedata.normalize("NFD", typed)               # e + combining accent, as macOS stores it
    front = f'cover: "{typed}"\ngallery:\n  - file: "{typed}"\n    caption: Penyerahan piagam\n'
    root = photo_site(tmp_path, {"piagam": (front, {stored: jpg})})
    result = run(root)
    assert result.photos_made == 1
    assert (post_dir(root, "piagam") / "penyerahan-piagam-cafe-500w.jpg").is_file()
    assert "Penyerahan piagam" in (post_dir(root, "piagam") / "index.html").read_text(encoding="utf-8")


def test_gallery_page_index_post_grid_and_covers(tmp_path):
    jpg = encoded(picture((500, 300)))
    posts = {f"acara-{n}": (f"gallery:\n  - file: satu.jpg\n    caption: Foto satu acara {n}\n", {"satu.jpg": jpg,
                                                                                            "dua.jpg": jpg})
             for n in range(3)}
    posts["tanpa-foto"] = ("", {})
    root = photo_site(tmp_path, posts, "listing:\n  per_page: 1\npermalinks:\n  gallery: /foto/{year}/{slug}/\n")
    run(root)
    out = root / "output"
    gallery_page = out / "foto" / "2024" / "acara-0" / "index.html"
    page = gallery_page.read_text()
    assert "/2024/10/28/acara-0/" in page                                  # links back to the post
    assert page.count("<figure") == 2 and "Foto satu acara 0" in page
    post = (out / "2024/10/28/acara-0/index.html").read_text()
    assert 'href="/foto/2024/acara-0/"' in post and 'class="gallery"' in post
    assert not (out / "foto" / "2024" / "tanpa-foto").exists()
    first, second = (out / "foto/index.html").read_text(), (out / "foto/halaman/2/index.html").read_text()
    assert "Kegiatan acara-0" in first and "Kegiatan acara-1" in first and "Kegiatan acara-2" in second
    assert "2 foto" in first and "acara-0/satu-480w.jpg" in first
    assert 'href="/foto/"' in first                                          # the menu follows the pattern
    home = (out / "index.html").read_text()
    assert "acara-0/satu-500w.jpg" in home                                    # cover on the home page card


def test_photos_of_a_page_bundle_are_processed_for_its_inline_images(tmp_path):
    root = photo_site(tmp_path, {})
    folder = root / "content/pages/profil"
    folder.mkdir(parents=True)
    (folder / "index.md").write_text("---\ntitle: Profil\n---\n\n![Kantor KPU](kantor.jpg)\n", encoding="utf-8")
    (folder / "kantor.jpg").write_bytes(encoded(picture((1500, 1000))))
    run(root)
    img = next(i for i in Tags((root / "output/profil/index.html").read_text()).all("img") if "kantor" in i["src"])
    assert img["src"] == "/profil/kantor-1280w.jpg" and (img["width"], img["height"]) == ("1280", "853")
    assert (root / "output/profil/kantor-1280w.jpg").is_file()
    assert not (root / "output/profil/kantor.jpg").exists()


def test_lazy_loading_below_the_fold_only(tmp_path):
    jpg = encoded(picture((500, 300)))
    root = photo_site(tmp_path, {"malas": ("", {"a.jpg": jpg, "b.jpg": jpg})})
    run(root)
    gallery_page = Tags((root / "output/galeri/malas/index.html").read_text()).all("img")
    photos = [i for i in gallery_page if "malas/" in i["src"]]
    assert "loading" not in photos[0] and photos[1]["loading"] == "lazy"
    post = [i for i in Tags((post_dir(root, "malas") / "index.html").read_text()).all("img") if "malas/" in i["src"]]
    assert "loading" not in post[0], "the cover at the top of the post is the first thing seen"
    assert all(i["loading"] == "lazy" for i in post[1:])


def test_sub_path_base_url_reaches_every_srcset(tmp_path):
    root = photo_site(tmp_path, {"a": ("", {"a.jpg": encoded(picture((1500, 1000)))})})
    (root / "config.yaml").write_text(CONFIG.replace("kaltara.kpu.go.id/", "kaltara.kpu.go.id/situs/"))
    run(root)
    html = (post_dir(root, "a") / "index.html").read_text()
    tags = Tags(html)
    for value in [s["srcset"] for s in tags.all("source")] + [i["srcset"] for i in tags.all("img") if "srcset" in i]:
        assert all(part.strip().startswith("/situs/") for part in value.split(",")), value


# --- cache -------------------------------------------------------------------------------------------------------

def test_second_build_processes_nothing_and_removed_photos_disappear(clock, tmp_path, monkeypatch):
    jpg = encoded(picture((700, 500)), quality=90)
    other = encoded(picture((700, 500), colour=(10, 200, 10)), quality=90)
    root = photo_site(tmp_path, {"a": ("", {"satu.jpg": jpg, "dua.jpg": other}), "b": ("", {"tiga.jpg": jpg})})
    age_photos(root, clock)
    first = run(root, workers=2, racy_clock=clock)
    assert (first.photos_made, first.photos_reused) == (3, 0)
    assert (root / ".cache/.gitignore").read_text().endswith("*\n")                 # git-ignored wherever it is

    def no_reading(path):
        raise AssertionError(f"warm build read {path}")

    monkeypatch.setattr(probing, "probe", no_reading)                         # the index answers instead
    second = run(root, workers=2, racy_clock=clock)
    assert (second.photos_made, second.photos_reused) == (0, 3)
    assert not second.report.changed
    monkeypatch.undo()

    (root / "content/posts/2024/a/dua.jpg").unlink()
    third = run(root, racy_clock=clock)
    assert (third.photos_made, third.photos_reused) == (0, 2)
    assert not list(post_dir(root, "a").glob("dua-*"))
    assert list(post_dir(root, "a").glob("satu-*"))

    (root / "content/posts/2024/a/satu.jpg").write_bytes(other)              # changed content: made again
    fourth = run(root, racy_clock=clock)
    assert (fourth.photos_made, fourth.photos_reused) == (0, 2)              # same bytes as a cached photo
    (root / "content/posts/2024/a/satu.jpg").write_bytes(encoded(picture((700, 500), colour=(9, 9, 9))))
    assert run(root, racy_clock=clock).photos_made == 1


def test_a_photo_changed_just_now_is_read_again_even_with_the_same_size_and_time(clock, tmp_path):
    root = photo_site(tmp_path, {"a": ("", {"a.jpg": encoded(picture())})})    # "just now": the clock stands still
    photo = root / "content/posts/2024/a/a.jpg"
    run(root, racy_clock=clock)
    stat = photo.stat()
    data = bytearray(photo.read_bytes())
    at = next(i for i in range(len(data) // 2, len(data)) if data[i] < 0xFE and data[i - 1] != 0xFF)
    data[at] ^= 0x01                                      # same size, different content, still a JPEG
    photo.write_bytes(bytes(data))
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same modification time
    assert run(root, racy_clock=clock).photos_made == 1


def test_cache_key_includes_processing_parameters(tmp_path):
    root = photo_site(tmp_path, {"a": ("", {"a.jpg": encoded(picture((700, 500)))})})
    run(root)
    (root / "config.yaml").write_text(CONFIG + "photos:\n  quality: 60\n")
    assert run(root).photos_made == 1
    (root / "config.yaml").write_text(CONFIG + "photos:\n  thumb: 320\n")
    result = run(root)
    assert result.photos_made == 1 and (post_dir(root, "a") / "a-320w.jpg").is_file()


def test_cache_forgets_files_unused_for_a_month_but_keeps_recent_ones(clock, tmp_path):
    root = photo_site(tmp_path, {"a": ("", {"a.jpg": encoded(picture()), "b.jpg": encoded(picture(colour=(1, 1, 1)))})})
    age_photos(root, clock)
    run(root, racy_clock=clock)
    cache = root / ".cache/photos"
    count = len(list(cache.iterdir()))
    (root / "content/posts/2024/a/b.jpg").unlink()
    run(root, racy_clock=clock)
    assert len(list(cache.iterdir())) == count                       # recent: kept for an undo or a draft build
    for path in cache.iterdir():
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 31 * 86400))
    post = next((root / "content/posts/2024/a").glob("*.md"))
    post.write_text(post.read_text(encoding="utf-8") + "\nSatu kalimat lagi.\n", encoding="utf-8")
    run(root, racy_clock=clock)      # the next build that does work (published photos are copies: aging the cache
                                     # alone is no change)
    left = sorted(p.name for p in cache.iterdir())
    assert len(left) == count // 2 + 1 and "index.json" in left      # a.jpg's files and the index stay
    assert run(root, racy_clock=clock).photos_made == 0


def test_photos_too_recent_when_probed_are_remembered_once_old_enough(clock, tmp_path, monkeypatch):
    root = photo_site(tmp_path, {"a": ("", {"a.jpg": encoded(picture())})})
    index = probing.ProbeIndex(root / ".cache/photos", clock=clock)
    source = index.probe(root / "content/posts/2024/a/a.jpg")
    assert index.recent and not index.new
    clock.advance()
    index.save()
    assert json.loads((root / ".cache/photos/index.json").read_text())["files"]
    again = probing.ProbeIndex(root / ".cache/photos", clock=clock)
    monkeypatch.setattr(probing, "probe", lambda path: pytest.fail("read again"))
    assert again.probe(root / "content/posts/2024/a/a.jpg") == source


def test_corrupt_probe_index_is_ignored_and_rebuilt(clock, tmp_path):
    root = photo_site(tmp_path, {"a": ("", {"a.jpg": encoded(picture((700, 500)))})})
    age_photos(root, clock)
    run(root, racy_clock=clock)
    index = root / ".cache/photos/index.json"
    assert json.loads(index.read_text())["files"]
    for junk in ("{not json", '{"pipeline": "p4", "files": {"x": [1]}}', "[]", "\xff\xfe"):
        index.write_text(junk, encoding="latin-1")
        for record in (root / ".cache").glob("build-*"):     # without the build cache the photos are planned again
            record.unlink()
        result = run(root, racy_clock=clock)
        assert (result.photos_made, result.photos_reused) == (0, 1)
    assert json.loads(index.read_text())["files"]


# --- bad photos ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built_good_site(tmp_path_factory) -> Path:
    """A site with one good photo, built once for the module (output and cache): good_site copies it."""
    root = photo_site(tmp_path_factory.mktemp("baik"), {"baik": ("gallery:\n  - file: baik.jpg\n",
                                                                 {"baik.jpg": encoded(picture())})})
    run(root)
    return root


@pytest.fixture
def good_site(built_good_site, tmp_path) -> Path:
    """A copy of the built good site, its output and cache, for a test to add its bad photo to."""
    return Path(shutil.copytree(built_good_site, tmp_path / "situs", symlinks=True))


def test_truncated_photo_names_file_and_line_and_keeps_output(good_site):
    root = good_site
    before = snapshot(root / "output")
    data = encoded(picture((900, 700)), quality=95)
    gallery_post(root, "rusak", "gallery:\n  - file: baik.jpg\n  - file: potong.jpg\n    caption: Terpotong\n",
               {"baik.jpg": encoded(picture(colour=(1, 2, 3))), "potong.jpg": data[:len(data) // 2]})
    errors = failure(root)
    assert any("content/posts/2024/rusak/index.md:6:" in e and "potong.jpg" in e and "terpotong" in e for e in errors)
    assert snapshot(root / "output") == before


@pytest.mark.parametrize("data, words", [(b"ini bukan foto, hanya teks\n" * 20, "bukan gambar"),
                                         (b"", "kosong"),
                                         (b"\xff\xd8\xff\xe0" + b"\x00" * 300, "bukan gambar")])
def test_non_image_named_jpg(good_site, data, words):
    root = good_site
    before = snapshot(root / "output")
    gallery_post(root, "palsu", "gallery:\n  - file: palsu.jpg\n", {"palsu.jpg": data})
    errors = failure(root)
    assert any(e.startswith("content/posts/2024/palsu/index.md:5:") and "palsu.jpg" in e and words in e
               for e in errors), errors
    assert snapshot(root / "output") == before


def test_unlisted_bad_photo_is_named_by_its_own_path(good_site):
    root = good_site
    gallery_post(root, "palsu", "", {"lain.JPG": b"teks"})
    assert any(e.startswith("content/posts/2024/palsu/lain.JPG:") for e in failure(root))


def test_decompression_bomb_is_refused(good_site, monkeypatch):
    root = good_site
    before = snapshot(root / "output")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    gallery_post(root, "bom", "gallery:\n  - file: bom.png\n", {"bom.png": encoded(Image.new("L", (400, 400)), "PNG")})
    errors = failure(root)
    assert any("index.md:5:" in e and "bom.png" in e and "terlalu besar" in e for e in errors), errors
    assert snapshot(root / "output") == before


def test_gallery_entry_whose_file_is_missing(good_site):
    root = good_site
    gallery_post(root, "hilang", "gallery:\n  - file: Hilang.jpg\n", {"hilang.jpg": encoded(picture())})
    errors = failure(root)
    assert any("index.md:5:" in e and "Hilang.jpg" in e and "hilang.jpg" in e for e in errors), errors


def test_an_unreadable_heic_photo_is_skipped_with_a_warning_and_the_site_builds(good_site):
    """Issue 24.16: one iPhone photo libheif cannot read stopped the whole site, listed in a gallery or not."""
    root = good_site
    gallery_post(root, "iphone", "", {"IMG_0001.HEIC": b"\x00\x00\x00\x18ftypheic", "ok.jpg": encoded(picture())})
    gallery_post(root, "galeri", "gallery:\n  - file: IMG_0002.heif\n  - file: ok.jpg\n",
               {"IMG_0002.heif": b"\x00\x00\x00\x18ftypheic" + b"\0" * 40, "ok.jpg": encoded(picture())})
    whole = photo_with_gps("x.heic")
    gallery_post(root, "terpotong", "", {"IMG_0003.heic": whole[:len(whole) // 2], "ok.jpg": encoded(picture())},
               day=21)                                  # a real HEIC cut short: libheif notices only when decoding
    warnings = [str(w) for w in run(root).warnings]
    for name in ("IMG_0001.HEIC", "IMG_0002.heif", "IMG_0003.heic"):
        assert any(name in w and "dilewati" in w and "JPG" in w for w in warnings), warnings
    names = {p.name for p in (root / "output").rglob("*")}
    assert not any(n.lower().endswith((".heic", ".heif")) for n in names)
    assert "ok-480w.jpg" in {p.name for p in post_dir(root, "iphone", 20).iterdir()}
    assert "ok-480w.jpg" in {p.name for p in post_dir(root, "galeri", 20).iterdir()}


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PonselMerek rahasia"              # Make
    exif.get_ifd(0x8825).update({1: "S", 2: (2.0, 50.0, 0.0), 3: "E", 4: (117.0, 22.0, 0.0)})
    return exif


def photo_with_gps(name: str) -> bytes:
    """A photo of the format the name's suffix says, carrying GPS (and a 'rahasia' maker) where the format can."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    suffix = Path(name).suffix.lower()
    image, exif = picture((900, 700)), gps_exif().tobytes()
    if suffix == ".bmp":
        return encoded(image, "BMP")
    if suffix == ".gif":
        return encoded(image.convert("P"), "GIF", comment=b"rahasia")
    fmt = {".png": "PNG", ".webp": "WEBP", ".tif": "TIFF", ".tiff": "TIFF", ".heic": "HEIF", ".heif": "HEIF",
           ".avif": "AVIF"}.get(suffix, "JPEG")
    data = encoded(image, fmt, exif=exif)
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(0x8825), name          # the test's photo does carry GPS
    return data


PHONE_PHOTOS = ["a.jpg", "b.JPG", "c.jpeg", "d.jpe", "e.jfif", "f.JFIF", "g.png", "h.PNG", "i.webp", "j.tif",
                "k.TIFF", "l.heic", "m.HEIC", "n.heif", "o.avif", "p.gif", "q.bmp", "r.BMP", "s.mpo"]


def test_every_photo_format_a_camera_or_phone_saves_is_published_without_gps(tmp_path):
    """Issue 24.15/16: .jfif, .jpe and .bmp photos were published byte for byte, GPS and all; HEIC stopped the
    build. Each goes through the pipeline (resized, stripped), in any letter case, listed in a gallery or not."""
    files = {name: photo_with_gps(name) for name in PHONE_PHOTOS}
    files["t.bmp.jpg"] = photo_with_gps("x.jpg")
    files["u.bmp"] = photo_with_gps("x.jpg")                   # JPEG bytes under another suffix: opened by content
    listed = "gallery:\n" + "".join(f"  - file: {name}\n    caption: Foto {name}\n" for name in PHONE_PHOTOS[:6])
    root = photo_site(tmp_path, {"ponsel": (listed, files)}, "photos:\n  publish_originals: true\n")
    result = run(root)
    assert not [str(w) for w in result.warnings if "foto" in str(w)]
    out = post_dir(root, "ponsel")
    published = sorted(p.name for p in out.iterdir())
    for name in files:
        stem = Path(name).stem.replace(".", "-").lower()
        assert f"{stem}-480w.jpg" in published and f"{stem}-asli.jpg" in published, (name, published)
        assert name not in published
    for path in (root / "output").rglob("*"):
        if path.is_file():
            assert path.suffix.lower() not in {".bmp", ".jfif", ".jpe", ".heic", ".heif", ".tif", ".tiff", ".mpo"}, path
            assert b"rahasia" not in path.read_bytes() and b"Exif\0\0" not in path.read_bytes(), path
    for path in published_images(root / "output"):
        no_metadata(path)
        with Image.open(path) as image:
            assert not image.getexif().get_ifd(0x8825), path


def test_camera_raw_files_are_never_published_and_are_named(tmp_path):
    raw = b"II*\x00" + gps_exif().tobytes() + b"\0" * 64         # a DNG-like TIFF container carrying GPS
    root = photo_site(tmp_path, {"raw": ("", {"IMG_1.DNG": raw, "IMG_2.cr2": raw, "IMG_3.jxl": raw,
                                              "ok.jpg": encoded(picture())})})
    warnings = [str(w) for w in run(root).warnings]
    for name in ("IMG_1.DNG", "IMG_2.cr2", "IMG_3.jxl"):
        assert any(name in w and "tidak diterbitkan" in w for w in warnings), (name, warnings)
    assert not [p for p in (root / "output").rglob("*") if p.suffix.lower() in (".dng", ".cr2", ".jxl")]
    gallery_post(root, "raw", "gallery:\n  - file: IMG_1.DNG\n", {})
    assert any("index.md:5:" in e and "IMG_1.DNG" in e and "JPG" in e for e in failure(root))


def test_bad_photo_on_the_command_line_exits_1_without_traceback(good_site):
    root = good_site
    data = encoded(picture((900, 700)), quality=95)
    gallery_post(root, "rusak", "gallery:\n  - file: potong.jpg\n", {"potong.jpg": data[:600]})
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(root)], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent.parent, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "potong.jpg" in done.stderr and "tidak diubah" in done.stderr


# --- pieces --------------------------------------------------------------------------------------------------------

def test_strip_jpeg_keeps_pixels_and_drops_everything_else():
    exif = Image.Exif()
    exif[0x010F] = "rahasia"
    source = encoded(picture(), exif=exif, comment=b"rahasia", quality=80, progressive=True)
    source = with_segment(source, 0xED, b"Photoshop 3.0\x00rahasia") + b"trailing MPF image rahasia"
    stripped = imaging.strip_jpeg(source)
    assert stripped is not None and b"rahasia" not in stripped and stripped.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(source)) as a, Image.open(io.BytesIO(stripped)) as b:
        assert a.tobytes() == b.tobytes()
    assert imaging.strip_jpeg(b"not a jpeg") is None
    assert imaging.strip_jpeg(source[:300]) is None


def test_jpeg_quality_estimate():
    for quality in (50, 75, 85, 95):
        with Image.open(io.BytesIO(encoded(picture(), quality=quality))) as image:
            assert abs(imaging.jpeg_quality(image) - quality) <= 1


def test_widths_never_upscale():
    settings = gallery.Photos()
    assert gallery.widths(4000, settings) == [480, 1280, 2048]
    assert gallery.widths(1600, settings) == [480, 1280, 1600]
    assert gallery.widths(1280, settings) == [480, 1280]
    assert gallery.widths(300, settings) == [300]


def test_progress_bar_only_on_a_terminal(tmp_path, capsys):
    root = photo_site(tmp_path, {"a": ("", {"a.jpg": encoded(picture())})})
    run(root)
    assert "Foto" not in capsys.readouterr().err                               # pytest's stderr is no terminal
    stream = io.StringIO()
    bar = pool.Progress(3, stream)
    for _ in range(3):
        bar.step()
    bar.done()
    assert "3/3" in stream.getvalue() and "sisa" in stream.getvalue()


def test_jpeg_draft_decodes_at_reduced_scale_but_never_below_twice_the_largest_size():
    data = encoded(Image.new("RGB", (3200, 2400), (90, 90, 90)))
    for wanted, orientation, expected in [((700, 525), 1, (1600, 1200)), ((380, 285), 1, (800, 600)),
                                          ((1300, 975), 1, (3200, 2400)), ((525, 700), 6, (1600, 1200))]:
        with Image.open(io.BytesIO(data)) as image:
            imaging.draft(image, [imaging.Output("x", *wanted, "jpg")], orientation)
            assert image.size == expected, (wanted, orientation)
            assert image.size[0] >= 2 * (wanted[1] if orientation == 6 else wanted[0])
