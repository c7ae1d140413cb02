"""Crawl throughput with politeness off, then politeness limits held with it on.

    python -m benchmarks.crawl [--projects 2400] [--polite-projects 100] [--polite-pages 25]

1. Generates the fixture sites (``--projects`` gives ~1 page per project) and crawls all
   of them with ``polite=0``: prints pages/s (wall clock of ``crawl``, child start-up
   included, and per source from its report).
2. Crawls a small set with ``polite=1`` (each source capped at ``--polite-pages``) and
   prints, from each fixture server's request log, the smallest gap between two request
   starts and the largest number of requests in flight at once, against the config.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from cis.raw_store import RawStore
from cis.settings import Settings
from cis_devtools.fixture_sites import (
    SOURCES_DIR,
    FixtureServer,
    RequestRecord,
    generate_sites,
    load_truth,
    max_concurrency,
    serve_sites,
)
from crawlers.config.loader import load_sources
from crawlers.run import crawl
from crawlers.scrapy_settings import CONCURRENT_REQUESTS_PER_DOMAIN

FIXTURE_SOURCES = SOURCES_DIR


def settings_for(data_dir: Path, polite: bool) -> Settings:
    """Settings writing under ``data_dir``, quiet logs."""
    return Settings.from_env(
        {}, data_dir=str(data_dir), polite=str(int(polite)), log_level="WARNING"
    )


def base_urls(server: FixtureServer) -> dict[str, str]:
    """Fixture config id -> served base URL."""
    return {site: server.base_url(site) for site in server.site_ids}


def throughput(work: Path, projects: int) -> None:
    """Crawl every fixture site with politeness off and print pages/s and recall."""
    generate_sites(work / "sites", projects=projects, seed=2018)
    settings = settings_for(work / "fast", polite=False)
    with serve_sites(work / "sites") as server:
        started = time.perf_counter()
        reports = crawl(settings, sources_dir=FIXTURE_SOURCES, base_urls=base_urls(server))
        wall = time.perf_counter() - started
    pages = sum(r.pages_fetched for r in reports)
    items = sum(r.items_kept for r in reports)
    slowest = max(r.duration_s for r in reports)
    print(f"polite=0, {projects} projects: {pages} pages, {items} items in {wall:.1f} s wall "
          f"(child start-up included) = {pages / wall:.0f} pages/s")  # fmt: skip
    print(
        f"  inside the crawler: {pages / slowest:.0f} pages/s (sources in parallel, {slowest:.1f} s)"
    )
    found = recall(work / "sites", RawStore(settings.raw_dir))
    for r in reports:
        print(f"  {r.source:<11} {r.pages_fetched:>5} pages {r.duration_s:>5.1f} s {r.status}  "
              f"non-broken listings found {found[r.source]}")  # fmt: skip


def recall(sites: Path, store: RawStore) -> dict[str, str]:
    """Per site: non-broken truth listings found in the latest run, "found/expected (%)"."""
    truth = load_truth(sites)
    result = {}
    for site in {line["site"] for line in truth}:
        expected = {t["url"] for t in truth if t["site"] == site and not t["is_broken"]}
        found = expected & {urlsplit(item["url"]).path for item in store.latest_items(site)}
        result[site] = f"{len(found)}/{len(expected)} ({100 * len(found) / len(expected):.1f} %)"
    return result


def politeness(work: Path, projects: int, max_pages: int) -> None:
    """Crawl a capped sample politely and print per-site gaps and concurrency."""
    capped = work / "capped-sources"
    capped.mkdir()
    for path in FIXTURE_SOURCES.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        (capped / path.name).write_text(
            text + f"limits:\n  max_pages: {max_pages}\n", encoding="utf-8"
        )
    configs = load_sources(capped)
    generate_sites(work / "small", projects=projects, seed=7)
    with serve_sites(work / "small") as server:
        crawl(
            settings_for(work / "polite", polite=True),
            sources_dir=capped,
            base_urls=base_urls(server),
        )
        logs = {site: server.requests(site) for site in server.site_ids}
    print(f"polite=1, each source capped at {max_pages} pages:")
    for site, records in sorted(logs.items()):
        politeness_row(site, records, configs[site].politeness.download_delay,
                       configs[site].politeness.concurrency or CONCURRENT_REQUESTS_PER_DOMAIN)  # fmt: skip


def politeness_row(
    site: str, records: list[RequestRecord], delay: float | None, limit: int
) -> None:
    """One site's measured gap and concurrency against its configured limits."""
    starts = sorted(record.start for record in records)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    gap = min(gaps) if gaps else float("nan")
    peak = max_concurrency(records)
    held = (delay is None or gap >= delay * 0.95) and peak <= limit
    print(f"  {site:<11} {len(records):>3} requests  min gap {gap:.3f} s (delay {delay})  "
          f"max in flight {peak} (limit {limit})  {'OK' if held else 'VIOLATED'}")  # fmt: skip


def main() -> None:
    """Parse arguments, run both measurements in a temporary folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=2400)
    parser.add_argument("--polite-projects", type=int, default=100)
    parser.add_argument("--polite-pages", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cis-crawl-bench-") as tmp:
        throughput(Path(tmp), args.projects)
        politeness(Path(tmp), args.polite_projects, args.polite_pages)


if __name__ == "__main__":
    main()
