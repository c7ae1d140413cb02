"""Local sites on 127.0.0.1 that misbehave as real ones do: dead, hanging, or far too large.

Each is a context manager serving from background threads on a port the OS picks, and
records the paths it was asked for; ``write_source`` writes a contributor config that
crawls one of them (its ``base_url:`` key is the site's URL). The crawl-bounds tests and
``benchmarks/unreachable.py`` crawl them.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

SOURCE = """\
id: {id}
name: Misbehaving site
homepage: "{{base_url}}/"
base_url: {base_url}
kind: html
start_urls: ["{{base_url}}/projets/"]
navigation:
  follow: {{css: "h2 a", attr: href}}
fields:
  title: {{css: h1}}
"""


def write_source(folder: Path, source_id: str, base_url: str) -> Path:
    """A config of source ``source_id`` whose listing is ``<base_url>/projets/``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{source_id}.yaml"
    path.write_text(SOURCE.format(id=source_id, base_url=base_url), encoding="utf-8")
    return path


@contextmanager
def dead_site() -> Iterator[str]:
    """The URL of a port bound but not listening: every connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # held, so no other process can start listening there
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


class _Site:
    """A server in a background thread that records the paths it is asked for."""

    def __init__(self, server: socketserver.TCPServer) -> None:
        server.daemon_threads = True  # type: ignore[attr-defined]  # both servers thread
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self._lock = threading.Lock()
        self._paths: list[str] = []

    @property
    def paths(self) -> list[str]:
        """Paths requested so far, in arrival order."""
        with self._lock:
            return list(self._paths)

    def record(self, path: str) -> None:
        """Note a request for ``path``."""
        with self._lock:
            self._paths.append(path)

    def __enter__(self) -> Self:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class StallingSite(_Site):
    """Accepts connections and reads the request, then never answers (robots.txt: 404 if asked)."""

    def __init__(self, answer_robots: bool = False) -> None:
        self.released = threading.Event()
        site = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                words = self.rfile.readline().decode("latin-1").split()  # GET /path HTTP/1.1
                path = words[1] if len(words) > 1 else "?"
                site.record(path)
                if answer_robots and path == "/robots.txt":
                    self.wfile.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    return
                site.released.wait()  # until the site stops: the connection stays silent

        super().__init__(socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler))

    def __exit__(self, *exc_info: object) -> None:
        self.released.set()
        super().__exit__(*exc_info)


class HugeSite(_Site):
    """A listing of two projects, one of them (or the listing itself) ``size`` bytes large.

    robots.txt answers 404; ``/projets/`` links to ``/projets/small/`` and ``huge``;
    the huge page announces its length or not (then it ends when the connection closes).
    """

    LISTING = (
        b'<h2><a href="/projets/small/">Small</a></h2><h2><a href="/projets/huge/">Huge</a></h2>'
    )

    def __init__(
        self, size: int, *, huge: str = "/projets/huge/", announce_length: bool = True
    ) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # without Content-Length the body ends at close

            def log_message(self, format: str, *args: Any) -> None:
                """Stay quiet."""

            def do_GET(self) -> None:
                site.record(self.path)
                if self.path == "/robots.txt":
                    self.send_error(404)
                elif self.path == huge:
                    self._send_huge()
                else:
                    listing = self.path == "/projets/"
                    self._send(HugeSite.LISTING if listing else b"<h1>Small project</h1>")

            def _send(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _send_huge(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                if announce_length:
                    self.send_header("Content-Length", str(size))
                self.end_headers()
                chunk = b"<p>" + b"x" * 65_529 + b"</p>\n"  # 64 KiB
                try:
                    for _ in range(size // len(chunk)):
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler stopped reading: that is the point

        super().__init__(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
