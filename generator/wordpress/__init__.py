"""Importing a WordPress export: read it, plan a bundle per post and page, write them safely, report.

Beside the pipeline, never imported by it: it reads the site's config.yaml and, at the end, validates what it
wrote with the same checks a build makes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from generator.core.report import Problems
from generator.core.system import shown
from generator.model import config as config_module
from generator.model import content, discovery
from generator.model.discovery import Source
from generator.model.urls import config_zone
from generator.wordpress import media, plan, wxr
from generator.wordpress.report import Report
from generator.wordpress.write import Unsafe, folders, load_memo, load_state, save_memo, write_bundles


@dataclass(frozen=True)
class Options:
    export: Path
    site_dir: Path
    uploads: Path | None = None
    dry_run: bool = False
    force: bool = False
    views_key: str = ""


def run(options: Options, out=None, err=None) -> int:
    """Import, print the report; 0 when done, 1 when the export cannot be read, an item could not be written or the
    result does not validate, 2 on bad usage."""
    out, err = out or sys.stdout, err or sys.stderr
    problems = Problems()
    config = config_module.load(options.site_dir / "config.yaml", problems)
    if config is None:
        for problem in problems:
            print(problem, file=err)
        return 1
    usage = _bad_usage(options)
    if usage:
        print(f"Galat: {usage}", file=err)
        return 2
    export = _read(options.export, config, err)
    if export is None:
        return 1
    links: list[str] = []
    uploads, found = media.uploads_folder(options.uploads) if options.uploads else (None, "")
    library = media.Library(plan.attachments(export), media.index_uploads(uploads, links))
    state = load_state(options.site_dir)
    known = folders(state)
    earlier = plan.Earlier(known, addresses(options.site_dir, set(known.values()), config), load_memo(options.site_dir))
    bundles, findings, memo = plan.plan(export, library, config, plan.Settings(options.views_key), options.site_dir,
                                        earlier)
    findings.links = links
    try:
        outcome = write_bundles(options.site_dir, bundles, state, options.force, options.dry_run)
    except Unsafe as path:
        print(f"Galat: jalur {shown(path)} keluar dari folder situs; tidak ada yang ditulis di luar folder situs.",
              file=err)
        return 1
    missing = sum(len(v) for v in findings.missing.values())
    cut = (export.cut_short, len(export.items), export.dropped) if export.cut_short else None
    report = Report(shown(options.export), findings, outcome, export.warnings, missing, options.dry_run, cut,
                    _uploads_note(uploads, found, missing))
    print(report, file=out)
    if options.dry_run:
        return 1 if export.cut_short else 0
    save_memo(options.site_dir, memo)
    written = {path.rsplit("/", 1)[0] for path in outcome.new + outcome.updated}
    invalid = validate(options.site_dir, [b.folder for b in bundles if b.folder in written], config)
    for problem in invalid:
        print(problem, file=err)
    if invalid.errors:
        print(f"\n{len(invalid.errors)} berkas hasil impor belum sah; perbaiki lalu jalankan build.", file=err)
        return 1
    if export.cut_short:
        print(f"\nBerkas ekspor terpotong (berakhir di baris {export.cut_short} tanpa penutup </rss>): hanya item "
              "yang utuh yang diimpor. Ekspor ulang dari WordPress, lalu impor lagi untuk melengkapinya.", file=err)
        return 1
    if outcome.failed:
        print(f"\n{len(outcome.failed)} berita atau halaman gagal ditulis (lihat laporan di atas); yang lain sudah "
              "diimpor.", file=err)
        return 1
    print(_closing(options.site_dir), file=out)
    return 0


# The first words of the sample post `init` writes (generator.newsite.create.sample_post), while unchanged.
SAMPLE_TEXT = "Ini berita contoh. Ubah atau hapus dari Meja Redaksi"


def _closing(site_dir: Path) -> str:
    """The report's last words: what to run next, and the new site's sample post when it is still there as `init`
    wrote it (dated the day the site was made, it would stand above the whole imported archive)."""
    from generator.core.invocation import command, current

    samples = [index.parent.relative_to(site_dir).as_posix()
               for index in sorted((site_dir / "content" / "posts").glob("*/selamat-datang/index.md"))
               if SAMPLE_TEXT in index.read_text(encoding="utf-8", errors="replace")]
    note = "".join(f"\nBerita contoh dari pembuatan situs masih ada di {shown(folder)}/ dan akan tampil paling atas "
                   "di beranda; hapus foldernya (atau hapus dari Meja Redaksi) bila tidak diperlukan."
                   for folder in samples)
    return (f"{note}\nSemua berkas hasil impor sah. Lihat situsnya dengan "
            f"`{command(current(), 'serve', [], site_dir)}` atau bangun dengan `{command(current(), 'build', [], site_dir)}`.")


def _bad_usage(options: Options) -> str:
    """What is wrong with the paths given (the export, the uploads folder), or ""."""
    if not options.export.is_file():
        return (f"berkas ekspor {shown(options.export)} tidak ada. Ekspor dari WordPress lewat Alat > Ekspor, "
                "lalu sebutkan berkas .xml-nya.")
    if options.uploads is not None and not options.uploads.is_dir():
        return (f"folder unggahan {shown(options.uploads)} tidak ada. Sebutkan salinan folder wp-content/uploads/ "
                "dari cadangan hosting.")
    return ""


def _uploads_note(uploads: Path | None, found: str, missing: int) -> str:
    """What the report says of the uploads folder: the uploads/ found inside the folder given, or, when files were
    not found, that the folder given has no year folders as wp-content/uploads/ has."""
    if found == "inside":
        return f"Folder unggahan: {shown(uploads)} (folder uploads/ di dalam folder yang disebut)."
    if found == "flat" and missing:
        return (f"Folder unggahan {shown(uploads)} tidak berisi folder tahun (seperti 2019/) seperti "
                "wp-content/uploads/ di WordPress, dan di dalamnya tidak ada uploads/ atau wp-content/uploads/. "
                "Bila foto tidak ditemukan, sebutkan folder wp-content/uploads/ dari cadangan hosting.")
    return ""


def _read(path: Path, config, err) -> wxr.Export | None:
    """The export, or None when it cannot be read or is refused (said on err)."""
    packed = _packed(path)
    if packed:
        print(f"{shown(path)}: {packed}", file=err)
        return None
    try:
        return wxr.read(path, config_zone(config))
    except wxr.Unreadable as problem:
        print(f"{shown(path)}: tidak bisa dibaca sebagai ekspor WordPress: {problem}. Pastikan berkasnya hasil "
              "Alat > Ekspor di WordPress (berakhiran .xml).", file=err)
    except wxr.Refused as problem:
        print(f"{shown(path)}: ekspor ditolak, tidak ada yang diimpor: {problem}. Berkas ini bukan ekspor WordPress "
              "yang "
              "asli atau sudah diubah; ekspor ulang dari WordPress (Alat > Ekspor).", file=err)
    return None


def _packed(path: Path) -> str:
    """Why a compressed export cannot be read as it is, with what to do ('' for a file that is not one)."""
    import zipfile

    with open(path, "rb") as handle:
        start = handle.read(4)
    if start[:2] == b"\x1f\x8b":
        return "berkas ini terkompresi (gzip). Ekstrak dulu, lalu impor berkas .xml hasilnya."
    if start != b"PK\x03\x04" or not zipfile.is_zipfile(path):
        return ""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".xml")]
    except (OSError, zipfile.BadZipFile):
        names = []
    inside = (f"berisi {len(names)} berkas ekspor: " + ", ".join(names[:10]) + (" ..." if len(names) > 10 else "")
              if names else "tanpa berkas .xml di dalamnya")
    return (f"berkas ini arsip ZIP ({inside}), seperti yang dikirim WordPress.com. Ekstrak dulu arsipnya, lalu "
            "impor setiap berkas .xml di dalamnya satu per satu.")


def addresses(site_dir: Path, imported: set[str], config) -> set[str]:
    """The addresses (and aliases) of the posts and pages the staff wrote themselves, which no import may take."""
    from generator.model.urls import fill, post_url

    found: set[str] = set()
    zone = config_zone(config)
    for kind, source, bundle in discovery.discover(site_dir / "content"):
        folder = (bundle or source).relative_to(site_dir).as_posix()
        if folder in imported:
            continue
        entry = content.load(site_dir, Source(kind, source, bundle), config.site, zone, Problems())
        if entry is None or (kind == "post" and entry.date is None):
            continue
        found.add(post_url(config, entry) if kind == "post" else fill(config.permalinks.page, slug=entry.slug))
        found.update(entry.aliases)
    return found


def validate(site_dir: Path, written: list[str], config) -> Problems:
    """Check every imported index.md as the build would (front matter, files named in it)."""
    problems = Problems()
    zone = config_zone(config)
    for folder in written:
        source = site_dir / folder / "index.md"
        if source.is_file():
            kind = "page" if folder.startswith("content/pages/") else "post"
            content.load(site_dir, Source(kind, source, source.parent), config.site, zone, problems)
    return problems
