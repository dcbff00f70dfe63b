"""import-wordpress over the twelve real exports in shared/wxr/ and our own Indonesian fixture: import, build, check."""

from __future__ import annotations

import html
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator import wordpress
from generator.wordpress import body as body_module
from generator.wordpress.media import upload_path
from generator.wordpress.wxr import read

from .conftest import MINIMAL_CONFIG, ROOT, build_site, make_photo, run_cli, snapshot

SHARED = ROOT.parent / "shared" / "wxr"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/wxr")
EXPORTS = sorted(p.name for p in SHARED.glob("*.xml"))
FIXTURE = ROOT / "tests" / "wordpress" / "kpu-kaltara.xml"
ZONE = __import__("zoneinfo").ZoneInfo("Asia/Makassar")
PHOTO = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


@dataclass
class Imported:
    site: Path
    export: Path
    code: int
    report: str
    errors: str
    uploads: Path | None = None


def run_import(site: Path, export: Path, uploads: Path | None = None, **options) -> Imported:
    out, err = io.StringIO(), io.StringIO()
    code = wordpress.run(wordpress.Options(export, site, uploads, **options), out=out, err=err)
    return Imported(site, export, code, out.getvalue(), err.getvalue())


def new_site(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    return folder


def uploads_for(export: Path, folder: Path) -> Path:
    """An uploads folder as a host's backup holds it: every attachment and every file the bodies show (their
    originals, without WordPress's -300x200 copies), as small real photos or bytes for other files."""
    items = read(export, ZONE).items
    files = [(i.first_meta("_wp_attached_file") or "").strip() or upload_path(i.attachment_url or i.guid)
             for i in items if i.post_type == "attachment"]
    for item in items:
        files += [re.sub(r"-\d+x\d+(\.\w+)$", r"\1", upload_path(html.unescape(url)))
                  for url in re.findall(r'(?:src|href)="([^"]+)"', item.content)]
    for number, rel in enumerate(dict.fromkeys(files)):
        if not rel or ".." in rel:
            continue
        target = folder / rel
        if Path(rel).suffix.lower() in PHOTO and not target.exists():
            make_photo(target.with_suffix(".jpg") if Path(rel).suffix.lower() != ".jpg" else target,
                       color=(number * 37 % 255, 90, 140))
            if target.suffix.lower() != ".jpg":
                target.with_suffix(".jpg").rename(target)
        elif not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"%PDF-1.4\n%%EOF\n")
    folder.mkdir(exist_ok=True)
    return folder


def front_matters(site: Path) -> dict[str, dict]:
    found = {}
    for index in sorted((site / "content").rglob("index.md")):
        text = index.read_text(encoding="utf-8")
        found[index.parent.relative_to(site).as_posix()] = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
    return found


def squeeze(text: str) -> str:
    """Letters and digits only, lower case: compares text across typography (quotes, dashes) and markup."""
    return re.sub(r"\W+", "", html.unescape(re.sub(r"<[^>]+>", " ", text)), flags=re.UNICODE).lower()


def pages_by_title(output: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for page in output.rglob("index.html"):
        match = re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        if match:
            found.setdefault(html.unescape(match.group(1)).strip(), []).append(page)
    return found


@pytest.fixture(scope="module", params=EXPORTS)
def imported(request, tmp_path_factory) -> Imported:
    """Each shared export imported (with an uploads folder made from its attachments) and built once."""
    root = tmp_path_factory.mktemp(request.param.replace(".", "-"))
    export = SHARED / request.param
    result = run_import(new_site(root / "site"), export, uploads_for(export, root / "uploads"))
    result.uploads = root / "uploads"
    assert result.code == 0, result.errors
    build_site(result.site, drafts=True, future=True, search=False)
    return result


def test_counts_by_status(imported):
    items = [i for i in read(imported.export, ZONE).items
             if i.post_type in ("post", "page") and i.status not in ("trash", "auto-draft", "inherit")]
    fronts = front_matters(imported.site)
    drafts = [f for f in fronts.values() if f.get("draft")]
    hidden = [i for i in items if i.status in ("draft", "pending", "private") or i.password]
    assert len(fronts) == len(items)
    assert len(drafts) == len(hidden)
    for kind in ("post", "page"):
        assert sum(1 for k in fronts if k.startswith(f"content/{kind}s/")) == sum(1 for i in items if i.post_type == kind)
    for (kind, status), count in {(i.post_type, i.status): 0 for i in read(imported.export, ZONE).items}.items():
        assert re.search(rf"^\s+{re.escape(kind)}\s+{re.escape(status)}\s+\d+", imported.report, re.M), (kind, status)


def test_old_addresses_lead_to_the_right_title(imported):
    output = imported.site / "output"
    checked = 0
    for folder, front in front_matters(imported.site).items():
        for alias in front.get("aliases") or []:
            redirect = output / alias.lstrip("/")
            redirect = redirect / "index.html" if alias.endswith("/") else redirect
            target = re.search(r'url=([^"]+)"', redirect.read_text(encoding="utf-8")).group(1)
            page = (output / html.unescape(target).lstrip("/") / "index.html").read_text(encoding="utf-8")
            assert html.unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)) == front["title"]
            checked += 1
    links = [i.link for i in read(imported.export, ZONE).items if i.post_type in ("post", "page") and i.link]
    assert checked or all("?" in link or link.rstrip("/").count("/") <= 2 for link in links) or not links


def test_captions_and_gallery_captions_are_on_the_pages(imported):
    text = squeeze(" ".join(p.read_text(encoding="utf-8") for p in (imported.site / "output").rglob("index.html")))
    expected = []
    for item in read(imported.export, ZONE).items:
        if item.post_type not in ("post", "page") or item.status in ("trash", "auto-draft"):
            continue
        for match in re.finditer(r"\[caption([^\]]*)\](.*?)\[/caption\]", item.content, re.S):
            caption = body_module.attributes(match.group(1)).get("caption") or re.sub(r"<img[^>]*>", "", match.group(2))
            expected.append(caption)
        expected += re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", item.content, re.S)
    for front in front_matters(imported.site).values():
        expected += [g["caption"] for g in front.get("gallery") or [] if g.get("caption")]
    missing = [c for c in expected if squeeze(c)[:40] and squeeze(c)[:40] not in text]
    assert not missing


def test_no_shortcode_or_block_comment_is_left(imported):
    for page in (imported.site / "output").rglob("*.html"):
        page_text = page.read_text(encoding="utf-8")
        visible = re.sub(r"<(pre|code)\b.*?</\1>", "", page_text, flags=re.S)
        assert "<!-- wp:" not in page_text and "<!-- /wp:" not in page_text, page
        assert not body_module.SHORTCODE.search(visible), (page, body_module.SHORTCODE.search(visible).group(0))


def test_paragraphs_are_kept(imported):
    titles = pages_by_title(imported.site / "output")
    checked = 0
    for item in read(imported.export, ZONE).items:
        if item.post_type not in ("post", "page") or "<!-- wp:" in item.content or item.title not in titles:
            continue
        text = re.sub(r"<pre\b.*?</pre>", "<pre>", item.content.replace("\r", ""), flags=re.S)   # kept as typed
        chunks = [c.strip() for c in re.split(r"\n\s*\n", text)]
        plain = [squeeze(c)[:30] for c in chunks if c and not re.search(r"[<\[]", c) and len(squeeze(c)) >= 30]
        if len(plain) < 2:
            continue
        paragraphs = [squeeze(p) for page in titles[item.title]
                      for p in re.findall(r"<p>(.*?)</p>", page.read_text(encoding="utf-8"), re.S)]
        for chunk in plain:              # every blank-line paragraph of the source starts a paragraph of the page
            assert any(p.startswith(chunk) for p in paragraphs), (item.title, chunk)
        checked += 1
    assert checked or imported.export.name not in ("theme-unit-test.xml", "pelican-wordpressexport.xml")


def test_second_run_changes_nothing(imported):
    before = snapshot(imported.site / "content")
    state = (imported.site / ".cache" / "wordpress-import.json").read_bytes()
    again = run_import(imported.site, imported.export, imported.uploads)
    assert again.code == 0, again.errors
    assert snapshot(imported.site / "content") == before
    assert (imported.site / ".cache" / "wordpress-import.json").read_bytes() == state
    assert re.search(r": 0 baru, 0 diperbarui, \d+ tidak berubah", again.report)
    assert re.search(r": 0 disalin", again.report)
