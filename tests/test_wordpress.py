"""import-wordpress over the twelve real exports in shared/wxr/ and our own Indonesian fixture: import, build, check."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator import wordpress
from generator.core import atomic
from generator.wordpress import body as body_module
from generator.wordpress.media import upload_path
from generator.wordpress.wxr import read

from .conftest import MINIMAL_CONFIG, ROOT, build_site, make_photo, run_cli, snapshot

pytestmark = pytest.mark.slow

SHARED = ROOT.parent / "shared" / "wxr"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/wxr")
EXPORTS = sorted(p.name for p in SHARED.glob("*.xml"))
FIXTURE = ROOT / "tests" / "wordpress" / "kpu-kaltara.xml"
ZONE = __import__("zoneinfo").ZoneInfo("Asia/Makassar")
PHOTO = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


@dataclass
class Imported:
    site: Path
    export: Path
    code: int
    report: str
    errors: str
    uploads: Path | None = None


def run_import(site: Path, export: Path, uploads: Path | None = None, **options) -> Imported:
    out, err = io.StringIO(), io.StringIO()
    code = wordpress.run(wordpress.Options(export, site, uploads, **options), out=out, err=err)
    return Imported(site, export, code, out.getvalue(), err.getvalue())


def new_site(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    return folder


def uploads_for(export: Path, folder: Path) -> Path:
    """An uploads folder as a host's backup holds it: every attachment and every file the bodies show (their
    originals, without WordPress's -300x200 copies), as small real photos or bytes for other files."""
    items = read(export, ZONE).items
    files = [(i.first_meta("_wp_attached_file") or "").strip() or upload_path(i.attachment_url or i.guid)
             for i in items if i.post_type == "attachment"]
    for item in items:
        files += [re.sub(r"-\d+x\d+(\.\w+)$", r"\1", upload_path(html.unescape(url)))
                  for url in re.findall(r'(?:src|href)="([^"]+)"', item.content)]
    for number, rel in enumerate(dict.fromkeys(files)):
        if not rel or ".." in rel:
            continue
        target = folder / rel
        if Path(rel).suffix.lower() in PHOTO and not target.exists():
            make_photo(target.with_suffix(".jpg") if Path(rel).suffix.lower() != ".jpg" else target,
                       color=(number * 37 % 255, 90, 140))
            if target.suffix.lower() != ".jpg":
                target.with_suffix(".jpg").rename(target)
        elif not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"%PDF-1.4\n%%EOF\n")
    folder.mkdir(exist_ok=True)
    return folder


def front_matters(site: Path) -> dict[str, dict]:
    found = {}
    for index in sorted((site / "content").rglob("index.md")):
        text = index.read_text(encoding="utf-8")
        found[index.parent.relative_to(site).as_posix()] = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
    return found


def squeeze(text: str) -> str:
    """Letters and digits only, lower case: compares text across typography (quotes, dashes) and markup."""
    return re.sub(r"\W+", "", html.unescape(re.sub(r"<[^>]+>", " ", text)), flags=re.UNICODE).lower()


def pages_by_title(output: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for page in output.rglob("index.html"):
        match = re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        if match:
            found.setdefault(html.unescape(match.group(1)).strip(), []).append(page)
    return found


@pytest.fixture(scope="module", params=EXPORTS)
def imported(request, tmp_path_factory) -> Imported:
    """Each shared export imported (with an uploads folder made from its attachments) and built once."""
    root = tmp_path_factory.mktemp(request.param.replace(".", "-"))
    export = SHARED / request.param
    result = run_import(new_site(root / "site"), export, uploads_for(export, root / "uploads"))
    result.uploads = root / "uploads"
    assert result.code == 0, result.errors
    build_site(result.site, drafts=True, future=True, search=False)
    return result


def test_counts_by_status(imported):
    items = [i for i in read(imported.export, ZONE).items
             if i.post_type in ("post", "page") and i.status not in ("trash", "auto-draft", "inherit")]
    fronts = front_matters(imported.site)
    drafts = [f for f in fronts.values() if f.get("draft")]
    hidden = [i for i in items if i.status in ("draft", "pending", "private") or i.password]
    assert len(fronts) == len(items)
    assert len(drafts) == len(hidden)
    for kind in ("post", "page"):
        assert sum(1 for k in fronts if k.startswith(f"content/{kind}s/")) == sum(1 for i in items if i.post_type == kind)
    for front in fronts.values():              # entities decoded once: 'Media &amp; Text' is 'Media & Text'
        for text in [front["title"], front.get("category", ""), *(front.get("tags") or [])]:
            assert not re.search(r"&(amp|lt|gt|quot|#\d+);", text), text
    for (kind, status), count in {(i.post_type, i.status): 0 for i in read(imported.export, ZONE).items}.items():
        assert re.search(rf"^\s+{re.escape(kind)}\s+{re.escape(status)}\s+\d+", imported.report, re.M), (kind, status)


def test_old_addresses_lead_to_the_right_title(imported):
    output = imported.site / "output"
    checked = 0
    for folder, front in front_matters(imported.site).items():
        for alias in front.get("aliases") or []:
            redirect = output / alias.lstrip("/")
            redirect = redirect / "index.html" if alias.endswith("/") else redirect
            target = re.search(r'url=([^"]+)"', redirect.read_text(encoding="utf-8")).group(1)
            page = (output / html.unescape(target).lstrip("/") / "index.html").read_text(encoding="utf-8")
            assert html.unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)) == front["title"]
            checked += 1
    links = [i.link for i in read(imported.export, ZONE).items if i.post_type in ("post", "page") and i.link]
    assert checked or all("?" in link or link.rstrip("/").count("/") <= 2 for link in links) or not links


def test_captions_and_gallery_captions_are_on_the_pages(imported):
    text = squeeze(" ".join(p.read_text(encoding="utf-8") for p in (imported.site / "output").rglob("index.html")))
    expected = []
    for item in read(imported.export, ZONE).items:
        if item.post_type not in ("post", "page") or item.status in ("trash", "auto-draft"):
            continue
        for match in re.finditer(r"\[caption([^\]]*)\](.*?)\[/caption\]", item.content, re.S):
            caption = body_module.attributes(match.group(1)).get("caption") or re.sub(r"<img[^>]*>", "", match.group(2))
            expected.append(caption)
        expected += re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", item.content, re.S)
    for front in front_matters(imported.site).values():
        expected += [g["caption"] for g in front.get("gallery") or [] if g.get("caption")]
    missing = [c for c in expected if squeeze(c)[:40] and squeeze(c)[:40] not in text]
    assert not missing


def test_no_shortcode_or_block_comment_is_left(imported):
    for page in (imported.site / "output").rglob("*.html"):
        page_text = page.read_text(encoding="utf-8")
        visible = re.sub(r"<(pre|code)\b.*?</\1>", "", page_text, flags=re.S)
        assert "<!-- wp:" not in page_text and "<!-- /wp:" not in page_text, page
        assert not body_module.SHORTCODE.search(visible), (page, body_module.SHORTCODE.search(visible).group(0))


def test_paragraphs_are_kept(imported):
    titles = pages_by_title(imported.site / "output")
    checked = 0
    for item in read(imported.export, ZONE).items:
        if item.post_type not in ("post", "page") or "<!-- wp:" in item.content or item.title not in titles:
            continue
        text = re.sub(r"<pre\b.*?</pre>", "<pre>", item.content.replace("\r", ""), flags=re.S)   # kept as typed
        chunks = [c.strip() for c in re.split(r"\n\s*\n", text)]
        plain = [squeeze(c)[:30] for c in chunks if c and not re.search(r"[<\[]", c) and len(squeeze(c)) >= 30]
        if len(plain) < 2:
            continue
        paragraphs = [squeeze(p) for page in titles[item.title]
                      for p in re.findall(r"<p>(.*?)</p>", page.read_text(encoding="utf-8"), re.S)]
        for chunk in plain:              # every blank-line paragraph of the source starts a paragraph of the page
            assert any(p.startswith(chunk) for p in paragraphs), (item.title, chunk)
        checked += 1
    assert checked or imported.export.name not in ("theme-unit-test.xml", "pelican-wordpressexport.xml")


def test_documents_are_listed_under_their_posts(imported):
    """Every document the import copied is in its post's 'attachments:', listed on the page under "Lampiran" with its
    title, type and size, and on /dokumen/ (posts only)."""
    from generator.model.documents import kind_of

    output = imported.site / "output"
    titles = pages_by_title(output)
    documents = (output / "dokumen" / "index.html").read_text(encoding="utf-8") if (output / "dokumen").is_dir() else ""
    for folder, front in front_matters(imported.site).items():
        files = [p.name for p in (imported.site / folder).iterdir() if p.is_file() and p.name != "index.md"]
        documents_copied = [n for n in files if body_module.is_document(n)]
        listed = [a["file"] for a in front.get("attachments") or []]
        assert sorted(listed) == sorted(documents_copied), folder
        if not listed or front.get("draft"):
            continue
        page = next(p for p in titles[front["title"]] if not p.read_text(encoding="utf-8").startswith("<!doctype html>\n"
                                                                                                      "<meta http"))
        lines = attachment_lines(page.read_text(encoding="utf-8"))
        assert [html.unescape(t) for _href, t, _kind in lines] == [a.get("title") or a["file"] for a in front["attachments"]]
        assert all(k.startswith(kind_of(a["file"]) + ", ") and k.endswith("B") for (_h, _t, k), a in
                   zip(lines, front["attachments"]))
        if folder.startswith("content/posts/"):
            assert all(squeeze(a.get("title") or a["file"]) in squeeze(documents) for a in front["attachments"])


def test_second_run_changes_nothing(imported):
    before = snapshot(imported.site / "content")
    state = (imported.site / ".cache" / "wordpress-import.json").read_bytes()
    again = run_import(imported.site, imported.export, imported.uploads)
    assert again.code == 0, again.errors
    assert snapshot(imported.site / "content") == before
    assert (imported.site / ".cache" / "wordpress-import.json").read_bytes() == state
    assert re.search(r": 0 baru, 0 diperbarui, \d+ tidak berubah", again.report)
    assert re.search(r": 0 disalin", again.report)


# --- our own Indonesian fixture: what none of the shared exports has ---

KPU_UPLOADS = ["2019/11/pembukaan.jpg", "2019/11/pembukaan-1024x683.jpg", "2019/11/peserta.jpg",
               "2019/11/peserta-1024x683.jpg", "2019/11/narasumber.jpg", "2020/02/bimtek-kpps-1.jpg",
               "2020/02/bimtek-kpps-2.jpg", "2019/12/pleno.jpg", "2019/12/pleno-1024x683.jpg",
               "2019/12/penyerahan-piagam-é.jpg", "2019/12/penyerahan-piagam-é-1024x683.jpg",
               "2019/12/peserta-pleno.jpg", "2019/12/peserta-pleno-1024x683.jpg"]
KPU_FILES = ["2019/11/surat-edaran-sosialisasi.pdf", "2019/12/berita-acara-dpb.pdf"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
RAKOR = "content/posts/2019/rapat-koordinasi-sosialisasi-pemilihan-2020"
PLENO = "content/posts/2019/pleno-terbuka-rekapitulasi-dpb"


def kpu_uploads(folder: Path) -> Path:
    for number, rel in enumerate(KPU_UPLOADS):
        # WordPress's resized copies are smaller than their originals: the import must take the originals
        make_photo(folder / rel, size=(32, 24) if "1024x683" in rel else (96, 64), color=(40 + number * 15, 90, 140))
    for rel in KPU_FILES:
        (folder / rel).write_bytes(PDF)
    return folder


@pytest.fixture(scope="module")
def kpu(tmp_path_factory) -> Imported:
    root = tmp_path_factory.mktemp("kpu")
    result = run_import(new_site(root / "site"), FIXTURE, kpu_uploads(root / "uploads"))
    result.uploads = root / "uploads"
    assert result.code == 0, result.errors
    build_site(result.site, drafts=True, future=True, search=False)
    return result


def test_kpu_front_matter(kpu):
    fronts = front_matters(kpu.site)
    rakor = fronts[RAKOR]
    assert rakor["title"] == "Rapat Koordinasi Sosialisasi Pemilihan 2020"
    assert rakor["date"] == "2019-11-08 11:30"          # 03:30 UTC in the site's zone (WITA)
    assert rakor["category"] == "Kegiatan"               # 'Uncategorized' left to the site's default
    assert rakor["tags"] == ["sosialisasi", "Pemilihan 2020 & Pilkada"]
    assert rakor["author"] == "Humas KPU Kaltara" and rakor["views"] == 117
    assert rakor["summary"] == "Rapat koordinasi sosialisasi & persiapan Pemilihan 2020."
    assert rakor["cover"] == "peserta.jpg"
    assert [g["file"] for g in rakor["gallery"]] == ["pembukaan.jpg", "peserta.jpg", "narasumber.jpg"]
    assert rakor["gallery"][1] == {"file": "peserta.jpg", "caption": "Peserta rapat koordinasi dari KPU kabupaten/kota",
                                   "alt": "Peserta duduk di ruang rapat"}
    assert rakor["aliases"] == ["/2019/11/08/rakor-sosialisasi/"]
    assert rakor["comments"] == [{"author": "Budi Santoso", "date": "2019-11-09 08:15",
                                  "text": "Terima kasih informasinya, semoga sukses Pemilihan 2020."}]
    pleno = fronts[PLENO]
    assert pleno["views"] == 2345 and "draft" not in pleno
    assert [g["file"] for g in pleno["gallery"]] == ["pleno.jpg", "penyerahan-piagam-é.jpg", "peserta-pleno.jpg"]
    draft = fronts["content/posts/2020/bimbingan-teknis-kpps"]       # no date: when the export was made
    assert draft["draft"] is True and draft["date"] == "2020-03-02 11:00" and "views" not in draft
    assert [g["caption"] for g in draft["gallery"]] == ["Peserta bimtek KPPS mencoba formulir", "Simulasi pemungutan suara"]
    scheduled = fronts["content/posts/2030/pengumuman-hasil-seleksi-ppk"]
    assert scheduled["date"] == "2030-01-15 08:00" and "draft" not in scheduled
    child = fronts["content/pages/profil/struktur-organisasi"]
    assert child["aliases"] == ["/profil/struktur-organisasi/"]


def test_kpu_files_are_the_originals(kpu):
    from PIL import Image

    rakor = sorted(p.name for p in (kpu.site / RAKOR).iterdir())
    assert rakor == ["index.md", "narasumber.jpg", "pembukaan.jpg", "peserta.jpg", "surat-edaran-sosialisasi.pdf"]
    assert Image.open(kpu.site / RAKOR / "pembukaan.jpg").size == (96, 64)
    assert (kpu.site / PLENO / "penyerahan-piagam-é.jpg").is_file()
    body = (kpu.site / RAKOR / "index.md").read_text(encoding="utf-8")
    assert '![Pembukaan rapat](pembukaan.jpg "Kegiatan dibuka oleh Ketua KPU Provinsi Kalimantan Utara")' in body
    assert "[Surat Edaran Sosialisasi](surat-edaran-sosialisasi.pdf)" in body
    assert "[hasil pleno DPB](/2019/12/20/pleno-terbuka-rekapitulasi-dpb/)" in body       # was ?p=124
    assert "\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n" in body                   # a video alone on its line
    assert "1024x683" not in body and "wp-content" not in body
    pleno = (kpu.site / PLENO / "index.md").read_text(encoding="utf-8")
    assert "berita-acara-dpb.pdf" not in pleno.split("\n---\n", 1)[1]    # the file block: only in 'attachments:'
    assert "\n\n[Siaran langsung rapat pleno](https://www.youtube.com/watch?v=aqz-KE-bpKQ)\n" in pleno   # its caption


def test_kpu_documents_become_attachments(kpu):
    fronts = front_matters(kpu.site)
    # a link inside a sentence stays in the text as well; its title is WordPress's attachment title
    assert fronts[RAKOR]["attachments"] == [{"file": "surat-edaran-sosialisasi.pdf", "title": "Surat Edaran Sosialisasi"}]
    # a file block is the attachment alone, titled with the text the author gave it (not 'Berita acara')
    assert fronts[PLENO]["attachments"] == [{"file": "berita-acara-dpb.pdf", "title": "Berita Acara Rekapitulasi DPB"}]


def attachment_lines(page: str) -> list[tuple[str, str, str]]:
    """(href, title, 'TYPE, size') of each line of a page's "Lampiran"."""
    section = page.split('<section class="attachments"', 1)[-1].split("</section>", 1)[0] if "attachments" in page else ""
    return re.findall(r'<li><a href="([^"]+)">(.*?)</a> <small>\((.*?)\)</small></li>', section)


def test_kpu_attachments_are_listed_under_their_posts_and_on_the_documents_page(kpu):
    from generator.model.documents import size_label

    output = kpu.site / "output"
    size = size_label(len(PDF))
    rakor = (output / "2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/index.html").read_text(encoding="utf-8")
    assert attachment_lines(rakor) == [("/2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/surat-edaran-sosialisasi"
                                        ".pdf", "Surat Edaran Sosialisasi", f"PDF, {size}")]
    pleno = (output / "2019/12/20/pleno-terbuka-rekapitulasi-dpb/index.html").read_text(encoding="utf-8")
    assert attachment_lines(pleno) == [("/2019/12/20/pleno-terbuka-rekapitulasi-dpb/berita-acara-dpb.pdf",
                                        "Berita Acara Rekapitulasi DPB", f"PDF, {size}")]
    assert (output / "2019/12/20/pleno-terbuka-rekapitulasi-dpb/berita-acara-dpb.pdf").read_bytes() == PDF
    documents = (output / "dokumen/index.html").read_text(encoding="utf-8")
    for title, post in (("Surat Edaran Sosialisasi", "Rapat Koordinasi Sosialisasi Pemilihan 2020"),
                        ("Berita Acara Rekapitulasi DPB", "Pleno Terbuka Rekapitulasi DPB Triwulan IV")):
        assert title in documents and post in documents


def test_kpu_youtube_videos_become_the_click_to_load_player(kpu):
    output = kpu.site / "output"
    rakor = (output / "2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/index.html").read_text(encoding="utf-8")
    facade = re.search(r'<figure class="video"><a class="video-facade[^"]*"[^>]*>', rakor).group(0)
    assert 'data-video="dQw4w9WgXcQ"' in facade and 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in facade
    pleno = (output / "2019/12/20/pleno-terbuka-rekapitulasi-dpb/index.html").read_text(encoding="utf-8")
    facade = re.search(r'<figure class="video">.*?</figure>', pleno, re.S).group(0)
    assert 'data-video="aqz-KE-bpKQ"' in facade and 'data-title="Siaran langsung rapat pleno"' in facade
    assert "Putar video: </span>Siaran langsung rapat pleno" in facade
    for page in (rakor, pleno):         # nothing from another host before the reader presses play
        assert "<iframe" not in page and "youtube-nocookie" not in page.split("<script", 1)[0]


def test_kpu_pages(kpu):
    output = kpu.site / "output"
    page = (output / "2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/index.html").read_text(encoding="utf-8")
    assert "117 kali dilihat" in page
    assert "<figcaption>Kegiatan dibuka oleh Ketua KPU Provinsi Kalimantan Utara</figcaption>" in page
    assert re.search(r'<a href="(/2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/surat-edaran-sosialisasi\.pdf)">', page)
    assert (output / "2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/surat-edaran-sosialisasi.pdf").is_file()
    assert "Tanggapan (1)" in page and "Budi Santoso" in page and "Terima kasih informasinya" in page
    assert "Penjual Obat" not in page and "belum disetujui" not in page
    assert "<br>\nRapat dibuka pukul 09.00 WITA.</p>" in page                      # wpautop's line break
    pleno = (output / "2019/12/20/pleno-terbuka-rekapitulasi-dpb/index.html").read_text(encoding="utf-8")
    assert "2.345 kali dilihat" in pleno and "Penyerahan berita acara kepada Bawaslu" in pleno


def test_kpu_no_email_or_ip_address_in_the_site(kpu):
    for path in kpu.site.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".html", ".json", ".xml", ".yaml"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for secret in ("budi.rahasia@example.com", "203.0.113.77", "siti@example.com", "192.0.2.5",
                           "humas@kaltara.kpu.go.id"):
                assert secret not in text, (path, secret)


def test_kpu_report(kpu):
    report = kpu.report
    assert "nav_menu_item (1)" in report
    assert re.search(r"^\s+post\s+draft\s+1", report, re.M) and re.search(r"^\s+post\s+future\s+1", report, re.M)
    assert "6 baru, 0 diperbarui, 0 tidak berubah" in report
    assert "Foto dan berkas: 10 disalin, 0 sudah ada, 1 tidak ditemukan." in report
    assert f"{RAKOR}: 2019/11/tidak-ada.jpg" in report
    assert "Alamat lama dialihkan: 2." in report
    assert "Tanggapan diarsipkan: 1 (2 belum disetujui" in report
    assert "jumlah dilihat '' (views) bukan angka" in report and "jumlah dilihat 'seratus' (views)" in report
    assert "wp:latest-posts" in report
    assert "?p=125" not in report              # a draft's address was never public


def test_views_key(tmp_path):
    export = tmp_path / "ekspor.xml"
    export.write_text(FIXTURE.read_text(encoding="utf-8").replace("post_views_count", "jumlah_baca"), encoding="utf-8")
    plain = run_import(new_site(tmp_path / "a"), export)
    assert "views" not in front_matters(plain.site)[PLENO]
    keyed = run_import(new_site(tmp_path / "b"), export, views_key="jumlah_baca")
    assert front_matters(keyed.site)[PLENO]["views"] == 2345


def test_staff_edits_are_never_overwritten_without_force(tmp_path):
    uploads = kpu_uploads(tmp_path / "uploads")
    site = new_site(tmp_path / "site")
    assert run_import(site, FIXTURE, uploads).code == 0
    index = site / RAKOR / "index.md"
    edited = index.read_text(encoding="utf-8").replace("Terima kasih kepada seluruh peserta.", "Diedit oleh humas.")
    index.write_text(edited, encoding="utf-8")
    (site / RAKOR / "pembukaan.jpg").write_bytes((uploads / "2019/11/narasumber.jpg").read_bytes())   # photo replaced
    again = run_import(site, FIXTURE, uploads)
    assert index.read_text(encoding="utf-8") == edited
    assert f"{RAKOR}/index.md: diubah sejak impor terakhir; tidak ditimpa" in again.report
    assert f"{RAKOR}/pembukaan.jpg: berkas ini sudah ada dan berbeda" in again.report
    once_more = run_import(site, FIXTURE, uploads)               # still protected on the next run
    assert index.read_text(encoding="utf-8") == edited and "tidak ditimpa" in once_more.report
    forced = run_import(site, FIXTURE, uploads, force=True)
    assert "Terima kasih kepada seluruh peserta." in index.read_text(encoding="utf-8")
    assert (site / RAKOR / "pembukaan.jpg").read_bytes() == (uploads / "2019/11/pembukaan.jpg").read_bytes()
    assert "tidak ditimpa" not in forced.report


def test_a_later_export_updates_and_adds_without_duplicating(tmp_path):
    site = new_site(tmp_path / "site")
    assert run_import(site, FIXTURE).code == 0
    before = set(front_matters(site))
    later = tmp_path / "later.xml"
    text = FIXTURE.read_text(encoding="utf-8").replace("Pleno Terbuka Rekapitulasi DPB Triwulan IV",
                                                      "Pleno Terbuka Rekapitulasi DPB Triwulan IV 2019")
    new_post = text[text.index("\t<item>\n\t\t<title>Pengumuman Hasil"):text.index("\t<item>\n\t\t<title>Profil")]
    new_post = (new_post.replace("<wp:post_id>126</wp:post_id>", "<wp:post_id>127</wp:post_id>").replace("?p=126", "?p=127")
                .replace("Pengumuman Hasil Seleksi PPK", "Pengumuman Seleksi PPS").replace("hasil-seleksi-ppk", "seleksi-pps"))
    later.write_text(text.replace("\t<item>\n\t\t<title>Profil", new_post + "\t<item>\n\t\t<title>Profil"), encoding="utf-8")
    result = run_import(site, later)
    assert "1 baru, 1 diperbarui, 5 tidak berubah" in result.report
    fronts = front_matters(site)
    assert set(fronts) == before | {"content/posts/2030/pengumuman-seleksi-pps"}
    assert fronts[PLENO]["title"] == "Pleno Terbuka Rekapitulasi DPB Triwulan IV 2019"


def test_a_post_the_staff_wrote_is_not_taken_over(tmp_path):
    site = new_site(tmp_path / "site")
    own = site / PLENO / "index.md"
    own.parent.mkdir(parents=True)
    own.write_text("---\ntitle: Tulisan humas\ndate: 2019-12-20\n---\n\nIsi.\n", encoding="utf-8")
    profil = site / "content/pages/profil.md"          # a page of the staff's at an address the export also has
    profil.parent.mkdir(parents=True)
    profil.write_text("---\ntitle: Profil kantor\n---\n\nIsi.\n", encoding="utf-8")
    assert run_import(site, FIXTURE).code == 0
    assert own.read_text(encoding="utf-8").startswith("---\ntitle: Tulisan humas")
    moved = front_matters(site)[PLENO + "-2"]          # its address is the staff's post's: it takes its folder's name
    assert moved["title"] == "Pleno Terbuka Rekapitulasi DPB Triwulan IV" and "slug" not in moved
    again = run_import(site, FIXTURE)
    assert "0 baru, 0 diperbarui" in again.report and own.read_text(encoding="utf-8").startswith("---\ntitle: Tulisan")
    assert front_matters(site)["content/pages/profil"]["slug"] == "profil-2"
    build_site(site, drafts=True, future=True, search=False)            # no two pages at one address


def test_dry_run_writes_nothing(tmp_path):
    site = new_site(tmp_path / "site")
    before = snapshot(site)
    result = run_import(site, FIXTURE, kpu_uploads(tmp_path / "uploads"), dry_run=True)
    assert result.code == 0 and "Uji coba (--dry-run)" in result.report and "6 baru" in result.report
    assert snapshot(site) == before and not (site / ".cache").exists() and not (site / "content").exists()
    # the report is long: its last line, where the reader's eye ends, says again that nothing was written and how
    last = result.report.strip().splitlines()[-1]
    assert "tidak ada berkas yang ditulis" in last and "tanpa --dry-run" in last, last


def test_without_uploads_the_text_still_comes_in(tmp_path):
    result = run_import(new_site(tmp_path / "site"), FIXTURE)
    assert result.code == 0
    assert "Foto dan berkas: 0 disalin, 0 sudah ada, 11 tidak ditemukan." in result.report
    for rel in ("2019/11/pembukaan.jpg", "2019/11/surat-edaran-sosialisasi.pdf", "2019/12/penyerahan-piagam-é.jpg"):
        assert rel in result.report
    body = (result.site / RAKOR / "index.md").read_text(encoding="utf-8")
    assert "Kegiatan dibuka oleh Ketua KPU Provinsi Kalimantan Utara" in body and "Surat Edaran Sosialisasi" in body
    build_site(result.site, search=False)


@pytest.mark.parametrize("name", ["ghost-sample.xml", "nikola-unicode-export.xml"])
def test_exports_that_are_not_well_formed_are_read_with_a_warning(name, tmp_path):
    result = run_import(new_site(tmp_path / "site"), SHARED / name)
    assert result.code == 0
    assert "bukan XML yang sepenuhnya sah; tetap dibaca" in result.report
    assert re.search(r"^  baris \d+: ", result.report, re.M)


@pytest.mark.parametrize("content, message", [
    ("ini bukan XML sama sekali", "tidak bisa dibaca sebagai ekspor WordPress"),
    ("<html><body>halaman</body></html>", "bukan berkas ekspor WordPress"),
    ("", "tidak bisa dibaca sebagai ekspor WordPress"),
    ("\x00\x00\x00", "berkas kosong atau sama sekali bukan XML"),        # lxml said "Document is empty, line 1"
])
def test_files_that_are_no_export_are_refused_plainly(content, message, tmp_path):
    export = tmp_path / "ekspor.xml"
    export.write_text(content, encoding="utf-8")
    site = new_site(tmp_path / "site")
    result = run_import(site, export)
    assert result.code == 1 and message in result.errors and "Traceback" not in result.errors
    assert "Document" not in result.errors and "line 1" not in result.errors
    assert not (site / "content").exists()


def test_cli(tmp_path):
    assert run_cli("import-wordpress", "--help").code == 0
    site = new_site(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    missing = run_cli("import-wordpress", "--site", str(site), str(tmp_path / "tidak-ada.xml"), cwd=elsewhere)
    assert missing.code == 2 and "tidak ada" in missing.err and "Traceback" not in missing.err
    bad_uploads = run_cli("import-wordpress", "--site", str(site), "--uploads", str(tmp_path / "x"), str(FIXTURE),
                          cwd=elsewhere)
    assert bad_uploads.code == 2 and "folder unggahan" in bad_uploads.err
    done = run_cli("import-wordpress", "--site", str(site), "--uploads", str(kpu_uploads(tmp_path / "up")), str(FIXTURE),
                   cwd=elsewhere)
    assert done.code == 0, done.err
    assert "Impor selesai" in done.out and "Semua berkas hasil impor sah" in done.out
    assert list(elsewhere.iterdir()) == []                                   # nothing written where it was run
    printed = done.out.rsplit("bangun dengan `", 1)[1].split("`", 1)[0]      # the closing line's build command,
    assert f"build --site {site}" in printed                                 # with the site it imported into
    typed = subprocess.run(printed, shell=True, cwd=elsewhere, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert typed.returncode == 0 and "Selesai" in typed.stdout, typed.stderr
    shutil.rmtree(site / "output")
    assert not [p for p in site.rglob("*") if atomic.is_temporary(p.name)]
    assert sorted(p.name for p in site.iterdir()) == [".cache", "config.yaml", "content"]


def test_uploads_given_on_a_later_run_bring_the_photos_in(tmp_path):
    site = new_site(tmp_path / "site")
    assert run_import(site, FIXTURE).code == 0
    assert "![Pembukaan rapat]" not in (site / RAKOR / "index.md").read_text(encoding="utf-8")
    later = run_import(site, FIXTURE, kpu_uploads(tmp_path / "uploads"))
    assert "10 disalin" in later.report and "0 baru, 3 diperbarui, 3 tidak berubah" in later.report
    assert '![Pembukaan rapat](pembukaan.jpg "' in (site / RAKOR / "index.md").read_text(encoding="utf-8")
    assert front_matters(site)[RAKOR]["cover"] == "peserta.jpg"


# --- the pure parts ---

def test_wpautop_makes_paragraphs_and_line_breaks_as_wordpress_did():
    out = body_module.wpautop("Satu\ndua\n\nTiga\n<ul>\n<li>a</li>\n</ul>\n<pre>x\n\ny</pre>")
    assert out.startswith("<p>Satu<br />\ndua</p>\n<p>Tiga</p>\n<ul>")
    assert "<pre>x\n\ny</pre>" in out and "<p><li>" not in out


@pytest.mark.parametrize("url, rel", [
    ("https://kpu.go.id/wp-content/uploads/2019/11/foto-1024x683.jpg", "2019/11/foto-1024x683.jpg"),
    (" https://x.files.wordpress.com/2019/11/f%C3%A9.jpg?w=150", "2019/11/fé.jpg"),
    ("https://kpu.go.id/wp-content/uploads/sites/3/2020/01/surat.pdf", "2020/01/surat.pdf"),
    ("https://kpu.go.id/2019/11/08/berita/", ""),
])
def test_upload_paths(url, rel):
    assert upload_path(url) == rel


def test_originals_are_tried_before_resized_copies():
    from generator.wordpress.media import originals

    assert originals("2019/11/foto-scaled-1024x683.jpg") == ["2019/11/foto.jpg", "2019/11/foto-scaled.jpg",
                                                             "2019/11/foto-scaled-1024x683.jpg"]
    assert originals("2019/11/foto.jpg") == ["2019/11/foto.jpg"]


@pytest.mark.parametrize("url, watch", [
    ("https://youtu.be/aqz-KE-bpKQ", "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("//www.youtube.com/embed/aqz-KE-bpKQ?feature=oembed", "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ", "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    # the second the video starts at is kept, however the address gave it
    ("https://youtu.be/aqz-KE-bpKQ?t=90", "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=90s"),
    ("//www.youtube.com/embed/aqz-KE-bpKQ?start=75&amp;feature=oembed", "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=75s"),
    ("https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=1m30s", "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=90s"),
    ("https://www.youtube.com/playlist?list=PL123", ""),
    ("https://vimeo.com/12345", ""),
])
def test_youtube_addresses(url, watch):
    assert body_module.youtube_url(url) == watch


@pytest.mark.parametrize("imported", ["theme-unit-test.xml"], indirect=True)     # the export with a file block
def test_the_theme_unit_test_file_block_is_an_attachment(imported):
    fronts = front_matters(imported.site)
    found = [(folder, f) for folder, f in fronts.items() if "file_block.pdf" in [a["file"] for a in f.get("attachments") or []]]
    assert len(found) == 1
    folder, front = found[0]
    pdfs = [a for a in front["attachments"] if a["file"].endswith(".pdf")]
    assert pdfs == [{"file": "file_block.pdf", "title": "File Block PDF"}]            # two blocks: listed once
    assert "file_block.pdf" not in (imported.site / folder / "index.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "File Block PDF" in (imported.site / "output" / "dokumen" / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def convert(tmp_path):
    """body.convert over a library of two uploaded files (a PDF with its WordPress attachment, a video) and a photo."""
    from generator.wordpress.media import Attachment, BundleFiles, Library

    for rel in ("2024/03/sk-dct.pdf", "2024/03/rekaman.mp4", "2024/03/foto.jpg"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    library = Library({"7": Attachment("7", "https://kpu.go.id/wp-content/uploads/2024/03/sk-dct.pdf", "2024/03/sk-dct.pdf",
                                       "SK Penetapan DCT", "", "", "1", 0)},
                      {rel: tmp_path / rel for rel in ("2024/03/sk-dct.pdf", "2024/03/rekaman.mp4", "2024/03/foto.jpg")})

    def run(content: str) -> tuple[str, list[dict]]:
        files = BundleFiles()
        context = body_module.Context(library.resolve, library.by_id, [], files.add)
        return body_module.convert(content, context), context.attachments
    return run


PDF_URL = "https://kpu.go.id/wp-content/uploads/2024/03/sk-dct.pdf"


@pytest.mark.parametrize("content, text, kept", [
    (f'Unduh di sini:\n\n<a href="{PDF_URL}">SK DCT Pemilu 2024</a>\n\nSelesai.', "SK DCT Pemilu 2024", False),
    (f'<p><strong><a href="{PDF_URL}">sk-dct.pdf</a></strong></p>', "SK Penetapan DCT", False),
    (f'Menurut <a href="{PDF_URL}">surat keputusan ini</a>, DCT ditetapkan.', "SK Penetapan DCT", True),
    (f'SK dapat diunduh <a href="{PDF_URL}">di sini</a>.', "SK Penetapan DCT", True),
    (f'<!-- wp:file --><div class="wp-block-file"><a href="{PDF_URL}">Keputusan KPU</a><a href="{PDF_URL}" '
     f'class="wp-block-file__button" download>Unduh</a></div><!-- /wp:file -->', "Keputusan KPU", False),
])
def test_document_links_become_attachments(convert, content, text, kept):
    markdown, attachments = convert(content)
    assert attachments == [{"file": "sk-dct.pdf", "title": text}]
    assert ("](sk-dct.pdf)" in markdown) is kept, markdown
    assert "Unduh](" not in markdown and "wp:" not in markdown


def test_a_nested_list_stays_nested_on_the_site(convert):
    """markdownify indented a nested list by its bullet's width (two spaces); Python-Markdown nests from four, so an
    imported post's sub-items came out as items of the outer list."""
    from generator.model import markup

    markdown, _ = convert("<ul><li>DPT<ul><li>laki-laki</li><li>perempuan</li></ul></li><li>TPS</li></ul>"
                          "<ol><li>Satu<p>Paragraf kedua butir satu.</p></li><li>Dua</li></ol>")
    html = markup.render(markdown).html
    assert "<li>DPT<ul>\n<li>laki-laki</li>\n<li>perempuan</li>\n</ul>\n</li>\n<li>TPS</li>" in html, html
    assert "<p>Paragraf kedua butir satu.</p>\n</li>\n<li>\n<p>Dua</p>" in html, html
    markdown, _ = convert("<ul><li>Kata ketua:<blockquote>Datang ke TPS.</blockquote></li><li>Lain</li></ul>")
    html = markup.render(markdown).html
    assert "<p>Kata ketua:</p>\n<blockquote>\n<p>Datang ke TPS.</p>\n</blockquote>\n</li>" in html, html


def test_a_document_linked_twice_is_one_attachment_in_body_order(convert):
    markdown, attachments = convert(
        '[video src="https://kpu.go.id/wp-content/uploads/2024/03/rekaman.mp4"]\n\n'
        f'Baca <a href="{PDF_URL}">sk-dct.pdf</a> dan <a href="{PDF_URL}">keputusan lengkapnya</a>.\n\n'
        '<a href="https://kpu.go.id/wp-content/uploads/2024/03/foto.jpg">Foto kegiatan</a>')
    assert attachments == [{"file": "rekaman.mp4", "title": ""}, {"file": "sk-dct.pdf", "title": "SK Penetapan DCT"}]
    assert "rekaman.mp4" not in markdown and "[Foto kegiatan](foto.jpg)" in markdown     # a photo is no attachment


def test_a_captioned_video_becomes_a_titled_link_alone_on_its_line(convert):
    markdown, _ = convert('<!-- wp:embed --><figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed'
                          '__wrapper">\nhttps://youtu.be/aqz-KE-bpKQ\n</div><figcaption>Rapat [pleno]</figcaption></figure>'
                          '<!-- /wp:embed -->')
    assert markdown == "[Rapat (pleno)](https://www.youtube.com/watch?v=aqz-KE-bpKQ)\n"


def test_a_video_embedded_from_a_given_second_starts_there_on_the_site(convert):
    """An iframe with ?start=75 (WordPress's classic editor) keeps its start, and the site's click-to-load player
    reads it back."""
    from generator.model import embeds

    markdown, _ = convert('<iframe width="560" height="315" src="https://www.youtube.com/embed/aqz-KE-bpKQ?start=75" '
                          'frameborder="0" allowfullscreen></iframe>')
    assert markdown.strip() == "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=75s"
    assert embeds.youtube(markdown.strip()) == embeds.Video("aqz-KE-bpKQ", 75)


def test_password_protected_posts_become_drafts(tmp_path):
    export = tmp_path / "ekspor.xml"
    export.write_text(FIXTURE.read_text(encoding="utf-8").replace(
        "<wp:post_password><![CDATA[]]></wp:post_password>", "<wp:post_password><![CDATA[rahasia]]></wp:post_password>"),
        encoding="utf-8")
    result = run_import(new_site(tmp_path / "site"), export)
    assert front_matters(result.site)[RAKOR]["draft"] is True
    assert f"{RAKOR}: dilindungi sandi di WordPress; dijadikan draf" in result.report


def test_kpu_pages_are_valid_html(kpu):
    import json
    import subprocess

    from tests import readers_site
    from tests.readers_site import VNU

    readers_site.require(shutil.which("java") is not None, "Java tidak terpasang: Nu HTML Checker dilewati")
    readers_site.require(VNU.is_file(), "node_modules/vnu-jar belum terpasang (jalankan `npm ci`): Nu HTML Checker dilewati")
    pages = [str(kpu.site / "output" / p / "index.html") for p in
             ("2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020", "2019/12/20/pleno-terbuka-rekapitulasi-dpb",
              "struktur-organisasi", "2019/11/08/rakor-sosialisasi")]
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    assert [m for m in messages if m.get("type") in ("error", "non-document-error")] == []


def test_links_in_the_uploads_folder_are_never_read_through_to_outside_it(tmp_path):
    """A file link, a folder link and a link above a file (2019/12/ as a whole) leading out of the uploads folder:
    nothing of what they lead to reaches the site, and each is named in the report. A link to another file inside
    the folder is harmless and followed."""
    uploads = kpu_uploads(tmp_path / "uploads")
    private = tmp_path / "pribadi"
    make_photo(private / "rahasia.jpg", size=(96, 64), color=(1, 2, 3))
    (private / "rahasia.pdf").write_bytes(b"%PDF-1.4\nRAHASIA\n%%EOF\n")
    for rel, target in (("2019/11/pembukaan.jpg", private / "rahasia.jpg"),
                        ("2019/11/surat-edaran-sosialisasi.pdf", private / "rahasia.pdf"),
                        ("2020/02/bimtek-kpps-2.jpg", uploads / "2020/02/bimtek-kpps-1.jpg")):
        (uploads / rel).unlink()
        (uploads / rel).symlink_to(target)
    shutil.move(uploads / "2019/12", private / "2019-12")
    (uploads / "2019/12").symlink_to(private / "2019-12", target_is_directory=True)
    result = run_import(new_site(tmp_path / "site"), FIXTURE, uploads)
    assert result.code == 0, result.errors
    outside = {p.read_bytes() for p in private.rglob("*") if p.is_file()}
    copied = [p for p in (result.site / "content").rglob("*") if p.is_file() and not p.name.endswith(".md")]
    assert copied and not [p for p in copied if p.read_bytes() in outside]
    assert not [p for p in (result.site / "content").rglob("*") if p.is_symlink()]
    links = result.report.split("Tautan (symlink) di folder unggahan", 1)[1].split("\n\n", 1)[0]
    assert sorted(line.strip() for line in links.splitlines()[1:]) == [
        "2019/11/pembukaan.jpg", "2019/11/surat-edaran-sosialisasi.pdf", "2019/12/"]
    assert (result.site / "content/posts/2020").exists()
    bimtek = [p for p in copied if p.name == "bimtek-kpps-2.jpg"]
    assert bimtek and bimtek[0].read_bytes() == (uploads / "2020/02/bimtek-kpps-1.jpg").read_bytes()


def with_items(export: Path, target: Path, *items: str) -> Path:
    """A copy of the export with more <item>s before its first page."""
    text = export.read_text(encoding="utf-8")
    marker = "\t<item>\n\t\t<title>Profil"
    target.write_text(text.replace(marker, "".join(items) + marker, 1), encoding="utf-8")
    return target


def draft_item(post_id: int, title: str, content: str = "Isi draf.") -> str:
    """A draft as WordPress exports it: no slug, no date."""
    return (f"\t<item>\n\t\t<title>{title}</title>\n\t\t<link>https://kaltara.kpu.go.id/?p={post_id}</link>\n"
            f"\t\t<dc:creator><![CDATA[humas]]></dc:creator>\n"
            f'\t\t<guid isPermaLink="false">https://kaltara.kpu.go.id/?p={post_id}</guid>\n'
            f"\t\t<content:encoded><![CDATA[{content}]]></content:encoded>\n"
            f"\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n\t\t<wp:post_id>{post_id}</wp:post_id>\n"
            "\t\t<wp:post_date><![CDATA[0000-00-00 00:00:00]]></wp:post_date>\n"
            "\t\t<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>\n"
            "\t\t<wp:post_name><![CDATA[]]></wp:post_name>\n\t\t<wp:status><![CDATA[draft]]></wp:status>\n"
            "\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n"
            "\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n\t</item>\n\n")


def test_long_titles_and_file_names_make_bounded_distinct_names(tmp_path):
    """Drafts have no slug: a 290-character title gives the folder's name; two such drafts keep two folders. A
    photo whose name is 249 bytes of UTF-8 (fine in the uploads folder) gets a name with room to spare."""
    title = ("Pengumuman Hasil Rapat Pleno Terbuka Rekapitulasi Daftar Pemilih Berkelanjutan " * 4)[:290]
    photo = "foto-" + "é" * 120 + ".jpg"
    uploads = kpu_uploads(tmp_path / "uploads")
    make_photo(uploads / "2020/03" / photo, color=(9, 99, 199))
    src = f"https://kaltara.kpu.go.id/wp-content/uploads/2020/03/{photo}"
    export = with_items(FIXTURE, tmp_path / "ekspor.xml", draft_item(901, title, f'<img src="{src}" alt="Rapat">'),
                        draft_item(902, title))
    result = run_import(new_site(tmp_path / "site"), export, uploads)
    assert result.code == 0, result.errors + result.report
    drafts = {folder: front for folder, front in front_matters(result.site).items() if front["title"] == title}
    assert len(drafts) == 2 and all(front["draft"] is True for front in drafts.values())
    names = [p.name for p in (result.site / "content").rglob("*")]
    assert max(len(name.encode("utf-8")) for name in names) <= 100
    copied = [p for folder in drafts for p in (result.site / folder).iterdir() if p.suffix == ".jpg"]
    assert len(copied) == 1 and copied[0].read_bytes() == (uploads / "2020/03" / photo).read_bytes()
    assert copied[0].name.startswith("foto-éé")
    state = (result.site / ".cache/wordpress-import.json").read_text(encoding="utf-8")
    assert all(folder in state for folder in drafts)
    build_site(result.site, drafts=True, search=False)


def test_an_item_that_cannot_be_written_is_reported_and_the_rest_recorded(tmp_path):
    """On a later run one post's photo has become a folder (the system refuses to read it as a file): that post is
    named with its title, the new post of the export is still written, and the record of the run is kept."""
    uploads = kpu_uploads(tmp_path / "uploads")
    site = new_site(tmp_path / "site")
    assert run_import(site, FIXTURE, uploads).code == 0
    photo = site / RAKOR / "pembukaan.jpg"
    photo.unlink()
    photo.mkdir()
    make_photo(uploads / "2019/11/pembukaan.jpg", size=(96, 64), color=(1, 200, 3))     # a newer original
    later = with_items(FIXTURE, tmp_path / "later.xml", draft_item(903, "Draf Sosialisasi Baru"))
    result = run_import(site, later, uploads)
    assert result.code == 1
    assert f'{RAKOR} ("Rapat Koordinasi Sosialisasi Pemilihan 2020"): gagal ditulis' in result.report
    assert "1 berita atau halaman gagal ditulis" in result.errors
    new = [f for f, front in front_matters(site).items() if front["title"] == "Draf Sosialisasi Baru"]
    assert len(new) == 1
    assert new[0] in (site / ".cache/wordpress-import.json").read_text(encoding="utf-8")
    photo.rmdir()
    again = run_import(site, later, uploads, force=True)              # the folder gone: the next run mends it
    assert again.code == 0 and photo.read_bytes() == (uploads / "2019/11/pembukaan.jpg").read_bytes()
    assert "0 baru" in again.report


def with_doctype(export: Path, target: Path, declarations: str, used: str) -> Path:
    """The export with a DOCTYPE declaring entities, one of them used in its second item's title."""
    head, rest = export.read_text(encoding="utf-8").split("\n", 1)
    second = rest.index("<item>", rest.index("<item>") + 1)
    title = rest.index("<title>", second) + len("<title>")
    target.write_text(f"{head}\n<!DOCTYPE rss [\n{declarations}]>\n{rest[:title]}{used}{rest[title:]}", encoding="utf-8")
    return target


BILLION_LAUGHS = '  <!ENTITY lol "lol">\n' + "".join(
    f'  <!ENTITY lol{n} "{("&lol" + ("" if n == 1 else str(n - 1)) + ";") * 10}">\n' for n in range(1, 10))


@pytest.mark.parametrize("declarations, used", [
    (BILLION_LAUGHS, "&lol9;"),                                                   # 10^9 times 'lol'
    ('  <!ENTITY a "' + "x" * 50_000 + '">\n', "&a;" * 2_000),                    # quadratic: one big entity, often
    ('  <!ENTITY rahasia SYSTEM "file:///etc/passwd">\n', "&rahasia;"),           # a file of the laptop
], ids=["billion-laughs", "quadratic", "external"])
def test_an_export_declaring_entities_is_refused_and_nothing_imported(tmp_path, declarations, used):
    export = with_doctype(FIXTURE, tmp_path / "ekspor.xml", declarations, used)
    site = new_site(tmp_path / "site")
    done = run_cli("import-wordpress", "--site", str(site), str(export))
    assert done.code == 1 and "ekspor ditolak, tidak ada yang diimpor" in done.err, done.err + done.out
    assert "entitas XML" in done.err and "Traceback" not in done.err
    assert ("billion laughs" in done.err) is ("SYSTEM" not in declarations)      # the two that expand
    assert not (site / "content").exists() and not (site / ".cache").exists()


def test_an_export_cut_short_is_said_and_its_partial_item_left_out(tmp_path):
    """A download that broke off inside a post's text: the posts before it are imported, the post it broke in is
    not (its text would be cut), and the report and the exit code say the import is incomplete."""
    text = FIXTURE.read_text(encoding="utf-8")
    export = tmp_path / "terpotong.xml"
    export.write_text(text[:text.index("terjadwal terbit pada 2030")], encoding="utf-8")
    result = run_import(new_site(tmp_path / "site"), export)
    assert result.code == 1
    line = text[:text.index("terjadwal terbit pada 2030")].count("\n") + 1
    assert f"impor TIDAK LENGKAP. Berkas ekspor terpotong: berakhir di baris {line}" in result.report
    assert "1 item yang terpotong di tengah dilewati" in result.report and "Impor selesai sebagian." in result.report
    assert "Berkas ekspor terpotong" in result.errors
    titles = {front["title"] for front in front_matters(result.site).values()}
    assert titles == {"Rapat Koordinasi Sosialisasi Pemilihan 2020", "Pleno Terbuka Rekapitulasi DPB Triwulan IV",
                      "Bimbingan Teknis KPPS"}
    dry = run_import(new_site(tmp_path / "coba"), export, dry_run=True)
    assert dry.code == 1 and "TIDAK LENGKAP" in dry.report


UP = "https://kpu.go.id/wp-content/uploads/2024/03/"


@pytest.mark.parametrize("content, markdown", [
    (f'<img class="alignleft size-thumbnail wp-image-9" src="{UP}foto-150x150.jpg" width="150" height="150" '
     'alt="Ketua">Teks di samping foto.', "![Ketua](foto.jpg){: .kiri .kecil }Teks di samping foto."),
    (f'[caption id="attachment_9" align="alignright" width="300"]<img src="{UP}foto-300x200.jpg" class="size-medium" '
     '/> Rapat pleno[/caption]', '![](foto.jpg "Rapat pleno"){: .kanan .sedang }'),
    (f'<div class="wp-caption alignleft" style="width: 160px"><img src="{UP}foto.jpg" width="150"><p '
     'class="wp-caption-text">Kecil</p></div>', '![](foto.jpg "Kecil"){: .kiri .kecil }'),
    (f'<!-- wp:image {{"align":"left","width":160}} --><div class="wp-block-image"><figure class="alignleft '
     f'is-resized"><img src="{UP}foto.jpg" width="160"/></figure></div><!-- /wp:image -->', "![](foto.jpg){: .kiri .kecil }"),
    (f'<!-- wp:image --><figure class="wp-block-image alignright size-large is-resized"><img src="{UP}foto-1024x683.jpg"'
     ' style="width:250px"/></figure><!-- /wp:image -->', "![](foto.jpg){: .kanan .sedang }"),
    (f'<!-- wp:image --><figure class="wp-block-image alignleft"><img src="{UP}foto.jpg"/></figure><!-- /wp:image -->',
     "![](foto.jpg){: .kiri .sedang }"),                        # floated, size unknown: medium, as WordPress's default
    (f'<figure class="wp-block-image aligncenter size-medium"><img src="{UP}foto-300x200.jpg"/><figcaption>Tengah'
     '</figcaption></figure>', '![](foto.jpg "Tengah"){: .tengah .sedang }'),
    (f'<figure class="wp-block-image size-large"><img src="{UP}foto-1024x683.jpg"/></figure>', "![](foto.jpg)"),
    (f'<img class="alignnone size-full" src="{UP}foto.jpg" width="1200">', "![](foto.jpg)"),
])
def test_aligned_and_small_photos_keep_their_place_and_size(convert, content, markdown):
    from generator.model import markup

    converted, _ = convert(content)
    assert converted.strip() == markdown
    rendered = markup.render(converted).html
    classes = re.findall(r"\.(\w+)", markdown.rpartition("{:")[2]) if "{:" in markdown else []
    if '"' in markdown:                               # a caption: the figure carries the layout, caption and all
        assert f'<figure class="{" ".join(classes)}"><img' in rendered, rendered
    else:
        assert (f'class="{" ".join(classes)}"' in rendered) is bool(classes), rendered


def attachment_item(post_id: int, parent: int, title: str, rel: str) -> str:
    """A file uploaded in a post's media panel, as WordPress exports it."""
    url = f"https://kaltara.kpu.go.id/wp-content/uploads/{rel}"
    return (f"\t<item>\n\t\t<title>{title}</title>\n\t\t<link>https://kaltara.kpu.go.id/?attachment_id={post_id}</link>\n"
            f'\t\t<guid isPermaLink="false">{url}</guid>\n\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n'
            f"\t\t<wp:post_id>{post_id}</wp:post_id>\n\t\t<wp:post_date><![CDATA[2019-11-08 10:00:00]]></wp:post_date>\n"
            f"\t\t<wp:status><![CDATA[inherit]]></wp:status>\n\t\t<wp:post_parent>{parent}</wp:post_parent>\n"
            f"\t\t<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type><![CDATA[attachment]]></wp:post_type>\n"
            f"\t\t<wp:attachment_url><![CDATA[{url}]]></wp:attachment_url>\n"
            f"\t\t<wp:postmeta><wp:meta_key><![CDATA[_wp_attached_file]]></wp:meta_key>"
            f"<wp:meta_value><![CDATA[{rel}]]></wp:meta_value></wp:postmeta>\n\t</item>\n\n")


def test_documents_attached_in_wordpress_but_never_linked_are_kept_and_named(tmp_path):
    """A decree uploaded in the post's media panel and shown by a plugin, never linked in the body: copied beside
    the post as an attachment after the body's documents, with its WordPress title, and named in the report."""
    uploads = kpu_uploads(tmp_path / "uploads")
    (uploads / "2019/11/sk-pembentukan-ppk.pdf").write_bytes(PDF + b"% sk\n")
    export = with_items(FIXTURE, tmp_path / "ekspor.xml",
                        attachment_item(701, 123, "SK Pembentukan PPK", "2019/11/sk-pembentukan-ppk.pdf"))
    result = run_import(new_site(tmp_path / "site"), export, uploads)
    assert result.code == 0, result.errors + result.report
    listed = front_matters(result.site)[RAKOR]["attachments"]
    assert listed[-1] == {"file": "sk-pembentukan-ppk.pdf", "title": "SK Pembentukan PPK"}
    assert (result.site / RAKOR / "sk-pembentukan-ppk.pdf").read_bytes() == PDF + b"% sk\n"
    assert "sk-pembentukan-ppk.pdf' dilampirkan di WordPress tanpa ditautkan di isi" in result.report
    assert [a["file"] for a in listed].count("surat-edaran-sosialisasi.pdf") == 1     # linked in the body: once


def test_a_bare_ampersand_in_an_export_keeps_the_text_around_it(tmp_path):
    """A raw '&' (an export that is not well-formed, like ghost-sample.xml's attachment URLs) is read as the '&'
    it stands for: lxml's recovering parser alone drops it with the words after it ('R&D' became 'R'). An '&'
    inside CDATA is left as written, and the report says in Indonesian what was repaired and where."""
    export = with_items(FIXTURE, tmp_path / "ekspor.xml",
                        draft_item(9301, "Rapat KPU & Bawaslu: R&D, 5 &lt; 6", "Isi &amp; R&D."))
    items = {item.post_id: item for item in read(export, ZONE).items}
    assert items["9301"].title == "Rapat KPU & Bawaslu: R&D, 5 < 6"
    assert items["9301"].content == "Isi &amp; R&D."
    result = run_import(new_site(tmp_path / "site"), export)
    assert result.code == 0, result.errors
    titles = [fm.get("title") for fm in front_matters(result.site).values()]
    assert "Rapat KPU & Bawaslu: R&D, 5 < 6" in titles
    warning = [line for line in result.report.splitlines() if line.startswith("  baris ")]
    assert len(warning) == 1 and "&" in warning[0] and "&amp;" in warning[0], result.report
    assert "EntityRef" not in result.report


def test_the_parser_s_repairs_are_named_once_per_line_in_indonesian(tmp_path):
    result = run_import(new_site(tmp_path / "site"), SHARED / "nikola-unicode-export.xml")
    lines = [line for line in result.report.splitlines() if line.startswith("  baris ")]
    assert lines and len(lines) == len(set(lines)), result.report
    assert not any("is not defined" in line or "Namespace prefix" in line for line in lines), lines
    assert all("atom" in line for line in lines), lines


@pytest.mark.parametrize("content, markdown", [
    # theme-unit-test.xml's "Post Format: Image": an empty caption list left before the photo
    ('<dl id="attachment_612" class="wp-caption aligncenter" style="width:650px;"><dt class="wp-caption-dt"></dt>'
     f'</dl>&nbsp;\n\n<img class="alignnone size-full" src="{UP}foto.jpg"/>', "![](foto.jpg)"),
    # the caption markup of older WordPress themes: the photo in <dt>, its caption in <dd>
    (f'<dl class="wp-caption alignright" style="width: 310px"><dt class="wp-caption-dt"><img src="{UP}foto-300x200.jpg"'
     ' width="300"/></dt><dd class="wp-caption-dd">Rapat pleno</dd></dl>', '![](foto.jpg "Rapat pleno"){: .kanan .sedang }'),
])
def test_an_old_caption_list_becomes_a_captioned_photo_or_nothing(convert, content, markdown):
    converted, _ = convert(content)
    assert converted.strip() == markdown


def test_a_post_the_staff_deleted_or_moved_is_not_brought_back(tmp_path):
    """An imported post the staff removed (a wrong announcement) or moved to another folder is not written again by
    the next import, which would publish it again or twice; the report says so, and --force brings it back."""
    uploads = kpu_uploads(tmp_path / "uploads")
    site = new_site(tmp_path / "site")
    assert run_import(site, FIXTURE, uploads).code == 0
    shutil.rmtree(site / RAKOR)
    again = run_import(site, FIXTURE, uploads)
    assert again.code == 0 and not (site / RAKOR).exists()
    assert f"{RAKOR}/index.md: dihapus atau dipindahkan sejak impor terakhir; tidak dibuat lagi" in again.report
    assert "0 baru" in again.report and "pembukaan.jpg" not in again.report
    forced = run_import(site, FIXTURE, uploads, force=True)
    assert (site / RAKOR / "index.md").is_file() and (site / RAKOR / "pembukaan.jpg").is_file()
    assert "tidak dibuat lagi" not in forced.report


@pytest.mark.parametrize("given, inside", [("cadangan/wp-content", "uploads"),
                                           ("cadangan", "wp-content/uploads"),
                                           ("cadangan/public_html", "wp-content/uploads")])
def test_a_backup_folder_above_uploads_is_followed_into_it(tmp_path, given, inside):
    """Staff copying the host's backup give the folder above wp-content/uploads/ (wp-content, public_html, the
    backup itself): its uploads/ inside is used and named, instead of every photo being reported missing."""
    folder = tmp_path / given
    kpu_uploads(folder / inside)
    site = new_site(tmp_path / "site")
    result = run_import(site, FIXTURE, folder)
    assert result.code == 0, result.errors
    assert (site / RAKOR / "pembukaan.jpg").is_file()
    assert f"Folder unggahan: {folder / inside}" in result.report, result.report


def test_an_uploads_folder_inside_reached_through_a_link_out_of_the_folder_given_is_not_used(tmp_path):
    """The folder given is searched for uploads/ inside it, never outside: a wp-content/uploads/ that is a link to
    a folder elsewhere is not read, and its photos are reported missing instead."""
    outside = tmp_path / "di-luar"
    kpu_uploads(outside)
    folder = tmp_path / "cadangan"
    (folder / "wp-content").mkdir(parents=True)
    (folder / "wp-content" / "uploads").symlink_to(outside, target_is_directory=True)
    site = new_site(tmp_path / "site")
    result = run_import(site, FIXTURE, folder)
    assert not (site / RAKOR / "pembukaan.jpg").exists()
    assert "Folder unggahan: " not in result.report and "pembukaan.jpg" in result.report, result.report


def test_an_uploads_folder_without_wordpress_years_is_said_plainly(tmp_path):
    folder = tmp_path / "foto-acak"
    make_photo(folder / "pembukaan.jpg")
    result = run_import(new_site(tmp_path / "site"), FIXTURE, folder)
    assert "tidak berisi folder tahun (seperti 2019/)" in result.report, result.report


def test_an_old_query_address_used_by_two_posts_gets_one_redirect_rule(tmp_path):
    """pelican-wordpressexport.xml reuses ?p=175 for two published posts: a second rewrite rule for the same address
    would never be reached, so the report gives one and says which post the address now leads to."""
    result = run_import(new_site(tmp_path / "site"), SHARED / "pelican-wordpressexport.xml")
    assert result.report.count("^p=175$") == 1, result.report
    assert re.search(r"\?p=175 juga alamat lama .+; pengalihannya ke ", result.report), result.report


def test_a_zipped_export_is_named_with_what_to_do(tmp_path):
    """WordPress.com sends its export as a .zip holding the .xml files: the staff are told to unpack it and which
    files are inside, not that the file is empty or no XML."""
    import zipfile

    archive = tmp_path / "kpukaltara.wordpress.2024-06-01.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(FIXTURE, "kpukaltara.wordpress.2024-06-01.000.xml")
    site = new_site(tmp_path / "site")
    result = run_import(site, archive)
    assert result.code == 1 and "Traceback" not in result.errors
    assert "arsip ZIP" in result.errors and "kpukaltara.wordpress.2024-06-01.000.xml" in result.errors
    assert "ekstrak" in result.errors.lower() and "bukan XML" not in result.errors, result.errors
    assert not (site / "content").exists()


def test_wordpress_category_addresses_get_redirect_rules(tmp_path):
    """WordPress shows a category at /category/<name>/, the site at /kategori/<name>/: without a rule every old
    category address shared or bookmarked is a 404. The report gives one rule per category a published post has,
    Uncategorized leading to the site's own default category, and none when the addresses are the same."""
    site = new_site(tmp_path / "site")
    result = run_import(site, FIXTURE)
    for old, new in (("kegiatan", "kegiatan"), ("uncategorized", "berita")):
        assert f"RedirectMatch 301 ^/category/{old}/?$ /kategori/{new}/" in result.report, result.report
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "permalinks:\n  category: /category/{slug}/\n",
                      encoding="utf-8")
    again = run_import(site, FIXTURE)
    assert "^/category/kegiatan/" not in again.report and "^/category/uncategorized/?$ /category/berita/" in again.report


def test_an_author_or_commenter_named_by_an_email_address_is_published_without_it(tmp_path):
    """ghost-feature-image-captions.xml names its author only by a login that is an email address, and readers
    sometimes type theirs as their name: the pages show the part before '@', never the address."""
    result = run_import(new_site(tmp_path / "site"), SHARED / "ghost-feature-image-captions.xml")
    assert result.code == 0, result.errors
    authors = {fm.get("author") for fm in front_matters(result.site).values()}
    assert "hermione" in authors and not any("@" in (a or "") for a in authors), authors
    export = tmp_path / "ekspor.xml"
    export.write_text(FIXTURE.read_text(encoding="utf-8").replace(
        "<wp:comment_author><![CDATA[Budi Santoso]]>", "<wp:comment_author><![CDATA[budi.santoso@example.com]]>"),
        encoding="utf-8")
    site = run_import(new_site(tmp_path / "kpu"), export).site
    build_site(site)
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".html", ".xml", ".json"):
            assert "@example.com" not in path.read_text(encoding="utf-8", errors="replace"), path
    assert "budi.santoso" in (site / RAKOR / "index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_an_export_saved_again_as_utf16_is_read_whole(tmp_path, encoding):
    """An export opened and saved again by Notepad as 'Unicode' is UTF-16: it is read in full, not taken for one
    cut short with every item left out."""
    text = FIXTURE.read_text(encoding="utf-8")
    export = tmp_path / "ekspor.xml"
    data = text.encode(encoding)
    export.write_bytes(data if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] == b"\xff\xfe\x00\x00"
                       else b"\xfe\xff" + data)
    whole = run_import(new_site(tmp_path / "utf8"), FIXTURE)
    result = run_import(new_site(tmp_path / "site"), export)
    assert result.code == 0, result.report + result.errors
    assert "TIDAK LENGKAP" not in result.report
    assert sorted(front_matters(result.site)) == sorted(front_matters(whole.site))


def test_comments_archived_on_a_page_are_shown_under_it(imported):
    """WordPress takes comments on pages too (theme-unit-test.xml's "Page with comments"): the archived ones are
    shown under the page as under a post, not kept in its front matter unseen."""
    for folder, front in front_matters(imported.site).items():
        if folder.startswith("content/pages/") and front.get("comments") and not front.get("draft"):
            [page] = pages_by_title(imported.site / "output")[front["title"]]
            shown_page = squeeze(page.read_text(encoding="utf-8"))
            assert "Tanggapan (" in page.read_text(encoding="utf-8"), page
            assert squeeze(front["comments"][0]["author"]) in shown_page, page


def test_the_sample_post_of_a_new_site_is_pointed_out_after_the_import(tmp_path):
    """A site made with `init` has a sample post dated today, which would stand above the whole imported archive on
    the front page: the report names it (the import deletes nothing it did not write)."""
    site = tmp_path / "situs"
    assert run_cli("init", str(site), "--region", "Kalimantan Utara", "--level", "provinsi",
                   "--url", "https://kaltara.kpu.go.id", "--zone", "WITA").code == 0
    [sample] = list((site / "content" / "posts").glob("*/selamat-datang/index.md"))
    result = run_import(site, FIXTURE)
    assert result.code == 0, result.errors
    assert sample.parent.relative_to(site).as_posix() in result.report and "berita contoh" in result.report.lower()
    assert sample.is_file()
    sample.write_text(sample.read_text(encoding="utf-8").replace("Ini berita contoh.", "Berita kami."), encoding="utf-8")
    assert "berita contoh" not in run_import(site, FIXTURE).report.lower()     # once the staff made it theirs: no word


@pytest.mark.parametrize("imported", ["theme-unit-test.xml"], indirect=True)     # the Greek pages
def test_a_slug_in_another_script_is_spelled_out_in_latin_letters(imported):
    """theme-unit-test.xml's Greek pages 'Επίπεδο 2 -Second Greek level' and 'Επίπεδο 3' (slugs επίπεδο-2, επίπεδο-3) were put at /2/ and
    /3/: the letters were dropped and only the digit left. They are spelled out as the site spells a category or tag
    name in another script, and the old Greek address still leads there."""
    fronts = {front["title"]: folder for folder, front in front_matters(imported.site).items()}
    assert fronts["Επίπεδο 2 -Second Greek level"].endswith("/epipedo-2") and fronts["Επίπεδο 3"].endswith("/epipedo-3")
    output = imported.site / "output"
    assert "Επίπεδο 3" in (output / "epipedo-3" / "index.html").read_text(encoding="utf-8")
    assert not (output / "3" / "index.html").exists()
    assert "/epipedo-3/" in (output / "greek" / "επίπεδο-2" / "επίπεδο-3" / "index.html").read_text(encoding="utf-8")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names a synced descriptor through /proc (Linux)")
def test_the_import_syncs_every_file_and_each_bundles_folder_once(tmp_path, monkeypatch):
    """Each file's bytes reach the disk before it takes its name; each bundle's folder is synced once after the last
    rename into it, and each folder that got a new folder once at the end (a bundle's folder that holds another
    bundle: twice): a folder sync for every file was half the first import's time on a journaled disk."""
    events: list[tuple[str, Path]] = []
    real_sync, real_replace = os.fsync, os.replace

    def noting(descriptor):
        events.append(("sync", Path(os.readlink(f"/proc/self/fd/{descriptor}"))))
        real_sync(descriptor)

    def moving(source, target, **options):
        events.append(("rename", Path(target)))
        real_replace(source, target, **options)

    monkeypatch.setattr(os, "fsync", noting)
    monkeypatch.setattr(os, "replace", moving)
    site = new_site(tmp_path / "site")
    result = run_import(site, FIXTURE, kpu_uploads(tmp_path / "uploads"))
    assert result.code == 0, result.errors
    content = site / "content"
    written = sorted(p for p in content.rglob("*") if p.is_file())
    files = [p for kind, p in events if kind == "sync" and not p.is_dir() and p.is_relative_to(content)]
    assert sorted(p.parent / p.name[1:].rsplit(".", 2)[0] for p in files) == written      # .NAME.PID-X.tmp
    bundles = {p.parent for p in written}
    for folder in bundles:
        syncs = [n for n, (kind, p) in enumerate(events) if kind == "sync" and p == folder]
        renames = [n for n, (kind, p) in enumerate(events) if kind == "rename" and p.parent == folder]
        holds_new = any(other.parent == folder for other in bundles)    # profil/ holds a page of its own
        assert 1 <= len(syncs) <= 1 + holds_new and min(syncs) > max(renames), folder
        parent = [n for n, (kind, p) in enumerate(events) if kind == "sync" and p == folder.parent]
        assert len(parent) == 1 + (folder.parent in bundles) and max(parent) > min(syncs), folder.parent
    assert len(bundles) < len(files)
