"""Attachments ("Lampiran") and the documents pages: what is listed, in what order, type and size, errors, rebuilds."""

from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo

import pytest

from generator.model import documents
from tests.conftest import build_errors, build_site, clean_build_tree, md, snapshot, tree

pytestmark = pytest.mark.quick

BUNDLE = "content/posts/2024/rapat-pleno"


def pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + b"0" * max(0, size - 9)


@pytest.mark.parametrize("size, label", [(0, "0 B"), (850, "850 B"), (999, "999 B"), (1000, "1 KB"), (4_500, "4,5 KB"),
                                         (12_345, "12 KB"), (1_234_567, "1,2 MB"), (999_999, "1 MB"),
                                         (25_000_000, "25 MB"), (3_210_000_000, "3,2 GB")])
def test_sizes_are_written_the_indonesian_way(size, label):
    assert documents.size_label(size, "id") == label


def test_sizes_follow_the_site_language():
    assert documents.size_label(1_234_567, "en") == "1.2 MB"


def test_the_type_is_the_suffix_in_capitals():
    assert [documents.kind_of(n) for n in ["sk.pdf", "Daftar.XLSX", "arsip.zip", "README"]] == \
        ["PDF", "XLSX", "ZIP", "Berkas"]


def site_files(attachments: str = "", **extra) -> dict:
    front = "title: Rapat Pleno Penetapan DCT\ndate: 2024-03-01 10:00\ncategory: Pengumuman\n" + attachments
    return {
        f"{BUNDLE}/index.md": md(front, "Rapat pleno terbuka.\n"),
        f"{BUNDLE}/sk-penetapan-dct.pdf": pdf(1_234_567),
        f"{BUNDLE}/berita-acara.docx": pdf(4_500),
        f"{BUNDLE}/catatan.txt": "bukan lampiran",
        f"{BUNDLE}/foto.jpg": b"photo",
        "content/posts/2023/sosialisasi/index.md": md("title: Sosialisasi\ndate: 2023-05-02 09:00\ncategory: Berita"),
        "content/posts/2023/sosialisasi/formulir.xlsx": pdf(2_000),
        "content/posts/2023/tanpa-lampiran.md": md("title: Tanpa Lampiran\ndate: 2023-06-02 09:00"),
        **extra,
    }


def text(site, rel: str) -> str:
    return (site / "output" / rel).read_text(encoding="utf-8")


def listed(html: str) -> list[tuple[str, str, str]]:
    """(href, title, 'TYPE, size') of each line of a page's attachments list."""
    html = html.split('<section class="attachments"', 1)[-1].split("</section>", 1)[0]
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <small>\(([^)]+)\)</small></li>', html)


def test_listed_attachments_come_first_with_their_titles_then_the_other_documents_by_name(site_factory):
    site = site_factory(site_files("attachments:\n  - file: sk-penetapan-dct.pdf\n    title: SK Penetapan DCT\n"))
    build_site(site)
    page = text(site, "2024/03/01/rapat-pleno/index.html")
    assert listed(page) == [("/2024/03/01/rapat-pleno/sk-penetapan-dct.pdf", "SK Penetapan DCT", "PDF, 1,2 MB"),
                            ("/2024/03/01/rapat-pleno/berita-acara.docx", "berita-acara.docx", "DOCX, 4,5 KB")]
    assert '<h2 id="lampiran-judul">Lampiran</h2>' in page
    body = page.split("data-pagefind-body", 1)[1].split("</article>", 1)[0]
    assert "SK Penetapan DCT" in body, "attachment titles are inside the part the site search indexes"
    for name in ("sk-penetapan-dct.pdf", "berita-acara.docx", "catatan.txt"):      # all published, the .txt unlisted
        assert (site / "output/2024/03/01/rapat-pleno" / name).is_file()
    assert "catatan.txt" not in page


def test_videos_and_sound_recordings_play_on_the_page_and_stay_in_the_list_to_download(site_factory):
    from tests.conftest import make_video

    site = site_factory(site_files("attachments:\n  - file: rekaman-pleno.mp4\n    title: Rekaman rapat pleno\n"
                                   "  - file: wawancara.MP3\n    title: Wawancara ketua\n  - file: klip.3gp\n"
                                   "  - file: sk-penetapan-dct.pdf\n",
                                   **{f"{BUNDLE}/rekaman-pleno.mp4": make_video(place=False),
                                      f"{BUNDLE}/wawancara.MP3": b"ID3" + bytes(200), f"{BUNDLE}/klip.3gp": b"3gp"}))
    build_site(site)
    page = text(site, "2024/03/01/rapat-pleno/index.html")
    players = re.findall(r'<figure class="media-file">\s*<(video|audio) controls preload="none"(?: playsinline)? '
                         r'(?:poster="[^"]+" width="\d+" height="\d+" )?src="([^"]+)"></\1>\s*<figcaption>([^<]+)</figcaption>', page)
    assert players == [("video", "/2024/03/01/rapat-pleno/rekaman-pleno.mp4", "Rekaman rapat pleno"),
                       ("audio", "/2024/03/01/rapat-pleno/wawancara.MP3", "Wawancara ketua")]    # a 3GP: no browser
    assert page.index('class="media-file"') < page.index('<section class="attachments"')
    assert [title for _href, title, _kind in listed(page)] == ["Rekaman rapat pleno", "Wawancara ketua", "klip.3gp",
                                                               "sk-penetapan-dct.pdf", "berita-acara.docx"]
    assert "<video" not in text(site, "index.html") and "<video" not in text(site, "dokumen/index.html")
    assert "poster=" not in page            # no photo named like the video, no poster: in front matter


@pytest.mark.parametrize("front, photo", [("", "rekaman-pleno.jpg"), ("poster: sampul.jpg\n", "sampul.jpg")])
def test_a_video_shows_the_photo_named_like_it_or_the_posts_poster_before_it_plays(site_factory, tmp_path, front,
                                                                                     photo):
    from tests.conftest import make_photo, make_video

    make_photo(tmp_path / "foto.jpg", size=(1600, 900))
    site = site_factory({f"{BUNDLE}/index.md": md("title: Rapat Pleno\ndate: 2024-03-01 10:00\n" + front
                                                  + "attachments: [rekaman-pleno.mp4]"),
                         f"{BUNDLE}/rekaman-pleno.mp4": make_video(place=False),
                         f"{BUNDLE}/{photo}": (tmp_path / "foto.jpg").read_bytes()})
    build_site(site)
    page = text(site, "2024/03/01/rapat-pleno/index.html")
    # its size given, so the box has the photo's shape before the photo comes (no layout shift)
    [(poster, width, height)] = re.findall(r'<video controls preload="none" playsinline poster="([^"]+)" '
                                           r'width="(\d+)" height="(\d+)" src="[^"]+"></video>', page)
    assert abs(int(width) / int(height) - 16 / 9) < 0.01
    stem = photo.rsplit(".", 1)[0]
    assert re.fullmatch(rf"/2024/03/01/rapat-pleno/{stem}-\d+w\.jpg", poster), poster
    assert (site / "output" / poster.lstrip("/")).is_file()


def test_a_changed_poster_or_a_portrait_one_is_on_the_video_like_a_clean_build(site_factory, tmp_path):
    from tests.conftest import make_photo, make_video

    make_photo(tmp_path / "datar.jpg", size=(1600, 900))
    make_photo(tmp_path / "tegak.jpg", size=(900, 1600))
    site = site_factory({f"{BUNDLE}/index.md": md("title: Rapat Pleno\ndate: 2024-03-01 10:00\nposter: datar.jpg\n"
                                                  "attachments: [rekaman.mp4]"),
                         f"{BUNDLE}/rekaman.mp4": make_video(place=False),
                         f"{BUNDLE}/datar.jpg": (tmp_path / "datar.jpg").read_bytes(),
                         f"{BUNDLE}/tegak.jpg": (tmp_path / "tegak.jpg").read_bytes()})
    build_site(site)
    source = site / BUNDLE / "index.md"
    source.write_text(source.read_text(encoding="utf-8").replace("poster: datar.jpg", "poster: tegak.jpg"),
                      encoding="utf-8")
    build_site(site)
    page = text(site, "2024/03/01/rapat-pleno/index.html")
    [(poster, width, height)] = re.findall(r'poster="([^"]+)" width="(\d+)" height="(\d+)"', page)
    assert "/tegak-" in poster and int(height) > int(width)       # the box has the portrait photo's shape
    assert tree(site / "output") == clean_build_tree(site, tmp_path / "bersih")


def test_the_documents_page_lists_every_attachment_newest_first_grouped_by_year(site_factory):
    site = site_factory(site_files("attachments: [berita-acara.docx]\n"))
    build_site(site)
    page = text(site, "dokumen/index.html")
    main = page.split('<main', 1)[1].split("</main>", 1)[0]
    assert re.findall(r'<h2 id="tahun-(\d+)">', main) == ["2024", "2023"]
    titles = re.findall(r'<li>\s*<a href="[^"]+">([^<]+)</a> <small>\(([^)]+)\)</small>', main)
    assert titles == [("berita-acara.docx", "DOCX, 4,5 KB"), ("sk-penetapan-dct.pdf", "PDF, 1,2 MB"),
                      ("formulir.xlsx", "XLSX, 2 KB")]
    assert 'Dari <a href="/2024/03/01/rapat-pleno/">Rapat Pleno Penetapan DCT</a>' in main
    assert '<a href="/dokumen/" aria-current="page">Semua <small>(3)</small></a>' in main
    assert '<a href="/dokumen/kategori/pengumuman/">Pengumuman <small>(2)</small></a>' in main
    category = text(site, "dokumen/kategori/berita/index.html")
    assert "<h1>Dokumen: Berita</h1>" in category and "formulir.xlsx" in category and "sk-penetapan" not in category
    assert '<a href="/dokumen/kategori/berita/" aria-current="page">' in category
    assert '<li><a href="/dokumen/">Dokumen</a></li>' in text(site, "index.html"), "the default menu links to it"
    assert "https://kaltara.kpu.go.id/dokumen/</loc>" in text(site, "sitemap.xml")


def test_the_documents_of_static_pages_are_on_the_documents_page_too(site_factory):
    """A page's documents (rules, the organisation chart, forms) are standing documents: listed on /dokumen/ page by
    page, counted in 'Semua', and on no category's page (pages have none)."""
    site = site_factory(site_files(**{"content/pages/peraturan/index.md": md("title: Peraturan KPU"),
                                      "content/pages/peraturan/pkpu-8-2024.pdf": pdf(2_400_000)}))
    build_site(site)
    main = text(site, "dokumen/index.html").split('<main', 1)[1].split("</main>", 1)[0]
    standing = main.split('<h2 id="dokumen-halaman">', 1)[1].split("</section>", 1)[0]
    assert '<a href="/peraturan/pkpu-8-2024.pdf">pkpu-8-2024.pdf</a> <small>(PDF, 2,4 MB)</small>' in standing
    assert 'Dari <a href="/peraturan/">Peraturan KPU</a>' in standing
    assert '<a href="/dokumen/" aria-current="page">Semua <small>(4)</small></a>' in main
    assert "4 dokumen" in main
    for category in ("berita", "pengumuman"):
        assert "pkpu-8-2024" not in text(site, f"dokumen/kategori/{category}/index.html")
    assert (site / "output/peraturan/pkpu-8-2024.pdf").is_file()


def test_a_site_without_attachments_has_no_documents_page_and_no_menu_entry(site_factory):
    site = site_factory({"content/posts/a.md": md("title: A\ndate: 2024-03-01")})
    build_site(site)
    assert not (site / "output/dokumen").exists()
    assert "/dokumen/" not in text(site, "index.html")


def test_pages_show_their_attachments_and_a_site_whose_only_documents_are_on_a_page_has_the_documents_page(
        site_factory):
    site = site_factory({"content/pages/ppid/index.md": md("title: PPID\nattachments:\n  - file: daftar.pdf\n"
                                                           "    title: Daftar Informasi Publik"),
                         "content/pages/ppid/daftar.pdf": pdf(3_000),
                         "content/posts/a.md": md("title: A\ndate: 2024-03-01")})
    build_site(site)
    assert listed(text(site, "ppid/index.html")) == [("/ppid/daftar.pdf", "Daftar Informasi Publik", "PDF, 3 KB")]
    assert "Daftar Informasi Publik" in text(site, "dokumen/index.html")
    assert '<li><a href="/dokumen/">Dokumen</a></li>' in text(site, "index.html"), "the default menu links to it"


def test_the_documents_year_is_the_year_in_the_site_time_zone():
    zone = ZoneInfo("Asia/Jayapura")
    view = documents.AttachmentView("a.pdf", "A", "/a.pdf", "PDF", 1)
    late = documents.Document(view, "A", "/a/", dt.datetime(2023, 12, 31, 20, 0, tzinfo=dt.timezone.utc), "B", "b")
    assert documents.by_year([late], zone) == [(2024, [late])]


BAD = """\
attachments:
  - file: tidak-ada.pdf
  - file: ../rahasia.pdf
  - file: sub/dalam.pdf
  - file: foto.jpg
  - file: sk-penetapan-dct.pdf
    judul: SK
  - title: Tanpa nama berkas
poster: tidak-ada.jpg
"""


def test_every_bad_attachment_is_named_with_its_line_all_at_once_and_the_output_is_untouched(site_factory):
    site = site_factory(site_files())
    build_site(site)
    before = snapshot(site / "output")
    (site / BUNDLE / "index.md").write_text(md("title: Rapat\ndate: 2024-03-01 10:00\n" + BAD), encoding="utf-8")
    errors = build_errors(site)
    path = f"{BUNDLE}/index.md"
    expected = [(5, "'tidak-ada.pdf' tidak ada"), (6, "'../rahasia.pdf' keluar dari folder berita"),
                (7, "'sub/dalam.pdf' keluar dari folder berita"), (8, "'foto.jpg' adalah foto"),
                (10, "'judul' tidak dikenal"), (11, "lampiran ke-6"), (12, "'tidak-ada.jpg' tidak ada")]
    for line, words in expected:
        assert any(e.startswith(f"{path}:{line}: ") and words in e for e in errors), (line, words, errors)
    assert len(errors) == len(expected), errors
    assert snapshot(site / "output") == before


@pytest.mark.parametrize("value", ["sk.pdf", "{file: sk.pdf}", "42"])
def test_attachments_must_be_a_list(site_factory, value):
    site = site_factory({f"{BUNDLE}/index.md": md(f"title: A\ndate: 2024-03-01\nattachments: {value}"),
                         f"{BUNDLE}/sk.pdf": pdf(10)})
    assert any(":4: " in e and "'attachments' harus berupa daftar" in e for e in build_errors(site))


def test_a_near_name_is_suggested(site_factory):
    site = site_factory(site_files("attachments: [SK-Penetapan-DCT.pdf]\n"))
    assert any("Mungkin maksudnya 'sk-penetapan-dct.pdf'" in e for e in build_errors(site))


def test_a_changed_attachment_updates_its_post_and_the_documents_pages_like_a_clean_build(site_factory, tmp_path):
    site = site_factory(site_files("attachments:\n  - file: berita-acara.docx\n    title: Berita Acara\n"))
    build_site(site)
    (site / BUNDLE / "berita-acara.docx").write_bytes(pdf(2_500_000))
    (site / BUNDLE / "lampiran-baru.pdf").write_bytes(pdf(700))
    build_site(site)
    assert ("/2024/03/01/rapat-pleno/berita-acara.docx", "Berita Acara", "DOCX, 2,5 MB") in \
        listed(text(site, "2024/03/01/rapat-pleno/index.html"))
    assert "lampiran-baru.pdf" in text(site, "dokumen/index.html")
    (site / BUNDLE / "sk-penetapan-dct.pdf").unlink()
    build_site(site)
    assert tree(site / "output") == clean_build_tree(site, tmp_path)


def test_a_retitled_attachment_renders_again_only_the_pages_that_show_it(site_factory, tmp_path):
    site = site_factory(site_files("attachments:\n  - file: sk-penetapan-dct.pdf\n    title: SK Penetapan DCT\n"))
    build_site(site)
    source = site / BUNDLE / "index.md"
    source.write_text(source.read_text(encoding="utf-8").replace("title: SK Penetapan DCT", "title: SK DCT 2024"),
                      encoding="utf-8")
    result = build_site(site)
    # the post's page and its gallery page (they show the post in full), /dokumen/, its category's and its year's
    # page, the documents feed and the front page's "Dokumen terbaru"; the other lists, archives and neighbours
    # show the post's card, which attachments are not part of
    assert result.rendered == 7
    assert "SK DCT 2024" in text(site, "2024/03/01/rapat-pleno/index.html")
    assert "SK DCT 2024" in text(site, "index.html")
    for page in ("dokumen/index.html", "dokumen/kategori/pengumuman/index.html"):
        assert "SK DCT 2024" in text(site, page) and "SK Penetapan DCT<" not in text(site, page)
    assert tree(site / "output") == clean_build_tree(site, tmp_path)


def test_a_file_name_with_spaces_is_linked_by_its_escaped_address_and_published_as_is(site_factory):
    site = site_factory({f"{BUNDLE}/index.md": md("title: A\ndate: 2024-03-01\nattachments:\n  - file: \"SK Penetapan #3.pdf\""),
                         f"{BUNDLE}/SK Penetapan #3.pdf": pdf(1_500)})
    build_site(site)
    assert listed(text(site, "2024/03/01/rapat-pleno/index.html")) == \
        [("/2024/03/01/rapat-pleno/SK%20Penetapan%20%233.pdf", "SK Penetapan #3.pdf", "PDF, 1,5 KB")]
    assert (site / "output/2024/03/01/rapat-pleno/SK Penetapan #3.pdf").read_bytes() == pdf(1_500)


@pytest.mark.parametrize("windows", [False, True])
def test_an_attachment_replaced_at_the_same_size_is_published_even_with_its_old_time(site_factory, monkeypatch,
                                                                                      windows):
    """A PDF replaced by another of the same size whose modification time was put back (a copy keeping times, a
    restore): on POSIX the inode change time shows it; where there is none to read (Windows), a file changed too
    recently for its time to tell is compared by its bytes at the next build."""
    from generator.core import racy

    if windows:
        monkeypatch.setattr(racy, "CHANGE_TIME", False)
    site = site_factory(site_files())
    sk = site / BUNDLE / "sk-penetapan-dct.pdf"
    old = sk.stat()
    build_site(site)
    sk.write_bytes(b"%PDF-1.4\n" + b"1" * (old.st_size - 9))           # same size, other bytes
    os.utime(sk, ns=(old.st_atime_ns, old.st_mtime_ns))                 # its old time put back
    build_site(site)
    assert (site / "output/2024/03/01/rapat-pleno/sk-penetapan-dct.pdf").read_bytes() == sk.read_bytes()
