"""Hostile clients, against the service as shipped: gunicorn alone, then behind nginx.

Every answer is JSON in the API's error shape, whoever refuses the request (the app,
gunicorn before the app, nginx before gunicorn); no server says its version; and slow
clients (slowloris) that starve gunicorn alone do not delay searches through nginx.
"""

from __future__ import annotations

import statistics
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from cis_devtools.servers.nginx import NginxProxy
from engines.sqlite.engine import SqliteEngine
from search_service.http_limits import MAX_URL_BYTES
from tests.factories import catalogue
from tests.raw_http import NGINX_TEMPLATE, SlowClients, answer, cis_serve, get

pytestmark = pytest.mark.slow

LONGEST_VALID_Q = urllib.parse.quote("中" * 500)  # 500 characters, 4,500 bytes encoded
SEARCH = "/api/v1/search?q=repair&facets=domain"


@pytest.fixture(scope="module")
def gunicorn_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    data_dir = tmp_path_factory.mktemp("served")
    SqliteEngine(data_dir / "cis.sqlite3").replace_all(catalogue())
    with cis_serve(data_dir) as port:
        yield port


@pytest.fixture(scope="module")
def nginx(gunicorn_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxProxy]:
    with NginxProxy(
        NGINX_TEMPLATE, f"127.0.0.1:{gunicorn_port}", tmp_path_factory.mktemp("nginx")
    ) as proxy:
        yield proxy


def error_code(port: int, request: bytes) -> tuple[int, object]:
    found = answer(port, request)
    assert found is not None
    body = found.json()
    assert isinstance(body, dict) and set(body["error"]) >= {"code", "message"}, body
    return found.status, body["error"]["code"]


def request_line(target: str) -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: t\r\n\r\n".encode()


def test_the_longest_valid_query_is_answered_by_gunicorn(gunicorn_port: int) -> None:
    found = get(gunicorn_port, f"/api/v1/search?q={LONGEST_VALID_Q}")
    assert found is not None and found.status == 200
    assert isinstance(found.json(), dict)


def test_a_url_over_the_api_limit_is_a_json_414_from_the_app(gunicorn_port: int) -> None:
    target = "/api/v1/search?q=x&" + "a" * MAX_URL_BYTES
    assert error_code(gunicorn_port, request_line(target)) == (414, "uri_too_long")


def test_a_6_kb_query_is_a_json_400(gunicorn_port: int) -> None:
    status, _ = error_code(gunicorn_port, request_line("/api/v1/search?q=" + "a" * 6000))
    assert status == 400


def test_gunicorns_own_refusals_are_json(gunicorn_port: int) -> None:
    too_long = request_line("/api/v1/search?q=" + "a" * 9000)  # over gunicorn's 8,190 bytes
    huge_header = b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"
    assert error_code(gunicorn_port, too_long) == (414, "uri_too_long")
    assert error_code(gunicorn_port, b"GARBAGE\r\n\r\n") == (400, "bad_request")
    assert error_code(gunicorn_port, b"GET / HTTP/9.9\r\n\r\n")[0] == 400
    assert error_code(gunicorn_port, huge_header) == (431, "request_header_fields_too_large")


def test_no_answer_names_gunicorn_or_a_version(gunicorn_port: int) -> None:
    for target in (SEARCH, "/api/v1/nowhere", "/api/v1/search?q=" + "a" * 9000):
        found = get(gunicorn_port, target)
        assert found is not None
        assert "gunicorn" not in found.headers.get("server", "cis")
        assert not any(ch.isdigit() for ch in found.headers.get("server", ""))


def test_nginx_passes_valid_searches_and_the_apps_errors(nginx: NginxProxy) -> None:
    found = get(nginx.port, f"/api/v1/search?q={LONGEST_VALID_Q}")
    assert found is not None and found.status == 200
    assert found.headers["server"] == "nginx"  # server_tokens off: no version
    assert error_code(nginx.port, request_line("/api/v1/search?size=1000"))[0] == 400
    assert error_code(nginx.port, request_line("/api/v1/search?q=x&" + "a" * 8500)) == (
        414,
        "uri_too_long",
    )


def test_nginxs_own_refusals_are_json(nginx: NginxProxy) -> None:
    huge_header = b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n"
    body = b"a" * 100_000
    post = b"POST /api/v1/search HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + body
    assert error_code(nginx.port, request_line("/?" + "a" * 20_000)) == (414, "uri_too_long")
    assert error_code(nginx.port, b"GARBAGE\r\n\r\n") == (400, "bad_request")
    assert error_code(nginx.port, huge_header) == (431, "request_header_fields_too_large")
    assert error_code(nginx.port, post) == (413, "payload_too_large")
    assert error_code(nginx.port, request_line("/_cis_errors/503")) == (404, "not_found")


def test_nginx_answers_json_502_when_gunicorn_is_down(tmp_path: Path) -> None:
    with NginxProxy(NGINX_TEMPLATE, "127.0.0.1:9", tmp_path) as proxy:  # port 9: nothing
        assert error_code(proxy.port, request_line(SEARCH)) == (502, "bad_gateway")


def median_latency_s(port: int, runs: int = 20) -> float:
    """Median time of ``runs`` searches in turn, each answered 200."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        found = get(port, SEARCH, timeout_s=10)
        times.append(time.perf_counter() - started)
        assert found is not None and found.status == 200
    return statistics.median(times)


def test_fifty_slow_clients_do_not_delay_searches_through_nginx(nginx: NginxProxy) -> None:
    median_latency_s(nginx.port, runs=5)  # warm-up: first connections, SQLite pages cached
    normal = median_latency_s(nginx.port)
    with SlowClients(nginx.port, count=50) as slow:
        under_attack = median_latency_s(nginx.port)
        assert len(slow.sockets) == 50
    # Searches here take ~2 ms: at that scale a few ms of scheduling noise on a shared
    # 2-core machine would double a median with no starvation at all, while starvation
    # costs seconds (requests queued behind slow headers, as the test below shows). So
    # a median under 5 ms counts as 5 ms: the bound stays 10 ms, far below starvation.
    assert under_attack <= 2 * max(normal, 0.005), (normal, under_attack)


def test_without_nginx_fifty_slow_clients_starve_gunicorn(tmp_path: Path) -> None:
    """The reason nginx is there: gunicorn's threads wait on the slow clients' headers.

    One worker (4 threads), so that the outcome does not depend on how the kernel shares
    connections between workers: with two, one may get almost all the slow clients.
    """
    SqliteEngine(tmp_path / "cis.sqlite3").replace_all(catalogue())
    with cis_serve(tmp_path, {"CIS_WORKERS": "1"}) as port:
        assert get(port, SEARCH) is not None
        with SlowClients(port, count=50):
            starved = [get(port, SEARCH, timeout_s=3) for _ in range(3)]
        assert starved == [None] * 3  # no answer within 3 s (a search takes milliseconds)
        assert get(port, SEARCH) is not None  # and served again once they are gone
