"""How the embedded engine orders hits, and where a cursor resumes (keyset paging).

Every order is a few ascending SQL expressions ending on a unique one, so a cursor is
those values for the last hit and the next page starts at the first row above them
(one row-value comparison, which an index on the same columns can serve).
"""

from __future__ import annotations

from dataclasses import dataclass

from engines.base import SearchRequest, effective_sort

# Sort value of a project without a point in a distance order: after any distance on
# Earth (at most ~20,016 km), and a finite number an API cursor can carry.
UNLOCATED_KM = 1e6


@dataclass(frozen=True)
class Order:
    """Ascending sort expressions over ``r`` (matched rows) and ``s`` (their projects row)."""

    columns: tuple[str, ...]
    params: tuple[object, ...] = ()  # of the expressions, in order


def order_of(request: SearchRequest, s: str) -> Order:
    """The order of ``request``'s hits, ``s`` naming the ``projects`` row of each."""
    near = request.near
    match effective_sort(request):
        case "relevance" if request.concepts:
            return Order(("r.rank", f"{s}.sort_key"))  # bm25: lower is better
        case "distance" if near is not None:
            distance = f"ifnull(distance_km({s}.lat, {s}.lon, ?, ?), {UNLOCATED_KM})"
            return Order((distance, f"{s}.id"), (near.lat, near.lon))
        case "recent":
            return Order((f"{s}.recent_key", f"{s}.id"))
        case _:
            return Order((f"{s}.sort_key",))  # the title, then the id


def cursor_width(request: SearchRequest) -> int:
    """How many values a cursor of ``request``'s order holds."""
    return len(order_of(request, "s").columns)
