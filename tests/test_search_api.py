"""The HTTP API over both engines: response shape, validation errors, outages."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from flask.testing import FlaskClient

from cis_devtools.localnode.node import free_port
from engines import Engine
from engines.elastic.engine import ElasticsearchEngine
from search_service import create_app
from tests.factories import catalogue


@pytest.fixture
def client(engine: Engine) -> FlaskClient:
    engine.replace_all(catalogue())
    return create_app(engine=engine).test_client()


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()


def test_search_returns_tiles_with_every_contributor(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/search?q=epicerie+moulins&size=1")
    assert (body["total"], body["page"], body["size"], body["pages"]) == (2, 1, 1, 2)
    [tile] = body["results"]
    assert tile["id"] == "p-epicerie"
    assert tile["address"]["commune_code"] == "03190"
    assert [s["name"] for s in tile["sources"]] == ["Avise", "Solidarum"]
    assert tile["sources"][0]["url"] == "https://avise.example/p/p-epicerie"
    assert {"value": "inclusion", "label": "Inclusion", "count": 1, "selected": False} in body[
        "facets"
    ]["domain"]


def test_filters_accept_repeated_and_comma_separated_values(client: FlaskClient) -> None:
    repeated = get_json(client, "/api/v1/search?domain=inclusion&domain=social_net")
    commas = get_json(client, "/api/v1/search?domain=inclusion,social_net")
    assert repeated["total"] == commas["total"] == 4


def test_bbox_and_facet_selection(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/search?bbox=2.9,45.9,3.9,46.8&facets=commune")
    assert body["total"] == 5
    assert set(body["facets"]) == {"commune"}


def test_a_project_comes_whole_with_provenance(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/projects/p-fle")
    assert body["organisation"] == "Association Œuvre d'accueil"
    assert body["provenance"] == {"title": "avise"}


def test_an_unknown_project_is_a_json_404(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/projects/p-nope", status=404)
    assert body["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("size=101", "size"),
        ("size=0", "size"),
        ("page=abc", "page"),
        ("page=200&size=100", "page"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=3,50,4,40", "bbox"),
        ("facets=colour", "facets"),
        ("colour=blue", "colour"),
        ("q=" + "x" * 501, "q"),
    ],
)
def test_an_invalid_parameter_is_a_400_that_names_it(
    sqlite_engine: Engine, query: str, parameter: str
) -> None:
    client = create_app(engine=sqlite_engine).test_client()
    body = get_json(client, f"/api/v1/search?{query}", status=400)
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["parameter"] == parameter
    assert parameter in body["error"]["message"]


def test_an_unknown_route_is_a_json_404(sqlite_engine: Engine) -> None:
    body = get_json(create_app(engine=sqlite_engine).test_client(), "/api/v2/x", status=404)
    assert body["error"]["code"] == "not_found"


def test_an_engine_outage_is_a_503() -> None:
    down = ElasticsearchEngine.connect(f"http://127.0.0.1:{free_port()}", alias="cis")
    client = create_app(engine=down).test_client()
    assert (
        get_json(client, "/api/v1/search?q=jardin", status=503)["error"]["code"]
        == "engine_unavailable"
    )
    assert get_json(client, "/api/v1/health", status=503)["error"]["code"] == "engine_unavailable"


def test_health_counts_projects(client: FlaskClient) -> None:
    assert get_json(client, "/api/v1/health")["projects"] == 8


def test_a_cursor_walks_every_result_past_any_page_limit(client: FlaskClient) -> None:
    seen, cursor = [], "*"
    while cursor:
        body = get_json(client, f"/api/v1/search?size=3&cursor={cursor}")
        seen += [tile["id"] for tile in body["results"]]
        cursor = body["next_cursor"]
    assert sorted(seen) == sorted(p["id"] for p in catalogue())


def test_a_cursor_walk_follows_relevance_order(client: FlaskClient) -> None:
    first = get_json(client, "/api/v1/search?q=repair&size=1&cursor=*")
    second = get_json(client, f"/api/v1/search?q=repair&size=1&cursor={first['next_cursor']}")
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {
        "p-repair-moulins",
        "p-repair-rennes",
    }


@pytest.mark.parametrize("query", ["cursor=bm9wZQ", "cursor=*&page=2", "cursor=e30"])
def test_a_forged_or_conflicting_cursor_is_a_400(sqlite_engine: Engine, query: str) -> None:
    client = create_app(engine=sqlite_engine).test_client()
    assert get_json(client, f"/api/v1/search?{query}", status=400)["error"]["parameter"] == "cursor"


def tampered(json_text: str) -> str:
    return base64.urlsafe_b64encode(json_text.encode()).decode().rstrip("=")


HOSTILE = [
    ("page=%C2%B2", "page"),  # "²": a digit to str.isdigit, not to int()
    ("size=%D9%A3", "size"),  # an Arabic-Indic three
    ("page=99999999999999999999999", "page"),
    *(
        (f"cursor={tampered(text)}", "cursor")
        for text in (
            "[true]",
            "[NaN]",
            "[Infinity]",
            f"[{2**63}]",
            '["\\ud800"]',
            '[["a"]]',
            '["a"]',
        )
    ),
]


@pytest.mark.parametrize(("query", "parameter"), HOSTILE)
def test_hostile_paging_values_are_a_400_naming_the_parameter_on_both_engines(
    engine: Engine, query: str, parameter: str
) -> None:
    engine.replace_all(catalogue())
    client = create_app(engine=engine).test_client()
    assert (
        get_json(client, f"/api/v1/search?q=repair&{query}", status=400)["error"]["parameter"]
        == parameter
    )


def test_partner_sites_may_call_the_api_from_their_pages(client: FlaskClient) -> None:
    assert client.get("/api/v1/search").headers["Access-Control-Allow-Origin"] == "*"
