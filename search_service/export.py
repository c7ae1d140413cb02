"""The open-data export: projects as CSV, JSON or GeoJSON rows, written as a stream of text.

Key concepts: a *row* is one project in columns named after the data·inclusion
"structure" schema where they overlap (``nom``, ``code_insee``, ``presentation_resume``,
``lien_source``, ``date_maj``…), the same in every format; each writer turns an iterator
of projects into pieces of text, batched into chunks of about ``CHUNK_CHARS``, so an
export of any size holds one chunk in memory. Every row names its contributors
(``source``) and their pages (``lien_source``), in the same order; each contributor's
licence is stated once at the end of a JSON/GeoJSON document (``licences``), in a
``licence`` column of each CSV row (a CSV file has nowhere else a reader will look).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cis.records import Project
from cis.urls import safe_http_url
from search_service.contributors import LicenceBook

CHUNK_CHARS = 64 * 1024
COLUMNS = (
    "id", "nom", "siret", "code_insee", "code_postal", "commune", "adresse", "latitude",
    "longitude", "precision_geo", "presentation_resume", "presentation_detail", "site_web",
    "thematiques", "publics", "source", "lien_source", "date_maj",
)  # fmt: skip
# Free text a spreadsheet must not run as a formula (OWASP "CSV injection").
TEXT_COLUMNS = ("nom", "commune", "adresse", "presentation_resume", "presentation_detail")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"


def export_row(project: Project) -> dict[str, Any]:
    """One project in the export's columns (``None`` where it says nothing; lists as lists)."""
    address, location = project.get("address") or {}, project.get("location")
    sources = project.get("sources", [])
    return {
        "id": project["id"],
        "nom": project.get("title") or None,
        "siret": project.get("siret") or None,
        "code_insee": address.get("commune_code") or None,
        "code_postal": address.get("postcode") or None,
        "commune": address.get("commune") or address.get("city") or None,
        "adresse": address.get("street") or None,
        "latitude": location["lat"] if location else None,
        "longitude": location["lon"] if location else None,
        "precision_geo": project.get("geo_precision") or None,
        "presentation_resume": project.get("summary") or None,
        "presentation_detail": project.get("description") or None,
        "site_web": safe_http_url(project.get("website")),
        "thematiques": list(project.get("codes", [])),
        "publics": list(project.get("publics", [])),
        "source": [ref["source"] for ref in sources],
        "lien_source": [safe_http_url(ref["url"]) for ref in sources],
        "date_maj": project.get("updated_at") or None,
    }


def csv_pieces(projects: Iterable[Project], book: LicenceBook) -> Iterator[str]:
    """RFC 4180 CSV (CRLF, quoted as needed): a header row, then one row a project."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow((*COLUMNS, "licence"))
    for project in projects:
        row = export_row(project)
        licences = [statement["licence"] for statement in book.statements(project)]
        writer.writerow([*(csv_cell(name, row[name]) for name in COLUMNS), joined(licences)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()  # the header alone, when nothing matched


def csv_cell(column: str, value: Any) -> str:
    """A value as CSV text: lists joined by ``;``, nothing as empty, formulas made inert."""
    if value is None:
        return ""
    if isinstance(value, list):
        return joined(value)
    text = str(value)
    if column in TEXT_COLUMNS and text.startswith(FORMULA_STARTS):
        return "'" + text  # the usual mark of a cell meant as text
    return text


def joined(values: Iterable[str | None]) -> str:
    """``a;b``: a ``;`` inside a value (a URL's) is percent-encoded, so the split is exact."""
    return LIST_SEPARATOR.join((value or "").replace(";", "%3B") for value in values)


def json_pieces(projects: Iterable[Project], book: LicenceBook) -> Iterator[str]:
    """``{"projects": [row, …], "licences": [statement, …]}``: one valid JSON document."""
    yield '{"projects": ['
    separator = "\n"
    for project in projects:
        book.statements(project)
        yield separator + _json(export_row(project))
        separator = ",\n"
    yield '\n], "licences": ' + _json(book.met_so_far()) + "}\n"


def geojson_pieces(projects: Iterable[Project], book: LicenceBook) -> Iterator[str]:
    """An RFC 7946 FeatureCollection (longitude first; no location, ``"geometry": null``)."""
    yield '{"type": "FeatureCollection", "features": ['
    separator = "\n"
    for project in projects:
        book.statements(project)
        yield separator + _json(feature(export_row(project)))
        separator = ",\n"
    # A foreign member (RFC 7946 section 6.1): GeoJSON readers keep or ignore it.
    yield '\n], "licences": ' + _json(book.met_so_far()) + "}\n"


def feature(row: dict[str, Any]) -> dict[str, Any]:
    """A row as a GeoJSON Feature: its point as geometry, the other columns as properties."""
    lon, lat = row["longitude"], row["latitude"]
    geometry = None if lat is None else {"type": "Point", "coordinates": [lon, lat]}
    properties = {k: v for k, v in row.items() if k not in ("latitude", "longitude")}
    return {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": properties}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def in_chunks(pieces: Iterable[str], size: int = CHUNK_CHARS) -> Iterator[str]:
    """``pieces`` joined into chunks of at least ``size`` characters (the last one shorter)."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


@dataclass(frozen=True)
class ExportFormat:
    """One ``format`` of the export: its writer, media type and file extension."""

    name: str
    media_type: str
    pieces: Callable[[Iterable[Project], LicenceBook], Iterator[str]]


EXPORT_FORMATS = {
    f.name: f
    for f in (
        # No byte-order mark: RFC 4180 and data.gouv.fr's guidelines expect plain UTF-8,
        # and csv readers would take a BOM as part of the first column's name.
        ExportFormat("csv", "text/csv; charset=utf-8; header=present", csv_pieces),
        ExportFormat("json", "application/json", json_pieces),
        ExportFormat("geojson", "application/geo+json", geojson_pieces),
    )
}
