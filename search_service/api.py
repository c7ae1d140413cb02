"""The public and partner HTTP API, version 1: straight-line views over the injected engine."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from engines import Engine
from search_service.errors import NotFound
from search_service.params import parse_search_args
from search_service.responses import search_response

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")


@api.after_request
def allow_embedding(response: Response) -> Response:
    """Partners call the API from their own sites' pages: read-only, so any origin may."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def engine() -> Engine:
    """The engine the app factory injected."""
    injected: Engine = current_app.extensions["cis_engine"]
    return injected


@api.get("/search")
def search() -> Response:
    """Full-text search with multi-select facets, viewport and paging."""
    search_request = parse_search_args(request.args)
    result = engine().search(search_request)
    return jsonify(search_response(search_request, result))


@api.get("/projects/<project_id>")
def project(project_id: str) -> Response:
    """One project, complete, with per-field provenance."""
    found = engine().get(project_id)
    if found is None:
        raise NotFound(f"no project {project_id!r}")
    return jsonify(found)


@api.get("/health")
def health() -> Response:
    """Engine status and project count (503 when the engine is down)."""
    status = engine().health()
    return jsonify({**status, "projects": engine().count()})
