"""What each engine does when it cannot serve: a clear EngineUnavailable, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from cis_devtools.localnode.node import free_port
from engines import EngineUnavailable
from engines.base import SearchRequest
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from tests.factories import catalogue, project


def test_unreachable_elasticsearch_is_unavailable_not_a_crash() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    engine = ElasticsearchEngine.connect(url, alias="cis-test")
    with pytest.raises(EngineUnavailable, match=url):
        engine.health()
    with pytest.raises(EngineUnavailable):
        engine.search(SearchRequest(text="jardin"))


def test_a_failed_rebuild_leaves_the_live_index_untouched(
    engine_kind_pair: tuple[str, object],
) -> None:
    engine = engine_kind_pair[1]

    def broken_feed():  # type: ignore[no-untyped-def]
        yield project("p-half", "À moitié chargé")
        raise RuntimeError("crawl store read failed")

    engine.replace_all(catalogue())  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError):
        engine.replace_all(broken_feed())  # type: ignore[attr-defined]
    assert engine.count() == 8  # type: ignore[attr-defined]
    assert engine.get("p-half") is None  # type: ignore[attr-defined]


@pytest.fixture(params=["sqlite", "elasticsearch"])
def engine_kind_pair(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, object]:
    if request.param == "sqlite":
        return ("sqlite", SqliteEngine(tmp_path / "cis.sqlite3"))
    return ("elasticsearch", request.getfixturevalue("es_engine"))
