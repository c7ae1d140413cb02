"""The service under load at 100,000 projects: search, map and suggest on both engines.

    python -m benchmarks.search_load [--projects 100000] [--connections 8] [--seconds 20]
                                     [--es-url URL] [--cache DIR]

Key concepts: the projects are real indexer output over the fixture world
(``benchmarks.reindex.indexer_projects``), built once and kept as JSON lines in ``--cache``
(default ``~/.cache/cis-bench``). Both engines index them; the service runs as shipped
(``gunicorn`` with ``search_service/gunicorn_config.py``, ``CIS_WORKERS`` workers) on a free
port of 127.0.0.1, once per engine, and wrk (Debian's ``wrk``, from
``devtools/bin/system-packages``) sends each mix over ``--connections`` connections for
``--seconds`` seconds, cycling through its requests:

* search: 12 texts x 5 filter sets x pages 1 and 2 (120 requests), each a page of 40
  with the facet counts the API answers by default;
* map: 4 texts x 3 viewports (France, a région, Paris) at their zooms;
* suggest: 12 prefixes as typed;
* and the search mix's Elasticsearch bodies, as the product's query builder makes them for
  those very requests, sent straight to the node: what the service adds is the rest.

Each mix is first sent once, one request at a time, on a service that never saw it (the
"first answers": nothing cached), then under load for a warm-up, then measured. Printed:
requests/s, p50 and p99 per path, the CPU each answer cost the service's workers and the
node, and the ratios the performance issue asks for.
Without --es-url (or CIS_ELASTICSEARCH_URL) a local node (1 GB heap) is started and removed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.portal_page import wait_healthy
from benchmarks.reindex import elasticsearch_url, indexer_projects
from cis.records import Project
from cis_devtools.localnode.node import free_port
from engines import Engine
from engines.base import SearchRequest
from engines.elastic.engine import ElasticsearchEngine
from engines.elastic.query import search_body
from engines.sqlite.engine import SqliteEngine
from search_service import create_app

TEXTS = (
    "", "jardin partagé", "repair café", "épicerie solidaire", "insertion emploi jeunes",
    "vélo", "aide alimentaire", "tiers-lieu", "numérique", "seniors", "habitat", "culture",
)  # fmt: skip
FILTER_SETS: tuple[dict[str, str], ...] = (
    {},
    {"domain": "inclusion"},
    {"region": "84", "public": "youth"},
    {"bbox": "2.22,48.81,2.47,48.91"},  # Paris
    {"departement": "03,63,42,69"},
)
VIEWPORTS = (
    {"bbox": "-5.5,41.2,9.8,51.2", "zoom": "5"},  # France
    {"bbox": "2.0,44.6,7.2,46.8", "zoom": "7"},  # Auvergne-Rhône-Alpes
    {"bbox": "2.22,48.81,2.47,48.91", "zoom": "11"},  # Paris
)
PREFIXES = (
    "ja",
    "jard",
    "rep",
    "répar",
    "épi",
    "mou",
    "vich",
    "lyon",
    "tiers",
    "num",
    "vél",
    "sen",
)
ALIAS = "cis-bench-load"
NODE_NAME = "bench-load"
WRK_TIMEOUT_S = 60  # wrk's default (2 s) would count slow answers as errors and hide them
WARM_UP_S = 5  # of load before each measured run, not measured
LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Figures:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers and socket errors

    def row(self, name: str) -> str:
        return f"{name:44s} {self.rps:8.0f} {self.p50_ms:9.1f} {self.p99_ms:9.1f} {self.errors:7d}"


def search_paths() -> list[str]:
    """The search mix: every text with every filter set, pages 1 and 2."""
    return [
        "/api/v1/search?" + urlencode({"q": text, **filters, "page": page, "size": 40})
        for text in TEXTS
        for filters in FILTER_SETS
        for page in (1, 2)
    ]


def map_paths() -> list[str]:
    return ["/api/v1/map?" + urlencode({"q": t, **v}) for t in TEXTS[:4] for v in VIEWPORTS]


def suggest_paths() -> list[str]:
    return ["/api/v1/suggest?" + urlencode({"q": prefix}) for prefix in PREFIXES]


def corpus(count: int, cache: Path) -> list[Project]:
    """The indexer's ~``count`` projects, built once and kept in ``cache``."""
    path = cache / f"projects-{count}.jsonl.gz"
    if not path.exists():
        started = time.perf_counter()
        projects = indexer_projects(count)
        cache.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with gzip.open(partial, "wt", encoding="utf-8") as out:
            out.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in projects)
        partial.replace(path)
        print(f"built {len(projects):,} projects in {time.perf_counter() - started:.0f} s")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


class Recorder:
    """An engine that remembers every search request the service hands it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.searches: list[SearchRequest] = []

    def search(self, request: SearchRequest) -> Any:
        self.searches.append(request)
        return self.engine.search(request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


def product_bodies(engine: ElasticsearchEngine, paths: Sequence[str], data_dir: Path) -> list[str]:
    """The Elasticsearch bodies the service's own query builder makes for ``paths``."""
    recorder = Recorder(engine)
    config = {
        "data_dir": str(data_dir),
        "secret_key": "bench",
        "rate_limit_anonymous": "1000000/minute",
    }
    client = create_app(config, engine=recorder).test_client()
    for path in paths:
        if client.get(path).status_code != 200:
            raise SystemExit(f"{path}: not answered")
    return [json.dumps(search_body(request)) for request in recorder.searches]


@dataclass(frozen=True)
class Service:
    """A running service: its base URL and the pid of its gunicorn master."""

    base: str
    pid: int


@contextmanager
def service(data_dir: Path, env: dict[str, str]) -> Iterator[Service]:
    """The service as shipped (gunicorn) over ``data_dir``."""
    port = free_port()
    settings = {
        "CIS_DATA_DIR": str(data_dir),
        "CIS_PORT": str(port),
        "CIS_LOG_LEVEL": "WARNING",
        "CIS_RATE_LIMIT_ANONYMOUS": "100000000/minute",  # one very busy client
        # Slow answers measured as slow: past the shipped timeout the engine breaker would
        # turn them into fast 503s (counted as errors all the same).
        "CIS_ENGINE_TIMEOUT": "30",
        **env,
    }
    config = Path(__file__).parent.parent / "search_service" / "gunicorn_config.py"
    command = [sys.executable, "-m", "gunicorn", "-c", str(config), "search_service:create_app()"]
    log_path = data_dir / f"gunicorn-{port}.log"
    log = open(log_path, "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        command, env={**os.environ, **settings}, stdout=subprocess.DEVNULL, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, log_path)
        yield Service(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def lua_string(text: str) -> str:
    """``text`` as a Lua long string (no escaping needed: JSON never holds this bracket)."""
    return f"[==[{text}]==]"


def wrk(
    base: str, requests: Sequence[str], connections: int, seconds: int, method: str = "GET",
    target: str = "",
) -> Figures:  # fmt: skip
    """Run wrk against ``base``, cycling through ``requests`` (paths, or POST bodies to ``target``)."""
    items = ",\n".join(lua_string(r) for r in requests)
    if method == "GET":
        call = "wrk.format(nil, items[n])"
    else:
        headers = '{["Content-Type"] = "application/json"}'
        call = f"wrk.format('POST', {lua_string(target)}, {headers}, items[n])"
    script = (
        f"local items = {{\n{items}\n}}\nlocal n = 0\n"
        f"request = function()\n  n = n % #items + 1\n  return {call}\nend\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        threads = min(2, connections)
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
             f"--timeout={WRK_TIMEOUT_S}s", "-s", file.name, base],
            capture_output=True, text=True, check=True, timeout=seconds + 60,
        ).stdout  # fmt: skip
    finally:
        os.unlink(file.name)
    return parse_wrk(output)


def parse_wrk(output: str) -> Figures:
    """Requests/s, p50, p99 and errors from wrk's ``--latency`` report."""
    latencies = {p: float(v) * UNITS_MS[u] for p, v, u in LATENCY.findall(output)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(map(int, sockets.groups())) if sockets else 0
    return Figures(rps, latencies["50"], latencies["99"], errors)


def first_answers(base: str, paths: Sequence[str]) -> Figures:
    """Every request once, one at a time, on a service that never saw it: cold latencies."""
    latencies = []
    for path in paths:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{path}: HTTP {error.code} before any load") from error
        latencies.append((time.perf_counter() - started) * 1000)
    ranked = sorted(latencies)
    p99 = ranked[min(len(ranked) - 1, int(len(ranked) * 0.99))]
    return Figures(len(ranked) / (sum(ranked) / 1000), statistics.median(ranked), p99, 0)


def process_cpu_s(pids: Sequence[int]) -> float:
    """User and system CPU seconds used so far by ``pids`` (gone ones count 0)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def workers_of(master: int) -> list[int]:
    """The gunicorn workers: the master's children."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def node_cpu_s(url: str) -> float:
    """CPU seconds the Elasticsearch node's process used so far."""
    with urllib.request.urlopen(f"{url}/_nodes/_local/stats/process", timeout=30) as answer:
        (node,) = json.loads(answer.read())["nodes"].values()
    return float(node["process"]["cpu"]["total_in_millis"]) / 1000


def served_figures(
    engine: Engine, env: dict[str, str], data: Path, projects: list[Project], load: tuple[int, int]
) -> dict[str, Figures]:
    """Index ``projects`` into ``engine``, serve it, and run every mix against the service.

    Each mix's requests are first sent once, one at a time (the first answers: nothing
    cached yet), then under load for ``WARM_UP_S`` (every worker fills its caches, the JIT
    compiles), then measured; CPU per answer is split between the service and the node.
    """
    started = time.perf_counter()
    engine.replace_all(projects)
    print(f"{engine.name}: indexed {len(projects):,} in {time.perf_counter() - started:.0f} s")
    return service_figures(engine.name, env, data, load)


def service_figures(
    engine_name: str, env: dict[str, str], data: Path, load: tuple[int, int]
) -> dict[str, Figures]:
    """Serve the index ``env`` names and run every mix against the service (see above)."""
    figures = {}
    node_url = env.get("CIS_ELASTICSEARCH_URL")
    with service(data, env) as served:
        for mix, paths in MIXES.items():
            name = f"service → {engine_name}: {mix}"
            figures[f"{name} (first answers)"] = first_answers(served.base, paths)
            wrk(served.base, paths, load[0], WARM_UP_S)
            workers = workers_of(served.pid)
            service_cpu, node_cpu = process_cpu_s(workers), node_cpu_s(node_url) if node_url else 0
            figures[name] = wrk(served.base, paths, *load)
            answers = figures[name].rps * load[1]
            service_cpu = process_cpu_s(workers) - service_cpu
            node_cpu = node_cpu_s(node_url) - node_cpu if node_url else 0
            print(figures[name].row(name), flush=True)
            print(
                f"  CPU per answer: service {service_cpu / answers * 1000:.1f} ms,"
                f" node {node_cpu / answers * 1000:.1f} ms"
            )
    return figures


MIXES = {"search": search_paths(), "map": map_paths(), "suggest": suggest_paths()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--es-url", default=os.environ.get("CIS_ELASTICSEARCH_URL", ""))
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "cis-bench")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run devtools/bin/system-packages")
    projects = corpus(args.projects, args.cache)
    load = (args.connections, args.seconds)
    with (
        tempfile.TemporaryDirectory(prefix="cis-load-") as folder,
        elasticsearch_url(args.es_url, NODE_NAME) as url,
    ):
        data = Path(folder)
        common = {"CIS_SECRET_KEY": "bench"}
        figures = served_figures(SqliteEngine(data / "cis.sqlite3"), common, data, projects, load)
        elastic = ElasticsearchEngine.connect(url, alias=ALIAS)
        on_es = {**common, "CIS_ELASTICSEARCH_URL": url, "CIS_INDEX_ALIAS": ALIAS}
        figures |= served_figures(elastic, on_es, data, projects, load)
        bodies = product_bodies(elastic, MIXES["search"], data)
        target = f"/{ALIAS}/_search?request_cache=true"  # as the engine sends them
        direct = wrk(url, bodies, *load, method="POST", target=target)
        figures["elasticsearch directly: search bodies"] = direct
        if args.es_url:  # not our node: leave it as found
            elastic.client.indices.delete(
                index=",".join(elastic.client.indices.get_alias(name=ALIAS))
            )
        elastic.close()
    print_report(figures, len(projects), args.connections)


def print_mixes(figures: dict[str, Figures], projects: int, connections: int) -> None:
    """Every run's figures, one row each."""
    print(f"\n{projects:,} projects, {connections} connections")
    print(f"{'path':44s} {'req/s':>8s} {'p50 ms':>9s} {'p99 ms':>9s} {'errors':>7s}")
    for name, one in figures.items():
        print(one.row(name))


def print_report(figures: dict[str, Figures], projects: int, connections: int) -> None:
    """Every run's figures, then the ratios the performance targets are stated in."""
    print_mixes(figures, projects, connections)
    direct = figures["elasticsearch directly: search bodies"]
    es = figures["service → elasticsearch: search"]
    print(
        f"\nservice → Elasticsearch over the same bodies sent directly: p50 x"
        f"{es.p50_ms / direct.p50_ms:.2f}, p99 x{es.p99_ms / direct.p99_ms:.2f}"
    )
    for mix in MIXES:
        embedded, elastic = (
            figures[f"service → sqlite: {mix}"],
            figures[f"service → elasticsearch: {mix}"],
        )
        print(f"{mix}: embedded p99 / Elasticsearch p99 = x{embedded.p99_ms / elastic.p99_ms:.2f}")


if __name__ == "__main__":
    main()
