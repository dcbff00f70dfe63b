"""Publishing large attachments over SFTP streams them: the publishing process's peak memory does not grow with the
files' size (it once held every file at once: six 150 MB attachments peaked at 3.6 GB)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from generator.publish.plan import MANIFEST
from tests.conftest import ROOT, news_site, run_cli, sftp_publish, tree
from tests.servers import start_sshd

pytestmark = pytest.mark.slow

SIZE = 150 << 20
FILES = 3


def test_sftp_publish_of_large_attachments_keeps_memory_bounded(tmp_path):
    server = start_sshd(tmp_path / "sshd")
    server.trust()
    try:
        site = news_site(tmp_path / "site", sftp_publish(server))
        bundle = site / "content/posts/2024/berita-0"
        for number in range(FILES):
            with open(bundle / f"rekaman-rapat-{number}.zip", "wb") as f:
                for _ in range(SIZE >> 20):
                    f.write(os.urandom(1 << 20))
        assert run_cli("build", "--site", str(site)).code == 0        # the publish below only sends
        # VmHWM, the peak of this process's own memory: getrusage's ru_maxrss keeps, across exec, the peak of the
        # forked copy of the test runner, which in a whole suite run is itself hundreds of megabytes
        code = ("import re, sys\nfrom generator.cli import main\ncode = main(sys.argv[1:])\n"
                "status = open('/proc/self/status').read()\n"
                "print('peak', re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
                "sys.exit(code)")
        done = subprocess.run([sys.executable, "-c", code, "publish", "--site", str(site)], cwd=ROOT,
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PYTHONPATH": str(ROOT), **server.env()})
        assert done.returncode == 0, done.stderr
        peak_mb = int(re.search(r"^peak (\d+)$", done.stderr, re.M).group(1)) / 1024     # Linux: kilobytes
        print(f"peak RSS of the publish: {peak_mb:.0f} MB for {FILES} × {SIZE >> 20} MB")
        assert peak_mb < 250, peak_mb
        for number in range(FILES):
            rel = f"2024/05/01/berita-0/rekaman-rapat-{number}.zip"
            assert (server.root / rel).stat().st_size == SIZE
            assert (server.root / rel).read_bytes() == (site / "output" / rel).read_bytes()
        assert set(tree(server.root, skip=(MANIFEST,))) == set(tree(site / "output"))
    finally:
        server.stop()
