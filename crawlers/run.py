"""Entry point of ``cis crawl``: run the chosen sources' spiders, return their reports.

Key concepts: Twisted's reactor cannot be restarted in one process, so every call to
``crawl`` runs Scrapy in a fresh child process (``crawlers.child``: killed with its
parent, or when ``cis crawl`` is stopped); all the chosen sources crawl concurrently
there, one Scrapy crawler each (so per-site politeness limits are per source). The
sources are locked first (``crawlers.locks``): a second crawl of one of them is refused.
The child writes each run and its report into the raw store; the parent reads the
reports back, and closes as failed any report the child left unfinished (killed, crash).
"""

from __future__ import annotations

import dataclasses
import signal
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess, Crawler

from cis.errors import CisError
from cis.raw_store import RawStore, new_run_id
from cis.settings import Settings
from cis.source_reports import UNFINISHED, SourceReport
from crawlers.child import CrawlInterrupted, Inherited, die_with_parent, run_child
from crawlers.config.loader import load_sources
from crawlers.config.model import SourceConfig
from crawlers.extract.raw_items import utc_now
from crawlers.incremental import CrawlState
from crawlers.locks import locked_sources
from crawlers.scrapy_settings import process_settings, scrapy_settings
from crawlers.spiders import spider_class


class UnknownSource(CisError):
    """A requested source id has no config."""

    def __init__(self, source: str, known: Sequence[str]) -> None:
        super().__init__(f"unknown source {source!r}; known sources: {', '.join(known) or 'none'}")
        self.source = source
        self.known = list(known)


def crawl(
    settings: Settings,
    source_ids: Sequence[str] | None = None,
    *,
    sources_dir: Path | None = None,
    base_urls: Mapping[str, str] | None = None,
    http_cache: bool = False,
) -> list[SourceReport]:
    """Crawl ``source_ids`` (all when None) and return one report per source, in order."""
    configs = select_sources(load_sources(sources_dir or settings.sources_dir), source_ids)
    configs = [fill_base_url(config, base_urls or {}) for config in configs]
    if not configs:
        return []
    store = RawStore(settings.raw_dir)
    with locked_sources(settings.data_dir / "locks", [c.id for c in configs]) as locks:
        run = new_run_id(settings.raw_dir, [config.id for config in configs])
        job = (Inherited(locks), settings, configs, run, http_cache)
        try:
            exitcode = run_child(crawl_in_child, job, name=f"cis-crawl-{run}")
        except CrawlInterrupted as stop:
            for config in configs:
                _closed_report(store, config, run, f"killed by {stop.signal_name}")
            raise
        ended = _exit_words(exitcode)
        return [_closed_report(store, config, run, ended) for config in configs]


def select_sources(
    configs: Mapping[str, SourceConfig], source_ids: Sequence[str] | None
) -> list[SourceConfig]:
    """The configs of ``source_ids`` (all, sorted by id, when None)."""
    if source_ids is None:
        return [configs[key] for key in sorted(configs)]
    for source in source_ids:
        if source not in configs:
            raise UnknownSource(source, sorted(configs))
    return [configs[source] for source in dict.fromkeys(source_ids)]


class MissingBaseUrl(CisError):
    """A config uses ``{base_url}`` and nothing says what it stands for."""


def fill_base_url(config: SourceConfig, base_urls: Mapping[str, str]) -> SourceConfig:
    """``config`` with its ``{base_url}`` placeholders filled: ``base_urls[id]``, else its own."""
    if not config.needs_base_url:
        return config
    base_url = base_urls.get(config.id) or config.base_url
    if not base_url:
        raise MissingBaseUrl(
            f"source {config.id!r} ({config.path}) uses {{base_url}} but gives no base_url: to fill it"
        )
    return config.with_base_url(base_url)


def crawl_in_child(
    parent_pid: int,
    locks: Inherited,
    settings: Settings,
    configs: Sequence[SourceConfig],
    run: str,
    http_cache: bool,
) -> None:
    """The child's entry point: bound to its parent's life, then crawl.

    ``locks`` only has to arrive: its descriptors stay open, so the source locks are
    held for as long as this process lives, even should the parent die first.
    """
    die_with_parent(parent_pid)
    crawl_in_process(settings, configs, run, http_cache)


def crawl_in_process(
    settings: Settings, configs: Sequence[SourceConfig], run: str, http_cache: bool
) -> None:
    """Run every source's crawler concurrently in this (fresh) process, until all finish."""
    store = RawStore(settings.raw_dir)
    process = AsyncCrawlerProcess(process_settings(settings))
    for config in configs:
        crawler = Crawler(
            spider_class(config), scrapy_settings(settings, config, run, http_cache=http_cache)
        )
        process.crawl(crawler, config=config, state=CrawlState.load(store, config.id))
    process.start()


def _exit_words(exitcode: int) -> str:
    if exitcode < 0:
        return f"killed by {signal.Signals(-exitcode).name} (the crawler process)"
    return f"crashed: the crawler process exited with code {exitcode}"


def _closed_report(store: RawStore, config: SourceConfig, run: str, ended: str) -> SourceReport:
    """The run's final report; one the child left unfinished (or never wrote) fails."""
    path = store.root / config.id / f"{run}.report.json"
    if path.is_file():
        report = SourceReport.read(path)
        if report.close_reason != UNFINISHED:
            return report
    else:  # the child ended before the spider opened
        report = SourceReport(
            source=config.id, name=config.name, run=run, status="failed", close_reason="",
            started=utc_now(), finished="", duration_s=0.0,
        )  # fmt: skip
    why = f"{ended} before finishing"  # already in words
    now = utc_now()
    ran = datetime.fromisoformat(now) - datetime.fromisoformat(report.started)
    report = dataclasses.replace(
        report, status="failed", close_reason=why, failure=why, finished=now,
        duration_s=ran.total_seconds(),
    )  # fmt: skip
    store.write_report(config.id, run, report.to_json())
    return report
