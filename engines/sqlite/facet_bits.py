"""Facet counts of the embedded engine as popcounts of per-value bitmaps.

Key concepts: at every write, each value of a counted facet gets the bitmap of its
projects' rowids (one bit per rowid, numpy ``uint64`` words), stored in ``facet_bits``
with a fresh ``facet_bits_stamp``; the row ``('', '')`` holds every project. A reader loads
them once per stamp (per process: the file is swapped whole, never written in place).
Counting a facet over the rows of a search is then ``popcount(value AND rows)`` for each of
its values, in C, instead of joining every hit with its facet values and grouping (what
took most of a broad search's time at 100,000 projects: ``benchmarks.search_load``).

Communes and arrondissements have thousands of values: they stay counted by SQL, and only
when a client asks for them (``cis.facets.DEFAULT_FACETS``).
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cis.facets import FACETS
from engines.base import EngineError

Words = npt.NDArray[np.uint64]
# Facets with few values: their bitmaps cost a few bits per project each.
BITMAP_FACETS = tuple(f.name for f in FACETS if f.name not in ("commune", "arrondissement"))
EVERY_PROJECT = ("", "")  # the (facet, value) row holding every project's bit


def rowid_words(rowids: npt.NDArray[np.int64], words: int) -> Words:
    """The bitmap (``words`` 64-bit words) with the bits of ``rowids`` set."""
    bits = np.zeros(words * 64, dtype=bool)
    bits[rowids] = True
    return np.packbits(bits, bitorder="little").view(np.uint64)


def parse_rowids(joined: str | None) -> npt.NDArray[np.int64]:
    """Rowids from SQL ``group_concat(rowid)`` (one string: far faster than a row each)."""
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")


def write_bitmaps(conn: sqlite3.Connection) -> None:
    """Recompute every counted facet's bitmaps, and stamp them for the readers' caches."""
    top = conn.execute("SELECT max(rowid) FROM projects").fetchone()[0] or 0
    words = top // 64 + 1
    marks = ", ".join("?" for _ in BITMAP_FACETS)
    groups = conn.execute(
        "SELECT facet, value, group_concat(project) FROM facet_values"
        f" WHERE facet IN ({marks}) GROUP BY facet, value",
        BITMAP_FACETS,
    ).fetchall()
    everyone = conn.execute("SELECT group_concat(rowid) FROM projects").fetchone()[0]
    conn.execute("DELETE FROM facet_bits")
    conn.executemany(
        "INSERT INTO facet_bits VALUES (?, ?, ?)",
        [
            (facet, value, rowid_words(parse_rowids(joined), words).tobytes())
            for facet, value, joined in [(*EVERY_PROJECT, everyone), *groups]
        ],
    )
    conn.execute("DELETE FROM facet_bits_stamp")
    conn.execute("INSERT INTO facet_bits_stamp VALUES (?)", (secrets.token_hex(8),))


@dataclass(frozen=True)
class Bitmaps:
    """One file's bitmaps: per facet its values and a (values x words) matrix."""

    stamp: str
    everyone: Words
    values: dict[str, list[str]]
    matrices: dict[str, npt.NDArray[np.uint64]]

    @property
    def words(self) -> int:
        """Length of every bitmap of this file, in 64-bit words."""
        return len(self.everyone)

    def rows(self, joined: str | None) -> Words:
        """The bitmap of rowids given as ``group_concat`` text."""
        return rowid_words(parse_rowids(joined), self.words)

    def selection(self, facet: str, chosen: tuple[str, ...]) -> Words:
        """Projects carrying any of ``chosen`` values of ``facet`` (OR within a facet)."""
        values, matrix, wanted = self.values.get(facet, []), self.matrices.get(facet), set(chosen)
        picked = [i for i, value in enumerate(values) if value in wanted]
        if matrix is None or not picked:
            return np.zeros(self.words, dtype=np.uint64)
        picked_rows: Words = np.bitwise_or.reduce(matrix[picked], axis=0)
        return picked_rows

    def counts(self, facet: str, rows: Words) -> list[tuple[str, int]]:
        """``(value, count)`` of every value of ``facet`` met in ``rows`` (zeros left out)."""
        matrix = self.matrices.get(facet)
        if matrix is None:
            return []
        found = np.bitwise_count(matrix & rows).sum(axis=1)
        return [(v, int(n)) for v, n in zip(self.values[facet], found, strict=True) if n]


def stamp_of(conn: sqlite3.Connection) -> str:
    """The stamp of the bitmaps of the file ``conn`` reads."""
    try:
        row = conn.execute("SELECT token FROM facet_bits_stamp").fetchone()
    except sqlite3.OperationalError:  # a file written before bitmaps existed
        row = None
    if row is None:
        raise EngineError("the index file has no facet bitmaps: run `cis reindex` once")
    return str(row[0])


def load_bitmaps(conn: sqlite3.Connection, stamp: str) -> Bitmaps:
    """Every bitmap of the file ``conn`` reads (stamped ``stamp``)."""
    values: dict[str, list[str]] = {}
    rows: dict[str, list[Words]] = {}
    everyone = np.zeros(0, dtype=np.uint64)
    for facet, value, bits in conn.execute("SELECT facet, value, bits FROM facet_bits"):
        words = np.frombuffer(bits, dtype=np.uint64)
        if (facet, value) == EVERY_PROJECT:
            everyone = words
            continue
        values.setdefault(facet, []).append(value)
        rows.setdefault(facet, []).append(words)
    matrices = {facet: np.vstack(found) for facet, found in rows.items()}
    return Bitmaps(stamp, everyone, values, matrices)


class BitmapCache:
    """The bitmaps of the live file, reloaded when a write stamped new ones."""

    def __init__(self) -> None:
        self._loaded: Bitmaps | None = None
        self._lock = threading.Lock()

    def of(self, conn: sqlite3.Connection) -> Bitmaps:
        """The bitmaps of the file ``conn`` reads (loaded at most once per stamp)."""
        stamp, loaded = stamp_of(conn), self._loaded
        if loaded is not None and loaded.stamp == stamp:
            return loaded
        with self._lock:  # one thread loads; the others then find it loaded
            if self._loaded is None or self._loaded.stamp != stamp:
                self._loaded = load_bitmaps(conn, stamp)
            return self._loaded
