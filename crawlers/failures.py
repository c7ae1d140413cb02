"""Why a run failed, in the words ``cis sources report`` shows an operator.

A failed run's ``close_reason`` reads ``<how the spider closed>[: <why it is not kept>]``
(see ``recorder.run_failure``); with the run's counters and the crawl bounds it was run
under, that is enough to name the cause: a timeout, a refused connection, HTTP errors
after the retries, a response too large, robots.txt, pages that no longer parse, the
budget, or a crawler killed or crashed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scrapy.settings import BaseSettings

from cis.source_reports import SourceReport

# What the download exceptions Scrapy counts (by class name) mean to an operator.
EXCEPTION_WORDS: Mapping[str, str] = {
    "DownloadTimeoutError": "timeout",
    "DownloadConnectionRefusedError": "connection refused",
    "CannotResolveHostError": "host not found",
    "DownloadFailedError": "connection failed",
    "ResponseDataLossError": "answer cut short",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection closed",
    "DownloadCancelledError": "too large",
}


@dataclass(frozen=True)
class Bounds:
    """The crawl bounds a run was made under (the ``CIS_CRAWL_*`` settings)."""

    timeout: float
    retries: int
    max_bytes: int
    budget: float

    @classmethod
    def from_scrapy(cls, settings: BaseSettings) -> Bounds:
        """Read back from a crawler's Scrapy settings."""
        return cls(
            timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
            retries=settings.getint("RETRY_TIMES"),
            max_bytes=settings.getint("DOWNLOAD_MAXSIZE"),
            budget=settings.getfloat("CLOSESPIDER_TIMEOUT"),
        )


def describe_failure(report: SourceReport, bounds: Bounds) -> str:
    """Why ``report``'s run failed, in words ("" when it did not fail)."""
    if report.status == "ok":
        return ""
    closed, _, detail = report.close_reason.partition(": ")
    if closed == "shutdown":
        return "killed: the crawler was stopped by a signal before finishing"
    if closed == "closespider_timeout":
        return f"budget exceeded: no page fetched in {bounds.budget:g} s (CIS_CRAWL_BUDGET)"
    if detail.startswith("no item kept"):
        return f"parse errors: {detail}{_counts(report.rejected, ', rejected: ')}"
    if detail.startswith("no page could be fetched"):
        causes = "; ".join(_unfetched(report, bounds)) or "no page could be fetched"
        return f"unreachable, gave up: {causes}" if closed == "unreachable" else causes
    return report.close_reason


def _unfetched(report: SourceReport, bounds: Bounds) -> list[str]:
    """The causes, most telling first, of a run that fetched no page at all."""
    causes = []
    if too_large := report.rejected.get("too-large", 0):
        causes.append(
            f"too large: {too_large} response(s) over {bounds.max_bytes} bytes (CIS_CRAWL_MAX_BYTES)"
        )
    server = {code: n for code, n in report.http_errors.items() if code.startswith("5")}
    if server:
        causes.append(f"HTTP {_counts(server)} after {bounds.retries} retries")
    if client := {code: n for code, n in report.http_errors.items() if code not in server}:
        causes.append(f"HTTP {_counts(client)}")
    for name, count in report.download_errors.items():
        words = EXCEPTION_WORDS.get(name.rpartition(".")[2], name)
        if words == "timeout":
            words = f"timeout: no answer within {bounds.timeout:g} s"
        if words != "too large":  # already said, with the limit
            causes.append(f"{words} ({count} attempt{'s' if count > 1 else ''})")
    if report.robots_dropped:
        causes.append(f"robots.txt disallowed {report.robots_dropped} start page(s)")
    return causes


def _counts(counts: Mapping[str, int], prefix: str = "") -> str:
    return prefix + ", ".join(f"{key} ({n})" for key, n in counts.items()) if counts else ""
