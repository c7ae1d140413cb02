"""Scrapy extension that writes one run of one source into the raw store, with its report.

Key concepts: opened with the spider, it records the source's public description
(``source.json``: name, pages, licence, as the config says now), appends every kept item
to the run's temporary file, and writes a provisional ``<run>.report.json`` saying the
run never finished (what stays if the crawler is killed or crashes). When the spider
closes it carries forward what was not reached, works out the removals, then either
commits the run (rename + ``LATEST``) or aborts it, and replaces the report. A run fails
when the spider closed abnormally or no page at all could be fetched; the last good run
then stays the latest.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from cis.raw_store import RawStore, RunWriter
from cis.records import RawItem
from cis.source_reports import UNFINISHED, SourceReport
from crawlers.config.model import SourceConfig
from crawlers.extract.raw_items import utc_now
from crawlers.failures import Bounds, describe_failure
from crawlers.incremental import CrawlState
from crawlers.middlewares import UNREACHABLE
from crawlers.report import stats_breakdown
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
        """Open the run's items file, record who the source is; report the run unfinished."""
        assert isinstance(spider, ConfiguredSpider)
        self.started = utc_now()
        self.clock = time.monotonic()
        self.writer = self.store.open_run(spider.name, self.run)
        self.store.write_description(spider.name, spider.config.description())
        unfinished = self._report(spider, UNFINISHED, ok=False, complete=False)
        self.store.write_report(spider.name, self.run, unfinished.to_json())

    def item_scraped(self, item: RawItem, response: Response, spider: Spider) -> None:
        """Write a kept item unless its URL was already kept in this run."""
        assert isinstance(spider, ConfiguredSpider) and self.writer is not None
        if spider.state.accept(item, page_url=response.url) != "duplicate":
            self.writer.write(item)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Carry forward, compute removals, commit or abort, write the report."""
        assert isinstance(spider, ConfiguredSpider) and self.writer is not None
        state = spider.state
        failure = run_failure(state, reason)
        complete = (
            failure is None
            and reason == FINISHED
            and spider.config.complete
            and not state.navigation_failed
        )
        carried, removed = state.finish(complete)
        for item in carried:
            self.writer.write(item)
        if failure is None:
            contributor = contributor_card(spider.config)
            self.writer.commit({**state.to_json(removed), "contributor": contributor})
        else:
            self.writer.abort()
        report = self._report(spider, failure or reason, failure is None, complete)
        report = dataclasses.replace(
            report, failure=describe_failure(report, Bounds.from_scrapy(self.crawler.settings))
        )
        self.store.write_report(spider.name, self.run, report.to_json())

    def _report(
        self, spider: ConfiguredSpider, reason: str, ok: bool, complete: bool
    ) -> SourceReport:
        counts = spider.state.counts
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        return SourceReport(
            source=spider.name,
            name=spider.config.name,
            run=self.run,
            status="ok" if ok else "failed",
            close_reason=reason,
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


def contributor_card(config: SourceConfig) -> dict[str, object]:
    """Who the source is, kept with each run so the indexer needs only the raw store."""
    card = {**config.description(), "vocabulary": config.vocabulary.card()}
    return {**card, "territory": list(config.territory)} if config.territory else card


def run_failure(state: CrawlState, reason: str) -> str | None:
    """Why a run must not replace the last good one (None when it may)."""
    if reason not in (FINISHED, UNREACHABLE, *CAPPED):
        return reason
    if state.pages_ok == 0:
        return f"{reason}: no page could be fetched"
    if not state.seen and state.previous_items:
        known = len(state.previous_items)
        return f"{reason}: no item kept where the last run had {known} (selectors broken?)"
    return None
