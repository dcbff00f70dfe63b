"""Ctrl-C during a publish: it always stops the command, and it stops an SFTP step by cancelling it.

A command started with SIGINT ignored (a script's background job, nohup, a CI wrapper: the ignoring is inherited, not
asked for) would otherwise never see Ctrl-C and send the whole site, as `serve` found before (ctrl_c_stops).

Python raises KeyboardInterrupt in whatever code the main thread runs when Ctrl-C comes. In an asyncio loop that is
some task's step (a file being read, a packet being parsed): the task keeps the KeyboardInterrupt as its outcome, the
tasks waiting on it raise it again whenever the loop next runs (the lock's removal on the way out was cut off by that
echo, and the lock left behind), and at exit asyncio prints it as 'Task exception was never retrieved' with a
traceback. run_cancellable instead cancels the step the loop runs, lets its tasks end as cancelled, and raises
KeyboardInterrupt once the loop is out of it; the loop stays fit for the lock's removal.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from typing import Iterator

STOPPED = ("Penerbitan dihentikan (Ctrl-C). Situs yang tayang tetap utuh; jalankan perintah yang sama lagi untuk "
           "menyelesaikannya.")


@contextlib.contextmanager
def ctrl_c_stops() -> Iterator[None]:
    """Python's own Ctrl-C handling (KeyboardInterrupt) while the block runs in the main thread, whatever was
    inherited; the previous handling put back after it. Elsewhere (the desk's publish thread) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Pressed:
    """The SIGINT handler while a step runs in the loop: the first Ctrl-C cancels the step (from the loop, which it
    wakes), a second one raises KeyboardInterrupt at once, wherever it lands."""

    def __init__(self, loop: asyncio.AbstractEventLoop, task: asyncio.Future):
        self.loop, self.task, self.times = loop, task, 0

    def __call__(self, signum, frame) -> None:
        self.times += 1
        if self.times > 1:
            raise KeyboardInterrupt
        self.loop.call_soon_threadsafe(self.task.cancel)


def run_cancellable(loop: asyncio.AbstractEventLoop, step):
    """loop.run_until_complete(step), Ctrl-C cancelling the step (see the module's text) and then raised here as
    KeyboardInterrupt, whatever the step ended with (a failure the cancellation caused is not the user's news).
    Only in the main thread and while Ctrl-C has Python's own handling: a caller that chose other handling keeps it."""
    task = asyncio.ensure_future(step, loop=loop)
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return loop.run_until_complete(task)
    pressed = _Pressed(loop, task)
    previous = signal.signal(signal.SIGINT, pressed)
    try:
        result = loop.run_until_complete(task)
    except BaseException:
        if pressed.times:
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed.times:               # pressed as the step ended: it still stops the command
        raise KeyboardInterrupt
    return result
