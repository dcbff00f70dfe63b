"""What verify finds, as pure decisions: the target's listing against the manifest of the last publish (compare),
each difference as a finding with the pages that look injected first (findings, page_finding), and what --repair
may put back (repairs). Over a target (verify) and over HTTP (publish.http) alike."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.model.hazards import executable_reason, spam_findings
from generator.publish import manifest
from generator.publish.plan import MANIFEST, Entry, Plan, rank, safe_rel, temp_of
from generator.publish.targetlock import is_lock_path

OK, DIFFERENT, UNCHECKED = 0, 1, 2
PAGE = (".html", ".htm")

# kinds of finding, in the order the report shows them
INJECTED, FOREIGN, CHANGED, MISSING, RECORD = "DISUSUPI", "ASING", "BERUBAH", "HILANG", "CATATAN"
ORDER = (INJECTED, FOREIGN, CHANGED, MISSING, RECORD)


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

    @property
    def exact(self) -> bool:
        """Nothing but the published files (and known ones) on the target, each as published."""
        return not (self.missing or self.changed or self.foreign or self.unsafe)


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


def compare_live(transport, recorded: dict[str, Entry], known: list[str]) -> Comparison:
    """The target's files against the manifest, by size and then by hash (read nothing else)."""
    survey = getattr(transport, "everything_hashed", None)      # SFTP: listed and hashed by the server at once
    wanted = manifest.hashed_paths(recorded)
    live, hashes = survey(wanted) if survey is not None else (transport.everything(), {})
    found = compare(recorded, live, known)
    rest = [rel for rel in found.to_hash if rel not in hashes]
    hashes = {**hashes, **transport.digest(rest)} if rest else hashes
    for rel in found.to_hash:
        if hashes.get(rel) != recorded[rel].sha:
            found.changed[rel] = "isinya berbeda dari yang diterbitkan (ukurannya sama)"
    return found


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
