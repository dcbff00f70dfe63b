"""The target lock's decisions (who may take a lock over, what the user is told) and the planner's rule that the lock
is neither a site file nor someone else's; against a folder target, the lock taken, refreshed and released."""

from __future__ import annotations

import os
import time

import pytest

from generator.model.config import PublishTarget
from generator.publish import targetlock
from generator.publish.folder import FolderTransport
from generator.publish.plan import MANIFEST, Entry, plan
from generator.publish.transport import Context, PublishError

pytestmark = pytest.mark.quick

NOW = 1_800_000_000.0


def holder(host: str = "laptop-2", pid: int = 4242, refreshed: float = NOW) -> targetlock.Holder:
    return targetlock.Holder(host, "siti", pid, refreshed - 120, refreshed, "https://kaltara.kpu.go.id/", "utama",
                             "0123456789abcdef")


@pytest.mark.parametrize("case, expected", [
    (dict(refreshed=NOW - 30), None),                                   # refreshed half a minute ago: held
    (dict(refreshed=NOW - targetlock.STALE - 1), "stale"),              # silent past the limit
    (dict(refreshed=NOW + targetlock.STALE + 1), "stale"),              # a clock far ahead cannot hold it forever
    (dict(host="laptop-1", pid=99), "gone"),                            # this computer, no such process
    (dict(host="laptop-1", pid=100), None),                             # this computer, running
])
def test_who_may_take_a_lock_over(case, expected):
    assert targetlock.judge(holder(**case), NOW, "laptop-1", lambda pid: pid == 100) == expected


def test_the_holder_file_round_trips_and_damaged_ones_name_nobody():
    one = holder()
    assert targetlock.decode(targetlock.encode(one)) == one
    for damaged in (None, b"", b"{", b"[]", b'{"host": "x"}', "pemegang".encode("utf-16"), b"\xff\xfe"):
        assert targetlock.decode(damaged) is None


def test_messages_name_the_holder_and_what_to_do():
    busy = targetlock.busy_message(holder())
    assert "siti di komputer laptop-2 (proses 4242) sejak" in busy and "tidak ada yang dikirim" in busy
    assert "jalankan perintah yang sama lagi" in busy and "10 menit" in busy
    taken = targetlock.takeover_message(holder(refreshed=NOW - 3600), "stale", "utama")
    assert taken.startswith("utama: kunci terbit milik siti di komputer laptop-2") and "diambil alih" in taken
    assert "tanpa keterangan" in targetlock.takeover_message(None, "stale", "utama")


def test_the_lock_is_never_a_site_file_a_foreign_file_or_a_deletion():
    lock_files = {f"{targetlock.LOCK}/{targetlock.HOLDER}": 200, f"{targetlock.ASIDE}abc/{targetlock.HOLDER}": 200}
    local = {"index.html": Entry(5, "a"), f"{targetlock.LOCK}/{targetlock.HOLDER}": Entry(3, "b")}
    previous = {"index.html": Entry(5, "a"), f"{targetlock.LOCK}/{targetlock.HOLDER}": Entry(200, "c"),
                "lama.html": Entry(4, "d")}
    decided = plan(local, previous, {"index.html": 5, "lama.html": 4, MANIFEST: 10, **lock_files})
    assert decided.foreign == () and decided.blocked == () and decided.uploads == []
    assert decided.deletes == ("lama.html",)
    assert targetlock.is_lock_path(targetlock.LOCK) and not targetlock.is_lock_path("kpu-terbit.lock/x")


def folder_target(tmp_path) -> FolderTransport:
    """A folder target opened as publish opens it: its lock taken."""
    return FolderTransport(Context("utama", PublishTarget("folder", path=str(tmp_path / "tujuan")), tmp_path / "situs",
                                   site_id="https://kaltara.kpu.go.id/"))


def test_take_refresh_and_release(tmp_path, monkeypatch):
    monkeypatch.setattr(targetlock, "WAIT", 0)          # the second publish below gives up at once
    target = folder_target(tmp_path)
    mine = targetlock.decode(target.read_lock(targetlock.LOCK))
    assert mine.site == "https://kaltara.kpu.go.id/" and mine.target == "utama" and mine.pid == os.getpid()
    with pytest.raises(PublishError, match="sedang dipakai"):          # a second publish meanwhile
        folder_target(tmp_path)
    time.sleep(0.01)
    target.held.refresh()
    assert targetlock.decode(target.read_lock(targetlock.LOCK)).refreshed > mine.refreshed
    target.close()
    assert not (tmp_path / "tujuan" / targetlock.LOCK).exists()
    folder_target(tmp_path).close()                                     # free again


def test_a_lock_taken_over_meanwhile_is_not_released_by_its_old_holder(tmp_path):
    target = folder_target(tmp_path)
    other = targetlock.encode(holder(refreshed=time.time()))
    target.write_lock(other)                # someone took it over while this publish was stalled
    target.held.refresh()
    target.close()
    assert target.read_lock(targetlock.LOCK) == other
