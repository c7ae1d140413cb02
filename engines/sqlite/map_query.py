"""Pure SQL of the embedded engine's map: located hits, their points, or tile clusters.

The rows are the search's own (``query.preparation_sql`` fills the same temporary
tables first); facet selections apply to them directly. Tiles were computed when the
projects were written (``engines.tiles``): a cluster is one GROUP BY on shifted columns.
"""

from __future__ import annotations

from engines.base import MAX_TILE_PRECISION, SearchRequest
from engines.sqlite.query import Sql, rows_of
from engines.tiles import MAX_CLUSTERS


def _located(request: SearchRequest) -> tuple[str, str, str]:
    """``FROM`` clause, ``WHERE`` condition and ``projects`` alias of the located hits."""
    rows = rows_of(request)
    source, s = rows.with_projects
    return source, f"{rows.where} AND {s}.tile_x IS NOT NULL", s


def located_sql(request: SearchRequest) -> Sql:
    """How many hits have a point."""
    source, where, _ = _located(request)
    return Sql(f"SELECT count(*) FROM {source} WHERE {where}")


def points_sql(request: SearchRequest) -> Sql:
    """``(id, title, lat, lon)`` of every located hit, by id."""
    source, where, s = _located(request)
    return Sql(
        f"SELECT {s}.id, json_extract(d.doc, '$.title'), {s}.lat, {s}.lon FROM {source}"
        f" JOIN documents d ON d.project = {s}.rowid WHERE {where} ORDER BY {s}.id"
    )


def clusters_sql(request: SearchRequest, precision: int) -> Sql:
    """``(x, y, count, centroid lat, lon, south, west, north, east)`` per tile at ``precision``.

    The most populated ``MAX_CLUSTERS`` tiles, then by tile (as ``geotile_grid`` cuts).
    """
    source, where, s = _located(request)
    shift = MAX_TILE_PRECISION - precision
    return Sql(
        f"SELECT {s}.tile_x >> ? AS x, {s}.tile_y >> ? AS y, count(*) AS n,"
        f" avg({s}.lat), avg({s}.lon), min({s}.lat), min({s}.lon), max({s}.lat), max({s}.lon)"
        f" FROM {source} WHERE {where} GROUP BY x, y ORDER BY n DESC, x, y LIMIT ?",
        (shift, shift, MAX_CLUSTERS),
    )
