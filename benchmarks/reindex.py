"""Full reindex throughput on both engines, and search latency on the result.

    python benchmarks/reindex.py [--count 100000] [--es-url URL]

Without --es-url (or CIS_ELASTICSEARCH_URL) a local node is started and removed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic_projects import synthetic_projects
from cis.engines import Engine
from cis.engines.base import SearchRequest
from cis.engines.elastic_engine import ElasticsearchEngine
from cis.engines.sqlite_engine import SqliteEngine
from cis.localnode.node import LocalNode
from cis.settings import Settings

QUERIES = ["jardin partagé", "repair café vichy", "insertion emploi jeunes", "épicerie", "vélo"]


def measure(engine: Engine, count: int) -> None:
    started = time.perf_counter()
    stats = engine.replace_all(synthetic_projects(count))
    seconds = time.perf_counter() - started
    print(
        f"{engine.name:>13}: reindexed {stats.written:,} projects in {seconds:.1f} s "
        f"= {stats.written / seconds:,.0f} docs/s (failed {stats.failed})"
    )
    timings = []
    for _ in range(5):
        for text in QUERIES:
            t0 = time.perf_counter()
            engine.search(SearchRequest(text=text, filters={"domain": ("inclusion",)}))
            timings.append((time.perf_counter() - t0) * 1000)
    print(
        f"{engine.name:>13}: search + 8 facet counts, median {statistics.median(timings):.1f} ms, "
        f"max {max(timings):.1f} ms over {len(timings)} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--es-url", default=os.environ.get("CIS_ELASTICSEARCH_URL", ""))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure(SqliteEngine(Path(folder) / "bench.sqlite3"), args.count)
    node = None if args.es_url else LocalNode(Settings.from_env(es_port=0, es_heap="1g"), "bench")
    url = args.es_url or node.start().url  # type: ignore[union-attr]
    try:
        measure(ElasticsearchEngine.connect(url, alias="cis-bench"), args.count)
    finally:
        if node:
            node.remove()


if __name__ == "__main__":
    main()
