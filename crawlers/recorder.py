"""Scrapy extension that writes one run of one source into the raw store, with its report.

Key concepts: opened with the spider, it appends every kept item to the run's temporary
file; when the spider closes it carries forward what was not reached, works out the
removals, then either commits the run (rename + ``LATEST``) or aborts it, and always
writes ``<run>.report.json``. A run fails when the spider closed abnormally or no page at
all could be fetched; the last good run then stays the latest.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from cis.records import RawItem
from crawlers.extract.items import utc_now
from crawlers.raw_store import RawStore, RunWriter
from crawlers.report import SourceReport, stats_breakdown
from crawlers.spiders.base import ConfiguredSpider

# Close reasons of a run that ended on its own; the closespider_* ones are capped runs.
FINISHED = "finished"
CAPPED = ("closespider_pagecount", "closespider_itemcount", "closespider_timeout")


class RunRecorder:
    """Writes the items, state and report of one crawl run of one source."""

    def __init__(self, crawler: Crawler, store: RawStore, run: str) -> None:
        self.crawler = crawler
        self.store = store
        self.run = run
        self.writer: RunWriter | None = None
        self.started = utc_now()
        self.clock = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from ``CIS_RAW_ROOT`` and ``CIS_RUN_ID`` and hook the spider signals."""
        store = RawStore(Path(crawler.settings["CIS_RAW_ROOT"]))
        recorder = cls(crawler, store, crawler.settings["CIS_RUN_ID"])
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        """Open the run's temporary items file."""
        self.started = utc_now()
        self.clock = time.monotonic()
        self.writer = self.store.open_run(spider.name, self.run)

    def item_scraped(self, item: RawItem, response: Response, spider: Spider) -> None:
        """Write a kept item unless its URL was already kept in this run."""
        assert isinstance(spider, ConfiguredSpider) and self.writer is not None
        if spider.state.accept(item, page_url=response.url) != "duplicate":
            self.writer.write(item)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Carry forward, compute removals, commit or abort, write the report."""
        assert isinstance(spider, ConfiguredSpider) and self.writer is not None
        state = spider.state
        complete = reason == FINISHED and not state.navigation_failed
        carried, removed = state.finish(complete)
        for item in carried:
            self.writer.write(item)
        ok = reason in (FINISHED, *CAPPED) and state.pages_ok > 0
        if ok:
            self.writer.commit(state.to_json(removed))
        else:
            self.writer.abort()
        report = self._report(spider, reason, ok, complete)
        self.store.write_report(spider.name, self.run, report.to_json())

    def _report(self, spider: ConfiguredSpider, reason: str, ok: bool, complete: bool) -> SourceReport:
        counts = spider.state.counts
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        return SourceReport(
            source=spider.name,
            name=spider.config.name,
            run=self.run,
            status="ok" if ok else "failed",
            close_reason=reason if spider.state.pages_ok else f"{reason}: no page could be fetched",
            started=self.started,
            finished=utc_now(),
            duration_s=round(time.monotonic() - self.clock, 3),
            complete=complete,
            items_kept=counts["new"] + counts["changed"] + counts["unchanged"] + counts["carried"],
            new=counts["new"],
            changed=counts["changed"],
            unchanged=counts["unchanged"],
            carried=counts["carried"],
            duplicates=counts["duplicate"],
            removed=counts["removed"],
            **stats_breakdown(stats),
        )
