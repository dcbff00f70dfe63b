"""Pagefind run as a service (`pagefind --service`): the pages handed to it over a pipe and its bundle handed back
the same way, with no file written or read on either side.

Run as a command, Pagefind needs the pages as files in a folder and writes every file of its bundle (one fragment a
page) to be read back: for 1,000 posts some 4,000 files made, read and removed in a cold build, each a cost on a slow
disk and on Windows, where an antivirus looks at every new file.

The protocol is the one Pagefind's own Python and Node wrappers speak: each message is the base64 of a JSON object
followed by a comma, both ways; a request {"message_id": n, "payload": {...}} is answered by a response carrying
the same message_id (answers to the pages may come in any order).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import IO

TIMEOUT = 900       # seconds for one run (about 2 ms a page here)
READ = 1 << 16      # bytes read from the service at a time


class Failed(Exception):
    """The service stopped answering, or answered what cannot be used: the message is for the build's warning."""


class Refused(Failed):
    """The service answered with an error of its own: its words are the message."""


def index(binary: Path, pages: dict[str, bytes], threads: int | None = None) -> tuple[dict[str, bytes], str]:
    """The bundle Pagefind makes of pages ({file name under the site: HTML}) as {path in the bundle: bytes}, and an
    error text ("" when it worked). threads limits Pagefind's own threads (see search.Cache._index)."""
    env = {**os.environ, "RAYON_NUM_THREADS": str(threads)} if threads else None
    try:
        process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=env)
    except OSError as err:
        return {}, str(err)
    said: list[bytes] = []
    listener = threading.Thread(target=lambda: said.append(process.stderr.read()), daemon=True)
    listener.start()
    watchdog = threading.Timer(TIMEOUT, process.kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        return _exchange(process, pages), ""
    except Failed as err:
        _end(process)               # first: what it printed is complete once it has ended
        listener.join(1)
        last = b"".join(said).decode("utf-8", "replace").strip().splitlines()
        return {}, str(err) if isinstance(err, Refused) or not last else last[-1]
    finally:
        watchdog.cancel()
        _end(process)
        listener.join(1)
        process.stderr.close()


def _exchange(process: subprocess.Popen, pages: dict[str, bytes]) -> dict[str, bytes]:
    """NewIndex, then every page (sent by a thread of its own while the answers are read here: the two pipes
    cannot fill each other up), then GetFiles."""
    answers = _Answers(process.stdout)
    _send(process.stdin, 0, {"type": "NewIndex", "config": None})
    index_id = answers.next("NewIndex")["index_id"]
    sender = threading.Thread(target=_send_pages, args=(process.stdin, index_id, pages), daemon=True)
    sender.start()
    for _ in pages:
        answers.next("IndexedFile")
    sender.join()
    _send(process.stdin, len(pages) + 1, {"type": "GetFiles", "index_id": index_id})
    return {_checked(file.get("path")): base64.b64decode(file.get("content") or "")
            for file in answers.next("GetFiles").get("files") or []}


def _checked(path) -> str:
    """A path of the bundle as the service names it: relative, inside the bundle, with `/`; else Failed (it becomes a
    file of the published site)."""
    rel = str(path or "").replace("\\", "/")
    parts = rel.split("/")
    if not rel or rel.startswith("/") or ":" in parts[0] or any(part in ("", ".", "..") for part in parts):
        raise Failed(f"Pagefind memberi nama berkas yang tidak wajar: {rel!r}")
    return rel


def _send_pages(stream: IO[bytes], index_id: int, pages: dict[str, bytes]) -> None:
    try:
        for number, (name, html) in enumerate(pages.items(), 1):
            _send(stream, number, {"type": "AddFile", "index_id": index_id, "file_path": name, "url": None,
                                   "file_contents": html.decode("utf-8", "replace")})
    except Failed:
        pass        # the service is gone: the answers' side says so


def _send(stream: IO[bytes], number: int, payload: dict) -> None:
    message = json.dumps({"message_id": number, "payload": payload}, ensure_ascii=False).encode("utf-8")
    try:
        stream.write(base64.b64encode(message) + b",")
        stream.flush()
    except (OSError, ValueError) as err:      # the service is gone (a broken pipe, or its input closed)
        raise Failed("Pagefind berhenti sebelum selesai") from err


class _Answers:
    """The service's answers, one message at a time."""

    def __init__(self, stream: IO[bytes]):
        self.stream, self.buffer, self.looked = stream, bytearray(), 0

    def next(self, kind: str) -> dict:
        """The next answer's payload, which must be of this kind (else Failed, with the service's own words)."""
        payload = self._message().get("payload") or {}
        if payload.get("type") == "Error":
            raise Refused(str(payload.get("message") or "Pagefind menolak tanpa keterangan"))
        if payload.get("type") != kind:
            raise Failed(f"jawaban Pagefind tidak dikenal ({payload.get('type')})")
        return payload

    def _message(self) -> dict:
        while True:
            at = self.buffer.find(b",", self.looked)
            if at >= 0:
                message = bytes(self.buffer[:at])
                del self.buffer[:at + 1]
                self.looked = 0
                try:
                    return json.loads(base64.b64decode(message))
                except ValueError as err:
                    raise Failed(f"jawaban Pagefind tidak terbaca ({err})") from err
            self.looked = len(self.buffer)
            chunk = self.stream.read1(READ)
            if not chunk:
                raise Failed("Pagefind berhenti sebelum selesai")
            self.buffer += chunk


def _end(process: subprocess.Popen) -> None:
    """The service told there is nothing more (its input closed), and given a moment to end, else ended."""
    try:
        process.stdin.close()
    except OSError:
        pass
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()
