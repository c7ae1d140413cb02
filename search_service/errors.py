"""One JSON error path for the API: an ApiError hierarchy and the handlers that render it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from engines import EngineError, EngineUnavailable
from engines.base import InvalidCursor


class ApiError(Exception):
    """An error the API reports as JSON with ``status``."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter

    def to_json(self) -> dict[str, dict[str, object]]:
        """The documented error shape: code, message, and the parameter at fault."""
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.parameter:
            body["parameter"] = self.parameter
        return {"error": body}


class BadParameter(ApiError):
    """A query parameter is unknown or malformed (400, naming it)."""

    status = 400
    code = "invalid_parameter"


class NotFound(ApiError):
    """No such route or project (404)."""

    status = 404
    code = "not_found"


class InvalidApiKey(ApiError):
    """An ``X-API-Key`` that is unknown or revoked (401): never served as anonymous."""

    status = 401
    code = "invalid_api_key"


class RateLimited(ApiError):
    """The client's rate limit is used up (429; the headers say when to retry)."""

    status = 429
    code = "rate_limited"


class Unavailable(ApiError):
    """The engine cannot answer now (503)."""

    status = 503
    code = "engine_unavailable"


# Renders an error as a page for people (the portal's): status and message in, page out.
ErrorPage = Callable[[int, str], Response]


def _answer(body: Mapping[str, Mapping[str, object]], status: int) -> tuple[Response, int]:
    """The JSON error; outside /api/ the portal's error page, when the app has a portal."""
    page: ErrorPage | None = current_app.extensions.get("cis_error_page")
    if page is not None and not request.path.startswith("/api/"):
        return page(status, str(body["error"]["message"])), status
    return jsonify(body), status


def register_error_handlers(app: Flask) -> None:
    """Render every error, ours or Flask's, as one JSON shape (pages: the portal's)."""

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[Response, int]:
        return _answer(error.to_json(), error.status)

    @app.errorhandler(EngineUnavailable)
    def engine_down(error: EngineUnavailable) -> tuple[Response, int]:
        app.logger.warning("search engine unavailable: %s", error)
        return api_error(Unavailable("the search engine is unavailable, retry shortly"))

    @app.errorhandler(InvalidCursor)
    def foreign_cursor(error: InvalidCursor) -> tuple[Response, int]:
        message = "cursor: not a cursor this API gave out for this search; start with cursor=*"
        return api_error(BadParameter(message, parameter="cursor"))

    @app.errorhandler(EngineError)
    def engine_failed(error: EngineError) -> tuple[Response, int]:
        app.logger.error("search engine error: %s", error)
        return api_error(ApiError("the search engine failed on this request"))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        body = {
            "error": {
                "code": (error.name or "error").lower().replace(" ", "_"),
                "message": error.description,
            }
        }
        return _answer(body, status)
