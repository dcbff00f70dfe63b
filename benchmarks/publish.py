"""`make bench` publish section: the first publish and a one-edit publish of the 1,000-post site over SFTP to a
local sshd behind a 40 ms round trip, beside `rsync -a --delete` over SSH on the same link.

sshd (Debian's, throwaway keys) listens on 127.0.0.1; both clients reach it through a TCP relay in this process
that holds every chunk 20 ms in each direction (a 40 ms round trip, no bandwidth limit). The kernel's netem would
be the usual tool, but these machines' kernels lack it (`tc qdisc ... netem`: "Specified qdisc kind is unknown").
Needs openssh-server, openssh-client and rsync; without them it says so and measures nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from run import ROOT, SCRATCH, corpus, edit_one_post  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"


def missing() -> str | None:
    for tool in ("rsync", "ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            return f"program {tool} tidak ada (apt-get install rsync openssh-client)"
    if not Path("/usr/sbin/sshd").exists():
        return "openssh-server tidak terpasang"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def delay_relay(target_port: int, one_way: float) -> int:
    """Start a TCP relay on 127.0.0.1 to target_port that delays each direction by one_way seconds; its port."""
    port = free_port()
    ready = threading.Event()

    async def pipe(reader, writer):
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        async def take():
            while True:
                data = await reader.read(1 << 16)
                queue.put_nowait((loop.time() + one_way, data))
                if not data:
                    return

        async def give():
            while True:
                due, data = await queue.get()
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                if not data:
                    writer.close()
                    return
                writer.write(data)
                await writer.drain()

        await asyncio.gather(take(), give(), return_exceptions=True)

    async def handle(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))

    async def serve():
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        ready.set()
        async with server:
            await server.serve_forever()

    threading.Thread(target=lambda: asyncio.run(serve()), daemon=True).start()
    ready.wait(5)
    return port


def start_sshd(folder: Path) -> tuple[subprocess.Popen, Path, int]:
    keys = folder / "keys"
    shutil.rmtree(folder, ignore_errors=True)
    keys.mkdir(parents=True)
    home = folder / "home"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    for path in (keys / "host", home / ".ssh" / "id_ed25519"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    (keys / "authorized_keys").write_text((home / ".ssh" / "id_ed25519.pub").read_text())
    port = free_port()
    (keys / "config").write_text(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
                                 f"PidFile {keys / 'pid'}\nAuthorizedKeysFile {keys / 'authorized_keys'}\n"
                                 "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
                                 "StrictModes no\nPermitRootLogin prohibit-password\n"
                                 "Subsystem sftp internal-sftp\n")
    Path("/run/sshd").mkdir(exist_ok=True)
    process = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(keys / "config")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    return process, home, port


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if "--verbose" in command:
        print(done.stdout.rstrip())
    if done.returncode != 0:
        raise SystemExit(f"gagal: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--delay", type=int, default=40, help="round trip in ms (default 40)")
    parser.add_argument("--runs", type=int, default=1,
                        help="measure each case this many times, each into an empty folder, and report the median "
                             "(a shared machine's figures vary from run to run)")
    args = parser.parse_args(argv)
    reason = missing()
    if reason:
        print(f"bench terbit dilewati: {reason}")
        return 0
    scratch = SCRATCH / "publish"
    site = scratch / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus(f"p{args.posts}", args.posts, 0), site, ignore=shutil.ignore_patterns("output", ".cache"))
    sshd, home, sshd_port = start_sshd(scratch / "sshd")
    try:
        port = delay_relay(sshd_port, args.delay / 2000)
        user, www = getpass.getuser(), scratch / "www"
        with open(site / "config.yaml", "a") as f:
            f.write(f"publish:\n  utama:\n    type: sftp\n    host: 127.0.0.1\n    port: {port}\n    user: {user}\n"
                    f"    path: {www / 'ours'}\n")
        # built before the clock starts (a changed config.yaml renders every page again), as rsync's copy is
        subprocess.run([str(PYTHON), "-m", "generator", "build", "--site", str(site)], check=True, capture_output=True)
        files = sum(1 for p in (site / "output").rglob("*") if p.is_file())
        (home / ".ssh" / "known_hosts").write_text(
            f"[127.0.0.1]:{port} " + " ".join((scratch / "sshd/keys/host.pub").read_text().split()[:2]) + "\n")
        env = {**os.environ, "HOME": str(home), "SSH_AUTH_SOCK": "", "PYTHONPATH": str(ROOT)}
        ours = [str(PYTHON), "-m", "generator", "publish", "--verbose", "--site", str(site)]
        rsync = ["rsync", "-a", "--delete", "-e", f"ssh -p {port} -o BatchMode=yes -i {home / '.ssh/id_ed25519'} "
                 f"-o UserKnownHostsFile={home / '.ssh/known_hosts'}", f"{site / 'output'}/",
                 f"{user}@127.0.0.1:{www / 'rsync'}/"]
        results: dict[str, list[tuple[float, float]]] = {"first": [], "one edit": []}
        for run in range(args.runs):
            shutil.rmtree(www, ignore_errors=True)
            (www / "ours").mkdir(parents=True)
            (www / "rsync").mkdir()
            results["first"].append((timed(ours, env), timed(rsync, env)))
            edit_one_post(site, run + 1)
            subprocess.run([str(PYTHON), "-m", "generator", "build", "--site", str(site)], check=True,
                           capture_output=True)
            results["one edit"].append((timed(ours, env), timed(rsync, env)))
            same = subprocess.run(["diff", "-rq", "-x", ".kpu-terbit.json", str(www / "ours"), str(www / "rsync")],
                                  capture_output=True, text=True)
    finally:
        sshd.terminate()
        sshd.wait(10)
    print(f"Terbit lewat SFTP, {args.posts} berita ({files} berkas), jeda pulang-pergi {args.delay} ms, "
          f"{'satu kali ukur' if args.runs == 1 else f'median dari {args.runs} kali ukur'} "
          "(build sudah selesai sebelumnya; pemeriksaan build tanpa perubahan termasuk waktu kita):")
    targets = {"first": 1.5, "one edit": 1.0}
    for case, pairs in results.items():
        ours_s, rsync_s = statistics.median(o for o, _ in pairs), statistics.median(r for _, r in pairs)
        ratios = ", ".join(f"{o / r:.2f}x" for o, r in pairs)
        print(f"  {case:<9} ours {ours_s:6.2f} s   rsync -a --delete {rsync_s:6.2f} s   ours/rsync "
              f"{ours_s / rsync_s:.2f}x (target <= {targets[case]}x)" + (f"; each run {ratios}" if len(pairs) > 1 else ""))
    print("  tujuan sama dengan hasil rsync: " + ("ya" if same.returncode == 0 else "TIDAK\n" + same.stdout[:2000]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
