"""Work spread over all cores: forked worker processes that inherit the build's state instead of pickling it, or,
where there is no fork() (Windows), spawned workers that are sent it pickled once each."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
import time
from typing import TYPE_CHECKING, Callable, Iterator

from generator.core import system

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# multiprocessing and concurrent.futures are imported when work is spread: a build that finds nothing changed
# (which imports this module for default_workers) does not pay for them.

# The function each forked worker runs, keyed by a token; set just before the pool forks and removed after.
# Children see it because fork copies the parent's memory: nothing of the site model is pickled.
_TASKS: dict[int, tuple[Callable, list]] = {}
DEEP_RECURSION = 1_000_000       # levels of pickle recursion allowed in deep() (about 4 a post)
DEEP_STACK = 512 * 1024 * 1024   # bytes of stack for that thread (virtual memory: only what is used is taken)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def chunks(items: list, workers: int, smallest: int = 8, largest: int = 200) -> list[list]:
    """Slices of items: about 4 per worker so a slow slice does not leave a core idle, within [smallest, largest]."""
    size = max(smallest, min(largest, -(-len(items) // max(1, workers * 4))))
    return [items[i:i + size] for i in range(0, len(items), size)]


def run(function: Callable, items: list, workers: int, minimum: int = 64, smallest: int = 8) -> Iterator[list]:
    """Apply function to every item; yield the results chunk by chunk, in the order of items.

    Few items or one worker: run here, in this process. Otherwise forked workers run the chunks; function and
    everything it reaches are inherited, results come back pickled. Where the system offers no fork() (Windows),
    spawned workers run them when function and items can be pickled (sent once to each worker), else this process.
    """
    groups = chunks(items, workers, smallest)
    if workers <= 1 or len(items) < minimum:   # before importing multiprocessing: a one-post edit never needs it
        for group in groups:
            yield [function(item) for item in group]
        return
    import multiprocessing

    methods = system.start_methods()
    payload = _pickled(function, items) if "fork" not in methods and "spawn" in methods else None
    if "fork" not in methods and payload is None:
        for group in groups:
            yield [function(item) for item in group]
        return
    token = id(function)
    spans, start = [], 0
    for group in groups:
        spans.append((token, start, start + len(group)))
        start += len(group)
    if payload is not None:         # spawned workers: each unpickles the function and the items once, at its start
        with _pool(min(workers, len(groups)), multiprocessing.get_context("spawn"), (token, payload)) as pool:
            yield from _in_order(pool, spans)
        return
    _TASKS[token] = (function, items)
    gc.freeze()     # the parent's objects stay out of the workers' collections: touching them would copy their pages
    try:
        with executor(min(workers, len(groups)), multiprocessing.get_context("fork")) as pool:
            yield from _in_order(pool, spans)
    finally:
        _TASKS.pop(token, None)
        gc.unfreeze()


def _pickled(function: Callable, items: list) -> bytes | None:
    """function and items as one pickle for spawned workers, or None when function cannot be pickled (a closure):
    then the work runs in this process. The functions spread over workers are picklable objects (a dataclass with
    __call__, see output.PageJob) that rebuild what they need (a template environment) in the worker."""
    import pickle

    try:
        return deep(pickle.dumps, (function, items), pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None


def deep(call: Callable, *args):
    """call(*args) in a thread with a large stack and recursion limit: pickling the site model follows its posts'
    newer/older links one post after another, a recursion as deep as the site is long."""
    import sys

    result: list = []
    failed: list = []

    def body():
        try:
            result.append(call(*args))
        except BaseException as err:      # noqa: BLE001 - raised again in the calling thread
            failed.append(err)

    limit, size = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(limit, DEEP_RECURSION))
    try:
        threading.stack_size(DEEP_STACK)
        thread = threading.Thread(target=body, name="deep-pickle")
        thread.start()
    finally:
        threading.stack_size(size)
    thread.join()
    sys.setrecursionlimit(limit)
    if failed:
        raise failed[0]
    return result[0]


def _in_order(pool: ProcessPoolExecutor, spans: list[tuple[int, int, int]]) -> Iterator[list]:
    """Each span's results, in order, as pool.map gives them, but nothing cancelled from this thread on the way out:
    map cancels what is left when it is left early, and a future cancelled here while a worker ended made Python
    3.11's pool thread raise InvalidStateError at the user (fixed in 3.12). _owned has the pool's own thread do it."""
    futures = [pool.submit(_run_chunk, span) for span in spans]
    futures.reverse()
    while futures:
        yield futures.pop().result()    # let go of each result once it is passed on, as map does


def _pool(workers: int, context, task: tuple[int, bytes]):
    """A pool of spawned workers, each sent the task (token, pickled function and items) once, at its start."""
    return _owned(workers, context, _spawned, (os.getpid(), _stops_here(), *task))


def _spawned(parent: int, stops: bool, token: int, payload: bytes) -> None:
    """In a new spawned worker: end with the parent, and take the function and items it was sent."""
    import pickle

    _started(parent, stops)
    _TASKS[token] = deep(pickle.loads, payload)


def executor(workers: int, context=None):
    """A process pool for a with block, whose workers end with the process that started them, however it ends (a
    killed build must not leave workers running for minutes, holding its caller's pipes), and at once when the
    block is left by an error or a stop (see _owned)."""
    return _owned(workers, context or system.worker_context(), _started, (os.getpid(), _stops_here()))


def _stops_here() -> bool:
    """Whether a stop (Ctrl-C, SIGTERM) reaches the code that made the pool: only in the main thread does it raise
    there and leave the pool's block (_owned). A pool of another thread (the preview's rebuild) keeps the workers'
    own handling, by which a stop ends them and so its rebuild."""
    return threading.current_thread() is threading.main_thread()


JOIN = 5    # seconds the pool's own thread is given to finish after its workers were killed


@contextlib.contextmanager
def _owned(workers: int, context, initializer: Callable, initargs: tuple) -> Iterator[ProcessPoolExecutor]:
    """A pool for a with block, shut down after it, its work done. Left by an error or a stop (Ctrl-C, SIGTERM,
    SIGHUP: the workers leave those to the parent, see _started), what has not started is cancelled by the pool's
    own thread (cancel_futures) and the workers are killed, so the command stops now instead of after their work."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)
    try:
        yield pool
    except BaseException:
        _kill(pool)
        raise
    finally:
        pool.shutdown(wait=True)


def _kill(pool: ProcessPoolExecutor) -> None:
    """The workers killed and the pool's thread let finish. The pool's private parts are read before shutdown drops
    them: its processes ({pid: Process}), its thread, and the queue results come back on, whose writing end this
    process holds too: a worker killed halfway through sending a result (a large one spans many pipe buffers)
    left the pool's thread waiting for the rest for ever, and the interpreter's exit waiting for that thread."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    results = getattr(pool, "_result_queue", None)
    thread = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        with contextlib.suppress(Exception):
            process.kill()
    for process in workers:
        with contextlib.suppress(Exception):
            process.join(JOIN)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()          # the half-sent result ends there: the pool's thread sees the pool broken
    if thread is not None:
        thread.join(JOIN)


def _started(parent: int, stops: bool) -> None:
    """In a new worker: end with the parent, and (for a pool of the main thread, see _stops_here) leave stopping to
    it. Ctrl-C in a terminal (and Windows' console) and SIGTERM to a process group (systemd, `kill -TERM -PGID`)
    reach every worker too: each would end where it stood, a traceback printed by one waiting for work, the pool
    broken under the parent. Here they do nothing, and the parent kills its workers (_owned). They are handled by a
    function that does nothing rather than ignored: a program the worker starts (Pagefind) then gets the usual
    handling, where an ignored signal would stay ignored in it."""
    if stops:
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                with contextlib.suppress(OSError, ValueError):
                    signal.signal(getattr(signal, name), _leave_to_parent)
    die_with_parent(parent)


def _leave_to_parent(signum, frame) -> None:
    """A stop reaching a worker: the parent decides (see _started)."""


def die_with_parent(parent: int) -> None:
    """In a new worker: ask the kernel to kill it when its parent ends (Linux), else watch the parent's id."""
    try:
        import ctypes

        if ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL) != 0:   # PR_SET_PDEATHSIG
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError, ImportError):
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()
    if os.getppid() != parent:      # the parent ended before the request above took effect
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _run_chunk(job: tuple[int, int, int]) -> list:
    """In a worker: the items are the parent's (inherited by fork); only their positions were sent."""
    token, start, end = job
    function, items = _TASKS[token]
    return [function(item) for item in items[start:end]]
