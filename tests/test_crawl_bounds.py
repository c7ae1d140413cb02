"""Crawls are bounded: a dead, hanging, huge or endless site costs little and is named.

Every crawl here is a real Scrapy run in the crawler child process against a local
misbehaving site on 127.0.0.1, with small bounds set through the settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cis.raw_store import RawStore
from cis.settings import ConfigError, Settings
from cis.source_reports import SourceReport, source_health
from cis_devtools.misbehaving_sites import HugeSite, StallingSite, dead_site, write_source
from crawlers.run import crawl
from tests.factories import GOOD_RUN, publish_good_run


@pytest.fixture
def store(tmp_path: Path) -> RawStore:
    """The raw store of the crawls, where source ``bad`` has a last good run."""
    store = RawStore(tmp_path / "data" / "raw")
    publish_good_run(store, "bad")
    return store


def crawl_bad(tmp_path: Path, url: str, **bounds: str) -> SourceReport:
    """Crawl source ``bad`` (listing ``<url>/projets/``), without politeness delays."""
    write_source(tmp_path / "sources", "bad", url)
    settings = Settings.from_env({}, data_dir=str(tmp_path / "data"), polite="0", **bounds)
    [report] = crawl(settings, ["bad"], sources_dir=tmp_path / "sources")
    return report


@pytest.fixture
def stalling() -> Iterator[StallingSite]:
    with StallingSite() as site:
        yield site


def test_by_default_a_dead_or_hanging_site_costs_under_a_minute() -> None:
    defaults = Settings.from_env({})
    # robots.txt's attempts and the first page's, each up to the timeout; the pauses
    # between them (1 s, then 2 s, and the 1 s download delay) stay under 15 s.
    assert (defaults.crawl_retries + 2) * defaults.crawl_timeout <= 45


def test_a_hanging_site_is_given_up_once_robots_txt_and_the_first_page_time_out(
    tmp_path: Path, store: RawStore, stalling: StallingSite
) -> None:
    report = crawl_bad(tmp_path, stalling.url, crawl_timeout="1", crawl_retries="1")
    assert stalling.paths == ["/robots.txt", "/robots.txt", "/projets/"]  # 2 tries, then 1
    assert report.status == "failed"
    assert report.reason == "unreachable, gave up: timeout: no answer within 1 s (3 attempts)"
    assert report.duration_s < 3 * 1 + 10  # three timeouts, with room for a busy machine
    assert store.latest_run("bad") == GOOD_RUN


def test_a_dead_site_is_given_up_without_waiting_for_timeouts(
    tmp_path: Path, store: RawStore
) -> None:
    with dead_site() as url:
        report = crawl_bad(tmp_path, url, crawl_timeout="30", crawl_retries="1")
    assert report.reason == "unreachable, gave up: connection refused (3 attempts)"
    assert report.duration_s < 10  # not one 30 s timeout
    assert store.latest_run("bad") == GOOD_RUN
    # Who the source is, and that it fails, is known even from a failed crawl.
    assert store.description("bad") == {
        "id": "bad", "name": "Misbehaving site", "homepage": f"{url}/", "logo": "", "licence": None,
    }  # fmt: skip
    health = source_health(store, "bad")
    assert (health.health, health.failure, health.last_success) == ("failing", report.reason, None)


def test_once_the_site_answered_a_hanging_page_gets_its_retries_and_is_a_timeout(
    tmp_path: Path,
) -> None:
    with StallingSite(answer_robots=True) as site:
        report = crawl_bad(tmp_path, site.url, crawl_timeout="1", crawl_retries="1")
        assert site.paths == ["/robots.txt", "/projets/", "/projets/"]
    assert report.reason == "timeout: no answer within 1 s (2 attempts)"


@pytest.mark.parametrize("announce_length", [True, False], ids=["announced", "streamed"])
def test_a_too_large_page_is_rejected_and_not_stored(
    tmp_path: Path, store: RawStore, announce_length: bool
) -> None:
    with HugeSite(50 * 1024 * 1024, announce_length=announce_length) as site:
        report = crawl_bad(tmp_path, site.url)  # default CIS_CRAWL_MAX_BYTES: 10 MiB
    assert (report.status, report.rejected, report.items_kept) == ("ok", {"too-large": 1}, 1)
    titles = [item["fields"]["title"] for item in store.latest_items("bad")]
    assert titles == ["Small project"]


def test_a_source_whose_only_page_is_too_large_fails_saying_so(
    tmp_path: Path, store: RawStore
) -> None:
    with HugeSite(50 * 1024 * 1024, huge="/projets/") as site:
        report = crawl_bad(tmp_path, site.url, crawl_max_bytes="1048576")
    assert report.status == "failed"
    assert report.reason == "too large: 1 response(s) over 1048576 bytes (CIS_CRAWL_MAX_BYTES)"
    assert store.latest_run("bad") == GOOD_RUN


def test_the_budget_stops_a_source_that_outlasts_it(tmp_path: Path, store: RawStore) -> None:
    with StallingSite(answer_robots=True) as site:
        report = crawl_bad(tmp_path, site.url, crawl_timeout="2", crawl_budget="0.5")
    assert report.close_reason == "closespider_timeout: no page could be fetched"
    assert report.reason == "budget exceeded: no page fetched in 0.5 s (CIS_CRAWL_BUDGET)"
    assert report.duration_s < 0.5 + 2 + 10  # the page in flight gets its timeout, no retry
    assert store.latest_run("bad") == GOOD_RUN


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("CIS_CRAWL_TIMEOUT", "0", "must be a number of seconds above 0"),
        ("CIS_CRAWL_TIMEOUT", "soon", "must be a number of seconds"),
        ("CIS_CRAWL_BUDGET", "-5", "must be a number of seconds above 0"),
        ("CIS_CRAWL_RETRIES", "11", "must be a whole number from 0 to 10"),
        ("CIS_CRAWL_RETRIES", "-1", "must be a whole number"),
        ("CIS_CRAWL_MAX_BYTES", "10", "must be a whole number of bytes, at least 1024"),
    ],
)
def test_crawl_bounds_are_validated_naming_the_variable(
    name: str, value: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({name: value})
    assert str(raised.value) == f"{name} {problem}, got {value!r}"
