"""What the desk app is given by whoever serves it (the preview server, or a test running it alone)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from generator.options import Options


@dataclass
class DeskContext:
    site: Path                              # the site folder (holds config.yaml, content/)
    options: Options                        # generator.options.Options of the running preview
    rebuild: Callable[[], None] | None      # ask the preview to rebuild now (after a save); None when standalone
    preview_origin: str                     # e.g. "http://127.0.0.1:8000" (for links to the built page)
    token: str                              # the per-process CSRF secret (secrets.token_urlsafe(32))
    upload_limit: int | None = None         # bytes per uploaded file, videos too; None: config.yaml's desk.upload_limit_mb
                                            # and desk.video_limit_mb
