"""A frozen or slow engine: 503 JSON within 2 s, workers kept free, and recovery by itself.

The contract (issue 9): while the engine does not answer, search and health answer 503
JSON within 2 seconds each, however many arrive at once; once it answers again, so
does the service, with nobody restarting anything.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from cis.settings import Settings
from cis_devtools.localnode.node import LocalNode, NodeInfo
from engines import EngineUnavailable
from engines.base import SearchRequest
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from search_service import create_app
from search_service.engine_guard import EngineBreaker, GuardedEngine
from tests.factories import catalogue
from tests.raw_http import Answer, cis_serve, get
from tests.synthetic_projects import synthetic_projects

ANSWER_WITHIN_S = 2.0  # the contract
RECOVERY_DEADLINE_S = 30
SEARCH = "/api/v1/search?q=repair&facets=domain"
NO_DEADLINE_LEFT = 1e-9  # seconds: every read runs past it
FACETED = SearchRequest(text="jardin", facets=("domain", "source"))  # thousands of steps


@pytest.fixture
def es_node(es_url: str) -> Iterator[NodeInfo]:
    """The session's node when this session started it, else a node of this test's own."""
    session_node = LocalNode(Settings.from_env(es_port=0), name=f"pytest-{os.getpid()}")
    if (info := session_node.status()) is not None and info.url == es_url:
        yield info
        return
    own = LocalNode(Settings.from_env(es_port=0), name=f"frozen-{os.getpid()}")
    yield own.start()
    own.remove()


@contextmanager
def frozen(node: NodeInfo) -> Iterator[None]:
    """The node's processes stopped (SIGSTOP) for the block, then resumed whatever happens."""
    os.killpg(node.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(node.pid, signal.SIGCONT)


def status(port: int, target: str) -> int | None:
    found = get(port, target)
    return found.status if found else None


def timed_get(port: int, target: str) -> tuple[float, Answer | None]:
    started = time.monotonic()
    found = get(port, target, timeout_s=10)  # bounded: a hang shows as a failure, not a hang
    return time.monotonic() - started, found


def assert_all_unavailable_in_time(port: int, targets: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        answers = list(pool.map(lambda target: timed_get(port, target), targets))
    for elapsed, found in answers:
        assert found is not None and found.status == 503
        assert found.json() == {
            "error": {
                "code": "engine_unavailable",
                "message": "the search engine is unavailable, retry shortly",
            }
        }
        assert elapsed < ANSWER_WITHIN_S, [round(e, 2) for e, _ in answers]


def wait_until_answered(port: int, target: str) -> None:
    """Each worker has its breaker, so one worker may answer while another waits to probe."""
    deadline = time.monotonic() + RECOVERY_DEADLINE_S
    while time.monotonic() < deadline:
        if status(port, target) == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"{target} still fails {RECOVERY_DEADLINE_S} s after the engine resumed")


@pytest.mark.slow
def test_a_frozen_elasticsearch_gives_fast_503s_then_service_resumes(
    es_engine: ElasticsearchEngine, es_node: NodeInfo, tmp_path: Path
) -> None:
    es_engine.replace_all(catalogue())
    env = {"CIS_ELASTICSEARCH_URL": es_node.url, "CIS_INDEX_ALIAS": es_engine.alias}
    with cis_serve(tmp_path, env) as port:  # 2 workers x 4 threads, as shipped
        assert status(port, SEARCH) == 200
        burst = [SEARCH] * 12 + ["/api/v1/health"]
        with frozen(es_node):
            assert_all_unavailable_in_time(port, burst)
            assert_all_unavailable_in_time(port, burst)  # the workers did not pile up
        wait_until_answered(port, SEARCH)
        wait_until_answered(port, "/api/v1/health")


def test_a_sqlite_read_past_its_deadline_is_engine_unavailable(tmp_path: Path) -> None:
    SqliteEngine(tmp_path / "cis.sqlite3").replace_all(synthetic_projects(300))
    late = create_app(engine=SqliteEngine(tmp_path / "cis.sqlite3", NO_DEADLINE_LEFT))
    in_time = create_app(engine=SqliteEngine(tmp_path / "cis.sqlite3", read_timeout=1.5))
    late_answer = late.test_client().get(SEARCH)
    assert late_answer.status_code == 503
    assert late_answer.get_json()["error"]["code"] == "engine_unavailable"
    assert in_time.test_client().get(SEARCH).status_code == 200


def test_after_the_engine_failed_the_breaker_answers_at_once_until_a_probe_succeeds(
    tmp_path: Path,
) -> None:
    SqliteEngine(tmp_path / "cis.sqlite3").replace_all(synthetic_projects(300))
    late = SqliteEngine(tmp_path / "cis.sqlite3", NO_DEADLINE_LEFT)
    in_time = SqliteEngine(tmp_path / "cis.sqlite3", read_timeout=1.5)
    breaker = EngineBreaker(probe_interval_s=3600)
    with pytest.raises(EngineUnavailable, match="did not answer within"):
        GuardedEngine(late, breaker).search(FACETED)
    # Open: even an engine that would answer is not asked until the probe is due.
    with pytest.raises(EngineUnavailable, match="not asked again yet"):
        GuardedEngine(in_time, breaker).search(FACETED)
    breaker.probe_interval_s = 0
    breaker.engine_unavailable()  # the probe is due at once
    matches = in_time.search(FACETED).total
    assert GuardedEngine(in_time, breaker).search(FACETED).total == matches > 0  # closes it
    assert GuardedEngine(in_time, breaker).search(FACETED).total == matches
