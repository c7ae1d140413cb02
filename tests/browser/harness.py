"""Helpers of the browser tests: serve a WSGI app for real, page setup, logs, screenshots.

The fixtures built on them are in conftest.py; tests import what they call from here.
"""

from __future__ import annotations

import re
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.types import WSGIApplication

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Route
from werkzeug.serving import WSGIRequestHandler, make_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
# Requests leaving the machine: anything but the loopback servers the tests start.
OFF_SITE = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost|\[::1\])[:/])[a-z][a-z0-9+.-]*://")
SHUTDOWN_DEADLINE_S = 10


@dataclass(frozen=True)
class Viewport:
    """A browser window size, and whether it is a phone's (touch, meta viewport honoured)."""

    name: str
    width: int
    height: int
    is_mobile: bool = False

    def context_options(self) -> dict[str, Any]:
        """The ``Browser.new_context`` arguments of this viewport."""
        return {
            "viewport": {"width": self.width, "height": self.height},
            "is_mobile": self.is_mobile,
            "has_touch": self.is_mobile,
        }


DESKTOP = Viewport("desktop", 1280, 800)
MOBILE = Viewport("mobile", 390, 844, is_mobile=True)


@dataclass
class BrowserLog:
    """What went wrong in the pages of one test, and what they asked of other hosts.

    ``errors``: console messages of type "error" (CSP violations included: Chromium reports
    them there), uncaught exceptions ("pageerror") and off-site requests other than images,
    which are refused. ``offline_images``: URLs of off-site images (map tiles, logos),
    answered with a transparent 1x1 PNG so that pages render the same without a network.
    """

    errors: list[str] = field(default_factory=list)
    offline_images: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        """Record the errors of ``page`` from now on."""
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def watch_context(self, context: BrowserContext) -> None:
        """Record the errors of every page of ``context``, and answer its off-site requests."""
        context.on("page", self.watch)
        context.route(OFF_SITE, self._off_site)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text} (in {message.location['url']})")

    def _page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught {error.name}: {error.message}")

    def _off_site(self, route: Route) -> None:
        request = route.request
        if request.resource_type == "image":
            self.offline_images.append(request.url)
            route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            self.errors.append(f"off-site {request.resource_type} refused: {request.url}")
            route.abort("blockedbyclient")


def _png(width: int, height: int) -> bytes:
    """A fully transparent RGBA PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + b"\0\0\0\0" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


BLANK_PNG = _png(1, 1)


def new_page(
    browser: Browser, log: BrowserLog, *, javascript: bool = True, viewport: Viewport = DESKTOP
) -> Page:
    """A page in a fresh context (French, Paris time) whose errors go to ``log``.

    Close it with ``page.context.close()``.
    """
    context = browser.new_context(
        java_script_enabled=javascript,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        **viewport.context_options(),
    )
    log.watch_context(context)
    return context.new_page()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as test-artifacts/screenshots/{name}.png; its path."""
    path = (SCREENSHOTS / f"{name}.png").resolve()
    if not path.is_relative_to(SCREENSHOTS) or not name:
        raise ValueError(f"screenshot name {name!r} leaves {SCREENSHOTS}")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without its line per request (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def serve(app: WSGIApplication) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1, a free port, from a background thread; its base URL.

    The socket listens before this returns (requests wait in its backlog until the thread
    accepts them): no wait is needed. Stopped, its port freed, on exit.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"browser-test-server-{server.server_port}",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(SHUTDOWN_DEADLINE_S)
        if thread.is_alive():
            raise RuntimeError(f"the test server on port {server.server_port} did not stop")
