"""Draw the sample site's event photos (real JPEG files) with Pillow; same input, same files, every run.

Run from the repository root:  .venv/bin/python scripts/make_sample_photos.py
Each photo is a simple drawn scene (wall, banner, tables, people) so that the theme and the photo
pipeline have something photo-like to show. One photo is stored sideways with EXIF orientation 6 and
carries fake GPS tags, so that the build's rotation and location stripping can be seen.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "content" / "posts"
LANDSCAPE = (1600, 1067)
PORTRAIT = (1067, 1600)
QUALITY = 80

KPU_RED = (150, 22, 30)
GOLD = (214, 170, 52)
SKIN = [(224, 178, 140), (198, 146, 104), (170, 120, 84), (141, 96, 66), (212, 160, 120)]
HAIR = [(24, 20, 18), (38, 30, 26), (52, 44, 40), (30, 26, 30)]
HIJAB = [(36, 52, 96), (120, 30, 48), (230, 226, 214), (60, 96, 80), (150, 110, 140), (20, 20, 24), (200, 150, 90)]
SHIRT = [(240, 240, 236), (250, 250, 250), (120, 70, 40), (152, 96, 52), (40, 60, 110), (130, 20, 30),
         (70, 70, 76), (180, 150, 110), (20, 90, 110), (225, 225, 210)]


@dataclass(frozen=True)
class Shot:
    """One photo to draw: where it goes, what scene, the banner text, and its EXIF (if any)."""

    path: str
    scene: str
    lines: tuple[str, ...] = ()
    size: tuple[int, int] = LANDSCAPE
    wall: tuple[tuple[int, int, int], tuple[int, int, int]] = ((214, 204, 186), (160, 146, 124))
    sideways_gps: bool = False
    options: dict = field(default_factory=dict)


RAKOR = ("RAPAT KOORDINASI SOSIALISASI PEMILIHAN 2020", "KPU PROVINSI KALIMANTAN UTARA",
         "Tarakan, 1 - 3 November 2019")
SHOTS = [
    Shot("2019/rapat-koordinasi-sosialisasi-pemilihan-2020/pembukaan.jpg", "head_table", RAKOR,
         options={"speaker": 2, "podium": True}),
    Shot("2019/rapat-koordinasi-sosialisasi-pemilihan-2020/peserta.jpg", "audience_front", RAKOR),
    Shot("2019/rapat-koordinasi-sosialisasi-pemilihan-2020/diskusi.jpg", "hall_back", RAKOR,
         wall=((200, 196, 188), (138, 130, 120)), options={"screen": ("REVIEW PKPU NOMOR 8 TAHUN 2017",
                                                                       "Sosialisasi, Pendidikan Pemilih",
                                                                       "dan Partisipasi Masyarakat")}),
    Shot("2019/rapat-pleno-rekapitulasi-dpb-2019/pleno.jpg", "head_table",
         ("RAPAT PLENO TERBUKA", "REKAPITULASI DAFTAR PEMILIH BERKELANJUTAN", "KPU Provinsi Kalimantan Utara 2019"),
         wall=((196, 206, 214), (120, 132, 146)), options={"speaker": 3}),
    Shot("2019/rapat-pleno-rekapitulasi-dpb-2019/penandatanganan.jpg", "signing",
         ("BERITA ACARA", "REKAPITULASI DAFTAR PEMILIH BERKELANJUTAN")),
    Shot("2020/sosialisasi-pemilih-pemula-tanjung-selor/kelas.jpg", "hall_back",
         ("SOSIALISASI PEMILIHAN 2020", "GOES TO SCHOOL", "KPU Provinsi Kalimantan Utara"),
         wall=((226, 222, 200), (176, 168, 140)), options={"screen": ("AYO JADI PEMILIH CERDAS!",
                                                                       "Pemilihan Gubernur dan Wakil Gubernur",
                                                                       "Kalimantan Utara 2020"), "young": True}),
    Shot("2020/sosialisasi-pemilih-pemula-tanjung-selor/tanya-jawab.jpg", "audience_front",
         ("SOSIALISASI PEMILIHAN 2020", "GOES TO SCHOOL"), wall=((226, 222, 200), (176, 168, 140)),
         options={"young": True, "raised_hand": True}),
    Shot("2020/sosialisasi-pemilih-pemula-tanjung-selor/simulasi.jpg", "ballot_box",
         ("SIMULASI PEMUNGUTAN SUARA", "Pemilih Pemula"), wall=((226, 222, 200), (176, 168, 140))),
    Shot("2020/sosialisasi-pemilih-pemula-tanjung-selor/foto-bersama.jpg", "group",
         ("SOSIALISASI PEMILIHAN 2020", "GOES TO SCHOOL", "KPU Provinsi Kalimantan Utara"),
         wall=((226, 222, 200), (176, 168, 140)), options={"young": True}),
    Shot("2020/pantauan-coklit-pemilihan-2020/coklit-rumah.jpg", "doorstep", ("TELAH DICOKLIT",),
         size=PORTRAIT, sideways_gps=True, wall=((198, 218, 206), (132, 160, 146))),
    Shot("2020/pantauan-coklit-pemilihan-2020/rapat-evaluasi.jpg", "head_table",
         ("RAPAT EVALUASI COKLIT", "PEMILIHAN SERENTAK TAHUN 2020", "KPU Provinsi Kalimantan Utara"),
         wall=((210, 206, 196), (150, 144, 132)), options={"speaker": 3, "masks": True}),
    Shot("2020/bimtek-kpps-pemilihan-2020/simulasi-tps.jpg", "ballot_box",
         ("BIMBINGAN TEKNIS KPPS", "PEMILIHAN SERENTAK TAHUN 2020"), wall=((220, 214, 204), (168, 160, 146)),
         options={"masks": True}),
    Shot("2020/bimtek-kpps-pemilihan-2020/peserta-bimtek.jpg", "audience_front",
         ("BIMBINGAN TEKNIS KPPS", "PEMILIHAN SERENTAK TAHUN 2020"), wall=((220, 214, 204), (168, 160, 146)),
         options={"masks": True, "spaced": True}),
    Shot("2020/distribusi-logistik-pemilihan-2020/gudang.jpg", "warehouse", ("LOGISTIK PEMILIHAN 2020",),
         wall=((176, 180, 184), (110, 112, 116))),
    Shot("2020/distribusi-logistik-pemilihan-2020/muat-truk.jpg", "truck", ("LOGISTIK PEMILIHAN 2020",),
         wall=((150, 190, 226), (226, 236, 240))),
    Shot("2020/distribusi-logistik-pemilihan-2020/speedboat.jpg", "boat", ("LOGISTIK PEMILIHAN 2020",),
         wall=((160, 200, 232), (232, 238, 240))),
    Shot("2024/rapat-pleno-penetapan-dpt-pemilihan-2024/pleno-dpt.jpg", "head_table",
         ("RAPAT PLENO TERBUKA REKAPITULASI DAN PENETAPAN", "DAFTAR PEMILIH TETAP PEMILIHAN 2024",
          "KPU Provinsi Kalimantan Utara"), wall=((206, 200, 214), (130, 122, 142)), options={"speaker": 4}),
    Shot("2024/rapat-pleno-penetapan-dpt-pemilihan-2024/penyerahan.jpg", "group",
         ("PENETAPAN DPT PEMILIHAN 2024", "KPU Provinsi Kalimantan Utara"), size=PORTRAIT,
         wall=((206, 200, 214), (130, 122, 142)), options={"handover": True}),
]


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def fitted(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> ImageFont.FreeTypeFont:
    """The largest default font up to `size` in which `text` fits `width` pixels."""
    while size > 8 and draw.textlength(text, font=font(size)) > width:
        size -= 1
    return font(size)


def gradient(size: tuple[int, int], top, bottom) -> Image.Image:
    ramp = Image.linear_gradient("L").resize(size)
    return ImageOps.colorize(ramp, black=top, white=bottom).convert("RGB")


def shade(color, amount: float):
    return tuple(max(0, min(255, int(c * amount))) for c in color)


def banner(img: Image.Image, box, lines, rng: random.Random, color=KPU_RED) -> None:
    """A printed backdrop: red field, gold logo disc, white headline, smaller lines below."""
    draw = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=color)
    draw.rectangle((x0, y1 - (y1 - y0) // 9, x1, y1), fill=shade(color, 0.7))
    h = y1 - y0
    logo = int(h * 0.55)
    lx, ly = x0 + int(h * 0.2), y0 + (h - logo) // 2
    draw.ellipse((lx, ly, lx + logo, ly + logo), fill=GOLD, outline=(255, 255, 255), width=max(2, logo // 30))
    draw.polygon([(lx + logo * 0.5, ly + logo * 0.18), (lx + logo * 0.8, ly + logo * 0.75),
                  (lx + logo * 0.2, ly + logo * 0.75)], fill=color)
    tx = lx + logo + int(h * 0.15)
    room = x1 - tx - int(h * 0.15)
    sizes = [0.24, 0.15, 0.11]
    y = y0 + int(h * 0.14)
    for index, line in enumerate(lines[:3]):
        f = fitted(draw, line, room, max(10, int(h * sizes[index])))
        draw.text((tx, y), line, font=f, fill=(255, 255, 255) if index < 2 else (250, 226, 160))
        y += int(f.size * 1.3)


def person(img: Image.Image, cx: int, base: int, scale: float, rng: random.Random, facing: bool = True,
           young: bool = False, mask: bool = False, hand: bool = False, hijab: bool | None = None,
           peci: bool | None = None) -> None:
    """Shoulders and head: seen from the front (face, eyes) or from behind (hair only)."""
    draw = ImageDraw.Draw(img)
    s = scale
    shirt = rng.choice(SHIRT if not young else [(245, 245, 245), (240, 240, 240), (60, 60, 70), (150, 150, 156)])
    hijab = rng.random() < 0.4 if hijab is None else hijab
    skin = rng.choice(SKIN)
    head_r = int(34 * s)
    top = base - int(150 * s)
    body = (cx - int(78 * s), top + int(60 * s), cx + int(78 * s), base + int(40 * s))
    if hand:
        draw.rounded_rectangle((cx + int(50 * s), top - int(70 * s), cx + int(76 * s), top + int(80 * s)),
                               radius=int(12 * s), fill=shirt)
        draw.ellipse((cx + int(46 * s), top - int(100 * s), cx + int(80 * s), top - int(62 * s)), fill=skin)
    draw.rounded_rectangle(body, radius=int(40 * s), fill=shirt, outline=shade(shirt, 0.8), width=max(1, int(2 * s)))
    if young and shirt[0] > 200:
        draw.rectangle((cx - int(6 * s), top + int(70 * s), cx + int(6 * s), top + int(140 * s)), fill=(120, 120, 130))
    hx0, hy0 = cx - head_r, top - head_r
    if hijab:
        cloth = rng.choice(HIJAB)
        draw.ellipse((cx - int(head_r * 1.35), hy0 - int(6 * s), cx + int(head_r * 1.35), top + int(head_r * 1.9)),
                     fill=cloth)
        if facing:
            draw.ellipse((cx - int(head_r * 0.78), hy0 + int(head_r * 0.45), cx + int(head_r * 0.78),
                          top + int(head_r * 1.05)), fill=skin)
    else:
        draw.rectangle((cx - int(head_r * 0.4), top + int(head_r * 0.6), cx + int(head_r * 0.4),
                        top + int(head_r * 1.6)), fill=skin)
        draw.ellipse((hx0, hy0, cx + head_r, top + int(head_r * 1.15)), fill=skin)
        hair = rng.choice(HAIR)
        if facing:
            draw.chord((hx0 - 2, hy0 - int(4 * s), cx + head_r + 2, top + int(head_r * 0.2)), 180, 360, fill=hair)
            if (rng.random() < 0.35 and not young) if peci is None else peci:
                draw.rounded_rectangle((hx0 - int(2 * s), hy0 - int(18 * s), cx + head_r + int(2 * s),
                                        hy0 + int(10 * s)), radius=int(6 * s), fill=(20, 20, 22))
        else:
            draw.ellipse((hx0 - 1, hy0 - int(3 * s), cx + head_r + 1, top + int(head_r * 1.1)), fill=hair)
    if facing:
        eye = max(1, int(4 * s))
        ey = top + int(head_r * (0.25 if hijab else 0.1))
        for dx in (-int(head_r * 0.38), int(head_r * 0.38)):
            draw.ellipse((cx + dx - eye, ey - eye, cx + dx + eye, ey + eye), fill=(30, 24, 22))
        if mask:
            draw.rounded_rectangle((cx - int(head_r * 0.7), ey + int(head_r * 0.25), cx + int(head_r * 0.7),
                                    ey + int(head_r * 0.95)), radius=int(8 * s), fill=(150, 196, 226))


def table(img: Image.Image, box, cloth=(238, 238, 232), skirt=(40, 80, 60)) -> None:
    draw = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    draw.rectangle((x0, y0, x1, y0 + (y1 - y0) // 6), fill=cloth)
    draw.rectangle((x0, y0 + (y1 - y0) // 6, x1, y1), fill=skirt)
    for x in range(x0, x1, 36):
        draw.line((x, y0 + (y1 - y0) // 6, x + 10, y1), fill=shade(skirt, 0.85), width=3)


def floor(img: Image.Image, y: int, color=(116, 36, 40)) -> None:
    w, h = img.size
    img.paste(gradient((w, h - y), shade(color, 0.8), color), (0, y))


def screen(img: Image.Image, box, lines) -> None:
    draw = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    draw.rectangle((x0 - 8, y0 - 8, x1 + 8, y1 + 8), fill=(40, 40, 44))
    img.paste(gradient((x1 - x0, y1 - y0), (236, 240, 246), (196, 210, 232)), (x0, y0))
    draw.rectangle((x0, y0, x1, y0 + (y1 - y0) // 6), fill=KPU_RED)
    y = y0 + (y1 - y0) // 4
    for index, line in enumerate(lines):
        f = fitted(draw, line, x1 - x0 - 40, 38 if index == 0 else 28)
        draw.text((x0 + 20, y), line, font=f, fill=(30, 40, 70) if index == 0 else (60, 60, 70))
        y += int(f.size * 1.6)


def scene_head_table(img, shot, rng):
    w, h = img.size
    o = shot.options
    banner(img, (int(w * 0.06), int(h * 0.07), int(w * 0.94), int(h * 0.36)), shot.lines, rng)
    floor(img, int(h * 0.62))
    n = o.get("speaker", 3)
    span = w * 0.7
    for i in range(n):
        cx = int(w * 0.15 + span * (i + 0.5) / n)
        person(img, cx, int(h * 0.6), 1.25, rng, mask=o.get("masks", False))
    table(img, (int(w * 0.08), int(h * 0.56), int(w * 0.86), int(h * 0.8)))
    draw = ImageDraw.Draw(img)
    for i in range(n):
        cx = int(w * 0.15 + span * (i + 0.5) / n)
        draw.line((cx - 30, int(h * 0.56), cx - 60, int(h * 0.49)), fill=(20, 20, 20), width=5)
        draw.rectangle((cx + 10, int(h * 0.53), cx + 110, int(h * 0.57)), fill=(250, 250, 250), outline=(90, 90, 90))
        draw.rectangle((cx + 40, int(h * 0.545), cx + 90, int(h * 0.548)), fill=(40, 40, 40))
    if o.get("podium"):
        person(img, int(w * 0.92), int(h * 0.52), 1.3, rng, hijab=False, peci=True)
        draw.polygon([(int(w * 0.87), int(h * 0.5)), (int(w * 0.97), int(h * 0.5)), (int(w * 0.96), int(h * 0.84)),
                      (int(w * 0.88), int(h * 0.84))], fill=(96, 60, 36))
        draw.ellipse((int(w * 0.905), int(h * 0.6), int(w * 0.935), int(h * 0.64)), fill=GOLD)
    for i in range(6):
        person(img, int(w * (0.05 + i * 0.19)) + rng.randint(-20, 20), h + 40, 1.9, rng, facing=False)


def scene_audience_front(img, shot, rng):
    w, h = img.size
    o = shot.options
    banner(img, (int(w * 0.18), int(h * 0.03), int(w * 0.82), int(h * 0.2)), shot.lines, rng)
    floor(img, int(h * 0.45), (120, 44, 46))
    rows = [(0.48, 0.62, 9), (0.68, 0.86, 7), (0.9, 1.14, 5)]
    if o.get("spaced"):
        rows = [(0.5, 0.66, 6), (0.74, 0.92, 5), (0.98, 1.2, 4)]
    hand_done = False
    for r, (y, scale, count) in enumerate(rows):
        for i in range(count):
            cx = int(w * (i + 0.5) / count) + rng.randint(-25, 25)
            hand = o.get("raised_hand") and not hand_done and r == 1 and i == 3
            hand_done = hand_done or hand
            person(img, cx, int(h * y), scale, rng, young=o.get("young", False), mask=o.get("masks", False), hand=hand)
        table(img, (0, int(h * y) - int(20 * scale), w, int(h * y) + int(60 * scale)), cloth=(236, 232, 222),
              skirt=(236, 232, 222))
        draw = ImageDraw.Draw(img)
        for i in range(count * 2):
            x = int(w * (i + 0.3) / (count * 2))
            draw.rectangle((x, int(h * y) - int(14 * scale), x + int(50 * scale), int(h * y) - int(4 * scale)),
                           fill=(255, 255, 255), outline=(180, 180, 180))


def scene_hall_back(img, shot, rng):
    w, h = img.size
    o = shot.options
    screen(img, (int(w * 0.3), int(h * 0.08), int(w * 0.7), int(h * 0.42)), o["screen"])
    banner(img, (int(w * 0.02), int(h * 0.1), int(w * 0.26), int(h * 0.3)), shot.lines[:2], rng)
    floor(img, int(h * 0.5), (110, 80, 60))
    person(img, int(w * 0.8), int(h * 0.6), 1.1, rng)
    rows = [(0.66, 0.8, 10), (0.84, 1.15, 7), (1.05, 1.6, 5)]
    for y, scale, count in rows:
        for i in range(count):
            cx = int(w * (i + 0.5) / count) + rng.randint(-30, 30)
            person(img, cx, int(h * y), scale, rng, facing=False, young=o.get("young", False))


def scene_group(img, shot, rng):
    w, h = img.size
    o = shot.options
    banner(img, (int(w * 0.04), int(h * 0.06), int(w * 0.96), int(h * (0.3 if w > h else 0.2))), shot.lines, rng)
    floor(img, int(h * 0.72), (90, 90, 96))
    if o.get("handover"):
        for i, cx in enumerate((0.28, 0.72)):
            person(img, int(w * cx), int(h * 0.66), 2.1, rng)
        draw = ImageDraw.Draw(img)
        draw.rectangle((int(w * 0.38), int(h * 0.5), int(w * 0.62), int(h * 0.6)), fill=(230, 200, 120),
                       outline=(120, 90, 40), width=4)
        f = fitted(draw, "BERITA ACARA DPT", int(w * 0.2), 40)
        draw.text((int(w * 0.4), int(h * 0.53)), "BERITA ACARA DPT", font=f, fill=(60, 40, 20))
        for cx in (0.1, 0.9):
            person(img, int(w * cx), int(h * 0.76), 1.3, rng)
        return
    for row, (y, scale, count) in enumerate(((0.62, 1.05, 11), (0.84, 1.25, 9))):
        for i in range(count):
            cx = int(w * (i + 0.5) / count) + rng.randint(-12, 12)
            person(img, cx, int(h * y), scale, rng, young=o.get("young", False) and rng.random() < 0.8)


def scene_signing(img, shot, rng):
    w, h = img.size
    banner(img, (int(w * 0.1), int(h * 0.05), int(w * 0.9), int(h * 0.24)), shot.lines, rng, color=(30, 60, 110))
    person(img, int(w * 0.5), int(h * 0.6), 2.2, rng)
    person(img, int(w * 0.18), int(h * 0.58), 1.5, rng)
    person(img, int(w * 0.84), int(h * 0.58), 1.5, rng)
    table(img, (0, int(h * 0.6), w, h), cloth=(150, 100, 60), skirt=(120, 78, 46))
    draw = ImageDraw.Draw(img)
    draw.polygon([(int(w * 0.36), int(h * 0.66)), (int(w * 0.66), int(h * 0.64)), (int(w * 0.7), int(h * 0.92)),
                  (int(w * 0.34), int(h * 0.95))], fill=(250, 250, 246))
    for i in range(9):
        y = int(h * (0.7 + i * 0.024))
        draw.line((int(w * 0.39), y, int(w * 0.64), y - 4), fill=(140, 140, 150), width=3)
    draw.line((int(w * 0.55), int(h * 0.9), int(w * 0.6), int(h * 0.72)), fill=(20, 30, 90), width=10)


def scene_ballot_box(img, shot, rng):
    w, h = img.size
    o = shot.options
    banner(img, (int(w * 0.12), int(h * 0.04), int(w * 0.88), int(h * 0.22)), shot.lines, rng)
    floor(img, int(h * 0.55), (150, 140, 120))
    draw = ImageDraw.Draw(img)
    for x in (0.1, 0.3):
        draw.rectangle((int(w * x), int(h * 0.32), int(w * (x + 0.15)), int(h * 0.7)), fill=(230, 230, 226),
                       outline=(150, 150, 150), width=3)
        draw.rectangle((int(w * x), int(h * 0.32), int(w * (x + 0.15)), int(h * 0.36)), fill=KPU_RED)
    person(img, int(w * 0.62), int(h * 0.72), 1.6, rng, mask=o.get("masks", False))
    table(img, (int(w * 0.5), int(h * 0.7), int(w * 0.95), int(h * 0.9)), cloth=(240, 240, 240), skirt=(200, 200, 200))
    bx0, by0, bx1, by1 = int(w * 0.7), int(h * 0.5), int(w * 0.88), int(h * 0.72)
    draw.rectangle((bx0, by0, bx1, by1), fill=(236, 240, 244), outline=(140, 150, 160), width=4)
    draw.rectangle((bx0 + 40, by0 + 10, bx1 - 40, by0 + 22), fill=(40, 40, 40))
    f = fitted(draw, "KOTAK SUARA", bx1 - bx0 - 30, 34)
    draw.text((bx0 + 15, by0 + 60), "KOTAK SUARA", font=f, fill=KPU_RED)
    for i in range(3):
        person(img, int(w * (0.15 + i * 0.32)), h + 60, 1.8, rng, facing=False, young=rng.random() < 0.5)


def boxes(img, x0, y0, cols, rows, size, rng):
    draw = ImageDraw.Draw(img)
    for r in range(rows):
        for c in range(cols):
            x, y = x0 + c * size, y0 - (r + 1) * int(size * 0.75)
            tone = rng.randint(-12, 12)
            draw.rectangle((x, y, x + size - 4, y + int(size * 0.75) - 4), fill=(186 + tone, 146 + tone, 96 + tone),
                           outline=(120, 90, 60), width=2)
            draw.rectangle((x, y + int(size * 0.3), x + size - 4, y + int(size * 0.36)), fill=(210, 190, 150))
            if size > 60:
                f = fitted(draw, "KPU", size - 20, max(10, size // 5))
                draw.text((x + 10, y + 8), "KPU", font=f, fill=KPU_RED)


def scene_warehouse(img, shot, rng):
    w, h = img.size
    draw = ImageDraw.Draw(img)
    for x in range(0, w, 160):
        draw.line((x, 0, x, int(h * 0.5)), fill=(140, 144, 148), width=4)
    floor(img, int(h * 0.5), (150, 150, 146))
    boxes(img, int(w * 0.02), int(h * 0.7), 6, 5, 100, rng)
    boxes(img, int(w * 0.62), int(h * 0.7), 5, 4, 110, rng)
    draw.rectangle((int(w * 0.3), int(h * 0.08), int(w * 0.7), int(h * 0.2)), fill=KPU_RED)
    f = fitted(draw, shot.lines[0], int(w * 0.36), 60)
    draw.text((int(w * 0.32), int(h * 0.11)), shot.lines[0], font=f, fill=(255, 255, 255))
    for i, x in enumerate((0.45, 0.55)):
        person(img, int(w * x), int(h * 0.8), 1.3, rng, mask=True)
    boxes(img, int(w * 0.4), int(h * 0.98), 2, 1, 150, rng)


def scene_truck(img, shot, rng):
    w, h = img.size
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, int(h * 0.25), w, int(h * 0.55)), fill=(206, 200, 186))
    draw.rectangle((0, int(h * 0.25), w, int(h * 0.3)), fill=(90, 60, 50))
    floor(img, int(h * 0.55), (120, 120, 118))
    draw.rectangle((int(w * 0.08), int(h * 0.3), int(w * 0.62), int(h * 0.76)), fill=(236, 236, 232), outline=(60, 60, 60), width=4)
    draw.rectangle((int(w * 0.62), int(h * 0.44), int(w * 0.8), int(h * 0.76)), fill=(30, 90, 160), outline=(20, 40, 80), width=4)
    draw.rectangle((int(w * 0.66), int(h * 0.47), int(w * 0.77), int(h * 0.58)), fill=(170, 210, 236))
    for x in (0.18, 0.5, 0.72):
        draw.ellipse((int(w * x) - 60, int(h * 0.72), int(w * x) + 60, int(h * 0.72) + 120), fill=(24, 24, 24))
        draw.ellipse((int(w * x) - 26, int(h * 0.72) + 34, int(w * x) + 26, int(h * 0.72) + 86), fill=(150, 150, 150))
    f = fitted(draw, shot.lines[0], int(w * 0.48), 56)
    draw.text((int(w * 0.11), int(h * 0.36)), shot.lines[0], font=f, fill=KPU_RED)
    boxes(img, int(w * 0.12), int(h * 0.72), 5, 2, 90, rng)
    for x in (0.84, 0.93):
        person(img, int(w * x), int(h * 0.92), 1.4, rng, mask=True)


def scene_boat(img, shot, rng):
    w, h = img.size
    draw = ImageDraw.Draw(img)
    img.paste(gradient((w, h - int(h * 0.45)), (60, 110, 120), (30, 70, 80)), (0, int(h * 0.45)))
    draw.polygon([(0, int(h * 0.45)), (int(w * 0.3), int(h * 0.36)), (int(w * 0.55), int(h * 0.42)),
                  (w, int(h * 0.38)), (w, int(h * 0.45))], fill=(50, 96, 60))
    for i in range(40):
        y = int(h * 0.5) + i * 14
        x = rng.randint(0, w)
        draw.line((x, y, x + rng.randint(40, 160), y), fill=(110, 160, 168), width=2)
    hull = [(int(w * 0.15), int(h * 0.62)), (int(w * 0.85), int(h * 0.62)), (int(w * 0.78), int(h * 0.78)),
            (int(w * 0.2), int(h * 0.78))]
    draw.polygon(hull, fill=(240, 240, 240), outline=(40, 40, 40))
    draw.rectangle((int(w * 0.15), int(h * 0.66), int(w * 0.85), int(h * 0.68)), fill=KPU_RED)
    boxes(img, int(w * 0.24), int(h * 0.63), 6, 2, 80, rng)
    draw.rectangle((int(w * 0.67), int(h * 0.44), int(w * 0.8), int(h * 0.62)), fill=(60, 100, 150))
    for x in (0.62, 0.85):
        person(img, int(w * x), int(h * 0.64), 0.9, rng)
    f = fitted(draw, shot.lines[0], int(w * 0.4), 44)
    draw.text((int(w * 0.3), int(h * 0.8)), shot.lines[0], font=f, fill=(250, 250, 250))


def scene_doorstep(img, shot, rng):
    """Portrait: a house front with a door sticker and a data-update officer in a vest."""
    w, h = img.size
    draw = ImageDraw.Draw(img)
    for y in range(0, int(h * 0.8), 46):
        draw.line((0, y, w, y), fill=(150, 176, 162), width=3)
    draw.rectangle((int(w * 0.08), int(h * 0.18), int(w * 0.5), int(h * 0.8)), fill=(120, 80, 50), outline=(70, 46, 30), width=8)
    draw.rectangle((int(w * 0.14), int(h * 0.26), int(w * 0.44), int(h * 0.38)), fill=(255, 255, 255), outline=KPU_RED, width=8)
    f = fitted(draw, shot.lines[0], int(w * 0.27), 50)
    draw.text((int(w * 0.16), int(h * 0.29)), shot.lines[0], font=f, fill=KPU_RED)
    f2 = fitted(draw, "PEMILIHAN 2020", int(w * 0.2), 34)
    draw.text((int(w * 0.16), int(h * 0.335)), "PEMILIHAN 2020", font=f2, fill=(40, 40, 40))
    floor(img, int(h * 0.8), (130, 120, 104))
    person(img, int(w * 0.68), int(h * 0.82), 2.4, rng, mask=False)
    draw.rectangle((int(w * 0.52), int(h * 0.62), int(w * 0.84), int(h * 0.72)), fill=(250, 250, 248), outline=(80, 80, 80), width=3)
    for i in range(5):
        y = int(h * (0.635 + i * 0.016))
        draw.line((int(w * 0.54), y, int(w * 0.82), y), fill=(150, 150, 160), width=3)


SCENES = {name[6:]: fn for name, fn in globals().items() if name.startswith("scene_")}


def draw_shot(shot: Shot) -> Image.Image:
    rng = random.Random(zlib.crc32(shot.path.encode()))
    img = gradient(shot.size, *shot.wall)
    SCENES[shot.scene](img, shot, rng)
    img = img.filter(ImageFilter.GaussianBlur(1.1))
    w, h = img.size
    vignette = Image.radial_gradient("L").resize((w, h))
    vignette = vignette.point(lambda v: max(0, v - 150))
    return Image.composite(Image.new("RGB", (w, h), (20, 20, 20)), img, vignette)


def exif_sideways_with_gps() -> Image.Exif:
    """Orientation 6 (rotate 90° clockwise to view) plus made-up camera and GPS tags near Tanjung Selor."""
    exif = Image.Exif()
    exif[0x010F] = "Contoh"               # Make
    exif[0x0110] = "Kamera Humas"         # Model
    exif[0x0112] = 6                      # Orientation
    exif[0x0132] = "2020:07:15 10:24:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (2.0, 50.0, 30.0)
    gps[3] = "E"
    gps[4] = (117.0, 22.0, 12.0)
    return exif


def save(shot: Shot) -> Path:
    target = POSTS / shot.path
    target.parent.mkdir(parents=True, exist_ok=True)
    img = draw_shot(shot)
    options = {"quality": QUALITY, "optimize": True}
    if shot.sideways_gps:
        img = img.transpose(Image.Transpose.ROTATE_90)   # stored sideways; orientation 6 turns it upright
        options["exif"] = exif_sideways_with_gps()
    img.save(target, "JPEG", **options)
    return target


def main() -> None:
    for shot in SHOTS:
        path = save(shot)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
