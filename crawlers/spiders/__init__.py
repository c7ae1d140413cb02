"""Generic spiders, one per source kind, and the lookup from a config to its class."""

from __future__ import annotations

from collections.abc import Mapping

from scrapy.utils.misc import load_object

from crawlers.config.model import Kind, SourceConfig
from crawlers.spiders.base import ConfiguredSpider
from crawlers.spiders.kinds import (
    ApiSpider,
    CsvSpider,
    FeedSpider,
    HtmlSpider,
    SitemapSpider,
    StructuredSpider,
)

SPIDERS: Mapping[Kind, type[ConfiguredSpider]] = {
    "html": HtmlSpider,
    "structured": StructuredSpider,
    "api": ApiSpider,
    "sitemap": SitemapSpider,
    "csv": CsvSpider,
    "feed": FeedSpider,
}


def spider_class(config: SourceConfig) -> type[ConfiguredSpider]:
    """The config's bespoke ``spider: module:Class`` if any, else its kind's generic spider."""
    if config.spider is None:
        return SPIDERS[config.kind]
    cls = load_object(config.spider.replace(":", "."))
    if not (isinstance(cls, type) and issubclass(cls, ConfiguredSpider)):
        raise TypeError(f"{config.path}: spider {config.spider} is not a ConfiguredSpider subclass")
    return cls
