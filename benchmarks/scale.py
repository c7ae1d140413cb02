"""A million projects on one node: a full `cis reindex`, the index it leaves, the mixes on it.

    python -m benchmarks.scale [--projects 1000000] [--heap 4g] [--connections 8]
                               [--seconds 20] [--cache DIR] [--profile FILE]

Key concepts: a raw store holding the listings of ``--projects`` projects (the fixture
world as one crawl of every site leaves it, ~1.75 listings a project) is written once
and kept in ``--cache``. `cis reindex` (``indexer.pipeline.rebuild``) then runs on it end
to end into a fresh local Elasticsearch node with ``--heap``: normalise, dedup, write, as
the report times them (``--profile`` keeps a cProfile of the whole run for
``python -m pstats``). Printed: those timings, the index's size on disk, the node's heap,
this process's peak memory, then the search, map and suggest mixes of
``benchmarks.search_load`` against the service as shipped over that index.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.search_load import ALIAS, print_mixes, service_figures
from cis.settings import Settings
from cis_devtools.fixture_sites.corpus import write_raw_store
from cis_devtools.localnode.node import LocalNode
from engines.elastic.engine import ElasticsearchEngine
from indexer.pipeline import rebuild
from indexer.report import IndexReport


def raw_store(projects: int, cache: Path) -> Path:
    """The raw store of ``projects`` projects' listings, written once and kept in ``cache``."""
    path = cache / f"raw-{projects}"
    if not path.exists():
        started = time.perf_counter()
        partial = cache / f"raw-{projects}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        items = write_raw_store(partial, projects=projects)
        partial.replace(path)
        print(f"wrote {items:,} raw items in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def node_figures(url: str) -> str:
    """The index's size on disk and the node's heap, as one line."""
    with urllib.request.urlopen(f"{url}/{ALIAS}/_stats/store,docs", timeout=60) as answer:
        stats = json.loads(answer.read())["_all"]["primaries"]
    with urllib.request.urlopen(f"{url}/_nodes/_local/stats/jvm", timeout=60) as answer:
        (node,) = json.loads(answer.read())["nodes"].values()
    heap = node["jvm"]["mem"]
    return (
        f"index: {stats['docs']['count']:,} documents, {stats['store']['size_in_bytes'] / 2**20:,.0f} MiB;"
        f" node heap used {heap['heap_used_in_bytes'] / 2**20:,.0f} of"
        f" {heap['heap_max_in_bytes'] / 2**20:,.0f} MiB"
    )


def reindex(settings: Settings, engine: ElasticsearchEngine, profile: Path | None) -> IndexReport:
    """`cis reindex`, under cProfile (kept in ``profile``) when asked."""
    if profile is None:
        return rebuild(settings, engine)
    profiler = cProfile.Profile()
    report = profiler.runcall(rebuild, settings, engine)
    profiler.dump_stats(profile)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "cis-bench")
    parser.add_argument("--profile", type=Path, help="keep a cProfile of the reindex here")
    args = parser.parse_args()
    raw = raw_store(args.projects, args.cache)
    node = LocalNode(Settings.from_env(es_port=0, es_heap=args.heap), "bench-scale")
    url = node.start().url
    try:
        with tempfile.TemporaryDirectory(prefix="cis-scale-") as folder:
            data = Path(folder)
            (data / "raw").symlink_to(raw)
            env = {
                "CIS_DATA_DIR": str(data),
                "CIS_ELASTICSEARCH_URL": url,
                "CIS_INDEX_ALIAS": ALIAS,
                "CIS_SECRET_KEY": "bench",
            }
            engine = ElasticsearchEngine.connect(url, alias=ALIAS)
            started = time.perf_counter()
            report = reindex(Settings.from_env(env), engine, args.profile)
            elapsed = time.perf_counter() - started
            print(report.summary())
            print(
                f"cis reindex end to end: {elapsed:.0f} s ({report.projects / elapsed:,.0f} projects/s)"
            )
            print(node_figures(url))
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
            print(f"peak memory of the reindexing process: {peak:.1f} GiB", flush=True)
            engine.close()
            figures = service_figures("elasticsearch", env, data, (args.connections, args.seconds))
            print_mixes(figures, report.projects, args.connections)
    finally:
        node.remove()


if __name__ == "__main__":
    main()
