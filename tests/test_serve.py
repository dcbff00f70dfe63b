"""Preview server over real HTTP: only output/ files, content types, 404, live reload events, error overlay, Ctrl-C."""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from generator import cli  # noqa: E402
from generator.build import Options  # noqa: E402
from generator.model.theme import THEME_DIR  # noqa: E402
from generator.preview.http import EVENTS_PATH, content_type, find_file, inject, locate  # noqa: E402
from generator.preview.serve import Preview  # noqa: E402
from tests.conftest import config_text, write_site  # noqa: E402

pytestmark = pytest.mark.servers

WAIT = 15   # upper bound for a rebuild to arrive; never an assertion about speed
SECRET = "RAHASIA-JANGAN-DIKIRIM"
POST = "content/posts/2024/rapat-pleno/index.md"
POST_URL = "/2024/01/02/rapat-pleno/"


def post_text(title: str = "Rapat Pleno Terbuka", extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-02 10:00\n{extra}---\n\nIsi berita rapat pleno.\n"


def preview_site(root: Path, base_url: str = "https://kaltara.kpu.go.id/", post: str | None = None) -> Path:
    """A post and a page, with a secret in config.yaml that the preview must never serve."""
    return write_site(root, {POST: post if post is not None else post_text(),
                             "content/pages/profil.md": "---\ntitle: Profil\n---\nTentang kami.\n"},
                      f"# {SECRET}\n" + config_text(base_url))


def write(site: Path, rel: str, text: str) -> None:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


class Events:
    """A live-reload event stream read over a real HTTP connection."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        self.conn.request("GET", EVENTS_PATH)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def next(self) -> tuple[str, dict] | None:
        name, data = "", ""
        while True:
            line = self.response.fp.readline().decode("utf-8")
            if not line:
                return None
            line = line.rstrip("\n")
            if not line:
                if name:
                    return name, json.loads(data)
                continue
            field, _, value = line.partition(": ")
            if field == "event":
                name = value
            elif field == "data":
                data = value

    def wait(self, name: str) -> dict:
        while True:
            event = self.next()
            assert event is not None, f"stream ended before a '{name}' event"
            if event[0] == name:
                return event[1]

    def close(self) -> None:
        self.conn.close()


class Live:
    """A preview server of one site, running in this process on a free port."""

    def __init__(self, site: Path):
        self.site = site
        self.out, self.err = io.StringIO(), io.StringIO()
        self.threads_before = set(threading.enumerate())
        self.preview = Preview(Options(site, workers=1), out=self.out, err=self.err)
        self.preview.bind("127.0.0.1", 0)
        self.port = self.preview.port
        self.preview.start()
        self.preview.serve_in_thread()
        self.streams: list[Events] = []

    def get(self, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            conn.request(method, path)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def raw(self, target: bytes) -> bytes:
        """Send the request target exactly as given (no client-side normalising) and return the whole reply."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=WAIT) as sock:
            sock.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n\r\n" % self.port)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def events(self) -> Events:
        stream = Events(self.port)
        self.streams.append(stream)
        assert stream.wait("hello")["version"] == self.preview.shown.version
        return stream

    def close(self) -> None:
        self.preview.close()
        for stream in self.streams:
            stream.close()


@pytest.fixture
def live(tmp_path):
    servers = []

    def start(site: Path) -> Live:
        servers.append(Live(site))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
        leftover = [t for t in threading.enumerate() if t not in server.threads_before and t.is_alive()]
        assert not leftover, f"threads left running: {leftover}"


# --- request paths: pure ---------------------------------------------------------------------------------------

TRAVERSALS = [
    "/../config.yaml", "/../../config.yaml", "/a/../../config.yaml", "/%2e%2e/config.yaml", "/%2E%2E/config.yaml",
    "/%2e%2e%2fconfig.yaml", "/..%2fconfig.yaml", "/.%2e/config.yaml", "/..%5cconfig.yaml", "/%5c..%5cconfig.yaml",
    "/..\\config.yaml", "/\\..\\config.yaml", "/assets/%2e%2e/%2e%2e/config.yaml", "/x%00.html", "/%ff%fe",
    "config.yaml", "../config.yaml", "http://127.0.0.1/../config.yaml",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_locate_refuses_paths_that_leave_output(target):
    assert locate(target).kind == "missing"
    assert locate(target, "/kpu-kaltara/").kind in ("missing", "redirect")


@pytest.mark.parametrize("target", ["/%252e%252e%252fconfig.yaml", "/%252e%252e/config.yaml", "//config.yaml",
                                    "/./config.yaml"])
def test_locate_double_encoded_or_odd_paths_stay_inside(target):
    found = locate(target)
    assert found.kind == "file" and ".." not in found.parts
    assert all("/" not in part and "\\" not in part for part in found.parts)


def test_locate_maps_site_urls_to_output_parts():
    assert locate("/") == locate("/?x=1")
    assert locate("/").parts == () and locate("/").directory
    assert locate("/2024/01/02/rapat/?utm=1#top").parts == ("2024", "01", "02", "rapat")
    assert locate("/feed.xml").parts == ("feed.xml",) and not locate("/feed.xml").directory
    assert locate("/berita%20baru/").parts == ("berita baru",)
    assert locate("http://127.0.0.1:8000/feed.xml").parts == ("feed.xml",)


def test_locate_under_a_sub_path():
    base = "/kpu-kaltara/"
    assert locate("/", base).kind == "redirect" and locate("/", base).location == base
    assert locate("/kpu-kaltara", base).location == base
    assert locate("/kpu-kaltara/", base).parts == ()
    assert locate("/kpu-kaltara/2024/01/", base).parts == ("2024", "01")
    assert locate("/2024/01/", base).kind == "missing"
    assert locate("/kpu-kaltara/../config.yaml", base).kind == "missing"


def test_find_file_stays_inside_the_output_folder(tmp_path):
    out = tmp_path / "output"
    (out / "berita").mkdir(parents=True)
    (out / "berita" / "index.html").write_text("ok")
    (out / "feed.xml").write_text("x")
    (tmp_path / "rahasia.txt").write_text(SECRET)
    (out / "pintas.txt").symlink_to(tmp_path / "rahasia.txt")
    (out / "folder-luar").symlink_to(tmp_path)
    assert find_file(out, ("feed.xml",)) == (out.resolve() / "feed.xml", False)
    assert find_file(out, ("berita",)) == (out.resolve() / "berita" / "index.html", True)
    assert find_file(out, ()) == (None, False)
    assert find_file(out, ("pintas.txt",)) == (None, False)
    assert find_file(out, ("folder-luar", "rahasia.txt")) == (None, False)
    assert find_file(out, ("..", "rahasia.txt")) == (None, False)
    assert find_file(out, (str(tmp_path / "rahasia.txt"),)) == (None, False)   # an absolute part
    assert find_file(out, ("tidak-ada.html",)) == (None, False)


def test_inject_goes_before_the_last_body_end():
    snippet = b"<script>x</script>"
    assert inject(b"<html><body><p>a</p></BODY></html>", snippet) == b"<html><body><p>a</p><script>x</script></BODY></html>"
    assert inject(b"<p>no body</p>", snippet) == b"<p>no body</p><script>x</script>"
    page = b"<body><pre>&lt;/body&gt; </body></pre></body>"
    assert inject(page, snippet).endswith(b"<script>x</script></body>")


@pytest.mark.parametrize("name, kind", [
    ("a.html", "text/html; charset=utf-8"), ("a.webp", "image/webp"), ("A.AVIF", "image/avif"),
    ("feed.xml", "application/xml; charset=utf-8"), ("favicon.svg", "image/svg+xml"),
    ("lightbox.js", "text/javascript; charset=utf-8"), ("style.css", "text/css; charset=utf-8"),
    ("data.json", "application/json"), ("foto.jpg", "image/jpeg"), ("robots.txt", "text/plain; charset=utf-8"),
    ("jadwal.pdf", "application/pdf"), ("tanpa-akhiran", "application/octet-stream"),
])
def test_content_types(name, kind):
    assert content_type(name) == kind


# --- over real HTTP ---------------------------------------------------------------------------------------------

def test_serves_output_files_with_types_404_and_no_caching(tmp_path, live):
    site = preview_site(tmp_path / "situs")
    bundle = (site / POST).parent
    image = Image.new("RGB", (64, 48), (180, 40, 40))
    image.save(bundle / "pembukaan.jpg", quality=85)
    (bundle / "data.json").write_text('{"a": 1}')
    image.save(bundle / "peta.avif")                    # a photo like any other (AVIF can carry GPS): made in AVIF
    with open(site / "config.yaml", "a", encoding="utf-8") as config:
        config.write("photos:\n  avif: true\n")
    server = live(site)

    status, headers, body = server.get(POST_URL)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body)
    assert b"Rapat Pleno Terbuka" in body and EVENTS_PATH.encode() in body
    assert body.index(EVENTS_PATH.encode()) < body.rindex(b"</body>")
    on_disk = (site / "output" / POST_URL.strip("/") / "index.html").read_bytes()
    assert EVENTS_PATH.encode() not in on_disk
    assert not any(EVENTS_PATH.encode() in p.read_bytes() for p in (site / "output").rglob("*") if p.is_file())

    webp = next((site / "output").rglob("*.webp")).relative_to(site / "output").as_posix()
    avif = next((site / "output").rglob("peta-*.avif")).relative_to(site / "output").as_posix()
    for path, kind in [("/feed.xml", "application/xml"), ("/assets/favicon.svg", "image/svg+xml"),
                       ("/assets/style.css", "text/css"), ("/assets/lightbox.js", "text/javascript"),
                       (POST_URL + "data.json", "application/json"), ("/" + avif, "image/avif"),
                       ("/" + webp, "image/webp"), ("/robots.txt", "text/plain")]:
        status, headers, body = server.get(path)
        assert status == 200, path
        assert headers["content-type"].startswith(kind), path
        assert headers["cache-control"] == "no-store"
        assert EVENTS_PATH.encode() not in body

    status, headers, body = server.get("/tidak/ada/")
    assert status == 404 and headers["cache-control"] == "no-store"
    assert (site / "output" / "404.html").read_bytes().split(b"</body>")[0] in body

    status, headers, body = server.get(POST_URL.rstrip("/") + "?a=1")
    assert status == 301 and headers["location"] == POST_URL + "?a=1"

    status, headers, body = server.get(POST_URL, method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_traversal_requests_get_no_file_from_outside(tmp_path, live):
    site = preview_site(tmp_path / "situs")
    (tmp_path / "rahasia.txt").write_text(SECRET)
    server = live(site)
    targets = [t.encode("latin-1") for t in TRAVERSALS if t.startswith(("/", "http"))]
    targets += [b"/%252e%252e%252fconfig.yaml", b"/..%252fconfig.yaml", b"//config.yaml", b"/../rahasia.txt",
                b"/../../rahasia.txt", b"/%2e%2e/%2e%2e/rahasia.txt", b"/" + str(tmp_path / "rahasia.txt").encode(),
                b"//" + str(tmp_path / "rahasia.txt").lstrip("/").encode(), b"/etc/passwd", b"/../../../../etc/passwd",
                b"/%2e%2e/" * 8 + b"etc/passwd", b"/..\\..\\config.yaml", b"/content/posts/2024/rapat-pleno/index.md"]
    for target in targets:
        reply = server.raw(target)
        status = int(reply.split(b" ", 2)[1])
        assert status in (400, 404), target
        assert SECRET.encode() not in reply, target
        assert b"root:" not in reply, target


def test_edit_rebuild_reload_and_error_overlay(tmp_path, live):
    site = preview_site(tmp_path / "situs")
    server = live(site)
    stream = server.events()

    write(site, POST, post_text(extra="") + "Kalimat tambahan yang baru.\n")
    reload = stream.wait("reload")
    assert reload["problems"] == []
    assert b"Kalimat tambahan yang baru." in server.get(POST_URL)[2]

    write(site, POST, "---\ntitle: [Rapat rusak\ndate: 2024-01-02 10:00\n---\nIsi.\n")
    failed = stream.wait("failed")
    assert failed["version"] == reload["version"]
    assert any(re.match(re.escape(POST) + r":\d+: ", p) for p in failed["problems"]), failed
    status, _, body = server.get(POST_URL)
    assert status == 200 and b"Kalimat tambahan yang baru." in body   # the last good build is still served
    assert POST.encode() in body                                         # and the page carries the problems
    assert b"Rapat rusak" not in body.split(b"<script>window.__kpuLive")[0]

    write(site, POST, post_text("Rapat Pleno Diperbaiki"))
    fixed = stream.wait("reload")
    assert fixed["problems"] == [] and fixed["version"] != reload["version"]
    status, _, body = server.get(POST_URL)
    assert b"Rapat Pleno Diperbaiki" in body and POST.encode() not in body


def test_new_and_deleted_posts_show_up_on_and_leave_the_lists(tmp_path, live):
    site = preview_site(tmp_path / "situs")
    server = live(site)
    stream = server.events()
    write(site, "content/posts/2024/pengumuman-baru.md", "---\ntitle: Pengumuman Seleksi PPK\ndate: 2024-03-04\n---\nIsi.\n")
    stream.wait("reload")
    for path in ("/", "/arsip/", "/kategori/berita/", "/2024/03/"):
        assert b"Pengumuman Seleksi PPK" in server.get(path)[2], path
    shutil.rmtree(site / POST.rsplit("/", 1)[0])
    stream.wait("reload")
    assert server.get(POST_URL)[0] == 404
    assert b"Rapat Pleno Terbuka" not in server.get("/")[2]


def test_template_error_and_missing_photo_show_problems_then_recover(tmp_path, live):
    site = preview_site(tmp_path / "situs")
    shutil.copytree(THEME_DIR, site / "templates")
    server = live(site)
    stream = server.events()

    post_html = site / "templates" / "post.html"
    good = post_html.read_text(encoding="utf-8")
    post_html.write_text(good.replace("<h1>{{ post.title }}</h1>", "<h1>{{ post.title </h1>"), encoding="utf-8")
    failed = stream.wait("failed")
    assert any(re.match(r"templates/post\.html:\d+: ", p) for p in failed["problems"]), failed
    post_html.write_text(good, encoding="utf-8")
    stream.wait("reload")

    write(site, POST, post_text(extra="gallery:\n  - file: hilang.jpg\n    caption: Foto yang hilang\n"))
    failed = stream.wait("failed")
    assert any(p.startswith(POST + ":5: ") and "hilang.jpg" in p for p in failed["problems"]), failed
    write(site, POST, post_text())
    assert stream.wait("reload")["problems"] == []


def test_site_under_a_sub_path(tmp_path, live):
    site = preview_site(tmp_path / "situs", base_url="https://kpu.go.id/kpu-kaltara/")
    server = live(site)
    assert server.preview.url.endswith("/kpu-kaltara/")
    status, headers, _ = server.get("/")
    assert status == 302 and headers["location"] == "/kpu-kaltara/"
    status, headers, body = server.get("/kpu-kaltara/")
    assert status == 200 and b'href="/kpu-kaltara/assets/style.css"' in body
    assert server.get("/kpu-kaltara/assets/style.css")[0] == 200
    assert server.get("/kpu-kaltara" + POST_URL)[0] == 200
    assert server.get(POST_URL)[0] == 404
    reply = server.raw(b"/kpu-kaltara/../config.yaml")
    assert SECRET.encode() not in reply and b" 404 " in reply.split(b"\r\n")[0] + b" "


def test_a_broken_first_build_still_serves_and_recovers(tmp_path, live):
    site = preview_site(tmp_path / "situs", post="---\ntitle: Tanpa tanggal\n---\nIsi.\n")
    server = live(site)
    stream = server.events()
    status, _, body = server.get("/")
    assert status == 503 and b"Situs belum berhasil dibangun" in body and POST.encode() in body
    write(site, POST, post_text())
    stream.wait("reload")
    status, _, body = server.get(POST_URL)
    assert status == 200 and b"Rapat Pleno Terbuka" in body


def test_port_in_use_is_a_clear_usage_error(tmp_path, capsys):
    site = preview_site(tmp_path / "situs")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = cli.main(["serve", "--site", str(site), "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"porta {port}" in err and "--port" in err and "Traceback" not in err
    assert not (site / "output").exists()   # failed before building anything


@pytest.mark.parametrize("inherited", ["default", "ignored"])
def test_ctrl_c_stops_the_command_cleanly(tmp_path, inherited):
    """'ignored': started with SIGINT ignored, as nohup, a script's background job or a CI wrapper starts it (and
    as this test's child is when the suite itself runs so): Ctrl-C still stops it (issue 24, 21b)."""
    if inherited == "ignored" and os.name != "posix":
        pytest.skip("SIGINT is inherited as ignored only on POSIX")
    site = preview_site(tmp_path / "situs")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if inherited == "ignored" else None
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=ignore)
    try:
        address = ""
        for line in proc.stdout:
            if "Situs tampil di" in line:
                address = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                break
        assert address, proc.stderr.read()
        port = int(address.group(1))
        stream = Events(port)
        assert stream.next()[0] == "hello"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=WAIT) == 0
        assert stream.next() is None           # the event stream was closed, not left hanging
        stream.close()
        assert "Pratinjau dihentikan." in proc.stdout.read()
        assert "Traceback" not in proc.stderr.read()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_a_save_during_the_first_build_gives_a_rebuild_after_it(tmp_path, monkeypatch):
    import generator.preview.serve as serve_module

    site = preview_site(tmp_path / "situs")
    real_build, calls = serve_module.build, []

    def slow_first_build(options, memory=None):
        calls.append(threading.current_thread().name)
        result = real_build(options, memory)
        if len(calls) == 1:   # the user saves while the first build is still running
            write(site, POST, post_text("Disimpan Saat Membangun"))
            pause = threading.Event()
            for _ in range(WAIT * 100):
                if preview.watcher.debouncer.deadline() is not None:
                    break
                pause.wait(0.01)
        return result

    monkeypatch.setattr(serve_module, "build", slow_first_build)
    preview = Preview(Options(site, workers=1), out=io.StringIO(), err=io.StringIO())
    preview.bind("127.0.0.1", 0)
    try:
        preview.start()
        pause = threading.Event()
        for _ in range(WAIT * 100):
            if preview.shown.version.endswith("-2"):
                break
            pause.wait(0.01)
        assert len(calls) == 2 and preview.shown.version.endswith("-2")
        assert b"Disimpan Saat Membangun" in (site / "output" / POST_URL.strip("/") / "index.html").read_bytes()
    finally:
        preview.close()


def test_a_page_closed_mid_answer_prints_no_traceback(tmp_path, live, capsys):
    site = preview_site(tmp_path / "situs")
    (site / (POST.rsplit("/", 1)[0] + "/besar.pdf")).write_bytes(b"%PDF" + b"x" * 4_000_000)
    server = live(site)
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))   # reset, not close
        sock.sendall(f"GET {POST_URL}besar.pdf HTTP/1.0\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        sock.recv(100)
    assert server.get(POST_URL)[0] == 200   # still serving
    server.close()
    server.close = lambda: None
    assert "Traceback" not in capsys.readouterr().err


def test_a_bug_in_the_build_is_shown_not_fatal(tmp_path, live, monkeypatch):
    import generator.preview.serve as serve_module

    site = preview_site(tmp_path / "situs")
    server = live(site)
    stream = server.events()
    real_build = serve_module.build

    def broken(options, memory=None):
        raise KeyError("slug")

    monkeypatch.setattr(serve_module, "build", broken)
    write(site, POST, post_text("Judul Lain"))
    failed = stream.wait("failed")
    assert failed["problems"] and "KeyError" in failed["problems"][0]
    assert "Traceback" not in server.err.getvalue()
    monkeypatch.setattr(serve_module, "build", real_build)
    write(site, POST, post_text("Judul Lain Lagi"))
    assert stream.wait("reload")["problems"] == []


def test_fifty_connections_at_once_are_all_taken_even_before_the_server_answers(tmp_path):
    """A page load opens many connections together; with a listen backlog of 5 the rest waited for a retry."""
    from generator.preview.serve import Preview

    site = preview_site(tmp_path / "situs")
    preview = Preview(Options(site, workers=1), out=io.StringIO(), err=io.StringIO())
    preview.bind("127.0.0.1", 0)
    port = preview.port
    clients = []
    try:
        for _ in range(50):          # the server accepts none of them yet: only the backlog holds them
            client = socket.socket()
            client.settimeout(0.5)
            client.connect(("127.0.0.1", port))
            clients.append(client)
        assert len(clients) == 50
    finally:
        for client in clients:
            client.close()
        preview.close()


def test_the_preview_refuses_a_folder_of_someones_files_before_serving_it(tmp_path, capsys):
    site = preview_site(tmp_path / "situs")
    folder = tmp_path / "dokumen"
    folder.mkdir()
    (folder / "skripsi.docx").write_bytes(b"bab 1")
    code = cli.main(["serve", "--site", str(site), "--output", str(folder), "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2 and "skripsi.docx" in err and "--force" in err and "Traceback" not in err
    assert sorted(p.name for p in folder.iterdir()) == ["skripsi.docx"]


def test_a_new_draft_shows_in_the_preview_marked_and_counted(tmp_path, live):
    """Issue 24.19: `new` makes a draft, and the preview hid it: missing from the home page, 404 at its address."""
    site = preview_site(tmp_path / "situs")
    server = live(site)
    stream = server.events()
    write(site, "content/posts/2024/berita-baru/index.md",
          "---\ntitle: Berita Baru Humas\ndate: 2024-03-04 09:00\ndraft: true\n---\n\nIsi berita baru.\n")
    stream.wait("reload")
    status, _headers, page = server.get("/2024/03/04/berita-baru/")
    assert status == 200 and b'class="draft-mark">DRAF</strong>' in page
    home = server.get("/")[2].decode("utf-8")
    assert "Pratinjau menampilkan 1 berita draf" in home and "Berita Baru Humas" in home
    assert "1 berita draf ikut ditampilkan di pratinjau" in server.out.getvalue()
    assert b"draft-banner" not in server.get(POST_URL)[2]
