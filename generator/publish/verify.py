"""verify: is the live site exactly what the last publish sent? Every file on the target compared with the manifest of
that publish (the copy this computer kept, else the target's own), each difference named; --repair puts the site's
own files back; --http compares what a visitor is served. Foreign files are named, never deleted."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator.model import config as config_module
from generator.model.hazards import executable_reason, spam_findings
from generator.options import Options
from generator.publish import manifest
from generator.publish.plan import MANIFEST, Entry, Plan, rank, safe_rel, temp_of
from generator.publish.targetlock import is_lock_path
from generator.publish.transport import Context, Delivery, PublishError, open_transport

OK, DIFFERENT, UNCHECKED = 0, 1, 2
PAGE = (".html", ".htm")

# kinds of finding, in the order the report shows them
INJECTED, FOREIGN, CHANGED, MISSING, RECORD = "DISUSUPI", "ASING", "BERUBAH", "HILANG", "CATATAN"
ORDER = (INJECTED, FOREIGN, CHANGED, MISSING, RECORD)


@dataclass(frozen=True)
class Request:
    site_dir: Path
    target: str | None = None
    repair: bool = False
    http: str | None = None         # a base address to fetch from; "" for the site's base_url
    trust_host_key: str | None = None
    quarantine: bool = False        # move the foreign files to a folder beside the target's, once confirmed
    yes: bool = False               # confirmed already (no question on the terminal)


@dataclass(frozen=True)
class Finding:
    kind: str
    rel: str
    detail: str

    def line(self) -> str:
        return f"  {self.kind:<9} {self.rel}: {self.detail}"


@dataclass
class Comparison:
    """What the target holds against what was published (pure: compare)."""

    missing: list[str] = field(default_factory=list)
    changed: dict[str, str] = field(default_factory=dict)   # path -> why
    foreign: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    to_hash: list[str] = field(default_factory=list)        # same size: to be read and hashed on the target
    unsafe: list[str] = field(default_factory=list)         # names no publish writes: named, never read


def local_record(site_dir: Path, name: str) -> Path:
    """Where publish keeps, per target, the manifest of its last successful publish."""
    return site_dir / ".cache" / "publish" / f"{name}.terbit.json"


def is_known(rel: str, patterns: list[str]) -> bool:
    """A path the office listed under known: a path, a glob pattern ('*' and '?' stay within one folder, '**' crosses
    folders), or a folder (with or without a final '/') and everything in it."""
    for pattern in patterns:
        pattern = pattern.strip().strip("/")
        if pattern and any(_glob(pattern).fullmatch(part) for part in [rel, *_folders(rel)]):
            return True
    return False


def _glob(pattern: str) -> re.Pattern:
    out = []
    for token in re.split(r"(\*\*|\*|\?)", pattern):
        out.append({"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token)))
    return re.compile("".join(out))


def _folders(rel: str) -> list[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def compare(recorded: dict[str, Entry], live: dict[str, int], known: list[str]) -> Comparison:
    """The decision from sizes alone; files of equal size whose hash is recorded are left to be hashed."""
    out = Comparison()
    for rel, size in sorted(live.items()):
        if rel == MANIFEST or is_lock_path(rel):
            continue
        if not safe_rel(rel):
            out.unsafe.append(rel)
        elif rel not in recorded:
            (out.known if is_known(rel, known) else out.foreign).append(rel)
        elif size < 0:
            out.changed[rel] = "kini berupa tautan (symlink), bukan berkas yang diterbitkan"
        elif size != recorded[rel].size:
            out.changed[rel] = f"ukurannya {size} bita, yang diterbitkan {recorded[rel].size} bita"
        elif recorded[rel].sha is not None:
            out.to_hash.append(rel)
    out.missing = sorted(rel for rel in recorded if rel not in live and rel != MANIFEST)
    return out


def new_links(live: str, published: str) -> list[str]:
    """Link targets in a page that its published version did not have."""
    def hrefs(text: str) -> set[str]:
        return {m.group(2).strip() for m in _HREF.finditer(text)} | {m.group(1) for m in _REFRESH.finditer(text)}
    return sorted(hrefs(live) - hrefs(published))


_HREF = re.compile(r"""\b(?:href|src|action)\s*=\s*(["']?)([^"'\s>]+)\1""", re.IGNORECASE)
_REFRESH = re.compile(r"""\burl\s*=\s*([^"'\s>;]+)""", re.IGNORECASE)     # <meta http-equiv="refresh" ...>


def page_finding(rel: str, live: bytes, published: bytes | None, added: bool) -> Finding | None:
    """An injected page: HTML with spam text, hidden links, or links its published version never had."""
    if not rel.lower().endswith(PAGE):
        return None
    text = live.decode("utf-8", "replace")
    reasons = [f.what for f in spam_findings(text)][:3]
    links = new_links(text, (published or b"").decode("utf-8", "replace"))
    if links and (published is not None or added):
        shown = ", ".join(links[:3]) + (f" dan {len(links) - 3} lainnya" if len(links) > 3 else "")
        reasons.append(f"tautan yang tidak pernah diterbitkan situs: {shown}")
    if not reasons:
        return None
    where = "halaman yang tidak pernah diterbitkan" if added else "halaman diubah"
    return Finding(INJECTED, rel, f"{where}; " + "; ".join(reasons))


def published_bytes(output: Path, rel: str, entry: Entry | None) -> bytes | None:
    """The built file, if it is byte for byte the one published (its hash is the manifest's)."""
    path = output / rel
    if entry is None or entry.sha is None or not path.is_file() or path.is_symlink():
        return None
    if path.stat().st_size != entry.size or manifest.file_hash(path) != entry.sha:
        return None
    return path.read_bytes()


def findings(found: Comparison, recorded: dict[str, Entry], transport, output: Path) -> list[Finding]:
    """Every difference as a finding, pages read where they may be injected, sorted as the report shows them."""
    out: list[Finding] = []
    for rel in found.unsafe:
        out.append(Finding(FOREIGN, repr(rel), "nama berkas tidak sah di server (tidak dibaca)"))
    for rel in found.foreign:
        live = transport.read(rel) if rel.lower().endswith(PAGE) else b""
        page = page_finding(rel, live, None, True) if live else None
        reason = executable_reason(posixpath.basename(rel))
        temp = temp_of(rel) in recorded or temp_of(rel) == MANIFEST
        out.append(page or Finding(FOREIGN, rel, "bukan kiriman perintah terbit"
                                   + (f" ({reason})" if reason else "")
                                   + (" (sisa kiriman yang terputus)" if temp else "")))
    for rel, why in sorted(found.changed.items()):
        page = None
        if rel.lower().endswith(PAGE) and "tautan" not in why:
            page = page_finding(rel, transport.read(rel), published_bytes(output, rel, recorded[rel]), False)
        out.append(page or Finding(CHANGED, rel, why))
    out += [Finding(MISSING, rel, "tidak ada lagi di server") for rel in found.missing]
    return sorted(out, key=lambda f: (ORDER.index(f.kind), _executable_last(f), f.rel))


def _executable_last(finding: Finding) -> int:
    return 0 if executable_reason(posixpath.basename(finding.rel)) else 1


def examine(transport, recorded: dict[str, Entry], known: list[str], output: Path) -> tuple[Comparison, list[Finding]]:
    survey = getattr(transport, "everything_hashed", None)      # SFTP: listed and hashed by the server at once
    wanted = sorted(rel for rel, entry in recorded.items() if entry.sha is not None and safe_rel(rel))
    live, hashes = survey(wanted) if survey is not None else (transport.everything(), {})
    found = compare(recorded, live, known)
    rest = [rel for rel in found.to_hash if rel not in hashes]
    hashes = {**hashes, **transport.digest(rest)} if rest else hashes
    for rel in found.to_hash:
        if hashes.get(rel) != recorded[rel].sha:
            found.changed[rel] = "isinya berbeda dari yang diterbitkan (ukurannya sama)"
    return found, findings(found, recorded, transport, output)


def repairs(found: Comparison, recorded: dict[str, Entry], output: Path) -> tuple[Plan, list[str]]:
    """The site's own files to put back (the built copy is byte for byte the published one), in publish's order,
    and those that cannot be (the site was built again since, or the upload never finished)."""
    wanted = sorted([*found.changed, *found.missing])
    can = [rel for rel in wanted if published_bytes_ok(output, rel, recorded[rel])]
    groups = tuple(tuple(rel for rel in can if rank(rel) == level) for level in range(3))
    plan = Plan(tuple(g for g in groups if g), (), (), 0, (), (), frozenset(found.changed) & frozenset(can))
    return plan, [rel for rel in wanted if rel not in can]


def published_bytes_ok(output: Path, rel: str, entry: Entry) -> bool:
    path = output / rel
    return (entry.sha is not None and path.is_file() and not path.is_symlink()
            and path.stat().st_size == entry.size and manifest.file_hash(path) == entry.sha)


def verify(request: Request) -> int:
    """Exit 0: the live site is what was published; 1: it is not (each file named); 2: it could not be checked."""
    from generator.core.report import Problems

    problems = Problems()
    config = config_module.load(request.site_dir / "config.yaml", problems)
    if config is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        return UNCHECKED
    names = list(config.publish)
    name = request.target or (names[0] if names else None)
    if name not in config.publish:
        print(f"Galat: tujuan '{request.target or ''}' tidak ada di config.yaml (bagian publish:). Yang ada: "
              f"{', '.join(names) or 'belum ada'}.", file=sys.stderr)
        return UNCHECKED
    output = Options(request.site_dir).output
    if request.http is not None:
        from generator.publish.http import verify_http

        return verify_http(request.http or config.site.base_url, request.site_dir, name, output)
    context = Context(name, config.publish[name], request.site_dir, request.trust_host_key,
                      interactive=sys.stdin.isatty(), site_id=config.site.base_url)
    try:
        return _verify_target(context, request, output)
    except PublishError as err:
        print(f"{name}: tidak dapat diperiksa: {err}", file=sys.stderr)
        return UNCHECKED
    except OSError as err:          # a file of a folder target that cannot be read
        print(f"{name}: tidak dapat diperiksa: {err.filename or ''} tidak dapat dibaca ({err.strerror or err}); "
              "periksa izinnya, lalu jalankan lagi.", file=sys.stderr)
        return UNCHECKED


def reference(site_dir: Path, name: str, on_target: bytes | None) -> tuple[dict[str, Entry] | None, list[Finding]]:
    """The manifest to compare with: this computer's copy of the last publish's, else the target's own; a target's
    manifest that differs from the copy is itself a finding."""
    try:
        remote = manifest.decode(on_target) if on_target is not None else None
    except manifest.BadManifest:
        remote = None
    notes = []
    copy = local_record(site_dir, name)
    if copy.is_file():
        try:
            recorded = manifest.decode(copy.read_bytes())
        except manifest.BadManifest:
            recorded = None
        if recorded is not None:
            if remote != recorded:
                notes.append(Finding(RECORD, MANIFEST, "catatan terbitan di server berbeda dari catatan terbitan "
                                     "terakhir komputer ini (diubah orang lain, atau komputer lain menerbitkan "
                                     "sesudahnya)"))
            return recorded, notes
    return remote, notes


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
    when there is no manifest to compare with. The target's lock is held throughout: no publish changes it."""
    transport = open_transport(context)
    try:
        recorded, notes = reference(request.site_dir, context.name, transport.read_manifest())
        if recorded is None:
            print(f"{context.name}: belum ada catatan terbitan (perintah publish belum pernah berhasil ke tujuan "
                  "ini, atau catatannya rusak), jadi tidak ada yang dapat dibandingkan. Jalankan publish dulu.",
                  file=sys.stderr)
            return None
        found, listed = examine(transport, recorded, list(context.target.known), output)
        changed = False
        if repair and request.quarantine and found.foreign:
            changed = _quarantine(context.name, transport, found.foreign, request.yes)
        if repair and (found.changed or found.missing) and _repair(context.name, transport, found, recorded, output):
            changed = True
        if changed:
            return found, notes + listed, True
    finally:
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
