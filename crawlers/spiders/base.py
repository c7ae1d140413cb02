"""The generic spider every source kind builds on: it navigates, pure functions extract.

Key concepts: every request carries a *role* ("listing", "detail", "api", "csv", "feed",
"sitemap") naming the ``parse_<role>`` method that turns its response into a
``PageResult``; the base class turns results into requests and items, records them in
the ``CrawlState`` (so a later 304 can replay them), and handles 304 / 404 / 410 / errors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from cis.records import RawItem
from crawlers.config.model import SourceConfig
from crawlers.extract.pages import extract_detail
from crawlers.extract.raw_items import ListingEntry, PageResult, Rejection, utc_now
from crawlers.incremental import CrawlState

GONE = (404, 410)
Output = Request | RawItem


class ConfiguredSpider(Spider):
    """A spider driven by one ``SourceConfig``; subclasses add their start role's parser."""

    start_role = "listing"

    def __init__(self, config: SourceConfig, state: CrawlState, **kwargs: Any) -> None:
        super().__init__(name=config.id, **kwargs)
        self.config = config
        self.state = state
        self.allowed_domains = config.allowed_domains

    async def start(self) -> AsyncIterator[Request]:
        """One request per start URL, in the kind's start role."""
        for url in self.config.start_urls:
            yield self.page_request(url, self.start_role, None)

    def page_request(self, url: str, role: str, entry: ListingEntry | None) -> Request:
        """A request whose response goes to ``parse_<role>`` through ``on_response``."""
        meta = {"role": role, "entry": entry, "handle_httpstatus_list": [304, *GONE]}
        return Request(url, callback=self.on_response, errback=self.on_error, meta=meta)

    def on_response(self, response: Response) -> Iterator[Output]:
        """Dispatch a response: replay on 304, note 404/410, else parse and emit."""
        role = response.meta["role"]
        if response.status == 304:
            self._count("cis/not_modified")
            yield from self._replay(response.url)
        elif response.status in GONE:
            self.state.mark_gone(response.url, navigation=role != "detail")
        else:
            self.state.record_page(response.url, _headers(response))
            result = getattr(self, f"parse_{role}")(response)
            yield from self._emit(response.url, role, result)

    def on_error(self, failure: Failure) -> None:
        """A request failed for good (after retries): remember it, unless merely filtered."""
        # robots.txt and offsite refusals are counted by Scrapy's stats; HttpError (a 5xx
        # after retries) is an IgnoreRequest too, but a real failure.
        if isinstance(failure.value, IgnoreRequest) and not isinstance(failure.value, HttpError):
            return
        request = failure.request  # type: ignore[attr-defined]
        role = request.meta.get("role", "detail")
        if isinstance(failure.value, DownloadCancelledError):  # over DOWNLOAD_MAXSIZE
            self._count("cis/rejected/too-large")
        self._count(f"cis/failed/{role}")
        self.state.mark_failed(request.url, navigation=role != "detail")

    def parse_detail(self, response: Response) -> RawItem | Rejection:
        """A detail page into a raw item (structured data, then the detail selectors)."""
        if not isinstance(response, TextResponse):
            return Rejection("not-text")
        entry = response.meta.get("entry") or ListingEntry(
            listing_url=response.url, fields={}, extraction="selectors"
        )
        return extract_detail(response.text, response.url, self.config, entry, utc_now())

    def _emit(
        self, page_url: str, role: str, result: PageResult | RawItem | Rejection
    ) -> Iterator[Output]:
        if isinstance(result, Rejection):
            self._reject(result.reason, navigation=role != "detail")
        elif isinstance(result, PageResult):
            if result.rejection is not None:
                self._reject(result.rejection, navigation=role != "detail")
            yield from result.items
            for url, entry in result.follow:
                yield self._recorded(page_url, "detail", url, entry)
            for url in result.next_pages:
                yield self._recorded(page_url, role, url, None)
        else:
            yield result

    def _recorded(self, page_url: str, role: str, url: str, entry: ListingEntry | None) -> Request:
        self.state.record_request(page_url, role, url, entry)
        return self.page_request(url, role, entry)

    def _replay(self, page_url: str) -> Iterator[Output]:
        requests, items = self.state.replay(page_url)
        for role, url, entry in requests:
            yield self.page_request(url, role, entry)
        yield from items

    def _reject(self, reason: str, navigation: bool) -> None:
        self._count(f"cis/rejected/{reason}")
        self.state.navigation_failed |= navigation

    def _count(self, key: str) -> None:
        crawler = getattr(self, "crawler", None)  # absent when used outside a crawl
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key)


def _headers(response: Response) -> dict[str, str]:
    """The response's validators as text."""
    return {
        name: value.decode("latin-1")
        for name in ("ETag", "Last-Modified")
        if (value := response.headers.get(name)) is not None
    }
