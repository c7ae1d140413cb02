"""Pure translation of a SearchRequest into an Elasticsearch search body.

Standard multi-select facets: selections go to ``post_filter`` (they narrow the hits),
and each facet's aggregation is filtered by the *other* facets' selections only.
"""

from __future__ import annotations

from typing import Any

from cis.facets import FACETS_BY_NAME, SEARCH_FIELDS
from engines.base import SearchRequest, effective_sort
from engines.geo import circle
from mappings import hidden_fields


def text_query(terms: tuple[str, ...]) -> dict[str, Any]:
    """Every folded term must appear in some field; field boosts weigh the score."""
    if not terms:
        return {"match_all": {}}
    return {
        "multi_match": {
            "query": " ".join(terms),
            "type": "cross_fields",
            "operator": "and",
            "fields": [f"fold.{f.name}^{f.boost}" for f in SEARCH_FIELDS],
        }
    }


def selection_filters(
    request: SearchRequest, skip_facet: str | None = None
) -> list[dict[str, Any]]:
    """One ``terms`` filter per selected facet (OR within a facet, AND across facets)."""
    return [
        {"terms": {FACETS_BY_NAME[facet].path: list(values)}}
        for facet, values in sorted(request.filters.items())
        if facet != skip_facet and values
    ]


def geo_filters(request: SearchRequest) -> list[dict[str, Any]]:
    """The viewport and the radius around ``near``, when given."""
    filters: list[dict[str, Any]] = []
    if box := request.bbox:
        filters.append(
            {
                "geo_bounding_box": {
                    "location": {
                        "top_left": {"lat": box.north, "lon": box.west},
                        "bottom_right": {"lat": box.south, "lon": box.east},
                    }
                }
            }
        )
    if around := circle(request):
        center, radius_km = around
        filters.append(
            {
                "geo_distance": {
                    "distance": f"{radius_km}km",
                    "location": {"lat": center.lat, "lon": center.lon},
                }
            }
        )
    return filters


def main_query(request: SearchRequest) -> dict[str, Any]:
    """Text and geography: what both the hits and every facet count honour."""
    query: dict[str, Any] = {"bool": {"must": [text_query(request.terms)]}}
    if filters := geo_filters(request):
        query["bool"]["filter"] = filters
    return query


TITLE_ORDER = ({"sort_title": "asc"}, {"id": "asc"})


def sort_clause(request: SearchRequest) -> list[Any]:
    """The hits' order (see ``engines.base.Sort``); every order ends on the unique id."""
    near = request.near
    match effective_sort(request):
        case "relevance" if request.terms:
            return ["_score", *TITLE_ORDER]
        case "distance" if near is not None:
            # Projects without a point sort last (their sort value is "Infinity").
            point = {"lat": near.lat, "lon": near.lon}
            distance = {"location": point, "order": "asc", "unit": "km", "distance_type": "arc"}
            return [{"_geo_distance": distance}, {"id": "asc"}]
        case "recent":
            return [{"first_seen": {"order": "desc"}}, {"id": "asc"}]
        case _:
            return list(TITLE_ORDER)


def facet_aggregations(request: SearchRequest) -> dict[str, Any]:
    """Per facet: filter by the other selections, then count values (count desc, key asc)."""
    return {
        facet: {
            "filter": {"bool": {"filter": selection_filters(request, skip_facet=facet)}},
            "aggs": {
                "values": {
                    "terms": {
                        "field": FACETS_BY_NAME[facet].path,
                        "size": request.facet_size,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                    }
                }
            },
        }
        for facet in request.facets
    }


def search_body(request: SearchRequest) -> dict[str, Any]:
    """The whole search body for one page of results."""
    body: dict[str, Any] = {
        "query": main_query(request),
        "aggs": facet_aggregations(request),
        "from": request.offset,
        "size": request.size,
        "sort": sort_clause(request),
        "track_total_hits": True,
        "_source": {"excludes": hidden_fields()},
    }
    if selections := selection_filters(request):
        body["post_filter"] = {"bool": {"filter": selections}}
    if request.after:
        body["search_after"] = list(request.after)
    return body


def scan_body(request: SearchRequest) -> dict[str, Any]:
    """One chunk of a walk over every hit: the search body without counts or facets."""
    body = search_body(request)
    del body["aggs"], body["from"]
    return {**body, "track_total_hits": False}


# Below this many distinct values the cardinality count is exact (up to hash collisions,
# negligible at the few dozen contributors there are); 40,000 is the largest allowed.
CARDINALITY_PRECISION = 40_000


def stats_body() -> dict[str, Any]:
    """Projects (the total), distinct contributors, projects listed by two or more."""
    return {
        "size": 0,
        "track_total_hits": True,
        "aggs": {
            "contributors": {
                "cardinality": {
                    "field": FACETS_BY_NAME["source"].path,
                    "precision_threshold": CARDINALITY_PRECISION,
                }
            },
            "multi_listed": {"filter": {"range": {"listed_by": {"gte": 2}}}},
        },
    }
