"""Per-run source reports (``<run>.report.json``) and the table ``cis sources report`` prints."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cis.raw_store import RawStore

Status = Literal["ok", "failed"]
# Close reason of the report a run writes as it starts, replaced when it ends: a run that
# still says so was killed or crashed (or is running).
UNFINISHED = "unfinished"


@dataclass(frozen=True)
class SourceReport:
    """What one run of one source did."""

    source: str
    name: str
    run: str
    status: Status
    close_reason: str
    started: str
    finished: str
    duration_s: float
    complete: bool = False  # the whole listing was walked: absences are removals
    pages_fetched: int = 0  # HTTP responses received (robots.txt, redirects and 304s too)
    not_modified: int = 0  # 304 answers: pages replayed without re-extraction
    items_kept: int = 0  # items in the run's file
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    carried: int = 0  # previous items not reached this time (errors, capped run)
    duplicates: int = 0  # items met again under a URL already kept
    removed: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    http_errors: dict[str, int] = field(default_factory=dict)  # status -> page responses
    download_errors: dict[str, int] = field(default_factory=dict)  # exception -> count
    offsite_dropped: int = 0
    robots_dropped: int = 0
    retries: int = 0
    failure: str = ""  # why the run failed, in words (crawlers.failures)

    @property
    def reason(self) -> str:
        """Why a failed run failed, in words ("" for an ok run)."""
        if self.status == "ok":
            return ""
        if self.close_reason == UNFINISHED:
            return "unfinished: killed or crashed before its end (or still running)"
        return self.failure or self.close_reason  # reports written before words existed

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SourceReport:
        """Read back a report written by ``to_json`` (unknown keys ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


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


def load_reports(raw_root: Path) -> list[SourceReport]:
    """The most recent report of every source under ``raw_root`` (failed runs included)."""
    store = RawStore(raw_root)
    folders = sorted(p for p in raw_root.iterdir() if p.is_dir()) if raw_root.is_dir() else []
    reports = []
    for folder in folders:
        paths = store.report_paths(folder.name)
        if paths:
            reports.append(SourceReport.from_json(json.loads(paths[-1].read_text("utf-8"))))
    return reports


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
