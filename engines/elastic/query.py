"""Pure translation of a SearchRequest into an Elasticsearch search body.

Standard multi-select facets: selections go to ``post_filter`` (they narrow the hits),
and each facet's aggregation is filtered by the *other* facets' selections only.
"""

from __future__ import annotations

from typing import Any

from cis.concepts import Concept, required_concepts
from cis.facets import FACETS_BY_NAME, SEARCH_FIELDS, TAGS
from engines import ranking
from engines.base import SearchRequest, effective_sort
from engines.geo import circle
from mappings import hidden_fields

STEM_FIELDS = [f"stem.{f.name}^{f.boost}" for f in SEARCH_FIELDS]
# Where a project names its own kind: a contributor's theme tag ("Numérique et inclusion
# sociale" on a bike workshop) is weaker evidence of a kind of project than its own words.
TAG_FIELDS = [f"stem.{f.name}^{f.boost}" for f in SEARCH_FIELDS if f.name == TAGS]
SELF_DESCRIBED = [field for field in STEM_FIELDS if field not in TAG_FIELDS]


def _close(stems: tuple[str, ...], fields: list[str]) -> dict[str, Any]:
    """A concept's typed words close together in one of ``fields``."""
    close = {"query": " ".join(stems), "type": "phrase", "slop": ranking.TYPED_SLOP}
    return {"multi_match": {**close, "fields": fields}}


def _words(stems: tuple[str, ...], operator: str, boost: float) -> dict[str, Any]:
    """A concept's typed words anywhere: all of them ("and") or any ("or")."""
    words = {"query": " ".join(stems), "type": "cross_fields", "operator": operator}
    return {"multi_match": {**words, "boost": boost, "fields": STEM_FIELDS}}


def _synonym(phrase: tuple[str, ...], fields: list[str]) -> dict[str, Any]:
    """A concept's synonym: its stems, in order, in one of ``fields``, weighing less."""
    kind = "phrase" if len(phrase) > 1 else "most_fields"
    words = {"query": " ".join(phrase), "type": kind, "boost": ranking.SYNONYM}
    return {"multi_match": {**words, "fields": fields}}


def _coded(codes: tuple[str, ...], boost: float) -> dict[str, Any]:
    """Projects carrying every one of ``codes``, scoring ``boost``."""
    every = {"bool": {"filter": [{"term": {"codes": code}} for code in codes]}}
    return {"constant_score": {"filter": every, "boost": boost}}


def _ways(concept: Concept, *, partly: bool) -> list[tuple[float, dict[str, Any]]]:
    """Each way of meeting ``concept``, with the share of its tier it earns.

    A kind of project is fully met by what a project says of itself; named only in a
    contributor's theme tags, it earns ``APART`` (``engines.ranking``).
    """
    typed, *synonyms = concept.phrases
    own = SELF_DESCRIBED if concept.kind else STEM_FIELDS
    ways = [(1.0, _close(typed, own)), *((1.0, _synonym(phrase, own)) for phrase in synonyms)]
    if concept.kind:
        ways.append((ranking.APART, _close(typed, TAG_FIELDS)))
        ways += [(ranking.APART, _synonym(phrase, TAG_FIELDS)) for phrase in synonyms]
    if concept.codes:
        codes = {"terms": {"codes": list(concept.codes)}}
        ways.append((1.0, {"constant_score": {"filter": codes, "boost": ranking.CODE_MATCH}}))
    if partly and concept.themes:  # coded with all a kind's themes: maybe one of that kind
        ways.append((ranking.PARTIAL, _coded(concept.themes, ranking.PARTIAL * ranking.CODE_MATCH)))
    if len(typed) > 1:
        ways.append((ranking.APART, _words(typed, "and", ranking.SCATTERED)))
        if partly:
            ways.append((ranking.PARTIAL, _words(typed, "or", ranking.PARTIAL * ranking.SCATTERED)))
    return ways


def _met(concept: Concept, *, partly: bool) -> dict[str, Any]:
    """``concept``'s best text score plus the best tier its ways of meeting it earn."""
    ways = _ways(concept, partly=partly)
    weight = ranking.concept_weight(concept.kind)
    tiers = [
        {"constant_score": {"filter": query, "boost": share * weight}} for share, query in ways
    ]
    best_text = {"dis_max": {"queries": [query for _, query in ways]}}
    return {"bool": {"must": [best_text], "should": [{"dis_max": {"queries": tiers}}]}}


def text_query(request: SearchRequest) -> dict[str, Any]:
    """Hits meeting most of the request's concepts, scored by the tiers of ``engines.ranking``."""
    concepts = request.concepts
    if not concepts:
        return {"match_all": {}}
    partly = request.meets_partly
    met: dict[str, Any] = {"bool": {"should": [_met(c, partly=partly) for c in concepts]}}
    met["bool"]["minimum_should_match"] = required_concepts(len(concepts))
    listed = [
        {"range": {"listed_by": {"gte": n, "boost": ranking.LISTED}}}
        for n in range(2, ranking.LISTED_CAP + 1)
    ]
    keys = list(request.name_keys)
    names = [{"terms": {field: keys}} for field in ("title_key", "organisation_key")]
    exact = {"constant_score": {"filter": {"bool": {"should": names}}, "boost": ranking.EXACT_NAME}}
    words = {"query": " ".join(request.typed_stems), "operator": "and"}
    titled = {"match": {"stem.title": words}}
    title_words = {"constant_score": {"filter": titled, "boost": ranking.TITLE_WORDS}}
    should = [exact, *listed] if request.near else [exact, title_words, *listed]
    return {"bool": {"must": [met], "should": should}}


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
    query: dict[str, Any] = {"bool": {"must": [text_query(request)]}}
    if filters := geo_filters(request):
        query["bool"]["filter"] = filters
    near = request.near
    if near is None or not request.concepts or effective_sort(request) != "relevance":
        return query
    origin = {"lat": near.lat, "lon": near.lon}
    decay = {"origin": origin, "scale": f"{ranking.DISTANCE_SCALE_KM}km", "decay": 0.5}
    nearness = {
        "filter": {"exists": {"field": "location"}},
        "exp": {"location": decay},
        "weight": ranking.DISTANCE,
    }
    nearby = {"distance": f"{ranking.NEARBY_KM}km", "location": origin}
    functions = [nearness, {"filter": {"geo_distance": nearby}, "weight": ranking.NEARBY}]
    scored = {"query": query, "functions": functions, "boost_mode": "sum", "score_mode": "sum"}
    return {"function_score": scored}


TITLE_ORDER = ({"sort_title": "asc"}, {"id": "asc"})


def sort_clause(request: SearchRequest) -> list[Any]:
    """The hits' order (see ``engines.base.Sort``); every order ends on the unique id."""
    near = request.near
    match effective_sort(request):
        case "relevance" if request.concepts:
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
        "_source": source_filter(request),
    }
    if selections := selection_filters(request):
        body["post_filter"] = {"bool": {"filter": selections}}
    if request.after:
        body["search_after"] = list(request.after)
    return body


def source_filter(request: SearchRequest) -> dict[str, Any]:
    """The document fields each hit comes back with: those asked for, never the hidden ones."""
    hidden = {"excludes": hidden_fields()}
    return hidden if request.fields is None else {"includes": list(request.fields), **hidden}


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
