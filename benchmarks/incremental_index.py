"""`cis index` after one contributor re-runs, against a full `cis reindex`.

    python -m benchmarks.incremental_index [--projects 150 20000] [--source fx-api]
        [--elasticsearch URL]

On the SQLite engine, or on Elasticsearch at URL (a throw-away alias, deleted after).
Since `cis index` writes a copy of the live index (a file copy, an index clone), the
figures include that copy.

For each size, a raw store is filled as one crawl of every fixture site would
(devtools/cis_devtools/fixture_sites/corpus.py), then: `rebuild`; a new run of ONE contributor in which
2 % of its items are edited and 1 % dropped; `apply_increments`; and `apply_increments`
again with nothing new. Prints wall times, the per-step seconds of each report and what
was written.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cis.raw_store import RawStore
from cis.settings import Settings
from cis_devtools.fixture_sites.corpus import write_raw_store
from engines import Engine
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from indexer.pipeline import apply_increments, rebuild
from indexer.report import IndexReport

RERUN = "20261102T000000000Z"


def rerun(store: RawStore, source: str) -> int:
    """Commit a new run of ``source``: every 50th item edited, every 100th dropped."""
    items = list(store.latest_items(source))
    contributor = store.latest_contributor(source)
    run = store.open_run(source, RERUN)
    for n, item in enumerate(items):
        if n % 100 == 99:
            continue
        if n % 50 == 0:
            item["fields"]["summary"] = item["fields"].get("summary", "") + " Nouveau en 2026."
        run.write(item)
    run.commit({"contributor": contributor})
    return len(items)


def timed(job: Callable[[], IndexReport]) -> tuple[float, IndexReport]:
    started = time.perf_counter()
    report = job()
    return time.perf_counter() - started, report


def measure(projects: int, source: str, folder: Path, es_url: str) -> None:
    """Print the figures of one size."""
    settings = Settings.from_env({}, data_dir=str(folder))
    items = write_raw_store(settings.raw_dir, projects)
    engine: Engine = SqliteEngine(settings.sqlite_path)
    if es_url:
        engine = ElasticsearchEngine.connect(es_url, alias=f"bench-incremental-{os.getpid()}")
    print(f"\n{projects:,} projects, {items:,} raw items in 6 sources, {engine.name}")
    full_s, full = timed(lambda: rebuild(settings, engine))
    rerun_items = rerun(RawStore(settings.raw_dir), source)
    inc_s, inc = timed(lambda: apply_increments(settings, engine))
    idle_s, idle = timed(lambda: apply_increments(settings, engine))
    for label, seconds, report in (
        ("rebuild (full)", full_s, full),
        (f"index after a re-run of {source} ({rerun_items:,} items)", inc_s, inc),
        ("index with nothing new", idle_s, idle),
    ):
        steps = ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items())
        print(f"  {label}: {seconds:.2f} s wall ({steps})")
        print(f"    written {report.write.written:,}, deleted {report.write.deleted:,}")
    if isinstance(engine, ElasticsearchEngine):
        engine.client.indices.delete(
            index=",".join(engine.client.indices.get(index=f"{engine.alias}-*"))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[150, 20000])
    parser.add_argument("--source", default="fx-api", help="the contributor that re-runs")
    parser.add_argument("--elasticsearch", default="", metavar="URL", help="measure on this node")
    args = parser.parse_args()
    for projects in args.projects:
        with tempfile.TemporaryDirectory(prefix="cis-incremental-") as folder:
            measure(projects, args.source, Path(folder), args.elasticsearch)


if __name__ == "__main__":
    main()
