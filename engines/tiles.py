"""The web-mercator tile grid of map clusters, computed as Elasticsearch's ``geotile_grid``.

Both engines key a cluster "precision/x/y" the same way. Elasticsearch computes a point's
tile (``GeoTileUtils.getXTile``/``getYTile``) from the point as indexed, quantized to 32
bits per axis (Lucene's ``GeoEncodingUtils``), so the same quantization comes first here:
without it a point a few millimetres from a tile edge lands in the neighbouring tile.
SQLite stores each project's tile at ``MAX_TILE_PRECISION`` and derives every coarser
level by shifting (``x >> (22 - p)``): flooring a scaled value twice by powers of two is
flooring it once, so the shifted tile is the tile computed at ``p``.
"""

from __future__ import annotations

import math

from engines.base import MAX_TILE_PRECISION

MAX_CLUSTERS = 4_000  # at most this many cells come back, the most populated first
LATITUDE_MASK = 85.0511287798066  # the grid stops here; beyond, points go to the edge rows
LAT_DECODE = 180.0 / 2**32
LON_DECODE = 360.0 / 2**32


def indexed_point(lat: float, lon: float) -> tuple[float, float]:
    """The point as Elasticsearch indexes it: each axis floored to a 32-bit step."""
    lat = math.nextafter(lat, -math.inf) if lat == 90.0 else lat
    lon = math.nextafter(lon, -math.inf) if lon == 180.0 else lon
    return math.floor(lat / LAT_DECODE) * LAT_DECODE, math.floor(lon / LON_DECODE) * LON_DECODE


def tile_of(lat: float, lon: float, precision: int = MAX_TILE_PRECISION) -> tuple[int, int]:
    """``(x, y)`` of the tile holding the indexed point at ``precision``."""
    lat, lon = indexed_point(lat, lon)
    tiles = 1 << precision
    x = 0 if lon == -180 else math.floor((lon + 180) / 360 * tiles)
    # The clamp only spares a division by zero at the poles: beyond the mask the row is
    # clipped to the edge either way.
    sin_lat = math.cos(math.pi / 2 - math.radians(max(-LATITUDE_MASK, min(LATITUDE_MASK, lat))))
    y = math.floor((0.5 - math.log((1 + sin_lat) / (1 - sin_lat)) / (4 * math.pi)) * tiles)
    return min(max(x, 0), tiles - 1), min(max(y, 0), tiles - 1)


def coarser(coordinate: int, precision: int) -> int:
    """A tile coordinate stored at ``MAX_TILE_PRECISION``, at ``precision`` instead."""
    return coordinate >> (MAX_TILE_PRECISION - precision)


def tile_key(precision: int, x: int, y: int) -> str:
    """The cluster key, as ``geotile_grid`` spells it."""
    return f"{precision}/{x}/{y}"


def key_tile(key: str) -> tuple[int, int, int]:
    """``(precision, x, y)`` of a ``geotile_grid`` key."""
    precision, x, y = (int(part) for part in key.split("/"))
    return precision, x, y
