"""What the raw store tells the service about a contributor: its description and its health."""

from __future__ import annotations

from pathlib import Path

import pytest

from cis.raw_store import RawStore
from cis.records import SourceDescription
from cis.source_reports import UNFINISHED, SourceHealth, SourceReport, source_health
from tests.factories import publish_good_run

AVISE: SourceDescription = {
    "id": "avise",
    "name": "Avise",
    "homepage": "https://www.avise.org",
    "logo": "https://www.avise.org/logo.png",
    "licence": {"name": "Licence Ouverte 2.0 (Etalab)", "url": ""},
}


def run_report(source: str, run: str, status: str, reason: str = "finished") -> SourceReport:
    """The report of run ``run`` (a timestamp id), finished one minute after it started."""
    finished = f"{run[:4]}-{run[4:6]}-{run[6:8]}T00:01:00Z"
    return SourceReport(
        source=source, name=source.title(), run=run, status=status,  # type: ignore[arg-type]
        close_reason=reason, started=finished.replace(":01:", ":00:"), finished=finished,
        duration_s=60.0, failure="" if status == "ok" else f"{reason}: in words",
    )  # fmt: skip


def write_runs(store: RawStore, source: str, *runs: tuple[str, str, str]) -> None:
    for run, status, reason in runs:
        store.write_report(source, run, run_report(source, run, status, reason).to_json())


def test_the_latest_crawl_rewrites_the_description_and_every_known_source_has_one(
    tmp_path: Path,
) -> None:
    store = RawStore(tmp_path)
    store.write_description("avise", {**AVISE, "name": "Avise (old name)"})
    store.write_description("avise", AVISE)
    publish_good_run(store, "semeoz")  # crawled before descriptions were recorded
    store.write_report(
        "rtes", "20260101T000000000Z", run_report("rtes", "20260101T000000000Z", "failed").to_json()
    )
    assert store.descriptions() == [
        AVISE,
        {"id": "rtes", "name": "rtes", "homepage": "", "logo": "", "licence": None},
        {"id": "semeoz", "name": "semeoz", "homepage": "", "logo": "", "licence": None},
    ]
    assert not list(tmp_path.glob("avise/.*.tmp"))  # written atomically
    assert RawStore(tmp_path / "missing").descriptions() == []


@pytest.mark.parametrize(
    ("runs", "health"),
    [
        ([], SourceHealth("never_crawled")),
        (
            [("20260101T000000000Z", "failed", "unfinished")],
            SourceHealth("never_crawled"),  # a crawl in progress says nothing yet
        ),
        (
            [("20260101T000000000Z", "ok", "finished")],
            SourceHealth("ok", "2026-01-01T00:01:00Z", "2026-01-01T00:01:00Z"),
        ),
        (
            [("20260101T000000000Z", "ok", "finished"), ("20260102T000000000Z", "failed", "shutdown")],
            SourceHealth(
                "failing", "2026-01-02T00:01:00Z", "2026-01-01T00:01:00Z", "shutdown: in words"
            ),
        ),
        (
            [("20260101T000000000Z", "failed", "finished"), ("20260102T000000000Z", "ok", "finished"),
             ("20260103T000000000Z", "failed", UNFINISHED)],
            SourceHealth("ok", "2026-01-02T00:01:00Z", "2026-01-02T00:01:00Z"),
        ),
        (
            [("20260101T000000000Z", "failed", "finished"), ("20260102T000000000Z", "failed", "x")],
            SourceHealth("failing", "2026-01-02T00:01:00Z", None, "x: in words"),
        ),
    ],
    ids=["no-run", "running", "ok", "failing-after-ok", "ok-while-crawling", "never-ok"],
)  # fmt: skip
def test_health_comes_from_the_latest_finished_run(
    tmp_path: Path, runs: list[tuple[str, str, str]], health: SourceHealth
) -> None:
    store = RawStore(tmp_path)
    write_runs(store, "avise", *runs)
    assert source_health(store, "avise") == health
