"""What partners read in every answer: labels, highlights, safe URLs, signed cursors, headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cis.facets import DEFAULT_FACETS, FACETS_BY_NAME
from cis.raw_store import RawStore
from cis.settings import Settings
from engines import Engine
from search_service import create_app
from search_service.cursors import load_secret
from tests.factories import catalogue, project
from tests.test_search_api import get_json


@pytest.fixture
def client(sqlite_engine: Engine) -> FlaskClient:
    sqlite_engine.replace_all(catalogue())
    return create_app(engine=sqlite_engine).test_client()


def test_communes_and_arrondissements_are_counted_only_when_named(client: FlaskClient) -> None:
    assert set(get_json(client, "/api/v1/search")["facets"]) == set(DEFAULT_FACETS)
    assert "commune" not in DEFAULT_FACETS and "arrondissement" not in DEFAULT_FACETS
    named = get_json(client, "/api/v1/search?facets=commune,domain")["facets"]
    assert set(named) == {"commune", "domain"}


def test_every_facet_value_comes_with_its_label_and_whether_it_is_selected(
    client: FlaskClient,
) -> None:
    facets = ",".join(FACETS_BY_NAME)
    body = get_json(client, f"/api/v1/search?domain=inclusion&facets={facets}")
    domains = {v["value"]: v for v in body["facets"]["domain"]}
    assert domains["sust_env"]["label"] == "Développement durable"
    assert domains["inclusion"]["selected"] is True
    assert domains["sust_env"]["selected"] is False
    assert {v["value"]: v["label"] for v in body["facets"]["commune"]}["03190"] == "Moulins (03)"
    assert {v["value"]: v["label"] for v in body["facets"]["departement"]}["35"] == (
        "Ille-et-Vilaine"
    )
    assert {v["value"]: v["label"] for v in body["facets"]["region"]}["84"] == (
        "Auvergne-Rhône-Alpes"
    )
    assert {v["value"]: v["label"] for v in body["facets"]["code"]}["INS"] == "Insertion"


def test_a_selected_value_outside_the_counted_ones_stays_visible(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/search?domain=no_such_key")
    assert body["facets"]["domain"][-1] == {
        "value": "no_such_key",
        "label": "no_such_key",
        "count": None,
        "selected": True,
    }


def test_codes_in_hits_are_labelled(client: FlaskClient) -> None:
    [hit] = get_json(client, "/api/v1/search?q=epicerie+moulins&size=1")["results"]
    assert hit["codes"] == [
        {"value": "ALI", "label": "ALI"},  # not a CIS code: its label is itself
        {"value": "INS", "label": "Insertion"},
    ]
    assert hit["domains"] == [{"value": "inclusion", "label": "Inclusion"}]
    whole = get_json(client, "/api/v1/projects/p-fle")
    assert {"value": "employment", "label": "Travail"} in whole["domains"]


def test_matched_words_are_highlighted_as_written_and_escaped(sqlite_engine: Engine) -> None:
    sqlite_engine.replace_all(
        [project("p-x", "Épicerie <b>solidaire</b>", summary="Une épicerie pour tous.")]
    )
    client = create_app(engine=sqlite_engine).test_client()
    [hit] = get_json(client, "/api/v1/search?q=EPICERIE")["results"]
    assert hit["highlights"] == {
        "title": "<mark>Épicerie</mark> &lt;b&gt;solidaire&lt;/b&gt;",
        "summary": "Une <mark>épicerie</mark> pour tous.",
    }


def test_only_absolute_http_urls_are_served(sqlite_engine: Engine) -> None:
    hostile = project(
        "p-x",
        "Atelier",
        website="tous-en-selle.eu/",
        image='http://site.fr/i.png" onerror="alert(5)',
    )
    hostile["sources"][0]["url"] = "javascript:alert(1)"
    fine = project("p-y", "Bibliothèque", website="https://biblio.example.org/accueil")
    sqlite_engine.replace_all([hostile, fine])
    client = create_app(engine=sqlite_engine).test_client()
    for url in ("/api/v1/search?q=atelier", "/api/v1/projects/p-x"):
        body = get_json(client, url)
        shown = body["results"][0] if "results" in body else body
        assert (shown["website"], shown["image"], shown["sources"][0]["url"]) == (None, None, None)
    assert (
        get_json(client, "/api/v1/projects/p-y")["website"] == "https://biblio.example.org/accueil"
    )


def test_a_cursor_of_another_search_is_a_400(client: FlaskClient) -> None:
    cursor = get_json(client, "/api/v1/search?q=repair&size=1&cursor=*")["next_cursor"]
    assert get_json(client, f"/api/v1/search?q=repair&size=1&cursor={cursor}")["results"]
    for other in ("q=repair+moulins", "q=repair&domain=sust_env", "q=repair&sort=title"):
        error = get_json(client, f"/api/v1/search?{other}&size=1&cursor={cursor}", status=400)
        assert error["error"]["parameter"] == "cursor"
    forged = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    assert get_json(client, f"/api/v1/search?q=repair&cursor={forged}", status=400)


def test_a_cursor_signed_with_another_key_is_a_400(sqlite_engine: Engine) -> None:
    sqlite_engine.replace_all(catalogue())
    ours = create_app({"secret_key": "one key"}, engine=sqlite_engine).test_client()
    theirs = create_app({"secret_key": "another key"}, engine=sqlite_engine).test_client()
    cursor = get_json(ours, "/api/v1/search?size=2&cursor=*")["next_cursor"]
    assert get_json(ours, f"/api/v1/search?size=2&cursor={cursor}")["results"]
    assert get_json(theirs, f"/api/v1/search?size=2&cursor={cursor}", status=400)


def test_without_a_configured_key_every_worker_shares_one_kept_in_the_data_dir(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env({}, data_dir=str(tmp_path / "data"))
    first, second = load_secret(settings), load_secret(settings)
    assert first == second and len(first) >= 40
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert list((tmp_path / "data").iterdir()) == [tmp_path / "data" / "secret_key"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("near=46.5", "near"),
        ("near=91,3", "near"),
        ("near=nan,3", "near"),
        ("radius_km=10", "radius_km"),
        ("near=46.5,3.3&radius_km=0", "radius_km"),
        ("near=46.5,3.3&radius_km=inf", "radius_km"),
        ("near=46.5,3.3&radius_km=5000", "radius_km"),
        ("sort=distance", "sort"),
        ("sort=popular", "sort"),
        ("bbox=nan,1,2,3", "bbox"),
        ("near=%D9%A4%D9%A6,3", "near"),  # Arabic-Indic digits, which float() reads as 46
        ("near=46.5,%203", "near"),
        ("near=46.5,3&radius_km=1_0", "radius_km"),
    ],
)
def test_invalid_places_and_sorts_are_a_400_naming_the_parameter(
    client: FlaskClient, query: str, parameter: str
) -> None:
    assert get_json(client, f"/api/v1/search?{query}", status=400)["error"]["parameter"] == (
        parameter
    )


def test_health_names_the_engine_and_nothing_internal(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/health")
    assert body == {"status": "ok", "engine": "sqlite", "projects": 8}
    assert client.get("/api/v1/health").headers["Cache-Control"] == "no-store"


def test_answers_carry_security_headers(client: FlaskClient) -> None:
    for url in ("/api/v1/search", "/api/v1/nope", "/api/v1/search?size=0"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_a_cacheable_answer_has_an_etag_that_revalidates(client: FlaskClient) -> None:
    first = client.get("/api/v1/search?q=repair")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    etag = first.headers["ETag"]
    again = client.get("/api/v1/search?q=repair", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/v1/search?q=jardin", headers={"If-None-Match": etag})
    assert other.status_code == 200
    assert client.get("/api/v1/search?size=0").headers["Cache-Control"] == "no-store"


def test_suggestions_are_typed_places_themes_and_projects(client: FlaskClient) -> None:
    body = get_json(client, "/api/v1/suggest?q=moulins")
    assert body["places"][0] == {
        "type": "place",
        "level": "commune",
        "value": "03190",
        "label": "Moulins (03)",
        "filter": {"commune": "03190"},
    }
    themes = get_json(client, "/api/v1/suggest?q=jeun")["themes"]
    assert {"facet": "public", "value": "youth", "label": "Jeunesse"}.items() <= themes[1].items()
    allier = get_json(client, "/api/v1/suggest?q=allier")["places"][0]
    assert (allier["level"], allier["label"]) == ("departement", "Allier (03)")
    for query in ("", "q=", "q=" + "x" * 101, "q=a&size=21", "q=a&types=x"):
        assert get_json(client, f"/api/v1/suggest?{query}", status=400)["error"]["parameter"]


def test_contributors_are_named_as_their_latest_crawl_described_them(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    sqlite_engine.replace_all(catalogue())
    store = RawStore(tmp_path / "data" / "raw")
    store.write_description(
        "semeoz",
        {"id": "semeoz", "name": "Semeoz", "homepage": "https://semeoz.example/", "logo": ""}
        | {"licence": None},
    )
    app = create_app({"data_dir": str(tmp_path / "data")}, engine=sqlite_engine)
    body = get_json(app.test_client(), "/api/v1/search?facets=source")
    labels = {v["value"]: v["label"] for v in body["facets"]["source"]}
    assert labels["semeoz"] == "Semeoz"
    assert labels["avise"] == "avise"  # never crawled here: its id stands for its name
