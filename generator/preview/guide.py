"""The staff guide (docs/ of this project) as pages of the preview at /_panduan/; never part of a built site."""

from __future__ import annotations

import html
import posixpath
from pathlib import Path

from generator.core.resources import DOCS_DIR as DOCS  # docs/panduan.md and its pictures in docs/gambar/

PATH = "/_panduan/"                                         # where the preview serves it, whatever the base path
PICTURES = {".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml"}
_STYLE = """
body{margin:0;font:17px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#fafafa}
main{max-width:46rem;margin:0 auto;padding:1.5rem 1.25rem 4rem;background:#fff}
h1,h2,h3{line-height:1.25;color:#7a0010}h2{margin-top:2.5rem;border-bottom:2px solid #eee;padding-bottom:.3rem}
img{max-width:100%;height:auto;border:1px solid #ddd;border-radius:4px}
pre{background:#f3f3f3;padding:.75rem 1rem;overflow:auto;border-radius:4px;font-size:.9em;white-space:pre-wrap}
code{font-family:ui-monospace,Consolas,monospace;font-size:.92em}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.35rem .5rem;vertical-align:top}
a{color:#0b57d0}.top{font-size:.9rem;margin:0 0 1rem}
"""


def page(name: str) -> tuple[bytes, str] | None:
    """(body, content type) for a path below /_panduan/ ('' is the guide itself), or None when there is none.

    Only files inside docs/ are ever served: a name that leaves it is None.
    """
    clean = posixpath.normpath("/" + name).lstrip("/")
    if clean in ("", "index.html"):
        return _html(DOCS / "panduan.md"), "text/html; charset=utf-8"
    if clean.endswith(".md") and "/" not in clean:
        return (_html(DOCS / clean), "text/html; charset=utf-8") if (DOCS / clean).is_file() else None
    kind = PICTURES.get(posixpath.splitext(clean)[1].lower())
    target = DOCS / clean
    if kind is None or ".." in clean.split("/") or not target.is_file():
        return None
    return target.read_bytes(), kind


def _html(source: Path) -> bytes:
    """One page of the guide, rendered with the project's own Markdown (links to other .md pages stay in the guide)."""
    from generator.model import markup

    text = source.read_text(encoding="utf-8")
    body = markup.render(text).html
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "Panduan")
    return (f'<!doctype html><html lang="id"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body><main>"
            f'<p class="top"><a href="/">&larr; Kembali ke pratinjau situs</a></p>{body}</main></body></html>'
            ).encode("utf-8")
