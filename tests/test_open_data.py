"""Open data over both engines: the contributors (`/sources`) and the streamed export."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from cis.raw_store import RawStore
from cis_devtools.localnode.node import free_port
from engines import Engine
from engines.elastic.engine import ElasticsearchEngine
from search_service import create_app
from search_service.export import CHUNK_CHARS
from tests.factories import catalogue, project, publish_good_run
from tests.test_source_reports import write_runs

ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def write_contributors(store: RawStore) -> None:
    """Four contributors, each a case of the raw store.

    Avise fails after a good run, Semeoz is fine with hostile URLs, Solidarum was crawled
    before descriptions existed, RTES is described but lists nothing.
    """
    store.write_description("avise", {
        "id": "avise", "name": "Avise", "homepage": "https://www.avise.org",
        "logo": "https://www.avise.org/logo.png", "contact": "projets@avise.org",
        "licence": {"name": "Licence Ouverte 2.0 (Etalab)", "url": ETALAB},
    })  # fmt: skip
    write_runs(
        store, "avise",
        ("20260101T000000000Z", "ok", "finished"), ("20260102T000000000Z", "failed", "shutdown"),
    )  # fmt: skip
    store.write_description("semeoz", {
        "id": "semeoz", "name": "Semeoz", "homepage": "javascript:alert(1)",
        "logo": 'http://semeoz.info/i.png" onerror="alert(5)', "licence": None,
    })  # fmt: skip
    write_runs(store, "semeoz", ("20260103T000000000Z", "ok", "finished"))
    publish_good_run(store, "solidarum")
    store.write_description("rtes", {
        "id": "rtes", "name": "RTES", "homepage": "http://rtes.fr", "logo": "",
        "licence": {"name": "CC BY-SA 4.0", "url": ""},
    })  # fmt: skip


@pytest.fixture
def client(engine: Engine, tmp_path: Path) -> FlaskClient:
    engine.replace_all(catalogue())
    write_contributors(RawStore(tmp_path / "raw"))
    return create_app({"data_dir": str(tmp_path)}, engine=engine).test_client()


def get(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response


def csv_rows(client: FlaskClient, query: str = "") -> list[dict[str, str]]:
    body = get(client, f"/api/v1/export?format=csv{query}").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_sources_lists_every_contributor_known_to_the_raw_store_by_name(
    client: FlaskClient,
) -> None:
    sources = get(client, "/api/v1/sources").get_json()["sources"]
    assert [s["id"] for s in sources] == ["avise", "rtes", "semeoz", "solidarum"]
    avise, rtes, semeoz, solidarum = sources
    assert avise == {
        "id": "avise", "name": "Avise", "homepage": "https://www.avise.org/",
        "logo": "https://www.avise.org/logo.png",
        "licence": {"name": "Licence Ouverte 2.0 (Etalab)", "url": ETALAB},
        "contact": "projets@avise.org", "projects": 6, "health": "failing", "last_crawl": "2026-01-02T00:01:00Z",
        "last_success": "2026-01-01T00:01:00Z", "failure": "shutdown: in words",
    }  # fmt: skip
    assert (semeoz["projects"], semeoz["health"], semeoz["failure"]) == (2, "ok", None)
    assert semeoz["homepage"] is None and semeoz["logo"] is None  # hostile URLs not served
    assert semeoz["licence"] is None and semeoz["contact"] is None
    assert (solidarum["name"], solidarum["projects"], solidarum["health"]) == (
        "solidarum", 1, "never_crawled",
    )  # fmt: skip
    assert (rtes["projects"], rtes["last_crawl"], rtes["licence"]["url"]) == (0, None, None)


def test_an_empty_raw_store_has_no_sources(engine: Engine, tmp_path: Path) -> None:
    client = create_app({"data_dir": str(tmp_path)}, engine=engine).test_client()
    assert get(client, "/api/v1/sources").get_json() == {"sources": []}


def test_the_csv_export_has_every_project_with_its_contributors_pages_and_licences(
    client: FlaskClient,
) -> None:
    response = get(client, "/api/v1/export?format=csv")
    assert response.is_streamed
    assert response.content_type == "text/csv; charset=utf-8; header=present"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="cis-projets-\d{4}-\d\d-\d\d\.csv"', disposition)
    assert response.headers["Link"] == '</api/v1/sources>; rel="license"'
    rows = {row["id"]: row for row in csv_rows(client)}
    assert len(rows) == 8
    epicerie = rows["p-epicerie"]
    assert (epicerie["nom"], epicerie["code_insee"]) == ("Épicerie solidaire de Moulins", "03190")
    assert epicerie["source"] == "avise;solidarum"
    assert epicerie["lien_source"].split(";") == [
        "https://avise.example/p/p-epicerie", "https://solidarum.example/p/p-epicerie",
    ]  # fmt: skip
    assert epicerie["licence"] == ("Licence Ouverte 2.0 (Etalab);licence not stated, ask solidarum")
    assert rows["p-desc-only"]["latitude"] == rows["p-desc-only"]["longitude"] == ""


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("&domain=sust_env", {"p-jardin", "p-repair-moulins", "p-repair-rennes"}),
        ("&q=repair", {"p-repair-moulins", "p-repair-rennes"}),
        ("&source=semeoz&commune=35238", {"p-repair-rennes"}),
        ("&bbox=-2,47.5,-1,48.5", {"p-repair-rennes", "p-fle"}),
        ("&near=48.11,-1.68&radius_km=20", {"p-repair-rennes", "p-fle"}),
    ],
)
def test_search_filters_narrow_the_export(client: FlaskClient, query: str, ids: set[str]) -> None:
    assert {row["id"] for row in csv_rows(client, query)} == ids


def test_the_json_export_is_one_document_with_the_licences_of_its_contributors(
    client: FlaskClient,
) -> None:
    response = get(client, "/api/v1/export?format=json&source=semeoz")
    assert response.content_type == "application/json"
    assert response.headers["Content-Disposition"].endswith('.json"')
    body = json.loads(response.get_data(as_text=True))
    assert {row["id"] for row in body["projects"]} == {"p-repair-moulins", "p-repair-rennes"}
    assert body["projects"][0]["source"] == ["semeoz"]
    assert body["licences"] == [{
        "source": "semeoz", "name": "Semeoz", "licence": "licence not stated, ask Semeoz",
        "licence_url": None,
    }]  # fmt: skip


def test_the_geojson_export_puts_longitude_first_and_null_geometry_without_location(
    client: FlaskClient,
) -> None:
    response = get(client, "/api/v1/export?format=geojson")
    assert response.content_type == "application/geo+json"
    body = json.loads(response.get_data(as_text=True))
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 8
    features = {feature["id"]: feature for feature in body["features"]}
    assert features["p-fle"]["geometry"] == {"type": "Point", "coordinates": [-1.68, 48.1113]}
    assert features["p-desc-only"]["geometry"] is None
    assert [s["source"] for s in body["licences"]] == ["avise", "semeoz", "solidarum"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("format=xml", "format"), ("format=", "format"), ("page=2", "page"),
     ("cursor=*", "cursor"), ("bbox=1,2", "bbox")],
)  # fmt: skip
def test_bad_export_parameters_are_a_400_naming_them(
    client: FlaskClient, query: str, parameter: str
) -> None:
    body = get(client, f"/api/v1/export?{query}", status=400).get_json()
    assert body["error"]["parameter"] == parameter


def test_an_engine_outage_before_the_first_byte_is_a_503_json(tmp_path: Path) -> None:
    down = ElasticsearchEngine.connect(f"http://127.0.0.1:{free_port()}", alias="cis")
    client = create_app({"data_dir": str(tmp_path)}, engine=down).test_client()
    for url in ("/api/v1/export?format=csv", "/api/v1/export?format=geojson", "/api/v1/sources"):
        response = get(client, url, status=503)
        assert response.get_json()["error"]["code"] == "engine_unavailable"


def test_a_ten_thousand_project_export_is_streamed_in_bounded_chunks(
    engine: Engine, tmp_path: Path
) -> None:
    engine.replace_all(project(f"p-{n:05d}", f"Projet {n}") for n in range(10_000))
    client = create_app({"data_dir": str(tmp_path)}, engine=engine).test_client()
    response = client.get("/api/v1/export?format=csv", buffered=False)
    assert response.is_streamed
    chunks = [chunk.decode("utf-8") for chunk in response.response]
    # Written as it is read: many chunks, none much larger than one batch of rows.
    assert len(chunks) > 10 and max(map(len, chunks)) < 2 * CHUNK_CHARS
    rows = list(csv.DictReader(io.StringIO("".join(chunks), newline="")))
    assert len(rows) == len({row["id"] for row in rows}) == 10_000
