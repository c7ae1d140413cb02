"""`cis serve` runs the real service under gunicorn and answers over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from cis.engines.sqlite_engine import SqliteEngine
from cis.localnode.node import free_port
from tests.factories import catalogue

DEADLINE_S = 30


def fetch(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing answered at {url}")


def test_gunicorn_serves_the_search_api(tmp_path: Path) -> None:
    SqliteEngine(tmp_path / "cis.sqlite3").replace_all(catalogue())
    port = free_port()
    env = {**os.environ, "CIS_DATA_DIR": str(tmp_path), "CIS_WORKERS": "1"}
    env.pop("CIS_ELASTICSEARCH_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "cis.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        wait_until_up(f"{base}/health")
        status, body = fetch(f"{base}/search?q=repair&domain=sust_env")
        assert status == 200
        assert sorted(r["id"] for r in body["results"]) == ["p-repair-moulins", "p-repair-rennes"]
        assert fetch(f"{base}/search?size=1000")[0] == 400
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=DEADLINE_S)
