"""publish --rollback: the live site put back to an earlier publish from the files this computer kept, byte for
byte, sending only what differs; the store pruned to the last rollback_keep publishes."""

from __future__ import annotations

import time

import pytest

from generator.publish.plan import MANIFEST
from tests.conftest import folder_publish, md, news_site, run_cli, run_cli_patched, tree

pytestmark = pytest.mark.quick


def publish(site, *args):
    run = run_cli("publish", "--site", str(site), *args)
    assert run.code == 0, run.out + run.err
    return run


def live_tree(live):
    return tree(live, skip=(MANIFEST,))


def published_once(tmp_path, keep: int):
    """A news site published to a folder target that keeps `keep` publishes: (site, live folder, what went live)."""
    live = tmp_path / "live"
    site = news_site(tmp_path / "site", folder_publish(live, f"    rollback_keep: {keep}\n"))
    publish(site)
    return site, live, live_tree(live)


def edit_profile(site, text: str) -> None:
    (site / "content/pages/profil.md").write_text(md("title: Profil Kantor", f"{text}\n"), "utf-8")


def test_rollback_to_the_previous_publish_and_to_the_one_before_byte_identical(tmp_path):
    site, live, first = published_once(tmp_path, 3)
    edit_profile(site, "Alamat baru.")
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


def kept(site):
    return sorted((site / ".cache/publish/history/utama").iterdir())


# the history manifest's bytes written half, then the process ends as a power cut or `kill -9` would end it
CUT_OFF = ("import os, pathlib\n_write = pathlib.Path.write_bytes\n"
           "def write(self, data):\n"
           "    if 'history' not in self.parts:\n        return _write(self, data)\n"
           "    with open(self, 'wb') as file:\n        file.write(data[:len(data) // 2])\n"
           "    os._exit(9)\n"
           "pathlib.Path.write_bytes = write")


def test_a_publish_killed_while_it_keeps_its_history_leaves_no_half_manifest(tmp_path):
    """The manifest goes in with one rename: killed halfway, the publishes kept before stay as they were, its
    temporary file is removed by the next publish, and --rollback still puts back the one before."""
    site, live, first = published_once(tmp_path, 3)
    before = kept(site)
    edit_profile(site, "Alamat baru.")
    cut = run_cli_patched(CUT_OFF, "publish", "--site", str(site))
    assert cut.code == 9
    assert [path for path in kept(site) if path.suffix == ".json"] == before        # no half manifest among them
    publish(site)
    assert len(kept(site)) == 2 and all(path.suffix == ".json" for path in kept(site))
    publish(site, "--rollback")
    assert live_tree(live) == first


def test_a_broken_history_manifest_is_passed_over_and_named_when_asked_for(tmp_path):
    """A kept manifest cut off (by a crash of an older version), emptied or changed by hand (a content name that
    would lead out of the store): the publishes after it succeed and keep theirs, and --rollback to it says so in one
    plain sentence, while the ones around it can still be put back."""
    site, live, first = published_once(tmp_path, 4)
    good = kept(site)[0].read_bytes()
    for broken in (good[:len(good) // 2], b"", good.replace(good.split(b'"')[-2], b"../../../config.yaml", 1)):
        folder = site / ".cache/publish/history/utama"
        for path in kept(site)[1:]:
            path.unlink()
        (folder / f"{time.time_ns():020d}.json").write_bytes(broken)
        edit_profile(site, f"Alamat {len(broken)}.")
        run = publish(site)
        assert "Galat" not in run.err and "Traceback" not in run.err, run.err
        assert len(kept(site)) == 3
        back = run_cli("publish", "--site", str(site), "--rollback", "1")
        assert back.code == 1 and "Traceback" not in back.err and "Galat internal" not in back.err, back.err
        assert back.err.count("\n") == 1 and "rusak atau terpotong" in back.err and "--rollback" in back.err
        publish(site, "--rollback", "2")
        assert live_tree(live) == first


def test_a_kept_file_damaged_to_the_same_size_is_refused_on_rollback(tmp_path):
    """Files kept for rollback are written without fsync: after a power cut one may hold zeros of its right size.
    Rolling back to a publish that needs it says so in one sentence and sends nothing; another publish can still be
    put back."""
    site, live, first = published_once(tmp_path, 3)
    edit_profile(site, "Alamat baru.")
    publish(site)
    edit_profile(site, "Alamat ketiga.")
    publish(site)
    third = live_tree(live)
    old_page = next(rel for rel, data in first.items() if rel.startswith("profil/") and data != third.get(rel))
    damaged = next(path for path in (site / ".cache/publish/store").glob("*/*") if path.read_bytes() == first[old_page])
    damaged.write_bytes(b"\0" * damaged.stat().st_size)
    back = run_cli("publish", "--site", str(site), "--rollback", "2")
    assert back.code == 1 and back.err.count("\n") == 1, back.err
    assert f"salinan berkas {old_page}" in back.err and "rusak" in back.err and "--rollback" in back.err
    assert live_tree(live) == third
    publish(site, "--rollback", "1")
    assert live_tree(live) != third
