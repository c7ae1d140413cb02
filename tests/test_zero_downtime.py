"""A full rebuild never disturbs searches: no error, no empty or half-built index seen."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cis_devtools.fixture_sites.corpus import write_raw_store
from engines import Engine
from engines.base import SearchRequest
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from search_service import create_app
from tests.synthetic_projects import synthetic_projects

pytestmark = pytest.mark.slow

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


def test_searches_during_cis_reindex_never_fail_nor_drop(
    engine: Engine, es_url: str, tmp_path: Path
) -> None:
    """`cis reindex` in its own process, while the API answers searches in a loop."""
    write_raw_store(tmp_path / "raw", projects=1_500)
    env = {**os.environ, "CIS_DATA_DIR": str(tmp_path), "CIS_ELASTICSEARCH_URL": ""}
    if isinstance(engine, ElasticsearchEngine):
        env |= {"CIS_ELASTICSEARCH_URL": es_url, "CIS_INDEX_ALIAS": engine.alias}
    else:
        engine = SqliteEngine(tmp_path / "cis.sqlite3")
    reindex = [sys.executable, "-m", "cis_cli.main", "reindex"]
    subprocess.run(reindex, env=env, check=True, capture_output=True, timeout=300)
    client = create_app(engine=engine).test_client()
    expected = client.get("/api/v1/search?size=1").get_json()["total"]
    statuses: list[int] = []
    totals: set[int] = set()
    rebuilding = subprocess.Popen(
        reindex, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while rebuilding.poll() is None:
        response = client.get("/api/v1/search?q=jardin&size=1")
        statuses.append(response.status_code)
        totals.add(client.get("/api/v1/search?size=1").get_json()["total"])
    assert rebuilding.returncode == 0
    assert expected > 1_000
    assert len(statuses) > 10 and set(statuses) == {200}
    assert totals == {expected}
