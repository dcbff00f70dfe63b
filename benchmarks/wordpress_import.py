"""A large WordPress export (5,000 posts, 30,000 attachments by default) and the time of a first and a second import.

Targets (issue 12): the first import in at most 60 s, a second run of the same export in at most 10 s.
`python benchmarks/wordpress_import.py [--posts N] [--photos-per-post N]`, also run by `make bench`.
"""

from __future__ import annotations

import argparse
import io
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".bench" / "wordpress"
TARGETS = {"first": 60.0, "second": 10.0}
WORDS = ("komisi pemilihan umum provinsi kalimantan utara menggelar rapat koordinasi sosialisasi tahapan pemilihan "
         "gubernur wakil gubernur bersama badan pengawas pemilu kabupaten kota peserta daftar pemilih berkelanjutan").split()


def _photo_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (150, 30, 30)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def _text(seed: int, words: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words)).capitalize() + "."


def generate(folder: Path, posts: int, per_post: int) -> tuple[Path, Path]:
    """export.xml and uploads/ in folder, made once per size (a stamp file names the size)."""
    stamp = folder / f"made-{posts}x{per_post}"
    export, uploads = folder / "export.xml", folder / "uploads"
    if stamp.exists():
        return export, uploads
    shutil.rmtree(folder, ignore_errors=True)
    uploads.mkdir(parents=True)
    photo = _photo_bytes()
    host = "https://kaltara.kpu.go.id"
    out = [f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>KPU</title><link>{host}</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>{host}</wp:base_blog_url>
<wp:author><wp:author_login>humas</wp:author_login><wp:author_display_name>Humas</wp:author_display_name></wp:author>
"""]
    next_id = posts + 1
    for number in range(1, posts + 1):
        year, month, day = 2015 + number % 9, 1 + number % 12, 1 + number % 28
        folder_rel = f"{year}/{month:02d}"
        ids = list(range(next_id, next_id + per_post))
        next_id += per_post
        names = [f"kegiatan-{number}-{k}.jpg" for k in range(per_post)]
        for name in names:
            path = uploads / folder_rel / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(photo)
        first = f"{host}/wp-content/uploads/{folder_rel}/{names[0][:-4]}-1024x683.jpg"
        body = (f"{_text(number, 40)}\n{_text(number + 1, 12)}\n\n"
                f'[caption id="attachment_{ids[0]}" width="1024"]<img class="wp-image-{ids[0]}" src="{first}" alt="Foto" /> '
                f"{_text(number + 2, 8)}[/caption]\n\n{_text(number + 3, 50)}\n\n"
                f'[gallery ids="{",".join(map(str, ids[1:]))}"]\n\n{_text(number + 4, 30)}')
        slug = f"berita-{number}-{WORDS[number % len(WORDS)]}"
        out.append(f"""<item><title>Berita {number}: {_text(number, 6)}</title>
<link>{host}/{year}/{month:02d}/{day:02d}/{slug}/</link><dc:creator>humas</dc:creator>
<guid isPermaLink="false">{host}/?p={number}</guid><content:encoded><![CDATA[{body}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{number}</wp:post_id>
<wp:post_date>{year}-{month:02d}-{day:02d} 09:00:00</wp:post_date><wp:post_date_gmt>{year}-{month:02d}-{day:02d} 01:00:00</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>
<category domain="category" nicename="kegiatan"><![CDATA[Kegiatan]]></category>
<category domain="post_tag" nicename="t{number % 40}"><![CDATA[topik {number % 40}]]></category>
<wp:postmeta><wp:meta_key>views</wp:meta_key><wp:meta_value>{number * 13 % 5000}</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{ids[0]}</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_author>Pembaca {number}</wp:comment_author><wp:comment_author_email>p{number}@example.com</wp:comment_author_email>
<wp:comment_date_gmt>{year}-{month:02d}-{day:02d} 03:00:00</wp:comment_date_gmt><wp:comment_content>Terima kasih.</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type></wp:comment>
</item>
""")
        for attachment, name in zip(ids, names):
            url = f"{host}/wp-content/uploads/{folder_rel}/{name}"
            out.append(f"""<item><title>{name}</title><guid isPermaLink="false">{url}</guid>
<excerpt:encoded><![CDATA[{_text(attachment, 6)}]]></excerpt:encoded><wp:post_id>{attachment}</wp:post_id>
<wp:status>inherit</wp:status><wp:post_parent>{number}</wp:post_parent><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>{url}</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>{folder_rel}/{name}</wp:meta_value></wp:postmeta>
</item>
""")
    out.append("</channel></rss>\n")
    export.write_text("".join(out), encoding="utf-8")
    stamp.touch()
    return export, uploads


def _timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): on a shared machine the CPU time says more than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"impor gagal ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(posts: int = 5000, per_post: int = 6) -> dict:
    export, uploads = generate(SCRATCH / "corpus", posts, per_post)
    site = SCRATCH / "site"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    (site / "config.yaml").write_text("site:\n  title: KPU\n  base_url: https://kaltara.kpu.go.id/\n"
                                      "  timezone: Asia/Makassar\n", encoding="utf-8")
    command = [sys.executable, "-m", "generator", "import-wordpress", "--site", str(site), "--uploads", str(uploads),
               str(export)]
    first, first_cpu = _timed(command)
    second, second_cpu = _timed(command)
    shutil.rmtree(site, ignore_errors=True)
    return {"posts": posts, "attachments": posts * per_post, "first": first, "second": second,
            "first_cpu": first_cpu, "second_cpu": second_cpu}


def line(result: dict) -> str:
    posts, attachments = (f"{result[k]:,}".replace(",", ".") for k in ("posts", "attachments"))
    return (f"impor WordPress {posts} berita, {attachments} lampiran: pertama {result['first']:.1f} s "
            f"(CPU {result['first_cpu']:.1f} s; target <= {TARGETS['first']:.0f} s), kedua {result['second']:.1f} s "
            f"(CPU {result['second_cpu']:.1f} s; target <= {TARGETS['second']:.0f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--photos-per-post", type=int, default=6)
    args = parser.parse_args(argv)
    print(line(measure(args.posts, args.photos_per_post)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
