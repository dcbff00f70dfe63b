"""Templates: Indonesian dates and numbers through Babel, time zone names, URLs, strictness and escaping."""

from __future__ import annotations

import datetime as dt
import shutil
from zoneinfo import ZoneInfo

import pytest

from generator.model.config import Config, SiteSettings
from generator.model.theme import THEME_DIR
from generator.render import pages
from tests.conftest import build_errors, build_site, config_text, md, write_site

pytestmark = pytest.mark.quick


def env(timezone: str = "Asia/Makassar", base_url: str = "https://kaltara.kpu.go.id/", language: str = "id"):
    config = Config(SiteSettings(title="KPU", base_url=base_url, timezone=timezone, language=language))
    return pages.environment(THEME_DIR, config)


def show(source: str, environment=None, **values) -> str:
    return (environment or env()).from_string(source).render(**values)


NOV8 = dt.datetime(2019, 11, 8, 20, 0, tzinfo=ZoneInfo("Asia/Makassar"))


def test_indonesian_date():
    assert show("{{ d | tanggal }}", d=NOV8) == "Jumat, 8 November 2019"
    assert show("{{ d | tanggal_pendek }}", d=NOV8) == "8 Nov 2019"
    assert show("{{ d | bulan }}", d=NOV8) == "November 2019"


@pytest.mark.parametrize("zone, text", [("Asia/Makassar", "20.00 WITA"), ("Asia/Jakarta", "19.00 WIB"),
                                        ("Asia/Jayapura", "21.00 WIT")])
def test_time_with_the_zone_of_the_site(zone, text):
    assert show("{{ d | jam }}", env(zone), d=NOV8) == text


def test_date_is_shown_in_the_site_zone():
    late = dt.datetime(2019, 11, 8, 23, 30, tzinfo=ZoneInfo("Asia/Jakarta"))   # already Saturday in WITA
    assert show("{{ d | tanggal }}, {{ d | jam }}", d=late) == "Sabtu, 9 November 2019, 00.30 WITA"


def test_numbers():
    assert show("{{ n | angka }} kali dilihat", n=1234) == "1.234 kali dilihat"
    assert show("{{ n | angka }} kali dilihat", n=117) == "117 kali dilihat"
    assert show("{{ n | angka }}", n=1234567) == "1.234.567"


def test_language_from_config():
    assert show("{{ d | tanggal }}", env(language="en"), d=NOV8) == "Friday, 8 November 2019"


def test_machine_dates():
    assert show("{{ d | iso }}", d=NOV8) == "2019-11-08T20:00:00+08:00"
    assert show("{{ d | rfc822 }}", d=NOV8) == "Fri, 08 Nov 2019 20:00:00 +0800"


def test_urls_honour_the_base_path():
    sub = env(base_url="https://host/kpu-kaltara/")
    assert show("{{ url('/profil/') }} {{ '/a/' | url }}", sub) == "/kpu-kaltara/profil/ /kpu-kaltara/a/"
    assert show("{{ abs_url('/feed.xml') }}", sub) == "https://host/kpu-kaltara/feed.xml"
    assert show("{{ url('https://kpu.go.id/') }} {{ url('#isi') }} {{ url('mailto:a@b.id') }}", sub) == \
        "https://kpu.go.id/ #isi mailto:a@b.id"
    assert show("{{ url('/') }}", env()) == "/"


def test_autoescape_is_on():
    assert show("{{ t }}", t="<script>alert(1)</script> & co") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    assert show("{{ v | json }}", v={"a": "</script>"}) == '{"a": "\\u003c/script\\u003e"}'


def test_undefined_variables_are_errors():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        show("{{ tidak_ada }}")


def theme_copy(site):
    shutil.copytree(THEME_DIR, site / "templates")
    return site / "templates"


POST = {"content/posts/2019/rapat.md": md("title: Rapat\ndate: 2019-11-08 20:00\nviews: 1234")}


def test_undefined_variable_fails_the_build_with_template_and_line(tmp_path):
    site = write_site(tmp_path / "site", POST, config_text())
    templates = theme_copy(site)
    (templates / "page.html").write_text("{% extends 'base.html' %}\n{% set page_title = post.title %}\n"
                                         "{% block main %}\n<p>{{ post.judul_salah }}</p>\n{% endblock %}\n", encoding="utf-8")
    (site / "content/pages").mkdir()
    (site / "content/pages/profil.md").write_text(md("title: Profil"), encoding="utf-8")
    errors = build_errors(site)
    assert len(errors) == 1
    assert errors[0].startswith("templates/page.html:4: gagal membuat halaman /profil/")
    assert "judul_salah" in errors[0]


def test_undefined_name_in_a_base_template(tmp_path):
    site = write_site(tmp_path / "site", POST, config_text())
    base = theme_copy(site) / "base.html"
    lines = base.read_text(encoding="utf-8").split("\n")
    lines.insert(2, "{{ nama_situs }}")
    base.write_text("\n".join(lines), encoding="utf-8")
    errors = build_errors(site)
    assert errors[0].startswith("templates/base.html:3: ") and "nama_situs" in errors[0]


def test_template_syntax_error_names_file_and_line(tmp_path):
    site = write_site(tmp_path / "site", POST, config_text())
    (theme_copy(site) / "post.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{{ post.title }\n"
                                                "{% endblock %}\n", encoding="utf-8")
    errors = build_errors(site)
    assert len(errors) == 1 and errors[0].startswith("templates/post.html:3: template tidak sah")


def test_missing_template(tmp_path):
    site = write_site(tmp_path / "site", POST, config_text())
    (site / "templates").mkdir()
    (site / "templates/post.html").write_text('{% include "sisipan-tidak-ada.html" %}\n', encoding="utf-8")
    errors = build_errors(site)
    assert errors[0].startswith("templates/sisipan-tidak-ada.html: template tidak ditemukan")


def test_a_template_missing_from_the_site_copy_comes_from_the_built_in_theme(tmp_path):
    site = write_site(tmp_path / "site", POST, config_text())
    (theme_copy(site) / "post.html").unlink()
    build_site(site)
    assert "1.234 kali dilihat" in (site / "output/2019/11/08/rapat/index.html").read_text(encoding="utf-8")


def test_post_page_shows_indonesian_date_time_and_views(tmp_path):
    site = write_site(tmp_path / "site", POST, config_text())
    build_site(site)
    page = (site / "output/2019/11/08/rapat/index.html").read_text(encoding="utf-8")
    assert "Jumat, 8 November 2019, 20.00 WITA" in page
    assert "1.234 kali dilihat" in page


def test_post_page_in_wib_and_wit(tmp_path):
    for zone, label in (("Asia/Jakarta", "20.00 WIB"), ("Asia/Jayapura", "20.00 WIT")):
        site = write_site(tmp_path / zone.replace("/", "-"), POST, config_text(timezone=zone))
        build_site(site)
        assert f"Jumat, 8 November 2019, {label}" in (site / "output/2019/11/08/rapat/index.html").read_text(encoding="utf-8")


def test_date_only_post_shows_no_time(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/a.md": md("title: A\ndate: 2019-11-08")}, config_text())
    build_site(site)
    page = (site / "output/2019/11/08/a/index.html").read_text(encoding="utf-8")
    assert "Jumat, 8 November 2019</time>" in page and "WITA" not in page.split("<main")[1].split("</header>")[0]


def test_titles_are_escaped_in_pages_and_feeds(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/a.md": md('title: "Rapat <b>&</b> Sosialisasi"\ndate: 2019-11-08')},
                      config_text())
    build_site(site)
    page = (site / "output/2019/11/08/a/index.html").read_text(encoding="utf-8")
    assert "<h1>Rapat &lt;b&gt;&amp;&lt;/b&gt; Sosialisasi</h1>" in page
    assert "Rapat &lt;b&gt;&amp;&lt;/b&gt; Sosialisasi" in (site / "output/feed.xml").read_text(encoding="utf-8")


# --- JSON inside <script>: escaped as Jinja's tojson does -----------------------------------------------------

HOSTILE = ["<!--<script>", "</script><p>x", "</SCRIPT >", "<!-- -->", "a & b", "it's", "\"q\"", "\u2028\u2029",
           "<![CDATA[", "]]>", "<\\/script>", "<!--", "-->"]


@pytest.mark.parametrize("text", HOSTILE)
def test_json_filter_escapes_what_the_html_parser_reads_in_a_script(text):
    import json

    written = show("{{ v | json }}", v={"t": text, "list": [text]})
    assert not any(c in written for c in "<>&'")
    assert json.loads(written) == {"t": text, "list": [text]}


def test_json_filter_is_safe_markup_and_keeps_non_ascii_readable():
    assert show("{{ v | json }}", v="Rapat Koordinasi — Tarakan") == '"Rapat Koordinasi — Tarakan"'


def script_data(page: str) -> list[str]:
    """The text of each inline <script> element (not those loading a file) as the HTML parser sees it."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Scripts(HTMLParser):
        inside = False

        def handle_starttag(self, tag, attrs):
            if tag == "script" and not dict(attrs).get("src"):
                self.inside = True
                found.append("")

        def handle_endtag(self, tag):
            if tag == "script":
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                found[-1] += data

    Scripts().feed(page)
    return found


@pytest.mark.parametrize("field", ["title", "author", "summary", "category", "tags"])
def test_text_in_json_ld_cannot_swallow_the_post_page(tmp_path, field):
    import json

    hostile = "<!--<script>&'x</script>"
    value = f"[{json.dumps(hostile)}]" if field == "tags" else json.dumps(hostile)
    front = f"title: Judul\ndate: 2020-01-01\n{field}: {value}" if field != "title" else f"title: {value}\ndate: 2020-01-01"
    site = write_site(tmp_path / "site", {"content/posts/a.md": md(front, "Isi berita yang tampil.\n")})
    build_site(site, search=False)
    page = (site / "output/2020/01/01/a/index.html").read_text(encoding="utf-8")
    scripts = script_data(page)
    article = json.loads(scripts[0])
    shown = {"title": article["headline"], "author": article["author"][0]["name"], "summary": article["description"],
             "category": article["articleSection"], "tags": (article.get("keywords") or [""])[0]}
    assert shown[field] == hostile
    assert "Isi berita yang tampil." in page.split("</script>", 1)[1]
    assert len(scripts) == 1
