"""publish --rollback: the live site put back to an earlier publish from the files this computer kept, byte for
byte, sending only what differs; the store pruned to the last rollback_keep publishes."""

from __future__ import annotations

import pytest

from generator.publish.plan import MANIFEST
from tests.conftest import folder_publish, md, news_site, run_cli, tree

pytestmark = pytest.mark.quick


def publish(site, *args):
    run = run_cli("publish", "--site", str(site), *args)
    assert run.code == 0, run.out + run.err
    return run


def live_tree(live):
    return tree(live, skip=(MANIFEST,))


def test_rollback_to_the_previous_publish_and_to_the_one_before_byte_identical(tmp_path):
    live = tmp_path / "live"
    site = news_site(tmp_path / "site", folder_publish(live, "    rollback_keep: 3\n"))
    publish(site)
    first = live_tree(live)
    (site / "content/pages/profil.md").write_text(md("title: Profil Kantor", "Alamat baru.\n"), "utf-8")
    publish(site)
    second = live_tree(live)
    (site / "content/posts/2024/berita-0/index.md").unlink()
    (site / "content/posts/2024/berita-0/foto.jpg").unlink()
    (site / "content/posts/2024/berita-0").rmdir()
    publish(site)
    third = live_tree(live)
    assert len({frozenset(t.items()) for t in (first, second, third)}) == 3
    (live / "google1234abcd.html").write_text("google-site-verification")      # the office's own file on the target
    run = publish(site, "--rollback", "2")
    assert "dikembalikan ke terbitan ke-2" in run.out
    assert live_tree(live) == {**first, "google1234abcd.html": b"google-site-verification"}
    run = publish(site, "--rollback")                               # the one before the last: the third again
    assert live_tree(live) == {**third, "google1234abcd.html": b"google-site-verification"}
    sent = int(run.out.split(" dikirim")[0].rsplit(" ", 1)[-1])
    assert 0 < sent < len(third)                                    # only what differs is sent
    again = run_cli("publish", "--site", str(site), "--rollback", "3")   # 3 kept: the oldest is gone
    assert again.code == 1 and "hanya 2 terbitan sebelumnya" in again.err
    stored = list((site / ".cache/publish/store").glob("*/*"))
    assert stored and all(len(p.name) == 32 for p in stored)


def test_a_site_never_published_has_nothing_to_roll_back_to(tmp_path):
    site = news_site(tmp_path / "site", folder_publish(tmp_path / "live"))
    run = run_cli("publish", "--site", str(site), "--rollback")
    assert run.code == 1 and "hanya 0 terbitan sebelumnya" in run.err and not (tmp_path / "live").exists()
