"""Write generator/engine/theme_reach.json: which parts of `site` each built-in template reads (fingerprint.reach),
by the digest of its text, so that a cold build does not parse the built-in theme to find out. Run it after
changing a template of templates/ (tests/test_incremental.py says when): python scripts/theme_reach.py"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.engine import fingerprint  # noqa: E402


def main() -> int:
    table = fingerprint.theme_reach()
    fingerprint.THEME_REACH.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{fingerprint.THEME_REACH.name}: {len(table)} templat")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
