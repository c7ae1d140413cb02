"""The rows a search's text and geography keep, in its order, kept between searches.

Key concepts: a search's hits are its *matches* (the rows its text, viewport and radius
keep, ranked) narrowed by facet selections. Matching and ranking are most of a search's
time (several FTS5 passes, a grouping over every match); selecting, counting and cutting a
page are not. So the matches of a request are computed once per file stamp and kept
(``engines.sqlite.kept``) as rowids in order with
their ranks and a bitmap; selections (``engines.sqlite.facet_bits``), the total, the facet
counts and the page are then array operations, and page 2 of "jardin partagé", or the
same text in another département, reads no FTS5 at all. Elasticsearch's request cache
does the same for the other engine; the answers are the embedded engine's own, unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from engines.base import SearchRequest, effective_sort
from engines.sqlite import query as q
from engines.sqlite.facet_bits import Words, rowid_words


@dataclass(frozen=True)
class Matches:
    """The rows one request's text and geography keep, in the request's order."""

    rowids: npt.NDArray[np.int64]
    ranks: npt.NDArray[np.float64]  # aligned with ``rowids`` (0 when not ranked)
    bits: Words  # the same rows as a bitmap

    def nbytes(self) -> int:
        """Memory held, for the cache's budget."""
        return int(self.rowids.nbytes + self.ranks.nbytes + self.bits.nbytes)

    def narrowed(self, rows: Words | None) -> npt.NDArray[np.int64]:
        """Positions (in order) of the matches also in ``rows`` (all when None)."""
        if rows is None:
            return np.arange(len(self.rowids))
        words, bits = self.rowids >> 6, (self.rowids & 63).astype(np.uint64)
        kept = (rows[words] >> bits) & np.uint64(1)
        return np.flatnonzero(kept)


def match_key(request: SearchRequest) -> Hashable:
    """What decides a request's matches and their order (not selections, pages or facets)."""
    return (
        request.text,
        request.typed,
        request.partly,
        request.bbox,
        request.near,
        request.radius_km,
        effective_sort(request),
    )


def compute_matches(conn: sqlite3.Connection, request: SearchRequest, words: int) -> Matches:
    """Run the request's text and geography on ``conn`` (bitmaps of ``words`` words)."""
    for statement in q.base_sql(request):
        conn.execute(statement.text, statement.params)
    sql = q.matches_sql(request)
    rows = conn.execute(sql.text, sql.params).fetchall()
    pairs = np.array(rows, dtype=np.float64).reshape(-1, 2)
    rowids = pairs[:, 0].astype(np.int64)
    for statement in q.drop_base_sql():
        conn.execute(statement.text)
    return Matches(rowids, pairs[:, 1], rowid_words(rowids, words))
