"""The gunicorn worker of the service: gthread, with gunicorn's own error answers in JSON.

gunicorn answers a request it cannot parse (bad request line, URL or headers over its
limits…) before the app sees it, with an HTML page. This worker lets gunicorn decide the
status and log the error as usual, then sends the API's error shape instead of the page.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any

import gunicorn.http.wsgi
from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from search_service.http_limits import MAX_URL_BYTES

# gunicorn has no setting for its Server header and sends its name; say nothing of it.
gunicorn.http.wsgi.SERVER = "cis"

# The (code, message) of the statuses gunicorn answers most; others use the status phrase.
ERRORS = {
    400: ("bad_request", "the request is not valid HTTP"),
    414: ("uri_too_long", f"the URL is longer than {MAX_URL_BYTES} bytes"),
    431: ("request_header_fields_too_large", "the header fields are too many or too large"),
    500: ("internal_error", "the server failed on this request"),
}
STATUS_LINE = re.compile(rb"HTTP/1\.1 (\d{3}) ")


class JsonErrorWorker(ThreadWorker):  # type: ignore[misc]
    """gthread worker whose own error answers are JSON."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """Let gunicorn classify and log ``exc``, then answer in the API's error shape."""
        page = _WrittenBytes()
        super().handle_error(req, page, addr, exc)
        found = STATUS_LINE.match(bytes(page))
        status = int(found.group(1)) if found else 500
        try:
            util.write_nonblock(client, json_error(status))
        except OSError:
            self.log.debug("Failed to send error message.")


class _WrittenBytes(bytearray):
    """Stands in for the client socket: keeps what gunicorn would have sent."""

    def gettimeout(self) -> float:
        return 0.0  # non-blocking: gunicorn writes at once, without changing modes

    def sendall(self, data: bytes) -> None:
        self.extend(data)


def json_error(status: int) -> bytes:
    """A complete HTTP answer with ``status`` and the API's error body."""
    phrase = HTTPStatus(status).phrase
    code, message = ERRORS.get(status, (phrase.lower().replace(" ", "_"), phrase))
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status} {phrase}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body
