"""One small broken site per error message (tests/sites/invalid/<name>/): exit code 1, file:line and the words.

Each site is built through the command line's own entry point (generator.cli.main) in a temporary copy;
tests/test_cli.py runs the real subprocess for the exit codes.
"""

from __future__ import annotations

import pytest

from generator import cli
from tests.conftest import SITES, copy_site

pytestmark = pytest.mark.quick

# site -> every error line it must print, each as (start of the line: "path:line: ", words that must follow)
EXPECTED = {
    "missing-opening-dashes": [("content/posts/2019/rapat.md:1: ", ["diawali baris '---'"])],
    "unclosed-front-matter": [("content/posts/2019/rapat.md:1: ", ["'---'", "tidak pernah ditutup"])],
    "tab-in-yaml": [("content/posts/2019/rapat.md:5: ", ["Tab", "spasi"])],
    "yaml-syntax-error": [("content/posts/2019/rapat.md:4: ", ["titik dua", "tanda kutip"])],
    "missing-title": [("content/posts/2019/rapat.md:2: ", ["'title'", "wajib diisi"])],
    "missing-date": [("content/posts/2019/rapat.md:2: ", ["'date'", "wajib diisi"])],
    "impossible-date": [("content/posts/2019/rapat.md:4: ", ["'2019-13-45'", "tidak sah"])],
    "views-negative": [("content/posts/2019/rapat.md:4: ", ["'views'", "bilangan bulat 0 atau lebih", "-3"])],
    "views-not-a-number": [("content/posts/2019/rapat.md:4: ", ["'views'", "bilangan bulat 0 atau lebih", "'banyak'"])],
    "duplicate-url": [("content/posts/2019/rapat-sore.md:4: ", ["/2019/11/08/rapat-koordinasi/",
                                                              "content/posts/2019/rapat-koordinasi/index.md"])],
    "cover-not-in-bundle": [("content/posts/2019/rapat/index.md:4: ", ["'sampul.jpg'", "tidak ada"])],
    "gallery-file-not-in-bundle": [("content/posts/2019/rapat/index.md:7: ", ["'Peserta.JPG'", "tidak ada",
                                                                             "'peserta.jpg'"])],
    "slug-leaves-output": [("content/posts/2019/rapat.md:4: ", ["slug", "'../../../etc/cron.d'", "'..'"])],
    "alias-leaves-output": [("content/posts/2019/rapat.md:6: ", ["'/../../etc/x'", "keluar dari folder situs"])],
    "unknown-config-key": [("config.yaml:5: ", ["'zona_waktu'", "tidak dikenal", "timezone"]),
                           ("config.yaml:6: ", ["'timezon'", "tidak dikenal", "Mungkin maksudnya 'timezone'"])],
    "alias-onto-feed": [("content/posts/2019/rapat.md:6: ", ["/feed.xml/", "alamat lama", "umpan RSS", "'aliases'"])],
    "alias-into-search-index": [("content/posts/2019/rapat.md:4: ", ["/pagefind/pagefind.js/", "indeks pencarian"])],
    "alias-onto-theme-asset": [("content/posts/2019/rapat.md:4: ", ["/assets/style.css/", "'assets/style.css'"])],
    "alias-with-query": [("content/posts/2019/rapat.md:4: ", ["'/?p=123'", "'?'", ".htaccess"])],
    "bundle-file-named-index-html": [("content/posts/2019/rapat/index.html: ", [
        "lampiran 'index.html'", "halaman berita dari content/posts/2019/rapat/index.md", "Ganti nama"])],
    "page-at-a-built-in-address": [("content/pages/arsip.md:2: ", ["/arsip/", "halaman arsip"])],
    "tag-at-a-built-in-address": [("config.yaml: ", ["/cari/", "tag 'Cari'", "halaman pencarian", "'permalinks'"])],
    "category-and-tag-one-pattern": [("config.yaml:8: ", ["'permalinks.tag'", "'permalinks.category'"])],
    "archive-without-month": [("config.yaml:7: ", ["'permalinks.archive'", "{month}"])],
    "permalink-percent-escape": [("config.yaml:7: ", ["'permalinks.post'", "kode persen"])],
    "permalink-format-spec": [("config.yaml:7: ", ["'permalinks.post'", "'{slug:>20}'"])],
    "control-character-in-title": [("content/posts/2019/rapat.md:2: ", ["'title'", "U+0008"])],
    "date-at-calendar-edge": [("content/posts/2019/rapat.md:3: ", ["'0001-01-01T00:00:00+14:00'", "ujung kalender"])],
    "deeply-nested-front-matter": [("content/posts/2019/rapat.md:4: ", ["terlalu dalam"])],
    "views-with-5000-digits": [("content/posts/2019/rapat.md:4: ", ["'views'", "terlalu besar"])],
    "several-errors": [
        ("content/posts/2019/a-tanpa-judul.md:2: ", ["'title'", "wajib diisi"]),
        ("content/posts/2019/b-tanggal.md:3: ", ["'2019-02-30'", "tidak sah"]),
        ("content/posts/2020/c-dilihat/index.md:4: ", ["'views'", "'banyak'"]),
        ("content/posts/2020/c-dilihat/index.md:5: ", ["'tidak-ada.jpg'", "tidak ada"]),
        ("content/pages/d-tab.md:3: ", ["Tab"]),
    ],
}


def test_every_invalid_site_has_its_expectation():
    assert sorted(p.name for p in (SITES / "invalid").iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_site(name, tmp_path, capsys):
    site = copy_site(f"invalid/{name}", tmp_path / name)
    code = cli.main(["build", "--site", str(site)])
    out, err = capsys.readouterr()
    assert code == 1
    printed = [line for line in err.splitlines() if line.strip()]
    errors, summary = printed[:-1], printed[-1]
    assert len(errors) == len(EXPECTED[name]), err
    for line, (start, words) in zip(errors, EXPECTED[name]):
        assert line.startswith(start), line
        for word in words:
            assert word in line[len(start):], (word, line)
    assert summary.startswith(f"Pembangunan gagal: {len(errors)} kesalahan.")
    assert "Traceback" not in err and out == ""
    assert not (site / "output").exists()
    assert sorted(p.name for p in site.iterdir()) == sorted(p.name for p in (SITES / "invalid" / name).iterdir())
