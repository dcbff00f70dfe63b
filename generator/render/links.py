"""Link checking of a built site: every internal href and src must lead to a file of the output."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.urls.append(value)
            elif value and name == "srcset":
                self.urls.extend(part.strip().split(" ")[0] for part in value.split(",") if part.strip())


def _exists(output: Path, path: str) -> bool:
    target = output / path.lstrip("/")
    return target.is_file() or (target / "index.html").is_file()


def broken_links(output: Path, base_path: str = "/") -> list[tuple[str, str]]:
    """(page, link) for every internal link or image in the output's HTML that leads nowhere."""
    broken = []
    for page in sorted(output.rglob("*.html")):
        rel = page.relative_to(output).as_posix()
        page_url = base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        collector = _Collector()
        collector.feed(page.read_text(encoding="utf-8"))
        for url in dict.fromkeys(collector.urls):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
                continue
            path = unquote(urlsplit(urljoin(page_url, url)).path)
            if not path.startswith(base_path) or not _exists(output, path[len(base_path):]):
                broken.append((rel, url))
    return broken
