"""Test helpers: the service run by `cis serve` (real gunicorn), raw HTTP, slow clients."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from cis_devtools.localnode.node import free_port

START_DEADLINE_S = 60
PROJECT_ROOT = Path(__file__).resolve().parents[1]
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "cis.conf.template"


@contextmanager
def cis_serve(data_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[int]:
    """`cis serve` as shipped (gunicorn config and worker) on a free port, until the end."""
    port = free_port()
    full_env = {**os.environ, "CIS_DATA_DIR": str(data_dir), **(env or {})}
    if "CIS_ELASTICSEARCH_URL" not in (env or {}):
        full_env.pop("CIS_ELASTICSEARCH_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "cis_cli.main", "serve", "--port", str(port)],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def wait_until_listening(port: int, deadline_s: float = START_DEADLINE_S) -> None:
    """Return once something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if answer(port, b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n") is not None:
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing answered on port {port}")


class Answer:
    """An HTTP answer read off the wire: status, headers (lower-case names) and body."""

    def __init__(self, raw: bytes) -> None:
        head, _, self.body = raw.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines)
        }

    def json(self) -> object:
        """The body, which must be JSON."""
        assert self.headers.get("content-type", "").startswith("application/json"), self.headers
        return json.loads(self.body)


def answer(port: int, request: bytes, timeout_s: float = 5) -> Answer | None:
    """Send ``request`` as is on a new connection; its answer, or None if none came."""
    request = request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout_s) as sock:
            sock.sendall(request)
            received = b"".join(iter(lambda: sock.recv(65536), b""))
    except OSError:  # refused, reset or timed out
        return None
    return Answer(received) if received else None


def get(port: int, target: str, timeout_s: float = 5) -> Answer | None:
    """``GET target`` on 127.0.0.1:``port``."""
    return answer(port, f"GET {target} HTTP/1.1\r\nHost: t\r\n\r\n".encode(), timeout_s)


class SlowClients:
    """Slowloris: ``count`` connections sending a request's headers a few bytes at a time.

    None ever ends its headers; one the server drops is opened again, so ``count`` stay
    open until the block ends, or at the latest after ``lifetime_s``.
    """

    START = b"GET /api/v1/search?q=slow HTTP/1.1\r\nHost: t\r\n"
    TRICKLE = b"X-a: b\r\n"
    INTERVAL_S = 0.5

    def __init__(self, port: int, count: int = 50, lifetime_s: float = 60) -> None:
        self.port = port
        self.count = count
        self.lifetime_s = lifetime_s
        self.sockets: list[socket.socket] = []
        self.reopened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> SlowClients:
        self.sockets = [self._open() for _ in range(self.count)]
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        for sock in self.sockets:
            sock.close()

    def _open(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.sendall(self.START)
        return sock

    def _trickle(self) -> None:
        ends_at = time.monotonic() + self.lifetime_s
        while not self._stop.wait(self.INTERVAL_S) and time.monotonic() < ends_at:
            for index, sock in enumerate(self.sockets):
                try:
                    sock.sendall(self.TRICKLE)
                except OSError:  # the server gave up on this one: open another
                    sock.close()
                    self.sockets[index] = self._open()
                    self.reopened += 1
