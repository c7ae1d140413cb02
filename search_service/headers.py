"""Headers every answer carries: security, caching and cross-origin reading.

JSON answers get a CSP that forbids everything (a JSON body is never a page to render);
HTML pages, when the portal serves them, set their own. Successful GET answers get an
ETag (a client's If-None-Match gets a 304) and a short public cache lifetime.
"""

from __future__ import annotations

from flask import Flask, Response, request

CACHE_SECONDS = 60
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# Answers that say how things are now, not what the index holds.
UNCACHED_PATHS = frozenset({"/api/v1/health"})


def register_headers(app: Flask) -> None:
    """Add the headers to every answer of ``app``."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        if response.mimetype == "application/json":
            response.headers.setdefault("Content-Security-Policy", JSON_CSP)
        if request.path.startswith("/api/"):
            # Partners call the API from their own sites' pages: read-only, so any origin may.
            response.headers["Access-Control-Allow-Origin"] = "*"
        _cache(response)
        return response


def _cache(response: Response) -> None:
    cacheable = request.method in ("GET", "HEAD") and response.status_code == 200
    if not cacheable or request.path in UNCACHED_PATHS:
        response.headers.setdefault("Cache-Control", "no-store")
        return
    response.headers.setdefault("Cache-Control", f"public, max-age={CACHE_SECONDS}")
    if not response.is_streamed:
        response.add_etag()
        response.make_conditional(request)
