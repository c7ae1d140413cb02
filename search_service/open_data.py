"""Open data: who the contributors are (``/sources``) and the streamed dump (``/export``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context

from cis.raw_store import RawStore
from cis.records import Project
from cis.settings import Settings
from search_service.api import cursors, engine
from search_service.contributors import LicenceBook, contributors
from search_service.errors import BadParameter
from search_service.export import EXPORT_FORMATS, ExportFormat, in_chunks
from search_service.params import FILTER_PARAMETERS, refuse_unknown
from search_service.understanding.reading import read_args

open_data = Blueprint("open_data_v1", __name__, url_prefix="/api/v1")

EXPORT_PARAMETERS = FILTER_PARAMETERS | {"format"}


def raw_store() -> RawStore:
    """The raw store the crawlers write: contributor descriptions and run reports."""
    settings: Settings = current_app.config["CIS_SETTINGS"]
    return RawStore(settings.raw_dir)


@open_data.get("/sources")
def sources() -> Response:
    """Every contributor: description, licence, project count, last crawls and health."""
    return jsonify({"sources": contributors(raw_store(), engine())})


@open_data.get("/export")
def export() -> Response:
    """Every project the filters select, streamed as CSV, JSON or GeoJSON."""
    refuse_unknown(request.args, EXPORT_PARAMETERS)
    chosen = export_format(request.args.get("format", "csv"))
    search = read_args(request.args, engine(), cursors(), frozenset({"format"})).request
    projects = first_fetched(engine().scan(replace(search, facets=())))
    pieces = chosen.pieces(projects, LicenceBook(raw_store().descriptions()))
    filename = f"cis-projets-{datetime.now(UTC).date().isoformat()}.{chosen.name}"
    return Response(
        stream_with_context(in_chunks(pieces)),
        content_type=chosen.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # Where each contributor's licence is stated in full (RFC 8288 link).
            "Link": '</api/v1/sources>; rel="license"',
        },
    )


def export_format(name: str) -> ExportFormat:
    """The format called ``name``, or a 400 naming ``format``."""
    if name not in EXPORT_FORMATS:
        known = ", ".join(EXPORT_FORMATS)
        raise BadParameter(f"format must be one of {known}, got {name[:40]!r}", parameter="format")
    return EXPORT_FORMATS[name]


def first_fetched(projects: Iterator[Project]) -> Iterator[Project]:
    """``projects`` with its first hit already read, before the answer starts."""
    # An engine outage is then raised here, a 503 JSON answer, not a stream cut short.
    first = next(projects, None)
    return iter(()) if first is None else itertools.chain((first,), projects)
