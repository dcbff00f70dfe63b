"""The paths new since the last publish, handed from the command's main thread to the SFTP connection's loop."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from generator.publish.transport import Handoff

pytestmark = pytest.mark.quick


def in_own_loop(make):
    """make()'s coroutine run to its end in a thread with a loop of its own, as the SFTP connection runs (a browser
    test in the same process may leave this thread's loop running)."""
    done: list = []
    thread = threading.Thread(target=lambda: done.append(asyncio.run(make())))
    thread.start()
    thread.join(60)
    assert done, "the coroutine did not end"
    return done[0]


def test_the_connection_waits_for_the_value_and_may_ask_for_it_again():
    handoff = Handoff()
    threading.Timer(0.2, handoff.put, (frozenset({"berita/a/index.html"}),)).start()

    async def twice():
        return await handoff.get(), await handoff.get()

    assert in_own_loop(twice) == (frozenset({"berita/a/index.html"}),) * 2
    assert handoff.given


def test_the_first_value_put_is_the_one_taken():
    """The command's way out puts an empty value whenever it cannot tell whether it put the real one."""
    handoff = Handoff()
    handoff.put(frozenset({"a.html"}))
    handoff.put(frozenset())
    assert in_own_loop(handoff.get) == frozenset({"a.html"})


def test_a_connection_that_stops_waiting_leaves_no_thread_behind():
    """A publish cancelled while its connection waits (the build failed before anything was put, or Ctrl-C): the
    thread that waited ends within Handoff.POLL seconds, so the command's exit does not wait for it."""
    handoff, before = Handoff(), set(threading.enumerate())

    async def cancelled():
        task = asyncio.ensure_future(handoff.get())
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    in_own_loop(cancelled)
    deadline = time.monotonic() + Handoff.POLL * 4 + 5
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(threading.enumerate()) - before == set()


def test_a_stopped_command_is_not_waited_for():
    """The command stopped (Ctrl-C) before it put anything: the connection does not wait for ever."""
    handoff, stop = Handoff(), threading.Event()
    threading.Timer(0.2, stop.set).start()

    async def waited():
        with pytest.raises(ConnectionAbortedError):
            await handoff.get(stop)
        return True

    assert in_own_loop(waited)
