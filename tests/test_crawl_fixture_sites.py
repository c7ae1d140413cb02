"""End to end: crawl the served fixture sites, recrawl unchanged, recrawl after mutations.

One generated set of sites is served for the module; ``crawls`` runs the sequence
(first crawl → second crawl with nothing changed → mutate_sites → third crawl) once and
the tests read what each step produced. Every crawl is a real Scrapy run in a child
process against the real HTTP servers on 127.0.0.1.
"""

from __future__ import annotations

import itertools
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from protego import Protego

from cis.raw_store import RawStore
from cis.settings import Settings
from cis.source_reports import SourceReport, source_health
from cis_devtools.fixture_sites import (
    FixtureServer,
    RequestRecord,
    generate_sites,
    load_truth,
    max_concurrency,
    mutate_sites,
    serve_sites,
)
from crawlers.run import crawl
from tests.test_crawl_extract import FIXTURE_SOURCES

PROJECTS = 300
Truth = list[dict[str, Any]]


@dataclass
class Step:
    """One crawl of every fixture site: reports by source, and each site's request log."""

    reports: dict[str, SourceReport]
    log: dict[str, list[RequestRecord]]


@dataclass
class Crawls:
    settings: Settings
    store: RawStore
    truth_before: Truth
    truth_after: Truth
    steps: list[Step]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, FixtureServer]]:
    root = tmp_path_factory.mktemp("fixture-sites")
    generate_sites(root, projects=PROJECTS, seed=2018)
    with serve_sites(root) as server:
        yield root, server


def settings_for(data_dir: Path, polite: bool = False) -> Settings:
    return Settings.from_env(
        {}, data_dir=str(data_dir), polite="1" if polite else "0", log_level="WARNING"
    )


def crawl_step(server: FixtureServer, settings: Settings, ids: list[str] | None = None) -> Step:
    server.clear_requests()
    base_urls = {site: server.base_url(site) for site in server.site_ids}
    reports = crawl(settings, ids, sources_dir=FIXTURE_SOURCES, base_urls=base_urls)
    return Step({r.source: r for r in reports}, {s: server.requests(s) for s in server.site_ids})


@pytest.fixture(scope="module")
def crawls(sites: tuple[Path, FixtureServer], tmp_path_factory: pytest.TempPathFactory) -> Crawls:
    root, server = sites
    settings = settings_for(tmp_path_factory.mktemp("data"))
    before = load_truth(root)
    steps = [crawl_step(server, settings), crawl_step(server, settings)]
    mutate_sites(root, seed=1)
    steps.append(crawl_step(server, settings))
    return Crawls(settings, RawStore(settings.raw_dir), before, load_truth(root), steps)


def listings(truth: Truth, site: str) -> set[str]:
    return {line["url"] for line in truth if line["site"] == site and not line["is_broken"]}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_first_crawl_extracts_every_non_broken_listing_and_no_broken_one(crawls: Crawls) -> None:
    # The third crawl is the latest run; its truth is the mutated one.
    for site in {line["site"] for line in crawls.truth_after}:
        expected = listings(crawls.truth_after, site)
        got = {path_of(item["url"]) for item in crawls.store.latest_items(site)}
        assert len(expected & got) / len(expected) >= 0.99, site
        assert got <= expected, f"{site} yielded broken or unknown listings: {got - expected}"
    first = crawls.steps[0].reports
    assert sum(r.items_kept for r in first.values()) == len(
        {(line["site"], line["url"]) for line in crawls.truth_before if not line["is_broken"]}
    )


def test_titles_are_extracted_as_each_site_shows_them(crawls: Crawls) -> None:
    for site in {line["site"] for line in crawls.truth_after}:
        titles = {path_of(i["url"]): i["fields"]["title"] for i in crawls.store.latest_items(site)}
        truth = {line["url"]: line["title"] for line in crawls.truth_after if line["site"] == site}
        wrong = {url: (title, truth[url]) for url, title in titles.items() if truth[url] != title}
        assert not wrong, site


def test_websites_are_absolute_even_when_written_as_a_bare_domain(crawls: Crawls) -> None:
    for site in {line["site"] for line in crawls.truth_after}:
        truth = {
            line["url"]: line["website"] for line in crawls.truth_after if line["site"] == site
        }
        found = {
            path_of(i["url"]): i["fields"].get("website") for i in crawls.store.latest_items(site)
        }
        wrong = {url: (w, truth[url]) for url, w in found.items() if w and w != truth[url]}
        assert not wrong, site


def test_no_url_disallowed_by_robots_txt_is_ever_fetched(
    sites: tuple[Path, FixtureServer], crawls: Crawls
) -> None:
    _, server = sites
    for site in server.site_ids:
        with urllib.request.urlopen(f"{server.base_url(site)}/robots.txt") as answer:
            robots = Protego.parse(answer.read().decode("utf-8"))
        records = [record for step in crawls.steps for record in step.log[site]]
        assert records, site
        assert all(robots.can_fetch(record.path, "CIS-bot") for record in records), site
        assert {record.user_agent for record in records} == {crawls.settings.user_agent}


def test_every_broken_page_is_accounted_for_with_a_reason(crawls: Crawls) -> None:
    first = crawls.steps[0].reports
    html = first["fx-html"]
    assert html.status == "ok" and html.complete
    assert html.http_errors == {"404": 1, "500": 1}  # missing-404; flaky-500 answered on retry
    assert (html.retries, html.robots_dropped, html.offsite_dropped) == (1, 1, 1)
    assert html.rejected == {"missing-title": 1}
    for source in ("fx-api", "fx-csv", "fx-feed"):
        assert first[source].rejected == {"missing-title": 1}, source
    assert first["fx-sitemap"].http_errors == {"404": 1}
    assert first["fx-jsonld"].robots_dropped == 1
    assert {r.status for r in first.values()} == {"ok"}


def test_a_second_crawl_with_nothing_changed_reprocesses_nothing(crawls: Crawls) -> None:
    first, second = crawls.steps[0].reports, crawls.steps[1].reports
    for source, report in second.items():
        assert (report.new, report.changed, report.removed) == (0, 0, 0), source
        assert report.unchanged == report.items_kept == first[source].items_kept, source
        assert report.not_modified > 0, source
    untitled = {line["url"] for line in crawls.truth_before if line["quirk"] == "no-title"}
    for site, records in crawls.steps[1].log.items():
        full_answers = {r.path for r in records if r.status == 200} - {"/robots.txt"}
        assert full_answers <= untitled, f"{site} re-sent unchanged pages: {full_answers}"


def test_after_mutations_the_next_crawl_records_edits_removals_and_additions(
    crawls: Crawls,
) -> None:
    before, after = crawls.truth_before, crawls.truth_after
    third = crawls.steps[2].reports
    for site, report in third.items():
        old, new = listings(before, site), listings(after, site)
        assert report.new == len(new - old), site
        assert report.removed == len(old - new), site
        removals = {path_of(url) for url in crawls.store.latest_removals(site)}
        assert removals == old - new, site
        title_before = {line["url"]: line["title"] for line in before if line["site"] == site}
        title_after = {line["url"]: line["title"] for line in after if line["site"] == site}
        retitled = {url for url in old & new if title_before[url] != title_after[url]}
        assert report.changed >= len(retitled), site
        assert report.unchanged + report.changed + report.new == report.items_kept, site
    assert sum(r.new + r.changed + r.removed for r in third.values()) > 0


def test_a_capped_run_carries_what_it_did_not_reach(
    sites: tuple[Path, FixtureServer], tmp_path: Path
) -> None:
    _, server = sites
    capped = tmp_path / "sources"
    capped.mkdir()
    text = (FIXTURE_SOURCES / "fx-html.yaml").read_text(encoding="utf-8")
    (capped / "fx-html.yaml").write_text(text + "limits:\n  max_pages: 8\n", encoding="utf-8")
    settings = settings_for(tmp_path / "data")
    full = crawl_step(server, settings, ["fx-html"]).reports["fx-html"]
    reports = crawl(
        settings, ["fx-html"], sources_dir=capped, base_urls={"fx-html": server.base_url("fx-html")}
    )
    report = reports[0]
    assert (report.status, report.complete, report.removed) == ("ok", False, 0)
    assert report.carried > 0 and report.items_kept == full.items_kept


def test_an_unreachable_site_fails_and_keeps_the_last_good_run(
    sites: tuple[Path, FixtureServer], tmp_path: Path
) -> None:
    _, server = sites
    settings = settings_for(tmp_path / "data")
    good = crawl_step(server, settings, ["fx-csv"]).reports["fx-csv"]
    closed = "http://127.0.0.1:9"  # discard port: nothing listens there
    report = crawl(settings, ["fx-csv"], sources_dir=FIXTURE_SOURCES, base_urls={"fx-csv": closed})[
        0
    ]
    assert report.status == "failed" and "no page could be fetched" in report.close_reason
    store = RawStore(settings.raw_dir)
    assert store.latest_run("fx-csv") == good.run
    assert len(list(store.latest_items("fx-csv"))) == good.items_kept


def test_polite_mode_keeps_the_configured_delay_and_concurrency(
    sites: tuple[Path, FixtureServer], tmp_path: Path
) -> None:
    _, server = sites
    step = crawl_step(server, settings_for(tmp_path / "data", polite=True), ["fx-api"])
    records = sorted(step.log["fx-api"], key=lambda record: record.start)
    gaps = [b.start - a.start for a, b in itertools.pairwise(records)]
    assert len(records) >= 3 and step.reports["fx-api"].status == "ok"
    # fx-api.yaml: download_delay 0.2. The server stamps requests when a handler thread
    # starts, which jitters under load; without the delay the gaps would be ~1 ms.
    assert min(gaps) >= 0.15
    assert max_concurrency(records) == 1


def test_each_crawl_records_who_each_source_is_with_its_pages_and_licence(
    crawls: Crawls, sites: tuple[Path, FixtureServer]
) -> None:
    _, server = sites
    descriptions = {d["id"]: d for d in crawls.store.descriptions()}
    assert set(descriptions) == set(server.site_ids)
    for site, description in descriptions.items():
        assert description["homepage"].startswith(server.base_url(site))  # placeholder filled
    assert descriptions["fx-csv"]["licence"] == {
        "name": "ODbL 1.0", "url": "https://opendatacommons.org/licenses/odbl/1-0/",
    }  # fmt: skip
    assert descriptions["fx-jsonld"]["licence"] is None
    assert all(source_health(crawls.store, site).health == "ok" for site in descriptions)
