"""`views` on a log holding one 200 MB line: peak memory stays bounded, measured as the peak RSS of the command."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, config_text, md, write_site

pytestmark = pytest.mark.slow

HUGE = 200 * 1024 * 1024
LINE = '203.0.113.5 - - [08/Jun/2024:08:00:00 +0800] "GET /2019/11/08/rapat/ HTTP/1.1" 200 5120 "-" "Mozilla/5.0"\n'


def peak_rss_kib(*args: str) -> tuple[int, str]:
    """Run `python -m generator ARGS` from a fresh parent that reports its children's peak RSS (KiB), so nothing
    this test process ran before counts; (peak, output)."""
    code = ("import resource, subprocess, sys\n"
            "done = subprocess.run([sys.executable, '-m', 'generator', *sys.argv[1:]], capture_output=True, text=True)\n"
            "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "print(done.stdout + done.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    head, _, output = done.stdout.partition("\n")
    returncode, peak = (int(x) for x in head.split())
    assert returncode == 0, output + done.stderr
    return peak // (1024 if sys.platform == "darwin" else 1), output


def huge_line(path, compress: bool):
    piece = b"A" * (1 << 20)
    opener = gzip.open(path, "wb", compresslevel=1) if compress else open(path, "wb")
    with opener as handle:
        handle.write(LINE.encode())
        for _ in range(HUGE // len(piece)):
            handle.write(piece)                        # no newline: the trial's log
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_a_200_mb_line_does_not_take_200_mb(tmp_path, compress):
    site = write_site(tmp_path / "site", {"content/posts/2019/rapat.md": md("title: Rapat\ndate: 2019-11-08")},
                      config_text())
    small = tmp_path / "kecil.log"
    small.write_text(LINE)
    baseline, _ = peak_rss_kib("views", "--dry-run", "--site", str(site), str(small))
    log = huge_line(tmp_path / ("access.log.gz" if compress else "access.log"), compress)
    peak, output = peak_rss_kib("views", "--site", str(site), str(log))
    print(f"peak RSS: {baseline} KiB for one line, {peak} KiB with a 200 MB line (compressed={compress})")
    assert peak < baseline + 32 * 1024, (baseline, peak)
    assert re.search(r"^ +1  baris lebih dari 64 KiB", output, re.M), output
    assert "log ini kosong" not in output
