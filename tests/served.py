"""A real `cis serve` (gunicorn) on a free port for tests, and a small HTTP client for it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from cis_devtools.localnode.node import free_port
from engines.sqlite.engine import SqliteEngine
from tests.factories import catalogue

DEADLINE_S = 30


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers and the JSON body."""

    status: int
    headers: Message
    body: Any


@dataclass(frozen=True)
class Served:
    """A running service: its API's base URL and the files its stdout and stderr go to."""

    base: str
    stdout: Path
    stderr: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        """GET ``path`` under /api/v1."""
        request = urllib.request.Request(f"{self.base}{path}", headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return Answer(response.status, response.headers, json.load(response))
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, error.headers, json.load(error))


def embedded_index(data_dir: Path) -> Path:
    """``data_dir`` with the test catalogue indexed in the embedded engine."""
    SqliteEngine(data_dir / "cis.sqlite3").replace_all(catalogue())
    return data_dir


@contextmanager
def serving(data_dir: Path, *names: str, **settings: str) -> Iterator[list[Served]]:
    """One `cis serve` per name (one worker each) over ``data_dir``, up; stopped afterwards."""
    with ExitStack() as stack:
        started = [stack.enter_context(_server(data_dir, name, settings)) for name in names]
        for served in started:
            _wait_until_up(served)
        yield started


@contextmanager
def _server(data_dir: Path, name: str, settings: dict[str, str]) -> Iterator[Served]:
    port = free_port()
    env = {**os.environ, "CIS_DATA_DIR": str(data_dir), "CIS_WORKERS": "1", **settings}
    env.pop("CIS_ELASTICSEARCH_URL", None)
    served = Served(
        f"http://127.0.0.1:{port}/api/v1",
        data_dir / f"{name}.stdout.log",
        data_dir / f"{name}.stderr.log",
    )
    with served.stdout.open("wb") as stdout, served.stderr.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "cis_cli.main", "serve", "--port", str(port)],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=DEADLINE_S)


def _wait_until_up(served: Served) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        try:
            served.get("/health")
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing answered at {served.base}:\n{served.stderr.read_text()}")
