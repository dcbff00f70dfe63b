"""The report at the end of an import: counts by WordPress type and status, what was written, what is missing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.wordpress.plan import Findings
from generator.wordpress.write import Outcome

STATUS_WORDS = {"publish": "terbit", "draft": "draf", "pending": "menunggu tinjauan", "private": "pribadi",
                "future": "terjadwal", "inherit": "lampiran", "trash": "tempat sampah", "auto-draft": "draf otomatis"}


@dataclass
class Report:
    export: str
    findings: Findings
    outcome: Outcome
    warnings: list[str]
    photos_missing: int
    dry_run: bool
    cut_short: tuple[int, int, int] | None = None      # (last line, items read whole, item read in part left out)
    uploads_note: str = ""                              # the uploads/ found inside the folder given, or why none

    def lines(self) -> list[str]:
        f, o = self.findings, self.outcome
        head = ("Uji coba (--dry-run): tidak ada berkas yang ditulis." if self.dry_run
                else "Impor selesai sebagian." if self.cut_short else "Impor selesai.")
        out = [f"{head} Ekspor: {self.export}"]
        if self.uploads_note:
            out.append(self.uploads_note)
        if self.cut_short:
            line, whole, partial = self.cut_short
            out.append(f"PERHATIAN: impor TIDAK LENGKAP. Berkas ekspor terpotong: berakhir di baris {line} tanpa "
                       f"penutup </rss>. Hanya {whole} item yang utuh yang dibaca"
                       + (f"; {partial} item yang terpotong di tengah dilewati" if partial else "")
                       + "; isi ekspor setelah titik itu tidak ada di berkas. Ekspor ulang dari WordPress (Alat > "
                       "Ekspor) atau unduh lagi berkasnya, lalu impor lagi.")
        out += ["", "Isi ekspor menurut jenis dan status WordPress:"]
        for (kind, status), count in sorted(f.by_type.items()):
            out.append(f"  {kind:<20} {status:<10} {count:>6}  ({STATUS_WORDS.get(status, status)})")
        if f.skipped_types:
            out.append("Jenis yang tidak diimpor: " + ", ".join(f"{k} ({n})" for k, n in sorted(f.skipped_types.items())))
        out += ["", f"Berita dan halaman: {len(o.new)} baru, {len(o.updated)} diperbarui, {len(o.unchanged)} tidak berubah"
                    + (f", {len(o.protected)} berkas tidak ditimpa" if o.protected else "") + ".",
                f"Foto dan berkas: {o.files_copied} disalin, {o.files_kept} sudah ada, {self.photos_missing} tidak ditemukan.",
                f"Alamat lama dialihkan: {f.aliases}. Tanggapan diarsipkan: {f.comments}"
                f" ({f.comments_skipped} belum disetujui, spam, pingback atau trackback tidak diimpor)."]
        out += _menu_lines(f.menu)
        if self.warnings:
            out += ["", "Berkas ekspor bukan XML yang sepenuhnya sah; tetap dibaca (bagian yang rusak mungkin hilang):"]
            out += [f"  {w}" for w in self.warnings[:20]]
            if len(self.warnings) > 20:
                out.append(f"  ... dan {len(self.warnings) - 20} lagi")
        if o.failed:
            out += ["", f"{len(o.failed)} berita atau halaman tidak bisa ditulis; yang lain tetap diimpor dan dicatat. "
                    "Perbaiki masalahnya (misalnya ruang disk), lalu jalankan impor lagi:"]
            out += [f"  {line}" for line in o.failed]
        if o.protected:
            out += ["", "Tidak ditimpa karena diubah sejak impor terakhir:"] + [f"  {p}" for p in o.protected]
        if f.links or o.unsafe_sources:
            out += ["", "Tautan (symlink) di folder unggahan tidak diikuti ke luar folder itu; berkas dan folder ini "
                    "tidak dibaca (salin berkas aslinya ke folder unggahan bila memang perlu):"]
            out += [f"  {name}" for name in f.links]
            out += [f"  {name}: berkas unggahannya berubah menjadi tautan saat impor; tidak disalin"
                    for name in o.unsafe_sources]
        if f.missing:
            out += ["", "Berkas yang tidak ditemukan di folder unggahan (--uploads); teksnya tetap diimpor:"]
            for folder, names in sorted(f.missing.items()):
                out += [f"  {folder}: {name}" for name in names]
        out += _redirect_lines(f)
        if f.notes:
            out += ["", "Yang tidak bisa dikonversi apa adanya:"] + [f"  {n}" for n in f.notes]
        if self.dry_run:
            out += ["", "Uji coba selesai: tidak ada berkas yang ditulis. Untuk mengimpor, jalankan perintah yang sama "
                    "tanpa --dry-run."]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _redirect_lines(f: Findings) -> list[str]:
    """The rules a web server needs for the old addresses a static site cannot keep: ?p= and /category/."""
    out: list[str] = []
    if f.unkept:
        out += ["", "Alamat lama yang tidak bisa dipertahankan di hosting statis (memakai ?p= atau ?page_id=).",
                "Saran: tambahkan pengalihan di server web, misalnya untuk Apache (.htaccess):"]
        for old, new, title in f.unkept:
            query = old.split("?", 1)[1]
            out.append(f"  # {title}")
            out.append(f"  RewriteCond %{{QUERY_STRING}} ^{query}$")
            out.append(f"  RewriteRule ^(index\\.php)?$ {new}? [R=301,L]")
    if f.categories:
        out += ["", "Alamat kategori WordPress (/category/...) berpindah ke alamat baru di situs ini; tanpa "
                "pengalihan, tautan lama ke kategori tidak ditemukan.",
                "Saran: tambahkan pengalihan di server web, misalnya untuk Apache (.htaccess):"]
        out += [f"  RedirectMatch 301 ^{_regex(old)}?$ {new}" for old, new in f.categories]
    return out


def _menu_lines(menu) -> list[str]:
    """What became of WordPress's menu, with the config.yaml block for its links (never written by the import)."""
    if menu is None:
        return []
    from generator.wordpress.menu import yaml_block

    out = ["", f"Menu WordPress '{menu.name}': {len(menu.pages)} halaman diberi 'menu:' (urutan menu di situs)."]
    if menu.others:
        out.append("Menu lain di ekspor tidak dipakai: " + ", ".join(menu.others) + ".")
    if menu.nested or menu.unknown:
        out.append(f"Dilewati: {menu.nested} entri sub-menu (menu situs satu tingkat) dan {menu.unknown} entri tanpa "
                   "tujuan yang dikenal (misalnya '#' atau halaman yang sudah dihapus).")
    if menu.links:
        out += ["Tautan menu lainnya (kategori, berita, alamat luar) belum masuk ke situs. config.yaml tidak diubah "
                "oleh impor; salin baris berikut ke config.yaml agar menu tetap lengkap:", ""]
        out += ["  " + line for line in yaml_block(menu.links).splitlines()]
    return out


def _regex(path: str) -> str:
    """A path as an Apache regular expression matching it literally ('.' and the like escaped, '-' and '/' not)."""
    return re.sub(r"([.+*?()\[\]{}|^$\\])", r"\\\1", path)
