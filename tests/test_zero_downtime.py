"""A full rebuild never disturbs searches: no error, no empty or half-built index seen."""

from __future__ import annotations

import threading

from benchmarks.synthetic_projects import synthetic_projects
from cis.engines import Engine
from cis.engines.base import SearchRequest

COUNT = 5_000


def test_searches_during_a_rebuild_see_the_old_or_the_new_index_whole(engine: Engine) -> None:
    engine.replace_all(synthetic_projects(COUNT, seed=1))
    totals: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def search_in_a_loop() -> None:
        while not done.is_set():
            try:
                totals.append(engine.search(SearchRequest(size=1, facets=("domain",))).total)
            except BaseException as error:  # every failure is the finding
                errors.append(error)

    searcher = threading.Thread(target=search_in_a_loop)
    searcher.start()
    try:
        engine.replace_all(synthetic_projects(COUNT, seed=2))
        engine.replace_all(synthetic_projects(COUNT, seed=3))
    finally:
        done.set()
        searcher.join()
    assert errors == []
    assert len(totals) > 10
    assert set(totals) == {COUNT}
