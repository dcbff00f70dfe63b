"""The staff guide's pictures (docs/gambar/), taken from the project itself: `make screenshots`.

Copies the sample site (config.yaml and content/) to a scratch folder, starts the real preview server on it
(`python -m generator serve --port 0`), and photographs it in Debian's Chromium with Playwright at a desktop and a
phone width: the home page, a post, its gallery with the lightbox open, search results, the error box for a broken
front matter line, and the warnings bar; and the staff desk (Meja Redaksi, /_redaksi/): its list, the form with a
post's photos and captions, the live preview, the publish page after publishing to a scratch folder, and the
settings page (Pengaturan situs). Each picture is reduced to a 256-colour PNG so that it stays small enough
to keep in git (at most MAX_BYTES). Run it again after a theme change to refresh them.

    python scripts/screenshots.py [--out docs/gambar] [--only NAME ...] [--cache .cache]

--cache copies a build cache of the sample site (its .cache folder, taken under the site's build lock) into the
scratch copy, so that the preview's first build reuses its photos instead of making them again; the pictures are the
same (the test suite passes the one its builds of the sample site keep).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:       # run as `python scripts/screenshots.py`: the generator's build lock (--cache)
    sys.path.insert(0, str(ROOT))
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
MAX_BYTES = 150_000
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "ponsel": {"width": 390, "height": 780}}
POST = "2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/"
POST_SOURCE = "content/posts/2019/rapat-koordinasi-sosialisasi-pemilihan-2020/index.md"
DESK_EDIT = "_redaksi/ubah/" + POST_SOURCE
PUBLISH_TARGET = "\n# Tujuan terbit untuk gambar halaman Terbitkan: folder di samping situs contoh.\npublish:\n  kantor:\n" \
                 "    type: folder\n    path: {path}\n"
SITE_SHOTS = ("beranda", "berita", "galeri", "cari", "galat", "peringatan", "informasi-publik")
DESK_SHOTS = ("redaksi-daftar", "redaksi-formulir", "redaksi-pratinjau", "redaksi-terbit", "redaksi-pengaturan")
SHOTS = SITE_SHOTS + DESK_SHOTS     # the pictures, each at both widths


# A site page is ready for its picture once its fonts are loaded and every photo it has begun to load is drawn.
SETTLED = ("document.fonts.status === 'loaded' && "
           "Array.from(document.images).every(image => image.loading === 'lazy' && !image.currentSrc || image.complete)")


def names() -> list[str]:
    """Every file the script makes: NAME-WIDTH.png."""
    return [f"{shot}-{width}.png" for shot in SHOTS for width in WIDTHS]


class Preview:
    """The real preview server on a scratch copy of the sample site, for as long as the `with` lasts."""

    def __init__(self, scratch: Path, cache: Path | None = None):
        self.site = scratch / "situs"
        shutil.copytree(ROOT / "content", self.site / "content")
        if cache is not None:
            from generator.core import lock

            with lock.held(cache):       # not while a build of its site writes it
                shutil.copytree(cache, self.site / ".cache", symlinks=True)
        shutil.copy2(ROOT / "config.yaml", self.site / "config.yaml")
        with open(self.site / "config.yaml", "a", encoding="utf-8") as config:
            config.write(PUBLISH_TARGET.format(path=(scratch / "terbit").as_posix()))
        self.process: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> "Preview":
        self.process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(self.site),
                                         "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        deadline = time.monotonic() + 180
        for line in self.process.stdout:
            found = re.search(r"Situs tampil di (http://\S+)", line)
            if found:
                self.url = found.group(1)
                break
            if time.monotonic() > deadline:
                break
        if not self.url:
            self.process.kill()
            raise SystemExit("Pratinjau tidak mulai; jalankan `make serve` untuk melihat pesannya.")
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def edit(self, rel: str, change) -> str:
        """Change a source file of the scratch site (change: old text -> new text); return the old text."""
        path = self.site / rel
        old = path.read_text(encoding="utf-8")
        path.write_text(change(old), encoding="utf-8")
        return old


def save(png: bytes, target: Path) -> int:
    """Write a screenshot as a palette PNG (far smaller, and sharp for interface pictures); return its size."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, "PNG", optimize=True)
    data = buffer.getvalue()
    if len(data) > MAX_BYTES:   # a busy picture: fewer colours
        buffer = io.BytesIO()
        image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(buffer, "PNG",
                                                                                                 optimize=True)
        data = buffer.getvalue()
    target.write_bytes(data)
    return len(data)


def goto(page, url: str) -> None:
    """Open url; a load cut short because the preview reloaded the tab after a rebuild is tried again."""
    for attempt in range(5):
        try:
            page.goto(url)
            return
        except Exception as err:      # playwright's Error: net::ERR_ABORTED while a live reload replaced the page
            if "ERR_ABORTED" not in str(err) or attempt == 4:
                raise
            page.wait_for_timeout(500)


def settle(preview: Preview, page, text: str, shown: str) -> None:
    """Put the post back as it was and wait until the preview has rebuilt it (the box or bar is gone)."""
    preview.edit(POST_SOURCE, lambda _text: text)
    page.wait_for_selector(shown, state="detached", timeout=30_000)


def wait_for_preview(page) -> None:
    """Wait until the desk's live preview has been drawn (its status line no longer says it is coming)."""
    status = page.locator("#pratinjau-keadaan")
    for _ in range(100):     # the desk's content policy forbids wait_for_function's eval: ask from here
        if not re.search(r"muncul|Memperbarui", status.inner_text()):
            page.wait_for_timeout(300)
            return
        page.wait_for_timeout(300)
    raise SystemExit("Pratinjau di Meja Redaksi tidak muncul dalam 30 detik.")


def rebuilt(page, url: str, before: str) -> None:
    """Wait until the preview serves url changed from `before` (its rebuild of an edit is done)."""
    for _ in range(300):
        if page.request.get(url).text() != before:
            return
        page.wait_for_timeout(100)
    raise SystemExit("Pratinjau tidak membangun ulang perubahan dalam 30 detik.")


def publish(page) -> None:
    """Press the publish page's button and wait until the desk says it is done."""
    page.get_by_role("button", name="Terbitkan ke situs").click()
    page.wait_for_selector("[data-lines] .done", state="detached", timeout=30_000)   # an earlier run's "Selesai" goes
    page.wait_for_selector("[data-lines] .done", timeout=120_000)


def take_desk(preview: Preview, page, shot: str) -> None:
    """Bring a fresh tab to what desk picture `shot` shows (a fresh tab each time: a typed form asks before leaving)."""
    base = preview.url
    if shot == "redaksi-daftar":
        goto(page, base + "_redaksi/")
    elif shot == "redaksi-pengaturan":
        goto(page, base + "_redaksi/pengaturan")
    elif shot in ("redaksi-formulir", "redaksi-pratinjau"):
        goto(page, base + DESK_EDIT)
        wait_for_preview(page)
        if shot == "redaksi-formulir":
            page.locator("#daftar-foto").scroll_into_view_if_needed()
            page.locator("#foto-baru").evaluate("field => field.closest('fieldset').scrollIntoView()")
        elif page.locator("[data-tabs]").is_visible():      # a phone: the preview is a tab
            page.get_by_role("button", name="Pratinjau", exact=True).click()
    elif shot == "redaksi-terbit":
        goto(page, base + "_redaksi/terbit")
        if page.get_by_text("belum pernah diterbitkan").count():    # a first publish, so the picture shows a later one
            publish(page)
        before = page.request.get(base + POST).text()
        preview.edit(POST_SOURCE, lambda text: re.sub(r"\nviews: (\d+)", lambda m: f"\nviews: {int(m[1]) + 1}", text))
        rebuilt(page, base + POST, before)     # the preview's own rebuild of that change ends first
        goto(page, base + "_redaksi/terbit")     # "Berubah sejak itu" now names the post
        publish(page)
    page.wait_for_timeout(600)   # the preview frame's photos and fonts settle


def take(preview: Preview, page, shot: str):
    """Bring the page to what picture `shot` shows; return what undoes it after the picture, if anything."""
    base = preview.url
    if shot == "beranda":
        goto(page, base)
    elif shot == "berita":
        goto(page, base + POST)
        page.locator("article h1, main h1").first.scroll_into_view_if_needed()
    elif shot == "galeri":
        goto(page, base + POST)
        page.locator(".gallery a[data-full]").first.click()
        page.wait_for_function("document.querySelector('.lightbox img') && "
                               "document.querySelector('.lightbox img').naturalWidth > 0")
    elif shot == "cari":
        goto(page, base + "cari/?q=pemilih")
        page.wait_for_selector("[data-results] li", timeout=20_000)
    elif shot == "informasi-publik":
        goto(page, base + "informasi-publik/")
    elif shot == "galat":
        goto(page, base + POST)
        old = preview.edit(POST_SOURCE, lambda text: text.replace("\ncategory:", "\n\tcategory:", 1))
        page.wait_for_selector("#kpu-build-error", timeout=30_000)
        return lambda: settle(preview, page, old, "#kpu-build-error")
    elif shot == "peringatan":
        goto(page, base + POST)
        old = preview.edit(POST_SOURCE, lambda text: text.replace("\ncategory:", "\nlokasi: Aula KPU\ncategory:", 1))
        page.wait_for_selector("#kpu-build-warnings", timeout=30_000)
        page.wait_for_timeout(300)
        return lambda: settle(preview, page, old, "#kpu-build-warnings")
    page.wait_for_function(SETTLED)     # fonts and the photos in view are drawn
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ambil gambar layar untuk panduan (docs/gambar/).")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "gambar", help="folder gambar (bawaan: docs/gambar)")
    parser.add_argument("--only", action="append", choices=SHOTS, help="hanya gambar ini (boleh diulang)")
    parser.add_argument("--cache", type=Path, help="salin cache build situs contoh ini (foldernya .cache) agar foto "
                                                   "tidak diolah ulang")
    args = parser.parse_args(argv)
    if args.cache is not None and not args.cache.is_dir():
        parser.error(f"--cache {args.cache}: folder ini tidak ada; beri folder .cache situs contoh yang sudah dibangun")
    if not CHROMIUM.exists():
        print(f"Chromium tidak ada di {CHROMIUM}; jalankan `make browser` dulu.", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kpu-gambar-") as scratch, Preview(Path(scratch), args.cache) as preview, \
            sync_playwright() as runner:
        browser = runner.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for width, viewport in WIDTHS.items():
                context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="id-ID",
                                              is_mobile=width == "ponsel", has_touch=width == "ponsel")
                page = context.new_page()
                for shot in args.only or SHOTS:
                    if shot in DESK_SHOTS:
                        tab = context.new_page()
                        take_desk(preview, tab, shot)
                        size = save(tab.screenshot(), args.out / f"{shot}-{width}.png")
                        tab.close()
                    else:
                        undo = take(preview, page, shot)
                        size = save(page.screenshot(), args.out / f"{shot}-{width}.png")
                        if undo:
                            undo()
                    print(f"{shot}-{width}.png  {size // 1024} KB")
                context.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
