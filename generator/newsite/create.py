"""`init FOLDER`: a new site in one step — config.yaml, a sample post, a neutral logo to replace, and the launchers
that start the preview and the desk with a double-click. Asks in Indonesian on a terminal; takes flags otherwise.
Never overwrites a file: a folder that already holds config.yaml is refused, other files already there are kept."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.core.system import shown, windows_like
from generator.newsite import launchers

LEVELS = ("provinsi", "kabupaten", "kota")
ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
LOGO = "templates/assets/logo.png"


@dataclass(frozen=True)
class Answers:
    region: str          # "Kalimantan Utara", "Bantul", "Yogyakarta"
    level: str           # one of LEVELS
    url: str             # "https://kab-bantul.kpu.go.id/"
    zone: str            # one of ZONES' keys

    @property
    def office(self) -> str:
        return f"KPU {self.level.capitalize()} {self.region}"


@dataclass(frozen=True)
class Given:
    """What the command line gave (None: not given)."""
    region: str | None = None
    level: str | None = None
    url: str | None = None
    zone: str | None = None


def problems_of(given: Given) -> list[str]:
    """What is wrong or missing in the answers, one Indonesian sentence each."""
    found = []
    if not (given.region or "").strip():
        found.append("nama daerah belum diisi (--region, misalnya --region \"Kalimantan Utara\").")
    if (given.level or "").strip().lower() not in LEVELS:
        found.append(f"tingkat kantor '{given.level or ''}' tidak dikenal; pilih provinsi, kabupaten atau kota "
                     "(--level).")
    url = site_address(given.url or "")
    if not (url.startswith(("https://", "http://")) and "." in url.split("//", 1)[1].split("/")[0]) or " " in url:
        found.append(f"alamat situs '{(given.url or '').strip()}' tidak sah; tulis lengkap, misalnya "
                     "--url https://kab-bantul.kpu.go.id/")
    if (given.zone or "").strip().upper() not in ZONES:
        found.append(f"zona waktu '{given.zone or ''}' tidak dikenal; pilih WIB, WITA atau WIT (--zone).")
    return found


def site_address(url: str) -> str:
    """The address as written, with https:// in front when staff wrote only the host ('kab-bantul.kpu.go.id')."""
    url = url.strip()
    if url and "://" not in url and not url.startswith("/"):
        return "https://" + url
    return url


# What staff may write before a region's name that is its level already ("Kota Contoh" with --level kota).
LEVEL_WORDS = {"provinsi": ("provinsi", "prov", "prov."), "kabupaten": ("kabupaten", "kab", "kab."),
               "kota": ("kota",)}


def region_name(region: str, level: str) -> str:
    """The region without the level said before it ('Kota Contoh', kota: 'Contoh'), so the office is not named
    'KPU Kota Kota Contoh'; a name that only starts like another level stays whole ('Kota Baru', kabupaten). Words
    typed all in small or capital letters are capitalized as a name is ('bandar LAMPUNG': 'Bandar Lampung')."""
    words = region.split()
    if len(words) > 1 and words[0].lower() in LEVEL_WORDS.get(level, ()):
        words = words[1:]
    return " ".join(_capitalized(word) for word in words)


def _capitalized(word: str) -> str:
    """'lampung' and 'BANDAR' as 'Lampung' and 'Bandar'; 'DKI', 'NTB' and 'McKinley' as written."""
    if word.islower() or (word.isupper() and len(word) > 3):
        return word[:1].upper() + word[1:].lower()
    return word


def answers(given: Given) -> Answers:
    url = site_address(given.url)
    url = url if url.endswith("/") else url + "/"
    level = given.level.strip().lower()
    return Answers(region_name(given.region.strip(), level), level, url, given.zone.strip().upper())


def ask(given: Given, read=input, say=print) -> Given:
    """Fill in what the command line left out by asking, each question again until its answer is usable."""
    questions = [
        ("region", "Nama daerah (misalnya Kalimantan Utara, Bantul): ", lambda v: bool(v.strip())),
        ("level", "Tingkat kantor [provinsi/kabupaten/kota]: ", lambda v: v.strip().lower() in LEVELS),
        ("url", "Alamat situs web (misalnya https://kab-bantul.kpu.go.id/): ",
         lambda v: not problems_of(Given("x", "kota", v.strip(), "WIB"))),
        ("zone", "Zona waktu [WIB/WITA/WIT]: ", lambda v: v.strip().upper() in ZONES),
    ]
    values = dict(region=given.region, level=given.level, url=given.url, zone=given.zone)
    for name, question, usable in questions:
        while values[name] is None or not usable(values[name]):
            if values[name] is not None:
                say("  Jawaban itu belum bisa dipakai; coba lagi.")
            values[name] = read(question).strip()
    return Given(**values)


def config_text(answers: Answers) -> str:
    office = answers.office
    return (f"# Pengaturan situs {office}. Daftar lengkap pengaturan ada di README.md (bagian \"Settings (`config.yaml`)\").\n"
            "site:\n"
            f"  title: {_quoted(office)}\n"
            f"  tagline: {_quoted('Komisi Pemilihan Umum ' + answers.level.capitalize() + ' ' + answers.region)}\n"
            f"  description: {_quoted('Berita, pengumuman dan galeri kegiatan ' + office + '.')}\n"
            f"  base_url: {_quoted(answers.url)}\n"
            "  language: id\n"
            f"  timezone: {ZONES[answers.zone]}\n"
            f"  author: {_quoted('Humas ' + office)}\n"
            "  category: Berita\n"
            "  # Logo di kepala setiap halaman: pasang logo kantor di Meja Redaksi, menu Pengaturan.\n"
            "  logo: /assets/logo.png\n"
            "# Daftar Informasi Publik (/informasi-publik/): isi kolom unit dan penanggung jawab bagi dokumen yang\n"
            "# tidak menyebutnya sendiri. Periksa dan sesuaikan dengan struktur kantor.\n"
            "documents:\n"
            "  register:\n"
            f"    unit: {_quoted('Sekretariat ' + office)}\n"
            f"    responsible: {_quoted('PPID ' + office)}\n")


def sample_post(answers: Answers, now: dt.datetime) -> str:
    return ("---\n"
            f"title: {_quoted('Selamat datang di situs ' + answers.office)}\n"
            f"date: {now:%Y-%m-%d %H:%M}\n"
            "category: Berita\n"
            "tags: [situs]\n"
            "---\n\n"
            "Ini berita contoh. Ubah atau hapus dari Meja Redaksi, atau buka berkas ini "
            "(content/posts/…/index.md) dengan penyunting teks.\n")


@functools.cache
def logo_png() -> bytes:
    """A neutral placeholder: a grey disc on transparency, 512 px, to be replaced by the office's own logo (drawn once
    a process: the desk's list compares a new site's logo with it)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((16, 16, 496, 496), fill=(120, 124, 130, 255))
    draw.ellipse((112, 112, 400, 400), outline=(255, 255, 255, 255), width=28)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def files(answers: Answers, now: dt.datetime, source: str) -> dict[str, bytes]:
    """Site-relative path -> bytes of everything init writes."""
    made = {
        "config.yaml": config_text(answers).encode("utf-8"),
        f"content/posts/{now.year:04d}/selamat-datang/index.md": sample_post(answers, now).encode("utf-8"),
        LOGO: logo_png(),
        ".gitignore": b"/output/\n/.cache/\n/.venv/\n",
    }
    made.update({name: text.encode("utf-8") for name, text in launchers.texts(source).items()})
    return made


def write(site: Path, made: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """Write every file that is not there yet (never replacing one); (written, kept) site-relative paths."""
    written, kept = [], []
    for rel, data in made.items():
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "xb") as handle:
                handle.write(data)
        except FileExistsError:
            kept.append(rel)
            continue
        if rel in launchers.EXECUTABLE:
            target.chmod(0o755)
        written.append(rel)
    return written, kept


def run(site: Path, given: Given, interactive: bool, shown_start: str, out=None, err=None) -> int:
    """init: 0 when the site is ready, 2 when the answers are unusable or config.yaml is already there."""
    out, err = out or sys.stdout, err or sys.stderr
    refused = unusable_folder(site)
    if refused:
        print(f"Galat: {refused}", file=err)
        return 2
    if interactive:
        print(f"Membuat situs baru di {shown(site)}. Jawab empat pertanyaan berikut.", file=out)
        given = ask(given, say=lambda text: print(text, file=out))
    found = problems_of(given)
    if found:
        for problem in found:
            print(f"Galat: {problem}", file=err)
        return 2
    chosen = answers(given)
    now = dt.datetime.now(ZoneInfo(ZONES[chosen.zone])).replace(second=0, microsecond=0)
    written, kept = write(site, files(chosen, now, launchers.install_source()))
    print(f"Situs {chosen.office} dibuat di {shown(site)} ({len(written)} berkas).", file=out)
    folder = "/" + chosen.url.split("//", 1)[1].partition("/")[2]
    if folder != "/":
        print(f"Catatan: alamat situs memuat folder ({folder}): setiap tautan situs diawali {folder}. Bila situs "
              f"dipasang di alamat utama server, hapus {folder.strip('/')}/ dari base_url di config.yaml.", file=out)
    synced = synced_by(site, os.environ)
    if synced:
        print(f"Catatan: folder ini disinkronkan {synced}. Peluncur memasang ribuan berkas di .venv, dan dua laptop "
              "yang menyunting bersamaan membuat salinan berkas yang bertabrakan; lebih aman memindahkan folder situs "
              f"ke luar folder itu (misalnya {'C:' + chr(92) if windows_like() else '~/'}Situs KPU) sebelum klik dua "
              "kali peluncurnya.", file=out)
    if kept:
        print(f"Sudah ada, tidak ditimpa: {', '.join(shown(rel) for rel in kept)}.", file=out)
    print(f"Mulai dengan klik dua kali \"{launchers.WINDOWS}\" (Windows), \"{launchers.MACOS}\" (macOS) atau "
          f"{launchers.LINUX} (Linux) di folder situs, atau ketik: {shown_start}", file=out)
    print(f"Setelah tujuan terbit diisi di config.yaml (bagian publish:), \"{launchers.OTOMATIS_WINDOWS}\", "
          f"\"{launchers.OTOMATIS_MACOS}\" atau {launchers.OTOMATIS_LINUX} menjalankan otomatis: berita terjadwal "
          "terbit tepat waktu dan situs yang tayang diperiksa.", file=out)
    return 0


SYNCED = ("OneDrive", "Dropbox", "Google Drive", "iCloud Drive", "Mobile Documents")   # folder names of sync clients


def synced_by(site: Path, env) -> str:
    """The file-sync service whose folder holds the site ('' for none): OneDrive's own variables (Documents
    redirected there on Windows), else a folder named like a sync client's."""
    for name in ("OneDriveCommercial", "OneDriveConsumer", "OneDrive"):
        root = env.get(name, "")
        if root and Path(root) in (site, *site.parents):
            return "OneDrive"
    for folder in (site, *site.parents):
        for service in SYNCED:
            if folder.name.casefold().startswith(service.casefold()):
                return "iCloud Drive" if service == "Mobile Documents" else service
    return ""


def unusable_folder(site: Path) -> str:
    """Why a new site cannot be made in this folder ('' when it can): it is a site already, a file, under a file,
    or inside another site (whose build would then hold a second config.yaml, launchers and a content/ folder)."""
    if (site / "config.yaml").exists():
        return f"{shown(site / 'config.yaml')} sudah ada: folder ini sudah berisi situs; tidak ada yang ditimpa."
    for folder in (site, *site.parents):
        if folder.exists() and not folder.is_dir():
            return (f"{shown(folder)} adalah berkas, bukan folder. Sebutkan folder baru untuk situsnya, misalnya "
                    f"{shown(folder.parent / 'Situs KPU')}.")
    for folder in site.parents:
        if (folder / "config.yaml").is_file() and (folder / "content").is_dir():
            return (f"{shown(site)} ada di dalam situs lain ({shown(folder)}). Buat situs baru di luar folder itu, "
                    f"misalnya {shown(folder.parent / (folder.name + ' baru'))}.")
    return ""


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def offer(site: Path, interactive: bool, read=input, out=None, err=None) -> int:
    """import-wordpress into a folder without config.yaml: on a terminal, offer to make the site there first (then
    0: go on with the import); otherwise one sentence with the init command to run. Non-zero: stop."""
    from generator.core.invocation import command, current

    out, err = out or sys.stdout, err or sys.stderr
    if interactive:
        reply = read(f"Folder {shown(site)} belum berisi situs (tidak ada config.yaml). "
                     "Buat situs baru di sini dulu? [Y/t] ")
        if reply.strip().lower() in ("", "y", "ya"):
            given = ask(Given(), read, lambda text: print(text, file=out))
            return run(site, given, False, command(current(), "serve", ["--open"], site), out, err)
    print(f"Galat: folder {shown(site)} belum berisi situs (tidak ada config.yaml); buat dulu dengan "
          f"`{command(current(), 'init', [str(site)])}`, lalu ulangi impornya.", file=err)
    return 2
