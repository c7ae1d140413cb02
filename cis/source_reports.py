"""What each crawl run of a source did (``<run>.report.json``), and the source's health.

Key concepts: a crawler writes one report per run into the raw store — first one saying
the run is ``unfinished`` (what stays if it is killed), replaced when the run ends. The
operator reads the latest report of every source (``cis sources report``); the search
service reads a source's history as its *health*: when it was last crawled, when last
with success, and why the latest run failed if it did.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cis.raw_store import RawStore

Status = Literal["ok", "failed"]
Health = Literal["ok", "failing", "never_crawled"]
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

    @classmethod
    def read(cls, path: Path) -> SourceReport:
        """The report stored at ``path``."""
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def load_reports(raw_root: Path) -> list[SourceReport]:
    """The most recent report of every source under ``raw_root`` (failed runs included)."""
    store = RawStore(raw_root)
    latest = (store.report_paths(source)[-1:] for source in store.known_sources())
    return [SourceReport.read(path) for paths in latest for path in paths]


@dataclass(frozen=True)
class SourceHealth:
    """A source's crawl history in brief, as the public API states it."""

    health: Health
    last_crawl: str | None = None  # when the latest finished run ended
    last_success: str | None = None  # when the latest ok run ended
    failure: str | None = None  # why the latest finished run failed (None if it did not)


def source_health(store: RawStore, source: str) -> SourceHealth:
    """The health of ``source`` from its reports, newest first, read only as far as needed.

    A run still reporting itself unfinished is skipped: it is most often a crawl in
    progress, which says nothing yet (a crawler killed with its parent leaves one too;
    ``cis sources report`` shows it to the operator).
    """
    finished = (r for r in _newest_first(store, source) if r.close_reason != UNFINISHED)
    latest = next(finished, None)
    if latest is None:
        return SourceHealth("never_crawled")
    if latest.status == "ok":
        return SourceHealth("ok", latest.finished, latest.finished)
    success = next((r.finished for r in finished if r.status == "ok"), None)
    return SourceHealth("failing", latest.finished, success, latest.reason)


def _newest_first(store: RawStore, source: str) -> Iterator[SourceReport]:
    for path in reversed(store.report_paths(source)):
        yield SourceReport.read(path)
