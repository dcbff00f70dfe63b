"""The build cache and incremental writes: no-op builds write nothing, edits rewrite only what shows them,
a corrupt or foreign cache is never trusted, a failed build leaves the output alone, workers do not matter."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cli
from generator.build import Options, build
from generator.core import racy
from generator.core.report import BuildFailed
from generator.engine import cache
from tests.conftest import NOW, clean_build_tree, config_text, snapshot, tree, write_site

pytestmark = pytest.mark.quick

CONFIG = config_text(extra="listing:\n  per_page: 3\n")
HOUR_AGO = 3600 * 10**9


def post(title: str, day: int, tags: str = "[rapat]", body: str = "Isi berita pertama.\n\nParagraf kedua.\n") -> str:
    """Post number `day` is dated 2024-03-{day} (and on into April past the 31st)."""
    date = dt.date(2024, 2, 29) + dt.timedelta(days=day)
    return f"---\ntitle: {title}\ndate: {date} 10:00\ntags: {tags}\nviews: {day * 10}\n---\n\n{body}"


def posts_site(root: Path, clock: racy.Clock, posts: int = 6) -> Path:
    """A site of `posts` single-file posts (see post), all written an hour ago."""
    write_site(root, {f"content/posts/berita-{i}.md": post(f"Berita {i}", i) for i in range(1, posts + 1)}, CONFIG)
    (root / "content" / "posts").mkdir(parents=True, exist_ok=True)
    age(root, clock)
    return root


def age(root: Path, clock: racy.Clock) -> None:
    """Date every source an hour back, as files edited before this build (not 'moments ago'); setting the times is
    itself a change the system records (st_ctime, see racy.stamp), so the builds' clock moves past that too."""
    stamp = os.stat(root).st_mtime_ns - HOUR_AGO
    for path in root.rglob("*"):
        if path.is_file() and "output" not in path.parts and ".cache" not in path.parts:
            os.utime(path, ns=(stamp, stamp))
    clock.advance()


def run(site: Path, clock: racy.Clock, **options):
    return build(Options(site, now=NOW, racy_clock=clock, **options))


def test_a_no_op_build_writes_nothing_at_all(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    first = run(site, clock)
    assert first.report.written > 0 and (site / ".cache" / cache.INDEX).is_file()
    before, listing = snapshot(site), sorted(os.listdir(tmp_path))
    second = run(site, clock)
    assert second.report.written == 0 and second.report.removed == 0 and second.rendered == 0
    assert second.report.unchanged == first.report.written
    assert snapshot(site) == before                      # output and cache: same files, inodes and times
    assert sorted(os.listdir(tmp_path)) == listing       # no staging folder either
    assert "0 dibuat ulang" in second.summary() and "0 berkas ditulis" in second.summary()


def test_a_just_edited_source_is_compared_by_content_and_still_writes_nothing(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    source = site / "content/posts/berita-2.md"
    source.write_bytes(source.read_bytes())              # touched now: same bytes, new time
    before = snapshot(site / "output")
    result = run(site, clock)
    assert result.report.written == 0 and snapshot(site / "output") == before


def test_a_post_built_moments_after_it_was_saved_is_checked_by_its_bytes_when_built_again_at_once(clock, tmp_path):
    """A post saved and built at once, then built again at once (publishing builds before it sends): the post is
    still too recent for its time to be trusted, so the second build hashes it again instead of building, finds the
    bytes the first build read, and stops there. Bytes changed under the same size and time are still found."""
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    source = site / "content/posts/berita-2.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nTambahan.\n", encoding="utf-8")
    assert run(site, clock).rendered > 0
    again = run(site, clock)
    assert [stage for stage, _seconds in again.stages] == ["periksa perubahan"], "no build past the check"
    stat, data = source.stat(), bytearray(source.read_bytes())
    data[-3:-2] = b"X" if data[-3:-2] != b"X" else b"Y"
    source.write_bytes(bytes(data))
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changed = run(site, clock)
    assert changed.rendered > 0, "the post's new bytes are built"


def test_files_written_moments_before_a_build_settle_when_they_still_hold_what_it_read(clock, tmp_path):
    """A corpus copied in just before a build: its posts and photos are "racy" (too recent for their time to tell
    a second edit). Once old enough and read the same again, the next build may skip; a photo whose bytes changed
    under the same size and time may not, nor may an attachment, which nothing here has hashed."""
    from PIL import Image

    from generator.core.racy import RACY_NS
    from generator.core.report import Problems
    from generator.engine import incremental, load
    from generator.model import config as config_module
    from generator.model.theme import THEME_DIR
    from generator.options import Context

    site = posts_site(tmp_path / "site", clock, posts=1)
    bundle = site / "content/posts/acara"
    bundle.mkdir()
    (bundle / "index.md").write_text(post("Acara", 3), encoding="utf-8")
    Image.new("RGB", (64, 48), (200, 30, 30)).save(bundle / "foto.jpg", quality=90)
    problems = Problems()
    config = config_module.load(site / "config.yaml", problems)
    scan = cache.scan(site / "content", incremental.read_source)
    loaded = load.load(Context(Options(site, now=NOW), config, "", THEME_DIR, problems), scan)
    photos = incremental.read_digests(loaded.site, loaded.records)
    assert not problems.errors and set(photos) == {"posts/acara/foto.jpg", "posts/acara/index.md", "posts/berita-1.md"}
    racy, content = sorted(scan), site / "content"
    later = max(mtime for _size, mtime in scan.values()) + RACY_NS + 1
    assert incremental.settled_files(content, racy, scan, photos, later)
    assert not incremental.settled_files(content, racy, scan, photos, later - 2)       # not old enough yet

    photo, stat = bundle / "foto.jpg", (bundle / "foto.jpg").stat()
    data = bytearray(photo.read_bytes())
    data[-3] ^= 0xFF
    photo.write_bytes(bytes(data))
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not incremental.settled_files(content, racy, scan, photos, later)
    (bundle / "undangan.pdf").write_bytes(b"%PDF-1.4\n")
    assert not incremental.settled_files(content, ["posts/acara/undangan.pdf"], cache.scan(content), photos,
                                         later + 10**12)


def test_the_cache_of_a_site_with_photos_loads_whole_and_an_edit_renders_one_post(clock, tmp_path):
    """Every record the cache files hold comes back (a record whose photos could not be unpickled used to be
    dropped silently, so every build read and rendered every post with photos again)."""
    from PIL import Image

    site = posts_site(tmp_path / "site", clock, posts=2)
    for name in ("acara-satu", "acara-dua"):
        bundle = site / "content/posts" / name
        bundle.mkdir()
        (bundle / "index.md").write_text(post(name.replace("-", " ").title(), 3), encoding="utf-8")
        Image.new("RGB", (64, 48), (30, 120, 200)).save(bundle / "foto.jpg", quality=90)
    age(site, clock)
    run(site, clock)
    index = cache.load_index(site / ".cache", site)
    records = cache.load_data(site / ".cache", site, index)
    assert sorted(records) == sorted(f"content/posts/{n}" for n in
                                     ("acara-dua/index.md", "acara-satu/index.md", "berita-1.md", "berita-2.md"))
    assert records["content/posts/acara-satu/index.md"].photos[0].source.digest
    source = site / "content/posts/acara-satu/index.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nTambahan.\n", encoding="utf-8")
    result = run(site, clock)
    assert result.rendered == 2             # its page and its gallery page
    assert result.photos_made == 0


@pytest.mark.parametrize("settled", [True, False])
def test_photos_planned_moments_after_they_were_written_are_planned_again_unless_they_settled(clock, tmp_path,
                                                                                             monkeypatch, settled):
    from PIL import Image

    from generator.engine import incremental

    site = posts_site(tmp_path / "site", clock, posts=1)
    bundle = site / "content/posts/acara"
    bundle.mkdir()
    (bundle / "index.md").write_text(post("Acara", 3), encoding="utf-8")
    Image.new("RGB", (64, 48), (200, 30, 30)).save(bundle / "foto.jpg", quality=90)     # written just now
    monkeypatch.setattr(incremental, "settled_files", lambda *args: settled)
    run(site, clock)
    records = cache.load_data(site / ".cache", site, cache.load_index(site / ".cache", site))
    record = records["content/posts/acara/index.md"]
    assert record.photos_key and record.photos_racy != settled


def test_editing_one_post_rewrites_only_the_pages_that_show_it(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    before = snapshot(site / "output")
    source = site / "content/posts/berita-1.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nKalimat tambahan.\n", encoding="utf-8")
    result = run(site, clock)
    after = snapshot(site / "output")
    pages = sorted(name for name in after if not name.startswith("pagefind/"))   # the search index is made anew whole
    changed = [name for name in pages if name not in before or after[name][:2] != before[name][:2]]
    assert changed == ["2024/03/01/berita-1/index.html"]
    assert b"Kalimat tambahan." in after["2024/03/01/berita-1/index.html"].data
    assert result.rendered == 1


def test_a_new_title_reaches_lists_neighbours_and_feeds(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    source = site / "content/posts/berita-6.md"
    source.write_text(post("Judul Baru Sekali", 6), encoding="utf-8")
    run(site, clock)
    out = site / "output"
    for page in ("index.html", "feed.xml", "2024/03/05/berita-5/index.html", "tag/rapat/index.html"):
        assert "Judul Baru Sekali" in (out / page).read_text(encoding="utf-8"), page


def test_a_template_change_rerenders_exactly_what_uses_it(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    shutil.copytree(Path(cli.__file__).resolve().parent.parent / "templates", site / "templates")
    age(site, clock)
    run(site, clock)
    before = snapshot(site / "output")
    template = site / "templates" / "post.html"
    template.write_text(template.read_text(encoding="utf-8").replace("Berita terkait", "Berita yang berkaitan"),
                        encoding="utf-8")
    result = run(site, clock)
    after = snapshot(site / "output")
    changed = {name for name in after if after[name][:2] != before[name][:2] and not name.startswith("pagefind/")}
    assert changed == {f"2024/03/{d:02d}/berita-{d}/index.html" for d in range(1, 7)}
    assert result.rendered == 6


def test_the_sidebar_rendered_once_per_build_still_reaches_every_page_when_it_changes(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    shutil.copytree(Path(cli.__file__).resolve().parent.parent / "templates", site / "templates")
    age(site, clock)
    run(site, clock)
    sidebar = site / "templates" / "_sidebar.html"
    sidebar.write_text(sidebar.read_text(encoding="utf-8").replace("Terbaru", "Berita terbaru"), encoding="utf-8")
    result = run(site, clock)
    html = [p for p in (site / "output").rglob("*.html") if "pagefind" not in p.parts]
    shown = [p for p in html if "Berita terbaru</h2>" in p.read_text(encoding="utf-8")]
    assert len(shown) == result.rendered and len(shown) >= 15
    assert all('<aside class="sidebar"' not in p.read_text(encoding="utf-8") for p in set(html) - set(shown))


def test_a_category_named_by_another_post_reaches_the_cards_of_unchanged_posts(clock, tmp_path):
    """A category's shown name is the spelling of its newest post: when that post moves to another category, the
    older post's card (kept in the cache) shows the name anew, as a clean build does."""
    site = posts_site(tmp_path / "site", clock, posts=0)
    shutil.copytree(Path(cli.__file__).resolve().parent.parent / "templates", site / "templates")
    base = site / "templates/base.html"          # a theme without the sidebar, whose category list hides nothing
    base.write_text(base.read_text(encoding="utf-8").replace('{{ once("_sidebar.html") }}', ""), encoding="utf-8")
    for day, category, tags in ((1, "Rapat Pleno", "[rapat]"), (35, "RAPAT PLENO", "[lain]")):   # March, April
        path = site / f"content/posts/berita-{day}.md"
        path.write_text(post(f"Berita {day}", day, tags).replace("tags:", f"category: {category}\ntags:"),
                        encoding="utf-8")
    run(site, clock)
    march = site / "output/2024/03/index.html"          # shows only the older post, which does not change
    assert "RAPAT PLENO" in march.read_text(encoding="utf-8")
    newer = site / "content/posts/berita-35.md"
    newer.write_text(newer.read_text(encoding="utf-8").replace("RAPAT PLENO", "Logistik"), encoding="utf-8")
    run(site, clock)
    assert tree(site / "output") == clean_build_tree(site, tmp_path)
    assert "Rapat Pleno" in march.read_text(encoding="utf-8")


def test_a_config_change_rerenders_everything(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    (site / "config.yaml").write_text(CONFIG.replace("KPU Provinsi Kalimantan Utara", "KPU Kota Tarakan"))
    result = run(site, clock)
    assert result.rendered == result.pages
    assert "KPU Kota Tarakan" in (site / "output/index.html").read_text(encoding="utf-8")


def test_a_file_changed_in_the_output_by_hand_is_restored(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    page = site / "output/2024/03/02/berita-2/index.html"
    good = page.read_bytes()
    page.write_bytes(b"dirusak")
    (site / "output/sampah.html").write_bytes(b"x")
    result = run(site, clock)
    assert page.read_bytes() == good
    # a file the build did not write is someone's: left alone and named (issue 13)
    assert (site / "output/sampah.html").read_bytes() == b"x"
    assert any("sampah.html" in str(w) for w in result.warnings)


def test_a_deleted_post_disappears_with_its_folder(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    (site / "content/posts/berita-3.md").unlink()
    result = run(site, clock)
    assert result.report.removed >= 1
    assert not (site / "output/2024/03/03").exists()
    assert "Berita 3" not in (site / "output/index.html").read_text(encoding="utf-8")


def test_one_edit_rewrites_only_its_data_shard(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    before = snapshot(site / ".cache")
    source = site / "content/posts/berita-5.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nTambahan.\n", encoding="utf-8")
    run(site, clock)
    after = snapshot(site / ".cache")
    # the search index's files are renamed by their content, so the record of the output's files changes too
    changed = sorted(n for n in after if after[n] != before.get(n) and not n.startswith(("pagefind/", "keluaran/")))
    shard = cache.DATA.format(cache.shard("content/posts/berita-5.md"))
    assert changed == sorted([cache.INDEX, shard])


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "foreign", "other-version"])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(clock, tmp_path, damage):
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    clean = tree(site / "output")
    source = site / "content/posts/berita-4.md"
    source.write_text(post("Berita Empat Diperbarui", 4), encoding="utf-8")
    for path in [site / ".cache" / cache.INDEX, *sorted((site / ".cache").glob("build-data-*.bin"))]:
        data = path.read_bytes()
        if damage == "flip":
            data = data[:-40] + bytes(b ^ 0xFF for b in data[-40:])
        elif damage == "truncate":
            data = data[: len(data) // 2]
        elif damage == "empty":
            data = b""
        elif damage == "foreign":
            data = b"PK\x03\x04 not a cache at all" + data
        else:
            data = data.replace(b"KPU-CACHE " + str(cache.FORMAT).encode(), b"KPU-CACHE 999", 1)
        path.write_bytes(data)
    run(site, clock)
    assert "Berita Empat Diperbarui" in (site / "output/index.html").read_text(encoding="utf-8")
    assert tree(site / "output") == clean_build_tree(site, tmp_path)
    assert clean != tree(site / "output")
    assert cache.read(site / ".cache" / cache.INDEX, site) is not None     # rewritten whole


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch DIRETAS",))


def test_a_cache_with_a_valid_checksum_but_foreign_objects_is_not_unpickled(tmp_path):
    target = tmp_path / "c.bin"
    cache.write(target, {"x": _Evil()}, tmp_path)
    assert cache.read(target, tmp_path) is None
    assert not (tmp_path / "DIRETAS").exists() and not Path("DIRETAS").exists()
    cache.write(target, {"x": [1, "dua", (3.0, None)]}, tmp_path)
    assert cache.read(target, tmp_path) == {"x": [1, "dua", (3.0, None)]}
    assert cache.read(target, tmp_path / "situs-lain") is None           # another site's cache


def test_a_failed_build_leaves_output_and_cache_as_they_were(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    shutil.copytree(Path(cli.__file__).resolve().parent.parent / "templates", site / "templates")
    run(site, clock)
    before, listing = snapshot(site), sorted(os.listdir(site))
    template = site / "templates" / "post.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{{ post.title }}", "{{ post.title.tidak_ada() }}", 1), encoding="utf-8")
    (site / "content/posts/berita-2.md").write_text(post("Berita Dua Baru", 2), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        run(site, clock)
    assert any("templates/post.html" in str(p) for p in failed.value.problems)
    assert sorted(os.listdir(site)) == listing and sorted(os.listdir(tmp_path)) == ["site"]
    now = snapshot(site)
    kept = ("output/", ".cache/")       # not .cache/jinja/: compiled templates, each checked against its source

    def state(files):
        return {k: v for k, v in files.items() if k.startswith(kept) and not k.startswith(".cache/jinja/")}
    assert state(now) == state(before)
    template.write_text(good, encoding="utf-8")
    result = run(site, clock)
    assert "Berita Dua Baru" in (site / "output/index.html").read_text(encoding="utf-8") and result.rendered > 0


def test_the_output_is_the_same_whatever_the_number_of_workers(clock, tmp_path):
    one = posts_site(tmp_path / "satu", clock, posts=80)
    two = tmp_path / "dua"
    shutil.copytree(one, two)
    first = run(one, clock, workers=1)
    second = run(two, clock, workers=2)
    assert first.pages == second.pages > 64        # enough pages for the workers to fork
    assert tree(one / "output") == tree(two / "output")


def test_a_scheduled_post_appears_once_its_time_has_come(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    (site / "content/posts/terjadwal.md").write_text(
        "---\ntitle: Terjadwal\ndate: 2024-07-01 09:00\n---\n\nNanti.\n", encoding="utf-8")
    age(site, clock)
    run(site, clock)
    assert "Terjadwal" not in (site / "output/index.html").read_text(encoding="utf-8")
    build(Options(site, now=dt.datetime(2024, 7, 2, tzinfo=dt.timezone.utc), racy_clock=clock))
    assert "Terjadwal" in (site / "output/index.html").read_text(encoding="utf-8")


def test_the_command_line_prints_one_summary_line_and_stages_when_verbose(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    command = [sys.executable, "-m", "generator", "build", "--site", str(site)]
    root = Path(cli.__file__).resolve().parent.parent
    quiet = subprocess.run(command, capture_output=True, text=True, cwd=root)
    assert quiet.returncode == 0
    assert quiet.stdout.strip().count("\n") == 0 and quiet.stdout.startswith("Selesai: ")
    assert "\r" not in quiet.stderr                    # no progress bar when stderr is not a terminal
    verbose = subprocess.run(command + ["--verbose"], capture_output=True, text=True, cwd=root)
    assert verbose.returncode == 0 and "periksa perubahan" in verbose.stdout
    assert verbose.stdout.strip().splitlines()[-1].startswith("Selesai: ")


def test_cache_files_round_trip_entries_with_dates_zones_and_paths(clock, tmp_path):
    site = posts_site(tmp_path / "site", clock)
    run(site, clock)
    index = cache.load_index(site / ".cache", site)
    data = cache.load_data(site / ".cache", site, index)
    assert len(data) == 6 and index.manifest and index.routes and len(index.data_sha) == cache.SHARDS
    record = data["content/posts/berita-1.md"]
    assert record.entry.title == "Berita 1" and record.entry.date.tzinfo is not None and record.html
    assert pickle.loads(pickle.dumps(record.entry.date)) == record.entry.date


# ------------------------------------------------------------------------- the built-in theme's reach, shipped

def test_the_shipped_reach_of_the_built_in_theme_is_current():
    from generator.engine import fingerprint

    shipped = json.loads(fingerprint.THEME_REACH.read_text(encoding="utf-8"))
    assert shipped == fingerprint.theme_reach(), \
        "templat bawaan berubah: jalankan `python scripts/theme_reach.py` lalu commit generator/engine/theme_reach.json"


def test_a_cold_build_gives_the_same_bytes_with_or_without_the_shipped_reach(tmp_path, monkeypatch):
    from generator.engine import fingerprint

    site = shutil.copytree(Path(__file__).parent / "sites" / "basic", tmp_path / "site",
                           ignore=shutil.ignore_patterns("output", ".cache"))
    build(Options(site, tmp_path / "with", now=NOW, workers=1, cache=tmp_path / "cache-with"))
    monkeypatch.setattr(fingerprint, "THEME_REACH", tmp_path / "absent.json")
    assert fingerprint.shipped() == {}
    build(Options(site, tmp_path / "without", now=NOW, workers=1, cache=tmp_path / "cache-without"))
    assert tree(tmp_path / "with") == tree(tmp_path / "without")


@pytest.mark.parametrize("content", ["not json", '["a list"]', '{"abc": "not a list"}', '{"abc": [1, 2]}'])
def test_a_damaged_shipped_reach_is_not_used(tmp_path, monkeypatch, content):
    from generator.engine import fingerprint

    damaged = tmp_path / "theme_reach.json"
    damaged.write_text(content, encoding="utf-8")
    monkeypatch.setattr(fingerprint, "THEME_REACH", damaged)
    assert fingerprint.shipped() == {}


def test_a_site_template_that_differs_from_the_built_in_one_is_read_for_itself(tmp_path):
    from generator.engine import fingerprint
    from generator.model import theme

    own = tmp_path / "templates"
    own.mkdir()
    text = (theme.THEME_DIR / "post.html").read_text(encoding="utf-8")
    (own / "post.html").write_text(text.replace("{% block main %}", "{% block main %}{{ site.popular }}", 1),
                                   encoding="utf-8")
    assert "{{ site.popular }}" in (own / "post.html").read_text(encoding="utf-8")
    templates = fingerprint.Templates((own, theme.THEME_DIR))
    assert "popular" in templates.reach("post.html")
    assert "popular" not in templates.reach("tema/post.html")
