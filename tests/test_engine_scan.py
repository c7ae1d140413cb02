"""Scan (every hit of a search, streamed) and the home-page counts, on both engines."""

from __future__ import annotations

from dataclasses import replace

from engines import Engine
from engines.base import BBox, IndexStats, SearchRequest
from tests.factories import catalogue, project
from tests.synthetic_projects import synthetic_projects


def walked_ids(engine: Engine, request: SearchRequest) -> list[str]:
    """The ids of every hit, page after page through ``next_after``."""
    found: list[str] = []
    after: tuple[str | float, ...] | None = ()
    while after is not None:
        result = engine.search(replace(request, after=after))
        found += [hit["id"] for hit in result.hits]
        after = result.next_after
    return found


def test_a_scan_yields_every_hit_as_stored_ignoring_paging(engine: Engine) -> None:
    engine.replace_all(catalogue())
    scanned = list(engine.scan(SearchRequest(page=3, size=2)))
    assert sorted(scanned, key=lambda p: p["id"]) == sorted(catalogue(), key=lambda p: p["id"])


def test_a_scan_honours_text_filters_and_viewport_in_search_order(engine: Engine) -> None:
    engine.replace_all(catalogue())
    allier = BBox(south=45.9, west=2.9, north=46.8, east=3.9)
    for request in (
        SearchRequest(text="réparer"),
        SearchRequest(filters={"domain": ("inclusion", "sust_env")}),
        SearchRequest(bbox=allier, filters={"domain": ("sust_env",)}),
        SearchRequest(text="solidaire", bbox=allier),
    ):
        expected = [hit["id"] for hit in engine.search(request).hits]
        assert [p["id"] for p in engine.scan(request)] == expected, request


def test_a_scan_streams_past_its_chunks_in_a_stable_order(engine: Engine) -> None:
    engine.replace_all(synthetic_projects(2_100))
    request = SearchRequest(size=500)
    scanned = [p["id"] for p in engine.scan(request)]
    assert len(set(scanned)) == 2_100
    assert scanned == walked_ids(engine, request)
    texts = [p["id"] for p in engine.scan(SearchRequest(text="jardin"))]
    assert texts == walked_ids(engine, SearchRequest(text="jardin", size=500))


def test_a_scan_of_a_missing_index_is_empty(engine: Engine) -> None:
    assert list(engine.scan(SearchRequest())) == []


def test_stats_count_projects_contributors_and_multi_listed(engine: Engine) -> None:
    assert engine.stats() == IndexStats(projects=0, contributors=0, multi_listed=0)
    engine.replace_all(catalogue())  # avise, semeoz, solidarum; only the épicerie twice
    assert engine.stats() == IndexStats(projects=8, contributors=3, multi_listed=1)
    engine.apply_changes(
        [
            project("p-twice", "Deux fois", sources=["mot", "avise"]),
            project("p-same", "Une source répétée", sources=["carasso", "carasso"]),
        ],
        ["p-epicerie"],
    )
    assert engine.stats() == IndexStats(projects=9, contributors=4, multi_listed=1)
