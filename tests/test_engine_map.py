"""The map: points when few, tile clusters when many, the same cells on both engines."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from cis.records import Project
from engines import Engine
from engines.base import BBox, GeoPoint, MapRequest, SearchRequest
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from engines.tiles import tile_key, tile_of
from tests.factories import POINTS, catalogue, project

LOCATED = sorted(p["id"] for p in catalogue() if p["location"])


def spread_over_france(count: int, seed: int = 13) -> list[Project]:
    """``count`` projects at random points of mainland France, a few without a point."""
    rng = random.Random(seed)
    return [
        project(
            f"p-{n:04d}",
            f"Projet {n}",
            domains=[rng.choice(["inclusion", "sust_env"])],
            location=(
                None
                if n % 50 == 0
                else {"lat": rng.uniform(42.4, 51.0), "lon": rng.uniform(-4.7, 8.1)}
            ),
        )
        for n in range(count)
    ]


def located_tiles(projects: list[Project], precision: int) -> Counter[str]:
    """How many located projects fall in each tile: what the clusters must count."""
    return Counter(
        tile_key(precision, *tile_of(p["location"]["lat"], p["location"]["lon"], precision))
        for p in projects
        if p["location"]
    )


def test_few_located_hits_come_back_as_points(engine: Engine) -> None:
    engine.replace_all(catalogue())
    result = engine.map(MapRequest(SearchRequest(), zoom=5, max_points=7))
    assert (result.located, result.clusters) == (7, [])  # the tiers-lieu has no point
    assert [point.id for point in result.points] == LOCATED
    fle = next(point for point in result.points if point.id == "p-fle")
    assert (fle.title, fle.location) == (
        "Cours de français pour migrants",
        GeoPoint(*POINTS["35238"]),
    )


def test_many_located_hits_come_back_as_clusters_per_tile(engine: Engine) -> None:
    engine.replace_all(catalogue())
    result = engine.map(MapRequest(SearchRequest(), zoom=8, max_points=6))
    assert result.located == 7 and result.points == []
    assert {c.tile: c.count for c in result.clusters} == located_tiles(catalogue(), 10)
    assert [c.count for c in result.clusters] == [3, 2, 2]  # most populated first
    moulins = result.clusters[0]
    assert moulins.center.lat == pytest.approx(POINTS["03190"][0], abs=1e-6)
    assert moulins.bounds.west == pytest.approx(POINTS["03190"][1], abs=1e-6)


def test_the_map_honours_text_selections_viewport_and_radius(engine: Engine) -> None:
    engine.replace_all(catalogue())

    def located(**search: object) -> list[str]:
        result = engine.map(MapRequest(SearchRequest(**search)))  # type: ignore[arg-type]
        return [point.id for point in result.points]

    assert located(text="repair") == ["p-repair-moulins", "p-repair-rennes"]
    assert located(filters={"domain": ("sust_env",), "region": ("84",)}) == [
        "p-jardin",
        "p-repair-moulins",
    ]
    assert located(bbox=BBox(south=47.5, west=-2.5, north=48.5, east=-1.0)) == [
        "p-fle",
        "p-repair-rennes",
    ]
    assert located(near=GeoPoint(*POINTS["03310"]), radius_km=5) == ["p-atelier", "p-jardin"]


def test_no_hit_no_point_no_cluster(engine: Engine) -> None:
    assert engine.map(MapRequest(SearchRequest())).located == 0
    engine.replace_all(catalogue())
    result = engine.map(MapRequest(SearchRequest(text="introuvable"), max_points=0))
    assert (result.located, result.clusters, result.points) == (0, [], [])


@pytest.mark.parametrize("zoom", [0, 3, 5, 8, 11, 16, 20])
def test_both_engines_draw_the_same_clusters(
    sqlite_engine: SqliteEngine, es_engine: ElasticsearchEngine, zoom: int
) -> None:
    projects = spread_over_france(400)
    for engine in (sqlite_engine, es_engine):
        engine.replace_all(projects)
    request = MapRequest(
        SearchRequest(filters={"domain": ("inclusion",)}), zoom=zoom, max_points=10
    )
    on_sqlite, on_es = sqlite_engine.map(request), es_engine.map(request)
    inclusion = [p for p in projects if p["domains"] == ["inclusion"]]
    assert on_sqlite.located == on_es.located == sum(1 for p in inclusion if p["location"])
    assert [(c.tile, c.count) for c in on_sqlite.clusters] == [
        (c.tile, c.count) for c in on_es.clusters
    ]
    assert Counter({c.tile: c.count for c in on_es.clusters}) == located_tiles(
        inclusion, request.precision
    )
    for mine, theirs in zip(on_sqlite.clusters, on_es.clusters, strict=True):
        # Elasticsearch reads points as indexed, to 1e-7 degree: a centimetre apart.
        assert mine.center.lat == pytest.approx(theirs.center.lat, abs=1e-6)
        assert mine.center.lon == pytest.approx(theirs.center.lon, abs=1e-6)
        for edge in ("south", "west", "north", "east"):
            assert getattr(mine.bounds, edge) == pytest.approx(
                getattr(theirs.bounds, edge), abs=1e-6
            )


def test_a_viewport_bounds_the_clusters_alike(
    sqlite_engine: SqliteEngine, es_engine: ElasticsearchEngine
) -> None:
    projects = spread_over_france(400)
    for engine in (sqlite_engine, es_engine):
        engine.replace_all(projects)
    brittany = BBox(south=47.0, west=-4.8, north=49.0, east=-1.0)
    request = MapRequest(SearchRequest(bbox=brittany), zoom=6, max_points=5)
    cells = [
        [(c.tile, c.count) for c in e.map(request).clusters] for e in (sqlite_engine, es_engine)
    ]
    assert cells[0] == cells[1] and sum(n for _, n in cells[0]) > 5
