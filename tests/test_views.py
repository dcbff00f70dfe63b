"""`views`: page views counted from real-format access logs (nginx, Apache, cPanel) into each post's views line."""

from __future__ import annotations

import gzip
import io
import json
import re

import pytest

from generator.views import run as views_run
from generator.views import state as views_state
from tests.conftest import config_text, md, run_cli, snapshot, write_site

pytestmark = pytest.mark.quick

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
PHONE = ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Mobile Safari/537.36")
RAKOR = "/2019/11/08/rapat-koordinasi/"
PLENO = "/2020/01/14/rapat-pleno/"
TPS = "/2020/12/07/imbauan-tps/"

# Front matter as staff and the WordPress import write it: comments, quotes, odd key order, CRLF line ends.
RAKOR_MD = """\
---
# Berita dari arsip WordPress
title: "Rapat Koordinasi: Sosialisasi Pemilihan 2020"
date: 2019-11-08 11:30
views: 117   # dari penghitung WordPress
tags: [sosialisasi, 'pemilihan-2020']
---

Isi berita rapat.
"""
PLENO_MD = "---\r\ntitle: Rapat Pleno\r\ncategory: Kegiatan\r\ndate: 2020-01-14\r\nauthor: Humas\r\n---\r\n\r\nIsi.\r\n"
TPS_MD = """\
---
title: 'Imbauan: datang ke TPS'
date: 2020-12-07 08:00
aliases: [/lama/imbauan-tps/]
views: 0
---
Isi.
"""
BROKEN_MD = "---\ntitle: Rusak\ndate: 2020-02-02\ntags: [a, b\nviews: 3\n---\nIsi.\n"


def site_files() -> dict[str, str | bytes]:
    return {
        "content/posts/2019/rapat-koordinasi/index.md": RAKOR_MD,
        "content/posts/2020/rapat-pleno.md": PLENO_MD.encode(),
        "content/posts/2020/imbauan-tps.md": TPS_MD,
        "content/posts/2020/draf.md": md("title: Draf\ndate: 2020-03-03\ndraft: true\nviews: 5"),
        "content/pages/profil.md": md("title: Profil"),
    }


@pytest.fixture
def site(tmp_path):
    return write_site(tmp_path / "site", site_files(), config_text())


def combined(ip: str, when: str, path: str, status: int = 200, agent: str = BROWSER, method: str = "GET",
             referer: str = "-") -> str:
    """One line as nginx's default `combined` log_format, Apache's "combined" and cPanel's raw log write it."""
    return f'{ip} - - [{when} +0800] "{method} {path} HTTP/1.1" {status} 5120 "{referer}" "{agent}"\n'


def write(path, *lines: str, compress: bool = False):
    data = "".join(lines).encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def count(site, *logs, dry_run: bool = False):
    """Run the command in-process; (exit code, report, the views of each post by file)."""
    out = io.StringIO()
    code = views_run.main(site, list(logs), dry_run, out)
    return code, out.getvalue(), views_of(site)


def views_of(site) -> dict[str, str | None]:
    found = {}
    for path in sorted((site / "content/posts").rglob("*.md")):
        match = re.search(rb"^views: *(\S*)", path.read_bytes(), re.M)
        found[path.relative_to(site / "content/posts").as_posix()] = match.group(1).decode() if match else None
    return found


def skipped(report: str, reason_start: str) -> int:
    match = re.search(rf"^ +([\d.]+)  {reason_start}", report, re.M)
    return int(match.group(1).replace(".", ""))


def test_views_are_added_and_only_the_views_line_changes(site, tmp_path):
    before = {p: p.read_bytes() for p in (site / "content").rglob("*.md")}
    log = write(tmp_path / "access.log",
                combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR, referer="https://www.google.com/"),
                combined("203.0.113.9", "08/Jun/2024:08:01:00", RAKOR, agent=PHONE),
                combined("2001:db8::7", "08/Jun/2024:08:02:00", PLENO),
                combined("198.51.100.2", "08/Jun/2024:08:03:00", TPS))
    code, report, _ = count(site, log)
    assert code == 0, report
    after = {p: p.read_bytes() for p in before}
    rakor, pleno, tps = (site / "content/posts/2019/rapat-koordinasi/index.md", site / "content/posts/2020/rapat-pleno.md",
                         site / "content/posts/2020/imbauan-tps.md")
    assert after[rakor] == RAKOR_MD.replace("views: 117   #", "views: 119   #").encode()
    # no views line: one is added right after date:, in the file's own line ends (CRLF here)
    assert after[pleno] == PLENO_MD.replace("date: 2020-01-14\r\n", "date: 2020-01-14\r\nviews: 1\r\n").encode()
    assert after[tps] == TPS_MD.replace("views: 0", "views: 1").encode()
    assert all(after[p] == before[p] for p in before if p not in (rakor, pleno, tps))
    assert "Kunjungan baru: 4 pada 3 berita." in report
    assert "+2  Rapat Koordinasi: Sosialisasi Pemilihan 2020 (117 → 119)" in report
    assert "Periode: 8 Juni 2024 08.00 WITA sampai 8 Juni 2024 08.03 WITA." in report


def test_a_query_string_an_alias_and_index_html_are_the_post(site, tmp_path):
    log = write(tmp_path / "access.log",
                combined("203.0.113.1", "08/Jun/2024:08:00:00", TPS + "?utm_source=whatsapp"),
                combined("203.0.113.2", "08/Jun/2024:08:00:00", "/lama/imbauan-tps/"),     # the alias's page
                combined("203.0.113.3", "08/Jun/2024:08:00:00", TPS + "index.html"),
                combined("203.0.113.4", "08/Jun/2024:08:00:00", TPS + "#komentar", status=304),
                combined("203.0.113.5", "08/Jun/2024:08:00:00", "https://kaltara.kpu.go.id" + TPS))
    assert count(site, log)[2]["2020/imbauan-tps.md"] == "5"


def test_what_is_not_a_view(site, tmp_path):
    at = "08/Jun/2024:09:00:00"
    log = write(tmp_path / "access.log",
                combined("203.0.113.1", at, "/assets/style.css"),
                combined("203.0.113.1", at, "/feed.xml"),
                combined("203.0.113.1", at, "/atom.xml"),
                combined("203.0.113.1", at, "/pagefind/pagefind-entry.json"),
                combined("203.0.113.1", at, "/cari/?q=rapat"),
                combined("203.0.113.1", at, "/"),
                combined("203.0.113.1", at, RAKOR + "pembukaan.jpg"),
                combined("203.0.113.1", at, "/galeri/rapat-koordinasi/"),
                combined("203.0.113.1", at, "/profil/"),                                   # a page, not a post
                combined("203.0.113.1", at, "/2020/03/03/draf/"),                          # a draft is no post
                combined("203.0.113.2", at, RAKOR.rstrip("/"), status=301),                # redirect to the slash
                combined("203.0.113.2", at, RAKOR, status=404),
                combined("203.0.113.2", at, RAKOR, status=500),
                combined("203.0.113.2", at, RAKOR, status=206),
                combined("203.0.113.2", at, RAKOR, method="HEAD"),
                combined("203.0.113.2", at, RAKOR, method="POST"),
                combined("66.249.66.1", at, RAKOR, agent="Mozilla/5.0 (compatible; Googlebot/2.1; "
                                                         "+http://www.google.com/bot.html)"),
                combined("40.77.167.1", at, RAKOR, agent="Mozilla/5.0 (compatible; bingbot/2.0)"),
                combined("203.0.113.3", at, RAKOR, agent="WhatsApp/2.24.8.78 A"),          # from the library's list
                combined("203.0.113.3", at, RAKOR, agent="facebookexternalhit/1.1"),
                combined("203.0.113.3", at, RAKOR, agent="curl/8.5.0"),
                combined("203.0.113.4", at, RAKOR, agent="KantorBerita-Spider/1.0"),      # the four words
                combined("203.0.113.4", at, RAKOR, agent="Arsip Crawler"),
                combined("203.0.113.4", at, RAKOR, agent="Mozilla/5.0 LinkPreview/3"),
                combined("203.0.113.4", at, RAKOR, agent="ObatBot"),
                combined("203.0.113.4", at, RAKOR, agent="-"),                             # no user agent
                combined("203.0.113.9", "01/Jun/2024:09:00:00", "/2019/11/08/rapat-koordinasi/../../../../etc/passwd"))
    code, report, views = count(site, log)
    assert code == 0
    assert views == {"2019/rapat-koordinasi/index.md": "117", "2020/draf.md": "5", "2020/imbauan-tps.md": "0",
                     "2020/rapat-pleno.md": None}
    assert "Kunjungan baru: 0 pada 0 berita." in report
    assert skipped(report, "aset") == 11 and skipped(report, "bukan GET") == 6 and skipped(report, "robot") == 10


def test_the_base_path_of_a_site_in_a_sub_folder(tmp_path):
    site = write_site(tmp_path / "site", site_files(), config_text("https://kpu.example/kaltara/"))
    log = write(tmp_path / "access.log",
                combined("203.0.113.1", "08/Jun/2024:08:00:00", "/kaltara" + RAKOR),
                combined("203.0.113.2", "08/Jun/2024:08:00:00", "/kaltara/lama/imbauan-tps/"),
                combined("203.0.113.3", "08/Jun/2024:08:00:00", RAKOR),       # another site at the host's root
                combined("203.0.113.4", "08/Jun/2024:08:00:00", "/lama/imbauan-tps/"))
    views = count(site, log)[2]
    assert views["2019/rapat-koordinasi/index.md"] == "118" and views["2020/imbauan-tps.md"] == "1"


def test_the_same_visitor_within_30_minutes_is_one_view(site, tmp_path):
    log = write(tmp_path / "access.log",
                combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR),
                combined("203.0.113.5", "08/Jun/2024:08:10:00", RAKOR + "?ulang=1"),
                combined("203.0.113.5", "08/Jun/2024:08:29:59", RAKOR, status=304),
                combined("203.0.113.5", "08/Jun/2024:08:12:00", PLENO),                 # another post: a view
                combined("203.0.113.5", "08/Jun/2024:08:15:00", RAKOR, agent=PHONE),    # another device: a view
                combined("203.0.113.5", "08/Jun/2024:08:30:00", RAKOR),                 # 30 minutes on: again
                # IPv6 visitors are ordinary; an IPv4-mapped address is the IPv4 visitor
                combined("2001:db8:0:1::2a", "08/Jun/2024:09:00:00", TPS),
                combined("2001:db8:0:1::2a", "08/Jun/2024:09:05:00", TPS),
                combined("198.51.100.7", "08/Jun/2024:09:00:00", TPS),
                combined("::ffff:198.51.100.7", "08/Jun/2024:09:01:00", TPS))
    code, report, views = count(site, log)
    assert views["2019/rapat-koordinasi/index.md"] == "120"
    assert views["2020/rapat-pleno.md"] == "1" and views["2020/imbauan-tps.md"] == "2"
    assert skipped(report, "pengunjung yang sama") == 4


def test_malformed_lines_are_skipped_and_never_stop_the_run(site, tmp_path):
    good = combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR)
    lines = [
        good[:60] + "\n",                                                   # truncated
        "\x00\x01\xff\xfe binary garbage \x16\x03\x01\n",
        '{"time":"2024-06-08T08:00:00+08:00","uri":"/2019/11/08/rapat-koordinasi/","status":200}\n',   # JSON log
        "\n",
        combined("203.0.113.6", "31/Feb/2024:08:00:00", RAKOR),             # no such day
        combined("203.0.113.6", "08/Foo/2024:08:00:00", RAKOR),
        good,
    ]
    log = tmp_path / "access.log"
    data = "".join(lines).encode("utf-8") + b'203.0.113.7 - - [08/Jun/2024:08:00:01 +0800] "GET ' + RAKOR.encode() \
        + b' HTTP/1.1" 200 5 "-" "Mozilla/5.0 (X11; Linux) Navegador \xe9\xe8 latin-1"\n'
    # a request with an escaped quote (Apache \" and nginx \x22) stays one field
    data += (r'203.0.113.8 - - [08/Jun/2024:08:00:02 +0800] "GET ' + RAKOR + r'?q=\"x\" HTTP/1.1" 200 5 "-" '
             r'"Mozilla/5.0 \x22quoted\x22 (X11)"' + "\n").encode()
    log.write_bytes(data)
    code, report, views = count(site, log)
    assert code == 0 and views["2019/rapat-koordinasi/index.md"] == "120"
    assert skipped(report, "baris rusak") == 6
    assert "9 baris baru dibaca" in report


def test_a_line_still_being_written_is_counted_once_finished(site, tmp_path):
    log = tmp_path / "access.log"
    whole = combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR) + combined("203.0.113.6", "08/Jun/2024:08:01:00", RAKOR)
    log.write_text(whole[:-40])
    assert count(site, log)[2]["2019/rapat-koordinasi/index.md"] == "118"
    log.write_text(whole)
    assert count(site, log)[2]["2019/rapat-koordinasi/index.md"] == "119"


def test_running_again_over_the_same_logs_counts_nothing(site, tmp_path):
    log = write(tmp_path / "access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR))
    copy = write(tmp_path / "salinan.log.gz", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR), compress=True)
    assert count(site, log)[2]["2019/rapat-koordinasi/index.md"] == "118"
    before = snapshot(site)
    code, report, views = count(site, log, copy, log)
    assert views["2019/rapat-koordinasi/index.md"] == "118"
    assert "0 baris baru dibaca (3 baris lain sudah dihitung sebelumnya)" in report
    assert snapshot(site) == {**before, "views-state.json": snapshot(site)["views-state.json"]}


def nginx_day(hour: int, visitors: int) -> list[str]:
    return [combined(f"203.0.113.{i}", f"08/Jun/2024:{hour:02d}:{i % 60:02d}:00", RAKOR) for i in range(visitors)]


def test_rotated_and_compressed_logs_are_counted_once(site, tmp_path):
    """logrotate: access.log grows, becomes access.log.1, then access.log.2.gz; a new access.log starts."""
    first, more, newest = nginx_day(8, 40), nginx_day(10, 30), nginx_day(12, 20)
    write(tmp_path / "access.log", *first)
    assert count(site, tmp_path / "access.log")[2]["2019/rapat-koordinasi/index.md"] == str(117 + 40)
    (tmp_path / "access.log").unlink()
    write(tmp_path / "access.log.2.gz", *first, *more, compress=True)       # grew, was rotated and compressed
    write(tmp_path / "access.log", *newest)
    code, report, views = count(site, tmp_path / "access.log", tmp_path / "access.log.2.gz")
    assert views["2019/rapat-koordinasi/index.md"] == str(117 + 40 + 30 + 20)
    assert "50 baris baru dibaca (40 baris lain sudah dihitung sebelumnya)" in report
    assert count(site, tmp_path / "access.log.2.gz", tmp_path / "access.log")[2][
        "2019/rapat-koordinasi/index.md"] == str(117 + 90)


def test_overlapping_cpanel_downloads_are_counted_once(site, tmp_path):
    """cPanel's Raw Access download (example.go.id-Jun-2024.gz) taken twice: the second holds the first and more."""
    lines = [line.replace(" +0800]", " -0000]") for line in nginx_day(1, 50) + nginx_day(3, 25)]
    monday = write(tmp_path / "kaltara.kpu.go.id-Jun-2024.gz", *lines[:50], compress=True)
    assert count(site, monday)[2]["2019/rapat-koordinasi/index.md"] == str(117 + 50)
    friday = write(tmp_path / "kaltara.kpu.go.id-Jun-2024 (1).gz", *lines, compress=True)
    assert count(site, monday, friday)[2]["2019/rapat-koordinasi/index.md"] == str(117 + 75)


def test_a_cpanel_archive_holding_earlier_downloads_counts_only_the_rest(site, tmp_path):
    """With "archive logs" on, cPanel empties the current log after each stats run and appends it to the month's
    archive: each earlier download lies somewhere inside the archive."""
    lines = [line.replace(" +0800]", " -0000]") for line in nginx_day(1, 30) + nginx_day(3, 50) + nginx_day(5, 25)]
    monday = write(tmp_path / "kaltara.kpu.go.id.gz", *lines[:30], compress=True)
    tuesday = write(tmp_path / "kaltara.kpu.go.id (1).gz", *lines[30:80], compress=True)
    assert count(site, monday, tuesday)[2]["2019/rapat-koordinasi/index.md"] == str(117 + 80)
    archive = write(tmp_path / "kaltara.kpu.go.id-Jun-2024.gz", *lines, compress=True)
    code, report, views = count(site, archive)
    assert views["2019/rapat-koordinasi/index.md"] == str(117 + 105)
    assert "25 baris baru dibaca (80 baris lain sudah dihitung sebelumnya)" in report
    joined = write(tmp_path / "semua.log", *lines, *nginx_day(7, 5))      # logs joined with cat: only the 5 new
    assert count(site, joined)[2]["2019/rapat-koordinasi/index.md"] == str(117 + 110)


def test_a_line_like_the_first_of_a_counted_log_is_not_taken_for_that_log(site, tmp_path):
    first = combined("66.249.66.1", "08/Jun/2024:08:00:00", "/robots.txt", agent="Googlebot/2.1")
    counted = write(tmp_path / "a.log", first, *nginx_day(8, 20))
    count(site, counted)
    other = write(tmp_path / "b.log", *nginx_day(9, 10), first, *nginx_day(10, 20))   # the same line, then others
    assert count(site, other)[2]["2019/rapat-koordinasi/index.md"] == str(117 + 20 + 30)


def test_a_repeat_across_two_runs_is_still_a_repeat(site, tmp_path):
    log = write(tmp_path / "access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR))
    count(site, log)
    with open(log, "a") as handle:
        handle.write(combined("203.0.113.5", "08/Jun/2024:08:20:00", RAKOR))
        handle.write(combined("203.0.113.5", "08/Jun/2024:08:40:00", RAKOR))
    code, report, views = count(site, log)
    assert views["2019/rapat-koordinasi/index.md"] == "119" and skipped(report, "pengunjung yang sama") == 1


def test_apache_common_format_counts_by_address_alone(site, tmp_path):
    """Apache's `common` LogFormat has no user agent: visitors are told apart by address only."""
    log = write(tmp_path / "access_log",
                f'203.0.113.5 - - [08/Jun/2024:08:00:00 +0800] "GET {RAKOR} HTTP/1.1" 200 5120\n',
                f'203.0.113.5 - - [08/Jun/2024:08:05:00 +0800] "GET {RAKOR} HTTP/1.1" 304 -\n',
                f'203.0.113.6 - frank [08/Jun/2024:08:05:00 +0800] "GET {PLENO} HTTP/1.0" 200 2326\n')
    views = count(site, log)[2]
    assert views["2019/rapat-koordinasi/index.md"] == "118" and views["2020/rapat-pleno.md"] == "1"


def test_dry_run_prints_the_report_and_writes_nothing(site, tmp_path):
    log = write(tmp_path / "access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR))
    before = snapshot(site)
    code, report, views = count(site, log, dry_run=True)
    assert code == 0 and "+1  Rapat Koordinasi" in report and "tidak ada berkas yang diubah" in report
    assert snapshot(site) == before
    assert count(site, log)[2]["2019/rapat-koordinasi/index.md"] == "118"     # the real run still counts it


def test_a_post_that_cannot_be_read_is_named_and_left_alone(site, tmp_path, capsys):
    (site / "content/posts/2020/rusak.md").write_text(BROKEN_MD)
    odd = site / "content/posts/2020/heksa.md"
    odd.write_text(md("title: Heksa\ndate: 2020-05-05\nviews: 0x1F"))        # YAML reads 31; not a plain number
    log = write(tmp_path / "access.log",
                combined("203.0.113.5", "08/Jun/2024:08:00:00", "/2020/02/02/rusak/"),
                combined("203.0.113.5", "08/Jun/2024:08:00:00", "/2020/05/05/heksa/"),
                combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR))
    code, report, views = count(site, log)
    err = capsys.readouterr().err
    assert code == 1
    assert views["2019/rapat-koordinasi/index.md"] == "118"
    assert (site / "content/posts/2020/rusak.md").read_text() == BROKEN_MD and views["2020/heksa.md"] == "0x1F"
    assert "content/posts/2020/rusak.md:5:" in err and "content/posts/2020/rusak.md: berita ini dilewati" in err
    assert "content/posts/2020/heksa.md:4: angka kunjungan pada baris 'views' tidak dapat diubah" in err
    assert "views: 32" in err and "Traceback" not in err


def test_a_crash_between_posts_counts_nothing_twice(site, tmp_path, monkeypatch, capsys):
    log = write(tmp_path / "access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR),
                combined("203.0.113.5", "08/Jun/2024:08:00:00", PLENO), combined("203.0.113.5", "08/Jun/2024:08:00:00", TPS))
    real, written = views_state.write_atomic, []

    def crash_after_one_post(path, data):
        if path.suffix == ".md":
            if written:
                raise KeyboardInterrupt      # the power goes off half-way through the posts
            written.append(path)
        real(path, data)

    monkeypatch.setattr(views_state, "write_atomic", crash_after_one_post)
    with pytest.raises(KeyboardInterrupt):
        count(site, log)
    monkeypatch.setattr(views_state, "write_atomic", real)
    assert len(written) == 1 and json.loads((site / "views-state.json").read_text())["pending"]
    before = snapshot(site)
    assert count(site, log, dry_run=True)[0] == 0 and snapshot(site) == before     # a dry run says so, writes nothing
    assert "belum ditulis oleh penghitungan yang terputus" in capsys.readouterr().err
    code, report, views = count(site, log)             # the next run finishes the changes, and counts nothing again
    assert views == {"2019/rapat-koordinasi/index.md": "118", "2020/draf.md": "5", "2020/imbauan-tps.md": "1",
                     "2020/rapat-pleno.md": "1"}
    assert "0 baris baru dibaca" in report and json.loads((site / "views-state.json").read_text())["pending"] == {}


def test_a_truncated_gzip_download_counts_what_it_holds(site, tmp_path, capsys):
    lines = nginx_day(8, 60)
    whole = gzip.compress("".join(lines).encode())
    cut = write(tmp_path / "unduhan.gz", "")
    cut.write_bytes(whole[:len(whole) // 2])
    code, report, views = count(site, cut)
    err = capsys.readouterr().err
    assert code == 1 and "unduhan.gz: log berhenti terbaca: berkas gzip rusak atau terpotong" in err
    partly = int(views["2019/rapat-koordinasi/index.md"])
    assert 117 < partly < 117 + 60
    cut.write_bytes(whole)                              # downloaded again, whole
    assert count(site, cut)[2]["2019/rapat-koordinasi/index.md"] == str(117 + 60)


def test_the_state_file_keeps_no_address_or_user_agent(site, tmp_path):
    log = write(tmp_path / "access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR, agent=PHONE))
    count(site, log)
    text = (site / "views-state.json").read_text()
    assert "203.0.113" not in text and "Android" not in text and "rapat-koordinasi" not in text
    assert json.loads(text)["logs"][0]["position"] == log.stat().st_size


def test_a_damaged_state_file_stops_the_run(site, tmp_path):
    (site / "views-state.json").write_text("{ rusak")
    log = write(tmp_path / "access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR))
    before = snapshot(site)
    run = run_cli("views", str(log), "--site", str(site))
    assert run.code == 1 and "views-state.json tidak dapat dibaca" in run.err and "Traceback" not in run.err
    assert snapshot(site) == before


def test_the_command_line(site, tmp_path):
    assert run_cli("views", "--help").code == 0
    missing = run_cli("views", str(tmp_path / "tidak-ada.log"), "--site", str(site))
    assert missing.code == 2 and "tidak-ada.log tidak dapat dibuka" in missing.err and "Traceback" not in missing.err
    log = write(tmp_path / "access.log.gz", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR), compress=True)
    run = run_cli("views", str(log), "--site", str(site))
    assert run.code == 0 and run.err == "" and "Ditulis: 'views' di 1 berita." in run.out


def test_views_lines_of_every_shape_are_edited_in_place(tmp_path):
    shapes = {
        "kosong.md": "---\ntitle: Kosong\ndate: 2020-05-01\nviews:\n---\nIsi.\n",
        "tilde.md": "---\ntitle: Tilde\ndate: 2020-05-02\nviews: ~   # belum dihitung\n---\nIsi.\n",
        "kutip.md": "---\ntitle: Kutip\ndate: 2020-05-03\n'views': 7\n---\nIsi.\n",
        "bom.md": "\ufeff---\ntitle: BOM\ndate: 2020-05-04\n---\nviews: 1 (ini isi berita, bukan keterangan)\n",
        "tanggal-panjang.md": "---\ntitle: Panjang\ndate:\n  2020-05-05\ntags: [a]\n---\nIsi.\n",
    }
    site = write_site(tmp_path / "site", {f"content/posts/2020/{name}": text for name, text in shapes.items()},
                      config_text())
    log = write(tmp_path / "access.log", *[combined("203.0.113.5", "08/Jun/2024:08:00:00", f"/2020/05/0{day}/{slug}/")
                                          for day, slug in enumerate(["kosong", "tilde", "kutip", "bom",
                                                                      "tanggal-panjang"], start=1)])
    code, report, _ = count(site, log)
    assert code == 0, report
    read = {name: (site / "content/posts/2020" / name).read_bytes().decode("utf-8") for name in shapes}
    assert read["kosong.md"] == shapes["kosong.md"].replace("views:\n", "views: 1\n")
    assert read["tilde.md"] == shapes["tilde.md"].replace("views: ~ ", "views: 1 ")
    assert read["kutip.md"] == shapes["kutip.md"].replace("'views': 7", "'views': 8")
    assert read["bom.md"] == shapes["bom.md"].replace("date: 2020-05-04\n", "date: 2020-05-04\nviews: 1\n")
    assert read["tanggal-panjang.md"] == shapes["tanggal-panjang.md"].replace("2020-05-05\n", "2020-05-05\nviews: 1\n")


def test_a_gzip_log_is_known_by_its_content_not_its_name(site, tmp_path):
    plain_named_gz = write(tmp_path / "access.log.gz", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR))
    gzip_named_log = write(tmp_path / "access.log", combined("203.0.113.6", "08/Jun/2024:08:00:00", RAKOR), compress=True)
    assert count(site, plain_named_gz, gzip_named_log)[2]["2019/rapat-koordinasi/index.md"] == "119"


@pytest.mark.parametrize("compress", [False, True])
def test_an_overlong_line_is_skipped_and_told_not_read_whole(site, tmp_path, compress):
    """A line far past any access log's (a broken or hostile log) is read past in bounded pieces and named in the
    report; the lines around it are still counted, and so is a 1 MB last line without its newline."""
    garbage = "A" * (1 << 20)
    log = write(tmp_path / "access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR), garbage + "\n",
                combined("203.0.113.6", "08/Jun/2024:08:01:00", RAKOR), garbage, compress=compress)
    code, report, views = count(site, log)
    assert code == 0, report
    assert views["2019/rapat-koordinasi/index.md"] == "119"
    assert skipped(report, "baris lebih dari 64 KiB") == 2 and skipped(report, "baris rusak") == 0
    assert "4 baris baru dibaca" in report


def test_a_log_of_one_unfinished_line_is_not_called_empty(site, tmp_path):
    log = write(tmp_path / "access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR).rstrip("\n"))
    code, report, views = count(site, log)
    assert code == 0 and "log ini kosong" not in report
    assert "belum diakhiri ganti baris" in report and "tidak berisi baris yang lengkap" in report
    log.write_bytes(log.read_bytes() + b"\n")             # the server finished writing it: counted now
    assert count(site, log)[2]["2019/rapat-koordinasi/index.md"] == "118"


def test_a_log_that_cannot_be_opened_is_told_in_indonesian_with_the_fix(site, tmp_path):
    """What staff name by mistake: a file that is not there, a folder, a ZIP from the host's backup page."""
    archive = tmp_path / "logs.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR))
    expected = {tmp_path / "tidak-ada.log": "berkas itu tidak ada; periksa nama",
                tmp_path: "itu folder, bukan berkas log", archive: "itu arsip ZIP, bukan log; ekstrak dulu"}
    for path, said in expected.items():
        run = run_cli("views", str(path), "--site", str(site))
        assert run.code == 2 and said in run.err and str(path) in run.err, run.err
        assert "No such file" not in run.err and "Traceback" not in run.err
    assert not (site / views_state.NAME).exists()


def test_a_file_with_no_log_line_is_named_as_not_an_access_log(site, tmp_path, capsys):
    error_log = write(tmp_path / "error.log", "[Sat Jun 08 08:00:00.123 2024] [php:error] [pid 12] PHP Fatal\n" * 3)
    good = write(tmp_path / "access.log", combined("203.0.113.5", "08/Jun/2024:08:00:00", RAKOR), "rusak\n")
    code, report, views = count(site, error_log, good)
    told = capsys.readouterr().err
    assert str(error_log) in told and "bukan log akses" in told and "Raw Access" in told
    assert str(good) not in told and views["2019/rapat-koordinasi/index.md"] == "118"
