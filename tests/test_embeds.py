"""Links alone on a line: YouTube in every URL form becomes a click-to-load facade, other social sites a named link."""

from __future__ import annotations

import re

import pytest

from generator.model import embeds, markup
from tests.conftest import build_errors, build_site, clean_build_tree, jpeg, md, tree

pytestmark = pytest.mark.quick

ID = "dQw4w9WgXcQ"


@pytest.mark.parametrize("url, start", [
    (f"https://www.youtube.com/watch?v={ID}", 0),
    (f"https://youtube.com/watch?feature=share&v={ID}&t=90", 90),
    (f"https://m.youtube.com/watch?v={ID}&t=1m30s", 90),
    (f"https://youtu.be/{ID}", 0),
    (f"https://youtu.be/{ID}?si=abc&t=75", 75),
    (f"https://www.youtube.com/live/{ID}?si=x", 0),
    (f"https://www.youtube.com/live/{ID}?t=1h2m3s", 3723),
    (f"https://www.youtube.com/shorts/{ID}", 0),
    (f"https://www.youtube.com/embed/{ID}?start=42", 42),
    (f"https://www.youtube-nocookie.com/embed/{ID}", 0),
    (f"http://www.youtube.com/watch?v={ID}#t=30", 30),
])
def test_every_youtube_url_form_is_recognised_with_its_start(url, start):
    assert embeds.youtube(url) == embeds.Video(ID, start)


@pytest.mark.parametrize("url", ["https://www.youtube.com/@kpukaltara", "https://www.youtube.com/watch?v=short",
                                 "https://www.youtube.com/playlist?list=PL123", "https://vimeo.com/12345",
                                 f"https://notyoutube.com/watch?v={ID}", f"https://youtu.be.evil.example/{ID}"])
def test_other_addresses_are_not_videos(url):
    assert embeds.youtube(url) is None


def html(text: str, links: markup.Links | None = None) -> str:
    return markup.render(text, links).html


@pytest.mark.parametrize("line", [f"https://youtu.be/{ID}", f"<https://youtu.be/{ID}>", f"  https://youtu.be/{ID}  ",
                                  f"[](https://youtu.be/{ID})"])
def test_a_youtube_link_alone_on_a_line_becomes_a_facade_linking_to_the_video(line):
    out = html(f"Paragraf pembuka.\n\n{line}\n\nParagraf penutup.\n")
    assert out.count('<figure class="video">') == 1
    assert f'<a class="video-facade video-box" data-video="{ID}" href="https://www.youtube.com/watch?v={ID}">' in out
    assert '<span class="video-label">Putar video</span>' in out       # no title known: the accessible name
    assert "youtube-nocookie" not in out and "<iframe" not in out and "<script" not in out
    assert "<p>Paragraf pembuka.</p>" in out and "<p>Paragraf penutup.</p>" in out


def test_the_title_comes_from_the_link_text():
    out = html(f"[Rapat pleno terbuka](https://www.youtube.com/watch?v={ID}&t=2m)\n")
    assert 'data-title="Rapat pleno terbuka"' in out and 'data-start="120"' in out
    assert '<span class="visually-hidden">Putar video: </span>Rapat pleno terbuka</span>' in out
    assert f"watch?v={ID}&amp;t=120s" in out


def test_the_title_comes_from_the_line_before():
    out = html(f"Berikut rekamannya.\n\nSiaran langsung *rapat pleno*:\nhttps://youtu.be/{ID}\n")
    assert "<p>Siaran langsung <em>rapat pleno</em>:</p>" in out
    assert 'data-title="Siaran langsung rapat pleno"' in out
    separate = html(f"Paragraf yang bukan judul.\n\nhttps://youtu.be/{ID}\n")
    assert "data-title" not in separate, "a paragraph separated by a blank line is not the video's title"


def test_links_inside_text_code_and_lists_stay_as_written():
    text = (f"Tonton di https://youtu.be/{ID} ya.\n\n```\nhttps://youtu.be/{ID}\n```\n\n    https://youtu.be/{ID}\n\n"
            f"- https://youtu.be/{ID}\n")
    assert "video-facade" not in html(text)


def test_a_poster_named_like_the_video_or_given_in_front_matter_is_shown():
    image = markup.Image("/2024/03/01/a/poster-1280w.jpg", 1280, 720, "/2024/03/01/a/poster-480w.jpg 480w")
    named = html(f"https://youtu.be/{ID}\n", markup.Links(images={f"{ID}.jpg": image}))
    assert '<img alt="" decoding="async" height="720" loading="lazy"' in named and 'src="/2024/03/01/a/poster-1280w.jpg"' in named
    assert "video-box" not in named
    given = html(f"https://youtu.be/{ID}\n", markup.Links(images={"sampul.jpg": image}, poster="sampul.jpg"))
    assert 'src="/2024/03/01/a/poster-1280w.jpg"' in given
    other = html("https://youtu.be/abcdefghijk\n", markup.Links(images={f"{ID}.jpg": image}))
    assert "<img" not in other and "video-box" in other


@pytest.mark.parametrize("url, name", [("https://www.instagram.com/p/Cx123/", "Instagram"),
                                       ("https://www.facebook.com/kpukaltara/posts/123", "Facebook"),
                                       ("https://x.com/kpukaltara/status/1", "X"),
                                       ("https://twitter.com/kpukaltara/status/1", "X"),
                                       ("https://www.tiktok.com/@kpukaltara/video/1", "TikTok"),
                                       ("https://www.youtube.com/@kpukaltara", "YouTube")])
def test_other_social_links_alone_on_a_line_stay_plain_links_with_the_site_name(url, name):
    out = html(f"{url}\n")
    shown = url.split("://", 1)[1].rstrip("/")
    assert f'<p class="tautan-sosial"><a href="{url}">{name}: {shown}</a></p>' in out
    assert "<script" not in out and "<iframe" not in out
    titled = html(f"[Foto kegiatan]({url})\n")
    assert f">{name}: Foto kegiatan</a>" in titled


def test_a_whole_build_gives_the_post_its_poster_and_script_under_a_sub_path(site_factory):
    site = site_factory({"content/posts/2024/siaran/index.md": md("title: Siaran\ndate: 2024-03-01 10:00\n"
                                                                  "poster: sampul.jpg", f"Siaran:\nhttps://youtu.be/{ID}\n"),
                         "content/posts/2024/siaran/sampul.jpg": b"photo",
                         "content/posts/2024/tanpa-video.md": md("title: Tanpa\ndate: 2024-03-02")},
                        config="site:\n  title: KPU\n  base_url: https://kpu.example/kpu/\n  timezone: Asia/Makassar\n")
    build_site(site)
    page = (site / "output/2024/03/01/siaran/index.html").read_text(encoding="utf-8")
    poster = re.search(r'<a class="video-facade"[^>]*>\s*<img [^>]*src="([^"]+)"', page).group(1)
    assert poster.startswith("/kpu/2024/03/01/siaran/") and (site / "output" / poster[len("/kpu/"):]).is_file()
    assert '<script src="/kpu/assets/video.js" defer></script>' in page
    assert "video.js" not in (site / "output/2024/03/02/tanpa-video/index.html").read_text(encoding="utf-8")


def test_a_changed_poster_updates_the_post_like_a_clean_build(site_factory, tmp_path):
    site = site_factory({"content/posts/2024/siaran/index.md": md("title: Siaran\ndate: 2024-03-01 10:00\n"
                                                                  "poster: sampul.jpg", f"Siaran:\nhttps://youtu.be/{ID}\n"),
                         "content/posts/2024/siaran/sampul.jpg": jpeg(1), "content/posts/2024/siaran/lain.jpg": jpeg(2),
                         "content/posts/2024/tanpa-video.md": md("title: Tanpa\ndate: 2024-03-02")})
    build_site(site)
    source = site / "content/posts/2024/siaran/index.md"
    source.write_text(source.read_text(encoding="utf-8").replace("poster: sampul.jpg", "poster: lain.jpg"),
                      encoding="utf-8")
    build_site(site)
    page = (site / "output/2024/03/01/siaran/index.html").read_text(encoding="utf-8")
    assert "/lain-" in re.search(r'<a class="video-facade"[^>]*>\s*<img [^>]*src="([^"]+)"', page).group(1)
    assert tree(site / "output") == clean_build_tree(site, tmp_path)


def test_a_poster_that_is_missing_or_not_a_photo_is_an_error_with_its_line(site_factory):
    site = site_factory({"content/posts/a/index.md": md("title: A\ndate: 2024-03-01\npost: x\nposter: sampul.jpg"),
                         "content/posts/b/index.md": md("title: B\ndate: 2024-03-01\nposter: sk.pdf"),
                         "content/posts/b/sk.pdf": b"%PDF-1.4\n"})
    errors = build_errors(site)
    assert any(e.startswith("content/posts/a/index.md:5: ") and "'sampul.jpg' tidak ada" in e for e in errors), errors
    assert any(e.startswith("content/posts/b/index.md:4: ") and "'sk.pdf' bukan berkas foto" in e for e in errors), errors
