"""The public-information registry (issue 27): typed documents, their status through other documents' relations,
the Daftar Informasi Publik as page, CSV and JSON, and overdue periodic information."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, build_errors, build_site, clean_build_tree, md, tree, write_site

pytestmark = pytest.mark.quick

PDF = b"%PDF-1.4\n% dokumen uji\n"


def decree(nomor: str, tentang: str, extra: str = "", file: str = "sk.pdf", tanggal: str = "2024-03-05") -> str:
    return (f"  - file: {file}\n    title: SK {nomor}\n    jenis: Keputusan\n    nomor: {nomor}\n"
            f"    tanggal: {tanggal}\n    tentang: {tentang}\n{extra}")


def post(title: str, date: str, attachments: str) -> str:
    return md(f"title: {title}\ndate: {date}\nattachments:\n{attachments}")


def office(tmp_path, **posts) -> dict:
    files = {}
    for slug, text in posts.items():
        files[f"content/posts/2024/{slug}/index.md"] = text
        for line in text.splitlines():
            if line.strip().startswith("- file:"):
                files[f"content/posts/2024/{slug}/{line.split(':', 1)[1].strip()}"] = PDF
    return files


def the_office(tmp_path):
    return write_site(tmp_path / "situs", office(
        tmp_path,
        lama=post("Penetapan DCT", "2024-03-05", decree("1 Tahun 2024", "Penetapan DCT")),
        ubah=post("Perubahan DCT", "2024-04-01", decree("7 Tahun 2024", "Perubahan DCT",
                                                       "    mengubah: 1 Tahun 2024\n", tanggal="2024-04-01")),
        cabut=post("Pencabutan DCT", "2024-05-01", decree("9 Tahun 2024", "Pencabutan",
                                                         "    mencabut: [1 Tahun 2024]\n    kip: serta-merta\n",
                                                         tanggal="2024-05-01"))))


@pytest.fixture(scope="module")
def built_office(tmp_path_factory) -> Path:
    """the_office built once, for the tests that only read its output."""
    site = the_office(tmp_path_factory.mktemp("kantor"))
    build_site(site)
    return site


def page(site, url):
    return (site / "output" / url.strip("/") / "index.html").read_text(encoding="utf-8")


def test_a_revoked_decree_says_so_and_links_to_what_revoked_it_without_anyone_editing_it(built_office):
    site = built_office
    old = page(site, "/2024/03/05/lama/")
    assert "Tidak Berlaku" in old and ('dicabut oleh <a href="/dokumen/keputusan/9-tahun-2024/">SK 9 Tahun 2024</a>' in old)
    assert 'diubah oleh <a href="/dokumen/keputusan/7-tahun-2024/">' in old
    assert 'mengubah <a href="/dokumen/keputusan/1-tahun-2024/">' in page(site, "/2024/04/01/ubah/")
    revoking = page(site, "/2024/05/01/cabut/")
    assert "Berlaku" in revoking and "mencabut <a" in revoking
    assert "Keputusan Nomor 9 Tahun 2024, 1 Mei 2024, tentang Pencabutan" in revoking


def test_the_front_pages_latest_documents_mark_a_revoked_decree_as_no_longer_in_force(built_office):
    box = page(built_office, "/").split(">Dokumen terbaru</h2>", 1)[1].split("</section>", 1)[0]
    items = {title: item for item in box.split("<li>")[1:] for title in ("SK 1 Tahun 2024", "SK 9 Tahun 2024")
             if f">{title}</a>" in item}
    assert 'class="doc-status tidak-berlaku">Tidak Berlaku</span>' in items["SK 1 Tahun 2024"]
    assert "Tidak Berlaku" not in items["SK 9 Tahun 2024"]


def test_every_page_links_the_register_from_its_foot(built_office):
    for url in ("/", "/2024/03/05/lama/", "/dokumen/"):
        foot = page(built_office, url).split('<footer class="footer">', 1)[1]
        assert '<a href="/informasi-publik/">Daftar Informasi Publik</a>' in foot, url


def test_the_register_is_a_page_a_csv_and_a_json_grouped_by_kip_category(built_office):
    site = built_office
    html = page(site, "/informasi-publik/")
    assert html.index("Informasi Serta Merta") < html.index("Informasi Setiap Saat")
    rows = list(csv.DictReader(io.StringIO((site / "output/informasi-publik/dip.csv").read_text(encoding="utf-8"))))
    assert [(r["Kategori"], r["Nomor"], r["Status"]) for r in rows] == [
        ("Informasi Serta Merta", "9 Tahun 2024", "Berlaku"),
        ("Informasi Setiap Saat", "7 Tahun 2024", "Berlaku"),
        ("Informasi Setiap Saat", "1 Tahun 2024", "Tidak Berlaku")]
    assert rows[0]["Alamat berkas"] == "https://kaltara.kpu.go.id/2024/05/01/cabut/sk.pdf"
    assert rows[0]["Waktu dan tempat pembuatan"] == "1 Mei 2024"
    data = json.loads((site / "output/informasi-publik/dip.json").read_text(encoding="utf-8"))
    assert [g["kategori"] for g in data["kategori"]] == ["serta-merta", "setiap-saat"]
    assert data["kategori"][1]["informasi"][1]["ringkasan"] == "Penetapan DCT"
    assert 'href="/informasi-publik/"' in page(site, "/dokumen/")


def test_a_register_without_its_unit_and_responsible_officer_is_warned_and_with_them_is_not(tmp_path):
    from tests.conftest import config_text

    files = office(tmp_path, a=post("A", "2024-03-05", decree("1 Tahun 2024", "X")))
    warned = [str(w) for w in build_site(write_site(tmp_path / "situs", files)).warnings]
    assert any(w.startswith("config.yaml:") and "kosong untuk 1 dokumen" in w and "responsible:" in w
               for w in warned), warned
    named = config_text(extra="documents:\n  register:\n    unit: Sekretariat\n    responsible: PPID\n")
    warned = [str(w) for w in build_site(write_site(tmp_path / "lain", files, named)).warnings]
    assert not any("kosong untuk" in w for w in warned), warned


def test_a_site_without_typed_documents_has_no_register(tmp_path):
    site = write_site(tmp_path / "situs", {"content/posts/2024/a/index.md": post("A", "2024-03-05", "  - file: sk.pdf\n"),
                                          "content/posts/2024/a/sk.pdf": PDF})
    build_site(site)
    assert not (site / "output/informasi-publik").exists()
    assert "Daftar Informasi Publik" not in page(site, "/")


@pytest.mark.parametrize("extra, line, words", [
    ("    kip: dikecualikan\n", 11, "tidak boleh diterbitkan"),
    ("    mencabut: 99 Tahun 2020\n", 11, "tidak ada di situs ini"),
    ("    mengubah: [1 Tahun 2024, 3 Tahun 2019]\n", 11, "'mengubah: 3 Tahun 2019'"),
    ("    status: kadaluarsa\n", 11, "Yang boleh: berlaku, tidak-berlaku"),
])
def test_wrong_registry_values_are_errors_with_their_line(tmp_path, extra, line, words):
    files = office(tmp_path, a=post("A", "2024-03-05", decree("1 Tahun 2024", "X", extra)))
    errors = build_errors(write_site(tmp_path / "situs", files))
    assert any(e.startswith(f"content/posts/2024/a/index.md:{line}:") and words in e for e in errors), errors


@pytest.mark.parametrize("written, iso", [("20 September 2024", "2024-09-20"), ("Jumat, 20 Sept 2024", "2024-09-20"),
                                           ("20/09/2024", "2024-09-20"), ("5 Maret 2024", "2024-03-05")])
def test_a_document_date_written_as_staff_write_it_says_how_to_write_that_date(tmp_path, written, iso):
    files = office(tmp_path, a=post("A", "2024-03-05", decree("1 Tahun 2024", "X", tanggal=f"'{written}'")))
    errors = build_errors(write_site(tmp_path / "situs", files))
    assert any(e.startswith("content/posts/2024/a/index.md:9:") and f"Tulis sebagai {iso} " in e for e in errors), errors


def test_a_legal_product_needs_its_number_date_and_subject(tmp_path):
    files = office(tmp_path, a=post("A", "2024-03-05", "  - file: sk.pdf\n    jenis: Peraturan\n"))
    errors = build_errors(write_site(tmp_path / "situs", files))
    assert any(":6:" in e and "nomor, tanggal, tentang" in e for e in errors), errors


def test_an_unknown_type_suggests_the_one_meant_and_the_office_can_add_its_own(tmp_path):
    files = office(tmp_path, a=post("A", "2024-03-05", "  - file: sk.pdf\n    jenis: Pengumuman KPU\n"),
                   b=post("B", "2024-03-06", "  - file: sk.pdf\n    jenis: Keputusn\n    nomor: 2\n"
                                             "    tanggal: 2024-03-06\n    tentang: Y\n"))
    errors = build_errors(write_site(tmp_path / "situs", files))
    assert any("b/index.md:6:" in e and "Mungkin maksudnya 'Keputusan'" in e for e in errors), errors
    from tests.conftest import config_text
    files["content/posts/2024/b/index.md"] = files["content/posts/2024/b/index.md"].replace("Keputusn", "Keputusan")
    site = write_site(tmp_path / "lain", files, config_text(extra="documents:\n  types: [Pengumuman KPU]\n"))
    build_site(site)


@pytest.mark.parametrize("short, meant", [("SK", "Keputusan"), ("PKPU", "Peraturan"), ("SE", "Surat Edaran")])
def test_a_type_written_as_offices_abbreviate_it_suggests_its_name(tmp_path, short, meant):
    files = office(tmp_path, a=post("A", "2024-03-05", f"  - file: sk.pdf\n    jenis: {short}\n"))
    errors = build_errors(write_site(tmp_path / "situs", files))
    assert any("a/index.md:6:" in e and f"'{short}' tidak dikenal" in e and f"maksudnya '{meant}'" in e
               for e in errors), errors


def test_a_number_written_with_the_word_nomor_reads_once_and_matches_the_bare_number(tmp_path):
    files = office(tmp_path, lama=post("Lama", "2024-03-05", decree("Nomor 98 Tahun 2024", "DPS")),
                   baru=post("Baru", "2024-04-05", decree("No. 112 Tahun 2024", "DPT", "    mencabut: 98 Tahun 2024\n")))
    site = write_site(tmp_path / "situs", files)
    build_site(site)
    old = page(site, "/2024/03/05/lama/")
    assert "Keputusan Nomor 98 Tahun 2024," in old and "Nomor Nomor" not in old
    assert "Tidak Berlaku" in old and 'dicabut oleh <a href="/dokumen/keputusan/no-112-tahun-2024/">' in old
    assert (site / "output/dokumen/keputusan/nomor-98-tahun-2024/index.html").is_file(), "its address as it was"


def test_the_same_number_twice_is_an_error_naming_both(tmp_path):
    files = office(tmp_path, a=post("A", "2024-03-05", decree("1 Tahun 2024", "X")),
                   b=post("B", "2024-03-06", decree("1  tahun 2024", "Y")))
    errors = build_errors(write_site(tmp_path / "situs", files))
    assert any("sudah dipakai" in e and "content/posts/2024/a/index.md" in e for e in errors), errors


def test_periodic_information_older_than_six_months_is_warned_and_a_fresh_series_is_not(tmp_path):
    report = ("  - file: lk.pdf\n    jenis: Laporan\n    tentang: Laporan Keuangan\n    kip: berkala\n"
              "    tanggal: {date}\n")
    files = office(tmp_path, a=post("A", "2023-01-10", report.format(date="2023-01-10")),
                   b=post("B", "2023-06-10", report.format(date="2023-06-10")),
                   c=post("C", "2024-05-01", report.replace("Keuangan", "Kinerja").format(date="2024-05-01")))
    warnings = [str(w) for w in build_site(write_site(tmp_path / "situs", files)).warnings if "berkala" in str(w)]
    assert len(warnings) == 1 and warnings[0].startswith("content/posts/2024/b/index.md:8:"), warnings
    assert "enam bulan" in warnings[0] and "2023-06-10" in warnings[0]


def test_a_status_changed_only_through_another_documents_relation_rebuilds_as_a_clean_build(clock, tmp_path):
    site = write_site(tmp_path / "situs", office(
        tmp_path, lama=post("Penetapan", "2024-03-05", decree("1 Tahun 2024", "Penetapan")),
        baru=post("Baru", "2024-05-01", decree("9 Tahun 2024", "Lain", tanggal="2024-05-01"))))
    build_site(site, racy_clock=clock)
    assert "Tidak Berlaku" not in page(site, "/2024/03/05/lama/")
    clock.advance()
    index = site / "content/posts/2024/baru/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("    tentang: Lain\n",
                                                             "    tentang: Lain\n    mencabut: 1 Tahun 2024\n"),
                     encoding="utf-8")
    build_site(site, racy_clock=clock)
    assert "Tidak Berlaku" in page(site, "/2024/03/05/lama/")
    assert tree(site / "output") == clean_build_tree(site, tmp_path)


SAMPLE_PDF = (ROOT / "content/posts/2024/rapat-pleno-penetapan-dpt-pemilihan-2024/sk-penetapan-dpt-pemilihan-2024.pdf")


def scanned_pdf(path):
    """A PDF holding only a picture, as a scanner makes it: no text layer."""
    from PIL import Image

    Image.new("RGB", (200, 280), (250, 250, 245)).save(path, "PDF")
    return path.read_bytes()


def test_each_typed_document_has_its_own_page_with_its_facts_history_and_text(tmp_path):
    site = the_office(tmp_path)
    (site / "content/posts/2024/lama/sk.pdf").write_bytes(SAMPLE_PDF.read_bytes())
    build_site(site)
    html = page(site, "/dokumen/keputusan/1-tahun-2024/")
    assert "<dt>Nomor</dt><dd>1 Tahun 2024</dd>" in html and "5 Maret 2024" in html
    assert 'Dicabut oleh <a href="/dokumen/keputusan/9-tahun-2024/">SK 9 Tahun 2024</a>' in html
    assert 'Diubah oleh <a href="/dokumen/keputusan/7-tahun-2024/">' in html
    assert 'href="/2024/03/05/lama/sk.pdf">Unduh PDF' in html and 'href="/2024/03/05/lama/">Penetapan DCT</a>' in html
    assert "PENETAPAN DAFTAR PEMILIH TETAP" in html and "data-pagefind-body" in html
    assert 'href="/dokumen/keputusan/1-tahun-2024/">Rincian</a>' in page(site, "/2024/03/05/lama/")


def test_a_pdf_without_a_text_layer_is_named_and_its_page_has_no_text(tmp_path):
    site = the_office(tmp_path)
    scanned_pdf(site / "content/posts/2024/ubah/sk.pdf")
    warnings = [str(w) for w in build_site(site).warnings]
    assert any(w.startswith("content/posts/2024/ubah/sk.pdf:") and "lapisan teks" in w for w in warnings), warnings
    assert "Isi dokumen" not in page(site, "/dokumen/keputusan/7-tahun-2024/")


def test_documents_can_be_filtered_by_type_year_and_status_without_javascript(tmp_path):
    files = office(tmp_path, a=post("A", "2023-03-05", decree("1 Tahun 2023", "X", tanggal="2023-03-05")),
                   b=post("B", "2024-03-05", decree("2 Tahun 2024", "Y", "    mencabut: 1 Tahun 2023\n")),
                   c=post("C", "2024-04-05", "  - file: sk.pdf\n    jenis: Pengumuman\n"))
    site = write_site(tmp_path / "situs", files)
    build_site(site)
    def listed(url):
        return page(site, url).count('<ul class="documents">\n    \n    <li>') or page(site, url).count("\n      <br><small>Dari")
    assert listed("/dokumen/jenis/keputusan/") == 2 and listed("/dokumen/jenis/pengumuman/") == 1
    assert listed("/dokumen/tahun/2023/") == 1 and listed("/dokumen/status/tidak-berlaku/") == 1
    assert 'href="/dokumen/status/tidak-berlaku/" aria-current="page"' in page(site, "/dokumen/status/tidak-berlaku/")


def test_a_pages_regulations_are_in_the_type_year_and_status_filters_too(tmp_path):
    files = office(tmp_path, a=post("A", "2024-03-05", decree("1 Tahun 2024", "X")),
                   b=post("B", "2024-04-05", "  - file: sk.pdf\n    jenis: Pengumuman\n"))
    files["content/pages/jdih/index.md"] = md(
        "title: JDIH\nattachments:\n"
        "  - {file: pkpu-1.pdf, title: PKPU 1 Tahun 2023, jenis: Peraturan, nomor: PKPU 1 Tahun 2023,"
        " tanggal: 2023-01-05, tentang: Tahapan}\n"
        "  - {file: pkpu-2.pdf, title: PKPU 2 Tahun 2024, jenis: Peraturan, nomor: PKPU 2 Tahun 2024,"
        " tanggal: 2024-01-05, tentang: Tahapan Baru, mencabut: PKPU 1 Tahun 2023}\n"
        "  - {file: denah.pdf, title: Denah Kantor}\n")
    files.update({"content/pages/jdih/pkpu-1.pdf": PDF, "content/pages/jdih/pkpu-2.pdf": PDF,
                  "content/pages/jdih/denah.pdf": PDF})
    site = write_site(tmp_path / "situs", files)
    build_site(site)
    rules = page(site, "/dokumen/jenis/peraturan/")
    assert "PKPU 1 Tahun 2023</a> <small>(PDF" in rules and "PKPU 2 Tahun 2024</a> <small>(PDF" in rules
    assert "Denah" not in rules
    assert "2 dokumen" in rules and 'href="/dokumen/jenis/peraturan/" aria-current="page">Peraturan <small>(2)' in rules
    revoked = page(site, "/dokumen/status/tidak-berlaku/")
    assert "PKPU 1 Tahun 2023</a> <small>(PDF" in revoked and "PKPU 2 Tahun 2024</a> <small>(PDF" not in revoked
    year = page(site, "/dokumen/tahun/2023/")
    assert "PKPU 1 Tahun 2023</a> <small>(PDF" in year and "SK 1 Tahun 2024" not in year
    assert "Denah Kantor" in page(site, "/dokumen/") and "5 dokumen" in page(site, "/dokumen/")


def test_new_documents_have_a_feed(built_office):
    import feedparser

    site = built_office
    feed = feedparser.parse((site / "output/dokumen/feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["SK 9 Tahun 2024", "SK 7 Tahun 2024", "SK 1 Tahun 2024"]
    assert feed.entries[0].link == "https://kaltara.kpu.go.id/dokumen/keputusan/9-tahun-2024/"


def test_a_pdf_replaced_by_another_updates_its_page_as_a_clean_build_would(clock, tmp_path):
    site = the_office(tmp_path)
    build_site(site, racy_clock=clock)
    clock.advance()
    (site / "content/posts/2024/lama/sk.pdf").write_bytes(SAMPLE_PDF.read_bytes())
    build_site(site, racy_clock=clock)
    assert "PENETAPAN DAFTAR PEMILIH TETAP" in page(site, "/dokumen/keputusan/1-tahun-2024/")
    assert tree(site / "output") == clean_build_tree(site, tmp_path)
