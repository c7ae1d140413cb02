"""Shaping engine results into the API's JSON: tiles for lists, the full record for one."""

from __future__ import annotations

from typing import Any

from cis.records import Project
from engines.base import SearchRequest, SearchResult
from search_service.params import encode_cursor

TILE_FIELDS = (
    "id",
    "title",
    "summary",
    "address",
    "location",
    "geo_precision",
    "codes",
    "domains",
    "publics",
    "methods",
    "website",
    "image",
)


def tile(project: Project) -> dict[str, Any]:
    """What a result tile needs, with every contributor that lists the project."""
    shaped: dict[str, Any] = {name: project.get(name) for name in TILE_FIELDS}
    shaped["sources"] = [
        {"source": s["source"], "name": s["name"], "url": s["url"]}
        for s in project.get("sources", [])
    ]
    return shaped


def search_response(request: SearchRequest, result: SearchResult) -> dict[str, Any]:
    """The search endpoint's body: paging, tiles and facet counts."""
    return {
        "total": result.total,
        "next_cursor": encode_cursor(result.next_after) if result.next_after else None,
        "page": request.page,
        "size": request.size,
        "pages": -(-result.total // request.size),
        "results": [tile(project) for project in result.hits],
        "facets": {
            facet: [{"value": c.value, "count": c.count} for c in counts]
            for facet, counts in result.facets.items()
        },
    }
