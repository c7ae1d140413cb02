"""A run report's counters read from Scrapy's stats, and the table ``cis sources report`` prints.

The report record itself, and reading it back, are shared: ``cis.source_reports``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cis.source_reports import SourceReport


def stats_breakdown(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The report's counters read from a Scrapy stats dict."""

    def prefixed(prefix: str, keep: Any = lambda key: True) -> dict[str, int]:
        return {
            key[len(prefix) :]: int(value)
            for key, value in sorted(stats.items())
            if key.startswith(prefix) and keep(key[len(prefix) :])
        }

    return {
        "pages_fetched": int(stats.get("downloader/response_count", 0)),
        "not_modified": int(stats.get("cis/not_modified", 0)),
        "rejected": prefixed("cis/rejected/"),
        "http_errors": _page_errors(stats),
        # IgnoreRequest is robots.txt refusing a URL: counted as robots_dropped instead.
        "download_errors": prefixed(
            "downloader/exception_type_count/", lambda name: not name.endswith("IgnoreRequest")
        ),
        "offsite_dropped": int(stats.get("offsite/filtered", 0)),
        "robots_dropped": int(stats.get("robotstxt/forbidden", 0)),
        "retries": int(stats.get("retry/count", 0)),
    }


def _page_errors(stats: Mapping[str, Any]) -> dict[str, int]:
    """HTTP error answers by status, robots.txt's left out (a 404 there just means no rules)."""
    errors = {}
    for key, value in sorted(stats.items()):
        status = key.removeprefix("downloader/response_status_count/")
        if status != key and int(status) >= 400:
            robots = int(stats.get(f"robotstxt/response_status_count/{status}", 0))
            if count := int(value) - robots:
                errors[status] = count
    return errors


COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "source"), ("status", "status"), ("run", "run"), ("pages", "pages_fetched"),
    ("304", "not_modified"), ("kept", "items_kept"), ("new", "new"), ("changed", "changed"),
    ("same", "unchanged"), ("removed", "removed"), ("rejected", "rejected"),
    ("http err", "http_errors"), ("robots", "robots_dropped"), ("offsite", "offsite_dropped"),
    ("secs", "duration_s"), ("reason", "reason"),
)  # fmt: skip


def format_report_table(reports: list[SourceReport]) -> str:
    """A plain-text table, one row per report, plus the rejection/HTTP error details."""
    rows = [[title for title, _ in COLUMNS]]
    rows += [[_cell(getattr(report, key)) for _, key in COLUMNS] for report in reports]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    for report in reports:
        details = {**report.rejected, **{f"HTTP {k}": v for k, v in report.http_errors.items()}}
        if details:
            lines.append(f"{report.source}: " + ", ".join(f"{k} {v}" for k, v in details.items()))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return str(sum(value.values()))
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
