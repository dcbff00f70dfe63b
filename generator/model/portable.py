"""File names under content/ that every system can hold: a site kept in git or on a USB stick must open on a
colleague's Windows laptop too. A name Windows cannot hold is an error naming the file and saying why."""

from __future__ import annotations

import re

from generator.core.report import Problems

FORBIDDEN = '<>:"|?*'
RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{kind}{n}" for kind in ("COM", "LPT") for n in range(1, 10)}
LONGEST_NAME = 255                               # characters of one file or folder name (NTFS, FAT32, ext4)
LONGEST_PATH = 259                               # Windows' MAX_PATH (260) without its terminating NUL
CHECKOUT = r"C:\Users\humas\Documents\situs-kpu"  # a typical site folder on a staff laptop
_CONTROL = re.compile(r"[\x00-\x1f]")


def reason(rel: str) -> str | None:
    """Why Windows cannot hold content/<rel> (a POSIX path below content/), or None when it can."""
    return name_reason(rel) or path_reason(rel)


def name_reason(rel: str) -> str | None:
    """Why a name along rel is one no disk, or no Windows, can hold (whatever the folder above it)."""
    for part in rel.split("/"):
        shown = f"'{part}'"
        bad = sorted({ch for ch in part if ch in FORBIDDEN})
        if bad:
            marks = " ".join(repr(ch) for ch in bad)
            return f"nama {shown} memuat {marks}, tanda yang tidak boleh ada dalam nama berkas di Windows."
        if _CONTROL.search(part):
            return f"nama {shown} memuat karakter kendali (misalnya baris baru), yang tak boleh ada dalam nama berkas."
        device = part.split(".")[0].rstrip(" ").upper()
        if part.endswith((".", " ")):
            return (f"nama {shown} berakhir dengan titik atau spasi; Windows membuangnya, jadi berkasnya tidak bisa "
                    "dibuka.")
        if device in RESERVED:
            return f"nama {shown} adalah nama perangkat yang dicadangkan Windows ({device}), dengan ekstensi apa pun."
        if len(part) > LONGEST_NAME:
            return f"nama {part[:40]!r}… terlalu panjang ({len(part)} karakter; paling banyak {LONGEST_NAME})."
    return None


def path_reason(rel: str) -> str | None:
    """Why rel is too long a path below a site folder on a staff laptop (Windows' MAX_PATH), or None."""
    windows_path = CHECKOUT + "\\content\\" + rel.replace("/", "\\")
    if len(windows_path) > LONGEST_PATH:
        return (f"jalurnya terlalu panjang untuk Windows: di folder seperti {CHECKOUT} jalur lengkapnya "
                f"{len(windows_path)} karakter, lebih dari batas {LONGEST_PATH}.")
    return None


def own_name(slug: str, prefix: str, longest: int = 80) -> str:
    """The name of a new post's folder (or page's file) from its URL name: at most `longest` letters, cut where a
    word ends, and never a name Windows keeps for a device ('con' -> 'berita-con'), which reason() refuses."""
    if len(slug) > longest:
        slug = slug[:longest].rsplit("-", 1)[0] if "-" in slug[:longest] else slug[:longest]
    return f"{prefix}-{slug}" if slug.split(".")[0].upper() in RESERVED else slug


def check(rels, problems: Problems) -> None:
    """An error for every file below content/ (paths relative to it) whose name Windows cannot hold."""
    for rel in sorted(rels):
        why = reason(rel)
        if why:
            problems.error(f"content/{rel}", None, why,
                           "Ganti nama berkas atau foldernya dengan huruf, angka dan tanda hubung saja (misalnya "
                           "rapat-pleno-2024.jpg), lalu perbarui namanya di front matter bila disebut di sana.")
