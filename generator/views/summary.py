"""The report of a run, in Indonesian: views added (top 10), lines read and skipped by reason, the period covered."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal

from generator.views.count import REASONS, Tally

TOP = 10


def text(tally: Tally, posts: list, changes: dict[str, tuple], config, logs: int, dry_run: bool) -> str:
    locale, zone = config.site.language, ZoneInfo(config.site.timezone)

    def number(value: int) -> str:
        return format_decimal(value, locale=locale)

    def when(seconds: int) -> str:
        moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc).astimezone(zone)
        return format_datetime(moment, "d MMMM y HH.mm zzz", locale=locale)

    added = sum(tally.views)
    out = [f"Log: {number(logs)} berkas, {number(tally.lines)} baris baru dibaca"
           + (f" ({number(tally.counted_before)} baris lain sudah dihitung sebelumnya)" if tally.counted_before else "")
           + "."]
    if tally.unfinished:
        out.append(f"Baris terakhir {number(tally.unfinished)} log belum diakhiri ganti baris (server masih "
                   "menulisnya?): belum dihitung, akan dihitung pada penghitungan berikutnya.")
    if not tally.lines:
        out.append("Tidak ada yang ditambahkan: semua baris log ini sudah dihitung sebelumnya." if tally.counted_before
                   else "Tidak ada yang ditambahkan: log ini tidak berisi baris yang lengkap." if tally.unfinished
                   else "Tidak ada yang ditambahkan: log ini kosong.")
        return "\n".join(out)
    if tally.first is not None:
        out.append(f"Periode: {when(tally.first)} sampai {when(tally.last)}.")
    shown = [(n, p) for n, p in zip(tally.views, posts) if n]
    out.append(f"Kunjungan baru: {number(added)} pada {number(len(shown))} berita.")
    if shown:
        shown.sort(key=lambda item: (-item[0], item[1].entry.path))
        out.append(f"Tambahan terbanyak{' (10 teratas)' if len(shown) > TOP else ''}:")
        width = len(number(shown[0][0])) + 1
        for views, post in shown[:TOP]:
            before, after = changes.get(post.entry.path, (None, None))
            result = (f"{number(before or 0)} → {number(after)}" if after is not None
                      else "tidak ditulis, lihat pesan di bawah")
            out.append(f"  {'+' + number(views):>{width}}  {post.entry.title} ({result})")
    skipped = sum(tally.skipped.values())
    out.append(f"Dilewati: {number(skipped)} baris.")
    width = max(len(number(v)) for v in tally.skipped.values())
    for reason in REASONS:
        out.append(f"  {number(tally.skipped[reason]):>{width}}  {reason}")
    if dry_run:
        out.append("Uji coba (--dry-run): tidak ada berkas yang diubah.")
    elif changes:
        out.append(f"Ditulis: 'views' di {number(len(changes))} berita.")
    return "\n".join(out)
