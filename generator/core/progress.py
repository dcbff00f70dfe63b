"""The one progress line on the terminal (photos made, pages rendered, files sent): one line rewritten in place with
a carriage return, at most ten times a second, cleared with spaces (no escape codes: an old Windows console shows
them as text). Callers draw it only where the stream is a terminal (on_terminal); a log or a pipe gets no '\\r'.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def on_terminal(stream=None) -> bool:
    """True when stream (stderr by default) is a terminal a person watches."""
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):      # no isatty, or a closed stream
        return False


def bar(done: int, total: int, width: int, empty: str = " ") -> str:
    """'#####.....': done of total as width characters."""
    filled = width * done // total if total > 0 else width
    return "#" * filled + empty * (width - filled)


def remaining(started: float, now: float, done: int, total: int) -> str:
    """'m:ss' left at the pace so far."""
    left = int((now - started) / done * (total - done)) if done else 0
    return f"{left // 60}:{left % 60:02d}"


class Line:
    """One terminal line: show(text) redraws it (skipped when the last drawing is under `every` seconds old, unless
    last=True), clear() blanks it for the next message, end() keeps it and moves to the next line."""

    def __init__(self, stream=None, every: float = 0.1, clock: Callable[[], float] = time.monotonic):
        self.stream, self.every, self.clock = stream or sys.stderr, every, clock
        self.shown: float | None = None
        self.width = 0

    def show(self, text: str, last: bool = False) -> None:
        now = self.clock()
        if not last and self.shown is not None and now - self.shown < self.every:
            return
        self.shown = now
        self.stream.write("\r" + text + " " * max(0, self.width - len(text)))
        self.stream.flush()
        self.width = len(text)

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0

    def end(self) -> None:
        if self.width:
            self.stream.write("\n")
            self.stream.flush()
            self.width = 0
