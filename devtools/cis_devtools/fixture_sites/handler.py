"""How a fixture site answers one request, and the in-memory log of what it received.

Static files answer with ETag/Last-Modified and honour conditional requests; routes.json
adds the special answers (query-string pages, redirects, 500-then-ok, 410). The
placeholder origin `http://<site>.invalid` in bodies and `Location` headers becomes the
server's real base URL.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from cis_devtools.fixture_sites.manifest import ROUTES_FILE
from cis_devtools.fixture_sites.markup import origin

_HTML = "text/html; charset=utf-8"
_TYPES = {
    ".html": _HTML,
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_NAMED_TYPES = {
    "feed.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request a fixture site received (times from time.monotonic())."""

    site: str
    method: str
    path: str  # request target as sent: path and query
    status: int
    start: float
    end: float
    user_agent: str


def max_concurrency(records: list[RequestRecord]) -> int:
    """Largest number of requests that were being served at the same moment."""
    events = sorted([(r.start, 1) for r in records] + [(r.end, -1) for r in records])
    current = peak = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak


@dataclass
class SiteState:
    """What the request handlers of one site share (guarded by `lock`)."""

    site_id: str
    root: Path
    latency: float
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    failed_once: set[str] = field(default_factory=set)
    log: list[RequestRecord] = field(default_factory=list)
    _routes: tuple[int, dict[str, dict[str, Any]]] = (-1, {})

    def routes(self) -> dict[str, dict[str, Any]]:
        """The site's special routes, re-read when mutate_sites rewrote routes.json."""
        path = self.root / ROUTES_FILE
        stamp = path.stat().st_mtime_ns
        with self.lock:
            if self._routes[0] != stamp:
                table = json.loads(path.read_text(encoding="utf-8")).get(self.site_id, {})
                self._routes = (stamp, table)
            return self._routes[1]

    def first_failure(self, target: str) -> bool:
        """True exactly once per target: the 500-then-ok page fails its first request."""
        with self.lock:
            if target in self.failed_once:
                return False
            self.failed_once.add(target)
            return True

    def rewrite(self, data: bytes) -> bytes:
        """Swap the placeholder origin for the real base URL."""
        return data.replace(origin(self.site_id).encode(), self.base_url.encode())


def _content_type(path: Path) -> str:
    return _NAMED_TYPES.get(path.name) or _TYPES.get(path.suffix, "application/octet-stream")


def _not_modified(headers: Any, etag: str, mtime: float) -> bool:
    match = headers.get("If-None-Match")
    if match is not None:
        return match.strip() == "*" or etag in [m.strip() for m in match.split(",")]
    since = headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return int(mtime) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError):
        return False


class SiteHandler(BaseHTTPRequestHandler):
    """Answers requests for the site whose `SiteState` the server carries."""

    protocol_version = "HTTP/1.1"
    timeout = 30
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle plus delayed ACKs
    # stall every keep-alive response by ~40 ms.
    disable_nagle_algorithm = True
    server: Any  # a server with a `state: SiteState` attribute

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: requests are logged in memory, not on stderr."""

    def do_HEAD(self) -> None:
        """Answer like GET, without the body."""
        self._serve(head=True)

    def do_GET(self) -> None:
        """Answer from routes.json, else from the site's files."""
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        self._start = time.monotonic()
        if self.server.state.latency:
            time.sleep(self.server.state.latency)
        self._answer(self.server.state, head)

    def _log(self, status: int) -> None:
        # Logged before the response goes out, so a client that has its answer sees it logged.
        state = self.server.state
        agent = self.headers.get("User-Agent", "")
        record = RequestRecord(
            state.site_id, self.command, self.path, status, self._start, time.monotonic(), agent
        )
        with state.lock:
            state.log.append(record)

    def _answer(self, state: SiteState, head: bool) -> int:
        route = state.routes().get(self.path)
        if route is None:
            return self._static(state, self._file_for(urlsplit(self.path).path), None, head)
        kind = route["kind"]
        if kind == "redirect":
            return self._send(
                route["status"],
                b"",
                _HTML,
                head,
                {"Location": state.rewrite(route["location"].encode()).decode()},
            )
        if kind == "gone":
            return self._send(410, b"<h1>410 Gone</h1>", _HTML, head)
        if kind == "flaky" and state.first_failure(self.path):
            return self._send(500, b"<h1>500 Internal Server Error</h1>", _HTML, head)
        docroot = state.root / state.site_id
        return self._static(state, docroot / route["file"], route.get("content_type"), head)

    def _file_for(self, url_path: str) -> Path | None:
        parts = [p for p in unquote(url_path).split("/") if p]
        if any(p in (".", "..") or p.startswith(".") for p in parts):
            return None
        state: SiteState = self.server.state
        path = state.root / state.site_id / "/".join(parts)
        return path / "index.html" if url_path.endswith("/") or not parts else path

    def _static(self, state: SiteState, path: Path | None, ctype: str | None, head: bool) -> int:
        if path is None or not path.is_file():
            return self._send(404, b"<h1>404 Not Found</h1>", _HTML, head)
        body = state.rewrite(path.read_bytes())
        mtime = path.stat().st_mtime
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        headers = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        if _not_modified(self.headers, etag, mtime):
            return self._send(304, b"", None, True, headers)
        return self._send(200, body, ctype or _content_type(path), head, headers)

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str | None,
        head: bool,
        headers: dict[str, str] | None = None,
    ) -> int:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self._log(status)
        self.end_headers()
        if not head:
            self.wfile.write(body)
        return status
