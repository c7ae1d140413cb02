"""Pure SQL of the embedded engine's map: the few points a map shows one by one.

The rows and their clusters come from arrays (``engines.sqlite.located``); only the points'
ids and titles are read here, by rowid.
"""

from __future__ import annotations

from engines.sqlite.query import Sql


def points_sql(rowids: list[int]) -> Sql:
    """``(id, title, lat, lon)`` of the projects at ``rowids`` (a map's few points), by id."""
    marks = ", ".join("?" for _ in rowids)
    return Sql(
        "SELECT p.id, json_extract(d.doc, '$.title'), p.lat, p.lon FROM projects p"
        f" JOIN documents d ON d.project = p.rowid WHERE p.rowid IN ({marks}) ORDER BY p.id",
        tuple(rowids),
    )
