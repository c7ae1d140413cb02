"""The map of the embedded engine over kept matches: points and tile clusters as arrays.

Key concepts: every located project's point and finest tile are read once per file stamp
into arrays indexed by rowid (``Located``). A map request's rows are its search's kept
matches (``engines.sqlite.matches``) narrowed by selection bitmaps; its clusters are then a
grouping of those rows' coarser tiles in numpy, cut and ordered as Elasticsearch's
``geotile_grid`` is (most populated first, then by tile: ``tests/test_engine_map.py``), and
its few points are read by rowid (``engines.sqlite.map_query``).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from engines.base import MAX_TILE_PRECISION, BBox, Cluster, GeoPoint
from engines.sqlite.facet_bits import Bitmaps, Words, rowid_words
from engines.tiles import MAX_CLUSTERS, tile_key

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Located:
    """Tiles and points of the located projects of one file, indexed by rowid."""

    stamp: str
    bits: Words  # the located projects
    tile_x: Ints
    tile_y: Ints
    lat: Floats
    lon: Floats

    def rowids(self, rows: Words) -> Ints:
        """The located rowids among ``rows``, ascending."""
        within = np.unpackbits((rows & self.bits).view(np.uint8), bitorder="little")
        return np.flatnonzero(within)

    def clusters(self, rowids: Ints, precision: int) -> list[Cluster]:
        """The tile cells of ``rowids`` at ``precision``: the most populated, then by tile."""
        shift = MAX_TILE_PRECISION - precision
        x, y = self.tile_x[rowids] >> shift, self.tile_y[rowids] >> shift
        cells, cell_of, counts = np.unique((x << 32) | y, return_inverse=True, return_counts=True)
        lat, lon = self.lat[rowids], self.lon[rowids]
        center_lat, center_lon = (np.bincount(cell_of, weights=w) / counts for w in (lat, lon))
        by_cell = np.argsort(cell_of, kind="stable")
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        south, west = (np.minimum.reduceat(w[by_cell], starts) for w in (lat, lon))
        north, east = (np.maximum.reduceat(w[by_cell], starts) for w in (lat, lon))
        return [
            Cluster(
                count=int(counts[i]),
                center=GeoPoint(float(center_lat[i]), float(center_lon[i])),
                bounds=BBox(float(south[i]), float(west[i]), float(north[i]), float(east[i])),
                tile=tile_key(precision, int(cells[i] >> 32), int(cells[i] & 0xFFFFFFFF)),
            )
            for i in np.lexsort((cells, -counts))[:MAX_CLUSTERS]  # count desc, then x, y
        ]


def load_located(conn: sqlite3.Connection, bitmaps: Bitmaps) -> Located:
    """The located projects of the file ``conn`` reads, arrays sized for ``bitmaps``."""
    rows = conn.execute(
        "SELECT rowid, tile_x, tile_y, lat, lon FROM projects WHERE tile_x IS NOT NULL"
    ).fetchall()
    table = np.array(rows, dtype=np.float64).reshape(-1, 5)
    rowids, size = table[:, 0].astype(np.int64), bitmaps.words * 64
    tiles = np.zeros((2, size), dtype=np.int64)
    tiles[:, rowids] = table[:, 1:3].T  # exact: tiles are below 2**22
    points = np.zeros((2, size), dtype=np.float64)
    points[:, rowids] = table[:, 3:5].T
    bits = rowid_words(rowids, bitmaps.words)
    return Located(bitmaps.stamp, bits, tiles[0], tiles[1], points[0], points[1])


class LocatedCache:
    """The located projects of the live file, reloaded when a write stamped new bitmaps."""

    def __init__(self) -> None:
        self._loaded: Located | None = None
        self._lock = threading.Lock()

    def of(self, conn: sqlite3.Connection, bitmaps: Bitmaps) -> Located:
        """The located projects of the file ``conn`` reads (loaded once per stamp)."""
        loaded = self._loaded
        if loaded is not None and loaded.stamp == bitmaps.stamp:
            return loaded
        with self._lock:
            if self._loaded is None or self._loaded.stamp != bitmaps.stamp:
                self._loaded = load_located(conn, bitmaps)
            return self._loaded
