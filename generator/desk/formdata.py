"""The desk form's fields, posted by the browser, to the store's Form and back: pure functions, no web code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.desk import settings, store


@dataclass(frozen=True)
class Posted:
    """What one submit of the form says besides the post itself."""

    key: str | None          # the file being edited; None for a new post
    version: str | None      # the file's version when the form was opened (the conflict check's base)
    force: bool              # the person chose their own version in the conflict view


def _one(values, name: str) -> str:
    found = values.getlist(name)
    return str(found[0]) if found and isinstance(found[0], str) else ""


def _texts(values, name: str) -> list[str]:
    return [v if isinstance(v, str) else "" for v in values.getlist(name)]


def _sent(values, name: str) -> str | None:
    """A text field as typed, or None when the form did not send it (the file's own value stays)."""
    return _one(values, name).strip() if name in values else None


def split_list(text: str, separators: str = ",\n") -> list[str]:
    """'pemilu, rapat ,' -> ['pemilu', 'rapat']: the tags as typed in one box."""
    for sep in separators[1:]:
        text = text.replace(sep, separators[0])
    return [part.strip() for part in text.split(separators[0]) if part.strip()]


# The form's names of an attachment's fields, in the order of forms.ATTACHMENT_KEYS.
ATTACHMENT_FIELDS = ("lampiran", "lampiran_judul", "lampiran_jenis", "lampiran_nomor", "lampiran_tanggal",
                     "lampiran_tentang", "lampiran_kip")


def form_of(values) -> tuple[store.Form, Posted]:
    """The store's Form and the submit's own fields from the posted values (a Starlette FormData or MultiDict)."""
    credits = _texts(values, "kredit")
    photos = [store.Photo(name, caption, alt, credits[i] if i < len(credits) else None) for i, (name, caption, alt)
              in enumerate(zip(_texts(values, "foto"), _texts(values, "keterangan"), _texts(values, "alt"))) if name]
    # a field the form did not send (a tab opened before the document fields came): None, the file's value is kept
    columns = [_texts(values, name) for name in ATTACHMENT_FIELDS]
    attachments = [store.Attachment(*(column[i] if i < len(column) else None for column in columns))
                   for i, name in enumerate(columns[0]) if name]
    kind = _one(values, "jenis") if _one(values, "jenis") in ("post", "page") else "post"
    status = _one(values, "status") if _one(values, "status") in ("draf", "terbit", "jadwal") else "draf"
    form = store.Form(
        kind=kind, title=_one(values, "judul"), date=_one(values, "tanggal").strip().replace("T", " "),
        category=_one(values, "kategori").strip(), tags=split_list(_one(values, "tag")),
        summary=_one(values, "ringkasan").replace("\r\n", "\n"), event_start=_one(values, "acara_mulai").strip(),
        event_end=_one(values, "acara_selesai").strip(), event_place=_one(values, "acara_tempat").strip(),
        body=_one(values, "isi").replace("\r\n", "\n"), photos=photos, cover=_one(values, "sampul"),
        attachments=attachments, youtube=split_list(_one(values, "youtube"), "\n"), status=status,
        menu=_sent(values, "menu"), pinned_until=_sent(values, "utama_sampai"),
        cover_hidden=_one(values, "sampul_sembunyi") == "1" if "sampul_sembunyi_ada" in values else None)
    posted = Posted(_one(values, "key") or None, _one(values, "version") or None, _one(values, "paksa") == "1")
    return form, posted


def by_field(problems) -> dict[str, list[str]]:
    """The store's FieldProblems grouped by the form field they concern ("" for the whole post)."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(problem.field, []).append(problem.message)
    return grouped


# Each list of links on the settings page: its field, the form's prefix, its heading, its hint and its columns.
SETTINGS_LISTS = (
    ("services", "layanan", "Tautan layanan di beranda",
     "Kotak Layanan di beranda: PPID, JDIH, pengaduan, cek DPT dan sejenisnya.",
     (("judul", "Judul"), ("alamat", "Alamat (url)"), ("keterangan", "Keterangan singkat"))),
    ("menu_links", "menu", "Tautan tambahan di menu",
     "Tampil di menu atas sesudah Beranda, halaman-halaman, Galeri, Dokumen, Arsip dan Cari.",
     (("judul", "Judul"), ("alamat", "Alamat (url)"))),
    ("social", "sosial", "Media sosial",
     "Akun kantor di Facebook, Instagram, YouTube, X dan sejenisnya.",
     (("nama", "Nama"), ("alamat", "Alamat (url)"))),
)
# The form's names of each list's columns (settings.LISTS' keys in order): '<prefix>_<column>'.
ROW_FIELDS = {field: tuple(f"{prefix}_{column}" for column, _ in columns)
              for field, prefix, _, _, columns in SETTINGS_LISTS}
# The form's names of the settings' text fields.
SETTINGS_FIELDS = {"title": "nama_kantor", "tagline": "slogan", "description": "deskripsi", "author": "penulis",
                   "address": "alamat", "phone": "telepon", "email": "surel", "hours": "jam", "logo": "logo",
                   "color": "warna", "footer": "kaki"}


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _typed(text: str) -> str:
    """A setting as typed, without what a box can carry but a setting cannot (control characters copied from a PDF
    or Word, whose line break within a paragraph is U+000B; a tab): the build would blame config.yaml's line for
    them, not the field."""
    spaced = text.replace("\r\n", "\n").translate({9: " ", 11: " ", 12: " "})
    return _CONTROL.sub("", spaced).strip()


def _rows(values, names: tuple) -> list[settings.Link]:
    columns = [_texts(values, name) for name in names]
    count = max(len(column) for column in columns)
    return [settings.Link(*(_typed(column[i]).replace("\n", " ") if i < len(column) else "" for column in columns))
            for i in range(count)]


def settings_of(values) -> tuple[settings.Settings, str]:
    """The settings form's Settings (a logo ticked for removal: none) and the version it was opened at."""
    texts = {name: _typed(_one(values, posted)) for name, posted in SETTINGS_FIELDS.items()}
    if _one(values, "hapus_logo") == "1":
        texts["logo"] = ""
    found = settings.Settings(**texts, **{name: _rows(values, names) for name, names in ROW_FIELDS.items()},
                              sections=[s.strip() for s in _texts(values, "rubrik") if s.strip()])
    return found, _one(values, "version")
