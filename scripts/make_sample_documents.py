"""Write the sample site's attachments: a small real PDF and a small real Word (DOCX) file; same files every run.

Run from the repository root:  .venv/bin/python scripts/make_sample_documents.py
The PDF is written by hand (one page of text in Helvetica, with a correct cross-reference table); the DOCX is the
smallest set of Office Open XML parts Word and LibreOffice open. Neither carries a date or an author.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "content/posts/2024/rapat-pleno-penetapan-dpt-pemilihan-2024"

PDF_LINES = [
    "KEPUTUSAN KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN UTARA",
    "NOMOR 112 TAHUN 2024",
    "TENTANG",
    "PENETAPAN DAFTAR PEMILIH TETAP PEMILIHAN GUBERNUR DAN WAKIL GUBERNUR",
    "KALIMANTAN UTARA TAHUN 2024",
    "",
    "(Contoh dokumen untuk situs contoh; bukan dokumen resmi.)",
    "",
    "Menetapkan Daftar Pemilih Tetap sebagaimana tercantum dalam lampiran",
    "keputusan ini, hasil rekapitulasi KPU kabupaten/kota se-Kalimantan Utara.",
    "",
    "Ditetapkan di Tanjung Selor, 20 September 2024.",
]

DOCX_PARAGRAPHS = [
    "BERITA ACARA REKAPITULASI DAFTAR PEMILIH TETAP",
    "Pemilihan Gubernur dan Wakil Gubernur Kalimantan Utara Tahun 2024",
    "(Contoh dokumen untuk situs contoh; bukan dokumen resmi.)",
    "Pada hari ini, Jumat, 20 September 2024, KPU Provinsi Kalimantan Utara melaksanakan rapat pleno terbuka "
    "rekapitulasi dan penetapan Daftar Pemilih Tetap.",
]


def pdf(lines: list[str]) -> bytes:
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 11 Tf 56 780 Td 15 TL\n" + "".join(f"({escape(line)}) Tj T*\n" for line in lines) + "ET\n"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def docx(paragraphs: list[str], target: Path) -> None:
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:body>{body}<w:sectPr/></w:body></w:document>'),
    }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 9, 20, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))


def main() -> None:
    (BUNDLE / "sk-penetapan-dpt-pemilihan-2024.pdf").write_bytes(pdf(PDF_LINES))
    docx(DOCX_PARAGRAPHS, BUNDLE / "berita-acara-rekapitulasi-dpt.docx")
    print(f"ditulis: {BUNDLE.relative_to(ROOT)}/sk-penetapan-dpt-pemilihan-2024.pdf, berita-acara-rekapitulasi-dpt.docx")


if __name__ == "__main__":
    main()
