"""The publish command: build the site, then bring one target (or all) up to date, reporting one line per target."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from generator.core import atomic, lock
from generator.core import progress as terminal
from generator.core.report import BuildFailed, Problems
from generator.core.system import shown
from generator.model import config as config_module
from generator.options import Options
from generator.publish import manifest
from generator.publish.interrupt import stoppable, stopped
from generator.publish.plan import (
    Plan,
    claimed,
    final_manifest,
    keep,
    pending_manifest,
    plan,
    seen,
    survey,
    too_many_deletes,
)
from generator.publish.registry import open_transport, opener
from generator.publish.transport import Context, Delivery, Handoff, Outdated, PublishError, dial


@dataclass(frozen=True)
class Request:
    site_dir: Path
    target: str | None = None       # a target's name; None: the first in config.yaml
    all: bool = False
    dry_run: bool = False
    yes: bool = False               # allow more deletions than max_deletes
    trust_host_key: str | None = None
    verbose: bool = False           # print how long each step took
    verify: bool = False            # ask the target about every file, not only those the manifest does not vouch for
    progress: Callable[[int, int | None], None] | None = None   # the desk's progress bar: (0, files to send) once
                                    # the plan is made, then (files just sent, None) as they go
    now: dt.datetime | None = None  # the build's "now" (otomatis publishes a scheduled post as of its round's clock)
    rollback: int = 0               # put back the publish this many before the last (no build); 0: publish


def publish(request: Request) -> int:
    """Exit code: 0 published (or nothing to do), 1 the build or a target failed, 2 bad usage. Ctrl-C stops it
    (KeyboardInterrupt, once said), even when the command was started with Ctrl-C ignored, the target's lock
    released; so does SIGTERM on POSIX (Terminated, a KeyboardInterrupt: see interrupt)."""
    with stoppable():
        try:
            return _publish(request)
        except KeyboardInterrupt as stop:
            print(stopped(stop), file=sys.stderr, flush=True)
            raise


def _publish(request: Request) -> int:
    problems = Problems()
    config = config_module.load(request.site_dir / "config.yaml", problems)
    if config is None:
        _print_all(problems)
        return 1
    names = _chosen(config, request)
    if isinstance(names, str):
        print(f"Galat: {names}", file=sys.stderr)
        return 2
    likely_new = Handoff()
    stop = threading.Event()
    contexts = [Context(name, config.publish[name], request.site_dir, request.trust_host_key,
                        _progress_of(name, request), sys.stdin.isatty(), likely_new, site_id=config.site.base_url,
                        stop=stop)
                for name in names]
    if request.rollback:
        return _rollback(request, contexts)
    options = Options(request.site_dir, progress=sys.stderr.isatty(), locked=True, now=request.now)
    # the site's build lock, held until the last file is sent: a build meanwhile (the preview server's, after a
    # save) would change output/ under the upload, so it waits for the publish to end
    with lock.held(options.cache_dir, None, _waiting):
        return _build_and_publish(request, contexts, options, likely_new)


def _build_and_publish(request: Request, contexts: list[Context], options: Options, likely_new: Handoff) -> int:
    with ThreadPoolExecutor(1) as background:
        # an SSH connection takes a dozen round trips: made while the pipeline is imported and the site built and
        # hashed, its library imported first (imports in two threads only take turns). FTP may have to ask for a
        # password on the terminal, so it waits its turn.
        early = None
        if contexts[0].target.type == "sftp":
            contexts[0] = dataclasses.replace(contexts[0], link=background.submit(dial, contexts[0]))
            early = background.submit(opener("sftp"), contexts[0])
        try:
            from generator.build import build

            result = build(options)
            _print_all(result.warnings)
            if request.verbose:
                print(f"Bangun: {result.summary()}.")
            hashes = request.site_dir / ".cache" / "publish-hashes.json"
            before = manifest.remembered_paths(hashes)
            local = manifest.scan(options.output, hashes)
        except BuildFailed as failed:
            _close(early, likely_new, contexts[0])
            _print_all(failed.problems)
            print("\nPembangunan gagal, jadi tidak ada yang diterbitkan. Perbaiki kesalahan di atas lalu jalankan lagi.",
                  file=sys.stderr)
            return 1
        except BaseException:
            _close(early, likely_new, contexts[0])
            raise
        try:
            likely_new.put(frozenset(local.keys() - before))
            return _publish_all(request, contexts, local, options.output, early)
        except KeyboardInterrupt:
            # stopped before the first target took the connection: closed here (a second close is nothing), else its
            # lock stays until the command ends; and given the new paths if the stop came before they were
            _close(early, likely_new, contexts[0])
            raise


def _publish_all(request: Request, contexts: list[Context], local: dict, output: Path, early: Future | None) -> int:
    code = 0
    for context in contexts:
        try:
            code = max(code, publish_target(context, local, output, request, early if context is contexts[0] else None))
        except PublishError as err:
            _clear_progress(context)
            print(f"{context.name}: {err}", file=sys.stderr)
            code = 1
        except KeyboardInterrupt:
            _clear_progress(context)
            raise
    return code


def _rollback(request: Request, contexts: list[Context]) -> int:
    """Put back an earlier publish from the files this computer kept (history), sending only what differs from
    what is live now, in publish's own order, under the target's lock."""
    import tempfile

    from generator.publish import history

    if len(contexts) != 1:
        print("Galat: --rollback untuk satu tujuan saja, tanpa --all.", file=sys.stderr)
        return 2
    context = contexts[0]
    (request.site_dir / ".cache").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kembali-", dir=request.site_dir / ".cache") as scratch:
        found = history.restore(request.site_dir, context.name, request.rollback, Path(scratch))
        if isinstance(found, str):
            print(f"Galat: {found}", file=sys.stderr)
            return 1
        files, folder = found
        try:
            code = publish_target(context, files, folder, request)
        except PublishError as err:
            print(f"{context.name}: {err}", file=sys.stderr)
            return 1
    if code == 0 and not request.dry_run:
        print(f"{context.name}: situs dikembalikan ke terbitan ke-{request.rollback} sebelum yang terakhir. Terbitan "
              "berikutnya (publish) mengirim lagi situs yang sekarang ada di folder situs.")
    return code


def _waiting(pid: str) -> None:
    print(lock.waiting_message(pid), file=sys.stderr, flush=True)


def _close(early: Future | None, likely_new: Handoff, context: Context) -> None:
    if not likely_new.given:        # the connection waits for it
        likely_new.put(frozenset())
    if early is not None:
        _close_when_made(early, context)


def _close_when_made(early: Future, context: Context) -> None:
    """The connection made in the background closed (its lock released) as soon as it is made, by the thread making
    it, or here if it is made already; a wait for the target's lock there ends (context.stop). Ctrl-C meanwhile does
    not wait for it here, and never leaves it open."""
    if context.stop is not None:
        context.stop.set()

    def close(made: Future) -> None:
        try:
            made.result().close()
        except Exception:   # noqa: BLE001 - not made, or not closed: the build's failure or Ctrl-C is the news
            pass

    early.add_done_callback(close)


def _made(early: Future, context: Context):
    """The connection made in the background, waited for; on Ctrl-C meanwhile, closed once it is made."""
    try:
        return early.result()
    except KeyboardInterrupt:
        _close_when_made(early, context)
        raise


ATTEMPTS = 3        # a git target another publish pushed to meanwhile: planned again on top of it, this often


def publish_target(context: Context, local: dict, output: Path, request: Request, early: Future | None = None) -> int:
    """One target brought up to date; on a target that moved on meanwhile (Outdated: a concurrent git publish won the
    push), again on top of what is there now, so two publishes at once both end with the site whole."""
    attempt = 1
    while True:
        try:
            return _publish_once(context, local, output, request, early if attempt == 1 else None)
        except Outdated:
            if attempt == ATTEMPTS:
                raise
            attempt += 1
            print(f"{context.name}: tujuan baru saja diubah penerbitan lain; disusun ulang di atasnya…",
                  file=sys.stderr, flush=True)


def _publish_once(context: Context, local: dict, output: Path, request: Request, early: Future | None) -> int:
    started = time.perf_counter()
    steps = _Steps(request.verbose)
    transport = _made(early, context) if early is not None else open_transport(context)
    try:        # nothing between the connection made and this try: Ctrl-C there left it, and its lock, open
        steps.done("sambung")
        recorded, previous = _read_previous(transport)
        steps.done("baca catatan")
        for note in transport.notes:
            print(f"{context.name}: {note}")
        asked = survey(local, previous, full=request.verify or transport.complete_listing)
        decided = _checked(context.name, transport, plan(local, previous, seen(asked, transport.listing(asked))),
                           previous)
        steps.done("periksa tujuan")
        _report_foreign(context.name, decided)
        if request.dry_run:
            _print_dry_run(context.name, decided)
            return 0
        if too_many_deletes(decided, context.target.max_deletes, request.yes):
            print(f"{context.name}: {len(decided.deletes)} berkas akan dihapus dari tujuan, lebih dari batas "
                  f"max_deletes ({context.target.max_deletes}); tidak ada yang diubah. Periksa dengan --dry-run, "
                  "lalu jalankan lagi dengan --yes bila memang benar.", file=sys.stderr)
            return 1
        had_manifest = recorded is not None
        if request.progress is not None:
            request.progress(0, len(decided.uploads))
        final = final_manifest(local, decided)
        sending = bool(decided.uploads)
        transport.deliver(Delivery(decided, output,
                                   manifest.encode(pending_manifest(previous, decided, local)) if sending else None,
                                   manifest.claims(claimed(decided, local)) if sending and had_manifest else None,
                                   manifest.encode(final) if final != previous or sending else None,
                                   decided.deletes + decided.leftovers), steps.done)
    finally:
        transport.close()
    _keep_record(context, final, output)
    _clear_progress(context)
    steps.report()
    print(f"{context.name}: {len(decided.uploads)} dikirim, {decided.unchanged} tidak berubah, "
          f"{len(decided.deletes)} dihapus, {len(decided.foreign) + len(decided.replaced)} milik pihak lain "
          "dibiarkan; "
          f"{time.perf_counter() - started:.1f} detik.")
    return 0


def _keep_record(context: Context, final: dict, output: Path) -> None:
    """This computer's copy of what is now live on the target (verify compares the target with it; the target's own
    manifest could be changed by whoever changes the site). A failure to save it is said, and the publish stands."""
    from generator.publish.verify import local_record

    path = local_record(context.site_dir, context.name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(path, manifest.encode(final))
    except OSError as err:
        print(f"{context.name}: salinan catatan terbitan tidak dapat disimpan di {shown(path)} "
              f"({err.strerror or err}); "
              "verify akan memakai catatan di server.", file=sys.stderr)
    _keep_history(context, final, output)


def _keep_history(context: Context, final: dict, output: Path) -> None:
    from generator.publish import history

    try:
        history.keep(context.site_dir, context.name, final, output, context.target.rollback_keep)
    except OSError as err:
        print(f"{context.name}: salinan terbitan ini untuk --rollback tidak dapat disimpan ({err.strerror or err}); "
              "terbitannya sendiri berhasil.", file=sys.stderr)


def _read_previous(transport) -> tuple[bytes | None, dict]:
    """The target's manifest as it is stored, and the files it records; a manifest that cannot be read, or that
    names a path publish never writes ('../', an absolute path), is reported and nothing of it is acted on."""
    try:
        recorded = transport.read_manifest()
        return recorded, manifest.decode(recorded)
    except manifest.UnsafeEntry as err:
        raise PublishError(f"Catatan terbitan .kpu-terbit.json di tujuan ini memuat jalur {err.rel!r} yang keluar "
                           "dari folder tujuan atau tidak sah, jadi tidak ada yang dikirim atau dihapus; berkas "
                           "catatan itu telah diubah di luar perintah terbit. Periksa server, lalu pulihkan atau "
                           "hapus berkas .kpu-terbit.json dan jalankan lagi.") from err
    except manifest.BadManifest as err:
        raise PublishError(f"Catatan terbitan di tujuan ini ({err}) tidak dapat dibaca; jangan ubah berkas "
                           ".kpu-terbit.json di server. Pulihkan atau hapus berkas itu lalu jalankan lagi "
                           "(tanpa catatan, berkas lama di server tidak akan dihapus).") from err


def _checked(name: str, transport, decided: Plan, previous: dict) -> Plan:
    """The plan once the target was asked about what it would touch: a link on the way of a write or a deletion
    stops the publish before anything is changed; a file publish put there that someone has since replaced (its
    size or hash differ from the manifest's) is kept and named, not deleted."""
    found = transport.check(decided, previous)
    if found.links:
        raise PublishError(f"Di tujuan ini {_some(list(found.links))} adalah tautan (symlink), bukan folder atau "
                           "berkas biasa; perintah terbit tidak menulis atau menghapus melalui tautan, jadi tidak ada "
                           "yang diubah. Ganti tautan itu dengan folder biasa (atau hapus) di server, lalu jalankan "
                           "lagi.")
    if found.replaced:
        print(f"{name}: berkas yang dulu diterbitkan tetapi sudah diganti pihak lain dibiarkan (tidak dihapus): "
              f"{_some(list(found.replaced))}.")
    return keep(decided, found.replaced)


def _chosen(config, request: Request) -> list[str] | str:
    targets = list(config.publish)
    if not targets:
        return ("belum ada tujuan terbit di config.yaml. Tambahkan bagian 'publish:', misalnya\n"
                "publish:\n  utama:\n    type: sftp\n    host: kaltara.kpu.go.id\n    user: humas\n"
                "    path: /var/www/html\n(lihat README, bagian Menerbitkan).")
    if request.all:
        return targets
    if request.target is None:
        return targets[:1]
    if request.target not in config.publish:
        return f"tujuan '{request.target}' tidak ada di config.yaml. Yang ada: {', '.join(targets)}."
    return [request.target]


def _report_foreign(name: str, decided: Plan) -> None:
    if decided.blocked:
        print(f"{name}: {len(decided.blocked)} berkas situs tidak dikirim karena di tujuan sudah ada berkas bernama "
              f"sama yang bukan kiriman perintah terbit: {_some(decided.blocked)}. Hapus berkas itu di server bila "
              "memang boleh diganti, lalu jalankan lagi.", file=sys.stderr)
    if decided.foreign:
        print(f"{name}: berkas milik pihak lain dibiarkan: {_some(decided.foreign)}.")


def _print_dry_run(name: str, decided: Plan) -> None:
    for rel in decided.uploads:
        print(f"  kirim  {rel}")
    for rel in decided.deletes:
        print(f"  hapus  {rel}")
    print(f"{name} (uji coba, tidak ada yang diubah): {len(decided.uploads)} akan dikirim, {decided.unchanged} tidak "
          f"berubah, {len(decided.deletes)} akan dihapus, {len(decided.foreign)} milik pihak lain dibiarkan.")


def _some(rels, limit: int = 10) -> str:
    shown = ", ".join(rels[:limit])
    return shown + (f" dan {len(rels) - limit} lainnya" if len(rels) > limit else "")


class _Steps:
    """How long each step of a publish took, printed with --verbose."""

    def __init__(self, verbose: bool):
        self.verbose, self.last, self.times = verbose, time.perf_counter(), []

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.times.append((name, now - self.last))
        self.last = now

    def report(self) -> None:
        if self.verbose:
            for name, seconds in self.times:
                print(f"  {name:<40} {seconds:7.3f} detik")


def _progress_of(name: str, request: Request) -> Callable[[int], None]:
    if request.progress is not None:
        return lambda count: request.progress(count, None)
    return _Sent(name) if terminal.on_terminal() else (lambda count: None)


class _Sent:
    """The terminal's progress line while a target is sent: 'kpu: 120 berkas terkirim'."""

    def __init__(self, name: str):
        self.name, self.count, self.line = name, 0, terminal.Line()

    def __call__(self, count: int) -> None:
        self.count += count
        self.line.show(f"{self.name}: {self.count} berkas terkirim")


def _clear_progress(context: Context) -> None:
    if isinstance(context.progress, _Sent):
        context.progress.line.clear()


def _print_all(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
