"""Writing files so that a crash leaves the old content or the new, never half of one."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, fsync and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp"
    with tmp.open("w", encoding="utf-8") as file:
        file.write(text)
    replace_durably(tmp, path)


def replace_durably(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target`` once its bytes are on disk; then make the rename last.

    Without the first fsync a crash may leave ``target`` renamed but empty; without the
    second, the rename itself may be lost and the old file come back.
    """
    _fsync(source, os.O_RDONLY)
    os.replace(source, target)
    _fsync(target.parent, os.O_RDONLY | os.O_DIRECTORY)


def _fsync(path: Path, flags: int) -> None:
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
