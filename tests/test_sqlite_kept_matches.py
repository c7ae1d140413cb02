"""The embedded engine answers pages from kept matches and counts facets with bitmaps.

Specification: whatever a search is served from (its kept matches narrowed by bitmaps, or
the SQL path of temporary tables and a keyset page), the answer is the same: hits in the
same order, the same total, the same facet counts and the same cursor; a write makes every
reader drop what it kept; what is kept stays within its budget, computed once per key.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from engines.base import BBox, GeoPoint, MapRequest, SearchRequest
from engines.sqlite.engine import SqliteEngine
from engines.sqlite.kept import Kept
from engines.sqlite.reads import _search_sql
from tests.factories import project
from tests.synthetic_projects import synthetic_projects

ALL_FACETS = ("domain", "public", "method", "code", "source", "region", "departement")
REQUESTS = [
    SearchRequest(facets=ALL_FACETS),
    SearchRequest(text="jardin partagé", facets=ALL_FACETS),
    SearchRequest(text="jardin partagé", page=2, size=7, facets=ALL_FACETS),
    SearchRequest(text="épicerie solidaire", filters={"domain": ("inclusion",)}),
    SearchRequest(text="insertion jeunes", filters={"region": ("84",), "source": ("avise", "mot")}),
    SearchRequest(text="vélo", bbox=BBox(south=45.0, west=2.0, north=47.0, east=5.0)),
    SearchRequest(text="atelier", near=GeoPoint(46.56, 3.33), radius_km=60.0),
    SearchRequest(text="culture", sort="recent", size=5),
    SearchRequest(filters={"departement": ("03", "35")}, sort="title", page=3, size=4),
    SearchRequest(text="atelier", filters={"commune": ("03190", "35238")}, facets=ALL_FACETS),
    SearchRequest(text="repair café", size=0, facets=()),
    SearchRequest(text="introuvablissime"),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> SqliteEngine:
    built = SqliteEngine(tmp_path_factory.mktemp("kept") / "cis.sqlite3")
    built.replace_all(synthetic_projects(600))
    return built


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.text or 'browse'}-{r.sort}")
def test_kept_matches_answer_as_the_sql_path_does(
    engine: SqliteEngine, request_: SearchRequest
) -> None:
    served = engine.search(request_)
    again = engine.search(request_)  # from what the first one kept
    with engine._reader() as conn:
        assert conn is not None
        by_sql = _search_sql(conn, request_, engine.bitmaps.of(conn))
    assert served == again == by_sql


def test_a_cursor_from_a_kept_page_resumes_where_the_sql_path_resumes(
    engine: SqliteEngine,
) -> None:
    first = engine.search(SearchRequest(text="jardin", size=10))
    assert first.next_after is not None
    walked = engine.search(SearchRequest(text="jardin", size=10, after=first.next_after))
    paged = engine.search(SearchRequest(text="jardin", size=10, page=2))
    assert [p["id"] for p in walked.hits] == [p["id"] for p in paged.hits]


def test_a_write_makes_readers_drop_what_they_kept(tmp_path: Path) -> None:
    engine = SqliteEngine(tmp_path / "cis.sqlite3")
    engine.replace_all([project("p-one", "Jardin partagé", domains=["sust_env"])])
    asked = SearchRequest(text="jardin", facets=("domain",))
    assert engine.search(asked).total == engine.map(MapRequest(asked)).located == 1
    engine.apply_changes([project("p-two", "Jardin des voisins", domains=["habitat"])], [])
    after = engine.search(asked)
    assert {p["id"] for p in after.hits} == {"p-one", "p-two"}
    assert {c.value: c.count for c in after.facets["domain"]} == {"sust_env": 1, "habitat": 1}
    assert [p.id for p in engine.map(MapRequest(asked)).points] == ["p-one", "p-two"]


def test_what_is_kept_stays_within_its_budget() -> None:
    kept, computed = Kept(budget_bytes=100), []

    def answer(key: str) -> str:
        computed.append(key)
        return key.upper()

    for key in ("a", "b", "c", "b"):  # 40 bytes each: two fit
        assert kept.get(key, lambda key=key: answer(key), lambda _: 40) == key.upper()
    assert computed == ["a", "b", "c"] and len(kept) == 2  # "a" went first; "b" was kept


def test_threads_asking_for_one_answer_at_once_compute_it_once() -> None:
    kept, started, release = Kept(), threading.Event(), threading.Event()
    computed: list[int] = []

    def slow() -> int:
        computed.append(1)
        started.set()
        release.wait(timeout=30)
        return 42

    threads = [threading.Thread(target=kept.get, args=("k", slow, lambda _: 8)) for _ in range(4)]
    threads[0].start()
    assert started.wait(timeout=30)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert computed == [1] and kept.get("k", slow, lambda _: 8) == 42


def test_a_facet_of_thousands_of_values_is_counted_by_sql_with_the_same_answer(
    engine: SqliteEngine,
) -> None:
    asked = SearchRequest(text="atelier", facets=("commune", "domain"))
    with_commune = engine.search(asked)
    without = engine.search(replace(asked, facets=("domain",)))
    assert with_commune.facets["domain"] == without.facets["domain"]
    assert sum(c.count for c in with_commune.facets["commune"]) == with_commune.total
