"""The command line as users run it: `python -m generator ...` in a subprocess; exit codes 0, 1 and 2."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from generator.model.discovery import Source
from tests.conftest import config_text, copy_site, md, run_cli, snapshot, write_site

pytestmark = pytest.mark.servers


def test_build_a_good_site_exits_0(site_factory):
    site = site_factory({"content/posts/2019/a.md": md("title: A\ndate: 2019-11-08")})
    run = run_cli("build", "--site", str(site))
    assert run.code == 0, run.err
    assert run.out.startswith("Selesai: ") and run.err == ""
    assert (site / "output/2019/11/08/a/index.html").is_file()


def test_build_a_bad_site_exits_1_and_prints_file_and_line(tmp_path):
    site = copy_site("invalid/several-errors", tmp_path / "site")
    run = run_cli("build", "--site", str(site))
    assert run.code == 1
    assert "content/posts/2019/b-tanggal.md:3: tanggal '2019-02-30' tidak sah." in run.err
    assert "Traceback" not in run.err and not (site / "output").exists()


def test_build_into_another_output_folder_with_drafts(tmp_path):
    site = copy_site("basic", tmp_path / "site")
    run = run_cli("build", "--site", str(site), "--output", str(tmp_path / "publik"), "--drafts", "--future")
    assert run.code == 0, run.err
    assert (tmp_path / "publik/2020/02/01/draf-belum-terbit/index.html").is_file()
    assert (tmp_path / "publik/2030/01/01/berita-terjadwal/index.html").is_file()
    assert not (site / "output").exists()


def test_bad_usage_exits_2(site_factory):
    site = site_factory()
    for args in (["build", "--site", str(site), "--tidak-ada"], [], ["terbitkan"]):
        run = run_cli(*args)
        assert run.code == 2, (args, run.err)
        assert "usage" in run.err or "Pakai" in run.err or "python -m generator" in run.err


def test_missing_config_exits_2(tmp_path):
    (tmp_path / "kosong").mkdir()
    run = run_cli("build", "--site", str(tmp_path / "kosong"))
    assert run.code == 2
    assert "config.yaml" in run.err and "Traceback" not in run.err


def test_output_over_the_site_exits_2_and_deletes_nothing(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/a.md": md("title: A\ndate: 2019-11-08")}, config_text())
    before = snapshot(site)
    run = run_cli("build", "--site", str(site), "--output", str(site / "content"))
    assert run.code == 2 and "content" in run.err
    assert snapshot(site) == before


def test_new_creates_a_dated_bundle_and_refuses_to_overwrite(tmp_path):
    site = write_site(tmp_path / "site", {}, config_text())
    zone = ZoneInfo("Asia/Makassar")
    before = dt.datetime.now(zone).replace(second=0, microsecond=0)
    run = run_cli("new", "--site", str(site), "Judul Berita: Rapat \"Pleno\"")
    after = dt.datetime.now(zone)
    assert run.code == 0, run.err
    year = before.year if (site / f"content/posts/{before.year}").exists() else after.year
    post = site / f"content/posts/{year}/judul-berita-rapat-pleno/index.md"
    assert post.is_file()
    assert f"content/posts/{year}/judul-berita-rapat-pleno/index.md" in run.out
    text = post.read_text(encoding="utf-8")
    written = re.search(r"^date: (.+)$", text, re.M).group(1)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", written)   # as the guide writes dates
    date = dt.datetime.fromisoformat(written).replace(tzinfo=zone)  # no offset: the site's zone (WITA)
    assert before <= date <= after
    assert "# gallery:" in text and "\ngallery: []" not in text    # a commented example, not a list to write under
    # The scaffold is a valid draft: it builds with --drafts and shows the title as typed.
    built = run_cli("build", "--site", str(site), "--drafts")
    assert built.code == 0, built.err
    page = next((site / "output").glob("*/*/*/judul-berita-rapat-pleno/index.html"))
    assert "<h1>Judul Berita: Rapat &#34;Pleno&#34;</h1>" in page.read_text(encoding="utf-8")

    # A second `new` with the same title must not touch the post.
    post.write_text(text + "\nSudah ditulis staf.\n", encoding="utf-8")
    again = run_cli("new", "--site", str(site), "Judul Berita: Rapat \"Pleno\"")
    assert again.code == 1
    assert "sudah ada" in again.err
    assert post.read_text(encoding="utf-8").endswith("Sudah ditulis staf.\n")


def test_new_names_a_post_whose_title_has_no_latin_letters(tmp_path):
    site = write_site(tmp_path / "site", {}, config_text())
    run = run_cli("new", "--site", str(site), "選挙")
    assert run.code == 0, run.err
    assert list((site / "content/posts").glob("*/xuanju/index.md"))


def test_new_names_the_folder_of_a_long_or_device_named_title_so_it_builds(tmp_path):
    """A pasted paragraph as the title was an internal error (File name too long); 'Con' made a folder the build
    then refused as one Windows cannot hold."""
    site = write_site(tmp_path / "site", {}, config_text())
    for title in ("Rapat koordinasi persiapan " * 20, "Con"):
        run = run_cli("new", "--site", str(site), title)
        assert run.code == 0, run.err
    folders = sorted(p.parent.name for p in (site / "content/posts").rglob("index.md"))
    assert folders[0] == "berita-con" and len(folders[1]) <= 80 and folders[1].startswith("rapat-koordinasi")
    built = run_cli("build", "--site", str(site), "--drafts")
    assert built.code == 0, built.err


def test_check_passes_on_a_good_site(tmp_path):
    site = copy_site("basic", tmp_path / "site")
    run = run_cli("check", "--site", str(site))
    assert run.code == 0, run.err
    assert "Semua isi sah" in run.out
    assert not (site / "output").exists()            # check writes nothing into the site


def test_check_leaves_the_builds_record_of_the_output_alone(tmp_path):
    """After build, check, build: the second build is still a no-op (check keeps its own build cache)."""
    site = copy_site("basic", tmp_path / "site")
    assert run_cli("build", "--site", str(site)).code == 0
    index = (site / ".cache" / "build-index.bin").read_bytes()
    assert run_cli("check", "--site", str(site)).code == 0
    assert (site / ".cache" / "build-index.bin").read_bytes() == index
    again = run_cli("build", "--site", str(site))
    assert again.code == 0 and "0 berkas ditulis" in again.out


def test_check_finds_a_broken_internal_link_and_names_the_page(tmp_path):
    site = copy_site("basic", tmp_path / "site")
    post = site / "content/posts/2019/sosialisasi-pemilih-pemula.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nLihat juga [jadwal](/tidak-ada/) dan [profil](/profil/).\n",
                    encoding="utf-8")
    run = run_cli("check", "--site", str(site))
    assert run.code == 1
    assert "2019/12/02/sosialisasi-pemilih-pemula/index.html: tautan rusak ke /tidak-ada/" in run.err
    assert "/profil/" not in run.err
    assert "1 tautan rusak" in run.err


def test_check_on_a_site_with_content_errors_exits_1(tmp_path):
    run = run_cli("check", "--site", str(copy_site("invalid/missing-title", tmp_path / "site")))
    assert run.code == 1 and "content/posts/2019/rapat.md:2: kolom 'title' wajib diisi" in run.err



# --- `new` with config values YAML would misread (issue 13) -----------------------------------------------------

import pytest  # noqa: E402

from generator.core.report import Problems  # noqa: E402
from generator.model import content  # noqa: E402


@pytest.mark.parametrize("category, author, title", [
    ("Berita: Terkini", "@humas_kpu", "Rapat"),
    ("#Pemilu2024", "Humas & Data", "Rapat: Pleno #1"),
    ("'Kutip'", '"Tim" \\ Humas', "- Daftar"),
    ("yes", "null", "[Judul] {x}"),
    ("*bintang", "!tag", "Judul\\tber-tab"),
])
def test_new_writes_config_values_and_the_title_quoted_so_the_post_is_valid(tmp_path, category, author, title):
    config = config_text().replace("  timezone: Asia/Makassar\n", "  timezone: Asia/Makassar\n"
                                   f"  category: {json_quoted(category)}\n  author: {json_quoted(author)}\n")
    site = write_site(tmp_path / "site", {}, config)
    run = run_cli("new", "--site", str(site), title)
    assert run.code == 0, run.err
    source = next((site / "content/posts").rglob("index.md"))
    problems = Problems()
    entry = content.load(site, Source("post", source, source.parent),
                         type("D", (), {"category": "x", "author": "x"})(), ZoneInfo("Asia/Makassar"), problems)
    assert problems.errors == [] and entry is not None
    assert (entry.category, entry.author, entry.title) == (category, author, title)
    built = run_cli("build", "--site", str(site), "--drafts")
    assert built.code == 0, built.err


def json_quoted(text):
    import json

    return json.dumps(text)


# --- a bug in the generator: its own exit code, a plain message naming the file (issue 13) -------------------------

def _bug_site(tmp_path):
    return write_site(tmp_path / "site", {"content/posts/a.md": md("title: A\ndate: 2019-11-08"),
                                          "content/posts/b.md": md("title: B\ndate: 2019-11-09")}, config_text())


def _fail_on(name):
    def fail(*args, **kwargs):
        if any(name in str(a) for a in args):
            raise RuntimeError("kondisi yang tidak terduga")
        return original(*args, **kwargs)
    from generator.model import content as module
    original = module.load
    return fail


@pytest.mark.parametrize("stage", ["content", "render", "model"])
def test_an_unexpected_error_exits_70_says_it_is_a_bug_and_names_the_file(tmp_path, monkeypatch, capsys, stage):
    from generator import cli
    from generator.model import routing
    from generator.render import pages

    site = _bug_site(tmp_path)
    if stage == "content":
        monkeypatch.setattr(content, "load", _fail_on("b.md"))
        where = "content/posts/b.md"
    elif stage == "render":
        original = pages.PageRenderer.render

        def render_fails(self, route):
            if route.source.endswith("b.md"):
                raise OSError(5, "Input/output error")
            return original(self, route)
        monkeypatch.setattr(pages.PageRenderer, "render", render_fails)
        where = "content/posts/b.md"
    else:
        monkeypatch.setattr(routing, "routes", lambda site: 1 / 0)
        where = str(site)
    code = cli.main(["build", "--site", str(site)])
    err = capsys.readouterr().err
    assert code == 70
    assert "bug" in err and f"Sedang memproses: {where}\n" in err and "Traceback" not in err
    assert not (site / "output").exists()


def test_expected_usage_errors_keep_their_codes(tmp_path):
    site = _bug_site(tmp_path)
    (tmp_path / "berkas").write_text("x")
    assert run_cli("build", "--site", str(site), "--output", str(tmp_path / "berkas")).code == 2
    bad = write_site(tmp_path / "rusak", {"content/posts/a.md": "tanpa front matter"}, config_text())
    assert run_cli("build", "--site", str(bad)).code == 1


def test_a_bug_in_a_worker_process_names_its_file_too(tmp_path, monkeypatch):
    """Enough posts for the forked workers: the error comes back from another process, still naming the file."""
    from generator.build import Options, build
    from generator.core.report import InternalError

    posts = {f"content/posts/p{n:03d}.md": md(f"title: P{n}\ndate: 2019-11-08") for n in range(80)}
    site = write_site(tmp_path / "site", posts, config_text())
    monkeypatch.setattr(content, "load", _fail_on("p077.md"))
    with pytest.raises(InternalError) as bug:
        build(Options(site, workers=2))
    assert bug.value.path == "content/posts/p077.md" and "RuntimeError" in bug.value.detail


@pytest.mark.parametrize("args, said", [
    (("bogus",), "pilihan 'bogus' untuk PERINTAH tidak dikenal. Yang ada: 'build'"),
    (("build", "--bogus"), "pilihan atau argumen ini tidak dikenal: --bogus."),
    (("serve", "--port", "99999"), "--port: porta harus 0 sampai 65535, bukan 99999."),
    (("serve", "--port", "delapan"), "--port: porta harus berupa angka 0 sampai 65535, bukan 'delapan'."),
    (("publish", "--rollback", "dua"), "--rollback harus berupa angka, bukan 'dua'."),
    (("new",), "yang ini wajib diisi: JUDUL."),
])
def test_a_mistyped_command_line_is_answered_in_indonesian(args, said):
    """The trial: argparse's own English ('error: unrecognized arguments', 'usage:') reached staff, and
    `serve --port 99999` served on some other port without a word."""
    run = run_cli(*args)
    assert run.code == 2
    assert said in run.err and "galat:" in run.err and "Cara pakai:" in run.err, run.err
    assert "error:" not in run.err and "usage:" not in run.err
