"""Shared test helpers: temporary sites from strings, real photos made with Pillow, running the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from generator.build import Options, build  # noqa: E402
from generator.report import BuildFailed  # noqa: E402

SITES = ROOT / "tests" / "sites"
GOLDEN = ROOT / "tests" / "golden"

# The "now" of every build in the tests: 1 June 2024, 20.00 WITA.
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc)

MINIMAL_CONFIG = """\
site:
  title: KPU Provinsi Kalimantan Utara
  base_url: https://kaltara.kpu.go.id/
  language: id
  timezone: Asia/Makassar
"""


def config_text(base_url: str = "https://kaltara.kpu.go.id/", timezone: str = "Asia/Makassar", extra: str = "") -> str:
    """The minimal config with another base URL / zone, plus any further YAML text."""
    text = MINIMAL_CONFIG.replace("https://kaltara.kpu.go.id/", base_url).replace("Asia/Makassar", timezone)
    return text + textwrap.dedent(extra)


def md(front: str, body: str = "Isi berita.\n") -> str:
    """A Markdown source with front matter: md('title: A\\ndate: 2019-11-08') -> '---\\n...\\n---\\n...'."""
    front = textwrap.dedent(front).strip("\n")
    return f"---\n{front}\n---\n\n{textwrap.dedent(body)}"


def make_photo(path: Path, size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (180, 40, 40),
               fmt: str | None = None, orientation: int | None = None) -> Path:
    """A real photo file (JPEG unless the suffix says otherwise): a coloured field with a lighter band."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, color)
    band = tuple(min(255, c + 60) for c in color)
    for x in range(size[0]):
        for y in range(size[1] // 3, size[1] // 2):
            image.putpixel((x, y), band)
    fmt = fmt or {".png": "PNG", ".webp": "WEBP"}.get(path.suffix.lower(), "JPEG")
    options = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
    if fmt == "JPEG":
        options["quality"] = 85
    image.save(path, fmt, **options)
    return path


def write_site(root: Path, files: dict[str, str | bytes], config: str | None = MINIMAL_CONFIG) -> Path:
    """Create a site folder: config.yaml (unless None) and each relative path -> text or bytes.

    A value of b"photo" makes a real JPEG/PNG with Pillow instead of writing the bytes.
    """
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "config.yaml").write_text(config, encoding="utf-8")
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if data == b"photo":
            make_photo(target)
        elif isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return root


def build_site(site: Path, **options):
    """Build in-process with the fixed NOW (unless given); returns the build Result."""
    options.setdefault("now", NOW)
    options.setdefault("workers", 1)
    return build(Options(site, **options))


def build_errors(site: Path, **options) -> list[str]:
    """Build a site that must fail; return every problem as printed (`path:line: message`)."""
    with pytest.raises(BuildFailed) as failed:
        build_site(site, **options)
    return [str(p) for p in failed.value.problems if not p.warning]


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> Run:
    """Run `python -m generator ARGS` as a subprocess from the repository root."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True,
                          text=True, env=environment, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under folder -> (sha256, mtime in ns): to prove a folder was left exactly as it was."""
    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            result[path.relative_to(folder).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(),
                                                           path.stat().st_mtime_ns)
    return result


def copy_site(name: str, target: Path) -> Path:
    """A fixture site from tests/sites/ copied to a temporary folder (builds write .cache/ and output/ there)."""
    shutil.copytree(SITES / name, target, ignore=shutil.ignore_patterns("output", ".cache"))
    return target


@pytest.fixture
def site_factory(tmp_path):
    """make(files, config=MINIMAL_CONFIG, name='site') -> a site folder under tmp_path."""

    def make(files: dict[str, str | bytes] | None = None, config: str | None = MINIMAL_CONFIG, name: str = "site") -> Path:
        return write_site(tmp_path / name, files or {}, config)

    return make


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory) -> Path:
    """The fixture site tests/sites/basic built once (fixed NOW) into a temporary copy; returns its folder."""
    site = copy_site("basic", tmp_path_factory.mktemp("basic") / "site")
    build_site(site)
    return site


def news_site(root: Path, publish: str, posts: int = 2) -> Path:
    """A small site (posts with a photo each, a page) whose config.yaml has the given `publish:` section text."""
    files: dict[str, str | bytes] = {"content/pages/profil.md": md("title: Profil")}
    for i in range(posts):
        files[f"content/posts/2024/berita-{i}/index.md"] = md(f"title: Berita {i}\ndate: 2024-05-{i % 28 + 1:02d} 10:{i // 28:02d}\n"
                                                              "tags: [pemilu]\ncover: foto.jpg", f"Isi berita {i}.\n")
        files[f"content/posts/2024/berita-{i}/foto.jpg"] = b"photo"
    return write_site(root, files, config_text(extra=publish))


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under a folder as relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).as_posix() not in skip}
