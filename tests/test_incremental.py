"""Property: after any sequence of edits, the incremental output is byte-identical to a clean build.

Random sequences of edits, additions, deletions and renames of posts, photos (real JPEGs made with
Pillow), attachments and the site's own templates and assets (overrides of the built-in theme, added, changed
and removed) are applied to a site; after every step the site is built incrementally (with
its cache and previous output) and, from a copy without either, built clean; the two output trees must
hold the same file names with the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from generator import cli
from generator.build import Options, build

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
THEME = Path(cli.__file__).resolve().parent.parent / "templates"
CONFIG = """site:
  title: KPU Provinsi Kalimantan Utara
  base_url: https://kaltara.kpu.go.id/
  language: id
  timezone: Asia/Makassar
listing:
  per_page: 2
  related: 2
photos:
  webp: false
"""
TAGS = ["rapat", "sosialisasi", "pemilu-2024", "logistik"]
TEMPLATES = ["post.html", "base.html", "_macros.html", "list.html", "index.html", "gallery.html"]


def jpeg(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48 + seed % 5, 32), ((seed * 40) % 256, (seed * 90) % 256, 120)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def source(title: str, day: int, tags: list[str], body: str, gallery: list[str]) -> str:
    front = [f"title: {title}", f"date: 2024-03-{day:02d} 09:00", f"tags: [{', '.join(tags)}]", f"views: {day * 7}"]
    if gallery:
        front.append("gallery:")
        front.extend(f"  - file: {name}\n    caption: Foto {name}" for name in gallery)
    return "---\n" + "\n".join(front) + "\n---\n\n" + body


def make_site(root: Path) -> None:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "content" / "pages").mkdir(parents=True)
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "templates").mkdir()
    shutil.copy(THEME / "post.html", root / "templates" / "post.html")     # one override to begin with
    (root / "content/pages/profil.md").write_text("---\ntitle: Profil\n---\n\nTentang KPU.\n", encoding="utf-8")
    for i in range(1, 4):
        bundle = root / "content" / "posts" / f"berita-{i}"
        bundle.mkdir()
        (bundle / "index.md").write_text(source(f"Berita {i}", i, TAGS[: i], f"Isi berita {i}.\n", []),
                                         encoding="utf-8")
    (root / "content/posts/berita-1/foto-a.jpg").write_bytes(jpeg(1))


def posts(root: Path) -> list[Path]:
    return sorted((root / "content" / "posts").glob("*/index.md"))


def apply(root: Path, step: tuple[str, int, int], number: int) -> None:
    """One random change to the site; `number` makes every change's text unique."""
    kind, pick, variant = step
    found = posts(root)
    target = found[pick % len(found)] if found else None
    if kind == "add_post" or target is None:
        bundle = root / "content" / "posts" / f"baru-{number}"
        bundle.mkdir()
        (bundle / "index.md").write_text(source(f"Berita Baru {number}", 1 + variant % 28, TAGS[variant % 4:][:2],
                                                f"Isi baru {number}.\n", []), encoding="utf-8")
    elif kind == "edit_body":
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"\nKalimat tambahan {number}.\n" if variant % 3 else f"\nhttps://youtu.be/abcdefghi{number % 100:02d}\n")
    elif kind == "edit_front":
        text = target.read_text(encoding="utf-8")
        head, body = text.split("\n---\n", 1)
        lines = [line for line in head.split("\n") if not line.startswith(("title:", "date:", "tags:"))]
        lines[1:1] = [f"title: Judul {number}", f"date: 2024-03-{1 + variant % 28:02d} 0{variant % 10}:00",
                      f"tags: [{', '.join(TAGS[variant % 4:][: 1 + variant % 3])}]"]
        target.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")
    elif kind == "delete_post":
        shutil.rmtree(target.parent)
    elif kind == "rename_post":
        target.parent.rename(target.parent.with_name(f"{target.parent.name}-{number}"))
    elif kind == "add_photo":
        (target.parent / f"foto-{number}.jpg").write_bytes(jpeg(number + variant))
    elif kind == "delete_photo":
        photos = sorted(target.parent.glob("*.jpg"))
        if photos:
            photo = photos[variant % len(photos)]
            text = target.read_text(encoding="utf-8")
            if photo.name not in text:           # a photo listed in 'gallery' would be an error to remove
                photo.unlink()
    elif kind == "replace_photo":
        photos = sorted(target.parent.glob("*.jpg"))
        if photos:
            photos[variant % len(photos)].write_bytes(jpeg(number * 3 + variant))
    elif kind == "attach":
        (target.parent / f"lampiran-{variant % 3}.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (number * 997 + variant))
    elif kind == "remove_override":
        overrides = sorted(p for p in (root / "templates").rglob("*") if p.is_file())
        if overrides:
            overrides[variant % len(overrides)].unlink()
    elif kind == "edit_asset":
        asset = root / "templates" / "assets" / ("style.css" if variant % 2 else "video.js")
        asset.parent.mkdir(parents=True, exist_ok=True)
        asset.write_text((THEME / "assets" / asset.name).read_text(encoding="utf-8") + f"/* versi {number} */\n",
                         encoding="utf-8")
    elif kind == "edit_template":
        template = root / "templates" / TEMPLATES[variant % len(TEMPLATES)]
        if not template.is_file():               # a new override starts as a copy of the built-in template
            template.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(THEME / template.name, template)
        text = template.read_text(encoding="utf-8")
        if template.name == "_macros.html":
            text = text.replace("Baca selengkapnya", f"Baca selengkapnya ({number})", 1)
        elif "{% endblock %}" in text and variant % 2:
            text = text.replace("{% endblock %}", f"<!-- versi {number} -->{{% endblock %}}", 1)
        else:
            text += f"<!-- versi {number} -->\n"
        template.write_text(text, encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


STEPS = st.tuples(
    st.sampled_from(["edit_body", "edit_front", "add_post", "delete_post", "rename_post", "add_photo",
                     "delete_photo", "replace_photo", "edit_template", "remove_override", "edit_asset", "attach"]),
    st.integers(0, 10), st.integers(0, 100))


@settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(STEPS, min_size=1, max_size=4), st.sampled_from([1, 2]))
def test_incremental_output_equals_a_clean_build(steps, workers):
    with tempfile.TemporaryDirectory(prefix="kpu-inc-") as scratch:
        root = Path(scratch) / "situs"
        make_site(root)
        build(Options(root, now=NOW, workers=workers))
        for number, step in enumerate(steps, start=1):
            apply(root, step, number)
            build(Options(root, now=NOW, workers=workers))
            clean = Path(scratch) / f"bersih-{number}"
            shutil.copytree(root, clean, ignore=shutil.ignore_patterns("output", ".cache"))
            build(Options(clean, now=NOW, workers=1))
            assert tree(root / "output") == tree(clean / "output"), f"berbeda setelah {steps[:number]}"
            shutil.rmtree(clean)
