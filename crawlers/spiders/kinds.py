"""One generic spider class per source kind; each only adds the parser of its start role."""

from __future__ import annotations

from scrapy.http import Response, TextResponse

from crawlers.extract.documents import extract_api_page, extract_csv, extract_feed, extract_sitemap
from crawlers.extract.pages import extract_listing
from crawlers.extract.raw_items import PageResult, utc_now
from crawlers.spiders.base import ConfiguredSpider


class HtmlSpider(ConfiguredSpider):
    """HTML listing pages (with pagination) → detail pages, or items read in place."""

    start_role = "listing"

    def parse_listing(self, response: Response) -> PageResult:
        """A listing page."""
        if not isinstance(response, TextResponse):
            return PageResult(rejection="not-text")
        return extract_listing(response.text, response.url, self.config, utc_now())


class StructuredSpider(HtmlSpider):
    """Like ``HtmlSpider``; detail pages carry schema.org/OpenGraph data, selectors optional."""


class ApiSpider(ConfiguredSpider):
    """JSON API pages followed through their next-page link."""

    start_role = "api"

    def parse_api(self, response: Response) -> PageResult:
        """A JSON page of records."""
        if not isinstance(response, TextResponse):
            return PageResult(rejection="not-text")
        return extract_api_page(response.text, response.url, self.config, utc_now())


class SitemapSpider(ConfiguredSpider):
    """sitemap.xml (or a sitemap index) → detail pages."""

    start_role = "sitemap"

    def parse_sitemap(self, response: Response) -> PageResult:
        """A sitemap or sitemap index."""
        return extract_sitemap(response.body, response.url, self.config)


class CsvSpider(ConfiguredSpider):
    """An open-data CSV file, one item per row."""

    start_role = "csv"

    def parse_csv(self, response: Response) -> PageResult:
        """The CSV file."""
        if not isinstance(response, TextResponse):
            return PageResult(rejection="not-text")
        return extract_csv(response.text, response.url, self.config, utc_now())


class FeedSpider(ConfiguredSpider):
    """An RSS or Atom feed, one item per entry."""

    start_role = "feed"

    def parse_feed(self, response: Response) -> PageResult:
        """The feed document."""
        return extract_feed(response.body, response.url, self.config, utc_now())
