"""Shared fixtures: a real Elasticsearch node for the session, and both engines.

The node comes from CIS_ELASTICSEARCH_URL when set, else `cis es` machinery starts
one (JDK + Maven needed). If it cannot start, the tests that need it ERROR: they are
never skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cis.settings import Settings
from cis_devtools.localnode.node import LocalNode
from cis_devtools.servers.redis_server import RedisServer
from engines import Engine
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine

ENGINES = ["sqlite", "elasticsearch"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on the real node, so ``-m "not elasticsearch"`` can skip them."""
    for item in items:
        needs_node = "es_url" in getattr(item, "fixturenames", ())
        if needs_node or "[elasticsearch" in item.name:
            item.add_marker(pytest.mark.elasticsearch)


@pytest.fixture(scope="session", autouse=True)
def test_session_settings() -> Iterator[None]:
    """Settings every app built by the tests starts from, unless a test names its own.

    A fixed cursor key, so that no key is written into the checkout; and an anonymous rate
    limit no functional test can reach (crash and reindex tests search in a loop): the
    rate-limit tests set the limits they check.
    """
    os.environ.setdefault("CIS_SECRET_KEY", "tests-only-cursor-key")
    os.environ.setdefault("CIS_RATE_LIMIT_ANONYMOUS", "1000000/minute")
    yield


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    """URL of a real, green Elasticsearch for this test session."""
    if url := os.environ.get("CIS_ELASTICSEARCH_URL"):
        yield url
        return
    node = LocalNode(Settings.from_env(os.environ, es_port=0), name=f"pytest-{os.getpid()}")
    info = node.start()
    print(f"\nElasticsearch test node green at {info.url} in {info.started_in_s} s")
    yield info.url
    node.remove()


@pytest.fixture
def es_engine(es_url: str) -> Iterator[ElasticsearchEngine]:
    """An Elasticsearch engine on a fresh alias, its indices deleted afterwards."""
    engine = ElasticsearchEngine.connect(es_url, alias=f"test-{uuid.uuid4().hex[:10]}")
    yield engine
    # Deleting by wildcard is refused (action.destructive_requires_name): name each index.
    if names := list(engine.client.indices.get(index=f"{engine.alias}-*")):
        engine.client.indices.delete(index=",".join(names))
    engine.close()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> SqliteEngine:
    """An embedded engine on a fresh file."""
    return SqliteEngine(tmp_path / "cis.sqlite3")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each engine in turn: the contract holds for both."""
    fixture = "es_engine" if request.param == "elasticsearch" else "sqlite_engine"
    built: Engine = request.getfixturevalue(fixture)
    return built


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A fresh, real Redis (Debian's redis-server) on 127.0.0.1, stopped afterwards."""
    with RedisServer() as server:
        yield server
