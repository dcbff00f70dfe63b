"""`publish` to a branch of a bare git repository the test creates: files it did not put there (CNAME) stay."""

from __future__ import annotations

import pytest

import os
import re
import socket
import subprocess

from generator.publish.plan import MANIFEST
from tests.conftest import branch_tree, news_site, run_cli, tree

pytestmark = pytest.mark.servers


def git(*args: str, cwd=None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Uji", "GIT_AUTHOR_EMAIL": "uji@localhost",
           "GIT_COMMITTER_NAME": "Uji", "GIT_COMMITTER_EMAIL": "uji@localhost"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def test_git_branch_publish_keeps_cname_and_commits_only_changes(tmp_path):
    repo = tmp_path / "situs.git"
    git("init", "--quiet", "--bare", str(repo))
    clone = tmp_path / "clone"
    git("init", "--quiet", "-b", "gh-pages", str(clone))
    (clone / "CNAME").write_text("kaltara.kpu.go.id\n")
    git("add", "CNAME", cwd=clone)
    git("commit", "--quiet", "-m", "domain", cwd=clone)
    git("push", "--quiet", str(repo), "gh-pages", cwd=clone)
    site = news_site(tmp_path / "site", f"publish:\n  pages:\n    type: git\n    path: {repo}\n")
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0, run.err
    assert "CNAME" in run.out
    files = branch_tree(repo)
    assert files.pop("CNAME") == b"kaltara.kpu.go.id\n"
    del files[MANIFEST]
    assert files == tree(site / "output")

    post = site / "content/posts/2024/berita-0/index.md"
    post.write_text(post.read_text().replace("Isi berita 0.", "Isi berita nol."))
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0, run.err
    assert 1 <= int(re.search(r"(\d+) dikirim", run.out).group(1)) <= 20
    files = branch_tree(repo)
    assert "CNAME" in files and not any(name.startswith("2024/05/02/berita-1/") for name in files)
    assert git("--git-dir", str(repo), "rev-list", "--count", "gh-pages").strip() == "3"
    assert run_cli("publish", "--site", str(site)).code == 0
    assert git("--git-dir", str(repo), "rev-list", "--count", "gh-pages").strip() == "3"     # nothing new


def test_new_branch_and_missing_repository(tmp_path):
    repo = tmp_path / "baru.git"
    git("init", "--quiet", "--bare", str(repo))
    site = news_site(tmp_path / "site", f"publish:\n  pages:\n    type: git\n    path: {repo}\n    branch: situs\n"
                                        f"  hilang:\n    type: git\n    path: {tmp_path / 'tidak-ada.git'}\n")
    assert run_cli("publish", "--site", str(site)).code == 0
    assert "index.html" in branch_tree(repo, "situs")
    run = run_cli("publish", "hilang", "--site", str(site))
    assert run.code == 1 and "tidak dapat dibuka" in run.err and "Traceback" not in run.err


def test_a_token_in_the_repository_address_is_refused_and_never_printed(tmp_path):
    site = news_site(tmp_path / "site", "publish:\n  pages:\n    type: git\n"
                                        "    path: https://humas:ghp_RAHASIA123@127.0.0.1:9/situs.git\n")
    run = run_cli("publish", "--site", str(site))
    assert run.code == 1 and "Traceback" not in run.err
    assert "config.yaml:" in run.err and "publish.pages.path" in run.err and "token" in run.err
    assert "RAHASIA" not in run.err + run.out and "humas" not in run.err + run.out
    for address in ("https://ghp_RAHASIA123@127.0.0.1:9/situs.git", "ssh://humas:RAHASIA@127.0.0.1:9/situs.git"):
        (site / "config.yaml").write_text((site / "config.yaml").read_text().replace(
            next(line for line in (site / "config.yaml").read_text().splitlines() if "path:" in line),
            f"    path: {address}"))
        run = run_cli("publish", "--site", str(site))
        assert run.code == 1 and "RAHASIA" not in run.err + run.out


def test_an_address_user_is_never_printed_in_gits_errors(tmp_path):
    """A user name without a password (ssh://humas@...) is allowed; when git fails, neither the message nor git's
    own last line, which repeats the address, shows it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]        # closed again: nothing listens there
    site = news_site(tmp_path / "site", f"publish:\n  pages:\n    type: git\n"
                                        f"    path: https://humas@127.0.0.1:{port}/situs.git\n")
    run = run_cli("publish", "--site", str(site))
    assert run.code == 1 and "publish.pages.path" in run.err          # a web address's user is a token
    (site / "config.yaml").write_text((site / "config.yaml").read_text().replace("https://humas@", "ssh://humas@"))
    run = run_cli("publish", "--site", str(site), env={"GIT_SSH_COMMAND": "ssh -o BatchMode=yes"})
    assert run.code == 1 and "Traceback" not in run.err
    assert "tidak dapat dibuka" in run.err and f"ssh://127.0.0.1:{port}/situs.git" in run.err
    assert "humas@" not in run.err + run.out, run.err


def test_a_file_someone_committed_over_is_kept_in_the_branch(tmp_path):
    repo = tmp_path / "situs.git"
    git("init", "--quiet", "--bare", str(repo))
    site = news_site(tmp_path / "site", f"publish:\n  pages:\n    type: git\n    path: {repo}\n")
    assert run_cli("publish", "--site", str(site)).code == 0
    clone = tmp_path / "clone"
    git("clone", "--quiet", "-b", "gh-pages", str(repo), str(clone))
    (clone / "2024/05/02/berita-1/index.html").write_text("halaman pengganti")
    git("commit", "--quiet", "-am", "ganti", cwd=clone)
    git("push", "--quiet", "origin", "gh-pages", cwd=clone)
    for path in sorted((site / "content/posts/2024/berita-1").iterdir()):
        path.unlink()
    run = run_cli("publish", "--site", str(site))
    assert run.code == 0, run.err
    assert "dibiarkan (tidak dihapus): 2024/05/02/berita-1/index.html." in run.out
    files = branch_tree(repo)
    assert files["2024/05/02/berita-1/index.html"] == b"halaman pengganti"
    assert [name for name in files if name.startswith("2024/05/02/")] == ["2024/05/02/berita-1/index.html"]
