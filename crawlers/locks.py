"""One crawl per source at a time: a lock file per source, ``<data_dir>/locks/<source>.lock``.

Key concepts: the lock is an ``fcntl.flock`` on the open file, so the kernel releases it
when the last process holding the file dies, however it dies; no stale lock survives a
crash or a kill. The crawler child inherits the open file (``crawlers.child``), so the
lock lasts as long as the parent or the child lives. The files themselves stay: deleting
one would let a second crawl lock a fresh file while the first still holds the old one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cis.errors import CisError


class SourceBusy(CisError):
    """Another crawl of the source is running."""

    def __init__(self, source: str, path: Path, holder: str) -> None:
        super().__init__(
            f"source {source!r} is already being crawled (by pid {holder or '?'}, lock {path}); "
            "wait for that crawl to end or stop it"
        )
        self.source = source


@contextmanager
def locked_sources(lock_dir: Path, sources: Sequence[str]) -> Iterator[list[int]]:
    """Hold the lock of every source in ``sources`` (their open file descriptors), or raise."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    held: list[int] = []
    try:
        for source in sorted(set(sources)):
            path = lock_dir / f"{source}.lock"
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            held.append(fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SourceBusy(source, path, os.pread(fd, 32, 0).decode().strip()) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)  # who holds it, for the message
        yield held
    finally:
        for fd in held:
            os.close(fd)
