"""Pengaturan situs in the staff desk, through the real preview server and its desk (no browser): the form posted as a
browser without JavaScript sends it, and config.yaml as it is on disk afterwards: only the changed lines written,
the build's own refusals, a hand edit never overwritten, logo uploads checked, names from outside refused, and a
broken config.yaml shown, never a traceback."""

from __future__ import annotations

import difflib
import html
import io
import re
import urllib.request
from html.parser import HTMLParser

import pytest
from PIL import Image

from tests.conftest import desk_form, desk_get, make_photo, start_desk

pytestmark = pytest.mark.servers

HAND_WRITTEN = """\
# Pengaturan situs, ditulis petugas IT. Jangan ubah base_url!
site:
  title: KPU Provinsi Kalimantan Utara
  tagline: "Komisi Pemilihan Umum"
  base_url: https://kaltara.kpu.go.id/   # alamat situs yang tayang
  language: id
  timezone: Asia/Makassar
  category: Berita

listing:
  per_page: 2

# Tautan layanan di beranda.
services:
  - {title: PPID, url: "https://ppid.kpu.go.id/", description: Permohonan informasi publik}

publish:
  kantor:
    type: folder
    path: ../terbit    # folder cadangan
"""


class _Form(HTMLParser):
    """The fields one form of a page sends when submitted as it is shown: its text and hidden inputs, ticked boxes,
    text areas."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.template, self.fields = form_id, False, False, []
        self.area: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "form":
            self.inside = found.get("id") == self.form_id
        elif tag == "template":
            self.template = True
        elif tag == "input" and self.inside and not self.template and found.get("name") not in (None, "csrf"):
            kind = found.get("type", "text")
            if kind in ("text", "hidden") or kind == "checkbox" and "checked" in found:
                self.fields.append((found["name"], html.unescape(found.get("value") or "")))
        elif tag == "textarea" and self.inside and not self.template and found.get("name"):
            self.area = found["name"]
            self.fields.append((self.area, ""))

    def handle_data(self, data):
        if self.area is not None:
            self.fields[-1] = (self.area, self.fields[-1][1] + data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self.area is not None:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text[1:] if text.startswith("\n") else text)    # HTML drops the first newline
            self.area = None
        elif tag == "form":
            self.inside = False
        elif tag == "template":
            self.template = False


def shown_form(page: str) -> list[tuple[str, str]]:
    parser = _Form("pengaturan")
    parser.feed(page)
    return parser.fields


def opened(desk) -> list[tuple[str, str]]:
    status, page = desk_get(desk, "/pengaturan")
    assert status == 200, page
    return shown_form(page)


def changed(fields: list[tuple[str, str]], name: str, value: str, nth: int = 0) -> list[tuple[str, str]]:
    """fields with the nth field of that name set to value."""
    places = [i for i, (n, _) in enumerate(fields) if n == name]
    fields = list(fields)
    fields[places[nth]] = (name, value)
    return fields


def problems(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'class="problem"[^>]*>([^<]+)<', page)]


def diff(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]


def home(desk) -> str:
    """The preview's front page, as the preview has built it."""
    with urllib.request.urlopen(desk.origin + "/", timeout=60) as answer:
        return answer.read().decode("utf-8")


def png(size: tuple[int, int] = (64, 64), noise: bool = False) -> bytes:
    image = Image.effect_noise(size, 80).convert("RGB") if noise else Image.new("RGB", size, (122, 16, 16))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def site(desk):
    (desk.site / "config.yaml").write_text(HAND_WRITTEN, encoding="utf-8")
    return desk


def test_saving_writes_only_the_changed_lines_and_the_preview_shows_them(site):
    fields = changed(opened(site), "nama_kantor", "KPU Kabupaten Bulungan")
    fields = changed(fields, "layanan_judul", "JDIH", nth=1)
    fields = changed(fields, "layanan_alamat", "https://jdih.kpu.go.id/", nth=1)
    status, page = desk_form(site, "/pengaturan", fields)
    assert status == 200 and "Tersimpan" in page, problems(page)
    after = (site.site / "config.yaml").read_text(encoding="utf-8")
    assert diff(HAND_WRITTEN, after) == ["-  title: KPU Provinsi Kalimantan Utara", "+  title: KPU Kabupaten Bulungan",
                                         "+  - title: JDIH", "+    url: https://jdih.kpu.go.id/"]
    front = home(site)
    assert "KPU Kabupaten Bulungan" in front and "https://jdih.kpu.go.id/" in front, \
        "the preview rebuilt before the desk answered"
    kept = list((site.site / ".redaksi" / "riwayat" / "config.yaml").iterdir())
    assert [p.read_text(encoding="utf-8") for p in kept] == [HAND_WRITTEN], "the text it replaced is kept"


def test_a_config_with_crlf_and_a_bom_keeps_both_and_every_other_byte(site):
    original = ("\ufeff" + HAND_WRITTEN.replace("\n", "\r\n")).encode("utf-8")
    (site.site / "config.yaml").write_bytes(original)
    status, page = desk_form(site, "/pengaturan", changed(opened(site), "slogan", "Melayani dengan integritas"))
    assert status == 200 and "Tersimpan" in page, problems(page)
    after = (site.site / "config.yaml").read_bytes()
    assert after == original.replace(b'tagline: "Komisi Pemilihan Umum"', b"tagline: Melayani dengan integritas")


def test_a_form_saved_unchanged_writes_nothing(site):
    before = (site.site / "config.yaml").read_bytes()
    status, page = desk_form(site, "/pengaturan", opened(site))
    assert status == 200 and "Tidak ada yang berubah" in page
    assert (site.site / "config.yaml").read_bytes() == before
    assert not (site.site / ".redaksi" / "riwayat" / "config.yaml").exists()


def test_a_link_without_https_is_refused_with_the_configs_own_message_and_nothing_written(site):
    fields = changed(opened(site), "menu_judul", "PPID")
    fields = changed(fields, "menu_alamat", "ppid.kpu.go.id")
    status, page = desk_form(site, "/pengaturan", changed(fields, "nama_kantor", "KPU Kabupaten Bulungan"))
    assert status == 400
    assert any("'ppid.kpu.go.id'" in p and "tidak diawali https://" in p and "https://ppid.kpu.go.id" in p
               for p in problems(page)), problems(page)
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN
    again = shown_form(page)
    assert ("menu_alamat", "ppid.kpu.go.id") in again and ("nama_kantor", "KPU Kabupaten Bulungan") in again, \
        "the person's input stays in the form"


def test_a_logo_sent_with_a_save_that_is_refused_is_not_left_in_the_sites_assets(site):
    """templates/assets/ goes to the live site whole: a logo nobody saved would be published."""
    fields = changed(opened(site), "menu_alamat", "ppid.kpu.go.id")
    fields = changed(fields, "menu_judul", "PPID")
    status, page = desk_form(site, "/pengaturan", fields, files=[("logo_baru", "logo-bulungan.png", png())])
    assert status == 400
    assert any("Logo 'logo-bulungan.png' belum disimpan" in p for p in problems(page)), problems(page)
    assert list((site.site / "templates" / "assets").iterdir()) == []
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN


def test_an_empty_name_or_half_a_row_is_refused_beside_its_field(site):
    fields = changed(opened(site), "nama_kantor", " ")
    fields = changed(fields, "sosial_alamat", "https://www.instagram.com/kpu_kaltara")
    status, page = desk_form(site, "/pengaturan", fields)
    assert status == 400
    said = problems(page)
    assert any("Nama kantor wajib diisi" in p for p in said) and any("Media sosial baris 1: nama" in p for p in said)
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN


def test_a_form_opened_before_a_hand_edit_is_refused_then_saved_over_it_without_losing_it(site):
    fields = changed(opened(site), "nama_kantor", "KPU Kabupaten Bulungan")
    edited = HAND_WRITTEN.replace("  per_page: 2\n", "  per_page: 3\n").replace("tagline: \"Komisi Pemilihan Umum\"",
                                                                                 "tagline: Slogan dari IT")
    (site.site / "config.yaml").write_text(edited, encoding="utf-8")
    status, page = desk_form(site, "/pengaturan", fields)
    assert status == 409 and "diubah di luar Meja Redaksi" in page
    assert "Nama kantor, Slogan" in html.unescape(page), "the fields that differ from the file are named"
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == edited
    again = shown_form(page)           # the person saves again: their fields, the hand edit's other lines
    status, page = desk_form(site, "/pengaturan", again)
    assert status == 200 and "Tersimpan" in page, problems(page)
    after = (site.site / "config.yaml").read_text(encoding="utf-8")
    assert "per_page: 3" in after and "title: KPU Kabupaten Bulungan" in after
    assert "tagline: Komisi Pemilihan Umum\n" in after, "the form's own value, which the person saw and kept"


def test_a_missing_section_is_added_and_an_emptied_one_removed(desk):
    (desk.site / "config.yaml").write_text("site:\n  title: KPU Kota Tarakan\n  base_url: https://tarakan.kpu.go.id/\n"
                                           "  timezone: Asia/Makassar\n", encoding="utf-8")
    fields = changed(opened(desk), "layanan_judul", "PPID")
    fields = changed(fields, "layanan_alamat", "/kontak/")
    fields = changed(fields, "telepon", "0551 21234")
    fields = changed(fields, "penulis", "Humas KPU Kota Tarakan")
    status, page = desk_form(desk, "/pengaturan", fields + [("rubrik", "Pengumuman"), ("rubrik", "Berita")])
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert (desk.site / "config.yaml").read_text(encoding="utf-8") == (
        "site:\n  title: KPU Kota Tarakan\n  base_url: https://tarakan.kpu.go.id/\n  timezone: Asia/Makassar\n"
        "  author: Humas KPU Kota Tarakan\nhome:\n  sections: [Pengumuman, Berita]\nservices:\n  - title: PPID\n"
        "    url: /kontak/\ncontact:\n  phone: 0551 21234\n")
    fields = [(n, "") if n.startswith("layanan_") or n == "telepon" else (n, v) for n, v in opened(desk)]
    status, page = desk_form(desk, "/pengaturan", fields)
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert (desk.site / "config.yaml").read_text(encoding="utf-8") == (
        "site:\n  title: KPU Kota Tarakan\n  base_url: https://tarakan.kpu.go.id/\n  timezone: Asia/Makassar\n"
        "  author: Humas KPU Kota Tarakan\nhome:\n  sections: [Pengumuman, Berita]\n")


def test_a_logo_is_kept_under_a_new_name_beside_a_file_of_that_name_and_can_be_removed(site):
    assets = site.site / "templates" / "assets"
    theirs = make_photo(assets / "logo-kpu.png", size=(32, 32))
    before = theirs.read_bytes()
    status, page = desk_form(site, "/pengaturan", opened(site), files=[("logo_baru", "Logo KPU.PNG", png())])
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert theirs.read_bytes() == before, "a file the desk did not make is never overwritten"
    assert (assets / "logo-kpu-2.png").read_bytes() == png()
    after = (site.site / "config.yaml").read_text(encoding="utf-8")
    assert diff(HAND_WRITTEN, after) == ["+  logo: /assets/logo-kpu-2.png"]
    with urllib.request.urlopen(site.url + "/pengaturan/logo?nama=/assets/logo-kpu-2.png", timeout=60) as answer:
        assert answer.read() == png(), "the page shows the logo in use"
    assert re.search(r'<img class="logo-now" src="/_redaksi/pengaturan/logo\?nama=[^"]*logo-kpu-2\.png"', page)
    assert "/assets/logo-kpu-2.png" in home(site)
    status, page = desk_form(site, "/pengaturan", opened(site) + [("hapus_logo", "1")])
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN


@pytest.mark.parametrize("name, data, said", [
    ("logo.png", b"bukan gambar, hanya teks", "bukan gambar PNG atau JPG"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "pilih gambar PNG atau JPG"),
    ("logo.jpg", b"", "bukan gambar PNG atau JPG"),
])
def test_a_logo_that_is_no_png_or_jpg_is_refused_and_nothing_written(site, name, data, said):
    status, page = desk_form(site, "/pengaturan", opened(site), files=[("logo_baru", name, data)])
    assert status == 400 and any(said in p for p in problems(page)), problems(page)
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN
    assert not (site.site / "templates").exists()


def test_a_logo_over_the_limit_is_refused_with_the_limit_named(tmp_path, desk_site):
    import shutil

    server = start_desk(shutil.copytree(desk_site, tmp_path / "site", symlinks=True), upload_limit=20_000)
    try:
        status, page = desk_form(server, "/pengaturan", opened(server),
                                 files=[("logo_baru", "logo.png", png((200, 200), noise=True))])
    finally:
        server.stop()
    assert status == 400 and any("lebih besar dari batas 19 KB" in p for p in problems(page)), problems(page)
    assert not (tmp_path / "site" / "templates").exists()


@pytest.mark.parametrize("logo", ["/assets/../config.yaml", "/assets/../../../etc/passwd", "../config.yaml",
                                  "/assets/sub/logo.png", "C:\\Windows\\logo.png", "/assets/logo.png"])
def test_a_logo_the_desk_did_not_store_is_refused(site, logo):
    status, page = desk_form(site, "/pengaturan", opened(site) + [("logo", logo)])
    assert status == 400 and any("tidak sah" in p for p in problems(page)), problems(page)
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN


def test_names_from_outside_reach_nothing_outside_their_folder(site):
    status, page = desk_form(site, "/pengaturan", opened(site), files=[("logo_baru", "../../config.png", png())])
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert [p.name for p in (site.site / "templates" / "assets").iterdir()] == ["logo-config.png"]
    for name in ("/assets/../../config.yaml", "/../config.yaml", "/assets/%2e%2e/config.yaml", "/assets/style.css"):
        assert desk_get(site, f"/pengaturan/logo?nama={name}")[0] == 404, name
    for version in ("../../config", "..", "20240101T000000000000Z"):
        status, page = desk_form(site, "/pengaturan/pulihkan", [("id", version)])
        assert status in (400, 404) and "tidak ada di riwayat" in page, version


def test_a_save_without_the_token_is_refused(site):
    status, page = desk_form(site, "/pengaturan", changed(opened(site), "nama_kantor", "Lain"), token=False)
    assert status == 403 and "token" in page
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN


def test_an_earlier_version_is_restored_and_the_replaced_text_kept(site):
    status, page = desk_form(site, "/pengaturan", changed(opened(site), "nama_kantor", "KPU Kabupaten Bulungan"))
    assert status == 200 and "Pulihkan pengaturan versi" in page
    kept = re.search(r'name="id" value="([^"]+)"', page).group(1)
    status, page = desk_form(site, "/pengaturan/pulihkan", [("id", kept)])
    assert status == 200 and "dipulihkan" in page
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN
    assert len(list((site.site / ".redaksi" / "riwayat" / "config.yaml").iterdir())) == 2


@pytest.mark.parametrize("text, said, form_shown", [
    ("site:\n\ttitle: KPU\n", "Tab", False),
    ("site: [\n", "config.yaml:", False),
    ("\xff\xfe", "bukan teks UTF-8", False),
    (HAND_WRITTEN.replace("type: folder", "type: dropbox"), "publish.kantor.type", True),
    (HAND_WRITTEN.replace("https://ppid.kpu.go.id/", "ppid.kpu.go.id"), "tidak diawali https://", True),
])
def test_a_broken_config_shows_its_problems_never_a_traceback(site, text, said, form_shown):
    data = text.encode("latin-1") if text.startswith("\xff") else text.encode("utf-8")
    (site.site / "config.yaml").write_bytes(data)
    status, page = desk_get(site, "/pengaturan")
    assert status == 200 and "Traceback" not in page
    assert any(said in p for p in problems(page)), problems(page)
    assert ('id="pengaturan"' in page) == form_shown
    assert "petugas IT" in page
    if form_shown:          # a save is refused while the file has errors; nothing is written
        status, page = desk_form(site, "/pengaturan", changed(shown_form(page), "nama_kantor", "KPU Lain"))
        assert status == 400 and any(said in p for p in problems(page))
    assert (site.site / "config.yaml").read_bytes() == data


def test_without_config_yaml_the_page_says_so(site):
    (site.site / "config.yaml").unlink()
    status, page = desk_get(site, "/pengaturan")
    assert status == 200 and "config.yaml tidak ditemukan" in page and 'id="pengaturan"' not in page
    status, page = desk_form(site, "/pengaturan", [("nama_kantor", "KPU"), ("version", "")])
    assert status == 400 and "config.yaml tidak ada" in page and "Traceback" not in page
    assert not (site.site / "config.yaml").exists()


def test_a_config_broken_by_hand_is_put_back_from_the_versions_a_save_kept(site):
    status, page = desk_form(site, "/pengaturan", changed(opened(site), "nama_kantor", "KPU Kabupaten Bulungan"))
    assert status == 200 and "Tersimpan" in page, problems(page)
    saved = (site.site / "config.yaml").read_bytes()
    (site.site / "config.yaml").write_bytes(b"site:\n\ttitle: rusak\n")
    status, page = desk_get(site, "/")
    assert status == 400 and "Pengaturan situs tidak bisa dibaca" in page and 'href="/_redaksi/pengaturan"' in page, \
        "the list cannot be shown; the page leads to where the file is put back"
    status, page = desk_get(site, "/pengaturan")
    assert status == 200 and 'id="pengaturan"' not in page and "Pulihkan pengaturan versi" in page
    kept = re.search(r'name="id" value="([^"]+)"', page).group(1)
    status, page = desk_form(site, "/pengaturan/pulihkan", [("id", kept)])
    assert status == 200 and "dipulihkan" in page and 'id="pengaturan"' in page
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN
    texts = sorted(p.read_bytes() for p in (site.site / ".redaksi" / "riwayat" / "config.yaml").iterdir())
    assert texts == sorted([HAND_WRITTEN.encode(), b"site:\n\ttitle: rusak\n"]), \
        "the text the save replaced, and the broken one the restore replaced"
    assert saved not in texts, "the saved text was replaced by hand, not by the desk"


def test_a_new_offices_desk_asks_for_its_logo_contact_and_service_links_until_they_are_set(desk):
    """A site made by `init` has the neutral mark for a logo, no contact and no service links: the desk's first page
    says so and links to Pengaturan, until they are set there."""
    from generator.newsite import create

    answers = create.Answers("Bulungan", "kabupaten", "https://kab-bulungan.kpu.go.id/", "WITA")
    (desk.site / "config.yaml").write_text(create.config_text(answers), encoding="utf-8")
    (desk.site / create.LOGO).parent.mkdir(parents=True, exist_ok=True)
    (desk.site / create.LOGO).write_bytes(create.logo_png())
    status, page = desk_get(desk, "/")
    assert status == 200
    assert ("Situs ini belum memiliki logo kantor, alamat dan telepon kantor dan tautan layanan (PPID, JDIH, "
            "pengaduan).") in page and 'href="/_redaksi/pengaturan"' in page
    fields = changed(opened(desk), "alamat", "Jl. Jenderal Sudirman, Tanjung Selor")
    fields = changed(fields, "layanan_judul", "PPID")
    fields = changed(fields, "layanan_alamat", "https://ppid.kpu.go.id/")
    status, page = desk_form(desk, "/pengaturan", fields)
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert "Situs ini belum memiliki logo kantor." in desk_get(desk, "/")[1]
    fields = [(name, value) for name, value in opened(desk) if name != "logo"]
    status, page = desk_form(desk, "/pengaturan", fields, files=(("logo_baru", "logo-bulungan.png", png()),))
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert "Situs ini belum memiliki" not in desk_get(desk, "/")[1]


def test_the_offices_colour_and_footer_are_set_a_colour_too_light_for_white_text_refused(site):
    fields = changed(opened(site), "warna", "#ffd700")
    status, page = desk_form(site, "/pengaturan", fields)
    assert status == 400 and any("4,5" in p for p in problems(page)), problems(page)
    assert (site.site / "config.yaml").read_text(encoding="utf-8") == HAND_WRITTEN
    fields = changed(opened(site), "warna", "#1d4e89")
    fields = changed(fields, "kaki", "© KPU Provinsi Kalimantan Utara.\r\nJl. Sengkawit, Tanjung Selor")
    status, page = desk_form(site, "/pengaturan", fields)
    assert status == 200 and "Tersimpan" in page, problems(page)
    after = (site.site / "config.yaml").read_text(encoding="utf-8")
    assert diff(HAND_WRITTEN, after) == ["+theme:", '+  color: "#1d4e89"', "+  footer: |-",
                                         "+    © KPU Provinsi Kalimantan Utara.", "+    Jl. Sengkawit, Tanjung Selor"]
    front = home(site)
    assert "Jl. Sengkawit, Tanjung Selor" in front and "/assets/warna.css" in front


def test_a_two_line_address_written_by_hand_survives_a_save_of_another_setting(site):
    """The review: the address box (one line) sent a hand-written two-line address back glued together, and the save
    wrote it. The address is a text area now, and a one-line box that sends a value back as it showed it keeps the
    file's own text."""
    text = HAND_WRITTEN.replace("  tagline: \"Komisi Pemilihan Umum\"\n", "  tagline: \"Komisi Pemilihan Umum\"\n"
                                "  description: >-\n    Berita dan pengumuman\n    KPU Kaltara.\n").replace(
        "listing:\n", "contact:\n  address: |\n    Jl. Sengkawit No. 1\n    Tanjung Selor\n\nlisting:\n")
    (site.site / "config.yaml").write_text(text, encoding="utf-8")
    fields = opened(site)
    assert ("alamat", "Jl. Sengkawit No. 1\nTanjung Selor") in fields
    fields = [(n, "Berita dan pengumuman KPU Kaltara." if n == "deskripsi" else v) for n, v in fields]
    status, page = desk_form(site, "/pengaturan", changed(fields, "slogan", "Melayani Pemilih"))
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert diff(text, (site.site / "config.yaml").read_text(encoding="utf-8")) == [
        '-  tagline: "Komisi Pemilihan Umum"', "+  tagline: Melayani Pemilih"]


def test_a_control_character_copied_into_a_setting_is_dropped_not_blamed_on_config_yaml(site):
    status, page = desk_form(site, "/pengaturan", changed(opened(site), "slogan", "Slogan\x0bbaru\x00 kami\t!"))
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert "  tagline: Slogan baru kami !\n" in (site.site / "config.yaml").read_text(encoding="utf-8")


def test_joining_a_two_line_address_in_its_text_area_is_saved(site):
    """The second review: the rule that keeps a value a one-line box glued also threw away an address joined on
    purpose in its text area ("Tidak ada yang berubah")."""
    text = HAND_WRITTEN.replace("listing:\n", "contact:\n  address: |\n    Jl. Sengkawit No. 1\n    Tanjung Selor\n\n"
                                "listing:\n")
    (site.site / "config.yaml").write_text(text, encoding="utf-8")
    status, page = desk_form(site, "/pengaturan", changed(opened(site), "alamat", "Jl. Sengkawit No. 1 Tanjung Selor"))
    assert status == 200 and "Tersimpan" in page, problems(page)
    assert "  address: Jl. Sengkawit No. 1 Tanjung Selor\n" in (site.site / "config.yaml").read_text(encoding="utf-8")
