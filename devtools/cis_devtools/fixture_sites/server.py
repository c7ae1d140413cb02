"""Serve each generated fixture site on its own 127.0.0.1 port, logging every request.

Key concepts: one threaded stdlib HTTP server per site, so each site has its own
host:port, robots.txt and politeness slot; see handler.py for what each one answers.
"""

from __future__ import annotations

import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cis_devtools.fixture_sites.handler import RequestRecord, SiteHandler, SiteState
from cis_devtools.fixture_sites.manifest import FixtureManifest


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, state: SiteState) -> None:
        super().__init__((host, port), SiteHandler)
        self.state = state

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A crawler that drops a connection is normal here, not an error to print.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class FixtureServer:
    """All fixture sites of one generated root, each on its own port; a context manager."""

    def __init__(
        self, root: Path, host: str = "127.0.0.1", *, latency: float = 0.0, first_port: int = 0
    ) -> None:
        self.root, self.host, self.latency = Path(root), host, latency
        self.first_port = first_port
        self._servers: dict[str, _SiteServer] = {}
        self._threads: list[threading.Thread] = []

    def start(self) -> FixtureServer:
        """Bind one port per site and serve each in a background thread.

        With ``first_port`` the sites take consecutive ports from it (so their URLs, and
        the ids of the projects they list, stay the same from one run to the next);
        otherwise, or when such a port is taken, any free one.
        """
        for n, info in enumerate(FixtureManifest.load(self.root).sites):
            state = SiteState(info.id, self.root, self.latency)
            server = self._bind(n, state)
            state.base_url = f"http://{self.host}:{server.server_address[1]}"
            thread = threading.Thread(
                target=server.serve_forever,
                name=f"fixture-{info.id}",
                kwargs={"poll_interval": 0.1},
                daemon=True,
            )
            thread.start()
            self._servers[info.id], self._threads = server, [*self._threads, thread]
        return self

    def _bind(self, n: int, state: SiteState) -> _SiteServer:
        if self.first_port:
            try:
                return _SiteServer(self.host, self.first_port + n, state)
            except OSError:
                pass  # taken: any free port serves the crawl, only URL stability is lost
        return _SiteServer(self.host, 0, state)

    def stop(self) -> None:
        """Stop every site and free its port."""
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join()
        self._servers, self._threads = {}, []

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def site_ids(self) -> list[str]:
        """Ids of the sites being served."""
        return list(self._servers)

    def base_url(self, site_id: str) -> str:
        """Root URL of a site, e.g. "http://127.0.0.1:43121" (no trailing slash)."""
        return self._servers[site_id].state.base_url

    def requests(self, site_id: str) -> list[RequestRecord]:
        """Every request the site received so far, in arrival order of completion."""
        state = self._servers[site_id].state
        with state.lock:
            return list(state.log)

    def clear_requests(self) -> None:
        """Forget the request logs (e.g. between two crawls)."""
        for server in self._servers.values():
            with server.state.lock:
                server.state.log.clear()


def serve_sites(
    root: Path, host: str = "127.0.0.1", *, latency: float = 0.0, first_port: int = 0
) -> FixtureServer:
    """A FixtureServer for the sites generated under `root` (start it, or use `with`)."""
    return FixtureServer(root, host, latency=latency, first_port=first_port)
