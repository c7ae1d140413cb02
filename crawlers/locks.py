"""One crawl per source at a time: a lock file per source, ``<data_dir>/locks/<source>.lock``.

Key concepts: the locks are ``cis.locks`` locks (an ``flock`` the kernel releases when
the last process holding the file dies). The crawler child inherits the open files
(``crawlers.child``), so a source's lock lasts as long as the parent or the child lives.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from cis.errors import CisError
from cis.locks import acquire


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
    held: list[int] = []
    try:
        for source in sorted(set(sources)):
            path = lock_dir / f"{source}.lock"
            held.append(acquire(path, partial(SourceBusy, source, path)))
        yield held
    finally:
        for fd in held:
            os.close(fd)
