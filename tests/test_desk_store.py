"""The desk's store (issue 22) on real files: reading posts into forms, writing them back as a person would (byte
for byte unchanged when nothing changed, only the changed lines otherwise), conflicts, drafts kept on errors,
uploads, history and trash."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from generator.core import yamltext
from generator.desk import frontmatter_edit, store
from generator.desk.frontmatter_edit import parse
from generator.preview import watch
from generator.wordpress import write as wordpress_write

from .conftest import (
    MINIMAL_CONFIG,
    NOW,
    ROOT,
    build_errors,
    build_site,
    config_text,
    make_photo,
    md,
    run_cli,
    write_site,
)

pytestmark = pytest.mark.quick

ZONE_NOW = NOW          # 1 June 2024, 20.00 WITA


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory) -> Path:
    """The repository's own sample site (config.yaml and content/), built once: copies start from its cache."""
    site = tmp_path_factory.mktemp("contoh") / "contoh"
    site.mkdir()
    shutil.copy(ROOT / "config.yaml", site / "config.yaml")
    shutil.copytree(ROOT / "content", site / "content")
    build_site(site, search=False)
    return site


@pytest.fixture
def sample(built_sample, tmp_path) -> Path:
    """A fresh copy of the sample site, with the last build's output and cache (later builds are quick)."""
    return Path(shutil.copytree(built_sample, tmp_path / "contoh", symlinks=True))


def sample_site(tmp_path: Path) -> Path:
    """The repository's own sample site (config.yaml and content/) copied to tmp_path, not built."""
    site = tmp_path / "contoh"
    site.mkdir()
    shutil.copy(ROOT / "config.yaml", site / "config.yaml")
    shutil.copytree(ROOT / "content", site / "content")
    return site


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def as_sent(form: store.Form) -> None:
    """The same form as a browser sends it back: CRLF in the text area, spaces around typed words, the date as
    <input type=datetime-local> writes it. None of this is a change, so the save must still write nothing."""
    form.body = form.body.replace("\n", "\r\n")
    form.title = f" {form.title} "
    form.tags = [f" {tag}" for tag in form.tags]
    form.date = form.date.replace(" ", "T")
    form.event_place += " "


def save_unchanged(site: Path, key: str) -> bytes:
    """Open and save at once (open_entry tells scheduled from published by the real clock, so the save uses it)."""
    opened = store.open_entry(site, key)
    as_sent(opened.form)
    saved = store.save_entry(site, key, opened.form, opened.version, dt.datetime.now(dt.timezone.utc))
    assert isinstance(saved, store.Saved)
    return (site / saved.key).read_bytes()


# --- reading ---------------------------------------------------------------------------------------------------


def test_list_entries_of_the_sample_site(tmp_path):
    site = sample_site(tmp_path)
    entries = store.list_entries(site, ZONE_NOW)
    posts = [e for e in entries if e.kind == "post"]
    pages = [e for e in entries if e.kind == "page"]
    assert entries == posts + pages and len(pages) == 2
    assert [e.date for e in posts] == sorted((e.date for e in posts), reverse=True)
    first = posts[0]
    assert first.key == "content/posts/2024/rapat-pleno-penetapan-dpt-pemilihan-2024/index.md"
    assert first.status == "terjadwal" and first.views == 64 and first.category == "Berita"
    assert all(e.problems == [] for e in entries)
    assert {e.status for e in posts[1:]} == {"terbit"}
    assert all(p.category is None for p in pages)


def test_a_post_that_does_not_build_is_listed_with_its_error(site_factory):
    site = site_factory({"content/posts/2024/rusak/index.md": md("title: Rusak\ndate: 2024-13-45\ndraft: true")})
    [entry] = store.list_entries(site, ZONE_NOW)
    assert entry.title == "Rusak" and entry.status == "draf"
    assert entry.problems and "2024-13-45" in entry.problems[0] and ":3:" in entry.problems[0]
    opened = store.open_entry(site, entry.key)
    assert opened.form.date == "2024-13-45"
    assert [p.field for p in opened.problems] == ["date"]


def test_timezone_label_categories_and_new_form(tmp_path, site_factory):
    site = sample_site(tmp_path)
    assert store.timezone_label(site) == "WITA"
    assert store.categories(site) == ["Berita", "Kegiatan", "Pengumuman", "Rilis Pers"]
    form = store.new_form(site, ZONE_NOW)
    assert (form.date, form.category, form.status, form.kind) == ("2024-06-01 20:00", "Berita", "draf", "post")
    for zone, label in (("Asia/Jakarta", "WIB"), ("Asia/Jayapura", "WIT"), ("Europe/Berlin", "Europe/Berlin")):
        other = site_factory({}, config=config_text(timezone=zone), name=zone.replace("/", "-"))
        assert store.timezone_label(other) == label


def test_open_entry_shows_the_post_as_the_form(tmp_path):
    site = sample_site(tmp_path)
    opened = store.open_entry(site, "content/posts/2019/rapat-koordinasi-sosialisasi-pemilihan-2020/index.md")
    form = opened.form
    assert form.title == "Rapat Koordinasi Sosialisasi Pemilihan 2020"
    assert form.date == "2019-11-08 11:30" and form.category == "Kegiatan"
    assert form.tags[:2] == ["sosialisasi", "pendidikan pemilih"]
    assert (form.event_start, form.event_end, form.event_place) == ("2019-11-01", "2019-11-03", "Kantor KPU Kota Tarakan")
    assert [p.file for p in form.photos] == ["pembukaan.jpg", "peserta.jpg", "diskusi.jpg"]
    assert form.photos[2].alt.startswith("Peserta rapat menyimak") and form.cover == "pembukaan.jpg"
    assert form.status == "terbit" and form.body.startswith("**Tarakan**") or form.body
    assert opened.problems == [] and len(opened.version) == 64
    documents = store.open_entry(site, "content/posts/2024/rapat-pleno-penetapan-dpt-pemilihan-2024/index.md").form
    assert [a.file for a in documents.attachments] == ["sk-penetapan-dpt-pemilihan-2024.pdf",
                                                       "berita-acara-rekapitulasi-dpt.docx"]


@pytest.mark.parametrize("key", ["../config.yaml", "content/../config.yaml", "/etc/passwd", "content/posts/x.md",
                                 "content/posts/2019\\x.md", "config.yaml", "content/posts/a.txt", "output/index.md"])
def test_bad_keys_are_a_desk_error(tmp_path, key):
    site = sample_site(tmp_path)
    with pytest.raises(store.DeskError):
        store.open_entry(site, key)


def test_a_key_through_a_link_out_of_content_is_refused(tmp_path):
    site = sample_site(tmp_path)
    outside = tmp_path / "rahasia"
    outside.mkdir()
    (outside / "index.md").write_text(md("title: Rahasia\ndate: 2024-01-01"), encoding="utf-8")
    (site / "content" / "posts" / "2024" / "tautan").symlink_to(outside)
    with pytest.raises(store.DeskError, match="di luar"):
        store.open_entry(site, "content/posts/2024/tautan/index.md")


# --- writing: unchanged and minimal -------------------------------------------------------------------------------


def test_every_sample_post_saved_unchanged_is_byte_identical(tmp_path):
    site = sample_site(tmp_path)
    for entry in store.list_entries(site, ZONE_NOW):
        before = (site / entry.key).read_bytes()
        assert save_unchanged(site, entry.key) == before, entry.key
        assert store.history(site, entry.key) == []        # nothing written, nothing kept


HAND_WRITTEN = (
    "\ufeff---\r\n"
    "# ditulis tangan\r\n"
    "title: 'Rilis: Pers'   # judul\r\n"
    "date: 2024-03-05T09:30:00+08:00\r\n"
    "penulis_foto: Budi\r\n"
    "tags:\r\n"
    "- pemilu\r\n"
    "- \"tps\"\r\n"
    "gallery:\r\n"
    "- file: a.jpg\r\n"
    "  caption: >-\r\n"
    "    Keterangan panjang\r\n"
    "    dua baris\r\n"
    "draft: false\r\n"
    "---\r\n"
    "\r\n"
    "Isi **berita**.\r\n"
)


def test_hand_written_crlf_bom_comments_and_unknown_fields_survive(site_factory):
    site = site_factory({"content/posts/2024/tangan/index.md": HAND_WRITTEN.encode("utf-8"),
                         "content/posts/2024/tangan/a.jpg": b"photo"})
    key = "content/posts/2024/tangan/index.md"
    assert save_unchanged(site, key) == HAND_WRITTEN.encode("utf-8")
    opened = store.open_entry(site, key)
    opened.form.title = "Rilis Pers Baru"
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    after = (site / key).read_bytes().decode("utf-8")
    assert after == HAND_WRITTEN.replace("title: 'Rilis: Pers'   # judul", "title: Rilis Pers Baru   # judul")
    assert saved.problems == [] and not saved.kept_as_draft
    opened = store.open_entry(site, key)
    opened.form.photos[0].caption = "Pendek"
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    text = (site / key).read_bytes().decode("utf-8")
    assert "  caption: Pendek\r\n" in text and "dua baris" not in text and text.startswith("\ufeff---\r\n# ditulis")
    assert "penulis_foto: Budi\r\n" in text and "\n" not in text.replace("\r\n", "")


ODD_FILES = [
    "---\ntitle: A\ndate: 2024-01-01\ntags: pemilu\n---\nIsi tanpa baris kosong",
    "---\ntitle: A\ndate: 2024-01-01\ngallery:\n  - a.jpg\n  - b.jpg\n---\n\nIsi.\n",
    "---   \ntitle: A\ndate: 2024-01-01\nsummary: >\n  dua\n  baris\n---  \n\n\n\nIsi.\n\n\n",
    "---\n---\nHanya isi.\n",
    "---\ntitle: \"A\"\ndate: '2024-01-01 10:00'\ncategory: 'Kegiatan'\ndraft: no\n---\n",
    "---\ntitle: A\ndate: 2024-01-01\nevent: {start: 2024-01-01, place: Aula}\ngallery: [{file: a.jpg, caption: x}]\n---\nIsi\n",
    "---\r\ntitle: A\r\ndate: 2024-01-01\r\ntags: [a,b]\r\n---\r\nIsi\r\n",
    "---\ntitle: A\ndate: 2024-01-01\ngallery:\n- file: a.jpg\n  caption: |\n    multi\n    line\n- file: b.jpg\n---\nIsi\n",
    "---\ntitle: A\ndate: 2024-01-01 10:00:30\nviews: 5\nattachments:\n  - sk.pdf\n---\nIsi\n",
    "---\ntitle: [rusak\n---\nIsi\n",
    "tanpa front matter\n",
    "---\ntitle: A\ndate: 2024-01-01\ntags:\n  - 2024\n  - yes\n---\nIsi\nhttps://youtu.be/abcdefghijk\n",
    "---\ntitle: A # komentar\n# baris komentar\ndate: 2024-01-01T10:00:00Z\ncomments:\n  - author: B\n    text: Hai\n---\n",
]


TYPED = """---
title: Penetapan DPT
date: 2024-03-21 09:00
attachments:
  - file: sk-112.pdf
    title: SK Penetapan DPT
    jenis: Keputusan
    nomor: 112 Tahun 2024
    tanggal: 2024-03-20
    tentang: Penetapan DPT
    kip: serta-merta
    mencabut: 98 Tahun 2024
    unit: Subbagian Teknis
  - file: pengumuman.pdf
    title: Pengumuman DPT
---

Isi.
"""


def test_the_desk_shows_and_sets_a_documents_type_number_date_and_category(site_factory):
    """The registry trial: staff could attach a document in the desk but not say it is a decree; its type, number,
    date, subject and KIP category are fields of each attachment, the other registry fields kept as written."""
    site = site_factory({"content/posts/2024/dpt/index.md": TYPED, "content/posts/2024/dpt/sk-112.pdf": b"%PDF-1.4\n",
                         "content/posts/2024/dpt/pengumuman.pdf": b"%PDF-1.4\n",
                         "content/posts/2024/dps/index.md": md("title: DPS\ndate: 2024-02-10\nattachments:\n"
                                                               "  - {file: sk-98.pdf, jenis: Keputusan, nomor: 98 Tahun "
                                                               "2024, tanggal: 2024-02-09, tentang: DPS}"),
                         "content/posts/2024/dps/sk-98.pdf": b"%PDF-1.4\n"})
    key = "content/posts/2024/dpt/index.md"
    assert save_unchanged(site, key) == TYPED.encode("utf-8")
    opened = store.open_entry(site, key)
    first, second = opened.form.attachments
    assert (first.jenis, first.nomor, first.tanggal, first.tentang, first.kip) == (
        "Keputusan", "112 Tahun 2024", "2024-03-20", "Penetapan DPT", "serta-merta")
    second.jenis, second.tanggal, second.kip = "Pengumuman", "2024-03-21", "serta-merta"
    first.kip = ""
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert saved.problems == [] and not saved.kept_as_draft
    after = (site / key).read_text(encoding="utf-8")
    assert "    kip: serta-merta\n    mencabut" not in after and "    mencabut: 98 Tahun 2024\n    unit: Subbagian" in after
    assert "title: Pengumuman DPT\n    jenis: Pengumuman\n    tanggal: 2024-03-21\n    kip: serta-merta\n" in after
    build_site(site)
    page = (site / "output/2024/03/21/dpt/index.html").read_text(encoding="utf-8")
    assert "Pengumuman, 21 Maret 2024" in page and "mencabut <a" in page


def test_a_form_without_the_document_fields_keeps_the_files_own(site_factory):
    """A desk tab opened before the document fields came (or any client that sends only the file and its title):
    saving it keeps the decree's type, number, date, subject and category as the file has them, instead of taking
    the missing fields for emptied ones and dropping the decree from the register."""
    from starlette.datastructures import MultiDict

    from generator.desk import formdata

    site = site_factory({"content/posts/2024/dpt/index.md": TYPED, "content/posts/2024/dpt/sk-112.pdf": b"%PDF-1.4\n",
                         "content/posts/2024/dpt/pengumuman.pdf": b"%PDF-1.4\n"})
    key = "content/posts/2024/dpt/index.md"
    posted, _ = formdata.form_of(MultiDict([("lampiran", "sk-112.pdf"), ("lampiran_judul", "SK Penetapan DPT"),
                                            ("lampiran", "pengumuman.pdf"), ("lampiran_judul", "Pengumuman DPT")]))
    assert [(a.file, a.title, a.jenis, a.kip) for a in posted.attachments] == [
        ("sk-112.pdf", "SK Penetapan DPT", None, None), ("pengumuman.pdf", "Pengumuman DPT", None, None)]
    opened = store.open_entry(site, key)
    opened.form.attachments = posted.attachments
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert saved.problems == [] and not saved.kept_as_draft
    assert (site / key).read_text(encoding="utf-8") == TYPED


def test_a_decree_set_in_the_desk_without_its_number_is_kept_as_a_draft_with_the_reason_beside_it(site_factory):
    site = site_factory({"content/posts/2024/dpt/index.md": TYPED, "content/posts/2024/dpt/sk-112.pdf": b"%PDF-1.4\n",
                         "content/posts/2024/dpt/pengumuman.pdf": b"%PDF-1.4\n"})
    key = "content/posts/2024/dpt/index.md"
    opened = store.open_entry(site, key)
    opened.form.attachments[1].jenis = "Keputusan"
    opened.form.attachments[1].tentang = "Rekapitulasi DPT"
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert saved.kept_as_draft, saved
    assert any(p.field == "attachments" and "belum punya nomor, tanggal" in p.message for p in saved.problems), saved


@pytest.mark.parametrize("text", ODD_FILES)
def test_odd_hand_written_files_saved_unchanged_are_byte_identical(site_factory, text):
    site = site_factory({"content/posts/2024/p/a.jpg": b"photo", "content/posts/2024/p/b.jpg": b"photo",
                         "content/posts/2024/p/sk.pdf": b"%PDF-1.4\n"})
    (site / "content/posts/2024/p/index.md").write_bytes(text.encode("utf-8"))
    assert save_unchanged(site, "content/posts/2024/p/index.md") == text.encode("utf-8")


def test_body_edit_replaces_only_the_body(tmp_path):
    site = sample_site(tmp_path)
    key = "content/posts/2020/pengumuman-pendaftaran-calon-anggota-ppk.md"
    before = (site / key).read_text(encoding="utf-8")
    opened = store.open_entry(site, key)
    opened.form.body = "Isi baru.\r\n\r\nParagraf dua."
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    after = (site / key).read_text(encoding="utf-8")
    front = before[:before.index("\n---\n") + 5]
    assert after == front + "\nIsi baru.\n\nParagraf dua.\n"


FIELD_EDITS = {
    "title": ("title", lambda f, v: setattr(f, "title", v)),
    "category": ("category", lambda f, v: setattr(f, "category", v)),
    "summary": ("summary", lambda f, v: setattr(f, "summary", v)),
    "event_place": ("  place", lambda f, v: setattr(f, "event_place", v)),
    "caption": ("    caption", lambda f, v: setattr(f.photos[1], "caption", v)),
}
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40) \
    .map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted(FIELD_EDITS)), value=texts)
def test_changing_one_field_changes_only_its_line(tmp_path_factory, field, value):
    key = "content/posts/2019/rapat-koordinasi-sosialisasi-pemilihan-2020/index.md"
    site = write_site(tmp_path_factory.mktemp("satu"), {key: (ROOT / key).read_bytes()},
                      (ROOT / "config.yaml").read_text(encoding="utf-8"))
    for name in ("pembukaan.jpg", "peserta.jpg", "diskusi.jpg"):
        (site / key).with_name(name).write_bytes(b"")
    before = (site / key).read_text(encoding="utf-8")
    opened = store.open_entry(site, key)
    prefix, change = FIELD_EDITS[field]
    change(opened.form, value)
    if opened.form == store.open_entry(site, key).form:
        return
    text = store.source_text(site, opened.form, key)
    changed = changed_lines(before, text)
    old_lines = [line for line in changed if line.startswith("-")]
    new_lines = [line for line in changed if line.startswith("+")]
    assert len(old_lines) <= 1 and len(new_lines) == 1, changed
    assert new_lines[0][1:].startswith(prefix + ":")
    meta = yaml.load(parse(text).front, Loader=yamltext.Reader)
    found = {"title": lambda m: m["title"], "category": lambda m: m["category"], "summary": lambda m: m["summary"],
             "event_place": lambda m: m["event"]["place"], "caption": lambda m: m["gallery"][1]["caption"]}[field](meta)
    assert found == value


def test_changing_the_date_and_tags_touches_their_lines_only(tmp_path):
    site = sample_site(tmp_path)
    key = "content/posts/2020/bimtek-kpps-pemilihan-2020/index.md"
    before = (site / key).read_text(encoding="utf-8")
    opened = store.open_entry(site, key)
    opened.form.date = "2020-11-28 07:05"
    opened.form.tags = opened.form.tags + ["kpps 2020"]
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert changed_lines(before, (site / key).read_text(encoding="utf-8")) == [
        "-date: 2020-11-27T16:20:00+08:00\n", "+date: 2020-11-28 07:05\n",
        "-tags: [bimtek, kpps, tps, protokol kesehatan, pemilihan 2020]\n",
        "+tags: [bimtek, kpps, tps, protokol kesehatan, pemilihan 2020, kpps 2020]\n",
        "+aliases: [/2020/11/27/bimtek-kpps-pemilihan-2020/]\n"]
    [kept] = store.history(site, key)
    assert store.version_text(site, key, kept.id) == before


@pytest.mark.parametrize("title, folder", [
    ("🎉🗳️✅", "berita-20240601-2000"), ("Selamat Hari Pemilu 🎉🗳️", "selamat-hari-pemilu"),
    ("Rapat ❤️ Pleno", "rapat-pleno"), ("!!!", "berita-20240601-2000"), ("___", "berita-20240601-2000"),
    ("選挙", "xuanju")])
def test_a_new_posts_folder_takes_no_words_from_emoji(site_factory, title, folder):
    """The trial: the title '🎉🗳️✅' gave the address /2026/…/tada-ballot-box-white-check-mark/, English words
    on an Indonesian site."""
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")})
    form = store.new_form(site, ZONE_NOW)
    form.title = title
    saved = store.save_entry(site, None, form, None, ZONE_NOW)
    assert saved.key == f"content/posts/2024/{folder}/index.md"


@pytest.mark.parametrize("kind, title, saved", [("post", "Con", "content/posts/2024/berita-con/index.md"),
                                               ("post", "NUL", "content/posts/2024/berita-nul/index.md"),
                                               ("page", "Aux", "content/pages/halaman-aux.md")])
def test_a_title_windows_keeps_for_a_device_gets_a_name_the_build_accepts(site_factory, kind, title, saved):
    """'Con' made content/posts/2024/con/, a name the build then refused (Windows cannot hold it)."""
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")})
    form = store.new_form(site, ZONE_NOW)
    form.kind, form.title = kind, title
    assert store.save_entry(site, None, form, None, ZONE_NOW).key == saved


def test_moving_a_published_posts_date_keeps_its_old_address_working(sample):
    """The trial: a published post's new date moved it to a new address and every link already shared (WhatsApp,
    Facebook) broke; WordPress redirects the old date's address."""
    site, key = sample, "content/posts/2020/bimtek-kpps-pemilihan-2020/index.md"
    for date in ("2020-11-28 07:05", "2020-11-29 08:00", "2020-11-28 09:00"):
        opened = store.open_entry(site, key)
        opened.form.date = date
        assert store.save_entry(site, key, opened.form, opened.version, ZONE_NOW).problems == []
    text = (site / key).read_text(encoding="utf-8")
    assert "aliases: [/2020/11/27/bimtek-kpps-pemilihan-2020/, /2020/11/29/bimtek-kpps-pemilihan-2020/]\n" in text
    build_site(site, search=False)
    for old in ("2020/11/27", "2020/11/29"):
        moved = (site / "output" / old / "bimtek-kpps-pemilihan-2020" / "index.html").read_text(encoding="utf-8")
        assert "/2020/11/28/bimtek-kpps-pemilihan-2020/" in moved
    draft = store.new_form(site, ZONE_NOW)
    draft.title, draft.date = "Draf yang pindah tanggal", "2024-05-01 10:00"
    saved = store.save_entry(site, None, draft, None, ZONE_NOW)
    opened = store.open_entry(site, saved.key)
    opened.form.date = "2024-05-02 10:00"
    store.save_entry(site, saved.key, opened.form, opened.version, ZONE_NOW)
    assert "aliases" not in (site / saved.key).read_text(encoding="utf-8"), "a draft was never at its old address"


def test_a_new_post_is_written_in_the_guides_style(sample):
    site = sample
    form = store.new_form(site, ZONE_NOW)
    form.title, form.tags, form.status = "Rilis Pers: Datang ke TPS", ["pemilu 2024", "tps"], "terbit"
    form.date, form.summary = "2024-03-05 09:30", "Ringkasan."
    form.event_start, form.event_place = "2024-03-04", "Aula KPU"
    form.body = "Isi berita.\n\nhttps://www.youtube.com/watch?v=kpuKaltar24"
    form.youtube = ["https://www.youtube.com/watch?v=kpuKaltar24", "https://youtu.be/abcdefghijk"]
    saved = store.save_entry(site, None, form, None, ZONE_NOW)
    assert saved.key == "content/posts/2024/rilis-pers-datang-ke-tps/index.md" and saved.problems == []
    assert (site / saved.key).read_text(encoding="utf-8") == (
        "---\ntitle: \"Rilis Pers: Datang ke TPS\"\ndate: 2024-03-05 09:30\ncategory: Berita\n"
        "tags: [pemilu 2024, tps]\nsummary: Ringkasan.\nevent:\n  start: 2024-03-04\n  place: Aula KPU\n---\n\n"
        "Isi berita.\n\nhttps://www.youtube.com/watch?v=kpuKaltar24\n\nhttps://youtu.be/abcdefghijk\n")
    again = store.save_entry(site, None, form, None, ZONE_NOW)
    assert again.key == "content/posts/2024/rilis-pers-datang-ke-tps-2/index.md"
    build_site(site, search=False)
    assert (site / "output" / "2024" / "03" / "05" / "rilis-pers-datang-ke-tps" / "index.html").is_file()


def test_status_draft_published_and_scheduled(tmp_path):
    site = sample_site(tmp_path)
    key = "content/posts/2020/penundaan-tahapan-pemilihan-2020.md"
    before = (site / key).read_text(encoding="utf-8")
    opened = store.open_entry(site, key)
    opened.form.status = "draf"
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert changed_lines(before, (site / key).read_text(encoding="utf-8")) == ["+draft: true\n"]
    opened = store.open_entry(site, key)
    assert opened.form.status == "draf"
    opened.form.status = "terbit"
    store.save_entry(site, key, opened.form, saved.version, ZONE_NOW)
    assert (site / key).read_text(encoding="utf-8") == before
    opened = store.open_entry(site, key)
    opened.form.status, opened.form.date = "jadwal", "2024-06-01 19:00"     # an hour ago
    late = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert late.kept_as_draft and [p.field for p in late.problems] == ["date"]
    assert "draft: true" in (site / key).read_text(encoding="utf-8")
    opened = store.open_entry(site, key)
    opened.form.status, opened.form.date = "jadwal", "2024-07-01 08:00"
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    text = (site / key).read_text(encoding="utf-8")
    assert "draft" not in text and "date: 2024-07-01 08:00\n" in text
    opened = store.open_entry(site, key)
    opened.form.status = "terbit"                     # publish now: the future date becomes now
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert "date: 2024-06-01 20:00\n" in (site / key).read_text(encoding="utf-8")
    assert [e.status for e in store.list_entries(site, ZONE_NOW) if e.key == key] == ["terbit"]


def test_conflict_is_never_overwritten_without_force(tmp_path):
    site = sample_site(tmp_path)
    key = "content/posts/2020/penundaan-tahapan-pemilihan-2020.md"
    opened = store.open_entry(site, key)
    theirs = (site / key).read_text(encoding="utf-8").replace("Pengumuman", "Berita")
    (site / key).write_text(theirs, encoding="utf-8")
    opened.form.title = "Judul saya"
    result = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert isinstance(result, store.Conflict)
    assert result.theirs == theirs and "title: Judul saya" in result.mine and "category: Pengumuman" in result.mine
    assert (site / key).read_text(encoding="utf-8") == theirs
    forced = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW, force=True)
    assert isinstance(forced, store.Saved) and (site / key).read_text(encoding="utf-8") == result.mine
    assert store.version_text(site, key, store.history(site, key)[0].id) == theirs


def test_errors_keep_the_post_as_a_draft_with_the_builds_sentences(tmp_path):
    site = sample_site(tmp_path)
    key = "content/posts/2019/rapat-koordinasi-sosialisasi-pemilihan-2020/index.md"
    opened = store.open_entry(site, key)
    opened.form.photos[1].file = "pesrta.jpg"
    opened.form.cover = "pembukan.jpg"
    opened.form.date = "2019-11-31 10:00"
    problems = store.check_form(site, opened.form, key)
    by_field = {p.field: p.message for p in problems}
    assert set(by_field) == {"photos", "cover", "date"}
    assert "Mungkin maksudnya 'peserta.jpg'?" in by_field["photos"]
    assert "Mungkin maksudnya 'pembukaan.jpg'?" in by_field["cover"]
    assert "2019-11-31" in by_field["date"] and "baris" not in by_field["date"]
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert saved.kept_as_draft and set(p.field for p in saved.problems) == {"photos", "cover", "date"}
    assert "draft: true" in (site / key).read_text(encoding="utf-8")
    missing = store.new_form(site, ZONE_NOW)
    assert [p.field for p in store.check_form(site, missing, None)] == ["title"]


def test_a_missing_file_is_told_as_the_desk_does_it_not_as_folders_and_index_md(site_factory):
    """The trial: 'Letakkan berkasnya di folder yang sama dengan index.md' asks a desk user for a folder and a file
    they never see; in the desk the file comes through the Foto or Lampiran field."""
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")})
    form = store.open_entry(site, "content/posts/2024/a/index.md").form
    form.body = "Lihat ![foto](tidak-ada.jpg) dan [surat](surat.pdf).\n"
    problems = store.check_form(site, form, "content/posts/2024/a/index.md")
    assert len(problems) == 2 and all(p.field == "body" for p in problems)
    for problem in problems:
        assert "index.md" not in problem.message and "bagian Foto atau Lampiran" in problem.message


def test_an_error_in_a_field_the_form_does_not_show_is_for_the_whole_post(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01\nviews: banyak")})
    opened = store.open_entry(site, "content/posts/2024/a/index.md")
    assert [p.field for p in opened.problems] == [""] and "views" in opened.problems[0].message


# --- uploads -----------------------------------------------------------------------------------------------------


def jpeg_bytes(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize("hostile, expected", [
    ("../../etc/passwd.jpg", "passwd.jpg"), ("..\\..\\boot.ini.pdf", "boot-ini.pdf"), ("/abs/path/Foto.JPG", "foto.jpg"),
    (".hidden.jpg", "hidden.jpg"), ("CON.jpg", "berkas-con.jpg"), ("lpt1.pdf", "berkas-lpt1.pdf"),
    ("nul\0x.jpg", "nulx.jpg"), ('a:b*c?"d<e>f|g.jpg', "a-b-c-d-e-f-g.jpg"), ("foto. .jpg", "foto.jpg"),
    ("Pembukaan Rapat (1).JPEG", "pembukaan-rapat-1.jpeg"), ("Rapat Pléno 選挙.png", "rapat-pleno-xuanju.png"),
    ("x" * 300 + ".jpg", "x" * 96 + ".jpg"), ("..jpg", "berkas.jpg"),
    ("Foto Kegiatan PSU – Tanjung Selor (1).jpg", "foto-kegiatan-psu-tanjung-selor-1.jpg"),   # the trial: '---'
    ("rapat - - pleno__2.jpg", "rapat-pleno__2.jpg"),
])
def test_hostile_upload_names_are_made_safe(site_factory, hostile, expected):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")})
    stored = store.store_upload(site, "content/posts/2024/a/index.md", hostile, io.BytesIO(jpeg_bytes()), 10**6)
    assert isinstance(stored, store.Stored) and stored.name == expected
    assert (site / "content/posts/2024/a" / expected).is_file()
    assert sorted(p.name for p in site.rglob("*") if p.is_file() and ".cache" not in p.relative_to(site).parts) \
        == sorted(["config.yaml", "index.md", expected])


def test_upload_names_stay_unique_and_kinds_are_told_apart(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01"),
                         "content/posts/2024/a/foto.jpg": b"photo"})
    key = "content/posts/2024/a/index.md"
    first = store.store_upload(site, key, "FOTO.jpg", io.BytesIO(jpeg_bytes()), 10**6)
    second = store.store_upload(site, key, "foto.jpg", io.BytesIO(jpeg_bytes()), 10**6)
    document = store.store_upload(site, key, "SK Penetapan.PDF", io.BytesIO(b"%PDF-1.4\n"), 10**6)
    assert (first.name, second.name) == ("foto-2.jpg", "foto-3.jpg") and first.kind == "photo"
    assert (document.name, document.kind, document.size) == ("sk-penetapan.pdf", "attachment", 9)
    refused = store.store_upload(site, key, "program.exe", io.BytesIO(b"MZ"), 10**6)
    assert isinstance(refused, store.FieldProblem) and "tidak dikenal" in refused.message


def test_size_limit_has_a_clear_message(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")},
                        config=(ROOT / "config.yaml").read_text(encoding="utf-8") + "desk:\n  upload_limit_mb: 1\n")
    limit = store.upload_limit(site)
    assert limit == 1024 * 1024
    big = store.store_upload(site, "content/posts/2024/a/index.md", "besar.pdf", io.BytesIO(b"x" * (limit + 1)), limit)
    assert isinstance(big, store.FieldProblem) and big.field == "attachments" and "1 MB" in big.message
    assert sorted(p.name for p in (site / "content/posts/2024/a").iterdir()) == ["index.md"]
    assert store.upload_limit(write_site(site.parent / "b", {})) == 25 * 1024 * 1024


def test_the_video_limit_is_500_mb_unless_set_and_its_setting_is_checked(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")},
                        config=(ROOT / "config.yaml").read_text(encoding="utf-8") + "desk:\n  video_limit_mb: 0\n")
    assert any("'desk.video_limit_mb' harus antara 1 dan 4096" in e for e in build_errors(site))
    assert store.video_limit(write_site(site.parent / "b", {})) == 500 * 1024 * 1024


def test_upload_limit_setting_is_checked(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")},
                        config=(ROOT / "config.yaml").read_text(encoding="utf-8") + "desk:\n  upload_limt_mb: 1\n")
    assert any("Mungkin maksudnya 'upload_limit_mb'" in e for e in build_errors(site))


def heic_bytes(orientation: int) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (3.0, 17.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (60, 20), (200, 30, 30)).save(out, "HEIF", exif=exif.tobytes())
    return out.getvalue()


def test_heic_becomes_an_upright_jpeg_without_gps(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")})
    stored = store.store_upload(site, "content/posts/2024/a/index.md", "IMG_0001.HEIC", io.BytesIO(heic_bytes(6)), 10**7)
    assert stored.name == "img_0001.jpg" and stored.kind == "photo"
    with Image.open(site / "content/posts/2024/a/img_0001.jpg") as photo:
        assert photo.format == "JPEG" and photo.size == (20, 60)
        exif = photo.getexif()
        assert exif.get(0x0112) == 1 and 0x8825 not in exif
    broken = store.store_upload(site, "content/posts/2024/a/index.md", "rusak.heic", io.BytesIO(b"bukan heic"), 10**7)
    assert isinstance(broken, store.FieldProblem) and broken.field == "photos"


def test_new_post_with_staged_photos_and_a_document(sample):
    site = sample
    form = store.new_form(site, ZONE_NOW)
    names = [store.store_upload(site, None, name, io.BytesIO(data), 10**7).name
             for name, data in (("B.jpg", jpeg_bytes()), ("a.jpg", jpeg_bytes()), ("SK.pdf", b"%PDF-1.4\n"))]
    assert names == ["b.jpg", "a.jpg", "sk.pdf"]
    assert not list((site / "content").rglob("b.jpg"))           # staged, outside content/
    form.title, form.status = "Rapat dengan foto", "terbit"
    form.photos = [store.Photo("b.jpg", "Foto B"), store.Photo("a.jpg", alt="Uraian A")]
    form.attachments = [store.Attachment("sk.pdf", "Surat Keputusan")]
    form.cover = "a.jpg"
    saved = store.save_entry(site, None, form, None, ZONE_NOW)
    folder = site / saved.key.rsplit("/", 1)[0]
    assert sorted(p.name for p in folder.iterdir()) == ["a.jpg", "b.jpg", "index.md", "sk.pdf"]
    text = (folder / "index.md").read_text(encoding="utf-8")
    assert "cover: a.jpg\ngallery:\n  - file: b.jpg\n    caption: Foto B\n  - file: a.jpg\n    alt: Uraian A\n" \
           "attachments:\n  - file: sk.pdf\n    title: Surat Keputusan\n" in text
    build_site(site, search=False)
    assert saved.problems == []


def test_a_video_uploaded_without_a_title_is_named_in_attachments_and_played(sample):
    """The build plays (and lists) a video only when attachments: names it, unlike a PDF, which it lists anyway."""
    from .conftest import make_video

    site = sample
    form = store.new_form(site, ZONE_NOW)
    names = [store.store_upload(site, None, name, io.BytesIO(data), 10**7).name
             for name, data in (("Surat Undangan.pdf", b"%PDF-1.4\n"), ("Video Rapat.mp4", make_video(place=False)))]
    form.title, form.status = "Rapat dengan video", "terbit"
    form.attachments = [store.Attachment(name) for name in names]
    saved = store.save_entry(site, None, form, None, ZONE_NOW)
    text = (site / saved.key).read_text(encoding="utf-8")
    assert "attachments:\n  - file: surat-undangan.pdf\n  - file: video-rapat.mp4\n" in text
    assert [a.file for a in store.open_entry(site, saved.key).form.attachments] == ["surat-undangan.pdf",
                                                                                  "video-rapat.mp4"]
    build_site(site, search=False)
    [page] = (site / "output").rglob("rapat-dengan-video/index.html")
    assert '<video' in page.read_text(encoding="utf-8") and "video-rapat.mp4" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("name, data", [("bukan-foto.jpg", b"ini cuma teks, bukan foto\n"), ("kosong.jpg", b""),
                                        ("potongan.png", b"\x89PNG\r\n\x1a\n"), ("kosong.pdf", b"")])
def test_a_photo_that_is_not_one_or_an_empty_file_is_refused_as_it_is_uploaded(site_factory, name, data):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")})
    refused = store.store_upload(site, "content/posts/2024/a/index.md", name, io.BytesIO(data), 10**6)
    assert isinstance(refused, store.FieldProblem), refused
    assert name in refused.message and "Error" not in refused.message
    assert refused.field == ("photos" if name.endswith(("jpg", "png")) else "attachments")
    assert sorted(p.name for p in (site / "content/posts/2024/a").iterdir()) == ["index.md"]


def test_a_single_file_post_becomes_a_folder_when_it_gets_a_photo(sample):
    site = sample
    key = "content/posts/2020/penundaan-tahapan-pemilihan-2020.md"
    before = (site / key).read_bytes()
    opened = store.open_entry(site, key)
    stored = store.store_upload(site, key, "Foto.jpg", io.BytesIO(jpeg_bytes()), 10**7)
    assert (site / key).read_bytes() == before          # nothing moves until the post is saved
    opened.form.photos.append(store.Photo(stored.name, "Keterangan"))
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert saved.key == "content/posts/2020/penundaan-tahapan-pemilihan-2020/index.md"
    assert not (site / key).exists() and (site / "content/posts/2020/penundaan-tahapan-pemilihan-2020/foto.jpg").is_file()
    assert store.version_text(site, key, store.history(site, key)[0].id).encode("utf-8") == before
    [earlier] = store.history(site, saved.key)            # the folder's history begins with the single file's
    restored = store.restore(site, key, earlier.id, ZONE_NOW)
    assert restored.key == saved.key and (site / saved.key).read_bytes() == before and not (site / key).exists()
    store.restore(site, saved.key, store.history(site, saved.key)[0].id, ZONE_NOW)
    assert (site / saved.key).read_bytes() == before.replace(
        b"tags: [pemilihan 2020, covid-19, tahapan]\n",
        b"tags: [pemilihan 2020, covid-19, tahapan]\ngallery:\n  - file: foto.jpg\n    caption: Keterangan\n")
    build_site(site, search=False)


# --- history and trash -------------------------------------------------------------------------------------------


def test_history_and_restore(tmp_path):
    site = sample_site(tmp_path)
    key = "content/posts/2020/penundaan-tahapan-pemilihan-2020.md"
    original = (site / key).read_text(encoding="utf-8")
    for number, title in enumerate(["Satu", "Dua"]):
        opened = store.open_entry(site, key)
        opened.form.title = title
        store.save_entry(site, key, opened.form, opened.version, ZONE_NOW + dt.timedelta(minutes=number))
    versions = store.history(site, key)
    assert len(versions) == 2 and versions[0].time > versions[1].time
    assert store.version_text(site, key, versions[1].id) == original
    assert "title: Satu" in store.version_text(site, key, versions[0].id)
    restored = store.restore(site, key, versions[1].id, ZONE_NOW + dt.timedelta(minutes=5))
    assert (site / key).read_text(encoding="utf-8") == original and restored.problems == []
    assert len(store.history(site, key)) == 3            # the text it replaced is kept too
    with pytest.raises(store.DeskError):
        store.version_text(site, key, "../../config")
    with pytest.raises(store.DeskError):
        store.restore(site, "content/../config.yaml", versions[1].id, ZONE_NOW)


def test_trash_and_untrash(tmp_path):
    site = sample_site(tmp_path)
    key = "content/posts/2020/bimtek-kpps-pemilihan-2020/index.md"
    files = sorted(p.name for p in (site / key).parent.iterdir())
    thrown = store.trash(site, key, ZONE_NOW)
    assert not (site / key).parent.exists()
    assert thrown.title.startswith("KPU Kaltara Pantau Bimbingan") and thrown.key == key
    assert [t.id for t in store.trashed(site)] == [thrown.id]
    assert key not in [e.key for e in store.list_entries(site, ZONE_NOW)]
    assert store.untrash(site, thrown.id) == key
    assert sorted(p.name for p in (site / key).parent.iterdir()) == files and store.trashed(site) == []
    single = "content/posts/2020/penundaan-tahapan-pemilihan-2020.md"
    thrown = store.trash(site, single, ZONE_NOW)
    (site / single).write_text(md("title: Pengganti\ndate: 2020-03-23"), encoding="utf-8")
    assert store.untrash(site, thrown.id) == "content/posts/2020/penundaan-tahapan-pemilihan-2020-2.md"
    with pytest.raises(store.DeskError):
        store.untrash(site, "../../etc")


def test_desk_folder_is_never_built_watched_or_published(built_sample, tmp_path):
    # the sample's cache without its output: output/ holds only what this test's build made
    site = Path(shutil.copytree(built_sample, tmp_path / "contoh", ignore=shutil.ignore_patterns("output")))
    key = "content/posts/2020/penundaan-tahapan-pemilihan-2020.md"
    opened = store.open_entry(site, key)
    opened.form.title = "Judul rahasia versi baru"
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    store.store_upload(site, None, "staged.jpg", io.BytesIO(jpeg_bytes()), 10**7)
    store.trash(site, "content/posts/2020/bimtek-kpps-pemilihan-2020/index.md", ZONE_NOW)
    assert (site / ".redaksi" / "riwayat").is_dir() and (site / ".redaksi" / "sampah").is_dir()
    build_site(site, search=False)
    output = site / "output"
    assert not list(output.rglob("*staged*")) and not list(output.rglob("*redaksi*"))
    assert not any("bimbingan-teknis-kpps" in p.as_posix() or b"Bimbingan Teknis KPPS" in p.read_bytes()
                   for p in output.rglob("*.html"))
    assert all(watch.is_ignored(p.relative_to(site).as_posix()) for p in (site / ".redaksi").rglob("*"))


# --- imported posts and the importer's front matter --------------------------------------------------------------


WXR = Path("/work/shared/wxr") if not (ROOT.parent / "shared" / "wxr").is_dir() else ROOT.parent / "shared" / "wxr"
EXPORTS = sorted(WXR.glob("*.xml")) + [ROOT / "tests" / "wordpress" / "kpu-kaltara.xml"]


def attachments_of(export: Path, folder: Path) -> Path:
    """An uploads folder holding a small real photo (or a few bytes) for every attachment of an export."""
    from zoneinfo import ZoneInfo

    from generator.wordpress.wxr import read

    for number, item in enumerate(read(export, ZoneInfo("Asia/Makassar")).items):
        rel = (item.first_meta("_wp_attached_file") or "").strip() if item.post_type == "attachment" else ""
        if not rel or ".." in rel or rel.startswith("/"):
            continue
        target = folder / rel
        if target.suffix.lower() in (".jpg", ".jpeg"):
            make_photo(target, color=(number * 37 % 255, 90, 140))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"%PDF-1.4\n%%EOF\n" if target.suffix.lower() != ".png" else b"")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def imported_sites(tmp_path_factory) -> list[Path]:
    """Every shared export (and the KPU fixture) imported into a site of its own."""
    from generator import wordpress

    sites = []
    for export in EXPORTS:
        root = tmp_path_factory.mktemp(export.stem)
        site = write_site(root / "site", {}, MINIMAL_CONFIG)
        uploads = attachments_of(export, root / "uploads")
        code = wordpress.run(wordpress.Options(export, site, uploads), out=io.StringIO(), err=io.StringIO())
        assert code == 0, export.name
        sites.append(site)
    return sites


def test_imported_posts_saved_unchanged_are_byte_identical(imported_sites):
    count = 0
    for site in imported_sites:
        for entry in store.list_entries(site, ZONE_NOW):
            before = (site / entry.key).read_bytes()
            opened = store.open_entry(site, entry.key)
            assert store.source_text(site, opened.form, entry.key).encode("utf-8") == before, entry.key
            as_sent(opened.form)
            assert store.source_text(site, opened.form, entry.key).encode("utf-8") == before, entry.key
            count += 1
    assert count > 20


def test_imported_front_matter_follows_the_guide_and_takes_a_photo_the_guides_way(imported_sites):
    site = imported_sites[-1]           # the KPU office's own export
    index = next(p for p in sorted((site / "content").rglob("index.md")) if "gallery:\n" in p.read_text(encoding="utf-8"))
    text = index.read_text(encoding="utf-8")
    assert "\n  - file: " in text and "\n- " not in text
    photo = make_photo(index.parent / "tambahan.jpg")
    index.write_text(text.replace("gallery:\n", f"gallery:\n  - file: {photo.name}\n    caption: Foto tambahan\n", 1),
                     encoding="utf-8")
    build_site(site, drafts=True, future=True, search=False)


def test_the_importers_emitter_writes_tags_in_brackets_and_lists_two_spaces_in():
    bundle = type("B", (), {"front": {"title": "Rapat: Pleno", "date": dt.datetime(2019, 11, 8, 10, 30),
                                      "tags": ["sosialisasi", "Pemilihan 2020 & Pilkada"],
                                      "gallery": [{"file": "a.jpg", "caption": "Satu"}],
                                      "comments": [{"author": "Budi", "text": "Baris satu\nbaris dua"}]},
                            "body": "Isi.\n"})()
    assert wordpress_write.index_text(bundle) == (
        "---\ntitle: \"Rapat: Pleno\"\ndate: 2019-11-08 10:30\ntags: [sosialisasi, Pemilihan 2020 & Pilkada]\n"
        "gallery:\n  - file: a.jpg\n    caption: Satu\ncomments:\n  - author: Budi\n    text: |-\n      Baris satu\n"
        "      baris dua\n---\n\nIsi.\n")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(st.characters(whitelist_categories=("Ll",)), min_size=1, max_size=8),
                       st.one_of(st.text(max_size=30), st.integers(), st.booleans(),
                                 st.lists(st.text(max_size=12), max_size=4),
                                 st.lists(st.dictionaries(st.sampled_from(["file", "caption", "alt"]),
                                                          st.text(max_size=20), min_size=1), max_size=3)),
                       max_size=6))
@example({"a": ["0?"]})      # libyaml reads [0?] as a list, the pure parser the desk reads with refuses it
def test_emitted_front_matter_reads_back_as_written(data):
    text = yamltext.front_matter(data)
    clean = {k: v for k, v in data.items()}
    assert (yaml.load(text, Loader=yamltext.Reader) or {}) == clean


def test_a_photo_removed_in_the_form_leaves_the_post_but_is_kept_in_its_history(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01\ngallery:\n  - file: satu.jpg\n"
                                                              "    caption: Satu\n  - file: dua.jpg\n    caption: Dua"),
                         "content/posts/2024/a/satu.jpg": b"photo", "content/posts/2024/a/dua.jpg": b"photo",
                         "content/posts/2024/a/lepas.jpg": b"photo", "content/posts/2024/a/sk.pdf": b"%PDF-1.4\n"})
    key = "content/posts/2024/a/index.md"
    opened = store.open_entry(site, key)
    assert [p.file for p in opened.form.photos] == ["satu.jpg", "dua.jpg", "lepas.jpg"]
    assert [a.file for a in opened.form.attachments] == ["sk.pdf"]
    assert save_unchanged(site, key) == (site / key).read_bytes()
    opened.form.photos = [p for p in opened.form.photos if p.file != "dua.jpg"]
    opened.form.attachments = []
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert sorted(p.name for p in (site / "content/posts/2024/a").iterdir()) == ["index.md", "lepas.jpg", "satu.jpg"]
    assert (site / key).read_text(encoding="utf-8") == md("title: A\ndate: 2024-01-01\ngallery:\n  - file: satu.jpg\n"
                                                          "    caption: Satu")
    assert sorted(p.name for p in (site / ".redaksi").rglob("*") if p.is_file() and p.suffix != ".md") == \
        ["dua.jpg", "sk.pdf"]
    build_site(site, search=False)


def test_keeping_my_version_after_a_colleague_removed_a_photo_brings_the_photo_back(site_factory):
    """The trial: tab A removed a photo; tab B, opened before, chose 'Pakai versi saya'. Its gallery named the photo
    A had set aside, so the published post was saved as a draft and would have left the site."""
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01\ngallery:\n  - file: satu.jpg\n"
                                                              "  - file: dua.jpg"),
                         "content/posts/2024/a/satu.jpg": jpeg_bytes(), "content/posts/2024/a/dua.jpg": jpeg_bytes()})
    key = "content/posts/2024/a/index.md"
    mine, theirs = store.open_entry(site, key), store.open_entry(site, key)
    theirs.form.photos = [p for p in theirs.form.photos if p.file != "dua.jpg"]
    store.save_entry(site, key, theirs.form, theirs.version, ZONE_NOW)
    assert not (site / "content/posts/2024/a/dua.jpg").exists()
    mine.form.summary = "Ringkasan saya."
    assert isinstance(store.save_entry(site, key, mine.form, mine.version, ZONE_NOW), store.Conflict)
    assert not (site / "content/posts/2024/a/dua.jpg").exists(), "nothing comes back before the person chooses"
    saved = store.save_entry(site, key, mine.form, mine.version, ZONE_NOW, force=True)
    assert not saved.kept_as_draft and saved.problems == []
    assert (site / "content/posts/2024/a/dua.jpg").read_bytes() == jpeg_bytes()
    text = (site / key).read_text(encoding="utf-8")
    assert "draft" not in text and "summary: Ringkasan saya." in text
    assert [p.file for p in store.open_entry(site, key).form.photos] == ["satu.jpg", "dua.jpg"]
    build_site(site, search=False)


def test_only_a_plain_name_the_form_gives_brings_a_set_aside_photo_back(site_factory):
    """A form's file names come from the browser: a path, a pattern or a name of another folder never reaches past
    the post's own set-aside copies, and nothing is written outside the post's folder."""
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01\ngallery:\n  - file: satu.jpg\n"
                                                              "  - file: dua.jpg"),
                         "content/posts/2024/a/satu.jpg": jpeg_bytes(), "content/posts/2024/a/dua.jpg": jpeg_bytes()})
    key = "content/posts/2024/a/index.md"
    opened = store.open_entry(site, key)
    opened.form.photos = [p for p in opened.form.photos if p.file != "dua.jpg"]
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    before = sorted(str(path.relative_to(site)) for path in site.rglob("*") if ".cache" not in path.parts)
    hostile = ["../dua.jpg", "..\\dua.jpg", "*.jpg", "[d]ua.jpg", "du?.jpg", "../../../../dua.jpg", "."]
    opened = store.open_entry(site, key)
    opened.form.photos += [store.Photo(name) for name in hostile]
    store.save_entry(site, key, opened.form, saved.version, ZONE_NOW)
    assert sorted(p.name for p in (site / "content/posts/2024/a").iterdir()) == ["index.md", "satu.jpg"]
    after = sorted(str(path.relative_to(site)) for path in site.rglob("*") if ".cache" not in path.parts)
    assert set(after) - set(before) <= {path for path in after if path.startswith(".redaksi")}, set(after) - set(before)


def test_restoring_a_version_that_had_a_removed_photo_brings_the_photo_back(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01\ngallery:\n  - file: satu.jpg\n"
                                                              "    caption: Satu\n  - file: dua.jpg\n    caption: Dua"),
                         "content/posts/2024/a/satu.jpg": jpeg_bytes(), "content/posts/2024/a/dua.jpg": jpeg_bytes()})
    key = "content/posts/2024/a/index.md"
    opened = store.open_entry(site, key)
    opened.form.photos = [p for p in opened.form.photos if p.file != "dua.jpg"]
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    [before] = store.history(site, key)
    restored = store.restore(site, key, before.id, ZONE_NOW)
    assert restored.problems == [] and (site / "content/posts/2024/a/dua.jpg").read_bytes() == jpeg_bytes()


@pytest.mark.skipif(not hasattr(__import__("os"), "getuid"), reason="file modes are POSIX")
def test_written_files_are_readable_like_the_ones_they_replace(sample):
    site = sample
    key = "content/posts/2020/penundaan-tahapan-pemilihan-2020.md"
    (site / key).chmod(0o640)
    opened = store.open_entry(site, key)
    opened.form.title = "Judul baru"
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert (site / key).stat().st_mode & 0o777 == 0o640
    form = store.new_form(site, ZONE_NOW)
    form.title = "Baru"
    stored = store.store_upload(site, None, "foto.jpg", io.BytesIO(jpeg_bytes()), 10**7)
    form.photos = [store.Photo(stored.name)]
    saved = store.save_entry(site, None, form, None, ZONE_NOW)
    folder = (site / saved.key).parent
    assert {(folder / name).stat().st_mode & 0o777 for name in ("index.md", "foto.jpg")} == {0o644}


words = st.text(st.sampled_from("abc xyz:#-'\"é"), min_size=1, max_size=12).map(str.strip).filter(bool)
photo = st.fixed_dictionaries({"file": words}, optional={"caption": words, "alt": words})
values = st.one_of(words, st.integers(0, 999), st.booleans(), st.lists(words, max_size=3),
                   st.lists(photo, min_size=1, max_size=3),
                   st.fixed_dictionaries({"start": st.just("2024-01-01")}, optional={"place": words}))
fronts = st.dictionaries(st.sampled_from(["title", "tags", "gallery", "event", "summary", "lain", "views"]), values,
                         min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(front=fronts, changes=st.dictionaries(st.sampled_from(["title", "tags", "gallery", "event", "summary", "baru"]),
                                             st.one_of(values, st.just(frontmatter_edit.REMOVE)), max_size=3),
       style=st.sampled_from(["guide", "pyyaml", "flow"]))
def test_edits_keep_comments_and_every_untouched_field_byte_for_byte(front, changes, style):
    def written(key, value) -> str:        # as the guide writes it, as PyYAML does (lists at column 0), or in {}
        if style == "flow" and isinstance(value, (list, dict)):
            return f"{key}: " + yaml.safe_dump(value, allow_unicode=True, width=1000, default_flow_style=True)
        if style == "pyyaml":
            return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=1000)
        return "".join(line + "\n" for line in yamltext.lines(key, value))

    lines = [f"# {key}\n" + written(key, value) for key, value in front.items()]
    text = "".join(lines)
    edited = frontmatter_edit.edit(text, changes, "\n")
    wanted = {k: v for k, v in {**front, **changes}.items() if v is not frontmatter_edit.REMOVE}
    assert frontmatter_edit.read(edited) == wanted
    for key, block in zip(front, lines):
        assert f"# {key}\n" in edited                          # never rewritten as a whole
        if key not in changes or frontmatter_edit.same(changes[key], front[key]):
            assert block in edited
    crlf = frontmatter_edit.edit(text.replace("\n", "\r\n"), changes, "\r\n")
    assert crlf == edited.replace("\n", "\r\n")


def test_check_form_places_event_and_document_problems(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01"),
                         "content/posts/2024/a/sk-penetapan.pdf": b"%PDF-1.4\n"})
    key = "content/posts/2024/a/index.md"
    form = store.open_entry(site, key).form
    form.event_start, form.event_end = "2024-01-05", "2024-01-02"
    form.attachments = [store.Attachment("sk-penetapn.pdf", "SK")]
    problems = {p.field: p.message for p in store.check_form(site, form, key)}
    assert set(problems) == {"event_end", "attachments"}
    assert "Mungkin maksudnya 'sk-penetapan.pdf'?" in problems["attachments"]
    form.event_start = "kemarin"
    assert [p.field for p in store.check_form(site, form, key)][0] == "event_start"
    form.status, form.date = "jadwal", ""
    assert "date" in [p.field for p in store.check_form(site, form, key)]


def test_file_path_finds_only_the_posts_own_and_staged_files(site_factory):
    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01"),
                         "content/posts/2024/a/foto.jpg": b"photo", "rahasia.jpg": b"photo"})
    key = "content/posts/2024/a/index.md"
    assert store.file_path(site, key, "foto.jpg") == site / "content/posts/2024/a/foto.jpg"
    staged = store.store_upload(site, None, "Baru.JPG", io.BytesIO(jpeg_bytes()), 10**7)
    assert store.file_path(site, None, staged.name).read_bytes() == jpeg_bytes()
    for bad in ("../../../rahasia.jpg", "..", "/etc/passwd", "a\\b.jpg", ".hidden", "tidak-ada.jpg", "index.md/.."):
        with pytest.raises(store.DeskError):
            store.file_path(site, key, bad)


typed = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn")), max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed_in=st.fixed_dictionaries({
    "title": typed.filter(str.strip), "category": typed, "tags": st.lists(typed, max_size=4), "summary": typed,
    "place": typed, "captions": st.lists(st.tuples(typed, typed), min_size=2, max_size=2), "draft": st.booleans(),
    "body": st.text(max_size=60)}))
def test_a_saved_form_opens_as_it_was_typed(tmp_path_factory, typed_in):
    title, category, tags, summary = (typed_in[k] for k in ("title", "category", "tags", "summary"))
    place, captions, draft, body = (typed_in[k] for k in ("place", "captions", "draft", "body"))
    key = "content/posts/2024/a/index.md"
    site = write_site(tmp_path_factory.mktemp("bentuk"), {key: md("title: A\ndate: 2024-01-01 10:00"),
                                                          "content/posts/2024/a/a.jpg": b"", "content/posts/2024/a/b.jpg": b""})
    opened = store.open_entry(site, key)
    form = opened.form
    form.title, form.category, form.tags, form.summary = title, category, tags, summary
    form.event_start, form.event_place = "2024-01-01", place
    form.photos = [store.Photo("b.jpg", *captions[0]), store.Photo("a.jpg", *captions[1])]
    form.status = "draf" if draft else "terbit"
    form.body = body.replace("\r", "")
    saved = store.save_entry(site, key, form, opened.version, ZONE_NOW)
    again = store.open_entry(site, key).form
    assert again.title == title.strip() and again.category == category.strip() and again.summary == summary.strip()
    assert again.tags == [t.strip() for t in tags if t.strip()] and again.event_place == place.strip()
    assert [(p.file, p.caption, p.alt) for p in again.photos] == \
        [("b.jpg", *(c.strip() for c in captions[0])), ("a.jpg", *(c.strip() for c in captions[1]))]
    assert again.status == ("draf" if draft or saved.kept_as_draft else "terbit")
    assert again.body.rstrip("\n") == form.body.lstrip("\n").rstrip("\n") or not form.body.strip()


def test_uploads_of_one_name_at_the_same_time_all_stay(site_factory):
    from concurrent.futures import ThreadPoolExecutor

    site = site_factory({"content/posts/2024/a/index.md": md("title: A\ndate: 2024-01-01")})
    photos = [jpeg_bytes((20 + i, 20)) for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        stored = list(pool.map(lambda data: store.store_upload(site, "content/posts/2024/a/index.md", "foto.jpg",
                                                               io.BytesIO(data), 10**7), photos))
    names = [s.name for s in stored]
    assert len(set(names)) == 8 and "foto.jpg" in names
    folder = site / "content/posts/2024/a"
    assert sorted((folder / s.name).read_bytes() for s in stored) == sorted(photos)
    assert sorted(p.name for p in folder.iterdir()) == sorted(names + ["index.md"])


def test_staged_uploads_of_a_form_never_saved_are_let_go_after_two_weeks(site_factory):
    import os
    import time

    site = site_factory({})
    old = store.store_upload(site, None, "lama.jpg", io.BytesIO(jpeg_bytes()), 10**7)
    fresh = store.store_upload(site, None, "baru.jpg", io.BytesIO(jpeg_bytes()), 10**7)
    staged = site / ".redaksi" / "unggahan"
    month_ago = time.time() - 30 * 86400
    os.utime(staged / old.name, (month_ago, month_ago))
    store.store_upload(site, None, "lagi.jpg", io.BytesIO(jpeg_bytes()), 10**7)
    assert sorted(p.name for p in staged.iterdir()) == sorted([fresh.name, "lagi.jpg"])


def test_a_post_made_with_make_new_is_finished_in_the_desk(site_factory):
    site = site_factory({})
    assert run_cli("new", "--site", str(site), "Rapat Pleno DPT").code == 0
    [index] = (site / "content" / "posts").rglob("index.md")
    key = index.relative_to(site).as_posix()
    before = index.read_text(encoding="utf-8")
    assert save_unchanged(site, key) == before.encode("utf-8")
    opened = store.open_entry(site, key)
    stored = store.store_upload(site, key, "Pembukaan.JPG", io.BytesIO(jpeg_bytes()), 10**7)
    opened.form.photos = [store.Photo(stored.name, "Pembukaan rapat")]
    opened.form.status = "terbit"
    opened.form.body = "Isi berita yang sebenarnya."
    saved = store.save_entry(site, key, opened.form, opened.version, dt.datetime.now(dt.timezone.utc))
    assert saved.problems == [] and not saved.kept_as_draft
    after = index.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        "+gallery:\n", "+  - file: pembukaan.jpg\n", "+    caption: Pembukaan rapat\n", "-draft: true\n",
        "-Tulis isi berita di sini.\n", "+Isi berita yang sebenarnya.\n"]
    build_site(site, search=False, now=dt.datetime.now(dt.timezone.utc))


def test_a_temporary_upload_held_a_moment_by_the_system_is_still_one_file(tmp_path, monkeypatch):
    """On Windows a virus scanner may hold a new file for a moment: the first attempt to remove the temporary name
    fails. The upload is still one file under its name, and the temporary name goes afterwards."""
    from generator.desk import history, uploads

    real_unlink, failed = os.unlink, []

    def held_once(path, *args, **kwargs):
        if str(path).endswith(history.TEMP_SUFFIX) and not failed:
            failed.append(path)
            raise PermissionError(13, "dipakai proses lain", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", held_once)
    name = history.write_new(tmp_path, "foto.jpg", jpeg_bytes(), uploads.unique)
    assert failed and name == "foto.jpg"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foto.jpg"]


def test_a_pages_place_in_the_top_menu_is_shown_set_changed_and_removed_in_the_desk(tmp_path):
    """A page's `menu:` number put it in the top menu, but the desk had no field for it: staff had to open the text
    file. The form shows it, a typed number is written as a number on its own line, an emptied field takes the page
    out of the menu, and the site's menu follows."""
    site = sample_site(tmp_path)
    key = "content/pages/kontak.md"
    before = (site / key).read_text(encoding="utf-8")
    opened = store.open_entry(site, key)
    assert opened.form.menu == "2"
    opened.form.menu = " 3 "
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert saved.problems == []
    assert changed_lines(before, (site / key).read_text(encoding="utf-8")) == ["-menu: 2\n", "+menu: 3\n"]
    opened = store.open_entry(site, key)
    opened.form.menu = ""
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert "menu:" not in (site / key).read_text(encoding="utf-8")
    build_site(site, search=False)
    home = (site / "output/index.html").read_text(encoding="utf-8")
    nav = home[home.index("<nav"):home.index("</nav>")]
    assert 'href="/profil/"' in nav and 'href="/kontak/"' not in nav
    opened = store.open_entry(site, key)
    opened.form.menu = "1"
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert "title: Kontak\nmenu: 1\n" in (site / key).read_text(encoding="utf-8")
    build_site(site, search=False)
    home = (site / "output/index.html").read_text(encoding="utf-8")
    nav = home[home.index("<nav"):home.index("</nav>")]
    assert 'href="/kontak/"' in nav


def test_a_menu_place_that_is_not_a_number_is_named_beside_its_field_and_a_posts_form_has_none(tmp_path):
    site = sample_site(tmp_path)
    key = "content/pages/profil.md"
    opened = store.open_entry(site, key)
    opened.form.menu = "pertama"
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert [p.field for p in saved.problems] == ["menu"], saved.problems
    assert "menu" in saved.problems[0].message
    post = "content/posts/2020/pengumuman-pendaftaran-calon-anggota-ppk.md"
    opened = store.open_entry(site, post)
    assert opened.form.menu == ""
    assert save_unchanged(site, post) == (ROOT / post).read_bytes()


def test_the_lead_story_date_the_hidden_cover_and_a_photo_credit_are_set_in_the_desk(tmp_path):
    """The front page's lead story (pinned_until), a cover kept off the top of the post (cover_hidden) and a
    photographer's credit were front matter only: staff had to open the text file. Each is a field of the form,
    written on its own line where the guide puts it, and the built site follows."""
    site = sample_site(tmp_path)
    key = "content/posts/2019/rapat-koordinasi-sosialisasi-pemilihan-2020/index.md"
    before = (site / key).read_text(encoding="utf-8")
    opened = store.open_entry(site, key)
    assert (opened.form.pinned_until, opened.form.cover_hidden) == ("", False)
    opened.form.pinned_until = "2099-12-31"
    opened.form.cover_hidden = True
    opened.form.photos[1].credit = "Humas KPU Kaltara"
    saved = store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert saved.problems == []
    after = (site / key).read_text(encoding="utf-8")
    assert changed_lines(before, after) == [
        "+cover_hidden: true\n", "+    credit: Humas KPU Kaltara\n", "+pinned_until: 2099-12-31\n"]
    assert "cover: pembukaan.jpg\ncover_hidden: true\ngallery:" in after
    assert store.open_entry(site, key).form.pinned_until == "2099-12-31"
    build_site(site, search=False)
    home = (site / "output/index.html").read_text(encoding="utf-8")
    lead = home[home.index('<article class="lead">'):]
    assert "Rapat Koordinasi Sosialisasi Pemilihan 2020" in lead[:lead.index("</article>")], "the 2019 post leads"
    built = (site / "output/2019/11/08/rapat-koordinasi-sosialisasi-pemilihan-2020/index.html").read_text("utf-8")
    assert "Foto: Humas KPU Kaltara" in built
    opened = store.open_entry(site, key)
    opened.form.pinned_until, opened.form.cover_hidden = "", False
    opened.form.photos[1].credit = ""
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert (site / key).read_text(encoding="utf-8") == before


def test_fields_a_form_did_not_send_keep_the_files_own_values(tmp_path):
    """A desk tab opened before these fields came (or any client that sends only some fields): saving it keeps
    a page's menu place, a post's lead date, hidden cover and photo credits as the file has them."""
    site = sample_site(tmp_path)
    key = "content/posts/2019/rapat-koordinasi-sosialisasi-pemilihan-2020/index.md"
    text = (site / key).read_text(encoding="utf-8").replace(
        "cover: pembukaan.jpg\n", "cover: pembukaan.jpg\ncover_hidden: true\npinned_until: 2099-12-31\n").replace(
        "    caption: Peserta Rapat\n", "    caption: Peserta Rapat\n    credit: Humas\n")
    (site / key).write_text(text, encoding="utf-8")
    opened = store.open_entry(site, key)
    opened.form.pinned_until = opened.form.cover_hidden = None
    for photo in opened.form.photos:
        photo.credit = None
    store.save_entry(site, key, opened.form, opened.version, ZONE_NOW)
    assert (site / key).read_text(encoding="utf-8") == text
    page = "content/pages/kontak.md"
    opened = store.open_entry(site, page)
    opened.form.menu = None
    store.save_entry(site, page, opened.form, opened.version, ZONE_NOW)
    assert (site / page).read_bytes() == (ROOT / page).read_bytes()


def test_the_form_asks_for_its_fields_in_the_guides_order():
    """A field a file lacks is written after the nearest one before it in the order asked (frontmatter_edit.edit):
    the order the guide writes them in."""
    from zoneinfo import ZoneInfo

    from generator.desk import forms

    asked = forms.wanted({}, store.Form(), ZoneInfo("Asia/Makassar"), ZONE_NOW, "")
    assert tuple(asked.fields) == forms.ORDER
