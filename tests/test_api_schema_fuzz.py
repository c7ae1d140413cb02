"""The published contract holds under generated and hostile requests, on both engines.

Schemathesis reads ``/api/v1/openapi.json`` and throws requests generated from it (valid
and invalid) at every operation; each answer must be no server error and match the
schema. A seeded loop then sends the inputs real clients and scanners send (Unicode
digits, huge or negative numbers, tampered cursors, lone surrogates, long CJK text,
unknown parameters) and every answer must be JSON and below 500.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from werkzeug.test import TestResponse

from engines import Engine
from search_service import create_app
from tests.factories import catalogue
from tests.served import embedded_index, serving

HOSTILE_REQUESTS_PER_ENGINE = 10_000
GUNICORN_REQUESTS = 500
EXAMPLES_PER_OPERATION = 60
ENDPOINTS = (
    "/api/v1/search",
    "/api/v1/map",
    "/api/v1/suggest",
    "/api/v1/stats",
    "/api/v1/sources",
    "/api/v1/export",
    "/api/v1/projects/p-epicerie",
    "/api/v1/projects/p-epicerie/similar",
)
OPERATIONS = {
    f"GET /{path}"
    for path in (
        "search", "map", "suggest", "stats", "sources", "export", "health",
        "projects/{project_id}", "projects/{project_id}/similar",
    )
}  # fmt: skip
# Operations without a parameter to get wrong (a project id is any string).
UNCONSTRAINED = {"GET /stats", "GET /sources", "GET /health", "GET /projects/{project_id}"}
PARAMETERS = (
    "q", "page", "size", "cursor", "near", "radius_km", "sort", "bbox", "zoom", "facets",
    "domain", "public", "code", "contributor", "region", "departement", "commune", "format",
)  # fmt: skip
JSON_TYPES = ("application/json", "application/geo+json")
HOSTILE_VALUES = (
    "",
    "٣",  # Arabic-Indic three: int() accepts it, a partner's typo should not reach the engine
    "\uff11\uff12",  # fullwidth digits 12
    "²",
    "9223372036854775808",  # 2**63
    "-9223372036854775809",
    "1e309",
    "NaN",
    "-inf",
    "true",
    "null",
    "[]",
    "{}",
    "0x10",
    "1_000",
    " 7 ",
    "-1",
    "0",
    # Cursors as a tamperer writes them: base64 JSON of the wrong shape, unsigned.
    "WyJhIl0",  # ["a"]
    "WzkyMjMzNzIwMzY4NTQ3NzU4MDhd",  # [9223372036854775808]: 2**63
    "W05hTl0",  # [NaN]
    "W3RydWVd",  # [true]
    "WyJcdWQ4MDAiXQ",  # ["\ud800"]: a lone surrogate
    "WzFlOTk5XQ",  # [1e999]
    "WyJhIl0.invalid-signature",
    "*",
    "\ud800",  # a lone surrogate, as percent-encoded UTF-16 halves arrive
    "\x00",
    "%",
    "%ZZ",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    'NEAR("a" "b")',
    '"unterminated',
    "a AND OR NOT",
    "*:*",
    "46.56,3.33",
    "91,181",
    "46.56,3.33,47,4",
    "3.33,46.56,3.0,46.0",
    "relevance",
    "distance",
    "csv",
    "geojson",
    "內" * 499,
    "內" * 501,
    "ß" * 120,
)


@pytest.fixture
def app(engine: Engine) -> Flask:
    """The service over the test catalogue, on each engine in turn."""
    engine.replace_all(catalogue())
    return create_app(engine=engine)


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_every_operation_answers_as_its_schema_says(app: Flask, mode: GenerationMode) -> None:
    # Driven through Hypothesis directly: schemathesis's pytest plugin predates pytest 9.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} == OPERATIONS
    failures, unconstrained = {}, set()
    for operation in operations:
        try:
            call_and_validate(operation.as_strategy(generation_mode=mode))
        except Unsatisfiable:  # no request can violate a schema that takes any input
            unconstrained.add(operation.label)
        except Exception as failure:  # one operation's failure must not hide the others'
            failures[operation.label] = f"{type(failure).__name__}: {failure}"[:2000]
    assert not failures, "\n\n".join(f"{label}: {why}" for label, why in failures.items())
    assert unconstrained == (UNCONSTRAINED if mode is GenerationMode.NEGATIVE else set())


def call_and_validate(cases: SearchStrategy[schemathesis.Case]) -> None:
    """Send generated cases and check each answer against the schema."""

    @given(cases)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        # Cross-parameter rules (radius_km and sort=distance need near, south <= north,
        # page * size within the window, page or cursor) are outside what OpenAPI can say,
        # so a schema-valid request may rightly get a 400. And a query string has no types:
        # schemathesis's "integer instead of string array" (region=717172629782) is a valid
        # value on the wire, and a mutated value that serialises to nothing sends nothing.
        # Server errors, status codes, content types and answer schemas are all checked.
        # The WSGI transport does not undo Content-Encoding: ask for uncompressed answers.
        case.call_and_validate(
            headers={"Accept-Encoding": "identity"},
            excluded_checks=[positive_data_acceptance, negative_data_rejection],
        )

    check()


def hostile_urls(seed: int, count: int, endpoints: tuple[str, ...] = ENDPOINTS) -> Iterator[str]:
    """``count`` request targets mixing endpoints, parameters and hostile values."""
    rng = random.Random(seed)
    for _ in range(count):
        endpoint = rng.choice(endpoints)
        pairs = [
            (rng.choice((*PARAMETERS, "x" + rng.choice(string.ascii_lowercase))), value)
            for value in rng.choices(HOSTILE_VALUES, k=rng.randint(1, 4))
        ]
        query = "&".join(f"{name}={quote(value, errors='surrogatepass')}" for name, value in pairs)
        yield f"{endpoint}?{query}"


def test_hostile_requests_get_json_answers_and_never_a_server_error(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    client: FlaskClient = app.test_client()
    statuses: Counter[int] = Counter()
    broken: list[str] = []
    for url in hostile_urls(seed=20261203, count=HOSTILE_REQUESTS_PER_ENGINE):
        response = client.get(url)
        statuses[response.status_code] += 1
        if response.status_code >= 500 or not answers_in_its_format(response):
            broken.append(f"{response.status_code} {response.mimetype} {url[:200]}")
        response.close()
    with capsys.disabled():
        print(
            f"\nhostile requests: {sum(statuses.values())}, statuses {dict(sorted(statuses.items()))}"
        )
    assert not broken, "\n".join(broken[:20])


def answers_in_its_format(response: TestResponse) -> bool:
    """Errors are JSON; a success is JSON, or the export format asked for."""
    if response.status_code >= 400 or response.mimetype != "text/csv":
        return response.mimetype in JSON_TYPES and response.get_json(silent=True) is not None
    return bool(response.get_data())


def test_gunicorn_answers_hostile_requests_in_json_too(tmp_path: Path) -> None:
    # Served.get reads every body as JSON: a non-JSON answer fails the test.
    json_endpoints = tuple(e.removeprefix("/api/v1") for e in ENDPOINTS if "export" not in e)
    statuses: Counter[int] = Counter()
    with serving(embedded_index(tmp_path), "fuzzed") as [served]:
        for url in hostile_urls(seed=3, count=GUNICORN_REQUESTS, endpoints=json_endpoints):
            statuses[served.get(url).status] += 1
    assert sum(statuses.values()) == GUNICORN_REQUESTS
    assert max(statuses) < 500, dict(statuses)
