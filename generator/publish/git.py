"""Publishing to a branch of a git repository (GitHub Pages and the like): one commit per publish, pushed whole."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from generator.model.config import redact_userinfo
from generator.publish import manifest as manifest_format
from generator.publish.plan import MANIFEST, Entry, Plan
from generator.publish.transport import Checked, Context, Outdated, PublishError, StepByStep

_URL = re.compile(r"^[\w+.-]+://|^[\w.-]+@[\w.-]+:")


class GitTransport(StepByStep):
    """Builds the new commit in a private repository under .cache/publish/ from the branch's last commit, so files
    publish did not put there (CNAME, a README) are carried over untouched, then pushes it in one step."""

    complete_listing = True          # every file, from the branch's tree

    def __init__(self, context: Context):
        if shutil.which("git") is None:
            raise PublishError("Program git tidak terpasang di komputer ini; pasang git lalu jalankan lagi.")
        self.context = context
        path = context.target.path
        self.url = path if _URL.match(path) else str(context.local_path)
        self.branch = context.target.branch
        self.modes: dict[str, str] = {}     # path -> git mode of the files on the branch, from listing()
        work = context.site_dir / ".cache" / "publish"
        work.mkdir(parents=True, exist_ok=True)
        self.git_dir = work / f"{context.name}.git"
        self.env = {**os.environ, "GIT_DIR": str(self.git_dir), "GIT_INDEX_FILE": str(work / f"{context.name}.index"),
                    "GIT_TERMINAL_PROMPT": "0"}
        for name, value in (("GIT_AUTHOR_NAME", "Humas"), ("GIT_AUTHOR_EMAIL", "humas@localhost")):
            self.env.setdefault(name, value)
            self.env.setdefault(name.replace("AUTHOR", "COMMITTER"), self.env[name])
        if not self.git_dir.is_dir():
            self._git("init", "--quiet", "--bare", str(self.git_dir))
        ref = f"refs/remotes/tujuan/{self.branch}"
        self._git("update-ref", "-d", ref)
        fetched = self._git("fetch", "--quiet", "--no-tags", self.url, f"+refs/heads/{self.branch}:{ref}", check=False)
        if fetched.returncode != 0:
            if self._git("ls-remote", "--heads", self.url, check=False).returncode != 0:
                raise PublishError(f"Repositori git {redact_userinfo(self.url)} tidak dapat dibuka "
                                   f"({_last_line(fetched.stderr)}); "
                                   "periksa 'path' di config.yaml dan hak akses Anda ke repositori itu.")
            self.parent = None          # the branch does not exist yet: the first publish makes it
        else:
            self.parent = self._git("rev-parse", ref).stdout.strip()
        if self.parent:
            self._git("read-tree", self.parent)
        else:
            self._git("read-tree", "--empty")

    def read_manifest(self) -> bytes | None:
        if not self.parent:
            return None
        done = self._git("cat-file", "blob", f"{self.parent}:{MANIFEST}", check=False, text=False)
        return done.stdout if done.returncode == 0 else None

    def listing(self, survey=None) -> dict[str, int]:
        """Every file: listing is cheap here."""
        files = {}
        for mode, kind, size, rel in self._tree():
            if kind == "blob":
                files[rel] = int(size)
                self.modes[rel] = mode
        return files

    def _tree(self):
        """(mode, kind, size, path) of everything on the branch's last commit."""
        if not self.parent:
            return
        for line in self._git("ls-tree", "-r", "-l", "-z", self.parent).stdout.split("\0"):
            if line:
                meta, rel = line.split("\t", 1)
                mode, kind, _sha, size = meta.split()
                yield mode, kind, size, rel

    # -- what verify reads: the branch's last commit

    def everything(self) -> dict[str, int]:
        """Every file on the branch, path -> size; a link (mode 120000) or a submodule as -1."""
        return {rel: int(size) if mode in ("100644", "100755") else -1 for mode, _kind, size, rel in self._tree()}

    def digest(self, rels: list[str]) -> dict[str, str]:
        out = {}
        for rel in rels:
            digest = manifest_format.hasher()
            digest.update(self.read(rel))
            out[rel] = digest.hexdigest()
        return out

    def read(self, rel: str) -> bytes:
        return self._git("cat-file", "blob", f"{self.parent}:{rel}", text=False).stdout

    def check(self, plan: Plan, previous: dict[str, Entry]) -> Checked:
        """The branch is history: a file dropped from it stays in the commits before. Still, a file someone has
        since committed other bytes to (or made a link, mode 120000) is theirs: kept in the new commit and named.
        Nothing on the branch is a link on this computer's disk (the commit is built in git's own store)."""
        if not self.parent:
            return Checked()
        if not self.modes:
            self.listing()
        replaced = tuple(rel for rel in plan.deletes if not self._still_ours(rel, previous[rel]))
        return Checked(replaced)

    def _still_ours(self, rel: str, entry: Entry) -> bool:
        if self.modes.get(rel) not in ("100644", "100755"):
            return rel not in self.modes        # not on the branch: nothing to delete, nothing to keep
        digest = manifest_format.hasher()
        with subprocess.Popen(["git", "cat-file", "blob", f"{self.parent}:{rel}"], env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as shown:
            size = 0
            while block := shown.stdout.read(1 << 20):
                digest.update(block)
                size += len(block)
        return shown.returncode == 0 and size == entry.size and (entry.sha is None or digest.hexdigest() == entry.sha)

    def upload(self, files: list[tuple[str, Path]], in_place: bool = False) -> None:
        if not files:
            return
        shas = self._git("hash-object", "-w", "--stdin-paths", input="\n".join(str(p) for _, p in files)).stdout.split()
        self._git("update-index", "--add", "-z", "--index-info",
                  input="".join(f"100644 {sha}\t{rel}\0" for (rel, _), sha in zip(files, shas)))
        self.context.progress(len(files))

    def delete(self, rels: list[str]) -> None:
        if rels:
            self._git("update-index", "-z", "--index-info", input="".join(f"0 {'0' * 40}\t{rel}\0" for rel in rels))

    def write_manifest(self, data: bytes) -> None:
        sha = self._git("hash-object", "-w", "--stdin", input=data, text=False).stdout.decode().strip()
        self._git("update-index", "--add", "--cacheinfo", f"100644,{sha},{MANIFEST}")

    def finish(self) -> None:
        tree = self._git("write-tree").stdout.strip()
        if self.parent and self._git("rev-parse", f"{self.parent}^{{tree}}").stdout.strip() == tree:
            return
        parents = ["-p", self.parent] if self.parent else []
        commit = self._git("commit-tree", tree, *parents, "-m", "Terbitkan situs").stdout.strip()
        pushed = self._git("push", "--quiet", self.url, f"{commit}:refs/heads/{self.branch}", check=False)
        if pushed.returncode != 0 and self._moved():
            raise Outdated(f"Cabang {self.branch} diubah penerbitan lain (mungkin rekan menerbitkan bersamaan) "
                           "sebelum kiriman ini masuk; jalankan perintah yang sama lagi.")
        if pushed.returncode != 0:
            raise PublishError(f"Git menolak kiriman ke cabang {self.branch} ({_last_line(pushed.stderr)}); bila "
                               "cabang itu baru diubah orang lain, jalankan perintah yang sama lagi.")

    def _moved(self) -> bool:
        """Whether the branch on the target is no longer the commit this publish built on (a push refused as not a
        fast-forward: another publish got there first)."""
        heads = self._git("ls-remote", "--heads", self.url, f"refs/heads/{self.branch}", check=False)
        if heads.returncode != 0:
            return False
        now = heads.stdout.split()[0] if heads.stdout.split() else None
        return now != self.parent

    def close(self) -> None:
        pass

    def _git(self, *args: str, check: bool = True, input=None, text: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(["git", *args], env=self.env, input=input, capture_output=True, text=text)
        if check and done.returncode != 0:
            stderr = done.stderr if text else done.stderr.decode("utf-8", "replace")
            raise PublishError(f"Perintah git gagal ({_last_line(stderr)}); periksa tujuan '{self.context.name}' di "
                               "config.yaml lalu jalankan lagi.")
        return done


def _last_line(text: str) -> str:
    """git's last word, without the user-info of any address in it (git repeats the address it was given)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return redact_userinfo(lines[-1]) if lines else "tanpa keterangan"
