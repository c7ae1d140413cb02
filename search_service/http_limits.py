"""The size limits of a request, stated once: the API enforces them, the docs quote them.

gunicorn refuses a request line over ``GUNICORN_REQUEST_LINE_BYTES`` itself (JSON 414, by
search_service.gunicorn_worker); the app refuses a URL over ``MAX_URL_BYTES`` first, so
that a client over the documented limit gets the API's own answer whichever server
stands in front. The longest valid search (a 500-character CJK ``q``, ~4.5 KB once
percent-encoded) fits well within both.
"""

from __future__ import annotations

from flask import Flask, request

from search_service.errors import ApiError

MAX_URL_BYTES = 8000  # path and query string as sent, percent-encoded
GUNICORN_REQUEST_LINE_BYTES = 8190  # gunicorn's largest; the method and version fit around a URL
GUNICORN_HEADER_FIELDS = 50
GUNICORN_HEADER_FIELD_BYTES = 8190


class UriTooLong(ApiError):
    """The URL is longer than MAX_URL_BYTES (414)."""

    status = 414
    code = "uri_too_long"


def refuse_long_urls(app: Flask) -> None:
    """Answer 414 JSON to any request whose URL is over MAX_URL_BYTES."""

    @app.before_request
    def check_url_length() -> None:
        if url_bytes() > MAX_URL_BYTES:
            raise UriTooLong(f"the URL is longer than {MAX_URL_BYTES} bytes")


def url_bytes() -> int:
    """Length of the request's URL as the client sent it (path and query string)."""
    # WSGI strings hold the bytes as latin-1; RAW_URI (gunicorn, werkzeug) is the URL as sent.
    sent = request.environ.get("RAW_URI") or request.full_path
    return len(str(sent).encode("latin-1", "replace"))
