"""The build's own checks of a post, each placed next to the form field it concerns (by the front matter line
the build names), in the build's own Indonesian sentences."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.core import yamlio
from generator.core.report import Problem, Problems
from generator.desk.frontmatter_edit import parse
from generator.model import content, documents, registry
from generator.model.discovery import Source


@dataclass(frozen=True)
class FieldProblem:
    field: str          # a Form attribute name ("title", "date", "photos", ...) or "" for the whole post
    message: str


_FIELDS = {"title": "title", "date": "date", "category": "category", "tags": "tags", "summary": "summary",
           "cover": "cover", "gallery": "photos", "attachments": "attachments", "draft": "status",
           "menu": "menu", "pinned_until": "pinned_until", "cover_hidden": "cover_hidden"}
_EVENT = {"start": "event_start", "end": "event_end", "place": "event_place"}
_REQUIRED = re.compile(r"kolom '(\w+)' wajib diisi")


def field_of(path: tuple) -> str:
    """The form field of a front matter key path ('' for fields the form does not show)."""
    if not path:
        return ""
    if path[0] == "event":
        return _EVENT.get(path[1], "event_start") if len(path) > 1 else "event_start"
    return _FIELDS.get(path[0], "")


def sentence(problem: Problem) -> str:
    """The build's message with its advice, unless the advice is about typing YAML lines (the desk shows none) or
    about a post's folder (the desk's own advice instead)."""
    fix = problem.fix
    if fix and ("baris" in fix or "---" in fix or "Contoh:" in fix or "\n" in fix) and "Mungkin maksud" not in fix:
        fix = ""
    if fix and "index.md" in fix:       # folders and index.md are the text-file way; the desk has fields for files
        fix = "Unggah berkasnya di bagian Foto atau Lampiran, atau perbaiki namanya."
    return f"{problem.message[:1].upper()}{problem.message[1:]} {fix}".strip()


def placed(problems: list[Problem], text: str) -> list[FieldProblem]:
    """Each error of a file with the form field its line belongs to."""
    source = parse(text.lstrip("\ufeff"))
    by_line: dict[int, tuple] = {}
    body_line = None
    if source is not None:
        parsed = yamlio.load(source.front.replace("\r\n", "\n"), "x", Problems(), first_line=2)
        for path, line in sorted((parsed[1] if parsed else {}).items(), key=lambda item: len(item[0])):
            by_line.setdefault(line, path)
        body_line = 3 + source.front.count("\n")
    found = []
    for problem in problems:
        if problem.warning:
            continue
        required = _REQUIRED.search(problem.message)
        if required:
            name = field_of((required.group(1),))
        elif body_line is not None and problem.line is not None and problem.line >= body_line:
            name = "body"
        else:
            name = field_of(by_line.get(problem.line, ()))
        found.append(FieldProblem(name, sentence(problem)))
    return found


def file_problems(site: Path, path: Path, kind: str, bundle: Path | None, config, zone: ZoneInfo) -> list[FieldProblem]:
    """The build's problems with a file as it is on disk."""
    problems = Problems()
    _documents(content.load(site, Source(kind, path, bundle), config.site, zone, problems), config, problems)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    return placed(list(problems), text)


def text_problems(text: str, kind: str, files: list[str], config, zone: ZoneInfo) -> list[FieldProblem]:
    """The build's problems with a text as if saved in a post folder holding files (checked in a scratch folder:
    only the names matter, so the files are empty there)."""
    with tempfile.TemporaryDirectory(prefix="redaksi-periksa-") as scratch:
        site = Path(scratch)
        bundle = site / "content" / ("posts" if kind == "post" else "pages") / "periksa"
        bundle.mkdir(parents=True)
        source = bundle / "index.md"
        source.write_bytes(text.encode("utf-8"))
        for name in files:
            if name and "/" not in name and "\\" not in name and name not in (".", "..", "index.md"):
                try:
                    (bundle / name).touch()
                except OSError:
                    pass
        problems = Problems()
        _documents(content.load(site, Source(kind, source, bundle), config.site, zone, problems), config, problems)
    return placed(list(problems), text)


def _documents(entry, config, problems: Problems) -> None:
    """The build's checks of each typed attachment on its own (a known type; a decree's number, date and subject),
    which the build makes with the whole site's documents (registry.check)."""
    if entry is None:
        return
    settings = documents.settings_of(config)
    for attachment in entry.attachments:
        if attachment.typed is not None:
            listed = registry.Listed(entry.path, attachment.typed, attachment.title or attachment.file, "", None)
            problems.extend(registry.check_one(listed, settings))


def schedule_problems(form, zone: ZoneInfo, now: dt.datetime) -> list[FieldProblem]:
    """A post scheduled ('Jadwalkan') must have a date still to come."""
    parsed = content.parse_date(form.date.strip().replace("T", " "), zone) if form.date.strip() else None
    if parsed is None:
        return [] if form.date.strip() else [FieldProblem("date", "Tanggal dan jam terbit untuk jadwal wajib diisi.")]
    if parsed[0] <= now:
        return [FieldProblem("date", "Tanggal jadwal sudah lewat: pilih tanggal dan jam yang akan datang, atau pilih "
                                     "Terbit untuk menerbitkannya sekarang.")]
    return []
