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

import pytest

from cis_devtools.localnode.node import free_port
from engines.sqlite.engine import SqliteEngine
from tests.factories import catalogue

DEADLINE_S = 30


def fetch(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wait_until_up(url: str, deadline_s: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing answered at {url}")


@pytest.mark.slow
def test_gunicorn_serves_the_search_api(tmp_path: Path) -> None:
    SqliteEngine(tmp_path / "cis.sqlite3").replace_all(catalogue())
    port = free_port()
    env = {**os.environ, "CIS_DATA_DIR": str(tmp_path), "CIS_WORKERS": "1"}
    env.pop("CIS_ELASTICSEARCH_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "cis_cli.main", "serve", "--port", str(port)],
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


@pytest.mark.slow
def test_the_demo_crawls_indexes_and_serves_the_fixture_sites(tmp_path: Path) -> None:
    """README command (1): `cis demo`, end to end, answering over HTTP."""
    port = free_port()
    env = {**os.environ, "CIS_DATA_DIR": str(tmp_path), "CIS_WORKERS": "1"}
    env.pop("CIS_ELASTICSEARCH_URL", None)
    demo = subprocess.Popen(
        [sys.executable, "-m", "cis_cli.main", "demo", "--projects", "120", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        wait_until_up(f"{base}/health", deadline_s=180)
        status, body = fetch(f"{base}/search?size=100&facets=source")
        assert status == 200
        assert body["total"] >= 100
        assert len(body["facets"]["source"]) == 6
        assert any(len(tile["sources"]) > 1 for tile in body["results"])
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=DEADLINE_S)
