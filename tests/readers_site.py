"""What the readers' checks run on: a generated test site and the repository's sample site, built once, served over HTTP."""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.server
import shutil
import sys
import tempfile
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.browser import CHROMIUM, CHROMIUM_ARGS, require, require_browser  # noqa: F401
from tests.browser import chromium as browser  # noqa: F401
from tests.conftest import (  # noqa: F401  (NOW: the fixture site is built as of this moment)
    DESKTOP,
    NOW,
    PHONE,
    ROOT,
    config_text,
    make_video,
)

NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

SITE_NAMES = ["fixture", "sample"]
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}     # the readers' checks run at both

CONFIG = config_text("https://contoh.kpu.go.id/", title="KPU Kabupaten Contoh", extra="""\
      tagline: Komisi Pemilihan Umum Kabupaten Contoh
      description: Berita, pengumuman dan galeri kegiatan KPU Kabupaten Contoh.
      author: Humas KPU Kabupaten Contoh
    listing:
      per_page: 3
    contact:
      address: Jl. Pemilu No. 1, Kabupaten Contoh
      phone: (0552) 123 456
      email: humas@contoh.kpu.go.id
    social:
      - name: Facebook
        url: https://www.facebook.com/kpucontoh
    services:
      - {title: PPID, url: "https://ppid.kpu.go.id/", description: Permohonan informasi publik}
      - {title: JDIH, url: "https://jdih.kpu.go.id/", description: Peraturan dan keputusan KPU}
      - {title: Pengaduan, url: /kontak/}
    """)

BUNDLE = """\
---
title: Rapat Koordinasi Persiapan Pemilihan Serentak 2020
date: 2019-11-08T09:30:00
category: Berita
tags: [Pemilihan 2020, Koordinasi]
views: 117
event:
  start: 2019-11-07
  end: 2019-11-08
  place: Aula KPU Kabupaten Contoh
gallery:
  - file: pembukaan.jpg
    caption: Ketua KPU membuka rapat koordinasi.
  - file: peserta.jpg
    caption: Peserta rapat dari seluruh PPK.
    alt: Puluhan peserta duduk di aula mendengarkan paparan
  - file: diskusi.jpg
    caption: Diskusi kelompok tentang pemutakhiran data pemilih.
attachments:
  - file: undangan.pdf
    title: Undangan Rapat Koordinasi
  - file: rekaman-pembukaan.mp4
    title: Rekaman pembukaan rapat
---

KPU Kabupaten Contoh menggelar rapat koordinasi bersama seluruh Panitia Pemilihan Kecamatan (PPK)
untuk mempersiapkan tahapan Pemilihan Serentak 2020.

## Pemutakhiran data pemilih

Para peserta berkoordinasi tentang pemutakhiran data pemilih dan jadwal pencocokan dan penelitian.

![Ketua KPU membuka rapat](pembukaan.jpg)

| Tahapan | Waktu |
|---|---|
| Pencocokan dan penelitian | Januari 2020 |
| Rekapitulasi | Maret 2020 |

> "Data pemilih yang akurat adalah dasar pemilihan yang jujur," kata ketua KPU.

Rekaman rapat koordinasi:
https://www.youtube.com/live/dQw4w9WgXcQ?t=95
"""

POSTS = {
    "content/posts/2019/pengumuman-seleksi-ppk.md": """\
---
title: Pengumuman Hasil Seleksi Administrasi Calon Anggota PPK
date: 2019-12-02T14:00:00
category: Pengumuman
tags: [PPK, Seleksi]
views: 54
---

Berikut hasil seleksi administrasi calon anggota Panitia Pemilihan Kecamatan. Peserta yang lulus
mengikuti tes tertulis pada pekan berikutnya.

- Bawa kartu tanda penduduk.
- Datang tiga puluh menit sebelum tes dimulai.
""",
    "content/posts/2020/sosialisasi-pemilih-pemula.md": """\
---
title: Sosialisasi Pendidikan Pemilih untuk Pemilih Pemula
date: 2020-01-15
category: Sosialisasi
tags: [Pemilih Pemula, Sosialisasi]
summary: KPU Kabupaten Contoh menyapa pelajar SMA dalam sosialisasi pendidikan pemilih.
---

Pelajar sekolah menengah atas diajak memahami hak pilih mereka. Sosialisasi ini menjangkau
tiga sekolah di ibu kota kabupaten.

## Materi sosialisasi

Materi meliputi tata cara mencoblos dan cara memeriksa nama di daftar pemilih tetap.
""",
    "content/posts/2020/rapat-pleno-dpt.md": """\
---
title: Rapat Pleno Terbuka Penetapan Daftar Pemilih Tetap
date: 2020-03-10T10:00:00
category: Berita
tags: [Koordinasi, Daftar Pemilih]
---

KPU Kabupaten Contoh menetapkan daftar pemilih tetap dalam rapat pleno terbuka yang dihadiri
Bawaslu dan perwakilan partai politik.
""",
    "content/posts/2020/bimbingan-teknis-kpps.md": """\
---
title: Bimbingan Teknis untuk Kelompok Penyelenggara Pemungutan Suara
date: 2020-04-20T08:00:00
category: Berita
tags: [KPPS]
---

Bimbingan teknis membekali anggota KPPS dengan tata cara pemungutan dan penghitungan suara.

<table>
<caption>Jadwal bimbingan teknis per kecamatan</caption>
<thead><tr><th>No</th><th>Kecamatan</th><th>Tanggal</th><th>Tempat</th><th>Peserta KPPS</th><th>Peserta PPS</th><th>Narasumber</th><th>Materi</th><th>Keterangan</th></tr></thead>
<tbody>
<tr><td>1</td><td>Tanjung Selor</td><td>20 April 2020</td><td>Aula Kantor Kecamatan Tanjung Selor</td><td>245</td><td>36</td><td>Ketua KPU Kabupaten Contoh</td><td>Pemungutan dan penghitungan suara di TPS</td><td>Membawa surat tugas dari PPS</td></tr>
<tr><td>2</td><td>Tanjung Palas</td><td>21 April 2020</td><td>Gedung Serbaguna Tanjung Palas</td><td>198</td><td>30</td><td>Anggota KPU Divisi Teknis</td><td>Pengisian formulir model C hasil</td><td>Peserta membawa alat tulis sendiri</td></tr>
</tbody>
</table>
""",
    "content/pages/profil.md": """\
---
title: Profil
menu: 1
---

KPU Kabupaten Contoh adalah penyelenggara pemilihan umum di tingkat kabupaten.

## Visi

Menjadi penyelenggara pemilu yang mandiri, jujur dan adil.
""",
    "content/pages/kontak.md": """\
---
title: Kontak
menu: 2
---

Hubungi kami di kantor KPU Kabupaten Contoh pada jam kerja.
""",
}

PHOTOS = {"pembukaan.jpg": (180, 40, 40), "peserta.jpg": (40, 90, 160), "diskusi.jpg": (60, 130, 70)}


def make_photo(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (1600, 1067)) -> None:
    """A real JPEG photo made with Pillow: a coloured field with shapes, so it compresses like a photo would."""
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for i in range(12):
        shade = tuple(min(255, c + 12 * i) for c in color)
        draw.ellipse([i * 110, i * 60, i * 110 + 400, i * 60 + 300], fill=shade)
    image.save(path, "JPEG", quality=85)


def write_fixture_site(root: Path) -> Path:
    """The test site: a photo bundle with three captioned photos, single-file posts, pages, several terms."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    bundle = root / "content/posts/2019/rapat-koordinasi-pemilihan-2020"
    bundle.mkdir(parents=True)
    (bundle / "index.md").write_text(BUNDLE, encoding="utf-8")
    for name, color in PHOTOS.items():
        make_photo(bundle / name, color)
    (bundle / "undangan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (bundle / "daftar-hadir.xlsx").write_bytes(b"PK\x05\x06" + bytes(18))      # an empty ZIP, as an empty workbook
    (bundle / "rekaman-pembukaan.mp4").write_bytes(make_video(place=False))     # played on the page (preload none)
    for rel, text in POSTS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@dataclass(frozen=True)
class Built:
    name: str
    site: Path
    output: Path
    base_path: str
    result: object


_scratch = Path(tempfile.mkdtemp(prefix="kpu-readers-"))
atexit.register(shutil.rmtree, _scratch, True)


@functools.cache
def built(name: str) -> Built:
    """Build one of the sites once per test session; skips the sample site while the repository has none."""
    from generator.build import Options, build
    from generator.core.report import BuildFailed, Problems
    from generator.model.config import load

    if name == "fixture":
        site = write_fixture_site(_scratch / "fixture")
        options = Options(site, _scratch / "fixture-output", now=NOW, workers=1)
    else:
        if not (ROOT / "config.yaml").is_file() or not (ROOT / "content").is_dir():
            pytest.skip("situs contoh (config.yaml + content/ di akar repositori) belum ada")
        site = ROOT
        options = Options(site, _scratch / "sample-output", workers=1)
    try:
        result = build(options)
    except BuildFailed as failed:
        pytest.fail(f"situs {name} gagal dibangun:\n" + "\n".join(str(p) for p in failed.problems), pytrace=False)
    config = load(site / "config.yaml", Problems())
    return Built(name, site, options.output, config.base_path, result)


def host_headers(output: Path) -> dict[str, str]:
    """The headers the site's `_headers` file gives every file (its first block, `/*`), as a host would send them."""
    headers, lines = {}, (output / "_headers").read_text(encoding="utf-8").splitlines() if (output / "_headers").is_file() else []
    block = [line for line in lines if line.strip() and not line.startswith("#")]
    for line in block[1:]:
        if not line.startswith((" ", "\t")):
            break
        name, value = line.strip().split(":", 1)
        headers[name] = value.strip()
    return headers


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static host: serves the output folder under the site's base path, quietly, with the headers of the site's
    `_headers` file (so the browser tests run under the site's Content-Security-Policy)."""

    base = "/"

    def end_headers(self) -> None:
        for name, value in host_headers(Path(self.directory)).items():
            self.send_header(name, value)
        super().end_headers()

    def translate_path(self, path: str) -> str:
        if path.startswith(self.base):
            path = "/" + path[len(self.base):]
        return super().translate_path(path)

    def log_message(self, *args) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    """A static server for the browser tests: a connection the browser drops while a file is sent (a video's range
    request, a page left before its photos came) is the browser's choice, not a failure printed in the test log."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@functools.cache
def server(output: Path, base_path: str = "/") -> str:
    """Serve a built output folder on 127.0.0.1 at a free port for the rest of the session; returns its origin."""
    handler = functools.partial(type("Handler", (_Handler,), {"base": base_path}), directory=str(output))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    atexit.register(httpd.shutdown)
    return f"http://127.0.0.1:{httpd.server_address[1]}"



_models: dict = {}


def model(site: Built):
    """The site model (posts, pages, terms) the build made, for knowing which page is which."""
    from generator.build import Options, load_site
    from generator.core.report import Problems

    if site.name not in _models:
        _models[site.name] = load_site(Options(site.site, now=NOW if site.name == "fixture" else None), Problems())
    return _models[site.name]


def page_urls(site: Built) -> dict[str, str]:
    """The pages the checks visit, by kind: one of every page type the site has (home, a post with photos, its
    gallery, a category, search, the documents, the DIP, a document, the archive, page 2 of the news, 404...)."""
    found = model(site)
    with_photos = next((p for p in found.posts if p.photos), None)
    plain = next((p for p in found.posts if not p.photos), None)
    urls = {"home": "/", "category": found.categories[0].url if found.categories else None, "search": "/cari/",
            "post": (with_photos or plain).url if found.posts else None,
            "gallery": with_photos.gallery_url if with_photos else None,
            "plain_post": plain.url if plain else None,
            "page": found.pages[0].url if found.pages else None,
            "documents": "/dokumen/" if found.has_documents else None,
            "register": found.config.documents.register.url if found.has_register else None,
            "document": next((a.record.page for p in found.posts for a in p.attachments if a.record), None),
            "video_post": next((p.url for p in found.posts if "data-video=" in p.html), None),
            "wide_table": next((p.url for p in found.posts if "<caption>Jadwal bimbingan" in p.html), None),
            "tag": found.tags[0].url if found.tags else None, "archive": "/arsip/", "gallery_index": found.gallery_index,
            "older_news": "/halaman/2/" if len(found.posts) > found.config.listing.per_page else None,
            "not_found": "/404.html"}
    return {kind: url for kind, url in urls.items() if url}


def output_path(site: Built, url: str) -> Path:
    """The output file that serves a site URL ('/a/b/' -> OUTPUT/a/b/index.html)."""
    from generator.model.urls import output_file

    return site.output / output_file(url)


def html_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts)


class _AxeHandler(http.server.SimpleHTTPRequestHandler):
    """node_modules/axe-core, cacheable for an hour: the browser fetches axe.min.js once per context instead of
    receiving its 500 KB as an inline script through Playwright for every check, and V8 compiles it once per page."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


@functools.cache
def axe_url() -> str:
    """The address of axe-core's script on a loopback server of its own, started on first use for the session."""
    httpd = QuietServer(("127.0.0.1", 0), functools.partial(_AxeHandler, directory=str(AXE.parent)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    atexit.register(httpd.shutdown)
    return f"http://127.0.0.1:{httpd.server_address[1]}/{AXE.name}"


def add_axe(page) -> None:
    """Load axe-core into the page as a script from axe_url() (the page's policy is bypassed, see opened)."""
    page.add_script_tag(url=axe_url())


def axe(page) -> list[str]:
    """Run axe-core (every rule it has: WCAG 2.1 A/AA and best practices) on the page; one line per violation."""
    add_axe(page)
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    lines = []
    for v in violations:
        targets = ", ".join(str(node["target"]) for node in v["nodes"][:3])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} elemen, mis. {targets}")
    return lines


def new_context(viewport: dict, policy: bool = False):
    """A browser context at this viewport (a phone's is a touch screen). The site's Content-Security-Policy is
    bypassed unless `policy`, because axe-core is loaded from another origin (axe_url), which the policy refuses."""
    phone = viewport["width"] < 600
    return browser().new_context(viewport=viewport, is_mobile=phone, has_touch=phone, bypass_csp=not policy)


@contextlib.contextmanager
def opened(viewport: dict, policy: bool = False):
    """A fresh browser page at this viewport in a context of its own (new_context), closed after the `with`."""
    context = new_context(viewport, policy)
    try:
        yield context.new_page()
    finally:
        context.close()


class Tabs:
    """One page per viewport, kept open for the checks of a module and closed by close(). Each check opens its page
    with goto, a fresh document: the readers' pages keep nothing in cookies or storage, so what the checks share is
    only the browser's renderer (starting one is most of a short check's work). A page a check closed or crashed is
    replaced by a new one, so that one failure does not fail the checks after it."""

    def __init__(self, policy: bool = False, context=None):
        """context: how a page's context is made from its viewport (new_context with `policy` unless given)."""
        self.make = context or (lambda viewport: new_context(viewport, policy))
        self.contexts: dict[tuple[int, int], tuple[object, object]] = {}

    def page(self, viewport: dict):
        key = (viewport["width"], viewport["height"])
        if key in self.contexts and not self.usable(self.contexts[key][1]):
            self.contexts.pop(key)[0].close()
        if key not in self.contexts:
            context = self.make(viewport)
            self.contexts[key] = (context, context.new_page())
        return self.contexts[key][1]

    @staticmethod
    def usable(page) -> bool:
        """The page is open and its renderer answers."""
        from playwright.sync_api import Error

        try:
            return not page.is_closed() and page.evaluate("1") == 1
        except Error:
            return False

    def close(self) -> None:
        for context, _ in self.contexts.values():
            context.close()
        self.contexts.clear()
