"""Downloader middlewares: conditional requests, retry backoff, giving up on a dead site."""

from __future__ import annotations

import asyncio
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from crawlers.spiders.base import ConfiguredSpider


class ConditionalRequestMiddleware:
    """Adds If-None-Match / If-Modified-Since from the previous run's validators."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from the crawler (its spider holds the crawl state)."""
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """Set the validators known for ``request.url``."""
        spider = self.crawler.spider
        if isinstance(spider, ConfiguredSpider):
            for name, value in spider.state.validators(request.url).items():
                request.headers.setdefault(name, value)


class RetryBackoffMiddleware:
    """Waits before each retry, doubling the wait every attempt (Scrapy retries at once)."""

    def __init__(self, base: float, cap: float) -> None:
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from ``CIS_RETRY_BACKOFF`` (seconds before the first retry)."""
        return cls(crawler.settings.getfloat("CIS_RETRY_BACKOFF", 1.0), cap=60.0)

    async def process_request(self, request: Request) -> None:
        """Sleep before a retried request (before it takes a download slot)."""
        attempt = int(request.meta.get("retry_times", 0))
        if attempt > 0 and self.base > 0:
            await asyncio.sleep(min(self.base * 2 ** (attempt - 1), self.cap))


# Close reason of a source given up by ``GiveUpMiddleware``.
UNREACHABLE = "unreachable"


class GiveUpMiddleware:
    """Closes the spider when the site answered none of its first ``retries + 2`` attempts.

    Those are the attempts at robots.txt (first, every retry) and the first attempt at a
    page: a dead or hanging site then costs ``(retries + 2) * timeout``, not every retry
    of every start URL. Once the site has answered anything, failures are the retries'.
    """

    def __init__(self, crawler: Crawler, attempts: int) -> None:
        self.crawler = crawler
        self.attempts = attempts
        self.unanswered = 0
        self.answered = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from ``RETRY_TIMES``."""
        return cls(crawler, attempts=crawler.settings.getint("RETRY_TIMES") + 2)

    @property
    def given_up(self) -> bool:
        """Whether the site has been given up."""
        return not self.answered and self.unanswered >= self.attempts

    def process_request(self, request: Request) -> None:
        """Drop the requests still queued once the site is given up."""
        if self.given_up:
            raise IgnoreRequest(f"{UNREACHABLE}: gave up on the site")

    def process_response(self, request: Request, response: Response) -> Response:
        """Any answer, even an error status, shows the site is up."""
        self.answered = True
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Count an attempt that got no answer; give up at the limit."""
        # A refusal by robots.txt is no attempt; a cancelled download (too large) was answered.
        if self.answered or isinstance(exception, IgnoreRequest | DownloadCancelledError):
            return
        self.unanswered += 1
        if self.unanswered == self.attempts:
            # Scheduled, not awaited: closing waits for this very download to finish.
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=UNREACHABLE))
