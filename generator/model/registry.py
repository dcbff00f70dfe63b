"""The public-information registry: typed documents, their legal status and the Daftar Informasi Publik (DIP).

Every KPU office is a public body under UU 14/2008 (Keterbukaan Informasi Publik): it publishes *berkala*
information at least every six months, *serta-merta* information at once, keeps *setiap saat* information available,
never publishes *dikecualikan* information, and keeps a Daftar Informasi Publik whose columns are the number, a
summary, the unit that holds the information, who is responsible for making it, when and where it was made, the
form it is available in, and how long it is kept. Legal products (keputusan, peraturan, surat edaran) are also JDIH
documents: their status, Berlaku or Tidak Berlaku, follows from what revoked or amended what.

An attachment is typed when its front matter names any of the fields below (content.py reads and checks each
value's shape here, with its line); `resolve` then checks the site as a whole (legal products complete, relations
naming numbers that exist, no number twice), derives each document's status from the documents that revoke it,
and warns about periodic series not renewed within six months. Decisions only; nothing here reads files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from generator.core.report import Problem

KIP = {"berkala": "Informasi Berkala", "serta-merta": "Informasi Serta Merta", "setiap-saat": "Informasi Setiap Saat"}
STATUS = {"berlaku": "Berlaku", "tidak-berlaku": "Tidak Berlaku"}
TYPES = ("Keputusan", "Peraturan", "Surat Edaran", "Pengumuman", "Laporan", "Formulir", "Berita Acara",
         "Rekapitulasi", "Jadwal", "Instruksi", "Petunjuk Teknis", "Lainnya")
LEGAL_TYPES = ("Keputusan", "Peraturan", "Surat Edaran")
# What offices call these types for short, for the suggestion when one is written as `jenis`.
ABBREVIATIONS = {"sk": "Keputusan", "surat keputusan": "Keputusan", "kepkpu": "Keputusan", "se": "Surat Edaran",
                 "pkpu": "Peraturan", "perkpu": "Peraturan", "perbup": "Peraturan", "perda": "Peraturan",
                 "ba": "Berita Acara", "juknis": "Petunjuk Teknis", "laporan keuangan": "Laporan"}
TEXT_FIELDS = ("jenis", "nomor", "tentang", "seri", "ringkasan", "unit", "penanggung_jawab", "tempat", "bentuk",
               "retensi")
FIELDS = frozenset(TEXT_FIELDS + ("tanggal", "kip", "status", "mencabut", "mengubah"))
PERIOD = dt.timedelta(days=183)          # "paling singkat 6 (enam) bulan sekali" (UU 14/2008, pasal 9 ayat 4)


@dataclass(frozen=True)
class Typed:
    """What front matter says of one typed attachment, with the line of each field (for the site-wide checks)."""

    jenis: str = ""
    nomor: str = ""
    tanggal: dt.date | None = None
    tentang: str = ""
    kip: str = ""
    status: str = "berlaku"
    seri: str = ""
    mencabut: tuple[str, ...] = ()
    mengubah: tuple[str, ...] = ()
    ringkasan: str = ""
    unit: str = ""
    penanggung_jawab: str = ""
    tempat: str = ""
    bentuk: str = ""
    retensi: str = ""
    lines: tuple[tuple[str, int | None], ...] = ()       # (field or 'mencabut.0', line)
    written_nomor: str = ""      # the number as written, 'Nomor 98 Tahun 2024': its page's address, kept as it was

    @property
    def address_number(self) -> str:
        return self.written_nomor or self.nomor

    def line(self, name: str) -> int | None:
        return dict(self.lines).get(name) or dict(self.lines).get("")


@dataclass(frozen=True)
class Link:
    """Another document named in a relation: its number, title and page address (plain values, for fingerprints)."""

    nomor: str
    title: str
    url: str


@dataclass(frozen=True)
class Record:
    """A typed document as pages show it: its fields, its derived status and its relations both ways."""

    jenis: str
    nomor: str
    tanggal: dt.date | None
    tentang: str
    kip: str
    status: str                  # 'berlaku' | 'tidak-berlaku', after relations
    page: str                    # the document's own page on the site
    revoked_by: tuple[Link, ...] = ()
    revokes: tuple[Link, ...] = ()
    amended_by: tuple[Link, ...] = ()
    amends: tuple[Link, ...] = ()
    ringkasan: str = ""
    unit: str = ""
    penanggung_jawab: str = ""
    tempat: str = ""
    bentuk: str = ""
    retensi: str = ""

    @property
    def status_label(self) -> str:
        return STATUS[self.status]

    @property
    def kip_label(self) -> str:
        return KIP.get(self.kip, "")


def number_key(nomor: str) -> str:
    """Numbers compare without case and spacing: 'Nomor 12 Tahun 2023' = 'nomor 12  tahun 2023'."""
    return re.sub(r"\s+", " ", nomor).strip().lower()


_NUMBER_WORD = re.compile(r"^(?:nomor\b|no\b\.?)\s*:?\s*(?=\S)", re.I)


def bare_number(nomor: str) -> str:
    """A number as pages show it after the word 'Nomor': staff often write the word too ('Nomor 98 Tahun 2024',
    'No. 98 Tahun 2024'), which would read 'Keputusan Nomor Nomor 98 ...' and not match '98 Tahun 2024'."""
    return _NUMBER_WORD.sub("", nomor.strip())


# Reading one attachment's fields -----------------------------------------------------------------------------------

@dataclass
class Reader:
    """What reading one attachment needs from content.py: its key, the line table and where to put an error."""

    key: tuple
    lines: dict
    error: object                 # error(key, message, fix="")
    parse_date: object            # parse_date(text) -> date | None
    written: object = None        # written(text) -> '2024-09-20' for a date written in words ('20 September 2024')


def read(item: dict, reader: Reader) -> Typed | None:
    """The typed fields of one attachment item (None when it has none); shape errors go to reader.error."""
    if not FIELDS & set(item):
        return None
    values: dict = {}
    for name in TEXT_FIELDS:
        value = item.get(name)
        if value is not None and not isinstance(value, (str, int, float)) or isinstance(value, bool):
            reader.error(reader.key + (name,), f"'{name}' harus berupa teks biasa.")
        elif value is not None:
            values[name] = bare_number(str(value)) if name == "nomor" else str(value).strip()
    if isinstance(item.get("nomor"), (str, int)) and not isinstance(item.get("nomor"), bool):
        values["written_nomor"] = str(item["nomor"]).strip()
    values["tanggal"] = _date(item, reader)
    values["kip"] = _choice(item, "kip", KIP, reader)
    values["status"] = _choice(item, "status", STATUS, reader) or "berlaku"
    for name in ("mencabut", "mengubah"):
        values[name] = _numbers(item, name, reader)
    lines = [("", reader.lines.get(reader.key + ("file",)))]
    lines += [(name, reader.lines.get(reader.key + (name,))) for name in FIELDS if name in item]
    for name in ("mencabut", "mengubah"):
        lines += [(f"{name}.{i}", reader.lines.get(reader.key + (name, i)) or reader.lines.get(reader.key + (name,)))
                  for i in range(len(values[name]))]
    return Typed(**values, lines=tuple(lines))


def _date(item: dict, reader: Reader) -> dt.date | None:
    value = item.get("tanggal")
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = reader.parse_date(str(value)) if isinstance(value, str) else None
    if parsed is None:
        written = reader.written(str(value)).split(" ")[0] if reader.written and isinstance(value, str) else ""
        reader.error(reader.key + ("tanggal",), f"'tanggal' dokumen '{value}' tidak bisa dibaca.",
                     f"Tulis sebagai {written} (tahun-bulan-tanggal, angka saja)." if written else
                     "Tulis tanggal penetapan seperti 2024-03-05.")
    return parsed


def _choice(item: dict, name: str, choices: dict, reader: Reader) -> str:
    value = item.get(name)
    if value is None:
        return ""
    text = str(value).strip().lower().replace(" ", "-").replace("_", "-")
    if name == "kip" and text == "dikecualikan":
        reader.error(reader.key + (name,), "dokumen berkategori 'dikecualikan' tidak boleh diterbitkan (UU 14/2008 "
                     "pasal 17): berkas ini tidak akan dikirim ke situs.",
                     "Keluarkan berkas itu dari folder berita dan hapus barisnya dari 'attachments'.")
        return ""
    if text not in choices:
        reader.error(reader.key + (name,), f"'{name}: {value}' tidak dikenal.", f"Yang boleh: {', '.join(choices)}.")
        return ""
    return text


def _numbers(item: dict, name: str, reader: Reader) -> tuple[str, ...]:
    value = item.get(name)
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).strip() for v in values):
        reader.error(reader.key + (name,), f"'{name}' harus berupa nomor dokumen, atau daftar nomor.",
                     f"Contoh: {name}: Nomor 12 Tahun 2023")
        return ()
    return tuple(bare_number(str(v)) for v in values)


# The site as a whole -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """config.yaml's documents section as the registry needs it."""

    types: tuple[str, ...] = TYPES
    legal_types: tuple[str, ...] = LEGAL_TYPES
    unit: str = ""
    responsible: str = ""
    place: str = ""
    retention: str = ""


@dataclass
class Listed:
    """One typed attachment of the site during resolution: where it is and what it says."""

    path: str                   # the content file whose front matter lists it
    typed: Typed
    title: str
    page: str                   # the address of the document's own page
    date: dt.date | None        # its post's date, used when the document itself has no tanggal


def check_one(entry: Listed, settings: Settings) -> list[Problem]:
    """What one document says, on its own: a known type, and a legal product's number, date and subject."""
    found: list[Problem] = []
    typed = entry.typed
    known = {t.lower(): t for t in (*settings.types, *settings.legal_types)}
    if typed.jenis and typed.jenis.lower() not in known:
        import difflib  # only for an unknown type: a build without one does without it

        near = [ABBREVIATIONS[typed.jenis.lower()]] if typed.jenis.lower() in ABBREVIATIONS else [
            known[n] for n in difflib.get_close_matches(typed.jenis.lower(), known, n=1)]
        fix = f"Mungkin maksudnya '{near[0]}'?" if near else (
            f"Yang dikenal: {', '.join(known.values())}; tambahkan jenis lain di config.yaml (documents.types).")
        found.append(Problem(entry.path, typed.line("jenis"), f"jenis dokumen '{typed.jenis}' tidak dikenal.", fix))
    if typed.jenis.lower() in {t.lower() for t in settings.legal_types}:
        missing = [n for n in ("nomor", "tanggal", "tentang") if not getattr(typed, n)]
        if missing:
            found.append(Problem(entry.path, typed.line("jenis"), f"{typed.jenis} '{entry.title}' belum punya "
                                 f"{', '.join(missing)}: produk hukum wajib mencantumkan nomor, tanggal dan tentang.",
                                 "Contoh:\n    nomor: 12 Tahun 2024\n    tanggal: 2024-03-05\n"
                                 "    tentang: Penetapan Daftar Calon Tetap"))
    return found


def check(entries: list[Listed], settings: Settings) -> list[Problem]:
    """Each document on its own (check_one), each number once, each relation naming a number that exists."""
    found: list[Problem] = []
    numbers: dict[str, Listed] = {}
    for entry in entries:
        typed = entry.typed
        found += check_one(entry, settings)
        if typed.nomor:
            other = numbers.setdefault(number_key(typed.nomor), entry)
            if other is not entry:
                found.append(Problem(entry.path, typed.line("nomor"), f"nomor '{typed.nomor}' sudah dipakai dokumen "
                                     f"'{other.title}' ({other.path}).", "Setiap dokumen bernomor harus unik; periksa "
                                     "nomornya."))
    for entry in entries:
        for name in ("mencabut", "mengubah"):
            for index, nomor in enumerate(getattr(entry.typed, name)):
                if number_key(nomor) not in numbers:
                    found.append(Problem(entry.path, entry.typed.line(f"{name}.{index}"),
                                         f"'{name}: {nomor}' menyebut nomor yang tidak ada di situs ini.",
                                         "Tulis nomornya persis seperti di 'nomor:' dokumen yang dimaksud, dan pastikan "
                                         "dokumen itu ikut diunggah sebagai lampiran."))
    return found


def records(entries: list[Listed], settings: Settings) -> list[Record]:
    """Each entry's Record, in the order given: status and relations from every other entry."""
    by_number = {number_key(e.typed.nomor): e for e in entries if e.typed.nomor}
    revoked_by: dict[int, list[Link]] = {}
    amended_by: dict[int, list[Link]] = {}
    for entry in entries:
        for name, into in (("mencabut", revoked_by), ("mengubah", amended_by)):
            for nomor in getattr(entry.typed, name):
                target = by_number.get(number_key(nomor))
                if target is not None and target is not entry:
                    into.setdefault(id(target), []).append(_link(entry))
    out = []
    for entry in entries:
        typed = entry.typed
        linked = {name: tuple(_link(by_number[number_key(n)]) for n in getattr(typed, name)
                              if number_key(n) in by_number) for name in ("mencabut", "mengubah")}
        revokers = tuple(revoked_by.get(id(entry), ()))
        out.append(Record(
            jenis=typed.jenis, nomor=typed.nomor, tanggal=typed.tanggal, tentang=typed.tentang,
            kip=typed.kip or "setiap-saat", status="tidak-berlaku" if revokers else typed.status, page=entry.page,
            revoked_by=revokers, revokes=linked["mencabut"], amended_by=tuple(amended_by.get(id(entry), ())),
            amends=linked["mengubah"], ringkasan=typed.ringkasan or typed.tentang or entry.title,
            unit=typed.unit or settings.unit, penanggung_jawab=typed.penanggung_jawab or settings.responsible,
            tempat=typed.tempat or settings.place, bentuk=typed.bentuk, retensi=typed.retensi or settings.retention))
    return out


def _link(entry: Listed) -> Link:
    return Link(entry.typed.nomor, entry.title, entry.page)


def overdue(entries: list[Listed], now: dt.datetime) -> list[Problem]:
    """The newest document of each 'berkala' series (same seri, or same jenis and tentang) when it is older than six
    months: a warning naming it, with the rule in one sentence."""
    series: dict[tuple, Listed] = {}
    for entry in entries:
        typed = entry.typed
        if typed.kip != "berkala" or _when(entry) is None:
            continue
        key = ("seri", typed.seri.lower()) if typed.seri else (typed.jenis.lower(), typed.tentang.lower())
        if key not in series or _when(entry) > _when(series[key]):
            series[key] = entry
    found = []
    for entry in series.values():
        when = _when(entry)
        if now.date() - when > PERIOD:
            name = entry.typed.seri or entry.typed.tentang or entry.title
            found.append(Problem(entry.path, entry.typed.line("kip"), f"informasi berkala '{name}' terakhir "
                                 f"diperbarui {when.isoformat()}, lebih dari enam bulan lalu.",
                                 "Informasi berkala wajib diumumkan paling singkat enam bulan sekali (UU 14/2008 "
                                 "pasal 9): unggah versi terbarunya.", warning=True))
    return sorted(found, key=lambda f: (f.path, f.line or 0))


def _when(entry: Listed) -> dt.date | None:
    return entry.typed.tanggal or entry.date


def with_record(view, record: Record):
    """An attachment view carrying its registry record (views are frozen dataclasses)."""
    return dataclasses.replace(view, record=record)
