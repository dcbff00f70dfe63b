"""The desk's pieces without a browser: the posted form read into the store's Form, and publishing from the desk
(progress, messages, the record of the last publish) to a real folder target."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from starlette.datastructures import FormData

from generator.desk import formdata, publishing, store
from tests.conftest import build_site, news_site

pytestmark = pytest.mark.quick


def test_the_posted_form_becomes_the_stores_form_in_the_order_shown():
    posted = FormData([
        ("key", "content/posts/2024/rapat/index.md"), ("version", "abc"), ("jenis", "post"),
        ("judul", "Rapat Pleno"), ("tanggal", "2024-05-17T09:30"), ("kategori", " Berita "),
        ("tag", "pemilu, rapat ,, pleno\nkpu"), ("isi", "Baris satu\r\nBaris dua\r\n"),
        ("foto", "b.jpg"), ("keterangan", "Foto B"), ("alt", ""), ("foto", "a.jpg"), ("keterangan", ""),
        ("alt", "Alt A"), ("sampul", "a.jpg"), ("lampiran", "surat.pdf"), ("lampiran_judul", "Surat"),
        ("youtube", "https://youtu.be/abcdefghijk\r\n\r\n"), ("status", "jadwal")])
    form, submit = formdata.form_of(posted)
    assert submit == formdata.Posted("content/posts/2024/rapat/index.md", "abc", False)
    assert (form.title, form.date, form.category) == ("Rapat Pleno", "2024-05-17 09:30", "Berita")
    assert form.tags == ["pemilu", "rapat", "pleno", "kpu"]
    assert form.body == "Baris satu\nBaris dua\n"
    # fields the form did not send (a tab opened before they came): None, the file's own values stay
    assert form.photos == [store.Photo("b.jpg", "Foto B", "", None), store.Photo("a.jpg", "", "Alt A", None)]
    assert (form.menu, form.pinned_until, form.cover_hidden) == (None, None, None)
    assert form.cover == "a.jpg"
    assert form.attachments == [store.Attachment("surat.pdf", "Surat", None, None, None, None, None)]
    assert form.youtube == ["https://youtu.be/abcdefghijk"] and form.status == "jadwal"


def test_the_credit_the_lead_story_date_and_the_hidden_cover_are_read_from_the_form():
    posted = FormData([("foto", "b.jpg"), ("keterangan", ""), ("alt", ""), ("kredit", " Humas KPU "),
                       ("foto", "a.jpg"), ("keterangan", ""), ("alt", ""), ("kredit", ""),
                       ("utama_sampai", " 2024-12-31 "), ("sampul_sembunyi_ada", "1"), ("sampul_sembunyi", "1"),
                       ("menu", "2")])
    form, _ = formdata.form_of(posted)
    assert [p.credit for p in form.photos] == [" Humas KPU ", ""]
    assert (form.pinned_until, form.cover_hidden, form.menu) == ("2024-12-31", True, "2")
    form, _ = formdata.form_of(FormData([("sampul_sembunyi_ada", "1"), ("utama_sampai", "")]))
    assert (form.pinned_until, form.cover_hidden) == ("", False), "sent empty: the person emptied them"


@pytest.mark.parametrize("status, kind", [("terbit", "page"), ("hapus", "lain"), ("", "")])
def test_unknown_choices_fall_back_to_a_draft_post(status, kind):
    form, submit = formdata.form_of(FormData([("status", status), ("jenis", kind), ("paksa", "1")]))
    assert form.status == (status if status == "terbit" else "draf")
    assert form.kind == (kind if kind == "page" else "post")
    assert submit.key is None and submit.version is None and submit.force


def test_a_summary_typed_on_two_lines_keeps_no_carriage_return():
    """The trial: Enter in Ringkasan wrote 'summary: "Ringkasan dengan\\r\\nbaris baru"' (browsers send CRLF)."""
    form, _ = formdata.form_of(FormData([("ringkasan", "Ringkasan dengan\r\nbaris baru.")]))
    assert form.summary == "Ringkasan dengan\nbaris baru."


def test_publishing_from_the_desk_counts_the_files_and_remembers_when(tmp_path):
    target = tmp_path / "terbit"
    site = news_site(tmp_path / "site", f"publish:\n  cadangan:\n    type: folder\n    path: {target}\n")
    build_site(site)
    publisher = publishing.Publisher(site)
    assert publishing.last_published(site) is None
    before = dt.datetime.now(dt.timezone.utc)
    assert publisher.start()
    assert not publisher.start(), "one publish at a time"
    deadline = time.monotonic() + 120
    while publisher.job.running and time.monotonic() < deadline:
        time.sleep(0.05)
    job = publisher.job.view()
    assert job["code"] == 0 and job["total"] == job["sent"] > 0, job
    assert any("cadangan:" in line and "dikirim" in line for line in job["lines"])
    assert (target / "index.html").is_file()
    when = publishing.last_published(site)
    assert when is not None and when >= before - dt.timedelta(seconds=1)
    assert publishing.changed_since(site, when) == []
    post = next((site / "content" / "posts").rglob("index.md"))
    post.write_text(post.read_text(encoding="utf-8") + "\nTambahan.\n", encoding="utf-8")
    assert publishing.changed_since(site, when) == [post.relative_to(site).as_posix()]


def test_a_failed_publish_keeps_the_commands_sentence_and_no_record(tmp_path):
    site = news_site(tmp_path / "site", "publish:\n  cadangan:\n    type: folder\n    path: output/salinan\n")
    publisher = publishing.Publisher(site)
    publisher.start()
    deadline = time.monotonic() + 120
    while publisher.job.running and time.monotonic() < deadline:
        time.sleep(0.05)
    job = publisher.job.view()
    assert job["code"] == 1 and any("di dalam folder situs" in line for line in job["lines"]), job
    assert publishing.last_published(site) is None


def preview_of(site, key, text, memo):
    from generator.desk import livepreview

    photos = livepreview.PhotoLinks(site / "output", lambda name: f"/_redaksi/berkas/?nama={name}")
    return livepreview.preview(site, key, "post", text, memo, photos)


def test_the_live_preview_renders_unsaved_text_and_writes_nothing(tmp_path):
    from generator.desk import livepreview
    from tests.conftest import copy_site, snapshot

    site = copy_site("basic", tmp_path / "site")
    before = snapshot(site)
    memo = livepreview.SiteMemo()
    key = "content/posts/2020/rapat-pleno-terbuka.md"
    text = (site / key).read_text(encoding="utf-8").replace("Rapat pleno terbuka", "Rapat **pleno** diubah")
    made = preview_of(site, key, text, memo)
    assert made.problems == [] and "Rapat <strong>pleno</strong> diubah" in made.html
    assert "Pengumuman Seleksi Anggota PPK" in made.html, "the rest of the site (the sidebar) is there"
    broken = preview_of(site, None, "---\ntitle: Baru\ndate: kemarin\n---\n\nIsi.\n", memo)
    assert broken.html == "" and len(broken.problems) == 1 and "kemarin" in broken.problems[0]
    assert snapshot(site) == before


def test_a_post_nested_hundreds_deep_is_a_problem_and_the_other_posts_still_preview(tmp_path):
    """A saved post whose list sits 300 lists deep made the site model fail (RecursionError), so the live preview of
    every post answered 500; typing such a body answered 500 too. Both are a problem naming the line now."""
    from generator.desk import livepreview
    from tests.conftest import copy_site

    site = copy_site("basic", tmp_path / "site")
    deep = "".join("    " * level + "- butir\n" for level in range(300))
    (site / "content/posts/2020/dalam.md").write_text("---\ntitle: Dalam\ndate: 2020-01-02\n---\n\n" + deep,
                                                     encoding="utf-8")
    memo = livepreview.SiteMemo()
    key = "content/posts/2020/rapat-pleno-terbuka.md"
    made = preview_of(site, key, (site / key).read_text(encoding="utf-8"), memo)
    assert "Rapat pleno terbuka" in made.html, made.problems
    typed = preview_of(site, None, "---\ntitle: Baru\ndate: 2020-01-03\n---\n\n" + deep, memo)
    assert typed.html == "" and len(typed.problems) == 1 and "bertingkat" in typed.problems[0]


def test_the_live_preview_shows_a_typed_documents_number_and_status_as_the_site_does(tmp_path):
    from generator.desk import livepreview
    from tests.conftest import write_site

    sk = "  - {file: sk-%s.pdf, title: SK %s, jenis: Keputusan, nomor: %s Tahun 2024, tanggal: 2024-03-05, tentang: X%s}\n"
    files = {"content/posts/2024/lama/index.md": "---\ntitle: Lama\ndate: 2024-03-05\nattachments:\n"
                                                 + sk % (1, 1, 1, "") + "---\n\nIsi.\n",
             "content/posts/2024/baru/index.md": "---\ntitle: Baru\ndate: 2024-04-05\nattachments:\n"
                                                 + sk % (2, 2, 2, ", mencabut: 1 Tahun 2024") + "---\n\nIsi.\n",
             "content/posts/2024/lama/sk-1.pdf": b"%PDF-1.4\n", "content/posts/2024/baru/sk-2.pdf": b"%PDF-1.4\n"}
    site = write_site(tmp_path / "site", files)
    key = "content/posts/2024/lama/index.md"
    text = (site / key).read_text(encoding="utf-8").replace("Isi.", "Isi diubah.")
    made = preview_of(site, key, text, livepreview.SiteMemo())
    assert made.problems == [] and "Isi diubah." in made.html
    assert "Keputusan Nomor 1 Tahun 2024" in made.html and "Tidak Berlaku" in made.html and "dicabut oleh" in made.html
    text = text.replace("nomor: 1 Tahun 2024", "nomor: 3 Tahun 2024")       # a type the form has just set
    made = preview_of(site, key, text, livepreview.SiteMemo())
    assert "Keputusan Nomor 3 Tahun 2024" in made.html and "Tidak Berlaku" not in made.html, made.problems


class _Terminal:
    """A stdin that claims to be a terminal (the preview started from one) but must never be read by a publish."""

    def isatty(self) -> bool:
        return True

    def readline(self, *args) -> str:
        raise AssertionError("the desk's publish asked the terminal for a password")


def test_a_publish_from_the_desk_never_asks_the_servers_terminal_for_a_password(tmp_path, monkeypatch):
    from generator.publish.ftp import password_variables

    for variable in password_variables("kantor"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))          # no ~/.netrc
    monkeypatch.setattr("sys.stdin", _Terminal())
    site = news_site(tmp_path / "site", "publish:\n  kantor:\n    type: ftps\n    host: 127.0.0.1\n    port: 9\n"
                                        "    user: humas\n    path: /html\n")
    build_site(site)
    publisher = publishing.Publisher(site)
    publisher.start()
    deadline = time.monotonic() + 120
    while publisher.job.running and time.monotonic() < deadline:
        time.sleep(0.05)
    job = publisher.job.view()
    assert job["code"] == 1 and any(password_variables("kantor")[0] in line for line in job["lines"]), job


def test_the_posted_settings_form_becomes_settings_rows_and_all():
    from generator.desk import settings

    posted = FormData([
        ("version", "abc"), ("nama_kantor", " KPU Kota Tarakan "), ("slogan", ""), ("logo", "/assets/logo-kpu.png"),
        ("hapus_logo", "1"), ("layanan_judul", "PPID"), ("layanan_alamat", "https://ppid.kpu.go.id/"),
        ("layanan_keterangan", "Informasi\r\npublik"), ("layanan_judul", ""), ("layanan_alamat", ""),
        ("layanan_keterangan", ""), ("sosial_nama", "YouTube"), ("sosial_alamat", "https://youtube.com/@kpu"),
        ("rubrik", "Berita"), ("rubrik", " Pengumuman ")])
    found, version = formdata.settings_of(posted)
    assert version == "abc" and found.title == "KPU Kota Tarakan" and found.logo == "", "ticked: no logo"
    assert found.services == [settings.Link("PPID", "https://ppid.kpu.go.id/", "Informasi publik"), settings.Link()]
    assert found.social == [settings.Link("YouTube", "https://youtube.com/@kpu")] and found.menu_links == []
    assert found.sections == ["Berita", "Pengumuman"]


def test_a_settings_save_changes_only_the_lines_of_the_settings_changed_in_a_crlf_file_with_a_bom():
    from generator.desk import settings
    from generator.desk.frontmatter_edit import read

    text = ("\ufeff# Diatur petugas IT.\r\nsite:\r\n  title: KPU Lama   # nama kantor\r\n"
            "  base_url: https://kaltara.kpu.go.id/\r\nsocial:\r\n  - {name: Facebook, url: 'https://fb.com/kpu'}\r\n"
            "publish:\r\n  kantor: {type: folder, path: ../terbit}\r\n")
    shown = settings.settings_of(read(text.lstrip("\ufeff")))
    assert settings.text_for(text, shown) == text, "nothing changed: the text as it was"
    shown.title, shown.email = "KPU Baru", "humas@kpu.go.id"
    shown.social.append(settings.Link("X", "https://x.com/kpu"))
    assert settings.text_for(text, shown) == (
        "\ufeff# Diatur petugas IT.\r\nsite:\r\n  title: KPU Baru   # nama kantor\r\n"
        "  base_url: https://kaltara.kpu.go.id/\r\ncontact:\r\n  email: humas@kpu.go.id\r\nsocial:\r\n"
        "  - {name: Facebook, url: 'https://fb.com/kpu'}\r\n  - name: X\r\n    url: https://x.com/kpu\r\n"
        "publish:\r\n  kantor: {type: folder, path: ../terbit}\r\n")
