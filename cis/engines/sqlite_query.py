"""Pure translation of a SearchRequest into SQL for the embedded engine.

Multi-select facets, as on Elasticsearch: hits honour every selection; the counts of
facet F honour every selection except F's own, so picking a value never hides its
siblings.
"""

from __future__ import annotations

from dataclasses import dataclass

from cis.engines.base import SearchRequest
from cis.facets import SEARCH_FIELDS
from cis.text import query_terms

BM25_WEIGHTS = ", ".join(str(f.boost) for f in SEARCH_FIELDS)


@dataclass(frozen=True)
class Sql:
    """One SQL statement and its parameters."""

    text: str
    params: tuple[object, ...]


def match_expression(text: str) -> str:
    """FTS5 query where every folded term must appear (quoted, so no operator injection)."""
    return " ".join(f'"{term}"' for term in query_terms(text))


def _where(request: SearchRequest, skip_facet: str | None = None) -> Sql:
    clauses: list[str] = []
    params: list[object] = []
    if match := match_expression(request.text):
        clauses.append("projects_fts MATCH ?")
        params.append(match)
    if box := request.bbox:
        clauses.append(
            "p.rowid IN (SELECT project FROM projects_geo"
            " WHERE min_lat >= ? AND max_lat <= ? AND min_lon >= ? AND max_lon <= ?)"
        )
        params += [box.south, box.north, box.west, box.east]
    for facet, values in sorted(request.filters.items()):
        if facet != skip_facet and values:
            marks = ", ".join("?" for _ in values)
            clauses.append(
                f"p.rowid IN (SELECT project FROM facet_values WHERE facet = ? AND value IN ({marks}))"
            )
            params += [facet, *values]
    return Sql(" AND ".join(clauses) or "1", tuple(params))


def _from(request: SearchRequest) -> str:
    if match_expression(request.text):
        return "projects p JOIN projects_fts ON projects_fts.rowid = p.rowid"
    return "projects p"


def hits_sql(request: SearchRequest) -> Sql:
    """The page of documents, best first (bm25 with field boosts, then title)."""
    where = _where(request)
    order = f"bm25(projects_fts, {BM25_WEIGHTS}), " if match_expression(request.text) else ""
    return Sql(
        f"SELECT p.doc FROM {_from(request)} WHERE {where.text}"
        f" ORDER BY {order}p.sort_key LIMIT ? OFFSET ?",
        (*where.params, request.size, request.offset),
    )


def total_sql(request: SearchRequest) -> Sql:
    """How many projects match every selection."""
    where = _where(request)
    return Sql(f"SELECT count(*) FROM {_from(request)} WHERE {where.text}", where.params)


def facet_sql(request: SearchRequest, facet: str) -> Sql:
    """Counts per value of ``facet`` among projects matching the other selections."""
    where = _where(request, skip_facet=facet)
    return Sql(
        "SELECT value, count(*) AS n FROM facet_values WHERE facet = ? AND project IN"
        f" (SELECT p.rowid FROM {_from(request)} WHERE {where.text})"
        " GROUP BY value ORDER BY n DESC, value LIMIT ?",
        (facet, *where.params, request.facet_size),
    )
