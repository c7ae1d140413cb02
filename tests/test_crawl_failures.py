"""Why a source failed, in words: in its report and in the `cis sources report` table."""

from __future__ import annotations

from typing import Any

import pytest

from cis.source_reports import UNFINISHED, SourceReport
from crawlers.failures import Bounds, describe_failure
from crawlers.report import format_report_table

NOW = "2026-11-29T12:00:00Z"
BOUNDS = Bounds(timeout=10, retries=2, max_bytes=10_485_760, budget=1800)
TIMEOUT = "scrapy.exceptions.DownloadTimeoutError"
REFUSED = "scrapy.exceptions.DownloadConnectionRefusedError"


def failed(close_reason: str, **counters: Any) -> SourceReport:
    return SourceReport(
        source="alpha", name="Alpha", run="20261129T120000000Z", status="failed",
        close_reason=close_reason, started=NOW, finished=NOW, duration_s=40.2, **counters,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("report", "words"),
    [
        (
            failed("unreachable: no page could be fetched", download_errors={TIMEOUT: 4}),
            "unreachable, gave up: timeout: no answer within 10 s (4 attempts)",
        ),
        (
            failed("unreachable: no page could be fetched", download_errors={REFUSED: 4}),
            "unreachable, gave up: connection refused (4 attempts)",
        ),
        (
            failed("finished: no page could be fetched", http_errors={"503": 3}),
            "HTTP 503 (3) after 2 retries",
        ),
        (
            failed("finished: no page could be fetched", http_errors={"403": 1}),
            "HTTP 403 (1)",
        ),
        (
            failed(
                "finished: no page could be fetched",
                rejected={"too-large": 1},
                download_errors={"scrapy.exceptions.DownloadCancelledError": 1},
            ),
            "too large: 1 response(s) over 10485760 bytes (CIS_CRAWL_MAX_BYTES)",
        ),
        (
            failed("finished: no page could be fetched", robots_dropped=2),
            "robots.txt disallowed 2 start page(s)",
        ),
        (
            failed(
                "finished: no item kept where the last run had 120 (selectors broken?)",
                rejected={"missing-title": 118, "not-json": 2},
            ),
            "parse errors: no item kept where the last run had 120 (selectors broken?), "
            "rejected: missing-title (118), not-json (2)",
        ),
        (
            failed("closespider_timeout: no page could be fetched"),
            "budget exceeded: no page fetched in 1800 s (CIS_CRAWL_BUDGET)",
        ),
        (failed("shutdown"), "killed: the crawler was stopped by a signal before finishing"),
    ],
)
def test_why_a_run_failed_is_said_in_words(report: SourceReport, words: str) -> None:
    assert describe_failure(report, BOUNDS) == words


def test_an_ok_run_has_no_failure_and_an_unfinished_one_was_killed_or_crashed() -> None:
    ok = SourceReport(
        source="beta", name="Beta", run="r", status="ok", close_reason="finished",
        started=NOW, finished=NOW, duration_s=1.0,
    )  # fmt: skip
    assert describe_failure(ok, BOUNDS) == ok.reason == ""
    assert failed(UNFINISHED).reason == (
        "unfinished: killed or crashed before its end (or still running)"
    )
    assert failed("crawler process exited with code 1").reason == (
        "crawler process exited with code 1"  # a report from before reasons had words
    )


def test_the_report_table_says_why_each_failed_source_failed() -> None:
    reason = "unreachable, gave up: timeout: no answer within 10 s (4 attempts)"
    report = failed("unreachable: no page could be fetched", failure=reason)
    header, row = format_report_table([report]).splitlines()
    assert header.split()[-2:] == ["secs", "reason"]
    assert row.endswith(f"40.2  {reason}")
