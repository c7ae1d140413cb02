"""How the service reads a query before searching: place, radius, typos, and the way back.

Each test runs a real engine (both, in turn) over a few projects placed for it.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from engines import Engine
from engines.base import SearchRequest
from search_service import create_app
from search_service.understanding.reading import ENOUGH, read_request
from tests.factories import RENNES, VICHY, project


def shops(count: int, address: dict[str, str], prefix: str) -> list[Any]:
    """``count`` épiceries solidaires at ``address``."""
    return [
        project(f"p-{prefix}-{n}", f"Épicerie solidaire n° {n}", address=address)
        for n in range(count)
    ]


@pytest.fixture
def client(engine: Engine) -> FlaskClient:
    engine.replace_all(
        [
            project("p-moulins", "Épicerie solidaire de Moulins"),
            project("p-vichy", "Épicerie solidaire de Vichy", address=VICHY),
            project("p-rennes", "Épicerie solidaire de Rennes", address=RENNES),
            project("p-jardin", "Jardin partagé des Lilas", address=RENNES),
        ]
    )
    return create_app(engine=engine).test_client()


def search(client: FlaskClient, **params: str) -> Any:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_a_commune_becomes_a_point_and_the_nearest_come_first(client: FlaskClient) -> None:
    answer = search(client, q="épicerie solidaire près de Moulins")
    place = answer["understood"]["place"]
    assert (place["label"], place["level"], place["proximity"]) == ("Moulins (03)", "commune", True)
    assert (
        place["scope"] == "nearest"
    )  # fewer than a page of tiles within 30 km: all, nearest first
    assert answer["understood"]["text"] == "epicerie solidaire"
    assert [hit["id"] for hit in answer["results"]] == ["p-moulins", "p-vichy", "p-rennes"]
    assert answer["results"][0]["distance_km"] < 1 < answer["results"][1]["distance_km"]


def test_a_radius_holds_when_it_holds_a_page_of_tiles(engine: Engine) -> None:
    engine.replace_all(shops(ENOUGH, {**VICHY}, "vichy") + shops(3, RENNES, "rennes"))
    reading = read_request(SearchRequest(text="épicerie solidaire Vichy"), engine)
    assert (reading.scope, reading.radius_km) == ("radius", 10.0)
    assert engine.search(reading.request).total == ENOUGH


def test_a_radius_counts_full_matches_only(engine: Engine) -> None:
    partial = [project(f"p-part-{n}", f"Épicerie n° {n}", address=VICHY) for n in range(ENOUGH)]
    engine.replace_all(partial + shops(3, VICHY, "vichy"))
    reading = read_request(SearchRequest(text="épicerie solidaire Vichy"), engine)
    assert reading.scope == "nearest"  # three shops are not a page of tiles
    found = engine.search(reading.request)
    assert found.total == ENOUGH + 3
    assert {hit["id"] for hit in found.hits[:3]} == {"p-vichy-0", "p-vichy-1", "p-vichy-2"}


def test_a_departement_or_a_region_becomes_a_filter(client: FlaskClient) -> None:
    answer = search(client, q="épicerie solidaire dans le 03")
    assert answer["understood"]["place"]["label"] == "Allier (03)"
    assert {hit["id"] for hit in answer["results"]} == {"p-moulins", "p-vichy"}
    assert [v["value"] for v in answer["facets"]["departement"] if v["selected"]] == ["03"]
    answer = search(client, q="jardin partagé Bretagne")
    assert answer["understood"]["place"]["scope"] == "region"
    assert [hit["id"] for hit in answer["results"]] == ["p-jardin"]


def test_a_misspelled_word_is_searched_as_the_word_it_misspells(client: FlaskClient) -> None:
    answer = search(client, q="épicrie solidaire")
    assert answer["understood"]["corrections"] == [{"typed": "epicrie", "searched": "epicerie"}]
    assert answer["total"] == 3


def test_literal_searches_the_text_as_typed(client: FlaskClient) -> None:
    answer = search(client, q="épicrie près de Moulins", literal="true")
    assert answer["understood"] == {
        "text": "épicrie près de Moulins",
        "place": None,
        "corrections": [],
    }
    response = client.get("/api/v1/search", query_string={"q": "x", "literal": "peut-être"})
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == "literal"


def test_a_common_word_is_a_place_only_after_a_cue_or_when_nothing_else_matches(
    engine: Engine,
) -> None:
    engine.replace_all([project("p-jardin", "Jardin partagé des Lilas", address=RENNES)])
    assert read_request(SearchRequest(text="jardin"), engine).place is None
    assert read_request(SearchRequest(text="à Jardin"), engine).place is not None
    engine.replace_all([project("p-other", "Épicerie solidaire", address=RENNES)])
    lenient = read_request(SearchRequest(text="épicerie jardin"), engine)
    assert lenient.place is None  # "épicerie" alone finds something: "jardin" stays text
    nothing = read_request(SearchRequest(text="cantine jardin"), engine)
    assert nothing.place is not None and nothing.place.label == "Jardin (38)"


def test_a_hyphenated_word_is_never_cut_into_a_place(engine: Engine) -> None:
    engine.replace_all([project("p-cv", "Café du Centre-ville")])
    assert read_request(SearchRequest(text="café du Centre-ville"), engine).place is None
