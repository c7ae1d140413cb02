"""Downloader middlewares: conditional requests from the previous run, retry backoff."""

from __future__ import annotations

import asyncio
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler

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
