"""Validation of search parameters at the boundary: query string in, SearchRequest out.

Every rule names the parameter it checks, so a partner reading a 400 knows what to fix.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import TypeVar

from werkzeug.datastructures import MultiDict

from cis.facets import FACETS_BY_NAME
from engines.base import BBox, SearchRequest
from mappings import result_window
from search_service.errors import BadParameter

T = TypeVar("T")

MAX_QUERY_LENGTH = 500
MAX_SIZE = 100
DEFAULT_SIZE = 40
MAX_VALUES_PER_FACET = 50
SEARCH_PARAMETERS = frozenset({"q", "page", "size", "bbox", "facets", "cursor", *FACETS_BY_NAME})
START_CURSOR = "*"


def parse_search_args(
    args: MultiDict[str, str], allowed: frozenset[str] = SEARCH_PARAMETERS
) -> SearchRequest:
    """Build the SearchRequest a query string asks for, or raise BadParameter.

    ``allowed``: the parameter names the endpoint takes (others are a 400); an endpoint
    with parameters of its own adds them, and may leave out paging it does not do.
    """
    if unknown := sorted(set(args) - allowed):
        known = ", ".join(sorted(allowed))
        raise BadParameter(
            f"unknown parameter {unknown[0]!r}; known: {known}", parameter=unknown[0]
        )
    text = args.get("q", "")
    if len(text) > MAX_QUERY_LENGTH:
        raise BadParameter(f"q is longer than {MAX_QUERY_LENGTH} characters", parameter="q")
    # Plain paging stops at the result window; deeper walks take a cursor.
    window = result_window()
    page = _bounded_int(args, "page", default=1, low=1, high=window)
    size = _bounded_int(args, "size", default=DEFAULT_SIZE, low=1, high=MAX_SIZE)
    if "cursor" in args and "page" in args:
        raise BadParameter("give either page or cursor, not both", parameter="cursor")
    if page * size > window:
        raise BadParameter(
            f"page * size must stay within {window}: narrow the search", parameter="page"
        )
    return SearchRequest(
        text=text,
        filters=_facet_filters(args),
        bbox=_optional(args, "bbox", parse_bbox),
        page=page,
        size=size,
        facets=_optional(args, "facets", parse_facet_names) or tuple(FACETS_BY_NAME),
        after=_optional(args, "cursor", decode_cursor),
    )


def _bounded_int(args: MultiDict[str, str], name: str, *, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    # ASCII digits only: str.isdigit also accepts "²" and other digits int() refuses.
    if not (raw.isascii() and raw.isdecimal()) or not low <= int(raw) <= high:
        raise BadParameter(
            f"{name} must be a whole number from {low} to {high}, got {raw!r}", parameter=name
        )
    return int(raw)


def _facet_filters(args: MultiDict[str, str]) -> dict[str, tuple[str, ...]]:
    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS_BY_NAME:
        values = [v.strip() for raw in args.getlist(facet) for v in raw.split(",") if v.strip()]
        if len(values) > MAX_VALUES_PER_FACET:
            raise BadParameter(
                f"{facet} takes at most {MAX_VALUES_PER_FACET} values", parameter=facet
            )
        if values:
            filters[facet] = tuple(dict.fromkeys(values))
    return filters


def _optional(args: MultiDict[str, str], name: str, parse: Callable[[str], T]) -> T | None:
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
    west, south, east, north = (float(p) for p in parts)
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise ValueError(f"coordinates out of range or south > north in {raw!r}")
    return BBox(south=south, west=west, north=north, east=east)


def encode_cursor(after: tuple[str | float, ...]) -> str:
    """The opaque ``cursor`` value that continues after a sort position."""
    return base64.urlsafe_b64encode(json.dumps(list(after)).encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> tuple[str | float, ...]:
    """A sort position from a ``cursor`` value; ``*`` starts a walk from the top."""
    if raw == START_CURSOR:
        return ()
    try:
        after = json.loads(
            base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), parse_constant=_no_constant
        )
    except (ValueError, binascii.Error):
        after = None
    if not (isinstance(after, list) and 0 < len(after) <= 3 and all(map(_sort_value, after))):
        raise ValueError(f"not a cursor this API gave out: {raw[:40]!r}; start with cursor=*")
    return tuple(after)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is no sort value")


def _sort_value(value: object) -> bool:
    """Whether ``value`` can be a sort position the engines gave: a finite number or text."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) < 2**53
    if isinstance(value, float):
        return abs(value) < 1e300
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # a lone surrogate cannot be sent on to an engine
        except UnicodeEncodeError:
            return False
        return len(value) <= 2_000
    return False


def parse_facet_names(raw: str) -> tuple[str, ...]:
    """Comma-separated facet names to count, each one known."""
    names = tuple(n.strip() for n in raw.split(",") if n.strip())
    if unknown := [n for n in names if n not in FACETS_BY_NAME]:
        raise ValueError(f"unknown facet {unknown[0]!r}; known: {', '.join(FACETS_BY_NAME)}")
    return names
