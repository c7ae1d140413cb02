"""Pure extraction of record documents: JSON API pages, open-data CSV files, RSS/Atom feeds."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from cis.records import Extraction
from crawlers.config.model import SourceConfig
from crawlers.extract.raw_items import ListingEntry, PageResult, make_item, resolve_urls
from crawlers.extract.select import get_path, select_path, walk_path

FEED_DATES = ("published", "updated", "created")


def extract_api_page(text: str, url: str, config: SourceConfig, fetched_at: str) -> PageResult:
    """One JSON API page: its records (at ``records.items``) and the next page URL."""
    try:
        payload = json.loads(text)
    except ValueError:
        return PageResult(rejection="not-json")
    records = get_path(payload, config.records.items)
    if not isinstance(records, list):
        return PageResult(rejection="no-record-list")
    result = extract_records(records, url, config, "api", fetched_at)
    next_url = next(walk_path(payload, config.records.next), "") if config.records.next else ""
    result.next_pages = [urljoin(url, next_url)] if next_url else []
    return result


def extract_csv(text: str, url: str, config: SourceConfig, fetched_at: str) -> PageResult:
    """An open-data CSV file, one record per row (header row gives the column names)."""
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=config.records.delimiter)
    if not rows.fieldnames or config.records.url not in rows.fieldnames:
        return PageResult(rejection="csv-without-url-column")
    return extract_records(rows, url, config, "csv", fetched_at)


def extract_feed(body: bytes, url: str, config: SourceConfig, fetched_at: str) -> PageResult:
    """An RSS or Atom feed, one record per entry (feedparser names: title, link, tags.term…).

    Dates are rewritten as ISO 8601 UTC: RSS and Atom spell the same instant differently,
    and an entry found in both feeds must hash the same.
    """
    feed = feedparser.parse(body, response_headers={"content-location": url})
    if not feed.entries and feed.get("bozo"):
        return PageResult(rejection="not-a-feed")
    return extract_records(map(_iso_dates, feed.entries), url, config, "feed", fetched_at)


def _iso_dates(entry: Mapping[str, Any]) -> dict[str, Any]:
    dated = dict(entry)
    for key in FEED_DATES:
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            dated[key] = time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    return dated


def extract_sitemap(body: bytes, url: str, config: SourceConfig) -> PageResult:
    """A sitemap index (more sitemaps) or url set (detail pages matching ``sitemap.follow``)."""
    try:
        sitemap = Sitemap(gunzip(body) if body[:2] == b"\x1f\x8b" else body)
    except (etree.XMLSyntaxError, OSError, StopIteration):
        return PageResult(rejection="not-a-sitemap")
    locs = [urljoin(url, entry["loc"].strip()) for entry in sitemap if entry.get("loc")]
    if sitemap.type == "sitemapindex":
        return PageResult(next_pages=locs)
    patterns = [re.compile(pattern) for pattern in config.sitemap_follow]
    entry = ListingEntry(listing_url=url, fields={}, extraction="selectors")
    wanted = [loc for loc in locs if not patterns or any(p.search(loc) for p in patterns)]
    return PageResult(follow=[(loc, entry) for loc in wanted])


def extract_records(
    records: Iterable[Mapping[str, Any]],
    page_url: str,
    config: SourceConfig,
    extraction: Extraction,
    fetched_at: str,
) -> PageResult:
    """Records into items, or into detail pages to fetch when ``records.follow`` is set."""
    result = PageResult()
    url_path = config.records.url or "link"
    for record in records:
        record_url = next(walk_path(record, url_path), "")
        item_url = urljoin(page_url, record_url) if record_url else ""
        entry = ListingEntry(listing_url=page_url, fields=record_fields(record, config, page_url),
                      extraction=extraction)  # fmt: skip
        if config.records.follow and item_url:
            result.follow.append((item_url, entry))
        else:
            result.items.append(make_item(config.id, item_url, entry, {}, extraction, fetched_at))
    return result


def record_fields(record: Mapping[str, Any], config: SourceConfig, base_url: str) -> dict[str, Any]:
    """The ``path`` fields of ``config`` read from one record."""
    fields = {}
    for name, spec in config.fields.items():
        if spec.kind == "path" and (value := select_path(record, spec)) is not None:
            fields[name] = value
    return resolve_urls(fields, base_url)
