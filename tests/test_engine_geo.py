"""Near a point: distances, radius, and every sort with its cursors, on both engines."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engines import Engine
from engines.base import SORTS, GeoPoint, InvalidCursor, SearchRequest
from tests.factories import POINTS, catalogue, project

MOULINS = GeoPoint(*POINTS["03190"])
RENNES = GeoPoint(*POINTS["35238"])
# Moulins–Vichy 49.1 km, Moulins–Rennes 414.9 km, Rennes–Vichy 444.7 km (great circle).
FROM_MOULINS = {
    "p-epicerie": 0.0,
    "p-repair-moulins": 0.0,
    "p-seniors": 0.0,
    "p-jardin": 49.1,
    "p-atelier": 49.1,
    "p-repair-rennes": 414.9,
    "p-fle": 414.9,
    "p-desc-only": None,
}


def ids(engine: Engine, **request: object) -> list[str]:
    return [hit["id"] for hit in engine.search(SearchRequest(**request)).hits]  # type: ignore[arg-type]


def walked(engine: Engine, request: SearchRequest) -> list[str]:
    """Every hit's id, two at a time through ``next_after``."""
    found: list[str] = []
    after: tuple[str | float, ...] | None = ()
    while after is not None:
        result = engine.search(replace(request, size=2, after=after))
        found += [hit["id"] for hit in result.hits]
        after = result.next_after
    return found


def test_with_near_every_hit_gets_its_distance_in_km(engine: Engine) -> None:
    engine.replace_all(catalogue())
    result = engine.search(SearchRequest(near=MOULINS, size=100))
    assert result.distances_km is not None
    distances = dict(zip((h["id"] for h in result.hits), result.distances_km, strict=True))
    assert distances == FROM_MOULINS
    assert engine.search(SearchRequest(size=100)).distances_km is None


def test_a_radius_keeps_only_projects_within_it(engine: Engine) -> None:
    engine.replace_all(catalogue())
    assert sorted(ids(engine, near=MOULINS, radius_km=10)) == [
        "p-epicerie",
        "p-repair-moulins",
        "p-seniors",
    ]
    assert sorted(ids(engine, near=MOULINS, radius_km=50)) == sorted(
        pid for pid, km in FROM_MOULINS.items() if km is not None and km <= 50
    )
    assert ids(engine, near=MOULINS, radius_km=49.0) == ids(engine, near=MOULINS, radius_km=10)
    assert ids(engine, near=MOULINS, radius_km=500, text="repair") == [
        "p-repair-moulins",
        "p-repair-rennes",
    ]
    assert ids(engine, near=RENNES, radius_km=400, text="repair") == ["p-repair-rennes"]


def test_a_radius_narrows_facet_counts_and_totals(engine: Engine) -> None:
    engine.replace_all(catalogue())
    result = engine.search(SearchRequest(near=RENNES, radius_km=100))
    assert result.total == 2
    assert {c.value: c.count for c in result.facets["domain"]} == {
        "employment": 1,
        "inclusion": 1,
        "sust_env": 1,
    }


def test_a_radius_without_near_restricts_nothing(engine: Engine) -> None:
    engine.replace_all(catalogue())
    assert engine.search(SearchRequest(radius_km=1)).total == 8


def test_distance_order_is_nearest_first_then_id_unlocated_last(engine: Engine) -> None:
    engine.replace_all(catalogue())
    assert ids(engine, near=RENNES, sort="distance", size=100) == [
        "p-fle",
        "p-repair-rennes",
        "p-epicerie",
        "p-repair-moulins",
        "p-seniors",
        "p-atelier",
        "p-jardin",
        "p-desc-only",
    ]
    assert ids(engine, near=MOULINS, sort="distance", text="repair") == [
        "p-repair-moulins",
        "p-repair-rennes",
    ]


def test_distance_order_without_near_falls_back_to_relevance(engine: Engine) -> None:
    engine.replace_all(catalogue())
    assert ids(engine, sort="distance", size=100) == ids(engine, size=100)


def test_recent_order_is_newest_listing_first_then_id(engine: Engine) -> None:
    dates = {
        "p-jardin": "2026-03-01T10:00:00+00:00",
        "p-atelier": "2026-03-01T10:00:00Z",  # the same instant: the id decides
        "p-fle": "2026-03-01T11:30:00+02:00",  # 09:30 UTC: older, though "11:30" reads later
    }
    engine.replace_all(
        project(p["id"], p["title"], first_seen=dates.get(p["id"], "2025-01-01T00:00:00+00:00"))
        for p in catalogue()
    )
    ordered = ids(engine, sort="recent", size=100)
    assert ordered[:3] == ["p-atelier", "p-jardin", "p-fle"]
    assert ordered[3:] == sorted(ordered[3:])


def test_title_order_ignores_the_score(engine: Engine) -> None:
    agenda = project("p-agenda", "Agenda culturel", summary="Sorties à Moulins.", address={})
    engine.replace_all([*catalogue(), agenda])
    by_title = ["p-agenda", "p-epicerie", "p-repair-moulins", "p-desc-only", "p-seniors"]
    assert ids(engine, text="moulins", sort="title") == by_title
    in_title = {"p-epicerie", "p-repair-moulins"}
    assert set(ids(engine, text="moulins")[:2]) == in_title  # the score ranks these first


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("text", ["", "réparer"])
def test_cursors_walk_every_order_without_gap_or_repeat(
    engine: Engine, sort: str, text: str
) -> None:
    engine.replace_all(catalogue())
    request = SearchRequest(text=text, near=RENNES, sort=sort, size=100)  # type: ignore[arg-type]
    assert walked(engine, request) == [hit["id"] for hit in engine.search(request).hits]


def test_a_scan_honours_radius_and_distance_order(engine: Engine) -> None:
    engine.replace_all(catalogue())
    request = SearchRequest(near=MOULINS, radius_km=60, sort="distance")
    assert [p["id"] for p in engine.scan(request)] == ids(
        engine, near=MOULINS, radius_km=60, sort="distance"
    )


@pytest.mark.parametrize("sort", SORTS)
def test_a_cursor_of_another_width_is_refused(engine: Engine, sort: str) -> None:
    engine.replace_all(catalogue())
    request = SearchRequest(text="réparer", near=RENNES, sort=sort, size=1)  # type: ignore[arg-type]
    cursor = engine.search(request).next_after
    assert cursor is not None
    with pytest.raises(InvalidCursor):
        engine.search(replace(request, after=(*cursor, "extra")))
