"""The export writers over plain lists of projects: columns, quoting, licences, GeoJSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from cis.records import Project, SourceDescription
from search_service.contributors import LicenceBook
from search_service.export import COLUMNS, csv_pieces, geojson_pieces, in_chunks, json_pieces
from tests.factories import RENNES, project

DESCRIPTIONS: list[SourceDescription] = [
    {"id": "avise", "name": "Avise", "homepage": "https://www.avise.org", "logo": "",
     "licence": {"name": "Licence Ouverte 2.0 (Etalab)", "url": "https://www.etalab.gouv.fr/lo"}},
    {"id": "semeoz", "name": "Semeoz", "homepage": "http://semeoz.info/", "logo": "",
     "licence": None},
]  # fmt: skip


def projects() -> list[Project]:
    """Two projects: a full one listed twice, and a hostile one without location."""
    full = project(
        "p-1",
        "Épicerie solidaire, « Le Panier »",
        summary='Aide "digne",\nsur deux lignes.',
        siret="12345678901234",
        website="https://epicerie.example/",
        codes=["ALI", "INS"],
        publics=["senior"],
        sources=["avise", "semeoz"],
        address={**RENNES, "street": "2 rue de la Paix"},
    )
    hostile = project(
        "p-2",
        '=HYPERLINK("http://evil.example")',
        website="javascript:alert(1)",
        location=None,
        sources=["solidarum"],
    )
    hostile["sources"][0]["url"] = "https://solidarum.example/p?a=1;b=2"
    return [full, hostile]


def text(pieces: Any) -> str:
    return "".join(pieces)


def book() -> LicenceBook:
    return LicenceBook(DESCRIPTIONS)


def test_csv_has_a_header_one_row_a_project_and_rfc_4180_quoting() -> None:
    body = text(csv_pieces(projects(), book()))
    assert body.startswith("id,nom,siret,") and "\r\n" in body and not body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert list(rows[0]) == [*COLUMNS, "licence"]
    full = rows[0]
    assert full["nom"] == "Épicerie solidaire, « Le Panier »"
    assert full["presentation_resume"] == 'Aide "digne",\nsur deux lignes.'
    assert (full["code_insee"], full["code_postal"], full["commune"]) == (
        "35238",
        "35000",
        "Rennes",
    )
    assert (full["latitude"], full["longitude"]) == ("48.1113", "-1.68")  # WGS84, not made inert
    assert full["thematiques"] == "ALI;INS" and full["site_web"] == "https://epicerie.example/"
    assert full["source"] == "avise;semeoz"
    assert full["lien_source"] == "https://avise.example/p/p-1;https://semeoz.example/p/p-1"
    assert full["licence"] == (
        "Licence Ouverte 2.0 (Etalab);licence not stated, ask Semeoz (http://semeoz.info/)"
    )
    assert full["date_maj"] == "2026-11-01T00:00:00+00:00"


def test_csv_cells_stay_data_a_spreadsheet_will_not_run() -> None:
    hostile = list(csv.DictReader(io.StringIO(text(csv_pieces(projects(), book())), newline="")))[1]
    assert hostile["nom"] == '\'=HYPERLINK("http://evil.example")'
    assert hostile["site_web"] == "" and hostile["latitude"] == ""
    # A ';' inside a page URL is percent-encoded: splitting on ';' stays exact.
    assert hostile["lien_source"].split(";") == ["https://solidarum.example/p?a=1%3Bb=2"]
    assert hostile["licence"] == "licence not stated, ask Solidarum"  # unknown to the raw store


def test_an_empty_csv_export_is_its_header() -> None:
    assert text(csv_pieces([], book())) == ",".join((*COLUMNS, "licence")) + "\r\n"


def test_json_is_one_document_with_the_licence_of_each_contributor_met() -> None:
    body = json.loads(text(json_pieces(projects(), book())))
    assert [row["id"] for row in body["projects"]] == ["p-1", "p-2"]
    full, hostile = body["projects"]
    assert full["source"] == ["avise", "semeoz"] and full["thematiques"] == ["ALI", "INS"]
    assert (full["latitude"], full["longitude"]) == (48.1113, -1.68)
    assert hostile["site_web"] is None and hostile["latitude"] is None
    assert hostile["nom"].startswith("=")  # JSON is no spreadsheet: the data as it is
    assert body["licences"] == [
        {"source": "avise", "name": "Avise", "licence": "Licence Ouverte 2.0 (Etalab)",
         "licence_url": "https://www.etalab.gouv.fr/lo"},
        {"source": "semeoz", "name": "Semeoz",
         "licence": "licence not stated, ask Semeoz (http://semeoz.info/)", "licence_url": None},
        {"source": "solidarum", "name": "Solidarum",
         "licence": "licence not stated, ask Solidarum", "licence_url": None},
    ]  # fmt: skip
    assert json.loads(text(json_pieces([], book()))) == {"projects": [], "licences": []}


def test_geojson_puts_longitude_first_and_a_null_geometry_without_location() -> None:
    body = json.loads(text(geojson_pieces(projects(), book())))
    assert body["type"] == "FeatureCollection"
    located, unlocated = body["features"]
    assert located["type"] == "Feature" and located["id"] == "p-1"
    assert located["geometry"] == {"type": "Point", "coordinates": [-1.68, 48.1113]}
    assert "latitude" not in located["properties"] and located["properties"]["nom"]
    assert unlocated["geometry"] is None
    assert [s["source"] for s in body["licences"]] == ["avise", "semeoz", "solidarum"]


def test_pieces_are_sent_in_chunks_of_bounded_size() -> None:
    chunks = list(in_chunks((f"{n:04d}\n" for n in range(1000)), size=100))
    assert "".join(chunks) == "".join(f"{n:04d}\n" for n in range(1000))
    assert len(chunks) == 50 and all(len(chunk) == 100 for chunk in chunks)
