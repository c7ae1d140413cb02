"""Locks that keep two runs of one job apart; the kernel releases them when a run dies.

A lock is an ``flock`` on a file under ``<data_dir>/locks/``: no stale lock survives a
killed process, so there is nothing to clean up and no pid to trust. A child process
that inherits the open file holds the lock too. The holder writes its pid into the file
only so that a refused run can say who holds it. The files stay: deleting one would let
a second run lock a fresh file while the first still holds the old one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cis.errors import CisError


class Busy(CisError):
    """Another run of the same job holds its lock."""


def acquire(path: Path, busy: Callable[[str], CisError]) -> int:
    """The open, locked file descriptor of ``path``; raises ``busy(holder pid)`` if held."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise busy(holder) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


@contextmanager
def exclusive(path: Path, job: str) -> Iterator[None]:
    """Hold the lock at ``path`` for the block, or raise Busy at once if another run has it."""
    fd = acquire(
        path,
        lambda holder: Busy(f"{job} is already running (pid {holder}); try again when it ends"),
    )
    try:
        yield
    finally:
        os.close(fd)
