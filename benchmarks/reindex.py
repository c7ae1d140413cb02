"""Full reindex throughput on both engines, and search latency on the result.

    python -m benchmarks.reindex [--projects 100000] [--es-url URL]

The projects are real indexer output: fixture-world raw items (devtools/cis_devtools/fixture_sites/corpus.py)
normalised, geocoded, deduplicated and merged. Without --es-url (or
CIS_ELASTICSEARCH_URL) a local node (1 GB heap) is started and removed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.indexer import normalise_all
from cis.records import Project
from cis.settings import Settings
from cis_devtools.fixture_sites.corpus import labelled_items
from cis_devtools.localnode.node import LocalNode
from engines import Engine
from engines.base import SearchRequest
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from indexer.dedup.clustering import cluster
from indexer.dedup.overrides import Overrides
from indexer.geo.geocoder import Geocoder
from indexer.listings.taxonomy import Taxonomy
from indexer.merge import merge_clusters

QUERIES = ["jardin partagé", "repair café", "insertion emploi jeunes", "épicerie solidaire", "vélo"]
FILTERS = [{}, {"domain": ("inclusion",)}, {"region": ("84",), "public": ("youth",)}]


def indexer_projects(count: int) -> list[Project]:
    """About ``count`` projects, as the indexer builds them from fixture-world raw items."""
    listings = normalise_all(list(labelled_items(count)), Taxonomy.load(), Geocoder.load())
    clusters = cluster(listings, Overrides()).clusters
    return merge_clusters([[listings[i] for i in c] for c in clusters])


@contextmanager
def elasticsearch_url(url: str, name: str = "bench") -> Iterator[str]:
    """``url``; when empty, the URL of a local node (1 GB heap) named ``name``, removed after."""
    if url:
        yield url
        return
    node = LocalNode(Settings.from_env(es_port=0, es_heap="1g"), name)
    started = node.start()
    try:
        yield started.url
    finally:
        node.remove()


def measure(engine: Engine, projects: list[Project]) -> None:
    """Print rebuild throughput (first and second rebuild) and search latency for ``engine``."""
    for attempt in ("first", "second"):  # the second runs on a warmed-up JVM, as in production
        started = time.perf_counter()
        stats = engine.replace_all(projects)
        seconds = time.perf_counter() - started
        print(
            f"{engine.name:>13}: {attempt} rebuild of {stats.written:,} projects in {seconds:.1f} s "
            f"= {stats.written / seconds:,.0f} docs/s"
        )
    timings = []
    for filters in FILTERS:
        for text in ["", *QUERIES]:
            t0 = time.perf_counter()
            engine.search(SearchRequest(text=text, filters=filters))
            timings.append((time.perf_counter() - t0) * 1000)
    print(
        f"{engine.name:>13}: page of 40 + 8 facet counts: median {statistics.median(timings):.1f} ms,"
        f" p90 {statistics.quantiles(timings, n=10)[-1]:.1f} ms, max {max(timings):.1f} ms"
        f" over {len(timings)} searches"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--es-url", default=os.environ.get("CIS_ELASTICSEARCH_URL", ""))
    args = parser.parse_args()
    started = time.perf_counter()
    projects = indexer_projects(args.projects)
    print(
        f"built {len(projects):,} projects with the indexer in {time.perf_counter() - started:.1f} s"
    )
    with tempfile.TemporaryDirectory() as folder:
        measure(SqliteEngine(Path(folder) / "bench.sqlite3"), projects)
    with elasticsearch_url(args.es_url) as url:
        measure(ElasticsearchEngine.connect(url, alias="cis-bench"), projects)


if __name__ == "__main__":
    main()
