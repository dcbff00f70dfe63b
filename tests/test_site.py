"""The site model: what is published, in what order, under which URL, and what links to what."""

from __future__ import annotations

import pytest

from generator.build import Options, load_site
from generator.core.report import Problems
from generator.model import assembly, routing, urls
from tests.conftest import NOW, build_errors, build_site, config_text, make_photo, md, write_site

pytestmark = pytest.mark.quick


def model(tmp_path, files: dict, config: str | None = None, **options):
    site_dir = write_site(tmp_path / "site", files, config or config_text())
    problems = Problems()
    site = load_site(Options(site_dir, now=options.pop("now", NOW), **options), problems)
    assert problems.errors == []
    return site


def post(title: str, date: str, extra: str = "") -> str:
    return md(f"title: {title}\ndate: {date}\n{extra}")


POSTS = {
    "content/posts/2019/a.md": post("A", "2019-11-08 20:00", "category: Berita\ntags: [sosialisasi, pemilihan]"),
    "content/posts/2019/b.md": post("B", "2019-12-02", "category: Sosialisasi\ntags: [sosialisasi]"),
    "content/posts/2020/c.md": post("C", "2020-01-15 10:00", "category: Pengumuman\ntags: [pemilihan]\nviews: 50"),
    "content/posts/2020/d.md": post("D", "2020-02-20 14:00", "tags: [sosialisasi, pemilihan]\nviews: 900"),
    "content/posts/2020/e.md": post("E", "2020-02-21 08:00", "category: Sosialisasi\nviews: 0"),
    "content/posts/2020/draf.md": post("Draf", "2020-02-01", "draft: true"),
    "content/posts/2030/nanti.md": post("Nanti", "2030-01-01"),
    "content/pages/profil.md": md("title: Profil\nmenu: 1"),
    "content/pages/kontak.md": md("title: Kontak\nmenu: 2"),
    "content/pages/sejarah.md": md("title: Sejarah"),
}


def titles(posts) -> list[str]:
    return [p.title for p in posts]


def test_published_posts_newest_first_and_pages_by_menu(tmp_path):
    site = model(tmp_path, POSTS)
    assert titles(site.posts) == ["E", "D", "C", "B", "A"]
    assert titles(site.pages) == ["Profil", "Kontak", "Sejarah"]
    assert titles(site.recent) == ["E", "D", "C", "B", "A"]


def test_posts_at_the_same_time_have_a_stable_order(tmp_path):
    site = model(tmp_path, {f"content/posts/{n}.md": post(n.upper(), "2020-01-01 10:00") for n in "qpr"})
    assert titles(site.posts) == ["R", "Q", "P"]


def test_drafts_only_with_drafts(tmp_path):
    assert "Draf" not in titles(model(tmp_path, POSTS).posts)
    assert "Draf" in titles(model(tmp_path / "d", POSTS, drafts=True).posts)


def test_future_posts_only_with_future(tmp_path):
    assert "Nanti" not in titles(model(tmp_path, POSTS).posts)
    assert titles(model(tmp_path / "f", POSTS, future=True).posts)[0] == "Nanti"


def test_future_is_decided_in_the_site_zone(tmp_path):
    # NOW is 1 June 2024, 12.00 UTC = 20.00 WITA.
    files = {
        "content/posts/a.md": post("Tadi sore WITA", "2024-06-01 15:00"),        # 07.00 UTC: published
        "content/posts/b.md": post("Sebentar lagi", "2024-06-01 20:30"),         # 12.30 UTC: scheduled
        "content/posts/c.md": post("Besok", "2024-06-02"),                        # midnight WITA = 16.00 UTC: scheduled
        "content/posts/d.md": post("Satu jam lagi UTC", "2024-06-01T13:00:00Z"),  # scheduled
        "content/posts/e.md": post("Tepat sekarang", "2024-06-01 20:00"),         # published
    }
    assert titles(model(tmp_path, files).posts) == ["Tepat sekarang", "Tadi sore WITA"]
    # The same files in WIB: 20.00 WIB is 13.00 UTC, an hour after NOW.
    jakarta = model(tmp_path / "wib", files, config_text(timezone="Asia/Jakarta"))
    assert titles(jakarta.posts) == ["Tadi sore WITA"]
    # In WIT, 20.30 is 11.30 UTC: already published.
    jayapura = model(tmp_path / "wit", files, config_text(timezone="Asia/Jayapura"))
    assert titles(jayapura.posts) == ["Sebentar lagi", "Tepat sekarang", "Tadi sore WITA"]


def test_future_in_jakarta_zone(tmp_path):
    # In WIB, 20.30 is 13.30 UTC, later than NOW (12.00 UTC); 18.59 WIB is 11.59 UTC, earlier.
    files = {"content/posts/a.md": post("A", "2024-06-01 18:59"), "content/posts/b.md": post("B", "2024-06-01 19:01")}
    site = model(tmp_path, files, config_text(timezone="Asia/Jakarta"))
    assert titles(site.posts) == ["A"]


def test_categories_tags_and_months(tmp_path):
    site = model(tmp_path, POSTS)
    assert [(t.name, t.url, titles(t.posts)) for t in site.categories] == [
        ("Berita", "/kategori/berita/", ["D", "A"]),
        ("Pengumuman", "/kategori/pengumuman/", ["C"]),
        ("Sosialisasi", "/kategori/sosialisasi/", ["E", "B"]),
    ]
    assert [(t.name, t.url, titles(t.posts)) for t in site.tags] == [
        ("pemilihan", "/tag/pemilihan/", ["D", "C", "A"]),
        ("sosialisasi", "/tag/sosialisasi/", ["D", "B", "A"]),
    ]
    assert [(t.slug, t.url, titles(t.posts)) for t in site.months] == [
        ("2020-02", "/2020/02/", ["E", "D"]),
        ("2020-01", "/2020/01/", ["C"]),
        ("2019-12", "/2019/12/", ["B"]),
        ("2019-11", "/2019/11/", ["A"]),
    ]
    d = site.posts[1]
    assert d.category.name == "Berita" and [t.name for t in d.tags] == ["sosialisasi", "pemilihan"]


def test_category_names_that_differ_in_case_are_one_category(tmp_path):
    site = model(tmp_path, {"content/posts/a.md": post("A", "2020-01-01", "category: Berita Daerah"),
                            "content/posts/b.md": post("B", "2020-01-02", "category: berita daerah")})
    assert len(site.categories) == 1 and titles(site.categories[0].posts) == ["B", "A"]


def test_months_and_urls_use_the_site_zone(tmp_path):
    # 30 Nov 2019 20.00 UTC is 1 Dec 2019 04.00 WITA: the post belongs to December, like its displayed date.
    site = model(tmp_path, {"content/posts/a.md": post("A", "2019-11-30T20:00:00+00:00")})
    assert [t.url for t in site.months] == ["/2019/12/"]
    assert site.posts[0].url == "/2019/12/01/a/"


def test_popular_by_views_and_neighbours(tmp_path):
    site = model(tmp_path, POSTS)
    assert titles(site.popular) == ["D", "C"]        # posts without views (or with 0) are not "popular"
    e, d, c, b, a = site.posts
    assert e.newer is None and e.older is d
    assert c.newer is d and c.older is b
    assert a.older is None


def test_related_posts_by_shared_tags(tmp_path):
    site = model(tmp_path, POSTS)
    by_title = {p.title: p for p in site.posts}
    assert titles(by_title["A"].related) == ["D", "B", "C"]   # D shares two tags; then nearest in time
    assert titles(by_title["E"].related) == []                # no tags, no related posts
    assert by_title["A"] not in by_title["A"].related


def test_related_posts_are_limited_by_config(tmp_path):
    site = model(tmp_path, POSTS, config_text(extra="listing:\n  related: 1\n"))
    assert titles({p.title: p for p in site.posts}["A"].related) == ["D"]


def test_related_posts_found_again_from_the_memo_only_while_order_and_tags_stand(tmp_path):
    import dataclasses

    site = model(tmp_path, POSTS)
    entries = [p.entry for p in site.posts + site.pages]
    memo: dict = {}

    def related(entries):
        built = assembly.assemble(entries, site.config, assembly.Moment(site.built), Problems(), memo)
        return {p.title: titles(p.related) for p in built.posts}

    fresh = related(entries)
    assert len(memo) == 1 and fresh == {p.title: titles(p.related) for p in site.posts}
    memo[next(iter(memo))] = [[] for _ in site.posts]             # what the memo says is what is used...
    assert all(not found for found in related(entries).values())
    retagged = [dataclasses.replace(e, tags=["lain"]) if e.title == "D" else e for e in entries]
    assert related(retagged)["A"] == ["B", "C"]                   # ...but a changed tag finds them anew
    assert related(entries) == fresh


def test_pagination_urls(tmp_path):
    files = {f"content/posts/p{i}.md": post(f"P{i}", f"2020-01-{i:02d}", "category: Berita") for i in range(1, 6)}
    site = model(tmp_path, files, config_text(extra="listing:\n  per_page: 2\n"))
    urls = [r.url for r in routing.routes(site)]
    assert [u for u in urls if "halaman" in u] == ["/halaman/2/", "/halaman/3/", "/kategori/berita/halaman/2/",
                                                   "/kategori/berita/halaman/3/", "/2020/01/halaman/2/",
                                                   "/2020/01/halaman/3/"]
    pagers = routing.paginate(site.posts, 2, "/")
    assert [(p.number, p.url, p.newer_url, p.older_url, titles(p.items)) for p in pagers] == [
        (1, "/", "", "/halaman/2/", ["P5", "P4"]),
        (2, "/halaman/2/", "/", "/halaman/3/", ["P3", "P2"]),
        (3, "/halaman/3/", "/halaman/2/", "", ["P1"]),
    ]


def test_an_empty_site_still_has_a_home_page():
    pagers = routing.paginate([], 10, "/")
    assert len(pagers) == 1 and pagers[0].items == [] and pagers[0].total == 1


def test_default_permalinks_are_wordpress_style(tmp_path):
    site = model(tmp_path, POSTS)
    assert {p.title: p.url for p in site.posts}["A"] == "/2019/11/08/a/"
    assert [p.url for p in site.pages] == ["/profil/", "/kontak/", "/sejarah/"]


def test_permalinks_from_config(tmp_path):
    config = config_text(extra="""\
        permalinks:
          post: /{category}/{year}/{slug}/
          page: /halaman-statis/{slug}/
          category: /rubrik/{slug}/
          tag: /topik/{slug}/
          archive: /arsip/{year}/{month}/
        """)
    site = model(tmp_path, POSTS, config)
    assert {p.title: p.url for p in site.posts}["B"] == "/sosialisasi/2019/b/"
    assert site.pages[0].url == "/halaman-statis/profil/"
    assert site.categories[0].url == "/rubrik/berita/"
    assert site.tags[0].url == "/topik/pemilihan/"
    assert site.months[0].url == "/arsip/2020/02/"
    urls = [r.url for r in routing.routes(site)]
    assert "/sosialisasi/2019/b/" in urls and "/rubrik/sosialisasi/" in urls and "/arsip/2020/02/" in urls


def test_aliases_become_redirect_routes(tmp_path):
    site = model(tmp_path, {
        "content/posts/a.md": post("A", "2019-11-08", "aliases: [/berita/lama-a/, /index.php/2019/a.html]"),
        "content/pages/profil.md": md("title: Profil\naliases: [/tentang-kami/]"),
    })
    redirects = {r.url: r.context["target"] for r in routing.routes(site) if r.template == "redirect.html"}
    assert redirects == {"/berita/lama-a/": "/2019/11/08/a/", "/index.php/2019/a.html": "/2019/11/08/a/",
                         "/tentang-kami/": "/profil/"}


def test_every_route_and_the_sitemap(tmp_path):
    site = model(tmp_path, POSTS)
    routes = routing.routes(site)
    by_url = {r.url: r for r in routes}
    for url in ("/", "/arsip/", "/404.html", "/feed.xml", "/atom.xml", "/robots.txt", "/sitemap.xml", "/galeri/"):
        assert url in by_url
    assert len(by_url) == len(routes)
    sitemap = [r.url for r in by_url["/sitemap.xml"].context["urls"]]
    assert "/2019/11/08/a/" in sitemap and "/profil/" in sitemap
    assert "/404.html" not in sitemap and "/feed.xml" not in sitemap


def test_output_file_names():
    assert urls.output_file("/") == "index.html"
    assert urls.output_file("/2019/11/08/a/") == "2019/11/08/a/index.html"
    assert urls.output_file("/feed.xml") == "feed.xml"


def test_duplicate_url_names_both_files(tmp_path):
    site_dir = write_site(tmp_path / "site", {
        "content/posts/2019/rapat/index.md": post("Rapat", "2019-11-08 09:00"),
        "content/posts/2019/rapat-lagi.md": post("Rapat lagi", "2019-11-08 15:00", "slug: rapat"),
    }, config_text())
    errors = build_errors(site_dir)
    assert len(errors) == 1
    assert "content/posts/2019/rapat-lagi.md" in errors[0] and "content/posts/2019/rapat/index.md" in errors[0]
    assert "/2019/11/08/rapat/" in errors[0]


def test_two_posts_with_galleries_at_one_address_are_told_once(tmp_path):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 90, 160)).save(buffer, "JPEG")
    site_dir = write_site(tmp_path / "site", {
        "content/posts/2019/rapat/index.md": post("Rapat", "2019-11-08 09:00"),
        "content/posts/2019/rapat-sore/index.md": post("Rapat sore", "2019-11-08 15:00", "slug: rapat"),
    }, config_text())
    for folder in ("rapat", "rapat-sore"):
        (site_dir / f"content/posts/2019/{folder}/foto.jpg").write_bytes(buffer.getvalue())
    errors = build_errors(site_dir)
    assert len(errors) == 1, errors
    assert "content/posts/2019/rapat-sore/index.md" in errors[0] and "content/posts/2019/rapat/index.md" in errors[0]


def test_alias_on_an_existing_page_is_a_duplicate(tmp_path):
    site_dir = write_site(tmp_path / "site", {
        "content/posts/a.md": post("A", "2019-11-08", "aliases: [/profil/]"),
        "content/pages/profil.md": md("title: Profil"),
    }, config_text())
    errors = build_errors(site_dir)
    assert len(errors) == 1 and "content/posts/a.md" in errors[0] and "content/pages/profil.md" in errors[0]


def test_page_that_takes_a_built_in_address(tmp_path):
    site_dir = write_site(tmp_path / "site", {"content/pages/arsip.md": md("title: Arsip")}, config_text())
    errors = build_errors(site_dir)
    assert len(errors) == 1 and "content/pages/arsip.md" in errors[0] and "/arsip/" in errors[0]


# --- names that slugify to nothing get a slug of their own ------------------------------------------------------

def test_a_category_of_punctuation_does_not_merge_into_the_default_category(tmp_path):
    site = model(tmp_path, {
        "content/posts/a.md": post("A", "2019-11-08", "category: '!!!'"),
        "content/posts/b.md": post("B", "2019-11-09"),
        "content/posts/c.md": post("C", "2019-11-10", "category: '???'"),
    })
    by_name = {t.name: t for t in site.categories}
    assert sorted(by_name) == ["!!!", "???", "Berita"]
    assert [p.title for p in by_name["Berita"].posts] == ["B"]
    assert by_name["!!!"].slug != by_name["???"].slug and by_name["!!!"].url.startswith("/kategori/n-")
    assert {p.title: p.category.name for p in site.posts} == {"A": "!!!", "B": "Berita", "C": "???"}


def test_tags_of_only_cjk_or_punctuation_are_terms_of_their_own(tmp_path):
    site = model(tmp_path, {
        "content/posts/a.md": post("A", "2019-11-08", "tags: ['選挙', '投票', '!!!', '#', sosialisasi]"),
        "content/posts/b.md": post("B", "2019-11-09", "tags: ['選挙', '!!!']"),
    })
    by_name = {t.name: t for t in site.tags}
    assert sorted(by_name) == sorted(["選挙", "投票", "!!!", "#", "sosialisasi"])
    assert by_name["選挙"].url == "/tag/xuanju/" and by_name["投票"].url == "/tag/toupiao/"
    assert [p.title for p in by_name["!!!"].posts] == ["B", "A"]
    assert len({t.url for t in site.tags}) == 5


def test_names_of_nothing_keep_their_address_from_build_to_build(tmp_path):
    files = {"content/posts/a.md": post("A", "2019-11-08", "category: '¡¡¡'\ntags: ['…', '★']")}
    first = model(tmp_path / "1", files)
    second = model(tmp_path / "2", {**files, "content/posts/b.md": post("B", "2019-11-09", "tags: ['☆']")})
    assert {t.url for t in first.categories} <= {t.url for t in second.categories}
    assert {t.name: t.url for t in first.tags}.items() <= {t.name: t.url for t in second.tags}.items()


def test_two_spellings_of_one_tag_on_one_post_are_one_tag(tmp_path):
    site = model(tmp_path, {"content/posts/a.md": post("A", "2019-11-08", "tags: [Pemilu, pemilu, PEMILU!]")})
    assert [t.name for t in site.posts[0].tags] == ["Pemilu"]


def test_a_post_category_of_only_cjk_has_it_in_its_address(tmp_path):
    site = model(tmp_path, {"content/posts/a.md": post("A", "2019-11-08", "category: 選挙")},
                 config_text(extra="permalinks:\n  post: /{category}/{slug}/\n"))
    assert site.posts[0].url == "/xuanju/a/"


# --- every address of every kind is checked against every other before anything is written ---------------------

def _aliased(tmp_path, alias: str, extra_files: dict | None = None, config: str | None = None) -> list[str]:
    files = {"content/posts/2019/a.md": post("A", "2019-11-08", f"aliases: ['{alias}']\ntags: [sosialisasi]"),
             **(extra_files or {})}
    return build_errors(write_site(tmp_path / "site", files, config or config_text()), search=False)


@pytest.mark.parametrize("alias, words", [
    ("/feed.xml", ["umpan RSS"]), ("/atom.xml", ["umpan Atom"]), ("/sitemap.xml", ["peta situs"]),
    ("/robots.txt", ["robots.txt"]), ("/404.html", ["halaman 404"]), ("/index.html", ["beranda"]),
    ("/arsip/", ["halaman arsip"]), ("/cari/", ["halaman pencarian"]), ("/galeri/", ["indeks galeri"]),
    ("/pagefind/", ["indeks pencarian"]), ("/pagefind/pagefind.js", ["indeks pencarian"]),
    ("/assets/style.css", ["berkas tema 'assets/style.css'"]), ("/assets/lightbox.js/x/", ["berkas tema"]),
    ("/kategori/berita/", ["kategori 'Berita'"]), ("/tag/sosialisasi/", ["tag 'sosialisasi'"]),
    ("/2019/11/", ["arsip bulan '2019-11'"]), ("/2019/11/08/a/", ["halaman berita"]),
    ("/2019/11/09/b/", ["halaman berita dari content/posts/2019/b.md"]),
    ("/profil/", ["halaman dari content/pages/profil.md"]),
    # the same but for capital letters: Windows and macOS, where staff build, take them for one file, and one would
    # overwrite the other without a word
    ("/2019/11/09/B/", ["halaman berita dari content/posts/2019/b.md", "huruf besar/kecil"]),
    ("/Profil/", ["halaman dari content/pages/profil.md", "huruf besar/kecil"]),
    ("/ARSIP/", ["halaman arsip", "huruf besar/kecil"]), ("/Kategori/Berita/", ["kategori 'Berita'", "huruf besar"]),
    ("/2019/11/08/A/", ["halaman berita", "huruf besar/kecil"]),
])
def test_an_old_address_onto_anything_the_site_publishes_names_both(tmp_path, alias, words):
    errors = _aliased(tmp_path, alias, {"content/posts/2019/b.md": post("B", "2019-11-09"),
                                        "content/pages/profil.md": md("title: Profil")})
    assert len(errors) == 1, errors
    assert errors[0].startswith("content/posts/2019/a.md:4: ") and "alamat lama" in errors[0], errors
    for word in words:
        assert word in errors[0], (word, errors[0])


@pytest.mark.parametrize("alias, words", [("/?p=123", ["'?'"]), ("/index.php?page_id=2", ["'?'"]),
                                          ("/lama/#bagian", ["'#'"]), ("/lama%2Fx/", ["tidak sah"]),
                                          ("/lama/%ff/", ["tidak sah"]), ("/%2e%2e/%2e%2e/etc/", ["tidak sah"])])
def test_old_addresses_a_static_host_cannot_serve_are_refused_with_their_line(tmp_path, alias, words):
    errors = _aliased(tmp_path, alias)
    assert len(errors) == 1 and errors[0].startswith("content/posts/2019/a.md:4: ")
    assert all(word in errors[0] for word in words), errors


def test_percent_escapes_in_an_old_address_are_the_file_name_a_host_looks_for(tmp_path):
    site = model(tmp_path, {"content/posts/a.md": post("A", "2019-11-08", "aliases: ['/berita-%e2%80%93-rapat/']")})
    assert site.posts[0].entry.aliases == ["/berita-\u2013-rapat/"]


def test_a_file_named_like_a_photo_size_is_a_photo_of_its_own_not_a_clash(tmp_path):
    """Every format a size is made in (JPEG, PNG, WebP, AVIF, GIF) is a photo suffix: a bundle file named like a
    size ('foto-64w.avif') goes through the pipeline under its own name, never out as it is over the size."""
    site = write_site(tmp_path / "site", {"content/posts/2019/a/index.md": post("A", "2019-11-08")},
                      config_text(extra="photos:\n  avif: true\n"))
    make_photo(site / "content/posts/2019/a/foto.jpg")
    make_photo(site / "content/posts/2019/a/foto-64w.avif", fmt="AVIF")
    build_site(site, search=False)
    out = site / "output/2019/11/08/a"
    assert {"foto-64w.avif", "foto-64w.jpg", "foto-64w-64w.avif", "foto-64w-64w.jpg"} <= {p.name for p in out.iterdir()}


@pytest.mark.parametrize("name", ["index.html", "feed.xml"])
def test_bundle_files_beside_the_page(tmp_path, name):
    files = {"content/posts/2019/a/index.md": post("A", "2019-11-08"), f"content/posts/2019/a/{name}": "x"}
    site = write_site(tmp_path / "site", files)
    if name == "index.html":
        errors = build_errors(site, search=False)
        assert len(errors) == 1 and errors[0].startswith("content/posts/2019/a/index.html: ")
    else:
        build_site(site, search=False)      # a bundle's own feed.xml is its own address: /2019/11/08/a/feed.xml
        assert (site / "output/2019/11/08/a/feed.xml").read_text() == "x"


def test_a_post_slug_inside_the_search_index_folder(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/2019/pagefind.md": post("A", "2019-11-08")},
                      config_text(extra="permalinks:\n  post: /{slug}/\n"))
    errors = build_errors(site, search=False)
    assert len(errors) == 1 and errors[0].startswith("content/posts/2019/pagefind.md:3: ")
    assert "indeks pencarian" in errors[0]


def test_two_built_pages_at_one_address_are_told_at_config(tmp_path):
    site = write_site(tmp_path / "site", {"content/posts/a.md": post("A", "2019-11-08", "category: Arsip")},
                      config_text(extra="permalinks:\n  category: /{slug}/\n  page: /p/{slug}/\n"))
    errors = build_errors(site, search=False)
    assert errors == ["config.yaml: alamat /arsip/ (kategori 'Arsip') sudah dipakai oleh halaman arsip. "
                      "Ubah pola alamat di bagian 'permalinks' config.yaml agar alamatnya berbeda."]


def test_a_failed_build_for_an_address_collision_leaves_the_output_byte_for_byte(tmp_path):
    import hashlib

    files = {"content/posts/2019/a/index.md": post("A", "2019-11-08"), "content/posts/2019/a/foto.jpg": b"photo"}
    site = write_site(tmp_path / "site", files)
    build_site(site, search=False)

    def snapshot():
        return {p.relative_to(site / "output").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((site / "output").rglob("*")) if p.is_file()}

    before = snapshot()
    for alias in ("/feed.xml", "/pagefind/", "/assets/style.css", "/2019/11/08/a/foto-64w.jpg"):
        (site / "content/posts/2019/a/index.md").write_text(post("A", "2019-11-08", f"aliases: ['{alias}']"))
        assert len(build_errors(site, search=False)) == 1
        assert snapshot() == before
