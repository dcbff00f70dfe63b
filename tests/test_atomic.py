"""core.atomic: the one 'write beside, then rename' every module uses (caches, state files, the desk's sources,
imported posts, photos): the old file or the new one, never half of one, no temporary file left behind."""

from __future__ import annotations

import os
import threading

import pytest

from generator.core import atomic

pytestmark = pytest.mark.quick


def _left(folder):
    return sorted(p.name for p in folder.iterdir() if atomic.is_temporary(p.name))


@pytest.mark.parametrize("sync", [True, False])
def test_a_new_file_and_a_replaced_one_hold_exactly_what_was_written(tmp_path, sync):
    target = tmp_path / "data.json"
    atomic.write_bytes(target, b"\x00first\r\n", sync=sync)
    assert target.read_bytes() == b"\x00first\r\n"
    atomic.write_bytes(target, b"second", sync=sync)
    assert target.read_bytes() == b"second" and _left(tmp_path) == [] and os.listdir(tmp_path) == ["data.json"]


def test_text_is_written_as_path_write_text_writes_it(tmp_path):
    text = "baris satu\nbaris dua — é\n"
    atomic.write_text(tmp_path / "a.md", text)
    (tmp_path / "b.md").write_text(text, encoding="utf-8")
    assert (tmp_path / "a.md").read_bytes() == (tmp_path / "b.md").read_bytes()
    with pytest.raises(UnicodeEncodeError):
        atomic.write_text(tmp_path / "a.md", "\udcff", encoding="utf-8")
    atomic.write_text(tmp_path / "c.md", "\udcff", errors="surrogateescape")
    assert (tmp_path / "c.md").read_bytes() == b"\xff" and (tmp_path / "a.md").read_text("utf-8") == text


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_a_replaced_file_keeps_its_mode_and_a_new_one_gets_what_open_gives(tmp_path):
    target = tmp_path / "rahasia.yaml"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    atomic.write_bytes(target, b"new")
    assert target.stat().st_mode & 0o777 == 0o640
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    atomic.write_bytes(tmp_path / "baru", b"x")
    assert (tmp_path / "baru").stat().st_mode & 0o777 == plain.stat().st_mode & 0o777


def test_a_failure_while_writing_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "index.md"
    target.write_bytes(b"old")

    def half_then_fail(path):
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic.replace(target, half_then_fail)
    assert target.read_bytes() == b"old" and _left(tmp_path) == []
    with pytest.raises(KeyboardInterrupt):
        atomic.replace(tmp_path / "new.md", lambda path: (_ for _ in ()).throw(KeyboardInterrupt()))
    assert not (tmp_path / "new.md").exists() and _left(tmp_path) == []


def test_a_missing_folder_is_an_error_not_a_folder_made(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic.write_bytes(tmp_path / "tidak-ada" / "x", b"x")
    assert not (tmp_path / "tidak-ada").exists()


def test_writers_at_once_each_leave_a_whole_file(tmp_path):
    """Threads (the desk, the preview) writing one file at once: each temporary name is its own, the file is one
    writer's whole content."""
    target, contents = tmp_path / "state.json", [bytes([n]) * 100_000 for n in range(8)]
    threads = [threading.Thread(target=atomic.write_bytes, args=(target, data)) for data in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_bytes() in contents and _left(tmp_path) == []


def test_fill_may_write_by_path_as_pillow_and_copyfile_do(tmp_path):
    source = tmp_path / "asli.bin"
    source.write_bytes(b"photo bytes")
    import shutil

    atomic.replace(tmp_path / "salinan.bin", lambda path: shutil.copyfile(source, path), sync=False)
    assert (tmp_path / "salinan.bin").read_bytes() == b"photo bytes" and _left(tmp_path) == []


def test_temporary_files_a_killed_writer_left_are_removed_once_stale(tmp_path):
    """A worker killed while writing (a stopped build) leaves its temporary file; an hour on it goes. A recent one
    (a writer still at work) and everything else stay."""
    old, fresh, other = ".a.jpg.123-ab12cd34.tmp", ".b.jpg.123-ef56ab78.tmp", "c.jpg"
    for name in (old, fresh, other):
        (tmp_path / name).write_bytes(b"x")
    hour_ago = os.stat(tmp_path / old).st_mtime - atomic.STALE - 1
    os.utime(tmp_path / old, (hour_ago, hour_ago))
    atomic.remove_stale(tmp_path, os.listdir(tmp_path))
    assert sorted(os.listdir(tmp_path)) == sorted([fresh, other])
