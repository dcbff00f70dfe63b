"""What earlier publishes put live, kept on this computer so that `publish --rollback` can put one back: each
publish's manifest under .cache/publish/history/TARGET/, and every file it names in a content-addressed store
(.cache/publish/store/, one copy per content however many publishes hold it), pruned to the last `rollback_keep`
publishes of each target.

A manifest is written in one rename (atomic): a publish killed meanwhile leaves the previous ones and a temporary file
the next publish removes, never half a manifest. One that cannot be read all the same (cut off by a crash of an
older version, changed by hand) is passed over by the pruning, its contents not kept for it, and named by --rollback
when that publish is asked for.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from generator.core import atomic
from generator.core.system import shown
from generator.publish import manifest
from generator.publish.plan import Entry, safe_rel

CACHE = Path(".cache") / "publish"
SHA = re.compile(f"[0-9a-f]{{{2 * manifest.hasher().digest_size}}}")     # a content's name in the store


def _folder(site_dir: Path, name: str) -> Path:
    return site_dir / CACHE / "history" / name


def _object(site_dir: Path, sha: str) -> Path:
    return site_dir / CACHE / "store" / sha[:2] / sha


def keep(site_dir: Path, name: str, files: dict[str, Entry], output: Path, last: int) -> None:
    """Remember one successful publish: its files copied into the store (those not there yet), then its manifest,
    then older publishes beyond the last `last` pruned with the contents no kept publish names."""
    if last <= 0:
        return
    for rel, entry in files.items():
        if entry.sha is None or not safe_rel(rel):
            continue
        target = _object(site_dir, entry.sha)
        if target.exists() or not (output / rel).is_file():     # not sent by this publish: someone else's kept
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            atomic.replace(target, _checked_copy(output / rel, entry.sha), sync=False)
        except _Changed:                               # output/ changed under the publish: not kept as this content
            continue
    folder = _folder(site_dir, name)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.time_ns():020d}.json"
    atomic.write_bytes(folder / stamp, manifest.encode(files))
    _prune(site_dir, last)


class _Changed(Exception):
    """The copy does not hold the content the publish sent."""


def _checked_copy(source: Path, sha: str):
    def fill(path: Path) -> None:
        shutil.copyfile(source, path)
        if manifest.file_hash(path) != sha:
            raise _Changed
    return fill


def publishes(site_dir: Path, name: str) -> list[Path]:
    """The kept publishes of a target, the last first."""
    folder = _folder(site_dir, name)
    return sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else []


def _read(path: Path) -> dict[str, Entry] | None:
    """The files a kept publish's manifest names, or None when it cannot be read as one: cut off, changed by hand,
    a path outside the site or a content name that is not a hash (it would name a file outside the store)."""
    try:
        files = manifest.decode(path.read_bytes())
    except (OSError, manifest.BadManifest):
        return None
    if any(entry.sha is not None and not SHA.fullmatch(entry.sha) for entry in files.values()):
        return None
    return files


def _prune(site_dir: Path, last: int) -> None:
    history = site_dir / CACHE / "history"
    wanted: set[str] = set()
    for folder in (p for p in history.iterdir() if p.is_dir()):
        for stray in (p for p in folder.iterdir() if atomic.is_temporary(p.name)):
            stray.unlink()              # a manifest's write cut off (the site's lock keeps publishes one at a time)
        for old in sorted(folder.glob("*.json"), reverse=True)[last:]:
            old.unlink()
        for kept in folder.glob("*.json"):
            files = _read(kept)         # one that cannot be read is passed over: nothing of it can be put back
            wanted |= {e.sha for e in (files or {}).values() if e.sha}
    store = site_dir / CACHE / "store"
    for path in store.glob("*/*"):
        if path.name not in wanted:
            path.unlink()


def restore(site_dir: Path, name: str, back: int, scratch: Path) -> tuple[dict[str, Entry], Path] | str:
    """The publish `back` publishes before the last, as (its files, a folder holding them, made in scratch), or the
    sentence saying why it cannot be put back."""
    kept = publishes(site_dir, name)
    if back < 1 or back >= len(kept):
        return (f"hanya {max(len(kept) - 1, 0)} terbitan sebelumnya yang tersimpan di komputer ini untuk tujuan "
                f"'{name}'; --rollback {back} tidak dapat dilakukan.")
    files = _read(kept[back])
    if files is None:
        return (f"salinan terbitan itu ({shown(kept[back])}) rusak atau terpotong (mungkin komputer mati saat "
                "menyimpannya), jadi tidak dapat dikembalikan; pilih terbitan lain dengan --rollback, atau terbitkan "
                "lagi seperti biasa.")
    for rel, entry in files.items():
        source = _object(site_dir, entry.sha) if entry.sha else None
        if source is None or not source.is_file() or source.stat().st_size != entry.size or not safe_rel(rel):
            return f"berkas {rel} dari terbitan itu tidak tersimpan lagi; terbitan itu tidak dapat dikembalikan."
        # kept files are written without fsync (a whole site's worth each first publish): after a power cut one may
        # hold zeros of the right size, which would go live under its right name
        if manifest.file_hash(source) != entry.sha:
            return (f"salinan berkas {rel} dari terbitan itu rusak (isinya tidak sama lagi dengan yang dulu "
                    "diterbitkan, mungkin komputer mati saat menyimpannya); terbitan itu tidak dapat dikembalikan. "
                    "Pilih terbitan lain dengan --rollback.")
        (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, scratch / rel)
        except OSError:
            shutil.copyfile(source, scratch / rel)
    return files, scratch
