"""Who may talk to the preview (Host header, password), the desk's mount at /_redaksi/, and `serve --open`, over real
HTTP on 127.0.0.1 with the real command where it matters."""

from __future__ import annotations

import base64
import http.client
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import cli  # noqa: E402
from generator.build import Options  # noqa: E402
from generator.preview.guard import allowed_hosts, is_loopback, password_matches, same_origin  # noqa: E402
from generator.preview.http import EVENTS_PATH  # noqa: E402
from generator.preview.serve import Preview, Serving, installed_desk  # noqa: E402
from tests.conftest import config_text, run_cli, write_site  # noqa: E402

pytestmark = pytest.mark.quick

WAIT = 15
SECRET = "RAHASIA-JANGAN-DIKIRIM"
PASSWORD = "Sandi Kantor 2024 ü"
POST = "content/posts/2024/rapat-pleno/index.md"
POST_URL = "/2024/01/02/rapat-pleno/"


def post_text(title: str) -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-02 10:00\n---\n\nIsi berita rapat pleno.\n"


def site_at(root: Path) -> Path:
    return write_site(root, {POST: post_text("Rapat Pleno Terbuka")}, f"# {SECRET}\n" + config_text())


def basic(password: str, user: str = "redaksi") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")


class DeskStandIn:
    """A tiny real Starlette app mounted through the preview's desk seam; it keeps the context it was given."""

    def __init__(self):
        self.context: dict = {}

    def __call__(self, **context) -> Starlette:
        self.context = context

        async def home(request: Request) -> PlainTextResponse:
            return PlainTextResponse(f"Meja Redaksi {request.url.path}")

        def save(request: Request) -> PlainTextResponse:   # a sync route: Starlette runs it on a worker thread
            (context["site"] / POST).write_text(post_text("Disimpan dari Meja"), encoding="utf-8")
            context["rebuild"]()
            return PlainTextResponse("tersimpan")

        async def broken(request: Request) -> PlainTextResponse:
            raise RuntimeError("kesalahan di meja")

        return Starlette(routes=[Route("/", home), Route("/simpan", save, methods=["POST"]), Route("/rusak", broken)])


@pytest.fixture
def running(tmp_path):
    previews = []

    def start(serving: Serving = Serving(), out: io.StringIO | None = None) -> Preview:
        preview = Preview(Options(site_at(tmp_path / f"situs{len(previews)}"), workers=1), out=out or io.StringIO(),
                          err=io.StringIO(), serving=serving)
        previews.append(preview)
        preview.bind("127.0.0.1", 0)
        preview.start()
        preview.serve_in_thread()
        return preview

    yield start
    for preview in previews:
        preview.close()


def ask(port: int, path: str, host: str | None = None, method: str = "GET", **headers) -> tuple[int, dict, bytes]:
    """One request with the Host header given exactly (None: the server's own)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        for name, value in headers.items():
            conn.putheader(name.replace("_", "-"), value)
        conn.endheaders()
        response = conn.getresponse()
        body = b"" if path == EVENTS_PATH and response.status == 200 else response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


# --- pure -------------------------------------------------------------------------------------------------------

def test_loopback_hosts_need_no_password_others_do():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "", "192.168.1.5", "kantor.local", "10.0.0.1"))


def test_allowed_hosts_name_this_server_with_its_port():
    hosts = allowed_hosts("127.0.0.1", 8000)
    assert {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"} <= hosts
    assert not hosts & {"127.0.0.1", "localhost", "127.0.0.1:8001", "evil.example:8000", "0.0.0.0:8000"}
    assert "192.168.1.5:8000" in allowed_hosts("192.168.1.5", 8000)
    assert "[fe80::1]:8000" in allowed_hosts("fe80::1", 8000)
    assert {"kantor:8000", "192.168.1.5:8000"} <= allowed_hosts("0.0.0.0", 8000, ("kantor", "192.168.1.5"))
    assert "0.0.0.0:8000" not in allowed_hosts("0.0.0.0", 8000, ())
    assert {"localhost", "localhost:80"} <= allowed_hosts("127.0.0.1", 80)   # browsers leave out port 80


@pytest.mark.parametrize("header, ok", [
    (basic(PASSWORD), True), (basic(PASSWORD, user=""), True), (basic(PASSWORD, user="siapa saja"), True),
    (basic(PASSWORD + " "), False), (basic("sandi lain"), False), (basic(""), False), (None, False), ("", False),
    ("Basic", False), ("Basic !!!tidak-base64", False), ("Bearer " + PASSWORD, False),
    ("Basic " + base64.b64encode(PASSWORD.encode()).decode(), False),          # no "user:" part
    ("basic " + basic(PASSWORD).split()[1], True),
])
def test_password_matches_only_the_right_basic_credentials(header, ok):
    assert password_matches(header, PASSWORD) is ok


# --- over real HTTP ---------------------------------------------------------------------------------------------

def test_a_request_that_does_not_name_this_server_is_refused(running):
    desk = DeskStandIn()
    port = running(Serving(desk=desk)).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert ask(port, POST_URL, host)[0] == 200, host
    foreign = [f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "127.0.0.1", "localhost",
               f"127.0.0.1:{port + 1}", f"0.0.0.0:{port}", f"localhost:{port}@evil.example", ""]
    for host in foreign:
        for path in (POST_URL, "/_panduan/", "/_redaksi/", EVENTS_PATH, "/config.yaml"):
            status, headers, body = ask(port, path, host)
            assert status == 400, (host, path)
            assert b"Rapat Pleno" not in body and b"Meja Redaksi" not in body and SECRET.encode() not in body
            assert "Host" in body.decode("utf-8") and "access-control-allow-origin" not in headers
    assert ask(port, "/_redaksi/simpan", f"evil.example:{port}", method="POST")[0] == 400
    assert "tersimpan" not in (desk.context["site"] / POST).read_text(encoding="utf-8")
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:   # HTTP/1.0 allows no Host at all
        sock.sendall(f"GET {POST_URL} HTTP/1.0\r\n\r\n".encode())
        assert sock.makefile("rb").readline().split()[1] == b"400"


def test_with_a_password_every_route_asks_for_it(running):
    preview = running(Serving(password=PASSWORD, desk=DeskStandIn()))
    port = preview.port
    for path in (POST_URL, "/", "/_panduan/", "/_redaksi/", "/_redaksi", "/feed.xml", "/tidak-ada/", EVENTS_PATH):
        for wrong in ({}, {"Authorization": basic("salah")}, {"Authorization": "Bearer " + PASSWORD}):
            status, headers, body = ask(port, path, **wrong)
            assert status == 401, (path, wrong)
            assert headers["www-authenticate"].startswith('Basic realm="')
            assert b"Rapat Pleno" not in body and b"Meja Redaksi" not in body
        status, headers, _ = ask(port, path, Authorization=basic(PASSWORD))
        assert status in (200, 301, 404), path
    assert ask(port, "/_redaksi/", Authorization=basic(PASSWORD))[2] == b"Meja Redaksi /_redaksi/"
    assert ask(port, "/_redaksi/simpan", method="POST")[0] == 401
    assert ask(port, POST_URL, f"evil.example:{port}", Authorization=basic(PASSWORD))[0] == 400


def test_the_desk_is_mounted_with_its_context_and_never_written_to_output(running):
    desk, out = DeskStandIn(), io.StringIO()
    preview = running(Serving(desk=desk), out)
    port = preview.port
    context = desk.context
    assert set(context) == {"site", "options", "rebuild", "preview_origin", "token"}
    assert context["site"] == preview.options.site_dir and context["options"] is preview.options
    assert context["preview_origin"] == preview.origin == f"http://127.0.0.1:{port}"
    assert isinstance(context["token"], str) and len(context["token"]) >= 40
    assert preview.desk_url == preview.origin + "/_redaksi/"

    assert ask(port, "/_redaksi/") == (200, ask(port, "/_redaksi/")[1], b"Meja Redaksi /_redaksi/")
    status, headers, _ = ask(port, "/_redaksi")
    assert status == 301 and headers["location"] == "/_redaksi/"
    assert ask(port, "/_redaksi/tidak-ada")[0] == 404

    status, _, body = ask(port, "/_redaksi/simpan", method="POST", Content_Length="0")
    assert (status, body) == (200, b"tersimpan")
    assert b"Disimpan dari Meja" in ask(port, POST_URL)[2]        # rebuilt before the desk answered
    assert "Dibangun ulang (Meja Redaksi)" in out.getvalue()
    assert not [p for p in (preview.output).rglob("*") if "redaksi" in p.name]


def test_a_bug_behind_a_route_gives_500_and_one_line_without_traceback(running, capsys, monkeypatch):
    monkeypatch.delenv("GENERATOR_DEBUG", raising=False)
    port = running(Serving(desk=DeskStandIn())).port
    assert ask(port, "/_redaksi/rusak")[0] == 500
    assert ask(port, POST_URL)[0] == 200                              # still serving
    err = capsys.readouterr().err
    assert "Galat saat melayani permintaan: RuntimeError('kesalahan di meja')" in err and "Traceback" not in err


@pytest.mark.parametrize("headers, ok", [
    ({}, True), ({"origin": "http://127.0.0.1:8000"}, True), ({"origin": "HTTP://LOCALHOST:8000"}, True),
    ({"sec-fetch-site": "same-origin", "origin": "http://[::1]:8000"}, True), ({"sec-fetch-site": "none"}, True),
    ({"origin": "http://evil.example"}, False), ({"origin": "http://127.0.0.1:8001"}, False),
    ({"origin": "https://127.0.0.1:8000"}, False), ({"origin": "null"}, False), ({"origin": ""}, False),
    ({"sec-fetch-site": "cross-site"}, False), ({"sec-fetch-site": "same-site"}, False),
    ({"sec-fetch-site": "cross-site", "origin": "http://127.0.0.1:8000"}, False),
])
def test_same_origin_knows_a_change_sent_from_another_sites_page(headers, ok):
    assert same_origin(headers, allowed_hosts("127.0.0.1", 8000)) is ok


def test_a_change_sent_from_another_sites_page_is_refused(running):
    desk = DeskStandIn()
    port = running(Serving(desk=desk)).port
    post = desk.context["site"] / POST
    before = post.read_text(encoding="utf-8")
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": f"http://localhost:{port + 1}", "Sec-Fetch-Site": "same-site"}):
        status, _, body = ask(port, "/_redaksi/simpan", method="POST", Content_Length="0", **headers)
        assert status == 403 and "situs lain" in body.decode("utf-8"), headers
    assert post.read_text(encoding="utf-8") == before
    assert ask(port, "/_redaksi/", Origin="http://evil.example")[0] == 200        # reading is not a change
    status, _, body = ask(port, "/_redaksi/simpan", method="POST", Content_Length="0",
                          Origin=f"http://127.0.0.1:{port}", Sec_Fetch_Site="same-origin")
    assert (status, body) == (200, b"tersimpan")


def test_without_a_desk_there_is_no_desk_route(running):
    preview = running()
    assert preview.desk_url is None
    assert ask(preview.port, "/_redaksi/")[0] == 404


def test_head_of_a_file_sends_its_length_and_no_body(running):
    preview = running()
    port = preview.port
    status, headers, body = ask(port, "/feed.xml", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 100
    assert headers["content-type"].startswith("application/xml") and headers["cache-control"] == "no-store"
    status, headers, body = ask(port, "/feed.xml")
    assert int(headers["content-length"]) == len(body) and body.startswith(b"<?xml")


def test_a_large_file_is_sent_whole_in_chunks(running):
    preview = running()
    large = bytes(range(256)) * (3 * 4096 + 7)            # 3 MB and a bit: streamed, not read at once
    (preview.output / "besar.pdf").write_bytes(large)
    status, headers, body = ask(preview.port, "/besar.pdf")
    assert status == 200 and body == large and int(headers["content-length"]) == len(large)
    assert headers["content-type"] == "application/pdf"
    status, headers, body = ask(preview.port, "/besar.pdf", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) == len(large)


# --- the command ------------------------------------------------------------------------------------------------

def test_another_host_without_a_password_is_refused_before_anything_starts(tmp_path, capsys, monkeypatch):
    site = site_at(tmp_path / "situs")
    monkeypatch.delenv("REDAKSI_PASSWORD", raising=False)
    for host in ("0.0.0.0", "::"):
        code = cli.main(["serve", "--site", str(site), "--host", host, "--port", "0"])
        err = capsys.readouterr().err
        assert code == 2, host
        assert "kata sandi" in err and "REDAKSI_PASSWORD" in err and f"--host {host}" in err
        assert "Traceback" not in err
    monkeypatch.setenv("REDAKSI_PASSWORD", "")
    assert cli.main(["serve", "--site", str(site), "--host", "0.0.0.0", "--port", "0"]) == 2
    assert not (site / "output").exists()


class Command:
    """`python -m generator serve` in a process of its own, until stop()."""

    def __init__(self, site: Path, *args: str, env: dict | None = None):
        env = {**{k: v for k, v in os.environ.items() if k != "REDAKSI_PASSWORD"}, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", "0",
                                      *args], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        self.lines: list[str] = []
        for line in self.proc.stdout:
            self.lines.append(line)
            if found := re.search(r"Situs tampil di http://127\.0\.0\.1:(\d+)/", line):
                self.port = int(found.group(1))
                return
        raise AssertionError("the preview did not start: " + self.proc.stderr.read())

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, str, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        try:
            code = self.proc.wait(timeout=WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        out, err = self.proc.communicate()
        return code, "".join(self.lines) + out, err


def test_another_host_with_a_password_warns_and_asks_every_request_for_it(tmp_path):
    site = site_at(tmp_path / "situs")
    command = Command(site, "--host", "0.0.0.0", env={"REDAKSI_PASSWORD": PASSWORD})
    try:
        assert ask(command.port, POST_URL)[0] == 401
        assert ask(command.port, POST_URL, Authorization=basic("salah"))[0] == 401
        status, _, body = ask(command.port, POST_URL, Authorization=basic(PASSWORD))
        assert status == 200 and b"Rapat Pleno Terbuka" in body
        assert ask(command.port, POST_URL, f"evil.example:{command.port}", Authorization=basic(PASSWORD))[0] == 400
    finally:
        code, out, err = command.stop()
    assert code == 0 and "Pratinjau dihentikan." in out and "Traceback" not in err
    assert "Peringatan" in err and "jaringan kantor" in err and "kata sandi" in err
    assert PASSWORD not in out + err


def test_open_starts_the_browser_at_the_desk_once_listening(tmp_path):
    site = site_at(tmp_path / "situs")
    record = tmp_path / "dibuka.txt"
    browser = tmp_path / "peramban.py"
    browser.write_text(f"#!{sys.executable}\nimport sys, pathlib\n"
                       f"pathlib.Path({str(record)!r}).write_text(sys.argv[1])\n", encoding="utf-8")
    browser.chmod(0o755)
    command = Command(site, "--open", env={"BROWSER": str(browser)})
    try:
        deadline = time.monotonic() + WAIT
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        opened = record.read_text(encoding="utf-8")
        where = "/_redaksi/" if installed_desk() is not None else "/"
        assert opened == f"http://127.0.0.1:{command.port}{where}"
        assert ask(command.port, where)[0] == 200
    finally:
        code, out, err = command.stop()
    assert code == 0 and "Traceback" not in err


def test_without_open_no_browser_is_started(tmp_path):
    site = site_at(tmp_path / "situs")
    record = tmp_path / "dibuka.txt"
    command = Command(site, env={"BROWSER": f"{sys.executable} -c \"open({str(record)!r}, 'w')\" %s"})
    try:
        assert ask(command.port, "/")[0] == 200
    finally:
        code, _, _ = command.stop()
    assert code == 0 and not record.exists()


def test_sigterm_stops_the_preview_like_ctrl_c(tmp_path):
    command = Command(site_at(tmp_path / "situs"))
    port = command.port
    assert ask(port, POST_URL)[0] == 200
    code, out, err = command.stop(signal.SIGTERM)
    assert code == 0 and "Pratinjau dihentikan." in out and "Traceback" not in err
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


class Terminal:
    """`serve --host 0.0.0.0` on a real pseudo-terminal (POSIX), so that getpass asks for the password there."""

    def __init__(self, site: Path):
        import pty  # POSIX only

        env = {k: v for k, v in os.environ.items() if k != "REDAKSI_PASSWORD"}
        argv = [sys.executable, "-m", "generator", "serve", "--site", str(site), "--host", "0.0.0.0", "--port", "0"]
        self.pid, self.fd = pty.fork()
        if self.pid == 0:   # the child: run the command with this terminal as its own
            os.chdir(ROOT)
            os.execve(sys.executable, argv, env)
        self.seen = b""

    def expect(self, pattern: bytes) -> re.Match:
        deadline = time.monotonic() + WAIT * 4
        while not (found := re.search(pattern, self.seen)):
            assert time.monotonic() < deadline, self.seen.decode("utf-8", "replace")
            try:
                self.seen += os.read(self.fd, 4096)
            except OSError:    # the command ended
                assert re.search(pattern, self.seen), self.seen.decode("utf-8", "replace")
        return found

    def type(self, text: str) -> None:
        os.write(self.fd, text.encode("utf-8") + b"\n")

    def end(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a pseudo-terminal needs POSIX")
def test_a_password_typed_twice_at_start_guards_every_request(tmp_path):
    terminal = Terminal(site_at(tmp_path / "situs"))
    try:
        terminal.expect(b"Kata sandi pratinjau")
        terminal.type(PASSWORD)
        terminal.expect(b"sekali lagi")
        terminal.type(PASSWORD)
        port = int(terminal.expect(rb"Situs tampil di http://127\.0\.0\.1:(\d+)/").group(1))
        assert ask(port, POST_URL)[0] == 401
        assert ask(port, POST_URL, Authorization=basic(PASSWORD))[0] == 200
    finally:
        os.kill(terminal.pid, signal.SIGINT)
        terminal.expect(b"Pratinjau dihentikan")
        code = terminal.end()
    assert code == 0
    assert PASSWORD.encode("utf-8") not in terminal.seen and b"Traceback" not in terminal.seen   # never echoed


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a pseudo-terminal needs POSIX")
def test_two_different_passwords_typed_refuse_to_start(tmp_path):
    site = site_at(tmp_path / "situs")
    terminal = Terminal(site)
    terminal.expect(b"Kata sandi pratinjau")
    terminal.type(PASSWORD)
    terminal.expect(b"sekali lagi")
    terminal.type(PASSWORD + "x")
    terminal.expect(b"tidak sama")
    assert terminal.end() == 2
    assert not (site / "output").exists()


def _browser_recorder(tmp_path: Path) -> tuple[Path, Path]:
    record = tmp_path / "dibuka.txt"
    browser = tmp_path / "peramban.py"
    browser.write_text(f"#!{sys.executable}\nimport sys, pathlib\n"
                       f"pathlib.Path({str(record)!r}).write_text(sys.argv[1])\n", encoding="utf-8")
    browser.chmod(0o755)
    return browser, record


def test_a_second_start_of_a_running_preview_opens_the_browser_there_instead_of_a_second_preview(tmp_path):
    site = site_at(tmp_path / "situs")
    browser, record = _browser_recorder(tmp_path)
    first = Command(site)
    try:
        second = run_cli("serve", "--site", str(site), "--open", "--free-port", env={"BROWSER": str(browser)})
        assert second.code == 0, second.err
        assert f"sudah berjalan di http://127.0.0.1:{first.port}/" in second.out and "Traceback" not in second.err
        where = "/_redaksi/" if installed_desk() is not None else "/"
        deadline = time.monotonic() + WAIT
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert record.read_text(encoding="utf-8") == f"http://127.0.0.1:{first.port}{where}"
        assert ask(first.port, "/")[0] == 200
    finally:
        code, _, err = first.stop()
    assert code == 0 and "Traceback" not in err
    assert not (site / ".cache" / "pratinjau-berjalan.json").exists(), "the note goes with the preview"


@pytest.mark.parametrize("note", ['{"mark": "x", "url": "http://127.0.0.1:9/", "desk": null}',
                                  '{"mark": "x", "url": "https://kpu.go.id/", "desk": null}', "bukan json", "[]"])
def test_a_note_of_a_preview_that_no_longer_answers_or_names_another_host_starts_a_new_preview(tmp_path, note):
    site = site_at(tmp_path / "situs")
    (site / ".cache").mkdir(exist_ok=True)
    (site / ".cache" / "pratinjau-berjalan.json").write_text(note, encoding="utf-8")
    command = Command(site)
    try:
        assert ask(command.port, "/")[0] == 200
    finally:
        code, out, err = command.stop()
    assert code == 0 and "sudah berjalan" not in out and "Traceback" not in err
