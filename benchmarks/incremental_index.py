"""`cis index` after one contributor re-runs, against a full `cis reindex`, on the SQLite engine.

    python -m benchmarks.incremental_index [--projects 150 20000] [--source fx-api]

For each size, a raw store is filled as one crawl of every fixture site would
(devtools/cis_devtools/fixture_sites/corpus.py), then: `rebuild`; a new run of ONE contributor in which
2 % of its items are edited and 1 % dropped; `apply_increments`; and `apply_increments`
again with nothing new. Prints wall times, the per-step seconds of each report and what
was written.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cis.raw_store import RawStore
from cis.settings import Settings
from cis_devtools.fixture_sites.corpus import write_raw_store
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


def measure(projects: int, source: str, folder: Path) -> None:
    """Print the figures of one size."""
    settings = Settings.from_env({}, data_dir=str(folder))
    items = write_raw_store(settings.raw_dir, projects)
    engine = SqliteEngine(settings.sqlite_path)
    print(f"\n{projects:,} projects, {items:,} raw items in 6 sources")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[150, 20000])
    parser.add_argument("--source", default="fx-api", help="the contributor that re-runs")
    args = parser.parse_args()
    for projects in args.projects:
        with tempfile.TemporaryDirectory(prefix="cis-incremental-") as folder:
            measure(projects, args.source, Path(folder))


if __name__ == "__main__":
    main()
