"""Shaping engine results into the API's JSON: tiles for lists, the full record for one.

Every URL goes out through ``safe_http_url`` (absent when not absolute http(s)), and every
code through the labeller, so that clients need neither a sanitiser nor tables.
"""

from __future__ import annotations

from typing import Any

from cis.records import Project
from cis.urls import safe_http_url
from engines.base import FacetCount, GeoPoint, MapResult, SearchResult
from search_service.cursors import CursorSigner
from search_service.highlight import Highlighter
from search_service.labels import Labeller
from search_service.understanding.reading import Reading

TILE_FIELDS = (
    "id",
    "title",
    "summary",
    "address",
    "location",
    "geo_precision",
    "website",
    "image",
)
# Project field holding codes → the facet that names them.
CODE_FIELDS = {"codes": "code", "domains": "domain", "publics": "public", "methods": "method"}
HIT_FIELDS = (*TILE_FIELDS, *CODE_FIELDS, "sources")  # what a page of tiles reads of each hit
URL_FIELDS = ("website", "image", "logo")


def _served(project: Project, labels: Labeller, fields: tuple[str, ...] | None) -> dict[str, Any]:
    names = fields if fields is not None else tuple(project)
    shaped: dict[str, Any] = {name: project.get(name) for name in names}
    for name in URL_FIELDS:
        if name in shaped:
            shaped[name] = safe_http_url(shaped[name])
    for name, facet in CODE_FIELDS.items():
        codes: list[str] = project.get(name, [])  # type: ignore[assignment]
        shaped[name] = labels.labelled(facet, codes)
    return shaped


def _sources(project: Project, *, full: bool) -> list[dict[str, Any]]:
    kept = ("source", "name", "first_seen", "last_seen") if full else ("source", "name")
    return [
        {**{k: s.get(k) for k in kept}, "url": safe_http_url(s.get("url"))}
        for s in project.get("sources", [])
    ]


def tile(project: Project, labels: Labeller) -> dict[str, Any]:
    """What a result tile needs, with every contributor that lists the project."""
    shaped = _served(project, labels, TILE_FIELDS)
    shaped["sources"] = _sources(project, full=False)
    return shaped


def full_project(project: Project, labels: Labeller) -> dict[str, Any]:
    """Every field of one project, codes labelled, URLs checked, with per-field provenance."""
    shaped = _served(project, labels, None)
    shaped["sources"] = _sources(project, full=True)
    return shaped


def search_response(
    reading: Reading, result: SearchResult, labels: Labeller, cursors: CursorSigner
) -> dict[str, Any]:
    """The search endpoint's body: paging, tiles, labelled facet counts, what was understood."""
    request = reading.request
    next_cursor = cursors.encode(result.next_after, reading.asked) if result.next_after else None
    distances = result.distances_km or [None] * len(result.hits)
    results = []
    highlights = Highlighter(request.concepts)
    for project, distance in zip(result.hits, distances, strict=True):
        hit = tile(project, labels)
        hit["highlights"] = highlights(project["title"], project["summary"])
        if request.near is not None:
            hit["distance_km"] = distance
        results.append(hit)
    return {
        "total": result.total,
        "next_cursor": next_cursor,
        "page": request.page,
        "size": request.size,
        "pages": -(-result.total // request.size),
        "understood": understood(reading),
        "results": results,
        "facets": {
            facet: facet_values(facet, counts, request.filters.get(facet, ()), labels)
            for facet, counts in result.facets.items()
        },
    }


def understood(reading: Reading) -> dict[str, Any]:
    """What the query was read as: the text searched, the place, the corrected words."""
    place = reading.place
    shown = None
    if place is not None:
        shown = {
            "level": place.level,
            "code": place.code,
            "label": place.label,
            "departement_code": place.departement_code,
            "proximity": place.proximity,
            "radius_km": reading.radius_km,
            "scope": reading.scope,
        }
    return {
        "text": reading.request.text,
        "place": shown,
        "corrections": [
            {"typed": typed, "searched": searched}
            for typed, searched in reading.corrections.items()
        ],
    }


def facet_values(
    facet: str, counts: list[FacetCount], selected: tuple[str, ...], labels: Labeller
) -> list[dict[str, Any]]:
    """``{value, label, count, selected}`` per counted value.

    A selected value beyond the counted ones comes last with ``count: null``, so that a
    client can always show the selection and undo it.
    """
    shown = [
        {"value": c.value, "label": labels.label(facet, c.value), "count": c.count}
        | {"selected": c.value in selected}
        for c in counts
    ]
    counted = {c.value for c in counts}
    shown += [
        {"value": value, "label": labels.label(facet, value), "count": None, "selected": True}
        for value in selected
        if value not in counted
    ]
    return shown


def _point(point: GeoPoint) -> dict[str, float]:
    return {"lat": point.lat, "lon": point.lon}


def map_response(zoom: int, precision: int, result: MapResult) -> dict[str, Any]:
    """The map endpoint's body: clusters, or single points when few."""
    return {
        "located": result.located,
        "zoom": zoom,
        "precision": precision,
        "clusters": [
            {
                "count": c.count,
                "center": _point(c.center),
                "bounds": {
                    "south": c.bounds.south,
                    "west": c.bounds.west,
                    "north": c.bounds.north,
                    "east": c.bounds.east,
                },
                "tile": c.tile,
            }
            for c in result.clusters
        ],
        "points": [
            {"id": p.id, "title": p.title, "location": _point(p.location)} for p in result.points
        ],
    }
