"""Content sources: front matter splitting and the validation of every field (discovery: test_discovery.py)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.core.report import Problems
from generator.model import content
from generator.model.config import SiteSettings
from generator.model.discovery import Source
from generator.model.entries import Comment, name_slug, slugify
from generator.model.portable import RESERVED
from generator.model.theme import THEME_DIR
from tests.conftest import build_errors, build_site, md, write_site

pytestmark = pytest.mark.quick

ZONE = ZoneInfo("Asia/Makassar")
DEFAULTS = SiteSettings(title="KPU", base_url="https://kaltara.kpu.go.id/", author="Humas KPU", category="Berita")


def load(tmp_path: Path, text: str, rel: str = "content/posts/2019/rapat/index.md", files: dict | None = None,
         kind: str = "post"):
    """Write one source (plus bundle files) and validate it: (entry or None, [problem texts])."""
    site = write_site(tmp_path / "site", {rel: text, **{str(Path(rel).parent / n): d for n, d in (files or {}).items()}})
    source = site / rel
    bundle = source.parent if source.name == "index.md" else None
    problems = Problems()
    entry = content.load(site, Source(kind, source, bundle), DEFAULTS, ZONE, problems)
    return entry, [str(p) for p in problems]


# --- front matter ------------------------------------------------------------------------------------------

def test_split_front_matter_and_body():
    problems = Problems()
    front, body, body_line = content.split("---\ntitle: A\ndate: 2019-11-08\n---\n\nIsi.\n", "a.md", problems)
    assert front == "title: A\ndate: 2019-11-08"
    assert body == "\nIsi.\n"
    assert body_line == 5
    assert problems == []


def test_split_accepts_bom_crlf_and_trailing_spaces(tmp_path):
    entry, problems = load(tmp_path, "\ufeff---  \r\ntitle: A\r\ndate: 2019-11-08\r\n--- \r\nIsi.\r\n")
    assert problems == []
    assert entry.title == "A" and entry.body.strip() == "Isi."


def test_split_missing_opening_line():
    problems = Problems()
    assert content.split("title: A\n---\n", "a.md", problems) is None
    assert str(problems[0]).startswith("a.md:1: ") and "'---'" in str(problems[0])


def test_split_unclosed_front_matter():
    problems = Problems()
    assert content.split("---\ntitle: A\ndate: 2019-11-08\n\nIsi berita.\n", "a.md", problems) is None
    assert str(problems[0]).startswith("a.md:1: ") and "tidak pernah ditutup" in str(problems[0])


def test_empty_front_matter_reports_title_and_date(tmp_path):
    entry, problems = load(tmp_path, "---\n---\nIsi.\n")
    assert entry is None
    assert any("'title'" in p for p in problems) and any("'date'" in p for p in problems)


def test_front_matter_that_is_not_a_mapping(tmp_path):
    entry, problems = load(tmp_path, "---\n- a\n- b\n---\n")
    assert entry is None
    assert problems[0].startswith("content/posts/2019/rapat/index.md:2: ")


def test_file_that_is_not_utf8(tmp_path):
    source = write_site(tmp_path / "site", {"content/posts/2019/rapat/index.md": b"---\ntitle: Rapat \xff\n---\n"}) \
        / "content/posts/2019/rapat/index.md"
    problems = Problems()
    assert content.load(tmp_path / "site", Source("post", source, source.parent), DEFAULTS, ZONE, problems) is None
    assert str(problems[0]).startswith("content/posts/2019/rapat/index.md: ") and "UTF-8" in str(problems[0])


# --- fields -----------------------------------------------------------------------------------------------

def test_a_complete_bundle(tmp_path):
    entry, problems = load(tmp_path, md("""
        title: Rapat Koordinasi
        date: 2019-11-08 20:00
        slug: rapat-koordinasi-2019
        category: Sosialisasi
        tags: [sosialisasi, pemilihan-2020]
        author: Ketua
        views: 117
        summary: Ringkasan.
        cover: b.jpg
        gallery:
          - file: a.jpg
            caption: Pembukaan
            alt: Ketua membuka rapat
          - b.jpg
        event:
          start: 2019-11-01
          end: 2019-11-03
          place: Kantor KPU Kota Tarakan
        draft: false
        aliases: [/lama/rapat, "/index.php/rapat.html"]
        """), files={"a.jpg": b"photo", "b.jpg": b"photo", "surat.pdf": b"%PDF-1.4"})
    assert problems == []
    assert entry.title == "Rapat Koordinasi"
    assert entry.date == dt.datetime(2019, 11, 8, 20, 0, tzinfo=ZONE) and entry.has_time
    assert entry.slug == "rapat-koordinasi-2019"
    assert entry.category == "Sosialisasi" and entry.tags == ["sosialisasi", "pemilihan-2020"]
    assert entry.author == "Ketua" and entry.views == 117 and entry.summary == "Ringkasan."
    assert entry.cover == "b.jpg"
    assert [(p.file, p.caption, p.alt) for p in entry.gallery] == [("a.jpg", "Pembukaan", "Ketua membuka rapat"),
                                                                   ("b.jpg", "", "")]
    assert entry.gallery[0].line == 12
    assert entry.event.start == dt.datetime(2019, 11, 1, tzinfo=ZONE) and entry.event.end.day == 3
    assert entry.event.place == "Kantor KPU Kota Tarakan" and not entry.event.has_time
    assert entry.draft is False
    assert entry.aliases[0] == "/lama/rapat/"
    assert entry.files == ["a.jpg", "b.jpg", "surat.pdf"]
    assert entry.extra == {}


def test_defaults_slug_category_author(tmp_path):
    entry, problems = load(tmp_path, md("title: Rapat Pleno\ndate: 2020-01-02"), rel="content/posts/2020/Rapat Pleno.md")
    assert problems == []
    assert entry.slug == "rapat-pleno"
    assert entry.category == "Berita" and entry.author == "Humas KPU"
    assert entry.views is None and entry.tags == [] and entry.bundle is None
    entry, _ = load(tmp_path / "b", md("title: X\ndate: 2020-01-02"), rel="content/posts/2020/rapat-akbar/index.md")
    assert entry.slug == "rapat-akbar"


@pytest.mark.parametrize("text, expected, has_time", [
    ("2019-11-08", dt.datetime(2019, 11, 8, tzinfo=ZONE), False),
    ("2019-11-8", dt.datetime(2019, 11, 8, tzinfo=ZONE), False),
    ("2019-11-08 20:00", dt.datetime(2019, 11, 8, 20, tzinfo=ZONE), True),
    ("2019-11-08T20:00:00", dt.datetime(2019, 11, 8, 20, tzinfo=ZONE), True),
    ("2019-11-08T12:00:00Z", dt.datetime(2019, 11, 8, 20, tzinfo=ZONE), True),
    ("2019-11-08T20:00:00+07:00", dt.datetime(2019, 11, 8, 21, tzinfo=ZONE), True),
])
def test_dates_without_offset_are_in_the_site_zone(text, expected, has_time):
    value, timed = content.parse_date(text, ZONE)
    assert value == expected and timed is has_time
    assert value.tzinfo is not None


@pytest.mark.parametrize("text", ["2019-13-45", "2019-02-30", "8 November 2019", "kemarin", "2019-11-08 25:00"])
def test_impossible_dates(text):
    assert content.parse_date(text, ZONE) is None


def test_missing_title(tmp_path):
    entry, problems = load(tmp_path, md("date: 2019-11-08"))
    assert entry is None
    assert problems == [p for p in problems if p.startswith("content/posts/2019/rapat/index.md:2: ")]
    assert "'title'" in problems[0] and "wajib" in problems[0]


def test_empty_title_names_its_line(tmp_path):
    entry, problems = load(tmp_path, md("date: 2019-11-08\ntitle: \"  \""))
    assert entry is None
    assert problems[0].startswith("content/posts/2019/rapat/index.md:3: ") and "'title'" in problems[0]


def test_missing_date_in_a_post_but_not_in_a_page(tmp_path):
    entry, problems = load(tmp_path, md("title: A"))
    assert entry is None
    assert problems[0].startswith("content/posts/2019/rapat/index.md:2: ") and "'date'" in problems[0]
    entry, problems = load(tmp_path / "p", md("title: Profil"), rel="content/pages/profil.md", kind="page")
    assert problems == [] and entry.date is None and entry.kind == "page"


def test_impossible_date_names_line(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-13-45"))
    assert entry is None
    assert problems == ["content/posts/2019/rapat/index.md:3: tanggal '2019-13-45' tidak sah. "
                        "Tulis tahun-bulan-tanggal yang ada di kalender, misalnya 2019-11-08 atau 2019-11-08 10:30."]


@pytest.mark.parametrize("value", ["-3", "banyak", "1.5", "true", "[1]", "'117'"])
def test_views_must_be_a_whole_number_zero_or_more(tmp_path, value):
    entry, problems = load(tmp_path, md(f"title: A\ndate: 2019-11-08\nviews: {value}"))
    assert entry is None
    assert len(problems) == 1
    assert problems[0].startswith("content/posts/2019/rapat/index.md:4: 'views' harus bilangan bulat 0 atau lebih")


def test_views_zero_is_fine(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\nviews: 0"))
    assert problems == [] and entry.views == 0


def test_tags_as_one_text_and_bad_tags(tmp_path):
    entry, _ = load(tmp_path, md("title: A\ndate: 2019-11-08\ntags: sosialisasi"))
    assert entry.tags == ["sosialisasi"]
    entry, problems = load(tmp_path / "b", md("title: A\ndate: 2019-11-08\ntags:\n  - a: b"))
    assert entry is None and problems[0].startswith("content/posts/2019/rapat/index.md:4: ") and "'tags'" in problems[0]


def test_draft_must_be_true_or_false(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\ndraft: ya"))
    assert entry is None and problems[0].startswith("content/posts/2019/rapat/index.md:4: ") and "'draft'" in problems[0]


def test_slug_is_cleaned(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\nslug: Rapat Pleno Terbuka!"))
    assert problems == [] and entry.slug == "rapat-pleno-terbuka"


@pytest.mark.parametrize("slug", ["../../etc", "a/b", "..\\\\x", ".tersembunyi"])
def test_slug_that_would_leave_its_folder(tmp_path, slug):
    entry, problems = load(tmp_path, md(f"title: A\ndate: 2019-11-08\nslug: \"{slug}\""))
    assert entry is None
    assert problems[0].startswith("content/posts/2019/rapat/index.md:4: slug ")


def test_cover_must_be_in_the_bundle(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\ncover: Pembukaan.jpg"), files={"pembukaan.jpg": b"photo"})
    assert entry is None
    assert problems[0].startswith("content/posts/2019/rapat/index.md:4: berkas 'Pembukaan.jpg' tidak ada")
    assert "'pembukaan.jpg'" in problems[0]   # suggests the near name


def test_gallery_file_must_be_in_the_bundle(tmp_path):
    entry, problems = load(tmp_path, md("""
        title: A
        date: 2019-11-08
        gallery:
          - file: a.jpg
            caption: Satu
          - file: hilang.jpg
            caption: Dua
        """), files={"a.jpg": b"photo"})
    assert entry is None
    assert problems == [p for p in problems if p.startswith("content/posts/2019/rapat/index.md:7: foto 'hilang.jpg'")]


def test_gallery_problems(tmp_path):
    entry, problems = load(tmp_path, md("""
        title: A
        date: 2019-11-08
        gallery:
          - file: surat.pdf
          - caption: tanpa berkas
          - file: a.jpg
            keterangan: salah nama
        """), files={"a.jpg": b"photo", "surat.pdf": b"%PDF"})
    assert entry is None
    assert any(p.startswith("content/posts/2019/rapat/index.md:5: ") and "bukan berkas foto" in p for p in problems)
    assert any(p.startswith("content/posts/2019/rapat/index.md:6: ") and "file" in p for p in problems)
    assert any(p.startswith("content/posts/2019/rapat/index.md:8: ") and "'keterangan'" in p for p in problems)


def test_gallery_in_a_single_file_post_has_no_files(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\ngallery: [a.jpg]"), rel="content/posts/2019/a.md")
    assert entry is None and "tidak ada" in problems[0]


def test_event_checks(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\nevent:\n  start: 2019-11-03 09:00\n  end: 2019-11-01"))
    assert entry is None and problems[0].startswith("content/posts/2019/rapat/index.md:6: ") and "akhir" in problems[0]
    entry, problems = load(tmp_path / "b", md("title: A\ndate: 2019-11-08\nevent: besok"))
    assert entry is None and problems[0].startswith("content/posts/2019/rapat/index.md:4: ") and "'start'" in problems[0]
    entry, problems = load(tmp_path / "c", md("title: A\ndate: 2019-11-08\nevent:\n  start: 2019-11-32"))
    assert entry is None and problems[0].startswith("content/posts/2019/rapat/index.md:5: ")


@pytest.mark.parametrize("alias, clean", [
    ("/lama/rapat", "/lama/rapat/"),
    ("lama/rapat/", "/lama/rapat/"),
    ("/berita/rapat.html", "/berita/rapat.html"),
    ("/2019/11/08/rapat-lama/", "/2019/11/08/rapat-lama/"),
])
def test_aliases_are_normalised(alias, clean):
    assert content.safe_url_path(alias) == clean


@pytest.mark.parametrize("alias", ["/../../etc/x", "../x", "/a/../../b", "/", "", "https://x.org/a", "/a\\b", "/a/./b"])
def test_aliases_that_leave_the_site_are_refused(alias):
    assert content.safe_url_path(alias) is None


def test_alias_error_names_its_line(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\naliases:\n  - /lama/\n  - /../../etc/x"))
    assert entry is None
    assert problems[0].startswith("content/posts/2019/rapat/index.md:6: alamat lama '/../../etc/x'")


def test_every_error_of_one_file_is_reported(tmp_path):
    entry, problems = load(tmp_path, md("date: 2019-13-45\nviews: -3\ndraft: ya"))
    assert entry is None
    assert len(problems) == 4   # title, date, views, draft


def test_unknown_fields_warn_and_are_kept(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\npenanggung_jawab: Ketua Divisi\nlokasi: [Tarakan]"))
    assert entry.extra == {"penanggung_jawab": "Ketua Divisi", "lokasi": ["Tarakan"]}
    assert [p.split(": peringatan: ")[0] for p in problems] == ["content/posts/2019/rapat/index.md:4",
                                                                 "content/posts/2019/rapat/index.md:5"]
    assert problems[0].endswith("kolom 'penanggung_jawab' bukan kolom baku, jadi tidak tampil di halaman (kecuali "
                                "tema situs ini memakainya). Periksa ejaannya bila kolom ini seharusnya salah satu "
                                "kolom baku: " + ", ".join(sorted(content.KNOWN_FIELDS)) + ".")
    assert "template" not in " ".join(problems)


def test_unknown_fields_reach_the_templates(tmp_path):
    site = write_site(tmp_path / "site", {
        "content/posts/2019/rapat.md": md("title: Rapat\ndate: 2019-11-08\npenanggung_jawab: Ketua Divisi Teknis"),
    })
    shutil.copytree(THEME_DIR, site / "templates")
    post = site / "templates" / "post.html"
    post.write_text(post.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}<p id=\"pj\">{{ post.extra.penanggung_jawab }}</p>", 1), encoding="utf-8")
    result = build_site(site)
    assert [p.message for p in result.warnings] == [
        "kolom 'penanggung_jawab' bukan kolom baku, jadi tidak tampil di halaman (kecuali tema situs ini memakainya)."]
    page = (site / "output/2019/11/08/rapat/index.html").read_text(encoding="utf-8")
    assert '<p id="pj">Ketua Divisi Teknis</p>' in page


def test_slugify():
    assert slugify("Rapat Koordinasi 2020") == "rapat-koordinasi-2020"
    assert slugify("  Sosialisasi: Pemilih Pemula!  ") == "sosialisasi-pemilih-pemula"
    assert slugify("Pemilu Çağ — é") == "pemilu-cag-e"
    assert slugify("***") == ""


def test_the_command_line_prints_warnings_and_still_succeeds(tmp_path, capsys):
    from generator import cli

    site = write_site(tmp_path / "site", {"content/posts/a.md": md("title: A\ndate: 2019-11-08\nlokasi: Tarakan")})
    assert cli.main(["build", "--site", str(site)]) == 0
    out, err = capsys.readouterr()
    assert "content/posts/a.md:4: peringatan: kolom 'lokasi' bukan kolom baku" in err
    assert out.startswith("Selesai: ")


def test_hidden_files_in_a_bundle_are_ignored(tmp_path):
    """Copies from a Mac leave '._foto.jpg' (not a photo) and '.DS_Store' beside the photos: not the staff's files."""
    site = write_site(tmp_path / "site", {
        "content/posts/2019/rapat/index.md": md("title: Rapat\ndate: 2019-11-08"),
        "content/posts/2019/rapat/pembukaan.jpg": b"photo",
        "content/posts/2019/rapat/._pembukaan.jpg": b"\x00\x05\x16\x07 AppleDouble",
        "content/posts/2019/rapat/.DS_Store": b"\x00\x00\x00\x01Bud1",
    })
    build_site(site)
    published = sorted(p.name for p in (site / "output/2019/11/08/rapat").iterdir())
    assert published == ["bagikan.jpg", "index.html", "pembukaan-64w.jpg", "pembukaan-64w.webp"]


# --- symbolic links: content is what lies inside content/ (issue 13) -------------------------------------------------

from tests.conftest import build_errors, leaked, make_photo, snapshot  # noqa: E402

GALLERY_POST = md("""\
    title: Rapat
    date: 2019-11-08 10:00
    gallery:
      - file: pembukaan.jpg
        caption: Pembukaan
      - file: rahasia.jpg
    """)


@pytest.fixture
def outside(tmp_path):
    """Files elsewhere on the machine that must never be published."""
    folder = tmp_path / "di-luar"
    make_photo(folder / "rahasia.jpg", color=(1, 2, 3))
    (folder / "kata-sandi.txt").write_text("rahasia-sekali")
    (folder / "gaji.pdf").write_bytes(b"%PDF-1.4 gaji")
    (folder / "posting.md").write_text(md("title: Dari luar\ndate: 2019-11-08"))
    (folder / "bundel").mkdir()
    (folder / "bundel" / "index.md").write_text(md("title: Bundel luar\ndate: 2019-11-08"))
    return folder


def _bundle_site(tmp_path):
    return write_site(tmp_path / "site", {"content/posts/rapat/index.md": GALLERY_POST.replace("  - file: rahasia.jpg\n", ""),
                                          "content/posts/rapat/pembukaan.jpg": b"photo",
                                          "content/posts/lain.md": md("title: Lain\ndate: 2019-11-01")})


def test_a_photo_linked_from_outside_is_refused_at_its_front_matter_line(tmp_path, outside):
    site = _bundle_site(tmp_path)
    (site / "content/posts/rapat/index.md").write_text(GALLERY_POST.replace("rahasia.jpg", "pembukaan.jpg"))
    build_site(site)
    before = snapshot(site / "output")
    (site / "content/posts/rapat/index.md").write_text(GALLERY_POST)
    (site / "content/posts/rapat/rahasia.jpg").symlink_to(outside / "rahasia.jpg")
    errors = build_errors(site)
    assert len(errors) == 1
    assert errors[0].startswith("content/posts/rapat/index.md:7: 'rahasia.jpg'") and "di luar folder" in errors[0]
    assert snapshot(site / "output") == before


@pytest.mark.parametrize("name, target", [("surat.pdf", "gaji.pdf"), ("catatan.txt", "kata-sandi.txt"),
                                          ("foto-lepas.jpg", "rahasia.jpg"), ("posts/tambahan.md", "posting.md")])
def test_any_file_linked_from_outside_is_refused_by_its_path(tmp_path, outside, name, target):
    site = _bundle_site(tmp_path)
    rel = f"content/{name}" if "/" in name else f"content/posts/rapat/{name}"
    link = site / rel
    link.symlink_to(outside / target)
    errors = build_errors(site)
    assert any(e.startswith(f"{rel}: berkas ini adalah tautan simbolik") for e in errors), errors
    assert not (site / "output").exists()


def test_a_linked_folder_is_reported_not_skipped_silently(tmp_path, outside):
    site = _bundle_site(tmp_path)
    (site / "content/posts/luar").symlink_to(outside / "bundel", target_is_directory=True)
    errors = build_errors(site)
    assert any(e.startswith("content/posts/luar: berkas ini adalah tautan simbolik") for e in errors)
    (site / "content/posts/luar").unlink()
    (site / "content/posts/salinan").symlink_to(site / "content/posts/rapat", target_is_directory=True)
    result = build_site(site)
    assert [str(w) for w in result.warnings if "content/posts/salinan" in str(w)] == [
        "content/posts/salinan: peringatan: folder ini adalah tautan simbolik, jadi dilewati: isinya tidak "
        "diterbitkan. Pindahkan atau salin folder aslinya ke sini (bukan tautan)."]
    assert not list((site / "output").rglob("salinan"))
    assert not leaked(site / "output", outside)


def test_links_inside_content_are_followed_and_published_as_copies(tmp_path):
    site = _bundle_site(tmp_path)
    make_photo(site / "content/posts/rapat/asli.jpg", color=(9, 99, 9))
    (site / "content/posts/rapat/index.md").write_text(GALLERY_POST)
    (site / "content/posts/rapat/rahasia.jpg").symlink_to("asli.jpg")
    (site / "content/posts/rapat/surat.pdf").write_bytes(b"%PDF-1.4 surat")
    (site / "content/posts/lain-surat.pdf").symlink_to("rapat/surat.pdf")
    build_site(site)
    assert (site / "output/2019/11/08/rapat/rahasia-64w.jpg").is_file()


def test_a_dangling_link_is_named_and_skipped(tmp_path):
    site = _bundle_site(tmp_path)
    (site / "content/posts/rapat/hilang.pdf").symlink_to(tmp_path / "tidak-ada.pdf")
    result = build_site(site)
    assert any(str(w).startswith("content/posts/rapat/hilang.pdf: peringatan: tautan simbolik") for w in result.warnings)
    assert not (site / "output/2019/11/08/rapat/hilang.pdf").exists()


# --- YAML's booleans and numbers in text fields: the text as typed -------------------------------------------

@pytest.mark.parametrize("typed", ["yes", "no", "on", "off", "true", "False", "2024", "1.50", "017", "0x1F",
                                   "12:30", ".inf", "1e3", "-0"])
def test_a_text_field_keeps_what_was_typed(tmp_path, typed):
    text = md(f"""\
        title: {typed}
        date: 2019-11-08
        category: {typed}
        author: {typed}
        summary: {typed}
        slug: x{typed}
        tags: [{typed}, biasa]
        event: {{start: 2019-11-01, place: {typed}}}
        """)
    entry, problems = load(tmp_path, text)
    assert problems == []
    assert (entry.title, entry.category, entry.author, entry.summary, entry.event.place) == (typed,) * 5
    assert entry.tags == [typed, "biasa"]
    assert entry.slug == slugify("x" + typed)


def test_gallery_captions_and_file_names_that_look_like_numbers_stay_text(tmp_path):
    text = md("""\
        title: Foto
        date: 2019-11-08
        gallery:
          - file: 2024.jpg
            caption: 1945
            alt: yes
          - 2025.jpg
        """)
    entry, problems = load(tmp_path, text, files={"2024.jpg": b"photo", "2025.jpg": b"photo"})
    assert problems == []
    assert [(p.file, p.caption, p.alt) for p in entry.gallery] == [("2024.jpg", "1945", "yes"), ("2025.jpg", "", "")]


def test_yes_and_no_still_mean_true_and_false_where_a_flag_is_wanted(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\ndraft: yes"))
    assert problems == [] and entry.draft is True


# --- numbers too long and lists too deep: a message, never a traceback --------------------------------------

@pytest.mark.parametrize("field", ["views", "menu"])
def test_a_five_thousand_digit_number_is_refused_in_a_few_words(tmp_path, field):
    entry, problems = load(tmp_path, md(f"title: A\ndate: 2019-11-08\n{field}: {'9' * 5000}"))
    assert entry is None and len(problems) == 1
    assert problems[0].startswith(f"content/posts/2019/rapat/index.md:4: '{field}'")
    assert len(problems[0]) < 300


def test_a_large_but_convertible_number_is_too_large_for_views(tmp_path):
    entry, problems = load(tmp_path, md(f"title: A\ndate: 2019-11-08\nviews: {'9' * 400}"))
    assert entry is None and "terlalu besar" in problems[0] and len(problems[0]) < 300


def test_a_five_thousand_digit_title_or_tag_is_text(tmp_path):
    digits = "7" * 5000
    entry, problems = load(tmp_path, md(f"title: {digits}\ndate: 2019-11-08\ntags: [{digits}]"))
    assert problems == [] and entry.title == digits and entry.tags == [digits]


@pytest.mark.parametrize("nested", [
    "tags: " + "[" * 5000 + "]" * 5000,
    "tags: " + "[" * 40 + "]" * 40,
    "extra: " + "{a: " * 60 + "1" + "}" * 60,
    "extra:\n" + "".join("  " * i + "-\n" for i in range(1, 300)),
    "extra:\n" + "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "x",
])
def test_deeply_nested_front_matter_is_refused_with_its_line(tmp_path, nested):
    entry, problems = load(tmp_path, md(f"title: A\ndate: 2019-11-08\n{nested}"))
    assert entry is None and len(problems) == 1
    assert "terlalu dalam" in problems[0]
    assert problems[0].startswith("content/posts/2019/rapat/index.md:")


def test_a_key_that_is_a_list_is_refused(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\n? [a, b]\n: c"))
    assert entry is None and problems[0].startswith("content/posts/2019/rapat/index.md:4: ")


# --- characters XML forbids --------------------------------------------------------------------------------

@pytest.mark.parametrize("escape", ["\\x01", "\\0", "\\x1b", "\\x7f", "\\x85", "\\uFFFE", "\\uFFFF", "\\x0c"])
@pytest.mark.parametrize("where, line", [("title: \"A{}\"", 2), ("tags: [\"a{}\"]", 4), ("author: \"{}\"", 4),
                                         ("catatan: \"{}\"", 4), ("gallery: [{{file: a.jpg, caption: \"{}\"}}]", 4)])
def test_control_characters_in_front_matter_are_refused_with_their_line(tmp_path, escape, where, line):
    front = where.format(escape)
    text = md(f"{front}\ndate: 2019-11-08" if front.startswith("title") else f"title: A\ndate: 2019-11-08\n{front}")
    entry, problems = load(tmp_path, text, files={"a.jpg": b"photo"})
    assert entry is None
    errors = [p for p in problems if "peringatan" not in p]
    assert len(errors) == 1 and errors[0].startswith(f"content/posts/2019/rapat/index.md:{line}: ")
    assert "karakter kendali" in errors[0]


@pytest.mark.parametrize("raw", ["\x01", "\x08", "\x1f", "\ufffe"])
def test_a_raw_control_character_in_front_matter_names_its_line(tmp_path, raw):
    entry, problems = load(tmp_path, md(f"title: A\ndate: 2019-11-08\nauthor: Hu{raw}mas"))
    assert entry is None and len(problems) == 1
    assert problems[0].startswith("content/posts/2019/rapat/index.md:4: ") and "karakter kendali" in problems[0]


def test_control_characters_in_the_body_are_removed_with_a_warning_naming_the_line(tmp_path):
    body = "Paragraf pertama.\n\nKedua \x00dengan\x0b\x1b kendali\ufffe.\n"
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08", body))
    assert entry.body == "\nParagraf pertama.\n\nKedua dengan kendali.\n"
    assert len(problems) == 1 and problems[0].startswith("content/posts/2019/rapat/index.md:8: peringatan:")


def test_tab_and_line_breaks_are_not_control_characters_to_refuse(tmp_path):
    entry, problems = load(tmp_path, md('title: "A\\tB"\ndate: 2019-11-08\nsummary: "x\\ny\\r"', "a\tb\r\n"))
    assert problems == [] and entry.title == "A\tB"


# --- dates at the edge of the calendar -----------------------------------------------------------------------

@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-14:00", "0001-01-01",
                                   "0001-01-01 05:00", "9999-12-31T23:59:00-12:00", "9999-12-31T23:59:00+14:00",
                                   "9999-12-31", "9999-12-31T23:59:59Z"])
@pytest.mark.parametrize("field, line", [("date", 3), ("updated", 4), ("event", 4)])
def test_dates_at_the_edge_of_the_calendar_are_refused_with_their_line(tmp_path, value, field, line):
    extra = {"date": "", "updated": f"updated: {value}", "event": f"event: {{start: {value}}}"}[field]
    date = value if field == "date" else "2019-11-08"
    entry, problems = load(tmp_path, md(f"title: A\ndate: {date}\n{extra}"))
    assert entry is None and len(problems) == 1
    assert problems[0].startswith(f"content/posts/2019/rapat/index.md:{line}: ") and "ujung kalender" in problems[0]


def test_old_and_far_future_dates_inside_the_calendar_are_fine(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 0002-01-01T00:00:00+14:00\nupdated: 9999-12-01"))
    assert problems == [] and entry.date.year == 2


# --- names that slugify to nothing ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, slug", [("Rapat Koordinasi 2020", "rapat-koordinasi-2020"), ("Pemilu ’24", "pemilu-24"),
                                        ("選挙", "xuanju"), ("Москва", "moskva"), ("한국어", "hangugeo")])
def test_name_slug_is_slugify_or_a_transliteration(name, slug):
    assert name_slug(name) == slug


@pytest.mark.parametrize("name", ["!!!", "???", "★☆", "—", "。、"])
def test_name_slug_of_punctuation_is_a_short_stable_hash(name):
    slug = name_slug(name)
    assert slug.startswith("n-") and len(slug) == 10 and slug == name_slug(f" {name} ")
    assert slug == slugify(slug)


def test_name_slugs_of_different_punctuation_differ():
    names = ["!!!", "???", "***", "…", "★", "☆", "#"]
    assert len({name_slug(n) for n in names}) == len(names)


def test_a_folder_named_in_another_script_gets_a_transliterated_slug(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08"), rel="content/posts/2019/選挙/index.md")
    assert problems == [] and entry.slug == "xuanju"


# --- raw HTML: script in attributes is reported with its line ------------------------------------------------

def test_script_in_raw_html_and_markdown_links_is_warned_about_with_file_and_line(tmp_path):
    body = ("Paragraf biasa dengan <b>HTML</b>.\n\n<img src=\"a.jpg\" onerror=\"alert(1)\">\n\n"
            "[klik di sini](javascript:alert(1))\n\n<a href=\"https://kpu.go.id/\">aman</a>\n")
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08", body), files={"a.jpg": b"x"})
    assert entry is not None and len(problems) == 2
    assert problems[0].startswith("content/posts/2019/rapat/index.md:8: peringatan: <img onerror>")
    assert problems[1].startswith("content/posts/2019/rapat/index.md:10: peringatan: <a href=\"javascript:alert(1)\">")


@pytest.mark.parametrize("front, line", [
    ('title: "Rapat Pleno\ndate: 2024-03-01', 2),                  # a double quote never closed
    ("title: 'Rapat Pleno\ndate: 2024-03-01", 2),                  # a single one
    ('title: Rapat\ndate: 2024-03-01\ntags: [a, "b]', 4),          # inside a list
    ('title: Rapat\ndate: 2024-03-01\nevent:\n  place: "Aula', 5),  # inside a mapping
])
def test_a_quote_never_closed_is_named_on_the_line_it_opened(tmp_path, front, line):
    site = write_site(tmp_path, {"content/posts/2024/rapat.md": md(front)})
    [problem] = build_errors(site)
    assert problem.startswith(f"content/posts/2024/rapat.md:{line}: tanda kutip dibuka tetapi tidak ditutup. ")
    assert "tanda kutip penutup" in problem


# --- archived comments (from a WordPress import) ---------------------------------------------------------------

def test_comments_are_accepted_without_a_warning(tmp_path):
    entry, problems = load(tmp_path, md("""
        title: Rapat
        date: 2019-11-08
        comments:
          - author: Budi
            date: 2019-11-09 08:15
            text: Terima kasih.
          - text: Tanpa nama dan tanggal.
    """))
    assert problems == []
    first, second = entry.extra["comments"]
    assert first == Comment("Budi", dt.datetime(2019, 11, 9, 8, 15, tzinfo=ZONE), "Terima kasih.")
    assert second == Comment("", None, "Tanpa nama dan tanggal.")


@pytest.mark.parametrize("value, message", [
    ("comments: Terima kasih", "'comments' harus berupa daftar tanggapan"),
    ("comments:\n  - author: Budi", "'comments' harus berupa daftar tanggapan"),
    ("comments:\n  - text: Halo\n    date: 2019-13-45", "tanggal tanggapan '2019-13-45' tidak sah"),
])
def test_bad_comments_name_their_line(tmp_path, value, message):
    entry, problems = load(tmp_path, "---\ntitle: Rapat\ndate: 2019-11-08\n" + value + "\n---\n\nIsi.\n")
    assert entry is None
    assert any(message in p and p.startswith("content/posts/2019/rapat/index.md:") for p in problems), problems


def test_comments_are_shown_under_the_post(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/2019/rapat/index.md": md("""
        title: Rapat
        date: 2019-11-08
        comments:
          - author: Siti <Aminah>
            date: 2019-11-09 08:15
            text: "Paragraf satu.\\n\\nParagraf dua."
    """)})
    build_site(site, search=False)
    page = (site / "output/2019/11/08/rapat/index.html").read_text(encoding="utf-8")
    assert "Tanggapan (1)" in page and "Siti &lt;Aminah&gt;" in page and "Sabtu, 9 November 2019" in page
    assert "<p>Paragraf satu.</p><p>Paragraf dua.</p>" in page


@pytest.mark.parametrize("front, line, words", [
    ("title: Rapat\ndate: 2024-03-01\nevent:\n  start: 2024-03-01\n place: Aula", 6, "menjorok tidak sejajar"),
    ("title: Rapat\ndate: 2024-03-01\ngallery:\n  - file: a.jpg\n   caption: A", 6, "menjorok tidak sejajar"),
    ("title: Rapat\ndate: 2024-03-01\ngallery: []\n  - file: a.jpg\n    caption: A", 5, "hapus '[]'"),
    ("title: Rapat\ndate: 2024-03-01\ntags: []\n  - pemilu", 5, "hapus '[]'"),
])
def test_misaligned_lines_are_told_in_plain_words(tmp_path, front, line, words):
    site = write_site(tmp_path, {"content/posts/2024/rapat.md": md(front)})
    [problem] = build_errors(site)
    assert problem.startswith(f"content/posts/2024/rapat.md:{line}: ") and words in problem, problem
    assert "expected" not in problem and "<block" not in problem


# --- files the body names (issue 24.18) ----------------------------------------------------------------------

BODY_LINKS = """\
Pembukaan rapat.

![x](foto-tambahan.jpg)

Silakan [Unduh SK](sk-tidak-ada.pdf "SK KPU") atau <a href="./Jadwal.PDF">jadwal</a>.

[Situs KPU](https://kpu.go.id/sk.pdf), [berita lain](/2019/11/01/rapat/), [atas](#top), [surel](mailto:a@kpu.go.id),
[halaman](lain.html), [dari folder lain](../rapat-lain/sk.pdf) dan ![ada](foto.jpg).

```
![contoh](kode.jpg)
```

`![contoh](dalam-kode.jpg)` dan [rujukan][sk]

[sk]: sk-lama.pdf

Catatan kaki.[^1]

[^1]: catatan.pdf disebut di catatan kaki, bukan tautan.
"""


def test_a_missing_photo_or_file_in_the_body_is_an_error_with_its_line_and_the_likely_name(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08", BODY_LINKS),
                           files={"foto.jpg": b"x", "foto_tambahan.jpg": b"x", "jadwal.pdf": b"x", "sk-lama.pdf": b"x"})
    assert entry is None
    where = "content/posts/2019/rapat/index.md"
    assert problems[0].startswith(f"{where}:8: foto 'foto-tambahan.jpg' yang disebut di isi berita tidak ada")
    assert "Mungkin maksudnya 'foto_tambahan.jpg'?" in problems[0]
    assert problems[1].startswith(f"{where}:10: berkas 'sk-tidak-ada.pdf' ")
    assert problems[2].startswith(f"{where}:10: berkas 'Jadwal.PDF' ") and "'jadwal.pdf'" in problems[2]
    assert len(problems) == 3, problems           # other sites, site addresses, anchors, code: untouched


def test_a_file_in_the_body_of_a_single_file_post_says_how_to_make_it_a_folder(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08", "Lihat [SK](sk.pdf).\n"),
                           rel="content/posts/2019/rapat.md")
    assert entry is None and len(problems) == 1
    assert "rapat.md:6:" in problems[0] and "'sk.pdf'" in problems[0] and "index.md" in problems[0]


def test_an_address_without_https_is_a_warning_not_a_missing_file(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08", "Lihat [KPU](www.kpu.go.id).\n"))
    assert entry is not None
    assert len(problems) == 1 and "peringatan" in problems[0] and "https://www.kpu.go.id" in problems[0]


def test_a_missing_body_file_fails_the_build_and_leaves_the_output(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/2019/rapat/index.md": md("title: A\ndate: 2019-11-08"),
                                          "content/posts/2019/rapat/sk.pdf": b"%PDF"})
    build_site(site)
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    (site / "content/posts/2019/rapat/index.md").write_text(md("title: A\ndate: 2019-11-08", "[SK](sk-baru.pdf)\n"),
                                                             encoding="utf-8")
    errors = build_errors(site)
    assert errors and "index.md:6:" in errors[0] and "sk-baru.pdf" in errors[0] and "'sk.pdf'" in errors[0]
    assert {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()} == before


# --- field names and the lines of layout slips (issue 24.20) -------------------------------------------------

@pytest.mark.parametrize("typed, meant, words", [
    ("galeri", "gallery", "bahasa Indonesia"), ("kategori", "category", "bahasa Indonesia"),
    ("judul", "title", "bahasa Indonesia"), ("tanggal", "date", "bahasa Indonesia"),
    ("lampiran", "attachments", "bahasa Indonesia"), ("galery", "gallery", "salah eja"),
    ("categori", "category", "salah eja"), ("tag", "tags", "bahasa Indonesia"), ("sumary", "summary", "salah eja"),
    ("atachments", "attachments", "salah eja"), ("categories", "category", "bahasa Indonesia"),
])
def test_a_misspelt_or_indonesian_field_name_is_an_error_naming_the_field_meant(tmp_path, typed, meant, words):
    front = f"title: A\ndate: 2019-11-08\n{typed}: nilai" if typed not in ("judul", "tanggal") else \
        f"title: A\ndate: 2019-11-08\n{typed}: 2019-11-08"
    entry, problems = load(tmp_path, md(front))
    assert entry is None
    mine = [p for p in problems if f"'{typed}'" in p]
    assert len(mine) == 1 and mine[0].startswith("content/posts/2019/rapat/index.md:4: ") and "peringatan" not in mine[0]
    assert f"maksudnya '{meant}'?" in mine[0] and words in mine[0] and f"menjadi '{meant}:'" in mine[0]


def test_a_field_in_capitals_says_write_it_in_lower_case(tmp_path):
    entry, problems = load(tmp_path, md("Title: Rapat Pleno\ndate: 2019-11-08"))
    assert entry is None
    assert any(p.startswith("content/posts/2019/rapat/index.md:2: nama kolom 'Title' ditulis dengan huruf besar")
               and "Tulis `title` dengan huruf kecil" in p for p in problems), problems


def test_a_gallery_under_an_indonesian_name_loses_no_captions_silently(tmp_path):
    front = "title: A\ndate: 2019-11-08\ngaleri:\n  - file: a.jpg\n    caption: Pembukaan"
    entry, problems = load(tmp_path, md(front), files={"a.jpg": b"x"})
    assert entry is None and any("'galeri'" in p and "'gallery'" in p for p in problems)


@pytest.mark.parametrize("front, line, words", [
    ("title:Rapat\ndate: 2019-11-08", 2, "tidak ada spasi setelah titik dua di 'title:Rapat'"),
    ("date: 2019-11-08\ntitle:Rapat", 3, "tidak ada spasi setelah titik dua di 'title:Rapat'"),
    ("title: A\ncategory:Berita\ndate: 2019-11-08", 3, "'category:Berita'"),
    ("title: A\ndate: 2019-11-08\ngallery:\n  - file: a.jpg\n    caption:Pembukaan", 6, "'caption:Pembukaan'"),
    ("title: A\ndate: 2019-11-08\ngallery:\n- file: a.jpg\n    caption: x", 6, "butir daftar ('- ...')"),
    ("title: A\ndate: 2019-11-08\ngallery:\n  - file: a.jpg\n     caption: x", 6, "butir daftar ('- ...')"),
    ("title: A\ndate: 2019-11-08\ngallery:\n  - file: a.jpg\n    caption: x\n  - file: b.jpg\n  caption: y", 8,
     "menjorok tidak sejajar"),
])
def test_layout_slips_are_reported_on_their_own_line_in_plain_words(tmp_path, front, line, words):
    entry, problems = load(tmp_path, md(front), files={"a.jpg": b"x", "b.jpg": b"x"})
    assert entry is None and len(problems) == 1, problems
    assert problems[0].startswith(f"content/posts/2019/rapat/index.md:{line}: ") and words in problems[0], problems
    assert "titik dua ':' di tempat yang salah" not in problems[0] and "<block" not in problems[0]


def test_a_colon_inside_a_title_is_still_the_colon_message(tmp_path):
    entry, problems = load(tmp_path, md("title: Rilis Pers: Rapat\ndate: 2019-11-08"))
    assert entry is None and "titik dua ':' di tempat yang salah" in problems[0]


@pytest.mark.parametrize("written, iso", [
    ("8 November 2019", "2019-11-08"), ("Jumat, 8 November 2019", "2019-11-08"), ("08/11/2019", "2019-11-08"),
    ("8 Nov 2019 10.30", "2019-11-08 10:30"), ("8 Agustus 2019 pukul 09:15 WITA", "2019-08-08 09:15"),
    ("17-8-1945", "1945-08-17"),
])
def test_a_date_written_in_words_says_how_to_write_it(tmp_path, written, iso):
    entry, problems = load(tmp_path, md(f"title: A\ndate: {written}"))
    assert entry is None and len(problems) == 1
    assert problems[0].startswith("content/posts/2019/rapat/index.md:3: ") and f"Tulis sebagai {iso} " in problems[0]
    assert "tidak sah" not in problems[0]


# Pieces of post bodies around the links body_files looks for: marks, names, code, fences and near misses.
BODY_PIECES = ["](", "]:", "=", "[sk](sk.pdf)", "![foto](a.jpg \"Judul\")", "[x](<nama berkas.pdf>)", "[sk]: sk.pdf",
               "[^1]: catatan", '<img src="b.png">', "href='c.doc'", "poster=\"p.jpg\"", "`[k](k.pdf)`", "``",
               "```", "~~~", "    ", "\n", "\n\n", " ", "kata", "[", "]", "(", ")", "https://kpu.go.id/a.pdf", "/a.pdf",
               "www.kpu.go.id", "#a", "./d.pdf", "foto%20baru.jpg", "<", ">", "\"", "'"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BODY_PIECES), max_size=25).map("".join))
@example("[sk](a.pdf)\n](b.pdf)\n\n=\n]: e.pdf\n[d]: d.pdf")
@example("kata\n\n<img src='x.png'>")
def test_files_named_by_a_body_without_fences_are_found_as_line_by_line(text):
    """A body without ``` or ~~~ is looked at only where it has a mark: the same files, on the same lines, as the
    line-by-line reading that a fence (here one added below the text, where it changes nothing) makes."""
    if "```" not in text and "~~~" not in text:
        assert content.body_files(text) == content.body_files(text + "\n```")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["---", "--- ", " ---", "----", "\n", "\n", "a", "x: 1", "\ufeff", " ", "\t", "\r",
                                 "\u2028"]), max_size=14).map("".join))
def test_front_matter_is_split_at_the_first_line_of_three_dashes(text):
    """split finds the lines with str.find: the same parts as splitting the text into lines."""
    lines = text.lstrip("\ufeff").split("\n")
    closing = next((n for n, line in enumerate(lines[1:], start=1) if line.rstrip() == "---"), None)
    if lines[0].strip() != "---" or closing is None:
        expected = None
    else:
        expected = "\n".join(lines[1:closing]), "\n".join(lines[closing + 1:]), closing + 2
    assert content.split(text, "a.md", Problems()) == expected


@pytest.mark.parametrize("body", [
    "Pengantar.\n\n" + "".join("    " * level + "- butir\n" for level in range(300)),       # a list in a list ...
    "Pengantar.\n\n" + "- " * 600 + "butir\n",                                              # ... on one line
    "Pengantar.\n\n" + "".join("\t" * level + "1. butir\n" for level in range(300)),
])
def test_a_list_nested_hundreds_deep_is_an_error_at_its_line_not_an_internal_error(tmp_path, body):
    """Python-Markdown goes one call deeper for each list or quote inside another: past about 250 it fails deep inside
    (RecursionError), which was an internal error of the build and made the desk's live preview fail for every
    post while the file was there."""
    site = write_site(tmp_path / "situs", {"content/posts/2019/rapat.md": md("title: Rapat\ndate: 2019-11-08", body)})
    errors = build_errors(site)
    assert len(errors) == 1 and errors[0].startswith("content/posts/2019/rapat.md:") and "bertingkat" in errors[0]
    line = int(errors[0].split(":")[1])
    assert body.split("\n")[line - 6].lstrip("\t -1.")  == "butir"     # md(): the body starts on line 6


def test_lists_and_quotes_nested_a_few_levels_are_fine(tmp_path):
    body = "".join("    " * level + "- butir\n" for level in range(30)) + "\n" + "> " * 30 + "kutipan\n"
    entry, problems = load(tmp_path, md("title: Rapat\ndate: 2019-11-08", body))
    assert entry is not None and problems == []


def test_a_category_or_tag_named_at_paragraph_length_builds_under_a_shortened_address(tmp_path):
    """A URL name is one folder in output/ (255 letters at most on every disk): a category or tag of 300 letters was
    an internal error of the build (File name too long). Past 200 letters (WordPress's own limit for a slug, so an
    imported address never changes) the name is cut where a word ends and marked with a short hash of the whole,
    so two long names alike at the start still get addresses of their own."""
    long_a = "Rapat koordinasi " * 20 + "tahap pertama"
    long_b = "Rapat koordinasi " * 20 + "tahap kedua"
    site = write_site(tmp_path / "situs", {
        "content/posts/2019/satu.md": md(f"title: Satu\ndate: 2019-11-08\ncategory: {long_a}\ntags: [{long_a}]"),
        "content/posts/2019/dua.md": md(f"title: Dua\ndate: 2019-11-09\ncategory: {long_b}\ntags: [{long_b}]")})
    build_site(site, search=False)
    for kind in ("kategori", "tag"):
        names = sorted(p.name for p in (site / "output" / kind).iterdir())
        assert len(names) == 2 and all(len(name) <= 200 for name in names), names
        assert all(name.startswith("rapat-koordinasi-rapat-koordinasi") for name in names)
    assert name_slug("a" * 200) == "a" * 200 and len(name_slug("Rapat " * 60)) <= 200
    assert name_slug("Rapat " * 60) == name_slug("Rapat " * 60) != name_slug("Rapat " * 61)


def test_a_tag_category_or_slug_named_like_a_windows_device_gets_an_address_windows_can_hold(tmp_path):
    """The trial: a tag 'Aux' or a slug 'con' made output/tag/aux/, a folder Windows cannot create, so the site
    built on Linux but not on a staff laptop. Such a name gets an address of its own, the same on every system."""
    site = write_site(tmp_path / "situs", {
        "content/posts/2019/satu.md": md("title: Satu\ndate: 2019-11-08\ncategory: Con\ntags: [Aux, COM1]\nslug: nul")})
    build_site(site, search=False)
    made = [p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*")]
    assert not [rel for rel in made if any(part.split(".")[0].upper() in RESERVED for part in rel.split("/"))], made
    assert name_slug("Aux").startswith("aux-") and name_slug("Aux") == name_slug("AUX") != name_slug("aux-1")
    assert name_slug("auxiliary") == "auxiliary" and name_slug("com10") == "com10"


def test_a_slug_longer_than_an_address_may_be_is_an_error_at_its_line(tmp_path):
    entry, problems = load(tmp_path, md("title: A\ndate: 2019-11-08\nslug: " + "rapat-" * 60 + "pleno"))
    assert entry is None
    assert problems[0].startswith("content/posts/2019/rapat/index.md:4: ") and "terlalu panjang" in problems[0]


@pytest.mark.parametrize("alias, words", [("/berita/" + "x" * 300 + "/", "terlalu panjang"),
                                          ("/berita/con/", "dicadangkan Windows"),
                                          ("/berita/rapat:pleno/", "':'")])
def test_an_old_address_no_folder_can_be_named_is_an_error_at_its_line(tmp_path, alias, words):
    """Each old address is a folder in output/ holding the redirect: one name 300 letters long was an internal error
    of the build (File name too long), and names Windows cannot hold failed the build on a staff laptop."""
    entry, problems = load(tmp_path, md(f"title: A\ndate: 2019-11-08\naliases: [\"{alias}\"]"))
    assert entry is None and len(problems) == 1
    assert problems[0].startswith("content/posts/2019/rapat/index.md:4: alamat lama ") and words in problems[0]


def test_an_old_wordpress_address_too_long_for_a_windows_path_is_left_out_with_a_warning_not_an_error(tmp_path):
    """The second review: an imported old address of 222 characters (each name in it short enough for any disk) became
    an error, so a site that built and published before the trial's check stopped building."""
    alias = "/berita-kpu-kabupaten/2019/11/08/" + "rapat-koordinasi-" * 11 + "tahap-akhir/"
    entry, problems = load(tmp_path, md(f"title: A\ndate: 2019-11-08\naliases: [\"{alias}\"]"))
    assert entry is not None and entry.aliases == []
    assert len(problems) == 1 and problems[0].startswith("content/posts/2019/rapat/index.md:4: ")
    assert "terlalu panjang untuk folder di laptop Windows" in problems[0]


def test_a_rule_of_many_dashes_is_no_deep_list():
    """The second review: a separator typed as '- ' 120 times (a valid <hr>) was counted 149 levels deep and failed
    the build; the space after each mark was counted as indentation too."""
    from generator.model.content import nesting

    assert nesting("- " * 120) == 0 and nesting("* * *") == 0
    assert nesting("- " * 81 + "x") == 81 and nesting("- - - x") == 3 and nesting("> > x") == 2
