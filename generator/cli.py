"""Command line: build, serve, new, check, views, publish, verify, otomatis and import-wordpress, with exit codes
0 (fine), 1 (content errors), 2 (bad usage), 75 (another build of the site is running) and 70 (a bug in the generator)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.core.lock import Busy, waiting_message
from generator.core.report import BuildFailed, InternalError, Problems
from generator.core.system import shown
from generator.options import Options
from generator.render.writer import UnsafeOutput

EXIT_BUSY = 75      # sysexits' EX_TEMPFAIL: try again later
EXIT_BUG = 70       # sysexits' EX_SOFTWARE: not the site's fault


class _Help(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Cara pakai: " if prefix is None else prefix)


# argparse's own English, as staff read it in Indonesian: (pattern of its message, the sentence to say instead)
_ARGPARSE = (
    (r"argument (.+?): invalid choice: ['\"](.*?)['\"] \(choose from (.*)\)",
     "pilihan '{1}' untuk {0} tidak dikenal. Yang ada: {2}."),
    (r"argument (.+?): invalid (?:int|float) value: ['\"](.*?)['\"]", "{0} harus berupa angka, bukan '{1}'."),
    (r"argument (.+?): expected one argument", "{0} perlu satu nilai sesudahnya."),
    (r"argument (.+?): not allowed with argument (.+)", "{0} tidak bisa dipakai bersama {1}."),
    (r"argument (.+?): (.+)", "{0}: {1}"),
    (r"unrecognized arguments: (.+)", "pilihan atau argumen ini tidak dikenal: {0}."),
    (r"the following arguments are required: (.+)", "yang ini wajib diisi: {0}."),
)


class Parser(argparse.ArgumentParser):
    """argparse with its help and its errors in Indonesian (the commands' own help texts already are)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Help)
        kwargs.setdefault("allow_abbrev", False)    # '--d' is no '--drafts': a typo is said, not guessed
        super().__init__(*args, **{**kwargs, "add_help": False})
        self._positionals.title, self._optionals.title = "argumen", "pilihan"
        self.add_argument("-h", "--help", action="help", help="tampilkan bantuan ini, lalu selesai")

    def error(self, message: str):
        import re

        for pattern, sentence in _ARGPARSE:
            found = re.fullmatch(pattern, message)
            if found:
                message = sentence.format(*found.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: galat: {message}\nLihat '{self.prog} --help' untuk pilihan yang ada.\n")


def port(text: str) -> int:
    """A TCP port as the command line gives it: 0 (any free one) to 65535."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"porta harus berupa angka 0 sampai 65535, bukan '{text}'.") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"porta harus 0 sampai 65535, bukan {number}.")
    return number


def parser() -> argparse.ArgumentParser:
    installed = Path(sys.argv[0] if sys.argv else "").stem.removesuffix("-script") == "situs-kpu"
    top = Parser(prog="situs-kpu" if installed else "python -m generator",
                 description="Pembuat situs berita statis untuk KPU.")
    commands = top.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    _site_commands(commands)
    _publish_commands(commands)
    _other_commands(commands)
    return top


def site_option(p) -> None:
    p.add_argument("--site", type=Path, default=Path("."),
                   help="folder berisi config.yaml dan content/ (bawaan: folder ini)")


def force_option(p) -> None:
    p.add_argument("--force", action="store_true",
                   help="bangun juga ke folder yang berisi berkas lain: berkas bernama sama ditimpa, "
                        "berkas lain dibiarkan (tidak pernah dihapus)")


def _site_commands(commands) -> None:
    """build, serve, new and check: the site on this computer."""
    p = commands.add_parser("build", help="bangun situs ke folder output/")
    site_option(p)
    p.add_argument("--output", type=Path, help="folder hasil (bawaan: SITE/output)")
    p.add_argument("--drafts", action="store_true", help="ikutkan berita berstatus draft")
    p.add_argument("--future", action="store_true", help="ikutkan berita bertanggal di masa depan")
    p.add_argument("--verbose", "-v", action="store_true", help="tampilkan juga lama setiap tahap")
    p.add_argument("--no-search", dest="search", action="store_false",
                   help="jangan perbarui indeks pencarian (lebih cepat; halaman /cari/ memakai indeks lama)")
    force_option(p)
    p.add_argument("--verify", action="store_true",
                   help="bandingkan isi setiap berkas, bukan hanya ukuran dan waktunya (setelah memulihkan cadangan)")

    p = commands.add_parser("serve", help="bangun lalu tampilkan situs di peramban, diperbarui otomatis")
    site_option(p)
    p.add_argument("--output", type=Path, help="folder hasil (bawaan: SITE/output)")
    p.add_argument("--host", default="127.0.0.1",
                   help="alamat server (bawaan: 127.0.0.1, hanya komputer ini; alamat lain, misalnya 0.0.0.0 untuk "
                        "jaringan kantor, memerlukan kata sandi dari REDAKSI_PASSWORD atau yang diketik saat mulai)")
    p.add_argument("--port", type=port, default=8000, help="porta server (bawaan: 8000; 0 = porta bebas mana saja)")
    p.add_argument("--drafts", action="store_true", help="ikutkan berita berstatus draft")
    p.add_argument("--future", action="store_true", help="ikutkan berita bertanggal di masa depan")
    p.add_argument("--poll", action="store_true",
                   help="periksa perubahan berkas secara berkala (untuk drive jaringan atau mesin virtual)")
    p.add_argument("--open", dest="open_browser", action="store_true",
                   help="buka peramban di Meja Redaksi (atau di situs) begitu pratinjau siap")
    p.add_argument("--free-port", action="store_true",
                   help="bila porta sudah dipakai (misalnya oleh pratinjau situs lain), pakai porta bebas berikutnya "
                        "(peluncur klik-dua-kali memakainya)")
    force_option(p)

    p = commands.add_parser("new", help="buat kerangka berita baru bertanggal sekarang")
    site_option(p)
    p.add_argument("title", metavar="JUDUL", help='judul berita, misalnya "Rapat Pleno Terbuka"')

    p = commands.add_parser("check", help="periksa isi, lalu periksa semua tautan di situs yang dibangun")
    site_option(p)


def _publish_commands(commands) -> None:
    """publish, verify and otomatis: the live site."""
    p = commands.add_parser("publish", help="bangun situs lalu terbitkan ke tujuan di config.yaml (bagian publish:)")
    site_option(p)
    p.add_argument("target", nargs="?", metavar="TUJUAN", help="nama tujuan di config.yaml (bawaan: yang pertama)")
    p.add_argument("--all", action="store_true", help="terbitkan ke semua tujuan, berurutan")
    p.add_argument("--dry-run", action="store_true", help="hanya tampilkan yang akan dikirim dan dihapus")
    p.add_argument("--yes", action="store_true", help="izinkan menghapus lebih banyak berkas dari max_deletes")
    p.add_argument("--trust-host-key", metavar="SIDIK_JARI",
                   help="percayai kunci server SFTP dengan sidik jari ini (SHA256:...) dan simpan di ~/.ssh/known_hosts")
    p.add_argument("--verify", action="store_true",
                   help="periksa setiap berkas di tujuan, bukan hanya yang belum tercatat di catatan terbitan "
                        "(pakai bila berkas di server mungkin diubah atau dihapus orang lain)")
    p.add_argument("--verbose", "-v", action="store_true", help="tampilkan juga lama setiap langkah")
    p.add_argument("--rollback", nargs="?", type=int, const=1, default=0, metavar="N",
                   help="kembalikan situs yang tayang ke terbitan ke-N sebelum yang terakhir (bawaan 1), dari salinan "
                        "di komputer ini; hanya yang berbeda yang dikirim")

    p = commands.add_parser("verify", help="periksa apakah situs yang tayang sama persis dengan terbitan terakhir")
    site_option(p)
    p.add_argument("target", nargs="?", metavar="TUJUAN", help="nama tujuan di config.yaml (bawaan: yang pertama)")
    p.add_argument("--http", nargs="?", const="", metavar="ALAMAT",
                   help="periksa lewat HTTP(S) seperti pengunjung, tanpa sandi (bawaan: base_url situs)")
    p.add_argument("--repair", action="store_true",
                   help="kembalikan berkas situs yang berubah atau hilang; berkas asing tidak dihapus")
    p.add_argument("--quarantine", action="store_true",
                   help="pindahkan berkas asing ke folder karantina di samping folder situs (setelah konfirmasi)")
    p.add_argument("--yes", action="store_true", help="setujui karantina tanpa ditanya")
    p.add_argument("--trust-host-key", metavar="SIDIK_JARI", help="seperti pada publish")

    p = commands.add_parser("otomatis", help="jalankan tugas terjadwal: terbitkan berita terjadwal tepat waktu, "
                                             "periksa situs yang tayang, kabari bila ada masalah")
    site_option(p)
    p.add_argument("target", nargs="?", metavar="TUJUAN",
                   help="nama tujuan di config.yaml (bawaan: otomatis.target, atau yang pertama)")
    p.add_argument("--once", action="store_true", help="satu putaran saja, lalu selesai (untuk cron atau Task Scheduler)")
    p.add_argument("--interval", type=float, metavar="MENIT",
                   help="menit antarputaran bila berjalan terus (bawaan: otomatis.interval di config.yaml, atau 5)")


def _other_commands(commands) -> None:
    """views, init and import-wordpress."""
    p = commands.add_parser("views", help="tambahkan kunjungan dari log akses server ke kolom 'views' berita")
    site_option(p)
    p.add_argument("logs", nargs="+", type=Path, metavar="LOG",
                   help="log akses (Apache, nginx, unduhan cPanel; boleh .gz); log yang sama tidak dihitung dua kali")
    p.add_argument("--dry-run", action="store_true", help="tampilkan laporannya saja, tanpa mengubah berkas apa pun")

    p = commands.add_parser("init", help="buat situs baru di FOLDER: config.yaml, berita contoh, logo dan peluncur")
    p.add_argument("folder", type=Path, metavar="FOLDER", help="folder situs baru (dibuat bila belum ada)")
    p.add_argument("--region", help='nama daerah, misalnya "Kalimantan Utara" atau Bantul')
    # level and zone are checked by init itself, to say in Indonesian what to write (argparse says it in English)
    p.add_argument("--level", help="tingkat kantor: provinsi, kabupaten atau kota")
    p.add_argument("--url", help="alamat situs web, misalnya https://kab-bantul.kpu.go.id/")
    p.add_argument("--zone", help="zona waktu kantor: WIB, WITA atau WIT")

    p = commands.add_parser("import-wordpress", help="pindahkan berita, halaman, foto dan tanggapan dari ekspor WordPress")
    site_option(p)
    p.add_argument("export", type=Path, metavar="EKSPOR.xml", help="berkas dari WordPress: Alat > Ekspor > Semua konten")
    p.add_argument("--uploads", type=Path, help="salinan folder wp-content/uploads/ dari cadangan hosting")
    p.add_argument("--dry-run", action="store_true", help="hanya laporkan apa yang akan dilakukan; tidak menulis apa pun")
    p.add_argument("--force", action="store_true", help="timpa juga berita yang diubah sejak impor terakhir")
    p.add_argument("--views-key", default="", help="nama meta jumlah dilihat selain 'views' dan 'post_views_count'")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "init":
        return _init(args)
    site_dir = args.site.resolve()
    if args.command == "import-wordpress" and not (site_dir / "config.yaml").exists():
        from generator.newsite.create import offer

        code = offer(site_dir, sys.stdin.isatty())
        if code:
            return code
    if not (site_dir / "config.yaml").is_file():
        print(f"Galat: tidak ada config.yaml di {shown(site_dir)}. Jalankan dari folder situs atau pakai "
              "--site FOLDER.",
              file=sys.stderr)
        return 2
    try:
        return _run(args, site_dir)
    except UnsafeOutput as err:
        print(f"Galat: {err}", file=sys.stderr)
        return 2
    except Busy as err:
        print(f"Galat: {err}", file=sys.stderr)
        return EXIT_BUSY
    except KeyboardInterrupt as stop:     # Ctrl-C: 130; SIGTERM stopping publish, verify or otomatis: 143
        from generator.publish.interrupt import exit_code

        return exit_code(stop)
    except Exception as err:   # noqa: BLE001 - a bug: one plain message naming the file, never a traceback
        return _bug(err, site_dir)


def _run(args, site_dir: Path) -> int:
    """The chosen command on a site folder that has its config.yaml (init and the checks are main's)."""
    if args.command == "build":
        return _build(Options(site_dir, _resolve(args.output), args.drafts, args.future, force=args.force,
                              progress=sys.stderr.isatty(), search=args.search, verify=args.verify), args.verbose)
    if args.command == "serve":
        from generator.preview.serve import serve

        return serve(Options(site_dir, _resolve(args.output), args.drafts, args.future, force=args.force),
                     args.host, args.port,
                     polling=args.poll, open_browser=args.open_browser, free_port=args.free_port)
    if args.command == "publish":
        from generator.publish.command import Request, publish

        return publish(Request(site_dir, args.target, args.all, args.dry_run, args.yes, args.trust_host_key,
                               args.verbose, args.verify, rollback=args.rollback))
    if args.command == "verify":
        from generator.publish.verify import Request as VerifyRequest
        from generator.publish.verify import verify

        return verify(VerifyRequest(site_dir, args.target, args.repair, args.http, args.trust_host_key,
                                    args.quarantine, args.yes))
    if args.command == "otomatis":
        from generator.otomatis.runner import Runner, one_round, run

        if args.interval is not None and not args.interval > 0:
            print("Galat: --interval harus lebih dari 0 menit, misalnya --interval 5.", file=sys.stderr)
            return 2
        runner = Runner(site_dir, target=args.target, interval=args.interval)
        return one_round(runner) if args.once else run(runner, args.interval)
    if args.command == "new":
        return _new(site_dir, args.title)
    if args.command == "views":
        from generator.views.run import main as views

        return views(site_dir, [path.resolve() for path in args.logs], args.dry_run)
    if args.command == "import-wordpress":
        from generator import wordpress

        return wordpress.run(wordpress.Options(args.export.resolve(), site_dir, _resolve(args.uploads), args.dry_run,
                                               args.force, args.views_key))
    return _check(site_dir)


def _init(args) -> int:
    from generator.core.invocation import command, current
    from generator.newsite.create import Given, run

    folder = args.folder.resolve()
    given = Given(args.region, args.level, args.url, args.zone)
    try:
        return run(folder, given, sys.stdin.isatty() and sys.stdout.isatty(),
                   command(current(), "serve", ["--open"], folder))
    except KeyboardInterrupt:
        return 130
    except OSError as err:
        print(f"Galat: folder {shown(folder)} tidak bisa ditulis: {err.strerror or err}.", file=sys.stderr)
        return 1


def _bug(err: Exception, site_dir: Path) -> int:
    if os.environ.get("GENERATOR_DEBUG"):
        import traceback

        traceback.print_exception(err, file=sys.stderr)
    where, detail = (err.path, err.detail) if isinstance(err, InternalError) else \
        (str(site_dir), f"{type(err).__name__}: {err}")
    print(f"Galat internal: ini kesalahan (bug) di dalam generator, bukan di isi situs Anda.\n"
          f"Sedang memproses: {shown(where)}\nRincian: {detail}\n"
          "Folder keluaran tidak diubah. Laporkan ke pengembang beserta pesan ini (jalankan lagi dengan "
          "GENERATOR_DEBUG=1 untuk rincian teknisnya).", file=sys.stderr)
    return EXIT_BUG


def _resolve(path: Path | None) -> Path | None:
    return path.resolve() if path else None


def print_problems(problems, out=None) -> None:
    for problem in problems:
        print(problem, file=out or sys.stderr)   # looked up now, not at import, so redirection works


def _build(options: Options, verbose: bool) -> int:
    from generator.build import build  # here, not at the top: publish starts its connection before the pipeline loads

    try:
        result = build(dataclasses.replace(options, on_wait=_waiting))
    except BuildFailed as failed:
        print_problems(failed.problems)
        count = len([p for p in failed.problems if not p.warning])
        print(f"\nPembangunan gagal: {count} kesalahan. Folder {shown(options.output)} tidak diubah.", file=sys.stderr)
        return 1
    print_problems(result.warnings)
    if verbose:
        for stage, seconds in result.stages:
            print(f"  {stage:<20} {seconds:7.3f} detik")
    print(f"Selesai: {result.summary()}.")
    return 0


def _waiting(pid: str) -> None:
    print(waiting_message(pid), file=sys.stderr, flush=True)


def _new(site_dir: Path, title: str) -> int:
    from generator.model import config as config_module
    from generator.model import portable
    from generator.model.entries import plain_slug

    problems = Problems()
    config = config_module.load(site_dir / "config.yaml", problems)
    if config is None:
        print_problems(problems)
        return 1
    slug = portable.own_name(plain_slug(title), "berita") if title.strip() else ""
    if not slug:
        print("Galat: judul harus memuat huruf atau angka.", file=sys.stderr)
        return 2
    now = dt.datetime.now(ZoneInfo(config.site.timezone)).replace(second=0, microsecond=0)
    folder = site_dir / "content" / "posts" / f"{now.year:04d}" / slug
    if folder.exists():
        print(f"Galat: berita {shown(folder.relative_to(site_dir))} sudah ada; tidak ditimpa. Pakai judul lain.",
              file=sys.stderr)
        return 1
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(
        f'---\ntitle: {_quoted(title)}\ndate: {now:%Y-%m-%d %H:%M}\n'
        f"category: {_quoted(config.site.category)}\ntags: []\nauthor: {_quoted(config.site.author)}\ndraft: true\n"
        "# Foto: letakkan di folder ini, lalu daftarkan dengan keterangannya (hapus tanda # di awal tiga baris ini):\n"
        "# gallery:\n#   - file: foto-1.jpg\n#     caption: Keterangan foto\n"
        "---\n\nTulis isi berita di sini.\n", encoding="utf-8")
    print(f"Dibuat: {shown((folder / 'index.md').relative_to(site_dir))} "
          "(masih draft; hapus baris 'draft: true' untuk terbit).")
    return 0


def _quoted(text: str) -> str:
    """text as a YAML double-quoted scalar (JSON's string syntax is a subset of it): ':', '@', '#', quotes and
    line breaks stay text."""
    return json.dumps(text, ensure_ascii=False)


def _check(site_dir: Path) -> int:
    import tempfile

    from generator.build import build
    from generator.model import config as config_module
    from generator.render.links import broken_links

    with tempfile.TemporaryDirectory(prefix="kpu-check-") as scratch:
        # Its own build cache, so the site's record of what output/ holds stays true; the derived photos, which are
        # named by their content and settings, are shared so that a check does not process every photo again.
        cache = Path(scratch) / "cache"
        cache.mkdir()
        photos = site_dir / ".cache" / "photos"
        if photos.is_dir():
            (cache / "photos").symlink_to(photos, target_is_directory=True)
        options = Options(site_dir, Path(scratch) / "output", cache=cache)
        try:
            result = build(options)
        except BuildFailed as failed:
            print_problems(failed.problems)
            print("\nPemeriksaan gagal: perbaiki kesalahan isi di atas.", file=sys.stderr)
            return 1
        print_problems(result.warnings)
        config = config_module.load(site_dir / "config.yaml", Problems())
        broken = broken_links(options.output, config.base_path)
    for page, target in broken:
        print(f"{page}: tautan rusak ke {target}", file=sys.stderr)
    if broken:
        print(f"\n{len(broken)} tautan rusak.", file=sys.stderr)
        return 1
    print(f"Semua isi sah dan semua tautan internal berfungsi ({result.pages} halaman).")
    return 0
