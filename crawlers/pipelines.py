"""Item pipeline: drop invalid raw items with a reason (counted as ``cis/rejected/<reason>``)."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from cis.records import RawItem


def rejection_reason(item: RawItem) -> str | None:
    """Why ``item`` must not be kept, or None when it is valid."""
    url = item.get("url")
    if not isinstance(url, str) or not url:
        return "missing-url"
    if not url.startswith(("http://", "https://")):
        return "invalid-url"
    title = item.get("fields", {}).get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        return "missing-title"
    if not isinstance(title, str):
        return "title-not-text"
    return None


class ValidateItemPipeline:
    """Drops items without a title or URL, naming the reason."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from the crawler (for its stats)."""
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: RawItem) -> RawItem:
        """Pass a valid item on; raise ``DropItem(reason)`` otherwise."""
        reason = rejection_reason(item)
        if reason is not None:
            self.stats.inc_value(f"cis/rejected/{reason}")
            raise DropItem(reason)
        return item
