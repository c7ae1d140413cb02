"""The public and partner HTTP API, version 1: straight-line views over the injected engine."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, current_app, jsonify, request

from engines import Engine
from engines.base import MapRequest
from search_service.cursors import CursorSigner
from search_service.errors import BadParameter, NotFound
from search_service.labels import Labeller
from search_service.openapi import openapi_document
from search_service.params import (
    MAP_PARAMETERS,
    MAX_SUGGEST_LENGTH,
    MAX_ZOOM,
    SIMILAR_PARAMETERS,
    SUGGEST_PARAMETERS,
    bounded_int,
    parse_near,
    refuse_unknown,
)
from search_service.responses import HIT_FIELDS, full_project, map_response, search_response, tile
from search_service.suggest import MAX_SUGGEST_SIZE, suggestions
from search_service.understanding.reading import read_args

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")


def engine() -> Engine:
    """The engine the app factory injected."""
    injected: Engine = current_app.extensions["cis_engine"]
    return injected


def labeller() -> Labeller:
    """Names for codes, built by the app factory."""
    built: Labeller = current_app.extensions["cis_labels"]
    return built


def cursors() -> CursorSigner:
    """The cursor signer, keyed by the app factory."""
    signer: CursorSigner = current_app.extensions["cis_cursors"]
    return signer


@api.get("/search")
def search() -> Response:
    """Full-text search with multi-select facets, viewport, distance and paging."""
    reading = read_args(request.args, engine(), cursors())
    result = engine().search(replace(reading.request, fields=HIT_FIELDS))
    return jsonify(search_response(reading, result, labeller(), cursors()))


@api.get("/map")
def map_view() -> Response:
    """The search's located hits as clusters on a tile grid, or as points when few."""
    refuse_unknown(request.args, MAP_PARAMETERS)
    zoom = bounded_int(request.args, "zoom", default=5, low=0, high=MAX_ZOOM)
    reading = read_args(request.args, engine(), cursors(), MAP_PARAMETERS)
    map_request = MapRequest(search=reading.request, zoom=zoom)
    result = engine().map(map_request)
    return jsonify(map_response(zoom, map_request.precision, result))


@api.get("/suggest")
def suggest() -> Response:
    """Typed completions: places, themes and project titles."""
    refuse_unknown(request.args, SUGGEST_PARAMETERS)
    text = request.args.get("q", "").strip()
    if not text:
        raise BadParameter("q is required: the start of what the user typed", parameter="q")
    if len(text) > MAX_SUGGEST_LENGTH:
        raise BadParameter(f"q is longer than {MAX_SUGGEST_LENGTH} characters", parameter="q")
    size = bounded_int(request.args, "size", default=8, low=1, high=MAX_SUGGEST_SIZE)
    return jsonify({"q": text, **suggestions(engine(), text, size)})


@api.get("/projects/<project_id>")
def project(project_id: str) -> Response:
    """One project, complete, with per-field provenance."""
    found = engine().get(project_id)
    if found is None:
        raise NotFound(f"no project {project_id!r}")
    return jsonify(full_project(found, labeller()))


@api.get("/projects/<project_id>/similar")
def similar(project_id: str) -> Response:
    """Projects similar in text and themes, optionally near a point."""
    refuse_unknown(request.args, SIMILAR_PARAMETERS)
    size = bounded_int(request.args, "size", default=6, low=1, high=40)
    near, radius_km = parse_near(request.args)
    found = engine().similar(project_id, size, near=near, radius_km=radius_km)
    if found is None:
        raise NotFound(f"no project {project_id!r}")
    return jsonify({"results": [tile(p, labeller()) for p in found]})


@api.get("/stats")
def stats() -> Response:
    """The home counter: projects, contributors, projects listed by several contributors."""
    counts = engine().stats()
    return jsonify(
        {
            "projects": counts.projects,
            "contributors": counts.contributors,
            "multi_listed": counts.multi_listed,
        }
    )


@api.get("/openapi.json")
def openapi() -> Response:
    """This API's OpenAPI 3.1 document."""
    return jsonify(openapi_document())


@api.get("/health")
def health() -> Response:
    """Engine status and project count (503 when the engine is down); nothing internal."""
    status = engine().health()
    return jsonify({"status": "ok", "engine": status["engine"], "projects": engine().count()})
