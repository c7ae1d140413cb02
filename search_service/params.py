"""Validation of search parameters at the boundary: query string in, SearchRequest out.

Every rule names the parameter it checks, so a partner reading a 400 knows what to fix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from werkzeug.datastructures import MultiDict

from cis.facets import DEFAULT_FACETS, FACETS_BY_NAME
from engines.base import SORTS, BBox, GeoPoint, SearchRequest, Sort
from mappings import result_window
from search_service.cursors import CursorSigner
from search_service.errors import BadParameter

T = TypeVar("T")

MAX_QUERY_LENGTH = 500
MAX_SIZE = 100
DEFAULT_SIZE = 40
MAX_VALUES_PER_FACET = 50
MAX_RADIUS_KM = 1000.0
MAX_SUGGEST_LENGTH = 100
MAX_ZOOM = 20
SEARCH_PARAMETERS = frozenset(
    {"q", "literal", "page", "size", "bbox", "facets", "cursor", "near", "radius_km", "sort"}
    | set(FACETS_BY_NAME)
)
# Numbers as clients write them: ASCII only, no NaN, inf, "1_000" or padding (float() takes
# all of those, and Unicode digits too). Published in the OpenAPI document as patterns.
NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
# An empty value means the parameter is absent (forms send their empty fields).
POINT_PATTERN = rf"^(?:{NUMBER},{NUMBER})?$"
BBOX_PATTERN = rf"^(?:{NUMBER},{NUMBER},{NUMBER},{NUMBER})?$"
START_CURSOR = "*"
# Endpoints built on search take its filters and a few parameters of their own.
FILTER_PARAMETERS = frozenset({"q", "literal", "bbox", "near", "radius_km", *FACETS_BY_NAME})
MAP_PARAMETERS = FILTER_PARAMETERS | {"zoom"}
SIMILAR_PARAMETERS = frozenset({"size", "near", "radius_km"})
SUGGEST_PARAMETERS = frozenset({"q", "size"})


def parse_search_args(
    args: MultiDict[str, str], cursors: CursorSigner, also: frozenset[str] = frozenset()
) -> SearchRequest:
    """Build the SearchRequest a query string asks for, or raise BadParameter.

    ``also`` names the extra parameters of an endpoint built on search (map, export),
    which that endpoint reads itself.
    """
    refuse_unknown(args, SEARCH_PARAMETERS | also)
    text = args.get("q", "")
    if len(text) > MAX_QUERY_LENGTH:
        raise BadParameter(f"q is longer than {MAX_QUERY_LENGTH} characters", parameter="q")
    # Plain paging stops at the result window; deeper walks take a cursor.
    window = result_window()
    page = bounded_int(args, "page", default=1, low=1, high=window)
    size = bounded_int(args, "size", default=DEFAULT_SIZE, low=1, high=MAX_SIZE)
    if "cursor" in args and "page" in args:
        raise BadParameter("give either page or cursor, not both", parameter="cursor")
    if page * size > window:
        raise BadParameter(
            f"page * size must stay within {window}: narrow the search", parameter="page"
        )
    near, radius_km = parse_near(args)
    request = SearchRequest(
        text=text,
        filters=_facet_filters(args),
        bbox=optional(args, "bbox", parse_bbox),
        page=page,
        size=size,
        facets=optional(args, "facets", parse_facet_names) or DEFAULT_FACETS,
        near=near,
        radius_km=radius_km,
        sort=_sort(args, near),
    )
    raw_cursor = args.get("cursor")
    if raw_cursor is None or raw_cursor == "":
        return request
    if raw_cursor == START_CURSOR:
        return replace(request, after=())
    after = optional(args, "cursor", lambda raw: cursors.decode(raw, request))
    return replace(request, after=after)


def refuse_unknown(args: MultiDict[str, str], known: frozenset[str]) -> None:
    """Raise BadParameter naming the first parameter not in ``known``."""
    if unknown := sorted(set(args) - known):
        names = ", ".join(sorted(known))
        raise BadParameter(
            f"unknown parameter {unknown[0]!r}; known: {names}", parameter=unknown[0]
        )


def parse_near(args: MultiDict[str, str]) -> tuple[GeoPoint | None, float | None]:
    """``near=lat,lon`` and ``radius_km`` (which needs ``near``)."""
    near = optional(args, "near", parse_point)
    radius_km = optional(args, "radius_km", parse_radius)
    if radius_km is not None and near is None:
        raise BadParameter("radius_km needs near=lat,lon", parameter="radius_km")
    return near, radius_km


def _sort(args: MultiDict[str, str], near: GeoPoint | None) -> Sort:
    raw = args.get("sort") or "relevance"
    if raw not in SORTS:
        raise BadParameter(
            f"sort must be one of {', '.join(SORTS)}, got {raw[:40]!r}", parameter="sort"
        )
    if raw == "distance" and near is None:
        raise BadParameter("sort=distance needs near=lat,lon", parameter="sort")
    return raw


def bounded_int(args: MultiDict[str, str], name: str, *, default: int, low: int, high: int) -> int:
    """``args[name]`` as a whole number within [low, high], or ``default`` when absent."""
    raw = args.get(name)
    if raw is None:
        return default
    # ASCII digits only: str.isdigit also accepts "²" and other digits int() refuses.
    if not (raw.isascii() and raw.isdecimal()) or not low <= int(raw) <= high:
        raise BadParameter(
            f"{name} must be a whole number from {low} to {high}, got {raw!r}", parameter=name
        )
    return int(raw)


FLAGS = {"": False, "false": False, "0": False, "true": True, "1": True}


def parse_flag(args: MultiDict[str, str], name: str) -> bool:
    """``true``/``1`` or ``false``/``0`` (absent or empty: false)."""
    raw = args.get(name, "")
    if raw not in FLAGS:
        raise BadParameter(f"{name} must be true or false, got {raw[:40]!r}", parameter=name)
    return FLAGS[raw]


def listed_values(args: MultiDict[str, str], name: str) -> list[str]:
    """Every value of ``name``: repeated (``domain=a&domain=b``) or comma-listed (``a,b``)."""
    return [v.strip() for raw in args.getlist(name) for v in raw.split(",") if v.strip()]


def _facet_filters(args: MultiDict[str, str]) -> dict[str, tuple[str, ...]]:
    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS_BY_NAME:
        values = listed_values(args, facet)
        if len(values) > MAX_VALUES_PER_FACET:
            raise BadParameter(
                f"{facet} takes at most {MAX_VALUES_PER_FACET} values", parameter=facet
            )
        if values:
            filters[facet] = tuple(dict.fromkeys(values))
    return filters


def optional(args: MultiDict[str, str], name: str, parse: Callable[[str], T]) -> T | None:
    """``parse(args[name])``, None when absent or empty; a ValueError becomes a 400."""
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse(raw)
    except ValueError as error:
        raise BadParameter(f"{name}: {error}", parameter=name) from error


def parse_bbox(raw: str) -> BBox:
    """``west,south,east,north`` in degrees (GeoJSON order) → BBox."""
    parts = raw.split(",")
    if len(parts) != 4:
        raise ValueError(f"expected west,south,east,north, got {raw!r}")
    west, south, east, north = (_finite(p) for p in parts)
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise ValueError(f"coordinates out of range or south > north in {raw!r}")
    return BBox(south=south, west=west, north=north, east=east)


def _finite(text: str) -> float:
    if not re.fullmatch(NUMBER, text):
        raise ValueError(f"{text[:40]!r} is not a decimal number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]!r} is not a finite number")
    return value


def parse_point(raw: str) -> GeoPoint:
    """``lat,lon`` in degrees → GeoPoint."""
    parts = raw.split(",")
    if len(parts) != 2:
        raise ValueError(f"expected lat,lon, got {raw[:60]!r}")
    lat, lon = (_finite(p) for p in parts)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"latitude must be within ±90 and longitude within ±180 in {raw!r}")
    return GeoPoint(lat=lat, lon=lon)


def parse_radius(raw: str) -> float:
    """A radius in km, above 0 and at most MAX_RADIUS_KM."""
    radius = _finite(raw)
    if not 0 < radius <= MAX_RADIUS_KM:
        raise ValueError(f"must be above 0 and at most {MAX_RADIUS_KM:g} km, got {raw[:40]!r}")
    return radius


def parse_facet_names(raw: str) -> tuple[str, ...]:
    """Comma-separated facet names to count, each one known."""
    names = tuple(n.strip() for n in raw.split(",") if n.strip())
    if unknown := [n for n in names if n not in FACETS_BY_NAME]:
        raise ValueError(f"unknown facet {unknown[0]!r}; known: {', '.join(FACETS_BY_NAME)}")
    return names
