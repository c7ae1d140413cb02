"""The portal's first results page: bytes on the wire and time until the results show.

    python -m benchmarks.portal_page [--projects 100000] [--runs 5] [--es-url URL]
        [--engines sqlite,elasticsearch] [--http-runs 20]

The projects are real indexer output, built as benchmarks/reindex.py builds them, indexed
into each engine and served as shipped: a `cis serve` subprocess (gunicorn, its default
workers), rate limits out of the way, map tiles off (CIS_MAP_TILES empty: no tile is
requested, so none is counted). Without --es-url (or CIS_ELASTICSEARCH_URL) a local node
(1 GB heap) is started and removed.

For each representative search (every project, a free-text query, a query with a domain
filter the data has, the map tab) and each engine, --runs loads in Debian's headless
Chromium (Playwright, 1280x800), each in a fresh browser context, so with a cold cache
(after one unmeasured load, which pays Chromium's own start-up):

- bytes transferred, total and per resource type: the DevTools protocol's
  ``encodedDataLength`` of each finished request, i.e. compressed, headers included;
- time from navigation start until the results show: on the list pages, until the first
  result tile (``#cis-tuiles > li``) is painted, as the browser reports it (Element Timing:
  the tile is given an ``elementtiming`` attribute as it is parsed); on the map tab, until
  ``#cis-carte`` turns ``data-state="ready"`` (clusters drawn; the list is below the fold
  there). Beside them: when the first tile was parsed into the DOM, time to first byte,
  first contentful paint, DOMContentLoaded and load (the page's own timing entries);
- the server time of the HTML alone: --http-runs GETs with urllib (``Accept-Encoding: br,
  gzip`` as a browser sends), after a few unmeasured warm-up requests.

Prints the median and worst of the runs per engine in one table, beside the portal issue's
targets (300 kB, 1 s; kB are 1000 bytes), then the heaviest transfers of each page. Timings
are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode

from playwright.sync_api import Browser, ConsoleMessage, ViewportSize, sync_playwright

from benchmarks.reindex import elasticsearch_url, indexer_projects
from cis.records import Project
from cis_devtools.browser import launch_chromium
from cis_devtools.localnode.node import free_port
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("sqlite", "elasticsearch")
ALIAS = "cis-bench-portal"
NODE_NAME = "bench-portal"
TARGET_BYTES = 300_000
TARGET_MS = 1000.0
VIEWPORT = ViewportSize(width=1280, height=800)
SERVE_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0
PAGE_TIMEOUT_MS = 60_000
WARMUP_REQUESTS = 4  # per page, unmeasured: both gunicorn workers and the engine warm up
KINDS = ("document", "stylesheet", "script", "font", "image", "fetch/xhr", "other")
CDP_KINDS = {
    "Document": "document",
    "Stylesheet": "stylesheet",
    "Script": "script",
    "Font": "font",
    "Image": "image",
    "Fetch": "fetch/xhr",
    "XHR": "fetch/xhr",
}
WANTED_DOMAIN = "inclusion"

# Runs in every page before its own scripts. The first result tile and everything in it
# get an ``elementtiming`` attribute as the parser inserts them, so that the browser reports
# when it painted them (Element Timing: only elements painted inside the viewport). The map
# tab's readiness is its ``data-state`` attribute turning "ready".
WATCH = """(() => {
  const marks = (window.__cisBench = {});
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.identifier === "cis-tuile" && marks.tiles === undefined) {
        marks.tiles = entry.renderTime || entry.loadTime;
      }
    }
  }).observe({type: "element", buffered: true});
  new MutationObserver(() => {
    const tile = document.querySelector("#cis-tuiles > li");
    if (tile !== null && marks.tiles === undefined) {
      marks.inDom = marks.inDom ?? performance.now();
      for (const element of [tile, ...tile.querySelectorAll(":not([elementtiming])")]) {
        element.setAttribute("elementtiming", "cis-tuile");
      }
    }
    const map = document.getElementById("cis-carte");
    if (map !== null && marks.map === undefined && map.dataset.state === "ready") {
      marks.map = performance.now();
    }
  }).observe(document, {childList: true, subtree: true, attributeFilter: ["data-state"]});
})();"""
# True once there is nothing more to wait for: the first tile painted (or none in view once
# the page loaded), and the map ready or failed.
DONE = """() => {
  const marks = window.__cisBench || {};
  const tile = document.querySelector("#cis-tuiles > li");
  const unseen = tile === null || tile.getBoundingClientRect().top >= window.innerHeight;
  const tiles = marks.tiles !== undefined || (document.readyState === "complete" && unseen);
  const map = document.getElementById("cis-carte");
  return tiles && (map === null || marks.map !== undefined || map.dataset.state === "failed");
}"""
READ = """() => {
  const marks = window.__cisBench || {};
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const tile = document.querySelector("#cis-tuiles > li");
  const map = document.getElementById("cis-carte");
  const mapData = performance.getEntriesByType("resource").find(
    (entry) => new URL(entry.name).pathname === "/api/v1/map");
  return {
    tiles: marks.tiles ?? null,
    inDom: marks.inDom ?? null,
    map: marks.map ?? null,
    aboveFold: tile === null ? null : tile.getBoundingClientRect().top < window.innerHeight,
    ttfb: nav.responseStart,
    fcp: paint ? paint.startTime : null,
    dcl: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    shown: document.querySelectorAll("#cis-tuiles > li").length,
    mapState: map ? (map.dataset.state || "") : null,
    mapFetch: mapData ? mapData.duration : null,
  };
}"""


@dataclass(frozen=True)
class Search:
    """One page measured: its label in the table and its path on the portal."""

    label: str
    path: str
    map: bool = False


@dataclass(frozen=True)
class Resource:
    """One request of a page load: what it was and what it cost."""

    url: str
    kind: str
    wire_bytes: int  # compressed, headers included
    body_bytes: int  # decoded
    encoding: str  # Content-Encoding, "" when none


@dataclass
class Load:
    """One load of one page in a fresh browser context."""

    resources: list[Resource]
    marks: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    def wire_bytes(self, kind: str | None = None) -> int:
        """Bytes transferred in all, or for one resource kind."""
        return sum(r.wire_bytes for r in self.resources if kind is None or r.kind == kind)


@dataclass
class Served:
    """What was measured of one page on one engine."""

    loads: list[Load]
    server_ms: list[float]
    html_wire_bytes: int  # the document body as urllib got it (br or gzip)
    html_bytes: int  # decoded
    total: int  # results the API counts for the same search


def project_searches(base: str) -> list[Search]:
    """The pages measured; the filter value is checked against the data first."""
    domains = api_search(base, {"q": "aide alimentaire", "size": "1", "facets": "domain"})
    values = [v["value"] for v in domains["facets"]["domain"]]
    if not values:
        raise SystemExit("no domain facet value for « aide alimentaire »: is the index empty?")
    domain = WANTED_DOMAIN if WANTED_DOMAIN in values else values[0]
    if domain != WANTED_DOMAIN:
        print(f"domain {WANTED_DOMAIN!r} not in the data for « aide alimentaire »: {domain!r}")
    return [
        Search("Tous les projets", "/recherche"),
        Search("« jardin partagé »", "/recherche?" + query({"q": "jardin partagé"})),
        Search(
            f"« aide alimentaire » + {domain}",
            "/recherche?" + query({"q": "aide alimentaire", "domain": domain}),
        ),
        Search("Carte (tous)", "/recherche?" + query({"vue": "carte"}), map=True),
    ]


def query(params: dict[str, str]) -> str:
    return urlencode(params, quote_via=quote_plus)


def api_search(base: str, params: dict[str, str]) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/api/v1/search?{query(params)}", timeout=30) as answer:
        found: dict[str, Any] = json.load(answer)
    return found


def api_total(base: str, search: Search) -> int:
    """How many projects the API finds for the page's search (the map tab: all)."""
    params = dict(parse_qsl(search.path.partition("?")[2]))
    params.pop("vue", None)
    return int(api_search(base, {**params, "size": "1", "facets": "domain"})["total"])


@contextmanager
def served(data_dir: Path, es_url: str = "") -> Iterator[str]:
    """`cis serve` over ``data_dir`` (and Elasticsearch at ``es_url``); its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "CIS_DATA_DIR": str(data_dir),
        "CIS_HOST": "127.0.0.1",
        "CIS_PORT": str(port),
        "CIS_ELASTICSEARCH_URL": es_url,
        "CIS_INDEX_ALIAS": ALIAS,
        "CIS_RATE_LIMIT_ANONYMOUS": "1000000/minute",
        "CIS_MAP_TILES": "",
        "CIS_SECRET_KEY": "bench",
    }
    base = f"http://127.0.0.1:{port}"
    log_path = data_dir / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "cis"), "serve"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(base, process, log_path)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Return once /api/v1/health answers 200; fail if `cis serve` exits or takes too long."""
    deadline = time.monotonic() + SERVE_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"`cis serve` exited with {process.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # a poll interval, not a wait for something
    raise SystemExit(f"`cis serve` not healthy after {SERVE_TIMEOUT_S:.0f} s:\n{tail(log)}")


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


def load_page(browser: Browser, base: str, path: str) -> Load:
    """Load ``path`` of ``base`` in a fresh context; its requests, timing marks and errors."""
    url = base + path
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR", timezone_id="Europe/Paris")
    try:
        page = context.new_page()
        problems: list[str] = []
        responses: dict[str, tuple[str, str, str, int]] = {}  # url, kind, encoding, status
        decoded: Counter[str] = Counter()
        finished: dict[str, int] = {}

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(f"console error: {message.text}")

        def received(event: dict[str, Any]) -> None:
            response = event["response"]
            headers = {k.lower(): v for k, v in response["headers"].items()}
            kind = CDP_KINDS.get(event["type"], "other")
            encoding = headers.get("content-encoding", "")
            responses[event["requestId"]] = (response["url"], kind, encoding, response["status"])

        def failed(event: dict[str, Any]) -> None:
            where = responses.get(event["requestId"], ("?",))[0]
            problems.append(f"request failed ({event['errorText']}): {where}")

        page.on("console", console)
        page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
        cdp = context.new_cdp_session(page)
        cdp.on("Network.responseReceived", received)
        cdp.on(
            "Network.dataReceived",
            lambda e: decoded.update({e["requestId"]: e["dataLength"]}),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: finished.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        cdp.on("Network.loadingFailed", failed)
        cdp.send("Network.enable")
        page.add_init_script(WATCH)
        page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(DONE, timeout=PAGE_TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)  # fonts, map data
        marks: dict[str, Any] = page.evaluate(READ)
        cdp.detach()
    finally:
        context.close()
    resources = []
    for request_id, wire in finished.items():
        where, kind, encoding, status = responses.get(request_id, ("?", "other", "", 0))
        if where.startswith("data:"):
            continue  # inline in a stylesheet: its bytes are the stylesheet's
        if status >= 400:
            problems.append(f"HTTP {status}: {where}")
        if not where.startswith(base + "/"):
            problems.append(f"off-site request: {where}")
        resources.append(Resource(where, kind, wire, decoded[request_id], encoding))
    if marks["shown"] == 0:
        problems.append("no result tile on the page")
    elif marks["tiles"] is None and marks["aboveFold"]:
        problems.append("the first result tile was never reported painted")
    if marks["mapState"] not in (None, "ready"):
        problems.append(f"map state {marks['mapState']!r}")
    return Load(resources, marks, problems)


def server_times(url: str, count: int) -> tuple[list[float], int, int]:
    """Milliseconds of ``count`` GETs of ``url`` (body read); its compressed and decoded sizes."""
    browser_like = {"Accept": "text/html", "Accept-Encoding": "br, gzip"}
    for _ in range(WARMUP_REQUESTS):
        fetch(url, browser_like)
    times = []
    wire = 0
    for _ in range(count):
        started = time.perf_counter()
        wire = len(fetch(url, browser_like))
        times.append((time.perf_counter() - started) * 1000)
    return times, wire, len(fetch(url, {"Accept": "text/html"}))


def fetch(url: str, headers: dict[str, str]) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as answer:
        body: bytes = answer.read()
    return body


def measure(
    browser: Browser, base: str, searches: Sequence[Search], runs: int, http_runs: int
) -> dict[str, Served]:
    """Every search on the portal at ``base``."""
    measured = {}
    for search in searches:
        url = base + search.path
        times, wire, decoded = server_times(url, http_runs)
        load_page(browser, base, search.path)  # unmeasured: Chromium's own start-up costs
        loads = [load_page(browser, base, search.path) for _ in range(runs)]
        measured[search.label] = Served(loads, times, wire, decoded, api_total(base, search))
        shown = [load.marks["map" if search.map else "tiles"] for load in loads]
        print(
            f"  {search.label}: {statistics.median(load.wire_bytes() for load in loads) / 1000:.1f} kB,"
            f" results shown in {statistics.median(t or math.inf for t in shown):.0f} ms"
            f" (median of {runs})",
            flush=True,
        )
    return measured


# (label, value of one load, or of the urllib timings, target, unit)
Metric = tuple[str, Callable[[Served], list[float]], str, str]


def metrics(with_map: bool) -> list[Metric]:
    def per_load(pick: Callable[[Load], float | None]) -> Callable[[Served], list[float]]:
        return lambda s: [v for v in (pick(load) for load in s.loads) if v is not None]

    def kind_bytes(kind: str) -> Callable[[Served], list[float]]:
        return per_load(lambda load: load.wire_bytes(kind) / 1000)

    rows: list[Metric] = [
        ("transferred, total", per_load(lambda load: load.wire_bytes() / 1000), "≤ 300", "kB"),
        *((f"  {kind}", kind_bytes(kind), "", "kB") for kind in KINDS),
        ("requests", per_load(lambda load: len(load.resources)), "", ""),
        ("HTML decoded size", lambda s: [s.html_bytes / 1000], "", "kB"),
        ("HTML server time (urllib)", lambda s: s.server_ms, "", "ms"),
        ("time to first byte", per_load(lambda load: load.marks["ttfb"]), "", "ms"),
        ("first contentful paint", per_load(lambda load: load.marks["fcp"]), "", "ms"),
        ("first tile parsed", per_load(lambda load: load.marks["inDom"]), "", "ms"),
        (
            "first tile painted",
            per_load(lambda load: load.marks["tiles"]),
            "" if with_map else "≤ 1000",
            "ms",
        ),
    ]
    if with_map:
        rows += [
            (
                "map data (/api/v1/map)",
                per_load(lambda load: load.marks["mapFetch"]),
                "",
                "ms",
            ),
            ("map ready", per_load(lambda load: load.marks["map"]), "≤ 1000", "ms"),
        ]
    rows += [
        ("DOMContentLoaded", per_load(lambda load: load.marks["dcl"]), "", "ms"),
        ("load", per_load(lambda load: load.marks["load"]), "", "ms"),
    ]
    return rows


def print_table(
    results: dict[str, dict[str, Served]], searches: Sequence[Search], runs: int
) -> None:
    engines = list(results)
    label_width = max(len(s.label) for s in searches)
    head = f"{'page':<{label_width}}  {'metric':<27}" + "".join(
        f" {name + ' median':>22} {'worst':>8}" for name in engines
    )
    print(f"\nmedian and worst of {runs} cold loads (HTML server time: of the urllib GETs)")
    print(head + f" {'target':>8}")
    print("-" * (len(head) + 9))
    for search in searches:
        totals = ", ".join(f"{e} {results[e][search.label].total:,}" for e in engines)
        print(f"{search.label:<{label_width}}  results found: {totals}")
        for label, values_of, target, unit in metrics(search.map):
            cells = ""
            for engine in engines:
                values = values_of(results[engine][search.label])
                if values:
                    med, worst = statistics.median(values), max(values)
                    digits = 1 if unit == "kB" else 0
                    cells += f" {med:>22.{digits}f} {worst:>8.{digits}f}"
                else:
                    cells += f" {'–':>22} {'–':>8}"
            name = f"{label} ({unit})" if unit else label
            print(f"{'':<{label_width}}  {name:<27}{cells} {target:>8}")
    print(
        "(kB = 1000 bytes, compressed as sent, headers included; no map tiles: CIS_MAP_TILES empty)"
    )


def print_heaviest(results: dict[str, dict[str, Served]], searches: Sequence[Search]) -> None:
    engine = next(iter(results))
    print(f"\nheaviest transfers of each page (first {engine} load)")
    for search in searches:
        load = results[engine][search.label].loads[0]
        print(
            f"{search.label}: {load.wire_bytes() / 1000:.1f} kB in {len(load.resources)} requests"
        )
        for r in sorted(load.resources, key=lambda r: -r.wire_bytes)[:10]:
            path = "/" + r.url.split("/", 3)[-1]
            how = r.encoding or "uncompressed"
            print(
                f"  {r.wire_bytes / 1000:>7.1f} kB  {r.kind:<10} {how:<12}"
                f" {r.body_bytes / 1000:>7.1f} kB decoded  {path}"
            )
    for engine, pages in results.items():
        for label, page in pages.items():
            folds = {load.marks["aboveFold"] for load in page.loads}
            if False in folds and not page.loads[0].marks["mapState"]:
                print(f"{engine} {label}: the first tile is below the fold (1280x800)")
            problems = sorted({p for load in page.loads for p in load.problems})
            for problem in problems:
                print(f"PROBLEM {engine} {label}: {problem[:300]}")


def index(engine: str, projects: list[Project], data_dir: Path, es_url: str) -> None:
    started = time.perf_counter()
    if engine == "sqlite":
        sqlite = SqliteEngine(data_dir / "cis.sqlite3")
        stats = sqlite.replace_all(projects)
        sqlite.close()
    else:
        elastic = ElasticsearchEngine.connect(es_url, alias=ALIAS)
        stats = elastic.replace_all(projects)
        elastic.close()
    seconds = time.perf_counter() - started
    print(f"indexed {stats.written:,} projects into {engine} in {seconds:.1f} s", flush=True)


def drop_index(es_url: str) -> None:
    """Delete the indices behind the benchmark's alias (on a node the benchmark did not start)."""
    elastic = ElasticsearchEngine.connect(es_url, alias=ALIAS)
    indices = list(elastic.client.indices.get_alias(name=ALIAS))
    elastic.client.indices.delete(index=",".join(indices))
    elastic.close()


def engine_names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if unknown := set(names) - set(ENGINES):
        raise argparse.ArgumentTypeError(
            f"unknown engines {sorted(unknown)}: choose among {ENGINES}"
        )
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="cold browser loads per page")
    parser.add_argument("--http-runs", type=int, default=20, help="urllib GETs of each HTML page")
    parser.add_argument("--es-url", default=os.environ.get("CIS_ELASTICSEARCH_URL", ""))
    parser.add_argument("--engines", type=engine_names, default=list(ENGINES))
    args = parser.parse_args()
    started = time.perf_counter()
    projects = indexer_projects(args.projects)
    print(
        f"built {len(projects):,} projects with the indexer in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cis-portal-")))
        es_url = ""
        data_dirs = {}
        for engine in args.engines:
            data_dirs[engine] = folder / engine
            data_dirs[engine].mkdir()
            if engine == "elasticsearch":
                started = time.perf_counter()
                es_url = stack.enter_context(elasticsearch_url(args.es_url, NODE_NAME))
                print(f"Elasticsearch at {es_url} ({time.perf_counter() - started:.1f} s to start)")
                if args.es_url:
                    stack.callback(drop_index, es_url)
            index(engine, projects, data_dirs[engine], es_url)
        del projects
        results: dict[str, dict[str, Served]] = {}
        searches: list[Search] = []
        playwright = stack.enter_context(sync_playwright())
        browser = launch_chromium(playwright)
        stack.callback(browser.close)
        for engine in args.engines:
            with served(data_dirs[engine], es_url if engine == "elasticsearch" else "") as base:
                searches = searches or project_searches(base)
                print(f"{engine}: `cis serve` on {base}", flush=True)
                results[engine] = measure(browser, base, searches, args.runs, args.http_runs)
        print(
            f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
        )
        print_table(results, searches, args.runs)
        print_heaviest(results, searches)


if __name__ == "__main__":
    main()
