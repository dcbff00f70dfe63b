"""Watching sources: which changes need which rebuild, debouncing bursts, one rebuild at a time, polling fallback."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.preview import watch  # noqa: E402
from generator.preview.watch import Debouncer, Watcher, is_ignored, kind_of, sort_changes  # noqa: E402

pytestmark = pytest.mark.servers

WAIT = 10   # seconds; only an upper bound for waiting on real file events, never an assertion about speed


@pytest.mark.parametrize("path, kind", [
    ("config.yaml", "config"),
    ("templates/post.html", "template"),
    ("templates/assets/style.css", "template"),
    ("templates", "template"),
    ("content/posts/2024/rapat/index.md", "content"),
    ("content/posts/2024/pengumuman.md", "content"),
    ("content/pages/profil.md", "content"),
    ("content/posts/2024/rapat/jadwal.pdf", "content"),
    ("content/posts/2024/rapat", "content"),
    ("content", "content"),
    ("content/posts/2024/rapat/pembukaan.jpg", "photo"),
    ("content/posts/2024/rapat/PESERTA.JPEG", "photo"),
    ("content/posts/2024/rapat/peta.png", "photo"),
    ("content/posts/2024/rapat/foto.webp", "photo"),
    ("content/posts/output/index.md", "content"),          # a post may be called 'output'
    ("output/index.html", "ignore"),
    ("output", "ignore"),
    (".cache/photos/abc.webp", "ignore"),
    (".venv/lib/site.py", "ignore"),
    ("README.md", "ignore"),
    ("Makefile", "ignore"),
    ("config.yaml~", "ignore"),
    ("content/posts/2024/rapat/.index.md.swp", "ignore"),
    ("content/posts/2024/rapat/.index.md.swx", "ignore"),
    ("content/posts/2024/rapat/index.md~", "ignore"),
    ("content/posts/2024/rapat/.#index.md", "ignore"),
    ("content/posts/2024/rapat/#index.md#", "ignore"),
    ("content/posts/2024/rapat/4913", "ignore"),
    ("content/posts/2024/rapat/index.md.tmp", "ignore"),
    ("content/posts/2024/rapat/foto.jpg.part", "ignore"),
    ("content/posts/2024/rapat/foto.jpg.crdownload", "ignore"),
    ("content/posts/2024/rapat/.DS_Store", "ignore"),
    ("content/posts/2024/rapat/Thumbs.db", "ignore"),
    ("content/posts/2024/rapat/index.md___jb_tmp___", "ignore"),   # JetBrains safe write
    ("content/posts/2024/rapat/index.md___jb_old___", "ignore"),
    ("content/posts/2024/rapat/~$jadwal.docx", "ignore"),           # Microsoft Office lock
    ("content/posts/2024/rapat/.goutputstream-ABC123", "ignore"),   # gedit
    ("content/posts/2024/rapat/.~lock.jadwal.odt#", "ignore"),      # LibreOffice
    ("content/.git/index", "ignore"),
    (".git/HEAD", "ignore"),
    ("templates/.post.html.swp", "ignore"),
    ("templates/__pycache__/x.pyc", "ignore"),
    ("content\\posts\\2024\\rapat\\index.md", "content"),   # Windows separators
])
def test_kind_of(path, kind):
    assert kind_of(path) == kind


def test_is_ignored_keeps_ordinary_names():
    assert not is_ignored("content/posts/2024/rapat-pleno/index.md")
    assert not is_ignored("content/posts/2024/tmp/index.md")
    assert is_ignored("")


def test_sort_changes_groups_kinds_and_drops_ignored():
    changes = sort_changes([
        "content/posts/b/index.md", "content/posts/a/index.md", "content/posts/a/index.md",
        "content/posts/a/foto.jpg", "config.yaml", "templates/base.html",
        "content/posts/a/.index.md.swp", "output/index.html",
    ])
    assert changes == {
        "config": ["config.yaml"],
        "content": ["content/posts/a/index.md", "content/posts/b/index.md"],
        "photo": ["content/posts/a/foto.jpg"],
        "template": ["templates/base.html"],
    }
    assert sort_changes(["content/x/.swp", "output/a.html"]) == {}


def test_debounce_waits_for_quiet_after_the_last_event():
    d = Debouncer(quiet=0.1, settled=0.02, longest=1.0)
    assert d.deadline() is None and not d.due(5.0)
    d.add("content/a.md", now=10.0)
    assert not d.due(10.05)
    d.add("content/a.md", now=10.08)            # still being written: the window starts again
    assert not d.due(10.15)
    assert d.due(10.18)
    assert d.take() == ["content/a.md"]
    assert d.deadline() is None


def test_debounce_editor_burst_gives_one_batch():
    """An editor saving by temp file + rename: many events within milliseconds, one rebuild."""
    d = Debouncer(quiet=0.1, settled=0.02)
    d.add("content/a/index.md", now=1.000)                  # backup rename (vim: index.md -> index.md~)
    d.add("content/a/index.md", now=1.001)                  # created
    d.add("content/a/index.md", now=1.002)                  # modified
    d.add("content/b/foto.jpg", now=1.003)
    d.add("content/a/index.md", now=1.004, complete=True)   # closed after writing
    assert not d.due(1.010)
    d.add("content/b/foto.jpg", now=1.005, complete=True)
    assert not d.due(1.020)
    assert d.due(1.025)                                      # every file complete: the short pause is enough
    assert d.take() == ["content/a/index.md", "content/b/foto.jpg"]


def test_debounce_incomplete_file_waits_the_long_window():
    d = Debouncer(quiet=0.1, settled=0.02)
    d.add("content/a.md", now=0.0, complete=True)
    d.add("content/b.md", now=0.001)             # b was only modified: maybe more writes to come
    assert not d.due(0.05)
    assert d.due(0.101)


def test_debounce_endless_stream_still_rebuilds():
    d = Debouncer(quiet=0.1, settled=0.02, longest=0.5)
    t = 0.0
    while t < 0.45:
        d.add("content/log.md", now=t)
        t += 0.05
        assert not d.due(t)
    d.add("content/log.md", now=0.5)
    assert d.due(0.5)


def test_debounce_events_after_take_start_a_new_batch():
    d = Debouncer(quiet=0.1, settled=0.02)
    d.add("content/a.md", now=0.0, complete=True)
    assert d.take() == ["content/a.md"]
    d.add("content/b.md", now=5.0, complete=True)
    assert d.deadline() == pytest.approx(5.02)
    assert d.take() == ["content/b.md"]


def _site(tmp_path: Path) -> Path:
    post = tmp_path / "content" / "posts" / "2024" / "rapat"
    post.mkdir(parents=True)
    (post / "index.md").write_text("---\ntitle: Rapat\ndate: 2024-01-02\n---\nIsi.\n", encoding="utf-8")
    (tmp_path / "config.yaml").write_text("site: {}\n", encoding="utf-8")
    return tmp_path


class _Calls:
    def __init__(self):
        self.calls: list[dict] = []
        self.cond = threading.Condition()

    def __call__(self, changes):
        with self.cond:
            self.calls.append(changes)
            self.cond.notify_all()

    def wait_for(self, count: int) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: len(self.calls) >= count, timeout=WAIT)

    def wait_for_path(self, kind: str, path: str) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: any(path in c.get(kind, []) for c in self.calls), timeout=WAIT)


def _save_like_an_editor(path: Path, text: str) -> None:
    """Swap file, temporary copy renamed over the original, backup: what vim or gedit leave behind."""
    (path.parent / f".{path.name}.swp").write_bytes(b"swap")
    temp = path.parent / f"{path.name}.tmp"
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    (path.parent / f"{path.name}~").write_text("old", encoding="utf-8")
    (path.parent / f".{path.name}.swp").unlink()


@pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])
def test_watcher_reports_one_batch_per_save(tmp_path, polling):
    site = _site(tmp_path)
    calls = _Calls()
    watcher = Watcher(site, calls, polling=polling, poll_interval=0.05)
    watcher.start()
    try:
        assert watcher.mode == ("polling" if polling else "native")
        post = site / "content" / "posts" / "2024" / "rapat" / "index.md"
        _save_like_an_editor(post, "---\ntitle: Rapat Pleno\ndate: 2024-01-02\n---\nIsi.\n")
        (site / "output").mkdir()
        (site / "output" / "index.html").write_text("built", encoding="utf-8")
        assert calls.wait_for(1)
        assert calls.calls[0] == {"content": ["content/posts/2024/rapat/index.md"]}
        (site / "config.yaml").write_text("site: {title: x}\n", encoding="utf-8")
        assert calls.wait_for(2)
        assert calls.calls[1] == {"config": ["config.yaml"]}
    finally:
        watcher.stop()
    assert not watcher.running


def test_watcher_sees_templates_folder_created_later(tmp_path):
    site = _site(tmp_path)
    calls = _Calls()
    watcher = Watcher(site, calls)
    watcher.start()
    try:
        (site / "templates").mkdir()
        assert calls.wait_for_path("template", "templates")
        (site / "templates" / "post.html").write_text("x", encoding="utf-8")
        assert calls.wait_for_path("template", "templates/post.html")
    finally:
        watcher.stop()


def test_watcher_falls_back_to_polling_when_native_events_fail(tmp_path, monkeypatch):
    class Broken(watch.PollingObserver):   # any observer whose start fails, like inotify at its watch limit
        def start(self):
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watch, "Observer", Broken)
    site = _site(tmp_path)
    calls = _Calls()
    watcher = Watcher(site, calls, poll_interval=0.05)
    watcher.start()
    try:
        assert watcher.mode == "polling"
        assert "inotify" in watcher.fallback_reason
        (site / "content" / "pages").mkdir()
        (site / "content" / "pages" / "profil.md").write_text("---\ntitle: Profil\n---\n", encoding="utf-8")
        assert calls.wait_for_path("content", "content/pages/profil.md")
    finally:
        watcher.stop()


def test_polling_can_be_forced_by_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(watch.POLLING_ENV, "1")
    watcher = Watcher(_site(tmp_path), lambda changes: None, poll_interval=0.05)
    watcher.start()
    try:
        assert watcher.mode == "polling"
    finally:
        watcher.stop()


def test_rebuilds_never_overlap(tmp_path):
    """A change during a rebuild waits for it, then gives one more rebuild."""
    site = _site(tmp_path)
    started, release = threading.Event(), threading.Event()
    running, most, calls = [0], [0], _Calls()
    lock = threading.Lock()

    def rebuild(changes):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        started.set()
        release.wait(WAIT)
        with lock:
            running[0] -= 1
        calls(changes)

    watcher = Watcher(site, rebuild)
    watcher.start()
    try:
        post = site / "content" / "posts" / "2024" / "rapat" / "index.md"
        post.write_text("---\ntitle: Satu\ndate: 2024-01-02\n---\n", encoding="utf-8")
        assert started.wait(WAIT)
        post.write_text("---\ntitle: Dua\ndate: 2024-01-02\n---\n", encoding="utf-8")
        (site / "content" / "posts" / "2024" / "baru.md").write_text("---\ntitle: Baru\n---\n", encoding="utf-8")
        release.set()
        assert calls.wait_for(2)
    finally:
        watcher.stop()
    assert most[0] == 1
    later = {p for c in calls.calls[1:] for group in c.values() for p in group}
    assert "content/posts/2024/baru.md" in later


def test_building_the_site_is_not_a_change(tmp_path):
    """The build reads every source and hard-links attachments into output/: none of that is an edit."""
    from generator.build import Options, build

    site = _site(tmp_path)
    (site / "config.yaml").write_text("site:\n  title: KPU\n  base_url: https://kpu.go.id/\n  language: id\n"
                                      "  timezone: Asia/Makassar\n", encoding="utf-8")
    (site / "content" / "posts" / "2024" / "rapat" / "jadwal.pdf").write_bytes(b"%PDF-1.4")
    calls = _Calls()
    watcher = Watcher(site, calls)
    watcher.start()
    try:
        build(Options(site, workers=1))
        build(Options(site, workers=1))
        marker = site / "content" / "pages" / "kontak.md"
        marker.parent.mkdir()
        marker.write_text("---\ntitle: Kontak\n---\n", encoding="utf-8")
        assert calls.wait_for_path("content", "content/pages/kontak.md")
    finally:
        watcher.stop()
    changed = {p for c in calls.calls for group in c.values() for p in group}
    assert changed <= {"content/pages", "content/pages/kontak.md"}
