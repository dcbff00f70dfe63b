"""File names under content/ that a Windows laptop cannot hold are errors naming the file and saying why (issue 23)."""

from __future__ import annotations

import pytest

from generator.model.portable import reason
from tests.conftest import build_errors, md, write_site

pytestmark = pytest.mark.quick

UNPORTABLE = {
    "posts/2024/rapat/foto:1.jpg": "':'",
    "posts/2024/rapat/foto*.jpg": "'*'",
    "posts/2024/rapat/apa?.pdf": "'?'",
    'posts/2024/rapat/"kutip".jpg': "'\"'",
    "posts/2024/rapat/a<b>.jpg": "'<' '>'",
    "posts/2024/rapat/a|b.jpg": "'|'",
    "posts/2024/rapat/baris\nbaru.jpg": "karakter kendali",
    "posts/2024/rapat/titik.": "berakhir dengan titik atau spasi",
    "posts/2024/rapat/spasi ": "berakhir dengan titik atau spasi",
    "posts/2024/folder./a.jpg": "berakhir dengan titik atau spasi",
    "posts/2024/rapat/CON": "(CON)",
    "posts/2024/rapat/prn.txt": "(PRN)",
    "posts/2024/rapat/Aux.tar.gz": "(AUX)",
    "posts/2024/rapat/nul.md": "(NUL)",
    "posts/2024/com1/a.jpg": "(COM1)",
    "posts/2024/rapat/COM9.jpg": "(COM9)",
    "posts/2024/rapat/lpt1.pdf": "(LPT1)",
    "posts/2024/rapat/LPT9": "(LPT9)",
    "posts/2024/rapat/" + "a" * 252 + ".jpg": "terlalu panjang (256 karakter",
    "posts/2024/" + "/".join(["sangat-panjang-sekali-nama-foldernya"] * 6) + "/a.jpg": "jalurnya terlalu panjang",
}
PORTABLE = ["posts/2024/rapat/index.md", "posts/2024/rapat/foto-1.jpg", "posts/2024/rapat/console.jpg",
            "posts/2024/rapat/com10.jpg", "posts/2024/rapat/a.b.c.pdf", "pages/profil.md", "posts/2024/rapat/aux-1.jpg",
            "posts/2024/rapat/" + "a" * 150 + ".jpg"]


@pytest.mark.parametrize("rel", sorted(UNPORTABLE))
def test_each_kind_of_name_windows_cannot_hold_is_named_with_its_reason(rel):
    assert UNPORTABLE[rel] in (reason(rel) or ""), reason(rel)


def test_names_windows_can_hold_pass():
    assert [rel for rel in PORTABLE if reason(rel)] == []


def test_the_build_refuses_them_naming_each_file(tmp_path):
    bad = ["posts/2019/rapat/foto:1.jpg", "posts/2019/rapat/CON.jpg", "posts/2019/rapat/akhir."]
    files = {"content/posts/2019/rapat/index.md": md("title: Rapat\ndate: 2019-11-08 10:00")}
    files.update({f"content/{rel}": b"x" for rel in bad})
    site = write_site(tmp_path / "site", files)
    errors = build_errors(site)
    for rel in bad:
        assert any(error.startswith(f"content/{rel}: ") for error in errors), (rel, errors)
    assert not (site / "output").exists()
