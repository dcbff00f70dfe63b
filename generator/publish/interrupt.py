"""Ctrl-C, SIGTERM and SIGHUP during a publish: each always stops the command, and stops an SFTP step by cancelling
it.

A command started with SIGINT ignored (a script's background job, nohup, a CI wrapper: the ignoring is inherited, not
asked for) would otherwise never see Ctrl-C and send the whole site, as `serve` found before (stoppable).

SIGTERM (`kill PID`, a shutdown, a CI runner's cancel, systemd stopping a timer's job) would otherwise end the process
where it stands, the target's lock left behind: other computers then wait for it to go stale (targetlock.STALE). While
a publish runs it raises Terminated instead, a KeyboardInterrupt, so that it takes the very way out Ctrl-C takes (the
lock removed, the local record untouched); the command exits with 128 + the signal's number (143), as a shell reports
a process ended by it. SIGHUP (the terminal window closed while it runs: macOS's Terminal, a Linux desktop's, an SSH
session dropped) is taken the same way (129), unless it is ignored (nohup). Only on POSIX: on Windows a process is ended (TerminateProcess: Task Manager, taskkill /F)
without any signal Python could catch, and nothing changes there.

Python raises KeyboardInterrupt in whatever code the main thread runs when Ctrl-C comes. In an asyncio loop that is
some task's step (a file being read, a packet being parsed): the task keeps the KeyboardInterrupt as its outcome, the
tasks waiting on it raise it again whenever the loop next runs (the lock's removal on the way out was cut off by that
echo, and the lock left behind), and at exit asyncio prints it as 'Task exception was never retrieved' with a
traceback. run_cancellable instead cancels the step the loop runs, lets its tasks end as cancelled, and raises
KeyboardInterrupt (or Terminated) once the loop is out of it; the loop stays fit for the lock's removal.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from typing import Iterator


class Terminated(KeyboardInterrupt):
    """The command was asked to stop by a signal other than Ctrl-C (SIGTERM, SIGHUP): a KeyboardInterrupt, so that everything
    that cleans up after Ctrl-C cleans up after it too."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def how(stop: BaseException) -> str:
    """What stopped the command, as the message says it: 'Ctrl-C', 'sinyal TERM', 'sinyal HUP'."""
    if isinstance(stop, Terminated):
        return f"sinyal {signal.Signals(stop.signum).name.removeprefix('SIG')}"
    return "Ctrl-C"


def exit_code(stop: BaseException) -> int:
    """The exit code of a command stopped so: 130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP), as shells report them."""
    return 128 + (stop.signum if isinstance(stop, Terminated) else signal.SIGINT)


def stopped(stop: BaseException) -> str:
    return (f"Penerbitan dihentikan ({how(stop)}). Situs yang tayang tetap utuh; jalankan perintah yang sama lagi "
            "untuk menyelesaikannya.")


STOPPED = stopped(KeyboardInterrupt())


# The signals besides Ctrl-C that stop a publish the way it does, where the system has them (POSIX)
CAUGHT = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if os.name == "posix" and hasattr(signal, name))


class _Terminate:
    """The SIGTERM (and SIGHUP) handler while a command may be stopped: Terminated raised in the process that installed it. A
    worker forked meanwhile (the build's) inherits it until it sets its own handling (parallel._started): there the
    signal does what it does by default, ending it."""

    def __init__(self):
        self.pid = os.getpid()

    def __call__(self, signum, frame) -> None:
        if os.getpid() != self.pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated(signum)


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """While the block runs in the main thread: Python's own Ctrl-C handling (KeyboardInterrupt), whatever was
    inherited, and SIGTERM and SIGHUP raising Terminated where they would end the process (their default: one the
    caller ignores, nohup's SIGHUP, or handles its own way, stays so); the previous handling put back after it. Elsewhere (the desk's
    publish thread) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler)}
    # POSIX only: on Windows SIGTERM is never delivered from outside (see the module's text)
    for signum in CAUGHT:
        if signal.getsignal(signum) == signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _Terminate())
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop(signum: int) -> KeyboardInterrupt:
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


class _Pressed:
    """The SIGINT (and SIGTERM) handler while a step runs in the loop: the first signal cancels the step (from the
    loop, which it wakes), a second one raises at once, wherever it lands."""

    def __init__(self, loop: asyncio.AbstractEventLoop, task: asyncio.Future):
        self.loop, self.task = loop, task
        self.stop: KeyboardInterrupt | None = None      # what the first signal stops the command with

    def __call__(self, signum, frame) -> None:
        if self.stop is not None:
            raise _stop(signum)
        self.stop = _stop(signum)
        self.loop.call_soon_threadsafe(self.task.cancel)


def _taken_over() -> list[int]:
    """The signals run_cancellable handles: those whose handling is the command's own (see stoppable); a caller that
    chose other handling keeps it."""
    taken = [signal.SIGINT] if signal.getsignal(signal.SIGINT) is signal.default_int_handler else []
    taken.extend(signum for signum in CAUGHT if isinstance(signal.getsignal(signum), _Terminate))
    return taken


def run_cancellable(loop: asyncio.AbstractEventLoop, step):
    """loop.run_until_complete(step), Ctrl-C or SIGTERM cancelling the step (see the module's text) and then raised
    here as KeyboardInterrupt or Terminated, whatever the step ended with (a failure the cancellation caused is not
    the user's news). Only in the main thread, and for the signals stoppable() set up."""
    task = asyncio.ensure_future(step, loop=loop)
    taken = _taken_over() if threading.current_thread() is threading.main_thread() else []
    if not taken:
        return loop.run_until_complete(task)
    pressed = _Pressed(loop, task)
    previous = {signum: signal.signal(signum, pressed) for signum in taken}
    try:
        result = loop.run_until_complete(task)
    except BaseException:
        if pressed.stop is not None:
            raise pressed.stop from None
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if pressed.stop is not None:        # signalled as the step ended: it still stops the command
        raise pressed.stop
    return result
