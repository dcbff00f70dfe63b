"""config.yaml: the closed, typed schema and its line-numbered messages."""

from __future__ import annotations

import textwrap

import pytest

from generator.core.report import Problems
from generator.model import config as config_module
from tests.conftest import MINIMAL_CONFIG

pytestmark = pytest.mark.quick


def load(tmp_path, text: str):
    path = tmp_path / "config.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    problems = Problems()
    return config_module.load(path, problems), [str(p) for p in problems]


def test_minimal_spec_config_is_accepted_as_is(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG)
    assert problems == []
    assert config.site.title == "KPU Provinsi Kalimantan Utara"
    assert config.site.timezone == "Asia/Makassar"
    assert config.base_path == "/"
    assert config.origin == "https://kaltara.kpu.go.id"
    # Defaults that match WordPress permalinks, so that a migrated site keeps its addresses.
    assert config.permalinks.post == "/{year}/{month}/{day}/{slug}/"


def test_full_config_with_every_section(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + """\
permalinks:
  post: /berita/{year}/{slug}/
listing:
  per_page: 7
menu:
  - title: Profil
    url: /profil/
contact:
  phone: (0552) 2021 234
social:
  - name: Facebook
    url: https://www.facebook.com/kpukaltara
photos:
  webp: false
""")
    assert problems == []
    assert config.permalinks.post == "/berita/{year}/{slug}/"
    assert config.listing.per_page == 7
    assert config.menu[0].title == "Profil" and config.menu[0].url == "/profil/"
    assert config.contact.phone == "(0552) 2021 234"
    assert config.social[0].name == "Facebook"
    assert config.photos.webp is False


def test_sub_path_base_url(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG.replace("https://kaltara.kpu.go.id/", "https://host/kpu-kaltara"))
    assert problems == []
    assert config.base_path == "/kpu-kaltara/"
    assert config.origin == "https://host"


def test_unknown_key_names_key_closest_valid_one_and_line(tmp_path):
    config, problems = load(tmp_path, """\
        site:
          title: KPU Provinsi Kalimantan Utara
          base_url: https://kaltara.kpu.go.id/
          timezon: Asia/Makassar
        """)
    assert config is None
    assert len(problems) == 1
    assert problems[0].startswith("config.yaml:4: ")
    assert "'timezon'" in problems[0] and "'timezone'" in problems[0]


def test_unknown_top_level_section(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "permalink:\n  post: /{slug}/\n")
    assert config is None
    assert problems[0].startswith("config.yaml:6: ")
    assert "'permalink'" in problems[0] and "'permalinks'" in problems[0]


@pytest.mark.parametrize("text, line, meant", [
    ("layanan:\n  - {title: PPID, url: https://ppid.kpu.go.id/}\n", 6, "services"),
    ("contact:\n  alamat: Jl. Candi Gebang 1\n  telepon: (0274) 868\n", 7, "address"),
    ("services:\n  - judul: PPID\n    alamat: https://ppid.kpu.go.id/\n    keterangan: Permohonan\n", 7, "title"),
    ("services:\n  - title: PPID\n    alamat: https://ppid.kpu.go.id/\n", 8, "url"),
    ("theme:\n  warna: '#1d4e89'\n", 7, "color"),
])
def test_a_setting_written_in_indonesian_names_the_setting_meant(tmp_path, text, line, meant):
    config, problems = load(tmp_path, MINIMAL_CONFIG + text)
    assert config is None
    assert any(p.startswith(f"config.yaml:{line}: ") and f"Mungkin maksudnya '{meant}'?" in p for p in problems), problems


def test_a_colour_without_quotes_says_that_the_hash_starts_a_comment(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "theme:\n  color: #1d4e89\n")
    assert config is None and problems[0].startswith("config.yaml:7: ") and 'color: "#1d4e89"' in problems[0], problems


def test_unknown_key_without_close_match_lists_valid_keys(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "listing:\n  zzz: 3\n")
    assert config is None
    assert problems[0].startswith("config.yaml:7: ")
    assert "'zzz'" in problems[0] and "per_page" in problems[0]


def test_wrong_type_names_key_expected_type_value_and_line(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "listing:\n  per_page: sepuluh\n")
    assert config is None
    assert len(problems) == 1
    message = problems[0]
    assert message.startswith("config.yaml:7: ")
    assert "listing.per_page" in message
    assert "bilangan bulat" in message          # expected type
    assert "'sepuluh'" in message               # value found


def test_wrong_type_for_list_and_section(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "menu: Profil\ncontact: humas@kpu.go.id\n")
    assert config is None
    assert any(p.startswith("config.yaml:6: ") and "'menu'" in p and "daftar" in p and "'Profil'" in p for p in problems)
    assert any(p.startswith("config.yaml:7: ") and "'contact'" in p and "'humas@kpu.go.id'" in p for p in problems)


def test_bool_is_not_an_integer(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "listing:\n  per_page: true\n")
    assert config is None
    assert problems[0].startswith("config.yaml:7: ") and "bilangan bulat" in problems[0]


def test_missing_required_setting(tmp_path):
    config, problems = load(tmp_path, "site:\n  title: KPU\n")
    assert config is None
    assert any("site.base_url" in p and "wajib" in p for p in problems)


def test_missing_file(tmp_path):
    problems = Problems()
    assert config_module.load(tmp_path / "config.yaml", problems) is None
    assert "config.yaml" in str(problems[0]) and "tidak ditemukan" in str(problems[0])


def test_yaml_syntax_error_has_its_line(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "listing:\n\tper_page: 3\n")
    assert config is None
    assert problems[0].startswith("config.yaml:7: ") and "Tab" in problems[0]


def test_duplicate_key_is_an_error(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "  title: Lagi\n")
    assert config is None
    assert problems[0].startswith("config.yaml:6: ") and "'title'" in problems[0] and "dua kali" in problems[0]


@pytest.mark.parametrize("zone", ["Asia/Makasar", "WITA", "Mars/Olympus"])
def test_bad_timezone(tmp_path, zone):
    config, problems = load(tmp_path, MINIMAL_CONFIG.replace("Asia/Makassar", zone))
    assert config is None
    assert problems[0].startswith("config.yaml:5: ")
    assert zone in problems[0] and "Asia/Makassar" in problems[0]   # the fix names the real zones


@pytest.mark.parametrize("url", ["kaltara.kpu.go.id", "ftp://kaltara.kpu.go.id/", "https://"])
def test_bad_base_url(tmp_path, url):
    config, problems = load(tmp_path, MINIMAL_CONFIG.replace("https://kaltara.kpu.go.id/", url))
    assert config is None
    assert problems[0].startswith("config.yaml:3: ") and "base_url" in problems[0]


def test_bad_language(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG.replace("language: id", "language: bahasa"))
    assert config is None
    assert problems[0].startswith("config.yaml:4: ") and "'bahasa'" in problems[0]


def test_unknown_permalink_placeholder(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "permalinks:\n  post: /{tahun}/{slug}/\n")
    assert config is None
    assert problems[0].startswith("config.yaml:7: ")
    assert "{tahun}" in problems[0] and "{year}" in problems[0]    # names the bad one and the allowed ones


@pytest.mark.parametrize("pattern, words", [
    ("berita/{slug}/", "'/'"),
    ("/berita/{slug}", "'/'"),
    ("/../{slug}/", "'..'"),
    ("/berita/{year}/", "{slug}"),
])
def test_bad_permalink_patterns(tmp_path, pattern, words):
    config, problems = load(tmp_path, MINIMAL_CONFIG + f"permalinks:\n  post: \"{pattern}\"\n")
    assert config is None
    assert problems[0].startswith("config.yaml:7: ") and words in problems[0]


def test_listing_sizes_must_be_positive(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "listing:\n  per_page: 0\n")
    assert config is None
    assert problems[0].startswith("config.yaml:7: ") and "per_page" in problems[0]


def test_all_config_errors_are_reported_together(tmp_path):
    config, problems = load(tmp_path, """\
        site:
          title: KPU
          base_url: kaltara
          language: id
          timezone: Asia/Nowhere
          tagline: [a, b]
        listing:
          per_page: banyak
        """)
    assert config is None
    lines = sorted(int(p.split(":")[1]) for p in problems)
    assert lines == [3, 5, 6, 8]


# --- values that used to be accepted silently, or crashed (issue 13) ---------------------------------------------

@pytest.mark.parametrize("url, words", [
    ("https://kaltara.kpu.go.id/?p=1", "'?'"),
    ("https://kaltara.kpu.go.id/?", "'?'"),
    ("https://kaltara.kpu.go.id/#atas", "'#'"),
    ("https://kaltara.kpu.go.id/kpu kaltara/", "spasi"),
    ("'https://kaltara.kpu.go.id /'", "spasi"),
    ("https://kaltara.kpu.go.id:99999/", "porta"),
    ("https://kaltara.kpu.go.id:0/", "porta 0"),
    ("https://kaltara.kpu.go.id:http/", "porta"),
    ("'http://[::1/'", "tidak bisa dibaca"),
    ("https://admin:rahasia@kaltara.kpu.go.id/", "kata sandi"),
    ("https://:8080/", "nama host"),
])
def test_base_url_that_no_browser_could_use_is_an_error_naming_the_key(tmp_path, url, words):
    config, problems = load(tmp_path, MINIMAL_CONFIG.replace("https://kaltara.kpu.go.id/", url))
    assert config is None
    assert len(problems) == 1
    assert problems[0].startswith("config.yaml:3: 'site.base_url'") and words in problems[0]


@pytest.mark.parametrize("url", ["https://kaltara.kpu.go.id/", "http://localhost:8080/kpu-kaltara/",
                                 "https://[2001:db8::1]:8443/", "https://kpu.go.id/kaltara"])
def test_ordinary_base_urls_are_accepted(tmp_path, url):
    config, problems = load(tmp_path, MINIMAL_CONFIG.replace("https://kaltara.kpu.go.id/", url))
    assert config is not None and problems == []


@pytest.mark.parametrize("title", ['""', "'   '", "' '"])
def test_empty_site_title_is_an_error(tmp_path, title):
    config, problems = load(tmp_path, MINIMAL_CONFIG.replace("KPU Provinsi Kalimantan Utara", title))
    assert config is None
    assert problems[0].startswith("config.yaml:2: 'site.title' kosong")


@pytest.mark.parametrize("language", ["root", "und", "und_ID", "'123'"])
def test_language_that_is_no_language_is_an_error(tmp_path, language):
    config, problems = load(tmp_path, MINIMAL_CONFIG.replace("language: id", f"language: {language}"))
    assert config is None
    assert problems[0].startswith("config.yaml:4: ") and "bahasa" in problems[0]


@pytest.mark.parametrize("name", ["post", "page", "category", "tag", "archive", "gallery"])
def test_dot_dot_in_any_permalink_names_the_real_problem(tmp_path, name):
    pattern = {"archive": "/{year}/../{month}/"}.get(name, "/../{slug}/")
    config, problems = load(tmp_path, MINIMAL_CONFIG + f"permalinks:\n  {name}: \"{pattern}\"\n")
    assert config is None
    assert "'..'" in problems[0] and "harus diawali" not in problems[0]


@pytest.mark.parametrize("data", ["site:\n  title: KPU Sulawesi Utara \xe9\n".encode("latin-1"),
                                  b"\xff\xfes\x00i\x00t\x00e\x00", "site:\n  title: a\n".encode("utf-16")])
def test_config_not_in_utf8_is_an_error_with_its_line(tmp_path, data):
    path = tmp_path / "config.yaml"
    path.write_bytes(data)
    problems = Problems()
    assert config_module.load(path, problems) is None
    assert "UTF-8" in str(problems[0]) and str(problems[0]).startswith("config.yaml:")


def test_config_not_in_utf8_gives_no_traceback(tmp_path):
    from tests.conftest import run_cli

    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "config.yaml").write_bytes("site:\n  title: Pemilu \xb2\n  base_url: https://a.id/\n".encode("latin-1"))
    for command in ("build", "check", "new"):
        ran = run_cli(command, "--site", str(site), *(["Judul"] if command == "new" else []))
        assert ran.code == 1 and "config.yaml:2: config.yaml bukan teks UTF-8" in ran.err, ran.err
        assert "Traceback" not in ran.err


def test_publish_targets_keep_their_order_and_defaults(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + """\
publish:
  utama:
    type: sftp
    host: kaltara.kpu.go.id
    user: humas
    path: /var/www/html
  cadangan:
    type: folder
    path: /media/cadangan
""")
    assert problems == []
    assert list(config.publish) == ["utama", "cadangan"]
    assert config.publish["utama"].max_deletes == 100 and config.publish["utama"].port == 0
    assert config.publish["cadangan"].type == "folder"


@pytest.mark.parametrize("key", ["password", "Password", "secret", "token", "passphrase"])
def test_publish_refuses_secrets_and_says_where_credentials_go(tmp_path, key):
    config, problems = load(tmp_path, MINIMAL_CONFIG + f"""\
publish:
  utama:
    type: ftps
    host: ftp.example.id
    path: /public_html
    {key}: rahasia
""")
    assert config is None
    assert len(problems) == 1
    assert problems[0].startswith(f"config.yaml:11: 'publish.utama.{key}'")
    assert "PUBLISH_PASSWORD" in problems[0] and "kunci SSH" in problems[0] and "rahasia" not in problems[0]


@pytest.mark.parametrize("target, words", [
    ("type: scp\n    path: /x", "'publish.utama.type' tidak dikenal: 'scp'"),
    ("type: sftp\n    path: /x", "'publish.utama.host' wajib diisi"),
    ("type: folder", "'publish.utama.path' wajib diisi"),
    ("type: ftp\n    host: h\n    path: /x", "FTP biasa mengirim sandi tanpa enkripsi"),
    ("type: sftp\n    host: h\n    path: /x\n    port: 70000", "'publish.utama.port' harus antara"),
    ("type: folder\n    path: /x\n    max_deletes: -1", "tidak boleh negatif"),
    ("type: folder\n    pth: /x", "pengaturan 'pth' tidak dikenal di 'publish.utama'. Mungkin maksudnya 'path'?"),
])
def test_bad_publish_targets(tmp_path, target, words):
    config, problems = load(tmp_path, MINIMAL_CONFIG + f"publish:\n  utama:\n    {target}\n")
    assert config is None
    assert any(words in p and p.startswith("config.yaml:") for p in problems), problems


def test_publish_must_be_a_mapping_of_targets(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "publish:\n  - type: folder\n")
    assert config is None and "'publish' harus berupa kumpulan 'nama: nilai'" in problems[0]

# --- permalink patterns that cannot be served, crash, or make two kinds of page share addresses ---------------

@pytest.mark.parametrize("pattern, words", [
    ("/{slug/", "tidak berpasangan"),
    ("/{year}/{slug}}/", "tidak berpasangan"),
    ("/{}/{slug}/", "'{}'"),
    ("/{0}/{slug}/", "{0}"),
    ("/{slug.upper}/", "'{slug.upper}'"),
    ("/{slug[0]}/{slug}/", "'{slug[0]}'"),
    ("/{slug:>10}/", "'{slug:>10}'"),
    ("/{slug!r}/", "'{slug!r}'"),
    ("/{judul}/{slug}/", "{judul}"),
    ("/berita%20lama/{slug}/", "kode persen"),
    ("/%7Bslug%7D/{slug}/", "kode persen"),
    ("/?p={slug}/", "'?'"),
    ("/berita/#{slug}/", "'#'"),
    ("/berita lama/{slug}/", "' '"),
    ("/berita\\\\lama/{slug}/", "tidak bisa dipakai"),
    ("/{{slug}}/{slug}/", "'{'"),
    ("/./{slug}/", "'..' atau '.'"),
    ("/berita//{slug}/", "'//'"),
    ("/{year}/{month}/{slug}", "diakhiri '/'"),
])
def test_malformed_post_patterns_name_the_key_and_the_problem(tmp_path, pattern, words):
    config, problems = load(tmp_path, MINIMAL_CONFIG + f"permalinks:\n  post: \"{pattern}\"\n")
    assert config is None and len(problems) == 1
    assert problems[0].startswith("config.yaml:7: pola alamat 'permalinks.post'") and words in problems[0], problems


@pytest.mark.parametrize("key, pattern, words", [
    ("archive", "/{year}/", "{month}"),
    ("archive", "/arsip/{month}/", "{year}"),
    ("archive", "/arsip/", "{month} dan {year}"),
    ("tag", "/tag/", "{slug}"),
    ("category", "/kategori/{year}/", "{year}"),
    ("gallery", "/galeri/{category}/", "{category}"),
    ("page", "/{slug}/{year}/", "{year}"),
])
def test_each_pattern_needs_what_makes_its_addresses_differ(tmp_path, key, pattern, words):
    config, problems = load(tmp_path, MINIMAL_CONFIG + f"permalinks:\n  {key}: \"{pattern}\"\n")
    assert config is None and len(problems) == 1
    assert problems[0].startswith(f"config.yaml:7: pola alamat 'permalinks.{key}'") and words in problems[0]


@pytest.mark.parametrize("first, second", [("category", "tag"), ("tag", "gallery"), ("page", "category"),
                                           ("post", "gallery")])
def test_two_kinds_of_page_with_one_pattern_name_both_keys(tmp_path, first, second):
    pattern = "/{year}/{month}/{day}/{slug}/" if first == "post" else "/x/{slug}/"
    config, problems = load(tmp_path, MINIMAL_CONFIG + f"permalinks:\n  {first}: \"{pattern}\"\n  {second}: \"{pattern}\"\n")
    assert config is None and len(problems) == 1
    assert problems[0].startswith(f"config.yaml:8: pola alamat 'permalinks.{second}'")
    assert f"'permalinks.{first}'" in problems[0]


def test_post_and_page_may_share_the_wordpress_pattern(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "permalinks:\n  post: /{slug}/\n  page: /{slug}/\n")
    assert problems == [] and config.permalinks.post == config.permalinks.page == "/{slug}/"


def test_servable_patterns_are_accepted(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "permalinks:\n  post: /berita_lama/{year}.{month}/~{slug}-x/\n"
                            "  archive: /arsip/{year}-{month}/\n  category: /k/{slug}/\n  tag: /T/{slug}/\n")
    assert problems == []


# --- control characters and deep nesting in config.yaml ------------------------------------------------------

@pytest.mark.parametrize("escape", ["\\x01", "\\0", "\\uFFFE", "\\x9b"])
def test_control_characters_in_config_are_refused_with_their_line(tmp_path, escape):
    config, problems = load(tmp_path, MINIMAL_CONFIG + f"contact:\n  address: \"Jl. Sengkawit{escape}\"\n")
    assert config is None and len(problems) == 1
    assert problems[0].startswith("config.yaml:7: 'contact.address'") and "karakter kendali" in problems[0]


def test_a_raw_control_character_in_config_names_its_line(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "contact:\n  address: Jl.\x02 Sengkawit\n")
    assert config is None and problems[0].startswith("config.yaml:7: ") and "U+0002" in problems[0]


def test_deeply_nested_config_is_refused(tmp_path):
    config, problems = load(tmp_path, MINIMAL_CONFIG + "menu: " + "[" * 3000 + "]" * 3000 + "\n")
    assert config is None and problems[0].startswith("config.yaml:6: ") and "terlalu dalam" in problems[0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:x", "vbscript:x", "data:text/html,<b>x</b>"])
def test_menu_and_social_links_that_run_script_are_dropped_with_a_warning(tmp_path, url):
    config, problems = load(tmp_path, MINIMAL_CONFIG + f"menu:\n  - {{title: Profil, url: /profil/}}\n"
                            f"  - {{title: Jahat, url: \"{url}\"}}\nsocial:\n  - {{name: Facebook, url: \"{url}\"}}\n"
                            "  - {name: X, url: https://x.com/kpu}\n")
    assert [m.title for m in config.menu] == ["Profil"] and [s.name for s in config.social] == ["X"]
    assert len(problems) == 2 and all("peringatan" in p for p in problems)
    assert problems[0].startswith("config.yaml:8: ") and problems[1].startswith("config.yaml:10: ")
