"""Rate limits on /api/v1: per client address or partner key, shared through Redis, always JSON."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cis_devtools.localnode.node import free_port
from cis_devtools.servers.redis_server import RedisServer
from engines.sqlite.engine import SqliteEngine
from search_service import create_app
from search_service.partners import PartnerStore
from tests.factories import catalogue
from tests.served import Answer, embedded_index, serving

LIMIT = 5
RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def app_with(data_dir: Path, **settings: object) -> Flask:
    engine = SqliteEngine(data_dir / "cis.sqlite3")
    engine.replace_all(catalogue())
    defaults = {"data_dir": data_dir, "rate_limit_anonymous": f"{LIMIT}/hour"}
    return create_app({**defaults, **settings}, engine=engine)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[FlaskClient]:
    yield app_with(tmp_path, rate_limit_partner="8/hour").test_client()


def statuses(client: FlaskClient, count: int, **request: Any) -> list[int]:
    return [client.get("/api/v1/search", **request).status_code for _ in range(count)]


def assert_refused_until_reset(answer: Answer) -> None:
    assert answer.status == 429
    assert answer.body["error"]["code"] == "rate_limited"
    assert answer.headers["Retry-After"].isdecimal() and int(answer.headers["Retry-After"]) > 0
    assert answer.headers["RateLimit-Limit"] == str(LIMIT)
    assert answer.headers["RateLimit-Remaining"] == "0"
    assert 0 < int(answer.headers["RateLimit-Reset"]) <= 3600


@pytest.mark.slow
@pytest.mark.parametrize(("storage", "servers_counting_alone"), [("redis", 1), ("memory", 2)])
def test_two_gunicorn_servers_share_one_count_in_redis_but_count_alone_in_memory(
    tmp_path: Path, redis_server: RedisServer, storage: str, servers_counting_alone: int
) -> None:
    uri = redis_server.url if storage == "redis" else "memory://"
    settings = {"CIS_RATE_LIMIT_STORAGE": uri, "CIS_RATE_LIMIT_ANONYMOUS": f"{LIMIT}/hour"}
    with serving(embedded_index(tmp_path), "a", "b", **settings) as (a, b):
        # Alternating, so each server answers half of them whatever the other counted.
        answers = [server.get("/search?q=repair") for _ in range(LIMIT + 2) for server in (a, b)]
    allowed = [answer for answer in answers if answer.status == 200]
    refused = [answer for answer in answers if answer.status != 200]
    assert len(allowed) == LIMIT * servers_counting_alone
    for answer in refused:
        assert_refused_until_reset(answer)
    remaining = sorted(int(answer.headers["RateLimit-Remaining"]) for answer in allowed)
    assert remaining == sorted(list(range(LIMIT)) * servers_counting_alone)


def test_every_answer_says_the_limit_what_is_left_and_when_it_resets(client: FlaskClient) -> None:
    answer = client.get("/api/v1/search?q=repair")
    assert answer.status_code == 200
    assert [answer.headers[name] for name in RATE_HEADERS] == [str(LIMIT), str(LIMIT - 1), "3600"]
    assert "Retry-After" not in answer.headers
    exposed = answer.headers["Access-Control-Expose-Headers"]
    assert all(name in exposed for name in (*RATE_HEADERS, "Retry-After"))


def test_the_limit_spans_every_route_and_the_429_is_json(client: FlaskClient) -> None:
    assert statuses(client, LIMIT - 2) == [200] * (LIMIT - 2)
    assert client.get("/api/v1/sources").status_code == 200
    assert client.get("/api/v1/projects/p-epicerie").status_code == 200
    refused = client.get("/api/v1/projects/p-epicerie")
    assert refused.status_code == 429
    assert refused.json == {
        "error": {
            "code": "rate_limited",
            "message": "rate limit of 5 per 1 hour reached for this client address; "
            "see the Retry-After header",
        }
    }
    assert int(refused.headers["Retry-After"]) > 3500


def test_health_is_never_limited_nor_counted(client: FlaskClient) -> None:
    for _ in range(LIMIT + 3):
        assert client.get("/api/v1/health").status_code == 200
    assert statuses(client, LIMIT + 1) == [200] * LIMIT + [429]
    assert client.get("/api/v1/health").status_code == 200


def test_a_partner_key_has_the_partner_limit_apart_from_the_anonymous_bucket(
    tmp_path: Path, client: FlaskClient
) -> None:
    _, key = PartnerStore(tmp_path).add("Ville de Lyon")
    _, other_key = PartnerStore(tmp_path).add("Avise")
    assert statuses(client, LIMIT + 1) == [200] * LIMIT + [429]
    answer = client.get("/api/v1/search", headers={"X-API-Key": key})
    assert (answer.status_code, answer.headers["RateLimit-Limit"]) == (200, "8")
    assert statuses(client, 8, headers={"X-API-Key": key}) == [200] * 7 + [429]
    assert client.get("/api/v1/search", headers={"X-API-Key": key}).json["error"]["message"] == (
        "rate limit of 8 per 1 hour reached for this API key; see the Retry-After header"
    )
    assert statuses(client, 8, headers={"X-API-Key": other_key}) == [200] * 8
    assert statuses(client, 1) == [429]


def test_a_refused_key_counts_in_the_anonymous_bucket(client: FlaskClient) -> None:
    bad_key = {"X-API-Key": "cis_not-a-key-anyone-was-given"}
    assert statuses(client, LIMIT, headers=bad_key) == [401] * LIMIT
    refused = client.get("/api/v1/search", headers=bad_key)
    assert refused.status_code == 429
    assert "the X-API-Key it sent is refused" in refused.json["error"]["message"]
    assert statuses(client, 1) == [429]


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client: FlaskClient) -> None:
    spoofed = [
        client.get("/api/v1/search", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(LIMIT + 1)
    ]
    assert spoofed == [200] * LIMIT + [429]


def test_behind_one_trusted_proxy_each_forwarded_client_has_its_own_bucket(
    tmp_path: Path,
) -> None:
    client = app_with(tmp_path, trusted_proxies=1).test_client()
    first = {"X-Forwarded-For": "198.51.100.1"}
    assert statuses(client, LIMIT + 1, headers=first) == [200] * LIMIT + [429]
    second = {"X-Forwarded-For": "198.51.100.2"}
    assert statuses(client, 1, headers=second) == [200]
    # Only the address the proxy appended is believed, not what the client put before it.
    forged = {"X-Forwarded-For": "203.0.113.9, 198.51.100.1"}
    assert statuses(client, 1, headers=forged) == [429]


def test_when_redis_goes_away_the_api_answers_and_warns_once(
    tmp_path: Path, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = app_with(tmp_path, rate_limit_storage=redis_server.url).test_client()
    assert statuses(client, 2) == [200, 200]
    redis_server.stop()
    with caplog.at_level(logging.WARNING):
        assert statuses(client, LIMIT + 1) == [200] * LIMIT + [429]  # counted in memory meanwhile
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == ["Rate limit storage unreachable - falling back to in-memory storage"]


def test_a_redis_that_was_never_there_does_not_stop_the_api(tmp_path: Path) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    client = app_with(tmp_path, rate_limit_storage=nowhere).test_client()
    assert statuses(client, LIMIT + 1) == [200] * LIMIT + [429]


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("CIS_RATE_LIMIT_ANONYMOUS", "lots", "must be a rate like 120/minute"),
        ("CIS_RATE_LIMIT_PARTNER", "0/minute", "must be a rate like 120/minute"),
        ("CIS_RATE_LIMIT_STORAGE", "redis:6379", "must be memory:// or a Redis URL"),
        ("CIS_TRUSTED_PROXIES", "-1", "must be a whole number"),
    ],
)
def test_a_malformed_limit_setting_stops_serve_in_one_line_naming_it(
    tmp_path: Path, variable: str, value: str, problem: str
) -> None:
    env = {**os.environ, "CIS_DATA_DIR": str(tmp_path), variable: value}
    result = subprocess.run(
        [sys.executable, "-m", "cis_cli.main", "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"cis serve: {variable} {problem}")
    assert len(result.stderr.strip().splitlines()) == 1
