"""Locks that keep two runs of one job apart; the kernel releases them when a run dies.

A lock is an ``flock`` on a file under ``<data_dir>/locks/``: no stale lock survives a
killed process, so there is nothing to clean up and no pid to trust. The holder writes
its pid into the file only so that the refused run can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cis.errors import CisError


class Busy(CisError):
    """Another run of the same job holds its lock."""


@contextmanager
def exclusive(path: Path, job: str) -> Iterator[None]:
    """Hold the lock at ``path`` for the block, or raise Busy at once if another run has it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise Busy(f"{job} is already running (pid {holder}); try again when it ends") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
