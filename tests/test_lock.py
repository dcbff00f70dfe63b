"""One build of a site at a time: a second build waits briefly, then says clearly that a build is running."""

from __future__ import annotations

import time

import pytest

from generator.core import lock
from tests.conftest import build_site, lock_holder, md, run_cli, run_cli_while_locked, snapshot, write_site

pytestmark = pytest.mark.servers


def _site(tmp_path):
    return write_site(tmp_path / "site", {"content/posts/a.md": md("title: A\ndate: 2019-11-08 10:00")})


def test_a_second_build_waits_for_the_first_then_runs(tmp_path):
    site = _site(tmp_path)
    holder = lock_holder(site, 1.0)
    told = []
    try:
        result = build_site(site, lock_wait=30, on_wait=told.append)
    finally:
        holder.wait(10)
    assert told == [str(holder.pid)] and result.pages > 0


def test_a_second_build_that_cannot_wait_says_a_build_is_running_and_writes_nothing(tmp_path):
    site = _site(tmp_path)
    build_site(site)
    before = snapshot(site / "output")
    holder = lock_holder(site, 30)
    try:
        started = time.monotonic()
        with pytest.raises(lock.Busy, match=f"sedang berjalan \\(proses {holder.pid}\\)"):
            build_site(site, lock_wait=0.3)
        assert time.monotonic() - started < 5
        assert snapshot(site / "output") == before
    finally:
        holder.kill()
        holder.wait()
        lock.lock_file(site / ".cache").unlink(missing_ok=True)    # a killed holder leaves its empty file


def test_the_command_line_says_so_with_its_own_exit_code(tmp_path):
    site = _site(tmp_path)
    ran = run_cli_while_locked(site, "build", "--site", str(site))
    assert ran.code == 75, ran.err
    assert "Menunggu pembangunan lain" in ran.err and "sedang berjalan" in ran.err
    assert "Traceback" not in ran.err


def test_a_killed_build_leaves_no_stale_lock(tmp_path):
    site = _site(tmp_path)
    holder = lock_holder(site, 60)
    holder.kill()
    holder.wait()
    started = time.monotonic()
    build_site(site, lock_wait=0)
    assert time.monotonic() - started < 10
    assert run_cli("build", "--site", str(site)).code == 0


def test_builds_of_two_sites_do_not_wait_for_each_other(tmp_path):
    site = _site(tmp_path)
    other = write_site(tmp_path / "lain", {"content/posts/b.md": md("title: B\ndate: 2019-11-08 10:00")})
    holder = lock_holder(site, 30)
    try:
        build_site(other, lock_wait=0)
    finally:
        holder.kill()
        holder.wait()
        lock.lock_file(site / ".cache").unlink(missing_ok=True)    # a killed holder leaves its empty file


def test_a_build_leaves_no_lock_file_behind(tmp_path):
    site = _site(tmp_path)
    build_site(site)
    assert not lock.lock_file(site / ".cache").exists()
    assert not list((site / ".cache").glob("*.lock"))
