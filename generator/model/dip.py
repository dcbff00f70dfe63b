"""The Daftar Informasi Publik (DIP): every typed document of the site by KIP category, as a page, CSV and JSON.

The columns are the seven a DIP carries under the Komisi Informasi's service standard (Perki 1/2021): number, a
summary of the information, the official or unit holding it, who is responsible for making it, when and where it was
made, the form it is available in, and how long it is kept; then the document's own type, number, status and links.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass

from generator.model import registry

COLUMNS = (("no", "No."), ("ringkasan", "Ringkasan isi informasi"),
           ("unit", "Pejabat/unit yang menguasai informasi"), ("penanggung_jawab", "Penanggung jawab pembuatan informasi"),
           ("waktu_tempat", "Waktu dan tempat pembuatan"), ("bentuk", "Bentuk informasi"),
           ("retensi", "Jangka waktu penyimpanan"), ("jenis", "Jenis"), ("nomor", "Nomor"), ("status", "Status"),
           ("judul", "Judul"), ("halaman", "Halaman dokumen"), ("berkas", "Alamat berkas"), ("sumber", "Dimuat di"))


@dataclass(frozen=True)
class Row:
    """One line of the DIP (plain values, for the page's fingerprint)."""

    no: int
    ringkasan: str
    unit: str
    penanggung_jawab: str
    waktu_tempat: str
    bentuk: str
    retensi: str
    jenis: str
    nomor: str
    status: str
    judul: str
    halaman: str         # the document's own page
    berkas: str          # the file's address on the site (a path below the base URL)
    sumber: str          # the address of the post or page that carries it
    sumber_judul: str


@dataclass(frozen=True)
class Group:
    kip: str
    label: str
    rows: tuple[Row, ...]


def groups(posts: list, locale: str) -> list[Group]:
    """Every typed document of posts and pages, grouped by KIP category in the law's order, each group newest first."""
    from babel.dates import format_date

    found: dict[str, list] = {kip: [] for kip in registry.KIP}
    for post in posts:
        for view in post.attachments:
            if view.record is not None:
                found[view.record.kip].append((post, view))
    out = []
    for kip, items in found.items():
        items.sort(key=lambda pv: _when(*pv) or dt.date.min, reverse=True)
        rows = []
        for number, (post, view) in enumerate(items, 1):
            record, when = view.record, _when(post, view)
            said = format_date(when, "d MMMM y", locale=locale) if when else ""
            rows.append(Row(number, record.ringkasan, record.unit, record.penanggung_jawab,
                            ", ".join(p for p in (said, record.tempat) if p), record.bentuk or f"Softcopy ({view.kind})",
                            record.retensi, record.jenis, record.nomor, record.status_label, view.title,
                            record.page, view.url, post.url, post.entry.title))
        if rows:
            out.append(Group(kip, registry.KIP[kip], tuple(rows)))
    return out


def _when(post, view) -> dt.date | None:
    """When a document was made: its own 'tanggal', else its post's date."""
    return view.record.tanggal or (post.entry.date.date() if post.entry.date else None)


def _absolute(row: Row, base_url: str) -> dict:
    """A row's values with its addresses in full (a CSV or JSON file is read away from the site)."""
    values = asdict(row)
    for key in ("halaman", "berkas", "sumber"):
        values[key] = base_url.rstrip("/") + values[key]
    return values


def as_csv(groups_: list[Group], base_url: str) -> str:
    """The DIP as CSV (comma-separated, a header row, one line a document, the KIP category first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Kategori"] + [label for _key, label in COLUMNS])
    for group in groups_:
        for row in group.rows:
            values = _absolute(row, base_url)
            writer.writerow([group.label] + [values[key] for key, _label in COLUMNS])
    return buffer.getvalue()


def as_json(groups_: list[Group], title: str, base_url: str) -> str:
    data = {"judul": f"Daftar Informasi Publik {title}",
            "kategori": [{"kategori": g.kip, "nama": g.label, "informasi": [_absolute(r, base_url) for r in g.rows]}
                         for g in groups_]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
