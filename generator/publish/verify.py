"""verify: is the live site exactly what the last publish sent? Every file on the target compared with the manifest of
that publish (the copy this computer kept, else the target's own), each difference named; --repair puts the site's
own files back; --http compares what a visitor is served. Foreign files are named, never deleted."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from generator.core import system
from generator.model import config as config_module
from generator.options import Options
from generator.publish import manifest
from generator.publish.findings import (
    DIFFERENT,
    OK,
    ORDER,
    RECORD,
    UNCHECKED,
    Comparison,
    Finding,
    compare_live,
    findings,
    local_record,
    repairs,
)
from generator.publish.interrupt import how, stoppable
from generator.publish.plan import MANIFEST, Entry
from generator.publish.registry import open_transport
from generator.publish.transport import Context, Delivery, PublishError


@dataclass(frozen=True)
class Request:
    site_dir: Path
    target: str | None = None
    repair: bool = False
    http: str | None = None         # a base address to fetch from; "" for the site's base_url
    trust_host_key: str | None = None
    quarantine: bool = False        # move the foreign files to a folder beside the target's, once confirmed
    yes: bool = False               # confirmed already (no question on the terminal)


def verify(request: Request) -> int:
    """Exit 0: the live site is what was published; 1: it is not (each file named); 2: it could not be checked.
    Ctrl-C stops it (KeyboardInterrupt, once said), even when the command was started with Ctrl-C ignored; so does
    SIGTERM on POSIX (Terminated: the target's lock removed on the way out, as publish does)."""
    with stoppable():
        try:
            return _verify(request)
        except KeyboardInterrupt as stop:
            print(f"Pemeriksaan dihentikan ({how(stop)}); jalankan perintah yang sama lagi untuk memeriksa ulang.",
                  file=sys.stderr, flush=True)
            raise


def _verify(request: Request) -> int:
    from generator.core.report import Problems

    problems = Problems()
    config = config_module.load(request.site_dir / "config.yaml", problems)
    if config is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return UNCHECKED
    names = list(config.publish)
    name = request.target or (names[0] if names else None)
    if not names:
        print("Galat: belum ada tujuan terbit di config.yaml, jadi belum ada situs terbit yang bisa diperiksa. Minta "
              "petugas IT menambahkan bagian 'publish:' (lihat README, bagian Menerbitkan).", file=sys.stderr)
        return UNCHECKED
    if name not in config.publish:
        print(f"Galat: tujuan '{request.target}' tidak ada di config.yaml (bagian publish:). Yang ada: "
              f"{', '.join(names)}.", file=sys.stderr)
        return UNCHECKED
    output = Options(request.site_dir).output
    if request.http is not None:
        from generator.publish.http import verify_http

        return verify_http(request.http or config.site.base_url, request.site_dir, name, output)
    reading_only = not (request.repair or request.quarantine)
    context = Context(name, config.publish[name], request.site_dir, request.trust_host_key,
                      interactive=sys.stdin.isatty(), site_id=config.site.base_url,
                      expected=_last_record(request.site_dir, name) if reading_only else None)
    try:
        return _verify_target(context, request, output)
    except PublishError as err:
        print(f"{name}: tidak dapat diperiksa: {err}", file=sys.stderr)
        return UNCHECKED
    except OSError as err:          # a file of a folder target that cannot be read
        print(f"{name}: tidak dapat diperiksa: {system.shown(err.filename or '')} tidak dapat dibaca "
              f"({err.strerror or err}); "
              "periksa izinnya, lalu jalankan lagi.", file=sys.stderr)
        return UNCHECKED


def reference(site_dir: Path, name: str, on_target: bytes | None) -> tuple[dict[str, Entry] | None, list[Finding]]:
    """The manifest to compare with: this computer's copy of the last publish's, else the target's own; a target's
    manifest that differs from the copy is itself a finding."""
    remote = _decoded(on_target)
    copy = local_record(site_dir, name)
    kept = copy.read_bytes() if copy.is_file() else None
    recorded = remote if kept is not None and kept == on_target else _decoded(kept)   # the same read once
    if recorded is None:
        return remote, []
    if remote == recorded:
        return recorded, []
    return recorded, [Finding(RECORD, MANIFEST, "catatan terbitan di server berbeda dari catatan terbitan terakhir "
                              "komputer ini (diubah orang lain, atau komputer lain menerbitkan sesudahnya)")]


def _decoded(data: bytes | None) -> dict[str, Entry] | None:
    try:
        return manifest.decode(data) if data is not None else None
    except manifest.BadManifest:
        return None


def _last_record(site_dir: Path, name: str) -> bytes | None:
    """This computer's copy of the last publish's manifest (the transport reads it as one, or looks the ordinary
    way)."""
    try:
        return local_record(site_dir, name).read_bytes()
    except OSError:
        return None


def _verify_target(context: Context, request: Request, output: Path) -> int:
    outcome = _check_once(context, request, output, request.repair or request.quarantine)
    if outcome is None:
        return UNCHECKED
    found, listed, repaired = outcome
    if repaired:            # looked at again through a new connection, as a visitor's server now has it
        found, listed, _ = _check_once(context, request, output, False)
    if request.repair and not (found.changed or found.missing) and not (request.quarantine and found.foreign):
        return OK
    return OK if not listed else DIFFERENT


def _check_once(context: Context, request: Request, output: Path, repair: bool):
    """(comparison, findings, whether files were put back), the report printed unless a repair follows; None
    when there is no manifest to compare with. The target's lock is held throughout (no publish changes it), or
    the transport made sure without it that no publish ran while it looked (context.expected, SFTP)."""
    transport = open_transport(context)
    try:
        recorded, notes = reference(request.site_dir, context.name, transport.read_manifest())
        if recorded is None:
            print(f"{context.name}: belum ada catatan terbitan (perintah publish belum pernah berhasil ke tujuan "
                  "ini, atau catatannya rusak), jadi tidak ada yang dapat dibandingkan. Jalankan publish dulu.",
                  file=sys.stderr)
            return None
        found = compare_live(transport, recorded, list(context.target.known))
        if getattr(transport, "unlocked", False) and (notes or not found.exact):
            # looked at without the target's lock, which is certain only of a site exactly as published: any
            # difference is looked at again holding the lock, as it always was, and only then reported
            transport.close()
            transport = None
            return _check_once(replace(context, expected=None), request, output, repair)
        listed = findings(found, recorded, transport, output)
        changed = False
        if repair and request.quarantine and found.foreign:
            changed = _quarantine(context.name, transport, found.foreign, request.yes)
        if repair and (found.changed or found.missing) and _repair(context.name, transport, found, recorded, output):
            changed = True
        if changed:
            return found, notes + listed, True
    finally:
        if transport is not None:
            transport.close()
    _print(context.name, notes + listed, found, len(recorded))
    return found, notes + listed, False

def _quarantine(name: str, transport, foreign: list[str], yes: bool) -> bool:
    """The foreign files moved out of the web root, each move listed, once the person confirmed (or --yes)."""
    if not hasattr(transport, "move_out"):
        print(f"{name}: tujuan git tidak punya tempat di luar folder situs; berkas asing tidak dipindahkan.",
              file=sys.stderr)
        return False
    if not yes and not _confirmed(len(foreign)):
        print(f"{name}: karantina dibatalkan; tidak ada berkas yang dipindahkan (pakai --yes bila tidak di terminal).",
              file=sys.stderr)
        return False
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    for rel in foreign:
        print(f"  DIKARANTINA {rel} -> {transport.move_out(rel, f'{stamp}/{rel}')}")
    return True


def _confirmed(count: int) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"Pindahkan {count} berkas asing di atas ke folder karantina di luar folder situs? "
                       "Ketik 'ya' untuk setuju: ")
    except EOFError:
        return False
    return answer.strip().lower() in ("ya", "y", "yes")


def _repair(name: str, transport, found: Comparison, recorded: dict[str, Entry], output: Path) -> bool:
    plan, cannot = repairs(found, recorded, output)
    checked = transport.check(plan, recorded)
    if checked.links:
        print(f"{name}: tidak dipulihkan: di server {', '.join(checked.links)} adalah tautan (symlink); perintah ini "
              "tidak menulis melalui tautan. Ganti tautan itu dengan folder biasa, lalu jalankan lagi.",
              file=sys.stderr)
        return False
    if plan.uploads:
        transport.deliver(Delivery(plan, output, None, None, None, ()), lambda step: None)
        print(f"{name}: {len(plan.uploads)} berkas situs dikembalikan seperti saat diterbitkan: "
              f"{_some(plan.uploads)}.")
    if cannot:
        print(f"{name}: {len(cannot)} berkas tidak dapat dikembalikan karena situs sudah dibangun ulang sejak terbit "
              f"terakhir: {_some(cannot)}. Jalankan publish untuk mengirim versi terbaru.", file=sys.stderr)
    return True


def _print(name: str, listed: list[Finding], found: Comparison, total: int) -> None:
    for finding in listed:
        print(finding.line())
    if found.known:
        print(f"{name}: {len(found.known)} berkas pihak lain yang tercatat di 'known:' dibiarkan.")
    if not listed:
        print(f"{name}: situs yang tayang sama persis dengan terbitan terakhir ({total} berkas diperiksa).")
        return
    counts = {kind: sum(1 for f in listed if f.kind == kind) for kind in ORDER}
    shown = ", ".join(f"{count} {kind.lower()}" for kind, count in counts.items() if count)
    print(f"{name}: situs yang tayang BERBEDA dari terbitan terakhir: {shown}. Periksa setiap berkas di atas; "
          "berkas situs yang berubah atau hilang dikembalikan dengan 'verify --repair'; berkas asing tidak pernah "
          "dihapus otomatis: hapus di server bila memang bukan milik kantor, atau catat di 'known:' bila memang "
          "milik kantor.")


def _some(rels, limit: int = 10) -> str:
    rels = list(rels)
    return ", ".join(rels[:limit]) + (f" dan {len(rels) - limit} lainnya" if len(rels) > limit else "")
