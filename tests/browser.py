"""One headless Chromium (Debian's, driven by Playwright's sync API) shared by every browser test of the session."""

from __future__ import annotations

import atexit
import functools
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


def require(condition: bool, reason: str) -> None:
    """Skip when a tool is missing, unless REQUIRE_BROWSER=1 (CI) asks for the check to fail instead."""
    if condition:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def require_browser() -> None:
    require(CHROMIUM.exists(), f"Chromium tidak ada di {CHROMIUM}: uji peramban dilewati (jalankan `make browser`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require(False, "paket playwright tidak terpasang: uji peramban dilewati")


@functools.cache
def chromium():
    """The session's browser, started on first use and closed at exit (Playwright allows one sync runner per thread)."""
    from playwright.sync_api import sync_playwright

    runner = sync_playwright().start()
    browser = runner.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    def close() -> None:
        browser.close()
        runner.stop()

    atexit.register(close)
    return browser
