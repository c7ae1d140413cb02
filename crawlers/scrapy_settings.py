"""Scrapy settings: polite defaults here, per-source values from ``scrapy_settings``.

The upper-case names are the Scrapy project settings (``scrapy.cfg`` points here).
``scrapy_settings`` layers the CIS settings (User-Agent, ``polite``, the crawl bounds)
and one source's politeness overrides and limits on top. With ``polite`` off
(benchmarks) delays and AutoThrottle are off and concurrency is up, but robots.txt is
still obeyed.
"""

from __future__ import annotations

import sys
from typing import Any

from scrapy.settings import Settings as ScrapySettings

from cis.settings import Settings
from crawlers.config.model import SourceConfig

BOT_NAME = "cis"
SPIDER_MODULES: list[str] = []  # spiders are built from configs by crawlers.run
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/json,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "fr,en;q=0.5",
}

# Politeness (polite mode): one request at a time per site, a delay AutoThrottle may raise.
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.0  # a fixed floor the site can count on
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# HTTP correctness. Timeouts, retries and size limits are CIS settings (see ``_bounds``).
RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
CIS_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled each attempt
REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 5
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"

# Development only: replay responses from disk instead of the network.
HTTPCACHE_ENABLED = False
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.DummyPolicy"
HTTPCACHE_IGNORE_HTTP_CODES = RETRY_HTTP_CODES  # a cached 500 would defeat the retries

DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.RetryBackoffMiddleware": 560,
    "crawlers.middlewares.ConditionalRequestMiddleware": 580,
    # Above RetryMiddleware (550): it sees every failed attempt before a retry is scheduled.
    "crawlers.middlewares.GiveUpMiddleware": 590,
}
ITEM_PIPELINES = {"crawlers.pipelines.ValidateItemPipeline": 100}
EXTENSIONS = {"crawlers.recorder.RunRecorder": 500}

# Benchmarks (polite = 0): no delays, many requests per site.
UNPOLITE_CONCURRENCY = 16


def process_settings(settings: Settings, priority: str = "project") -> ScrapySettings:
    """Crawl-wide Scrapy settings (logging, reactor, User-Agent) for the crawler process."""
    values = ScrapySettings()
    values.setmodule(sys.modules[__name__], priority=priority)
    values.set("LOG_LEVEL", settings.log_level, priority=priority)
    values.set("USER_AGENT", settings.user_agent, priority=priority)
    return values


def scrapy_settings(
    settings: Settings, config: SourceConfig, run: str, *, http_cache: bool = False
) -> ScrapySettings:
    """The Scrapy settings of one source's crawler in run ``run``."""
    # Above "project" priority: the crawler process merges its own settings in at "project".
    values = process_settings(settings, priority="spider")
    values.update(_politeness(settings.polite, config), priority="spider")
    values.update(_bounds(settings), priority="spider")
    values.update(
        {
            "CLOSESPIDER_PAGECOUNT": config.limits.max_pages or 0,
            "CLOSESPIDER_ITEMCOUNT": config.limits.max_items or 0,
            "CIS_RAW_ROOT": str(settings.raw_dir),
            "CIS_RUN_ID": run,
            "HTTPCACHE_ENABLED": http_cache,
            "HTTPCACHE_DIR": str(settings.data_dir / "httpcache"),
        },
        priority="spider",
    )
    return values


def _bounds(settings: Settings) -> dict[str, Any]:
    """How long and how much one source may cost: per request, per response, per crawl."""
    return {
        "DOWNLOAD_TIMEOUT": settings.crawl_timeout,
        "RETRY_TIMES": settings.crawl_retries,
        "DOWNLOAD_MAXSIZE": settings.crawl_max_bytes,
        # Scrapy warns at 32 MB by default, above the limit: warn at half of it instead.
        "DOWNLOAD_WARNSIZE": settings.crawl_max_bytes // 2,
        "CLOSESPIDER_TIMEOUT": settings.crawl_budget,
    }


def _politeness(polite: bool, config: SourceConfig) -> dict[str, Any]:
    if not polite:
        return {
            "DOWNLOAD_DELAY": 0.0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": UNPOLITE_CONCURRENCY,
            "CIS_RETRY_BACKOFF": 0.1,
        }
    delay = config.politeness.download_delay
    delay = DOWNLOAD_DELAY if delay is None else delay
    concurrency = config.politeness.concurrency or CONCURRENT_REQUESTS_PER_DOMAIN
    return {
        # One crawler per source, so the crawler-wide cap is the site's: requests do not
        # queue up in the downloader, and a page limit stops the crawl within a request.
        "CONCURRENT_REQUESTS": concurrency,
        "DOWNLOAD_DELAY": delay,
        "AUTOTHROTTLE_START_DELAY": max(delay, AUTOTHROTTLE_START_DELAY),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
    }
