"""The generic spider's response handling: 304 replays, 404/410 and failures recorded."""

from __future__ import annotations

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from cis.records import RawItem
from crawlers.incremental import CrawlState
from crawlers.spiders.kinds import HtmlSpider
from tests.test_crawl_extract import PAGES, fixture_config

BASE = "http://site.example"


def spider(state: CrawlState | None = None) -> HtmlSpider:
    return HtmlSpider(fixture_config("fx-html", BASE), state or CrawlState())


def requests_of(outputs: list[Request | RawItem]) -> list[tuple[str, str]]:
    """(URL, role) of the requests among a callback's outputs."""
    return [(out.url, out.meta["role"]) for out in outputs if isinstance(out, Request)]


def failed(request: Request, error: Exception) -> Failure:
    failure = Failure(error)
    failure.request = request  # type: ignore[attr-defined]  # as Scrapy sets it for errbacks
    return failure


def test_listing_responses_become_detail_requests_and_are_recorded() -> None:
    crawler = spider()
    request = crawler.page_request(f"{BASE}/projets/", "listing", None)
    body = (PAGES / "html-listing.html").read_bytes()
    outputs = list(crawler.on_response(HtmlResponse(request.url, body=body, request=request,
                                                    headers={"ETag": '"v1"'})))  # fmt: skip
    assert requests_of(outputs) == [
        (f"{BASE}/projets/repair-cafe-de-vichy/", "detail"),
        (f"{BASE}/projets/ancien/jardin-des-lilas/", "detail"),
        ("https://www.example-partenaire.fr/projets/x/", "detail"),
        (f"{BASE}/projets/page/2/", "listing"),
    ]
    record = crawler.state.pages[f"{BASE}/projets/"]
    assert record["etag"] == '"v1"' and len(record["requests"]) == 4


def test_404_and_410_mark_a_page_gone_and_5xx_after_retries_mark_it_failed() -> None:
    crawler = spider()
    for status, path in ((404, "/a/"), (410, "/b/")):
        request = crawler.page_request(f"{BASE}{path}", "detail", None)
        assert (
            list(crawler.on_response(Response(request.url, status=status, request=request))) == []
        )
    broken = crawler.page_request(f"{BASE}/c/", "detail", None)
    crawler.on_error(failed(broken, HttpError(Response(broken.url, status=500, request=broken))))
    refused = crawler.page_request(f"{BASE}/prive/d/", "detail", None)
    crawler.on_error(failed(refused, IgnoreRequest("Forbidden by robots.txt")))
    assert crawler.state.gone == {f"{BASE}/a/", f"{BASE}/b/"}
    assert crawler.state.failed == {f"{BASE}/c/"}  # a robots refusal is no failure
    assert not crawler.state.navigation_failed


def test_a_failed_listing_page_makes_the_listing_incomplete() -> None:
    crawler = spider()
    request = crawler.page_request(f"{BASE}/projets/page/3/", "listing", None)
    crawler.on_error(failed(request, TimeoutError("took too long")))
    assert crawler.state.navigation_failed


def test_a_304_replays_the_previous_requests_without_parsing() -> None:
    previous = {f"{BASE}/projets/": {"etag": '"v1"', "last_modified": "", "items": [],
                                     "requests": [["detail", f"{BASE}/projets/x/", None]]}}  # fmt: skip
    crawler = spider(CrawlState(previous_pages=previous))
    request = crawler.page_request(f"{BASE}/projets/", "listing", None)
    outputs = list(crawler.on_response(Response(request.url, status=304, request=request)))
    assert requests_of(outputs) == [(f"{BASE}/projets/x/", "detail")]
    assert crawler.state.validators(f"{BASE}/projets/") == {"If-None-Match": '"v1"'}
