"""The OpenAPI 3.1 description of /api/v1, built from the constants the code enforces.

Limits (sizes, lengths, facet names, sorts) are read from the modules that check them,
so the document cannot drift from the behaviour; the fuzz tests hold the API to it.
"""

from __future__ import annotations

from functools import cache
from typing import Any, get_args

from cis.facets import FACETS
from engines.base import MAX_TILE_PRECISION, SORTS
from mappings import result_window
from search_service import params
from search_service.cursors import MAX_CURSOR_LENGTH
from search_service.export import EXPORT_FORMATS
from search_service.suggest import MAX_SUGGEST_SIZE
from search_service.understanding.reading import Scope

JSON = "application/json"
FACET_NAMES = [f.name for f in FACETS]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema, **extra}


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    meaning = {
        400: "A parameter is unknown or invalid; `error.parameter` names it.",
        401: "The X-API-Key header holds no valid key (unknown or revoked).",
        404: "No such project or route.",
        414: "The request line is longer than the API accepts.",
        429: "Over the rate limit: retry after `Retry-After` seconds.",
        503: "The search engine cannot answer now (down, frozen or overloaded): retry shortly.",
    }
    return {str(s): _answer(meaning[s], _ref("Error")) for s in statuses}


COMMON_ERRORS = (400, 401, 414, 429, 503)


def _filters() -> list[dict[str, Any]]:
    text = _query(
        "q",
        "Free text, as a person types it. Case, accents, elisions and plurals are ignored; "
        "synonyms count (friperie, vestiboutique); most words must match, more rank higher. "
        'A place it names ("près de Moulins", "Paris 11e", "dans le 93", '
        '"Bretagne") becomes a filter or a distance ranking, and misspelled words are '
        "corrected: the answer's `understood` says how it was read.",
        {"type": "string", "maxLength": params.MAX_QUERY_LENGTH},
    )
    literal = _query(
        "literal",
        "`true`: search `q` as text only, without reading a place or correcting words "
        "(how a person undoes what `understood` reports).",
        {"type": "string", "enum": list(params.FLAGS)},
    )
    facets = [
        _query(
            name,
            f"Keep projects with one of these `{name}` values (repeat the parameter or "
            f"separate values by commas; at most {params.MAX_VALUES_PER_FACET}).",
            {"type": "array", "items": {"type": "string"}},
            style="form",
            explode=True,
        )
        for name in FACET_NAMES
    ]
    geo = [
        _query(
            "bbox",
            "Viewport `west,south,east,north` in WGS84 degrees (south <= north).",
            {"type": "string", "pattern": params.BBOX_PATTERN},
        ),
        _query(
            "near",
            "Reference point `lat,lon` in WGS84 degrees: each hit gets `distance_km`.",
            {"type": "string", "pattern": params.POINT_PATTERN},
        ),
        _query(
            "radius_km",
            "With `near`: only projects within this distance.",
            {"type": "number", "exclusiveMinimum": 0, "maximum": params.MAX_RADIUS_KM},
        ),
    ]
    return [text, literal, *facets, *geo]


def _search_parameters() -> list[dict[str, Any]]:
    window = result_window()
    return [
        *_filters(),
        _query(
            "page",
            f"Page number; page * size must stay within {window} (walk deeper with a cursor).",
            {"type": "integer", "minimum": 1, "maximum": window, "default": 1},
        ),
        _query(
            "size",
            "Hits per page.",
            {"type": "integer", "minimum": 1, "maximum": params.MAX_SIZE},
        ),
        _query(
            "cursor",
            "`*` to start a deep walk, then each answer's `next_cursor` (signed; valid only "
            "for the same search). Not with `page`.",
            {"type": "string", "maxLength": MAX_CURSOR_LENGTH},
        ),
        _query(
            "facets",
            "Comma-separated facets to count (default: all but commune and arrondissement,"
            " which are counted only when named).",
            {"type": "string"},
        ),
        _query(
            "sort",
            "relevance (default), distance (needs near), recent (newest listing first), title.",
            {"type": "string", "enum": list(SORTS)},
        ),
    ]


NULLABLE_STRING = {"type": ["string", "null"]}
POINT = {
    "type": "object",
    "required": ["lat", "lon"],
    "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
}
LABELLED = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "label"],
        "properties": {"value": {"type": "string"}, "label": {"type": "string"}},
    },
}
BOUNDS = {
    "type": "object",
    "required": ["south", "west", "north", "east"],
    "properties": {k: {"type": "number"} for k in ("south", "west", "north", "east")},
}


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


UNDERSTOOD = _object(
    {
        "text": {"type": "string"},
        "place": {
            "oneOf": [
                {"type": "null"},
                _object(
                    {
                        "level": {"type": "string", "enum": ["commune", "departement", "region"]},
                        "code": {"type": "string"},
                        "label": {"type": "string"},
                        "departement_code": {"type": "string"},
                        "proximity": {"type": "boolean"},
                        "radius_km": {"type": ["number", "null"]},
                        "scope": {"type": "string", "enum": list(get_args(Scope))},
                    }
                ),
            ]
        },
        "corrections": {
            "type": "array",
            "items": _object({"typed": {"type": "string"}, "searched": {"type": "string"}}),
        },
    }
)


def _schemas() -> dict[str, Any]:
    source_ref = _object(
        {"source": {"type": "string"}, "name": {"type": "string"}, "url": NULLABLE_STRING},
        {"first_seen": {"type": "string"}, "last_seen": {"type": "string"}},
    )
    tile_fields = {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "address": {"type": "object"},
        "location": {"oneOf": [POINT, {"type": "null"}]},
        "geo_precision": {
            "type": "string",
            "enum": ["commune", "homonym", "departement", "region", "none"],
            "description": "homonym: a commune of that name among several, nothing telling"
            " which (the most populous one)",
        },
        "website": NULLABLE_STRING,
        "image": NULLABLE_STRING,
        "codes": LABELLED,
        "domains": LABELLED,
        "publics": LABELLED,
        "methods": LABELLED,
        "sources": {"type": "array", "items": source_ref},
    }
    hit = _object(
        tile_fields,
        {
            "highlights": {
                "type": "object",
                "properties": {"title": {"type": "string"}, "summary": {"type": "string"}},
                "description": "HTML-escaped text with <mark> around matched words.",
            },
            "distance_km": {"type": ["number", "null"]},
        },
    )
    facet_value = _object(
        {
            "value": {"type": "string"},
            "label": {"type": "string"},
            "count": {"type": ["integer", "null"]},
            "selected": {"type": "boolean"},
        }
    )
    return {
        "Error": _object(
            {
                "error": _object(
                    {"code": {"type": "string"}, "message": {"type": "string"}},
                    {"parameter": {"type": "string"}},
                )
            }
        ),
        "Tile": _object(tile_fields),
        "Hit": hit,
        "Project": _object(
            {**tile_fields, "description": {"type": "string"}, "provenance": {"type": "object"}}
        ),
        "SearchResults": _object(
            {
                "total": {"type": "integer", "minimum": 0},
                "next_cursor": NULLABLE_STRING,
                "page": {"type": "integer"},
                "size": {"type": "integer"},
                "pages": {"type": "integer"},
                "understood": UNDERSTOOD,
                "results": {"type": "array", "items": _ref("Hit")},
                "facets": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": facet_value},
                },
            }
        ),
        "MapResults": _object(
            {
                "located": {"type": "integer", "minimum": 0},
                "zoom": {"type": "integer"},
                "precision": {"type": "integer", "maximum": MAX_TILE_PRECISION},
                "clusters": {
                    "type": "array",
                    "items": _object(
                        {
                            "count": {"type": "integer", "minimum": 1},
                            "center": POINT,
                            "bounds": BOUNDS,
                            "tile": {"type": "string", "pattern": r"^\d+/\d+/\d+$"},
                        }
                    ),
                },
                "points": {
                    "type": "array",
                    "items": _object(
                        {"id": {"type": "string"}, "title": {"type": "string"}, "location": POINT}
                    ),
                },
            }
        ),
        "Suggestions": _object(
            {
                "q": {"type": "string"},
                "places": {"type": "array", "items": _suggestion("place")},
                "themes": {"type": "array", "items": _suggestion("theme")},
                "projects": {"type": "array", "items": _suggestion("project")},
            }
        ),
        "Stats": _object(
            {
                "projects": {"type": "integer", "minimum": 0},
                "contributors": {"type": "integer", "minimum": 0},
                "multi_listed": {"type": "integer", "minimum": 0},
            }
        ),
        "Health": _object(
            {
                "status": {"type": "string", "enum": ["ok"]},
                "engine": {"type": "string"},
                "projects": {"type": "integer", "minimum": 0},
            }
        ),
    }


def _suggestion(kind: str) -> dict[str, Any]:
    fields: dict[str, Any] = {"type": {"const": kind}, "label": {"type": "string"}}
    if kind == "project":
        fields |= {"id": {"type": "string"}, "commune": {"type": "string"}}
    else:
        fields |= {"value": {"type": "string"}, "filter": {"type": "object"}}
    return _object(fields)


def _get(summary: str, parameters: list[dict[str, Any]], ok: dict[str, Any], *errors: int) -> Any:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": ok, **_errors(*errors)},
        }
    }


def _paths() -> dict[str, Any]:
    project_id = {
        "name": "project_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    size = _query("size", "How many.", {"type": "integer", "minimum": 1, "maximum": 40})
    near = [p for p in _filters() if p["name"] in ("near", "radius_km")]
    return {
        "/search": _get(
            "Full-text search with multi-select facets, viewport, distance and paging",
            _search_parameters(),
            _answer("One page of hits with labelled facet counts.", _ref("SearchResults")),
            *COMMON_ERRORS,
        ),
        "/map": _get(
            "The search's located hits as clusters (count, centre, bounds) or single points",
            [
                *_filters(),
                _query(
                    "zoom",
                    "The map's zoom level; clusters use the tile grid at zoom + 2.",
                    {"type": "integer", "minimum": 0, "maximum": params.MAX_ZOOM},
                ),
            ],
            _answer("Clusters, or points when few.", _ref("MapResults")),
            *COMMON_ERRORS,
        ),
        "/suggest": _get(
            "Typed completions: places, themes and project titles",
            [
                _query(
                    "q",
                    "What the user typed so far.",
                    {"type": "string", "minLength": 1, "maxLength": params.MAX_SUGGEST_LENGTH},
                    required=True,
                ),
                _query(
                    "size",
                    "Suggestions per type.",
                    {"type": "integer", "minimum": 1, "maximum": MAX_SUGGEST_SIZE},
                ),
            ],
            _answer("Places, themes and projects.", _ref("Suggestions")),
            *COMMON_ERRORS,
        ),
        "/projects/{project_id}": _get(
            "One project, complete, with per-field provenance",
            [project_id],
            _answer("The project.", _ref("Project")),
            *COMMON_ERRORS,
            404,
        ),
        "/projects/{project_id}/similar": _get(
            "Projects similar in text and themes",
            [project_id, size, *near],
            _answer(
                "Best first.",
                _object({"results": {"type": "array", "items": _ref("Tile")}}),
            ),
            *COMMON_ERRORS,
            404,
        ),
        "/stats": _get(
            "The home counter",
            [],
            _answer("Counts.", _ref("Stats")),
            *COMMON_ERRORS,
        ),
        "/health": _get(
            "Whether the engine answers",
            [],
            _answer("The engine answers.", _ref("Health")),
            *COMMON_ERRORS,
        ),
    }


def _open_data_schemas() -> dict[str, Any]:
    licence = {
        "oneOf": [_object({"name": {"type": "string"}, "url": NULLABLE_STRING}), {"type": "null"}]
    }
    health = {"type": "string", "enum": ["ok", "failing", "never_crawled"]}
    source = _object(
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "homepage": NULLABLE_STRING,
            "logo": NULLABLE_STRING,
            "licence": licence,
            "contact": {
                "type": ["string", "null"],
                "description": "E-mail address for corrections to this contributor's listing.",
            },
            "projects": {"type": "integer", "minimum": 0},
            "last_crawl": NULLABLE_STRING,
            "last_success": NULLABLE_STRING,
            "health": health,
            "failure": NULLABLE_STRING,
        }
    )
    return {"Sources": _object({"sources": {"type": "array", "items": source}})}


def _open_data_paths() -> dict[str, Any]:
    export_format = _query(
        "format",
        "csv (UTF-8, comma, RFC 4180, a `licence` column), json or geojson (RFC 7946).",
        {"type": "string", "enum": list(EXPORT_FORMATS), "default": "csv"},
    )
    streamed = {
        "description": "Every selected project, streamed as an attachment (see the README).",
        "content": {f.media_type.split(";")[0]: {"schema": {}} for f in EXPORT_FORMATS.values()},
    }
    return {
        "/sources": _get(
            "Every contributor: description, licence, project count, crawl health",
            [],
            _answer("By name.", _ref("Sources")),
            *COMMON_ERRORS,
        ),
        "/export": {
            "get": {
                "summary": "Open-data dump of the projects a search selects",
                "parameters": [*_filters(), export_format],
                "responses": {"200": streamed, **_errors(*COMMON_ERRORS)},
            }
        },
    }


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document, built once per process."""
    api_key = {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CIS — Carrefour des innovations sociales, partner API",
            "version": "1",
            "description": (
                "Search French social-innovation projects merged from every contributor site. "
                "Every answer is JSON; every error has the `Error` shape. Anonymous use is "
                "rate-limited per client address; partners send an `X-API-Key` for a higher "
                "limit. Answers carry `RateLimit-*` headers, and cacheable ones an `ETag`."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": {**_schemas(), **_open_data_schemas()},
            "securitySchemes": {"partnerKey": api_key},
        },
        "security": [{}, {"partnerKey": []}],
        "paths": {**_paths(), **_open_data_paths()},
    }
