"""The crawler child process: it never outlives its parent, nor a stopped ``cis crawl``.

Key concepts: ``run_child`` spawns the child and waits for it. While it waits, SIGTERM,
SIGINT and SIGHUP raise ``CrawlInterrupted`` in the parent, which kills the child
(SIGKILL: a graceful Scrapy stop would wait for the requests in flight, and nothing of a
stopped run is kept anyway), waits for it to be gone, then lets the error propagate; any
other exception does the same. If the parent dies without that chance (SIGKILL, a
crash), the kernel kills the child: ``die_with_parent`` sets the child's parent-death
signal (Linux ``prctl``) first thing. The child inherits the parent's source locks.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing import reduction
from types import FrameType
from typing import Any

from cis.errors import CisError

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class CrawlInterrupted(CisError):
    """``cis crawl`` was told to stop by a signal; its crawler was killed."""

    def __init__(self, signum: int) -> None:
        self.signal_name = signal.Signals(signum).name
        super().__init__(
            f"stopped by {self.signal_name}: the crawler was killed; "
            "its unfinished sources keep their last good run"
        )
        self.exit_code = 128 + signum  # as a shell reports a process the signal ended


class Inherited:
    """File descriptors the spawned child keeps open (the source locks), for its lifetime."""

    def __init__(self, fds: Sequence[int]) -> None:
        self.fds = list(fds)

    def __reduce__(self) -> tuple[type[Inherited], tuple[list[int]]]:
        # Pickled while multiprocessing spawns the child: DupFd adds each descriptor to
        # those the new process inherits (under the same number), as it does for sockets.
        return Inherited, ([reduction.DupFd(fd).detach() for fd in self.fds],)


def run_child(target: Callable[..., None], args: tuple[Any, ...], name: str) -> int:
    """Run ``target(parent_pid, *args)`` in a spawned process; its exit code once it is gone."""
    child = multiprocessing.get_context("spawn").Process(
        target=target, args=(os.getpid(), *args), name=name
    )
    child.start()
    with _signals_raise():
        try:
            child.join()
        finally:
            if child.exitcode is None:  # interrupted while it ran: stop it before leaving
                child.kill()
                child.join()
    assert child.exitcode is not None
    return child.exitcode


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this process when its parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    # The parent may have died before prctl took effect: then nobody would kill us.
    if os.getppid() != parent_pid:
        os._exit(1)


@contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn the stop signals into ``CrawlInterrupted`` (main thread only, where they land)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        for stop in STOP_SIGNALS:  # a second Ctrl-C must not abandon the child mid-kill
            signal.signal(stop, signal.SIG_IGN)
        raise CrawlInterrupted(signum)

    previous = {stop: signal.signal(stop, interrupt) for stop in STOP_SIGNALS}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)
