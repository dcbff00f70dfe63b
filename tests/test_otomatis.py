"""otomatis --once: a scheduled post is published in the first round at or after its time, never before, with the
clock moved in the test (the round's "now" given), to a real folder target."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.otomatis import round_once
from generator.publish.command import Request, publish
from tests.conftest import NOW, folder_publish, md, news_site, run_cli

pytestmark = pytest.mark.slow

SCHEDULED = "2024/06/01/rapat-terjadwal/index.html"
TIME = dt.datetime(2024, 6, 1, 13, 0, tzinfo=dt.timezone.utc)         # 21.00 WITA, an hour after NOW


def scheduled_site(tmp_path):
    site = news_site(tmp_path / "site", folder_publish(tmp_path / "www"))
    post = site / "content/posts/2024/rapat-terjadwal/index.md"
    post.parent.mkdir(parents=True)
    post.write_text(md("title: Rapat Terjadwal\ndate: 2024-06-01 21:00"))
    return site, tmp_path / "www"


def test_a_scheduled_post_goes_live_in_the_first_round_at_its_time_and_never_before(tmp_path, capsys):
    site, www = scheduled_site(tmp_path)
    assert publish(Request(site, now=NOW)) == 0
    assert (www / "index.html").is_file() and not (www / SCHEDULED).exists()
    before = (www / "index.html").read_bytes()

    assert round_once(site, None, TIME - dt.timedelta(seconds=1)) == 0
    assert not (www / SCHEDULED).exists() and (www / "index.html").read_bytes() == before
    assert "tidak ada yang jatuh tempo (berikutnya: 2024-06-01 21:00)" in capsys.readouterr().out

    assert round_once(site, None, TIME + dt.timedelta(seconds=30)) == 0
    assert (www / SCHEDULED).is_file() and b"Rapat Terjadwal" in (www / "index.html").read_bytes()
    assert "diterbitkan" in capsys.readouterr().out

    stamp = (www / "index.html").stat().st_mtime_ns
    assert round_once(site, None, TIME + dt.timedelta(minutes=5)) == 0      # nothing scheduled any more
    assert (www / "index.html").stat().st_mtime_ns == stamp
    log = (site / ".cache/otomatis.log").read_text().splitlines()
    assert len(log) == 3 and all(" UTC otomatis: utama: " in line for line in log)


def test_once_before_any_publish_does_nothing_and_says_so(tmp_path):
    site, www = scheduled_site(tmp_path)
    run = run_cli("otomatis", "--once", "--site", str(site))
    assert run.code == 0 and "belum pernah diterbitkan" in run.out
    assert not www.exists()
    assert run_cli("otomatis", "lain", "--once", "--site", str(site)).code == 2
