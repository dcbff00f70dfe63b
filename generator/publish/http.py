"""verify --http: every published file fetched as a visitor gets it and its bytes compared with the manifest of the
last publish (this computer's copy, else the one the site serves). No credentials; files the publish never sent
cannot be found this way (a web server lists nothing), so the report says to check the target too."""

from __future__ import annotations

import sys
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.publish import manifest
from generator.publish.findings import (
    CHANGED,
    DIFFERENT,
    MISSING,
    OK,
    UNCHECKED,
    Finding,
    local_record,
    page_finding,
    published_bytes,
)
from generator.publish.plan import MANIFEST, Entry

WORKERS = 8
TIMEOUT = 30
LIMIT = 512 * 1024 * 1024       # a file served larger than this is not read further: it differs anyway


def address(base: str, rel: str) -> str:
    return base.rstrip("/") + "/" + urllib.parse.quote(rel)


def fetch(url: str) -> tuple[int, bytes]:
    """(HTTP status, body); 0 when the server could not be reached at all."""
    request = urllib.request.Request(url, headers={"User-Agent": "kpu-verify", "Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return answer.status, answer.read(LIMIT + 1)
    except urllib.error.HTTPError as err:
        return err.code, b""
    except (urllib.error.URLError, OSError):
        return 0, b""


def served_manifest(base: str, site_dir: Path, name: str) -> dict[str, Entry] | None:
    copy = local_record(site_dir, name)
    data = copy.read_bytes() if copy.is_file() else None
    if data is None:
        status, data = fetch(address(base, MANIFEST))
        data = data if status == 200 else None
    try:
        return manifest.decode(data) if data is not None else None
    except manifest.BadManifest:
        return None


def compare_one(base: str, rel: str, entry: Entry, output: Path) -> Finding | None | str:
    """A finding for one file, None when it is as published, or "unreachable"."""
    status, body = fetch(address(base, rel))
    if status == 0:
        return "unreachable"
    if status == 404 or status == 410:
        return Finding(MISSING, rel, f"tidak ada di server (HTTP {status})")
    if status != 200:
        return Finding(CHANGED, rel, f"server menjawab HTTP {status}, bukan isi berkasnya")
    digest = manifest.hasher()
    digest.update(body)
    if len(body) == entry.size and (entry.sha is None or digest.hexdigest() == entry.sha):
        return None
    page = page_finding(rel, body, published_bytes(output, rel, entry), False)
    return page or Finding(CHANGED, rel, f"isinya berbeda dari yang diterbitkan ({len(body)} bita, yang diterbitkan "
                                         f"{entry.size} bita)")


def verify_http(base: str, site_dir: Path, name: str, output: Path) -> int:
    if not base.startswith(("http://", "https://")):
        print(f"Galat: alamat '{base}' bukan alamat http:// atau https://.", file=sys.stderr)
        return UNCHECKED
    recorded = served_manifest(base, site_dir, name)
    if recorded is None:
        print(f"{name}: belum ada catatan terbitan di komputer ini maupun di {base}, jadi tidak ada yang dapat "
              "dibandingkan. Jalankan publish dulu.", file=sys.stderr)
        return UNCHECKED
    rels = sorted(rel for rel in recorded if rel != MANIFEST)
    with ThreadPoolExecutor(WORKERS) as workers:
        outcomes = list(workers.map(lambda rel: compare_one(base, rel, recorded[rel], output), rels))
    if rels and all(outcome == "unreachable" for outcome in outcomes):
        print(f"{name}: {base} tidak dapat dihubungi; periksa alamatnya dan sambungan internet.", file=sys.stderr)
        return UNCHECKED
    found = [o if isinstance(o, Finding) else Finding(CHANGED, rel, "tidak dapat diambil (sambungan gagal)")
             for rel, o in zip(rels, outcomes) if o is not None]
    order = {"DISUSUPI": 0, CHANGED: 1, MISSING: 2}
    for finding in sorted(found, key=lambda f: (order.get(f.kind, 3), f.rel)):
        print(finding.line())
    if not found:
        print(f"{name}: {len(rels)} berkas yang diterbitkan, diambil dari {base}, sama persis dengan terbitan "
              "terakhir. (Lewat HTTP berkas tambahan tidak terlihat; jalankan juga verify tanpa --http.)")
        return OK
    print(f"{name}: {len(found)} berkas di {base} BERBEDA dari terbitan terakhir. Jalankan 'verify --repair' "
          "untuk mengembalikannya, dan 'verify' tanpa --http untuk mencari berkas asing.")
    return DIFFERENT
