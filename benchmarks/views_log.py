"""`views` on a generated access log: one million lines of a site's real post addresses, with browsers, bots, assets,
feeds, redirects, errors and malformed lines mixed in, timed beside `wc -l` on the same file (the floor).

    python benchmarks/views_log.py SITE [--lines N]      (make bench runs it on the 1,000-post corpus)
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10.0        # one million lines (issue 17)

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A{v}F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.24.8.78 A", "curl/8.5.0", "python-requests/2.32.3", "Mozilla/5.0 (compatible; Kepo-Spider/1.0)",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def post_addresses(site: Path) -> list[str]:
    """The site's post addresses, as the command itself finds them."""
    sys.path.insert(0, str(ROOT))
    from zoneinfo import ZoneInfo

    from generator.core.report import Problems
    from generator.model import config as config_module
    from generator.views.run import Context, published_posts

    config = config_module.load(site / "config.yaml", Problems())
    posts = published_posts(Context(site, config, ZoneInfo(config.site.timezone)))
    return [config.base_path + post.url.lstrip("/") for post in posts]


def make_log(path: Path, addresses: list[str], lines: int, seed: int = 17, visitors: int = 20000,
             days: int = 30) -> None:
    rng = random.Random(seed)
    visitors = [(f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                 if rng.random() < 0.8 else f"2001:db8:{rng.randint(0, 65535):x}::{rng.randint(1, 65535):x}",
                 rng.choice(BROWSERS).format(v=rng.randint(100, 130))) for _ in range(visitors)]
    popular = addresses[:50]
    start = 1717200000                    # 1 June 2024
    step = days * 86400 / lines
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for n in range(lines):
            moment = time.gmtime(start + int(n * step) + 8 * 3600)
            when = (f"{moment.tm_mday:02d}/{MONTHS[moment.tm_mon - 1]}/{moment.tm_year}:{moment.tm_hour:02d}:"
                    f"{moment.tm_min:02d}:{moment.tm_sec:02d} +0800")
            ip, agent = rng.choice(visitors)
            page = rng.choice(popular) if rng.random() < 0.3 else rng.choice(addresses)
            roll, method, status = rng.random(), "GET", 200
            if roll < 0.40:
                target = page + ("?utm_source=whatsapp" if rng.random() < 0.1 else "")
                status = 304 if rng.random() < 0.1 else 200
            elif roll < 0.70:
                target = rng.choice(["/assets/style.css", "/assets/app.js", "/assets/logo.png", page + "foto-1.jpg"])
            elif roll < 0.85:
                ip, agent, target = f"66.249.{rng.randint(64, 95)}.{rng.randint(1, 254)}", rng.choice(BOTS), page
            elif roll < 0.93:
                target = rng.choice(["/", "/feed.xml", "/atom.xml", "/cari/", "/pagefind/pagefind.js", "/arsip/"])
            elif roll < 0.98:
                target, status = page.rstrip("/"), rng.choice([301, 404])
                method = "HEAD" if rng.random() < 0.2 else "GET"
            else:
                out.write(f"{ip} - - [{when}] \"\\x16\\x03\\x01\\x02\\x00\\x01\" 400 157 \"-\" \"-\"\n"
                          if rng.random() < 0.5 else f"{ip} - - [{when}] \"GET {target}\n")
                continue
            out.write(f'{ip} - - [{when}] "{method} {target} HTTP/1.1" {status} {rng.randint(200, 90000)} '
                      f'"-" "{agent}"\n')


def measure(site: Path, lines: int = 1_000_000, scratch: Path | None = None) -> dict:
    """Seconds of `views --dry-run` and of `wc -l` on the same generated log (made once, kept in scratch)."""
    scratch = scratch or ROOT / ".bench"
    scratch.mkdir(exist_ok=True)
    log = scratch / f"access-{site.name}-{lines}.log"
    if not log.is_file():
        make_log(log, post_addresses(site), lines)
    python = ROOT / ".venv" / "bin" / "python"
    started = time.perf_counter()
    subprocess.run(["wc", "-l", str(log)], check=True, capture_output=True)
    floor = time.perf_counter() - started
    started = time.perf_counter()
    done = subprocess.run([str(python if python.exists() else sys.executable), "-m", "generator", "views", str(log),
                           "--site", str(site), "--dry-run"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"views gagal ({done.returncode}):\n{done.stderr[-2000:]}")
    return {"lines": lines, "bytes": log.stat().st_size, "seconds": seconds, "wc": floor, "report": done.stdout}


def line(result: dict) -> str:
    verdict = "yes" if result["seconds"] * 1_000_000 / result["lines"] <= TARGET_SECONDS else "NO"
    return (f"views: {result['lines']:,} baris ({result['bytes'] / 2**20:.0f} MiB) dalam {result['seconds']:.2f} s; "
            f"wc -l {result['wc']:.2f} s; target <= {TARGET_SECONDS:.0f} s per juta baris: {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    result = measure(args.site.resolve(), args.lines)
    print(result["report"])
    print(line(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
