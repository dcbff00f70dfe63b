"""The staff desk (Meja Redaksi) end to end in Chromium: writing a post with photos and a PDF, saving what a person
would write, conflicts, history, trash, the token, hostile upload names, keyboard-only use, axe on every screen."""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from PIL import Image

from tests.browser import require_browser
from tests.conftest import build_site, make_photo, start_desk
from tests.readers_site import AXE, add_axe, require
from tests.browser import chromium

pytestmark = pytest.mark.browser

HAND_WRITTEN = "content/posts/2020/rapat-pleno-terbuka.md"
BUNDLE = "content/posts/2019/rapat-koordinasi-sosialisasi-pemilihan-2020/index.md"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def page(desk):
    require_browser()
    context = chromium().new_context(viewport=DESKTOP)
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def heic(path: Path) -> Path:
    import pillow_heif

    pillow_heif.register_heif_opener()
    Image.new("RGB", (80, 60), (20, 160, 60)).save(path, "HEIF")
    return path


def pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def open_form(page, desk, key: str | None = None):
    page.goto(desk.url + ("/baru" if key is None else f"/ubah/{key}"))
    page.get_by_label("Judul", exact=True).wait_for()


def save(page):
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_load_state("load")


def post(desk, path: str, fields: dict, headers: dict | None = None) -> tuple[int, str]:
    """A form POST to the desk made outside the browser (urlencoded)."""
    from urllib.parse import urlencode

    request = urllib.request.Request(desk.url + path, data=urlencode(fields, doseq=True).encode(), method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def upload(desk, filename: str, data: bytes, key: str = "") -> tuple[int, dict]:
    """The upload endpoint as the page's script calls it (multipart, token in the header)."""
    boundary = uuid.uuid4().hex
    quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n{key}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"{quoted}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode("utf-8") + data \
        + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(desk.url + "/unggah", data=body, method="POST", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "X-Desk-Token": desk.token})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def uploaded(page, items: str, count: int) -> None:
    """Wait until the list holds count uploaded files (a file chosen holds a hidden place until it is sent)."""
    page.wait_for_function("([s, n]) => document.querySelectorAll(s + ' > li.item').length === n",
                           arg=[items, count])


def saved_key(page) -> str:
    match = re.search(r"/_redaksi/ubah/(.+?)(\?|$)", page.url)
    assert match, f"after saving the desk shows the post's form, not {page.url}"
    return urllib.request.unquote(match.group(1))


# ---------------------------------------------------------------------------------------------------- writing


def test_writing_a_post_with_three_photos_and_a_pdf_saves_the_bundle_and_builds(page, desk, tmp_path):
    rotated = make_photo(tmp_path / "IMG_0001.JPG", size=(120, 80), orientation=6)
    phone = heic(tmp_path / "IMG_0002.HEIC")
    plain = make_photo(tmp_path / "spanduk.png", size=(90, 90), color=(20, 20, 160))
    document = pdf(tmp_path / "Undangan Rapat.pdf")
    open_form(page, desk)
    page.get_by_label("Judul", exact=True).fill("Sosialisasi Tahapan Pemilu di Tanjung Selor")
    page.get_by_label("Tanggal", exact=True).fill("2024-05-17 09:30")
    page.get_by_label("Kategori", exact=True).fill("Sosialisasi")
    page.get_by_label("Isi berita", exact=True).fill("KPU Kaltara menggelar sosialisasi tahapan pemilu.\n")
    page.get_by_label("Foto", exact=True).set_input_files([str(rotated), str(phone), str(plain)])
    uploaded(page, "#daftar-foto", 3)
    captions = ["Ketua KPU membuka acara", "Peserta dari kecamatan", "Spanduk kegiatan"]
    for number, caption in enumerate(captions):
        page.get_by_label("Keterangan", exact=True).nth(number).fill(caption)
    page.get_by_label("Lampiran", exact=True).set_input_files([str(document)])
    uploaded(page, "#daftar-lampiran", 1)
    page.get_by_label("Judul lampiran").first.fill("Undangan rapat sosialisasi")
    page.get_by_label("Terbit", exact=True).check()
    save(page)
    key = saved_key(page)
    assert key.startswith("content/posts/2024/") and key.endswith("/index.md")
    bundle = (desk.site / key).parent
    text = (desk.site / key).read_text(encoding="utf-8")
    names = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.strip().startswith("- file:")]
    assert len(names) == 4, text                  # three photos and the PDF
    assert all((bundle / name).is_file() for name in names)
    assert [n.lower().split(".")[0] for n in names[:3]] == ["img_0001", "img_0002", "spanduk"], \
        "photos keep the order they were chosen in, whichever upload ends first"
    heic_copy = names[1]
    assert heic_copy.endswith(".jpg"), "the HEIC photo is kept as a JPEG"
    with Image.open(bundle / heic_copy) as converted:
        assert converted.format == "JPEG"
    for caption in captions + ["Undangan rapat sosialisasi"]:
        assert caption in text
    assert "---" in text and "gallery:" in text and "attachments:" in text
    assert not any(p.name.startswith(".") or "/" in p.name for p in bundle.iterdir())
    # the preview rebuilt the site before the desk answered the save, and the form links to the page
    with urllib.request.urlopen(page.locator(".address a").get_attribute("href"), timeout=30) as answer:
        assert "Sosialisasi Tahapan Pemilu di Tanjung Selor" in answer.read().decode()
    built = next((desk.site / "output").rglob("sosialisasi-tahapan-pemilu*/index.html")).read_text(encoding="utf-8")
    for caption in captions:
        assert caption in built
    assert "Undangan rapat sosialisasi" in built
    tag = re.search(r'<img[^>]*src="[^"]*img-0001[^"]*"[^>]*>', built, re.I).group(0)
    width, height = (int(re.search(fr'{side}="(\d+)"', tag).group(1)) for side in ("width", "height"))
    assert width < height, "the phone photo turned upright by its EXIF orientation (120x80 shown 80x120)"


def test_a_hand_written_post_saved_unchanged_is_byte_for_byte_the_same(page, desk):
    for key in (HAND_WRITTEN, BUNDLE):
        before = (desk.site / key).read_bytes()
        open_form(page, desk, key)
        save(page)
        assert (desk.site / key).read_bytes() == before, key


def test_changing_one_field_changes_only_its_line(page, desk):
    before = (desk.site / BUNDLE).read_text(encoding="utf-8")
    open_form(page, desk, BUNDLE)
    page.get_by_label("Judul", exact=True).fill("Rapat Koordinasi Sosialisasi Pemilihan Serentak 2020")
    save(page)
    after = (desk.site / BUNDLE).read_text(encoding="utf-8")
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert changed == ["-title: Rapat Koordinasi Sosialisasi Pemilihan 2020",
                       "+title: Rapat Koordinasi Sosialisasi Pemilihan Serentak 2020"]


def test_a_save_with_errors_is_kept_as_a_draft_and_says_why_beside_the_field(page, desk):
    open_form(page, desk)
    page.get_by_label("Judul", exact=True).fill("Berita dengan tanggal keliru")
    page.get_by_label("Tanggal", exact=True).fill("2024-13-45 99:99")
    page.get_by_label("Terbit", exact=True).check()
    save(page)
    key = saved_key(page)
    assert "draft: true" in (desk.site / key).read_text(encoding="utf-8")
    assert page.get_by_role("status").filter(has_text="draf").count() == 1
    assert "tidak tampil di situs" in page.locator(".address").inner_text(), "a draft says why it is not on the site"
    date = page.get_by_label("Tanggal", exact=True)
    assert date.get_attribute("aria-invalid") == "true"
    message = page.locator("#galat-date").inner_text()
    assert message.strip(), "the build's own sentence is shown beside the date"


def test_a_published_post_saved_with_an_error_warns_that_it_leaves_the_site(page, desk):
    """The trial: a typo in a published post's date kept it as a draft, and the page did not say that the next
    publishing takes it off the site."""
    open_form(page, desk, BUNDLE)
    page.get_by_label("Tanggal", exact=True).fill("2019-11-31 20:00")
    save(page)
    said = page.get_by_role("status").filter(has_text="draf").inner_text()
    assert "hilang dari situs pada penerbitan berikutnya" in said
    assert "draft: true" in (desk.site / BUNDLE).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------- conflict, history, trash


def test_a_file_changed_on_disk_after_opening_shows_both_versions_and_never_overwrites(page, desk):
    source = desk.site / HAND_WRITTEN
    open_form(page, desk, HAND_WRITTEN)
    page.get_by_label("Judul", exact=True).fill("Judul dari Meja Redaksi")
    colleague = source.read_text(encoding="utf-8").replace("Rapat pleno terbuka",
                                                           "Rapat pleno terbuka (disunting rekan)")
    source.write_text(colleague, encoding="utf-8")
    save(page)
    assert source.read_text(encoding="utf-8") == colleague, "nothing overwritten before the person chooses"
    assert page.get_by_text("Judul dari Meja Redaksi").count() >= 1
    page.get_by_role("link", name="Pakai versi di disk").wait_for()
    page.get_by_role("button", name="Pakai versi saya").click()
    page.wait_for_load_state("load")
    text = source.read_text(encoding="utf-8")
    assert "title: Judul dari Meja Redaksi" in text


def test_choosing_the_version_on_disk_keeps_it(page, desk):
    source = desk.site / HAND_WRITTEN
    open_form(page, desk, HAND_WRITTEN)
    page.get_by_label("Judul", exact=True).fill("Judul yang dibuang")
    colleague = source.read_text(encoding="utf-8") + "\nParagraf rekan.\n"
    source.write_text(colleague, encoding="utf-8")
    save(page)
    page.get_by_role("link", name="Pakai versi di disk").click()
    assert page.get_by_label("Isi berita", exact=True).input_value().rstrip().endswith("Paragraf rekan.")
    assert source.read_text(encoding="utf-8") == colleague
    assert page.get_by_role("alert").count() == 0, "the changes thrown away are not offered back"


def test_an_earlier_version_is_restored_from_the_history(page, desk):
    source = desk.site / HAND_WRITTEN
    original = source.read_bytes()
    open_form(page, desk, HAND_WRITTEN)
    page.get_by_label("Judul", exact=True).fill("Judul yang keliru")
    save(page)
    assert source.read_bytes() != original
    page.get_by_role("link", name="Riwayat versi").click()
    page.get_by_role("button", name=re.compile("^Pulihkan versi")).first.click()
    page.wait_for_load_state("load")
    assert source.read_bytes() == original


def test_a_post_moved_to_the_trash_is_restored(page, desk):
    bundle = (desk.site / BUNDLE).parent
    before = {p.name: p.read_bytes() for p in bundle.iterdir()}
    open_form(page, desk, BUNDLE)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Pindahkan ke Sampah").click()
    page.wait_for_url("**/sampah**")
    assert not (desk.site / BUNDLE).exists()
    page.goto(desk.url + "/")
    assert page.get_by_role("link", name="Rapat Koordinasi Sosialisasi Pemilihan 2020").count() == 0
    page.goto(desk.url + "/sampah")
    page.get_by_role("button", name="Pulihkan Rapat Koordinasi Sosialisasi Pemilihan 2020").click()
    page.wait_for_load_state("load")
    assert {p.name: p.read_bytes() for p in bundle.iterdir()} == before


# ---------------------------------------------------------------------------------------------------- the list


def test_the_list_shows_status_filters_without_javascript_and_names_broken_posts(desk):
    require_browser()
    (desk.site / "content/posts/2020/rusak.md").write_text("---\ntitle: Berita Rusak\ndate: kemarin\n---\n\nIsi.\n",
                                                           encoding="utf-8")
    context = chromium().new_context(viewport=DESKTOP, java_script_enabled=False)
    plain = context.new_page()
    try:
        plain.goto(desk.url + "/")
        rows = plain.locator("tbody tr")
        titles = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
        assert any("Berita Terjadwal" in t or "terjadwal" in t.lower() for t in titles) or rows.count() > 3
        broken = plain.locator("tr.has-problem")
        assert broken.count() == 1 and "Berita Rusak" in broken.inner_text()
        assert broken.locator(".problem").inner_text().strip()
        plain.get_by_label("Status").select_option("draf")
        plain.get_by_role("button", name="Saring").click()
        plain.wait_for_load_state("load")
        assert "status=draf" in plain.url
        statuses = plain.locator("tbody .status")
        assert statuses.count() >= 1
        assert {statuses.nth(i).inner_text() for i in range(statuses.count())} == {"Draf"}
        plain.get_by_label("Cari judul").fill("pleno")
        plain.get_by_label("Status").select_option("")
        plain.get_by_role("button", name="Saring").click()
        plain.wait_for_load_state("load")
        assert plain.locator("tbody tr").count() == 1
        assert "Rapat Pleno Terbuka" in plain.locator("tbody").inner_text()
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------------- preview


def test_the_preview_shows_the_unsaved_post_in_the_sites_theme(page, desk):
    source = desk.site / HAND_WRITTEN
    before = source.read_bytes()
    open_form(page, desk, HAND_WRITTEN)
    page.get_by_label("Judul", exact=True).fill("Judul Pratinjau Belum Disimpan")
    frame = page.frame_locator("[data-preview-frame]")
    frame.get_by_role("heading", name="Judul Pratinjau Belum Disimpan").wait_for()
    assert source.read_bytes() == before, "the preview saves nothing"
    assert frame.locator("link[rel=stylesheet]").count() >= 1, "the site's own theme"


def test_the_preview_of_a_post_just_opened_does_not_call_it_unsaved(page, desk):
    """Right after opening (or saving) a post nothing is unsaved: the preview's line must not say otherwise."""
    open_form(page, desk, HAND_WRITTEN)
    page.frame_locator("[data-preview-frame]").locator("h1").first.wait_for()
    status = page.locator("#pratinjau-keadaan")
    page.get_by_text("Pratinjau isian formulir").wait_for()
    assert "belum disimpan" not in status.inner_text()


def test_on_a_phone_the_preview_is_a_tab(desk):
    require_browser()
    context = chromium().new_context(viewport=PHONE)
    phone = context.new_page()
    try:
        open_form(phone, desk, HAND_WRITTEN)
        assert not phone.locator("[data-preview-frame]").is_visible()
        phone.get_by_role("button", name="Pratinjau").click()
        phone.locator("[data-preview-frame]").wait_for(state="visible")
        assert not phone.get_by_label("Judul", exact=True).is_visible()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "no sideways scrolling on a 390-px phone"
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------------- security


def test_a_request_without_the_token_is_refused(desk):
    source = desk.site / HAND_WRITTEN
    before = source.read_bytes()
    fields = {"key": HAND_WRITTEN, "judul": "Diubah dari situs lain", "tanggal": "2020-02-20 14:00", "status": "terbit"}
    assert post(desk, "/simpan", fields)[0] == 403
    assert post(desk, "/simpan", {**fields, "csrf": "salah"})[0] == 403
    assert post(desk, "/simpan", {**fields, "csrf": desk.token}, {"Origin": "http://penyerang.example"})[0] == 403
    for path in ("/hapus", "/terbit", "/unggah", "/pratinjau", "/pulihkan", "/sampah/pulihkan", "/tempel"):
        assert post(desk, path, {"key": HAND_WRITTEN, "id": "x"})[0] == 403, path
        assert post(desk, path, {"key": HAND_WRITTEN}, {"X-Desk-Token": "salah"})[0] == 403, path
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(photo, "JPEG")
    status, _ = upload(desk, "foto.jpg", photo.getvalue())
    assert status == 200
    assert source.read_bytes() == before


def test_a_request_naming_another_host_is_refused_even_with_the_token(desk):
    import http.client

    source = desk.site / HAND_WRITTEN
    before = source.read_bytes()
    port = int(desk.origin.rsplit(":", 1)[1])
    body = urllib.parse.urlencode({"csrf": desk.token, "key": HAND_WRITTEN, "judul": "Lewat DNS rebinding",
                                   "tanggal": "2020-02-20 14:00", "status": "terbit"})
    for host in ("penyerang.example", f"penyerang.example:{port}", "127.0.0.1.nip.io"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.putrequest("POST", "/_redaksi/simpan", skip_host=True)
        conn.putheader("Host", host)
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body.encode())
        assert conn.getresponse().status == 400, host
        conn.close()
    assert source.read_bytes() == before


def test_hostile_upload_names_stay_in_the_bundle(desk, tmp_path):
    outside = tmp_path / "site"
    before = {p for p in tmp_path.rglob("*")}
    photo = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 0, 0)).save(photo, "JPEG")
    names = ["../../jahat.jpg", "..\\..\\jahat.jpg", "/etc/passwd.jpg", "a\x00b.jpg", ".htaccess", "CON.jpg",
             "foto?.jpg", "  .jpg", "nul", "x" * 300 + ".jpg"]
    for name in names:
        status, answer = upload(desk, name, photo.getvalue(), BUNDLE)
        if status == 200:
            stored = answer["nama"]
            assert "/" not in stored and "\\" not in stored and "\x00" not in stored and not stored.startswith(".")
            assert stored.upper().split(".")[0] not in {"CON", "NUL", "PRN", "AUX"}
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(p.is_relative_to(outside) for p in created), "nothing is written outside the site folder"
    bundle = (outside / BUNDLE).parent
    placed = [p for p in created if p.is_relative_to(outside / "content")]
    assert placed and all(p.parent == bundle for p in placed), "uploads land in the post's own folder"


def test_a_file_over_the_size_limit_is_refused_with_a_message(tmp_path):
    require_browser()
    from tests.conftest import copy_site

    site = copy_site("basic", tmp_path / "site")
    server = start_desk(site, upload_limit=2000)
    context = chromium().new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        open_form(page, server)
        big = make_photo(tmp_path / "besar.jpg", size=(400, 400))
        page.get_by_label("Foto", exact=True).set_input_files([str(big)])
        message = page.locator("[data-uploads=foto] .problem")
        message.wait_for()
        assert "MB" in message.inner_text() or "besar" in message.inner_text()
        assert page.locator("#daftar-foto > li").count() == 0
    finally:
        context.close()
        server.stop()


def test_a_phone_video_over_the_document_limit_is_uploaded_under_the_video_limit_without_its_location(tmp_path):
    require_browser()
    from tests.conftest import VIDEO_PLACE, copy_site, make_video, video_box

    site = copy_site("basic", tmp_path / "site")
    with open(site / "config.yaml", "a", encoding="utf-8") as config:
        config.write("desk:\n  upload_limit_mb: 1\n  video_limit_mb: 4\n")
    clip = tmp_path / "VID_20240502.MOV"
    clip.write_bytes(make_video(quicktime=True) + video_box(b"free", bytes(2 << 20)))     # 2 MB, as a phone's
    server = start_desk(site)
    context = chromium().new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        open_form(page, server)
        assert "video MP4/MOV dari ponsel, paling besar 4 MB" in page.locator("#lampiran-petunjuk").inner_text()
        page.get_by_label("Lampiran", exact=True).set_input_files([str(clip)])
        uploaded(page, "#daftar-lampiran", 1)
        [kept] = [p for p in (site / ".redaksi" / "unggahan").iterdir() if p.suffix == ".mov"]
        assert kept.stat().st_size == clip.stat().st_size and VIDEO_PLACE not in kept.read_bytes()
    finally:
        context.close()
        server.stop()


# ---------------------------------------------------------------------------------------------------- settings


def test_a_staff_member_sets_the_offices_name_logo_and_a_service_link_and_the_home_page_shows_them(page, desk,
                                                                                                    tmp_path):
    config = desk.site / "config.yaml"
    before = config.read_text(encoding="utf-8")
    logo = make_photo(tmp_path / "Logo KPU Bulungan.png", size=(120, 120), color=(122, 16, 16))
    page.goto(desk.url + "/")
    page.get_by_role("link", name="Pengaturan", exact=True).click()
    page.get_by_label("Nama kantor").fill("KPU Kabupaten Bulungan")
    page.get_by_label("Unggah logo").set_input_files(str(logo))
    services = page.locator("#bagian-layanan")
    services.get_by_role("button", name="Tambah baris").click()
    row = services.locator("[data-row]").last
    row.get_by_label("Judul").fill("Sirekap")
    row.get_by_label("Alamat (url)").fill("https://sirekap-web.kpu.go.id/")
    row.get_by_label("Keterangan singkat").fill("Hasil penghitungan suara")
    page.get_by_role("button", name="Simpan pengaturan").click()
    page.wait_for_url("**/pengaturan?disimpan=1")
    assert page.get_by_role("status").filter(has_text="Tersimpan").count() == 1
    assert page.locator("img.logo-now").evaluate("image => image.naturalWidth") == 120, "the logo in use is shown"
    after = config.read_text(encoding="utf-8")
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert changed == ["-  title: KPU Provinsi Kalimantan Utara", "+  title: KPU Kabupaten Bulungan",
                       "+  logo: /assets/logo-kpu-bulungan.png", "+  - title: Sirekap",
                       "+    url: https://sirekap-web.kpu.go.id/", "+    description: Hasil penghitungan suara"]
    assert [line for line in after.splitlines() if line.startswith("#")] == \
        [line for line in before.splitlines() if line.startswith("#")], "config.yaml's comments survive"
    page.goto(desk.origin + "/")
    brand = page.locator("header .brand")
    assert "KPU Kabupaten Bulungan" in brand.inner_text()
    assert brand.locator("img").get_attribute("src") == "/assets/logo-kpu-bulungan.png"
    assert brand.locator("img").evaluate("image => image.naturalWidth") == 120, "the logo is published"
    link = page.locator(".services").get_by_role("link", name=re.compile("Sirekap"))
    assert link.get_attribute("href") == "https://sirekap-web.kpu.go.id/"


def test_the_offices_colour_is_picked_from_a_palette_and_the_site_wears_it(page, desk):
    page.goto(desk.url + "/pengaturan")
    page.get_by_label("Pilih warna utama dari palet").fill("#1d4e89")
    assert page.get_by_label("Warna utama", exact=True).input_value() == "#1d4e89"
    page.get_by_label("Teks kaki halaman").fill("© KPU Kabupaten Bulungan")
    page.get_by_role("button", name="Simpan pengaturan").click()
    page.wait_for_url("**/pengaturan?disimpan=1")
    assert 'color: "#1d4e89"' in (desk.site / "config.yaml").read_text(encoding="utf-8")
    page.goto(desk.origin + "/")
    masthead = page.locator("header").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert masthead == "rgb(29, 78, 137)"
    assert "© KPU Kabupaten Bulungan" in page.locator("footer").last.inner_text()


# ---------------------------------------------------------------------------------------------------- keyboard and axe


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches selector (the way a keyboard user reaches a field)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} not reached with Tab")


def test_a_post_is_written_and_saved_with_the_keyboard_only(page, desk, tmp_path):
    open_form(page, desk)
    page.locator("body").focus()
    tab_to(page, "#judul")
    page.keyboard.type("Berita Ditulis dengan Papan Ketik")
    tab_to(page, "#isi")
    page.keyboard.type("Paragraf pertama ")
    page.keyboard.press("Control+b")                  # the example word is selected: typing replaces it
    page.keyboard.type("tebal")
    page.keyboard.press("End")
    page.keyboard.type(".")
    page.get_by_label("Foto", exact=True).set_input_files([str(make_photo(tmp_path / "a.jpg")),
                                                           str(make_photo(tmp_path / "b.jpg", color=(0, 90, 0)))])
    uploaded(page, "#daftar-foto", 2)
    first = page.locator("#daftar-foto > li").first.get_attribute("data-name")
    tab_to(page, "#daftar-foto > li:first-child [data-move='1']")
    page.keyboard.press("Enter")
    assert page.locator("#daftar-foto > li").nth(1).get_attribute("data-name") == first
    assert page.evaluate("document.activeElement.dataset.move") == "1", "focus stays on the moved photo's button"
    tab_to(page, "input[name=status]:checked")         # a radio group is one stop; arrows choose within it
    page.keyboard.press("ArrowDown")
    assert page.locator("#status-terbit").is_checked()
    tab_to(page, "button[type=submit].primary")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ubah/**")
    text = (desk.site / saved_key(page)).read_text(encoding="utf-8")
    assert "title: Berita Ditulis dengan Papan Ketik" in text and "Paragraf pertama **tebal**." in text
    assert text.index("b.jpg") < text.index("a.jpg")


def axe(page) -> list[str]:
    add_axe(page)
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in violations]


SCREENS = ["/", "/?status=draf", "/baru", "/baru?jenis=page", f"/ubah/{BUNDLE}", f"/riwayat/{HAND_WRITTEN}", "/sampah",
           "/terbit", "/ubah/content/posts/tidak-ada.md", "/pengaturan",
           "conflict"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_violations_on_any_desk_screen(desk, viewport):
    require_browser()
    require(AXE.is_file(), "node_modules/axe-core belum terpasang (jalankan `npm ci`): uji axe dilewati")
    context = chromium().new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    try:
        open_form(page, desk, HAND_WRITTEN)
        save(page)                                   # one version in the history
        found = {}
        for screen in SCREENS:
            if screen == "conflict":
                open_form(page, desk, HAND_WRITTEN)
                page.get_by_label("Judul", exact=True).fill("Judul lain")
                source = desk.site / HAND_WRITTEN
                source.write_text(source.read_text(encoding="utf-8") + "\nTambahan.\n", encoding="utf-8")
                save(page)
                page.get_by_role("button", name="Pakai versi saya").wait_for()
            else:
                page.goto(desk.url + screen)
            violations = axe(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                violations.append(f"the page is {width} px wide, wider than the screen")
            if violations:
                found[screen] = violations
        assert found == {}
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------------- publishing


@contextlib.contextmanager
def publish_page(tmp_path: Path, target: Path):
    """The desk's publish page in Chromium, for a built news site whose one target is the folder `target`."""
    require_browser()
    from tests.conftest import news_site

    site = news_site(tmp_path / "site", f"publish:\n  cadangan:\n    type: folder\n    path: {target}\n")
    build_site(site)
    server = start_desk(site)
    context = chromium().new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(server.url + "/terbit")
        yield page
    finally:
        context.close()
        server.stop()


def test_publishing_from_the_desk_shows_progress_and_when_it_was_published(tmp_path):
    target = tmp_path / "terbit"
    with publish_page(tmp_path, target) as page:
        assert page.get_by_text("belum pernah diterbitkan").count() == 1
        page.get_by_role("button", name="Terbitkan ke situs").click()
        page.get_by_text("Selesai: situs sudah diterbitkan.").wait_for(timeout=60000)
        count = page.locator("[data-count]").inner_text()
        sent, total = map(int, re.match(r"(\d+) dari (\d+) berkas terkirim", count).groups())
        assert sent == total > 0
        assert (target / "index.html").is_file()
        page.reload()
        assert page.get_by_text("Terakhir diterbitkan dari Meja Redaksi").count() == 1
        assert page.get_by_text("Tidak ada yang berubah.").count() == 1


def test_a_publish_that_fails_says_so_beside_the_reason(tmp_path):
    """The trial: a target whose folder could not be made showed its reason, but nothing said the site was not
    published (a success ends with 'Selesai'), so a first-time user could not tell whether it had gone."""
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("", encoding="utf-8")
    with publish_page(tmp_path, blocker / "situs") as page:
        page.get_by_role("button", name="Terbitkan ke situs").click()
        failed = page.locator("[data-lines] .failed")
        failed.wait_for(timeout=60000)
        assert "Belum terbit" in failed.inner_text() and "Terbitkan ke situs" in failed.inner_text()
        assert page.get_by_text("Selesai: situs sudah diterbitkan.").count() == 0
        assert "cadangan:" in page.locator("[data-lines]").inner_text()


def test_a_first_time_host_key_is_a_question_with_its_fingerprint(tmp_path, monkeypatch):
    require_browser()
    from tests.conftest import news_site, tree
    from tests.servers import start_sshd

    sshd = start_sshd(tmp_path / "sshd")
    monkeypatch.setenv("HOME", str(sshd.home))      # the desk publishes in this process: ~/.ssh is the test's
    monkeypatch.setenv("SSH_AUTH_SOCK", "")
    site = news_site(tmp_path / "site", f"publish:\n  utama:\n    type: sftp\n    host: 127.0.0.1\n"
                                        f"    port: {sshd.port}\n    user: {sshd.user}\n    path: {sshd.root}\n")
    server = start_desk(site)
    context = chromium().new_context(viewport=PHONE, bypass_csp=True)     # axe comes from another origin
    try:
        page = context.new_page()
        page.goto(server.url + "/terbit")
        page.get_by_role("button", name="Terbitkan ke situs").click()
        question = page.locator("[data-question]")
        question.wait_for(state="visible", timeout=60000)
        assert question.locator("code").inner_text() == sshd.fingerprint()
        if AXE.is_file():
            assert axe(page) == [], "the question passes axe on a phone"
        assert "--trust-host-key" not in page.locator("main").inner_text(), "a question, not a command to copy"
        assert tree(sshd.root) == {}
        page.get_by_role("button", name="Percayai").click()
        page.get_by_text("Selesai: situs sudah diterbitkan.").wait_for(timeout=60000)
        assert (sshd.root / "index.html").is_file()
        assert f"[127.0.0.1]:{sshd.port} ssh-ed25519 " in (sshd.home / ".ssh/known_hosts").read_text()
    finally:
        context.close()
        server.stop()
        sshd.stop()


def test_without_javascript_photos_chosen_in_the_form_come_with_the_save(desk, tmp_path):
    require_browser()
    context = chromium().new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        open_form(page, desk)
        page.get_by_label("Judul", exact=True).fill("Berita Tanpa Skrip")
        page.get_by_label("Foto", exact=True).set_input_files([str(make_photo(tmp_path / "satu.jpg"))])
        page.get_by_label("Lampiran", exact=True).set_input_files([str(pdf(tmp_path / "surat.pdf"))])
        save(page)
        key = saved_key(page)
        bundle = (desk.site / key).parent
        assert (bundle / "satu.jpg").is_file() and (bundle / "surat.pdf").is_file()
        assert page.get_by_label("Keterangan", exact=True).count() == 1
    finally:
        context.close()


def test_a_scheduled_post_and_a_new_page_are_listed_with_their_status(page, desk):
    open_form(page, desk)
    page.get_by_label("Judul", exact=True).fill("Pengumuman Terjadwal Tahun Depan")
    page.get_by_label("Tanggal", exact=True).fill("2030-01-02 08:00")
    page.get_by_label("Jadwalkan", exact=True).check()
    save(page)
    scheduled = saved_key(page)
    assert "draft:" not in (desk.site / scheduled).read_text(encoding="utf-8")
    page.goto(desk.url + "/baru?jenis=page")
    page.get_by_label("Judul", exact=True).fill("Struktur Organisasi")
    assert page.get_by_label("Kategori", exact=True).count() == 0, "a page has no category"
    page.get_by_label("Isi berita", exact=True).fill("Ketua dan anggota KPU.\n")
    page.get_by_label("Terbit", exact=True).check()
    save(page)
    assert saved_key(page).startswith("content/pages/")
    page.goto(desk.url + "/?status=terjadwal")
    assert "Pengumuman Terjadwal Tahun Depan" in page.locator("tbody").inner_text()
    page.goto(desk.url + "/?q=struktur")
    row = page.locator("tbody tr")
    assert row.count() == 1 and "(halaman)" in row.inner_text() and "Terbit" in row.inner_text()


def test_a_new_page_is_put_in_the_top_menu_and_taken_out_again_from_its_form(page, desk):
    page.goto(desk.url + "/baru?jenis=page")
    page.get_by_label("Judul", exact=True).fill("Struktur Organisasi")
    page.get_by_label("Urutan di menu atas", exact=True).fill("3")
    page.get_by_label("Isi berita", exact=True).fill("Ketua dan anggota KPU.\n")
    page.get_by_label("Terbit", exact=True).check()
    save(page)
    key = saved_key(page)
    assert "\nmenu: 3\n" in (desk.site / key).read_text(encoding="utf-8")

    def menu() -> str:
        page.goto(desk.origin + "/")
        return page.locator("header nav").first.inner_text()

    assert menu().index("Kontak") < menu().index("Struktur Organisasi"), "the preview's menu has the page third"
    page.goto(desk.url + f"/ubah/{key}")
    assert page.get_by_label("Urutan di menu atas", exact=True).input_value() == "3"
    page.get_by_label("Urutan di menu atas", exact=True).fill("")
    save(page)
    assert "menu:" not in (desk.site / key).read_text(encoding="utf-8")
    assert "Struktur Organisasi" not in menu() and "Kontak" in menu()


def test_a_post_is_made_the_lead_story_its_cover_kept_off_the_top_and_a_photo_credited_from_its_form(page, desk):
    open_form(page, desk, BUNDLE)
    page.get_by_label("Kredit foto").nth(1).fill("Humas KPU Kaltara")
    page.get_by_label("Jangan tampilkan foto sampul di atas isi berita", exact=True).check()
    page.get_by_label("Berita utama di beranda sampai", exact=True).fill("2099-12-31")
    save(page)
    text = (desk.site / BUNDLE).read_text(encoding="utf-8")
    assert "cover: peserta.jpg\ncover_hidden: true\n" in text and "\npinned_until: 2099-12-31\n" in text
    assert "  - file: peserta.jpg\n" in text and "    credit: Humas KPU Kaltara\n" in text
    page.goto(desk.origin + "/")
    assert "Rapat Koordinasi Sosialisasi Pemilihan 2020" in page.locator("article.lead").inner_text()
    page.locator("article.lead a").last.click()
    assert "Foto: Humas KPU Kaltara" in page.locator("main").inner_text()
    open_form(page, desk, BUNDLE)
    assert page.get_by_label("Berita utama di beranda sampai", exact=True).input_value() == "2099-12-31"
    assert page.get_by_label("Jangan tampilkan foto sampul di atas isi berita", exact=True).is_checked()


def test_a_press_release_pasted_from_word_keeps_its_bold_headings_lists_and_table(desk):
    """Staff copy a press release from Word and paste it with Ctrl+V, as into WordPress's editor: the browser's
    plain text was one paragraph without marks; the body now holds its Markdown, and the site shows it as in Word."""
    require_browser()
    word = (Path(__file__).parent / "paste" / "word.html").read_text(encoding="utf-8")
    context = chromium().new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=desk.origin)
    page = context.new_page()
    try:
        open_form(page, desk)
        page.get_by_label("Judul", exact=True).fill("Rapat Pleno DPT")
        body = page.get_by_label("Isi berita", exact=True)
        body.fill("Paragraf pembuka.\n")
        page.evaluate("""html => navigator.clipboard.write([new ClipboardItem({
            "text/html": new Blob([html], {type: "text/html"}),
            "text/plain": new Blob(["teks biasa"], {type: "text/plain"})})])""", word)
        body.press("End")
        body.press("ControlOrMeta+End")
        body.press("ControlOrMeta+V")
        page.wait_for_function("() => document.getElementById('isi').value.includes('Distribusi logistik')")
        text = body.input_value()
        assert text.startswith("Paragraf pembuka.\n\n## Rilis Pers KPU Provinsi Kalimantan Utara\n\n**Tanjung Selor**")
        assert "- DPT berjumlah 504.252 pemilih\n    - laki-laki 258.111\n" in text
        assert "1 foto di teks yang ditempel tidak ikut" in page.locator("[data-paste-state]").inner_text()
        body.press("ControlOrMeta+Z")
        assert body.input_value() == "Paragraf pembuka.\n", "the paste is one step of the browser's undo"
        body.press("ControlOrMeta+Shift+Z")
        page.get_by_label("Terbit", exact=True).check()
        save(page)
        built = next((desk.site / "output").rglob("rapat-pleno-dpt*/index.html")).read_text(encoding="utf-8")
        assert "<strong>Tanjung Selor</strong>" in built and "<td>112.345</td>" in built
        assert "<li>DPT berjumlah 504.252 pemilih<ul>" in built
    finally:
        context.close()


def test_a_screenshot_pasted_into_the_body_is_uploaded_as_a_photo_and_shown_there(desk):
    require_browser()
    context = chromium().new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=desk.origin)
    page = context.new_page()
    try:
        open_form(page, desk)
        page.get_by_label("Judul", exact=True).fill("Tangkapan layar jadwal")
        body = page.get_by_label("Isi berita", exact=True)
        body.fill("Jadwal tahapan:")
        page.evaluate("""async () => {
            const canvas = document.createElement("canvas");
            canvas.width = 120; canvas.height = 80;
            canvas.getContext("2d").fillRect(0, 0, 60, 40);
            const png = await new Promise(done => canvas.toBlob(done, "image/png"));
            await navigator.clipboard.write([new ClipboardItem({"image/png": png})]);
        }""")
        body.press("ControlOrMeta+End")
        body.press("ControlOrMeta+V")
        uploaded(page, "#daftar-foto", 1)
        page.wait_for_function("() => document.getElementById('isi').value.includes('![](')")
        name = page.locator("#daftar-foto input[name=foto]").input_value()
        assert body.input_value() == f"Jadwal tahapan:\n\n![]({name})"
        page.get_by_label("Terbit", exact=True).check()
        save(page)
        bundle = (desk.site / saved_key(page)).parent
        assert (bundle / name).is_file()
        with Image.open(bundle / name) as photo:
            assert photo.size == (120, 80)
    finally:
        context.close()


def test_photos_and_a_pdf_dropped_on_the_body_are_uploaded_the_photo_placed_where_the_cursor_is(page, desk):
    """Dragging files from the file manager onto the text, as into WordPress's editor: the browser opened the file in
    place of the form (the typed post lost); the photo is now uploaded and shown in the text, the PDF attached."""
    open_form(page, desk)
    page.get_by_label("Judul", exact=True).fill("Berita dengan berkas yang diseret")
    body = page.get_by_label("Isi berita", exact=True)
    body.fill("Pembukaan rapat.")
    body.press("ControlOrMeta+End")
    page.evaluate("""async () => {
        const canvas = document.createElement("canvas");
        canvas.width = 90; canvas.height = 60;
        const png = await new Promise(done => canvas.toBlob(done, "image/png"));
        const files = new DataTransfer();
        files.items.add(new File([png], "pembukaan.png", {type: "image/png"}));
        files.items.add(new File(["%PDF-1.4 %%EOF"], "undangan.pdf", {type: "application/pdf"}));
        document.getElementById("isi").dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true,
                                                                              cancelable: true}));
    }""")
    uploaded(page, "#daftar-foto", 1)
    uploaded(page, "#daftar-lampiran", 1)
    page.wait_for_function("() => document.getElementById('isi').value.includes('![](')")
    assert body.input_value() == "Pembukaan rapat.\n\n![](pembukaan.png)"
    assert page.url.startswith(desk.url), "the form is still open"
    page.get_by_label("Terbit", exact=True).check()
    save(page)
    bundle = (desk.site / saved_key(page)).parent
    assert (bundle / "pembukaan.png").is_file() and (bundle / "undangan.pdf").is_file()


def backed_up(page, prefix: str) -> None:
    """Wait until the tab's copy of the form in the browser's storage (its key: prefix, then the tab's id) holds what
    was typed last."""
    page.wait_for_function("""prefix => Object.keys(localStorage).some(name => {
        if (!name.startsWith(prefix + ":")) { return false; }
        const kept = JSON.parse(localStorage.getItem(name));
        return kept.values.fields.isi === document.getElementById("isi").value; })""", arg=prefix)


def copies(page, prefix: str) -> list[str]:
    return page.evaluate("prefix => Object.keys(localStorage).filter(name => name.startsWith(prefix + ':'))", prefix)


def test_what_was_typed_is_offered_back_after_the_tab_closed_without_saving(desk):
    """A press release typed for half an hour, then the tab closed, the browser crashed or the battery ran out
    before Simpan: WordPress's autosave keeps it; the desk keeps a copy in the browser and offers it back."""
    require_browser()
    context = chromium().new_context(viewport=DESKTOP)
    context.set_default_timeout(15000)
    try:
        page = context.new_page()
        open_form(page, desk, HAND_WRITTEN)
        page.get_by_label("Judul", exact=True).fill("Rapat Pleno Terbuka (diperbarui)")
        page.get_by_label("Isi berita", exact=True).press("ControlOrMeta+End")
        page.get_by_label("Isi berita", exact=True).type("\n\nKalimat yang belum disimpan.")
        backed_up(page, f"meja-redaksi:{HAND_WRITTEN}")
        page.close()
        page = context.new_page()
        open_form(page, desk, HAND_WRITTEN)
        offer = page.get_by_role("alert").filter(has_text="Ada isian yang belum disimpan")
        assert offer.count() == 1
        assert "Kalimat yang belum disimpan." not in page.get_by_label("Isi berita", exact=True).input_value()
        offer.get_by_role("button", name="Pulihkan isian itu").click()
        assert page.get_by_label("Isi berita", exact=True).input_value().endswith("\n\nKalimat yang belum disimpan.")
        assert page.get_by_label("Judul", exact=True).input_value() == "Rapat Pleno Terbuka (diperbarui)"
        save(page)
        text = (desk.site / HAND_WRITTEN).read_text(encoding="utf-8")
        assert "Kalimat yang belum disimpan." in text and "Rapat Pleno Terbuka (diperbarui)" in text
        open_form(page, desk, HAND_WRITTEN)
        assert page.get_by_role("alert").count() == 0, "a copy is gone once its save went through"
        # a new post: thrown away, then nothing is offered again
        open_form(page, desk)
        page.get_by_label("Judul", exact=True).fill("Berita yang ditinggal")
        page.get_by_label("Isi berita", exact=True).fill("Isi yang ditinggal.")
        backed_up(page, "meja-redaksi:baru-post")
        page.close()
        page = context.new_page()
        open_form(page, desk)
        page.get_by_role("button", name="Buang").click()
        assert page.get_by_role("alert").count() == 0
        open_form(page, desk)
        assert page.get_by_role("alert").count() == 0
        assert copies(page, "meja-redaksi:baru-post") == []
        # a new post restored and saved: its copy goes with the save, though it was kept under "new post"
        page.get_by_label("Judul", exact=True).fill("Berita yang dipulihkan")
        page.get_by_label("Isi berita", exact=True).fill("Isi yang dipulihkan.")
        backed_up(page, "meja-redaksi:baru-post")
        page.close()
        page = context.new_page()
        open_form(page, desk)
        page.get_by_role("button", name="Pulihkan isian itu").click()
        save(page)
        assert "Isi yang dipulihkan." in (desk.site / saved_key(page)).read_text(encoding="utf-8")
        open_form(page, desk)
        assert page.get_by_role("alert").count() == 0
    finally:
        context.close()


def test_two_tabs_writing_new_posts_keep_a_copy_each_and_an_open_tabs_copy_is_not_offered_to_another(desk):
    """The review: every new post shared one copy, so a second tab's typing (or its save) took away the first's."""
    require_browser()
    context = chromium().new_context(viewport=DESKTOP)
    context.set_default_timeout(15000)
    try:
        first, second = context.new_page(), context.new_page()
        open_form(first, desk)
        first.get_by_label("Isi berita", exact=True).fill("Isi tab pertama.")
        backed_up(first, "meja-redaksi:baru-post")
        # "Duplicate tab" copies the first tab's sessionStorage, its id with it
        second.goto(desk.url + "/")
        second.evaluate("id => sessionStorage.setItem('meja-redaksi:tab', id)",
                        first.evaluate("sessionStorage.getItem('meja-redaksi:tab')"))
        open_form(second, desk)
        assert second.get_by_role("alert").count() == 0, "the first tab is still open and typing"
        second.get_by_label("Judul", exact=True).fill("Berita tab kedua")
        second.get_by_label("Isi berita", exact=True).fill("Isi tab kedua.")
        backed_up(second, "meja-redaksi:baru-post")
        save(second)
        assert len(copies(first, "meja-redaksi:baru-post")) == 1, "the second tab's save took only its own copy"
        first.close()
        third = context.new_page()
        open_form(third, desk)
        offer = third.get_by_role("alert").filter(has_text="Ada isian yang belum disimpan")
        offer.get_by_role("button", name="Pulihkan isian itu").click()
        assert third.get_by_label("Isi berita", exact=True).input_value() == "Isi tab pertama."
    finally:
        context.close()


def test_the_preview_shows_a_photo_uploaded_before_the_post_is_saved(page, desk, tmp_path):
    open_form(page, desk)
    page.get_by_label("Judul", exact=True).fill("Berita Dengan Foto Baru")
    page.get_by_label("Foto", exact=True).set_input_files([str(heic(tmp_path / "IMG_0100.HEIC"))])
    uploaded(page, "#daftar-foto", 1)
    thumbnail = page.locator("#daftar-foto img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    page.get_by_label("Keterangan", exact=True).fill("Foto dari ponsel")
    frame = page.frame_locator("[data-preview-frame]")
    frame.get_by_text("Foto dari ponsel").first.wait_for()
    shown = frame.locator("img[src*='/_redaksi/berkas/']").first     # the original, until the site is built
    shown.wait_for()
    for _ in range(100):                       # the frame is sandboxed: its image is asked from inside
        if shown.evaluate("i => i.complete && i.naturalWidth > 0"):
            break
        page.wait_for_timeout(100)
    assert shown.evaluate("i => i.complete && i.naturalWidth > 0"), shown.get_attribute("src")
    assert not list((desk.site / "content/posts").rglob("*berita-dengan-foto-baru*")), "nothing saved yet"


def test_the_desk_serves_no_file_outside_a_posts_folder(desk):
    (desk.site / "config.yaml").read_bytes()
    for key, name in [(BUNDLE, "../../../../config.yaml"), (BUNDLE, "..%2F..%2Fconfig.yaml"), ("", "config.yaml"),
                      ("../config.yaml", "config.yaml"), (BUNDLE, ".htaccess"), (BUNDLE, "undangan-rapat.pdf"),
                      ("content/../config.yaml", "x.jpg")]:
        address = desk.url + f"/berkas/{key}?nama={urllib.parse.quote(name, safe='%')}"
        try:
            with urllib.request.urlopen(address, timeout=30) as answer:
                status = answer.status
        except urllib.error.HTTPError as err:
            status = err.code
        assert status == 404, (key, name)
    with urllib.request.urlopen(desk.url + f"/berkas/{BUNDLE}?nama=peserta.jpg", timeout=30) as answer:
        assert answer.headers["Content-Type"] == "image/jpeg"


def drop_files(page, zone: str, files: dict[str, bytes]) -> None:
    """Drop files on a drop zone as a person dragging them from a folder would (a DataTransfer with Files)."""
    import base64

    encoded = {name: base64.b64encode(data).decode() for name, data in files.items()}
    page.evaluate("""([selector, files]) => {
        const transfer = new DataTransfer();
        for (const [name, text] of Object.entries(files)) {
            const bytes = Uint8Array.from(atob(text), c => c.charCodeAt(0));
            const type = name.endsWith('.pdf') ? 'application/pdf' : 'image/jpeg';
            transfer.items.add(new File([bytes], name, {type}));
        }
        const zone = document.querySelector(selector);
        zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", [zone, encoded])


def test_dropped_photos_can_be_removed_and_one_chosen_as_cover(page, desk, tmp_path):
    photos = {name: make_photo(tmp_path / name, color=color).read_bytes()
              for name, color in (("pertama.jpg", (200, 0, 0)), ("kedua.jpg", (0, 200, 0)),
                                  ("ketiga.jpg", (0, 0, 200)))}
    open_form(page, desk)
    page.get_by_label("Judul", exact=True).fill("Foto Diseret ke Formulir")
    drop_files(page, "[data-drop=foto]", photos)
    uploaded(page, "#daftar-foto", 3)
    drop_files(page, "[data-drop=lampiran]", {"jadwal.pdf": pdf(tmp_path / "jadwal.pdf").read_bytes()})
    uploaded(page, "#daftar-lampiran", 1)
    page.locator("#daftar-foto > li[data-name='pertama.jpg'] [data-remove]").click()
    assert page.evaluate("document.activeElement.closest('li').dataset.name") == "kedua.jpg", "focus stays in the list"
    page.locator("#daftar-foto > li[data-name='ketiga.jpg']").get_by_label("Jadikan sampul").check()
    page.locator("#daftar-foto > li[data-name='ketiga.jpg']").get_by_role("button", name="Naik").click()
    save(page)
    source = desk.site / saved_key(page)
    text = source.read_text(encoding="utf-8")
    assert "cover: ketiga.jpg\ngallery:\n  - file: ketiga.jpg\n  - file: kedua.jpg\n" in text
    assert "pertama.jpg" not in text
    assert sorted(p.name for p in source.parent.iterdir()) == ["index.md", "jadwal.pdf", "kedua.jpg", "ketiga.jpg"]


def test_an_upload_shows_its_progress(page, desk, tmp_path):
    big = tmp_path / "besar.jpg"
    Image.effect_noise((700, 500), 90).convert("RGB").save(big, "JPEG", quality=95)     # noise: ~300 KB
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 50, "downloadThroughput": -1,
                                                  "uploadThroughput": 150_000})
    open_form(page, desk)
    page.evaluate("() => { window.seen = []; setInterval(() => document.querySelectorAll('[data-uploads] progress')"
                  ".forEach(b => window.seen.push(b.value)), 10); }")
    page.get_by_label("Foto", exact=True).set_input_files([str(big)])
    page.get_by_role("progressbar", name="Mengunggah besar.jpg").wait_for()
    uploaded(page, "#daftar-foto", 1)
    seen = page.evaluate("window.seen")
    assert any(0 < value < 100 for value in seen), f"the bar moved while the photo was sent: {sorted(set(seen))}"
    assert page.locator("[data-uploads=foto] progress").count() == 0, "the bar goes once the photo is in the list"


def test_a_post_that_does_not_build_is_opened_and_fixed_in_the_form(page, desk):
    broken = desk.site / "content/posts/2020/rusak.md"
    broken.write_text("---\ntitle: Berita Rusak\ndate: kemarin\n# catatan redaksi\n---\n\nIsi.\n", encoding="utf-8")
    page.goto(desk.url + "/")
    page.get_by_role("link", name="Berita Rusak").click()
    date = page.get_by_label("Tanggal", exact=True)
    date.wait_for()
    assert date.get_attribute("aria-invalid") == "true"
    assert "kemarin" in page.locator("#galat-date").inner_text()
    date.fill("2020-03-01 09:00")
    page.get_by_label("Terbit", exact=True).check()
    save(page)
    assert broken.read_text(encoding="utf-8") == ("---\ntitle: Berita Rusak\ndate: 2020-03-01 09:00\n"
                                                  "# catatan redaksi\n---\n\nIsi.\n")
    page.goto(desk.url + "/")
    assert page.locator("tr.has-problem").count() == 0


def test_publishing_without_a_target_shows_the_config_example_with_its_indentation(tmp_path):
    """The error's config.yaml example must keep its two-space indentation on screen, or copying it breaks the file."""
    require_browser()
    from tests.conftest import news_site

    site = news_site(tmp_path / "site", "")
    build_site(site)
    server = start_desk(site)
    context = chromium().new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(server.url + "/terbit")
        page.get_by_role("button", name="Terbitkan ke situs").click()
        page.get_by_text("belum ada tujuan terbit").wait_for(timeout=60000)
        shown = page.locator("[data-lines]").inner_text()
        lines = [line for line in shown.splitlines() if line.strip()]
        example = lines[lines.index("publish:"):][:3]
        assert example == ["publish:", "  utama:", "    type: sftp"], shown
    finally:
        context.close()
        server.stop()


def test_saving_says_so_and_a_second_click_does_not_send_the_form_twice(page, desk):
    """The trial's worst snag: ten phone photos took half a minute to save with nothing on screen, and the button
    could be pressed again."""
    open_form(page, desk)
    page.get_by_label("Judul", exact=True).fill("Berita disimpan sekali")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST"
            and "/simpan" in request.url else None)
    with page.expect_navigation():
        shown = page.evaluate("""() => {
            const button = document.querySelector('[data-save]');
            button.click(); button.click();
            return [button.textContent, button.getAttribute('aria-disabled'),
                    document.querySelector('[data-save-state]').textContent];
        }""")
    assert shown[0] == "Menyimpan…" and shown[1] == "true" and "Menyimpan berita" in shown[2]
    assert len(posts) == 1


def test_a_text_file_named_jpg_and_an_empty_photo_are_refused_beside_the_photos_at_once(page, desk, tmp_path):
    """The trial: both were listed as photos with a broken thumbnail, and only the save said, in the preview
    column, 'UnidentifiedImageError'."""
    fake = tmp_path / "bukan-foto.jpg"
    fake.write_text("ini cuma teks, bukan foto\n", encoding="utf-8")
    empty = tmp_path / "kosong.jpg"
    empty.write_bytes(b"")
    open_form(page, desk)
    page.get_by_label("Foto", exact=True).set_input_files([str(fake), str(empty)])
    page.wait_for_function("() => document.querySelectorAll('[data-uploads=foto] .problem').length === 2")
    said = page.locator("[data-uploads=foto]").inner_text()
    assert "bukan-foto.jpg' bukan foto yang bisa dibuka" in said and "kosong.jpg' kosong (0 byte)" in said
    assert "Error" not in said and page.locator("#daftar-foto > li.item").count() == 0


def test_going_back_after_saving_a_new_post_and_saving_again_makes_no_second_post(page, desk):
    """The trial: Back brought the new-post form back filled in, and its Save wrote the same post again as '-2'."""
    open_form(page, desk)
    page.get_by_label("Judul", exact=True).fill("Berita yang disimpan sekali saja")
    page.get_by_label("Isi berita", exact=True).fill("Isi berita.\n")
    save(page)
    first = saved_key(page)
    page.go_back()
    page.get_by_label("Judul", exact=True).wait_for()
    assert page.get_by_label("Judul", exact=True).input_value() == ""
    assert page.get_by_label("Isi berita", exact=True).input_value() == ""
    folder = (desk.site / first).parent.parent
    assert [p.name for p in folder.iterdir() if p.name.startswith("berita-yang-disimpan")] == [
        "berita-yang-disimpan-sekali-saja"]


@pytest.mark.parametrize("button, written, expected", [
    ("Tebal", "situs KPU", "**situs KPU**"), ("Miring", "penting", "*penting*"),
    ("Subjudul", "Hasil rapat", "\n## Hasil rapat\n"), ("Daftar", "satu", "\n- satu\n")])
def test_a_toolbar_button_without_a_selection_leaves_its_example_selected_for_typing_over(page, desk, button,
                                                                                           written, expected):
    """The trial: Tebal, then typing, gave '**teks tebal**situs KPU' (the example stayed, the words came after)."""
    open_form(page, desk)
    body = page.get_by_label("Isi berita", exact=True)
    body.fill("Awal ")
    body.press("End")
    page.get_by_role("button", name=button, exact=True).click()
    page.keyboard.type(written)
    assert body.input_value() == "Awal " + expected


def test_a_scheduled_post_says_the_day_and_hour_it_will_appear(page, desk):
    """The trial: 'tampil di situs mulai tanggalnya' made the writer look for the date elsewhere, and did not say
    that it appears with the first publishing after then."""
    open_form(page, desk)
    page.get_by_label("Judul", exact=True).fill("Pengumuman Jadwal Kampanye")
    page.get_by_label("Tanggal", exact=True).fill("2030-01-15 08:00")
    page.get_by_label("Jadwalkan", exact=True).check()
    save(page)
    said = page.locator("p.address").inner_text()
    assert "mulai 2030-01-15 08.00 WITA" in said and "penerbitan pertama sesudah" in said
    assert "/2030/01/15/pengumuman-jadwal-kampanye/" in said


@pytest.mark.parametrize("answer", [True, False])
def test_removing_a_photo_the_text_shows_asks_and_takes_it_out_of_the_text_too(page, desk, answer):
    """The trial: Hapus on a photo the text showed said 'Tersimpan.', and the photo came back at the end of the
    list, on the site still, without its caption."""
    open_form(page, desk, BUNDLE)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept() if answer else dialog.dismiss()))
    page.locator("#daftar-foto > li.item[data-name='pembukaan.jpg'] [data-remove]").click()
    assert asked and "pembukaan.jpg juga dipakai di isi berita" in asked[0]
    body = page.get_by_label("Isi berita", exact=True).input_value()
    if not answer:
        assert "![Pembukaan](pembukaan.jpg)" in body
        assert page.locator("#daftar-foto > li.item[data-name='pembukaan.jpg']").count() == 1
        return
    assert "pembukaan.jpg" not in body and "Lihat  dan [foto peserta](peserta.jpg)." in body
    save(page)
    text = (desk.site / BUNDLE).read_text(encoding="utf-8")
    assert "pembukaan.jpg" not in text and "caption: Peserta rapat dari KPU kabupaten/kota" in text
    assert not ((desk.site / BUNDLE).parent / "pembukaan.jpg").exists()
    assert [li.get_attribute("data-name") for li in page.locator("#daftar-foto > li.item").all()] == ["peserta.jpg"]


def test_removing_a_document_the_text_links_to_keeps_the_links_words(page, desk):
    open_form(page, desk, BUNDLE)
    body = page.get_by_label("Isi berita", exact=True)
    body.fill(body.input_value() + "\nUnduh [undangan rapat](undangan-rapat.pdf \"PDF\").\n")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#daftar-lampiran > li.item[data-name='undangan-rapat.pdf'] [data-remove]").click()
    assert "Unduh undangan rapat." in body.input_value() and "undangan-rapat.pdf" not in body.input_value()


def test_on_a_phone_the_posts_address_wraps_instead_of_widening_the_page(desk):
    """The trial: 'Di situs pratinjau: http://127.0.0.1:8610/2026/12/07/pengumuman/' has no place to break, and
    the whole form scrolled sideways on a 390-pixel phone."""
    require_browser()
    context = chromium().new_context(viewport=PHONE)
    try:
        page = context.new_page()
        open_form(page, desk)
        page.get_by_label("Judul", exact=True).fill("Pengumuman")
        page.get_by_label("Terbit", exact=True).check()
        save(page)
        assert page.locator("p.address a").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_on_a_phone_the_two_versions_show_a_pasted_link_without_scrolling_sideways(desk):
    """The trial: a long unbroken word (a pasted Facebook link) widened the conflict page and hid the column
    'Versi di disk' off the side of a phone."""
    require_browser()
    link = "https://www.facebook.com/kpukaltara/posts/pfbid02xQ7mZKc9vLr4TnW8sYdH3jP6uB1aE5gN0oF2iC7kRtVyXzMqLw"
    context = chromium().new_context(viewport=PHONE)
    try:
        page = context.new_page()
        open_form(page, desk, HAND_WRITTEN)
        page.get_by_label("Judul", exact=True).fill("Tautan " + link)
        page.get_by_label("Ringkasan", exact=True).fill("Lihat " + link)
        source = desk.site / HAND_WRITTEN
        source.write_text(source.read_text(encoding="utf-8") + "\nDisunting rekan.\n", encoding="utf-8")
        save(page)
        page.get_by_role("button", name="Pakai versi saya").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate("(() => { const t = document.querySelector('.table'); "
                             "return t.scrollWidth <= t.clientWidth; })()")
    finally:
        context.close()
