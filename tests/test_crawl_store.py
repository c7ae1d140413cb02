"""Raw store runs, incremental state rules, item validation and source reports."""

from __future__ import annotations

from pathlib import Path

from cis.raw_store import RawStore, new_run_id
from cis.records import RawItem
from cis.source_reports import SourceReport, load_reports
from crawlers.extract.raw_items import ListingEntry, make_item
from crawlers.incremental import CrawlState
from crawlers.pipelines import rejection_reason
from crawlers.recorder import run_failure
from crawlers.report import format_report_table

NOW = "2026-11-29T12:00:00Z"


def item(url: str, title: str = "Titre", **fields: object) -> RawItem:
    entry = ListingEntry(listing_url="http://s.example/projets/", fields={}, extraction="selectors")
    return make_item("demo", url, entry, {"title": title, **fields}, "selectors", NOW)


def publish(store: RawStore, run: str, items: list[RawItem], removed: tuple[str, ...] = ()) -> None:
    writer = store.open_run("demo", run)
    for raw in items:
        writer.write(raw)
    writer.commit({"pages": {}, "removed": list(removed)})


def test_a_committed_run_becomes_the_latest(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    assert (store.sources(), store.latest_run("demo"), list(store.latest_items("demo"))) == (
        [],
        None,
        [],
    )
    publish(store, "20260101T000000000Z", [item("http://s.example/a"), item("http://s.example/b")])
    publish(
        store, "20260102T000000000Z", [item("http://s.example/a")], removed=("http://s.example/b",)
    )
    assert store.sources() == ["demo"]
    assert store.latest_run("demo") == "20260102T000000000Z"
    assert [i["url"] for i in store.latest_items("demo")] == ["http://s.example/a"]
    assert store.latest_removals("demo") == ["http://s.example/b"]


def test_failed_or_interrupted_runs_leave_the_last_good_run(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    publish(store, "20260101T000000000Z", [item("http://s.example/a")])
    failed = store.open_run("demo", "20260102T000000000Z")
    failed.write(item("http://s.example/z"))
    failed.abort()
    interrupted = store.open_run("demo", "20260103T000000000Z")
    interrupted.write(item("http://s.example/z"))  # never committed: the process died
    assert store.latest_run("demo") == "20260101T000000000Z"
    assert [i["url"] for i in store.latest_items("demo")] == ["http://s.example/a"]
    store.open_run("demo", "20260104T000000000Z").abort()
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == [
        "20260101T000000000Z.jsonl", "20260101T000000000Z.state.json", "LATEST",
    ]  # fmt: skip


def test_run_ids_are_utc_timestamps_unique_per_source(tmp_path: Path) -> None:
    first = new_run_id(tmp_path, ["demo"])
    publish(RawStore(tmp_path), first, [])
    second = new_run_id(tmp_path, ["demo"])
    assert len(first) == 19 and first.endswith("Z") and first[8] == "T"
    assert second > first


def test_items_are_classified_against_the_previous_run() -> None:
    same, edited = item("http://s.example/a"), item("http://s.example/b")
    state = CrawlState(previous_items={same["url"]: same, edited["url"]: edited})
    verdicts = [
        state.accept(item("http://s.example/a"), page_url="p"),
        state.accept(item("http://s.example/b", summary="nouveau résumé"), page_url="p"),
        state.accept(item("http://s.example/c"), page_url="p"),
        state.accept(item("http://s.example/c"), page_url="p"),
    ]
    assert verdicts == ["unchanged", "changed", "new", "duplicate"]


def test_complete_listings_turn_absences_into_removals_but_errors_into_carries() -> None:
    previous = {u: item(u) for u in ("http://s.example/kept", "http://s.example/gone",
                                     "http://s.example/absent", "http://s.example/error")}  # fmt: skip
    state = CrawlState(previous_items=previous)
    state.accept(item("http://s.example/kept"), page_url="p")
    state.mark_gone("http://s.example/gone", navigation=False)
    state.mark_failed("http://s.example/error", navigation=False)
    carried, removed = state.finish(complete=True)
    assert removed == ["http://s.example/absent", "http://s.example/gone"]
    assert [i["url"] for i in carried] == ["http://s.example/error"]


def test_incomplete_runs_only_remove_what_answered_404_or_410() -> None:
    previous = {u: item(u) for u in ("http://s.example/gone", "http://s.example/unreached")}
    state = CrawlState(previous_items=previous)
    state.mark_gone("http://s.example/gone", navigation=False)
    carried, removed = state.finish(complete=False)
    assert removed == ["http://s.example/gone"]
    assert [i["url"] for i in carried] == ["http://s.example/unreached"]


def test_a_304_replays_the_requests_and_items_of_the_previous_fetch() -> None:
    detail = item("http://s.example/a")
    first = CrawlState()
    first.record_page(
        "http://s.example/list", {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2018"}
    )
    first.record_request("http://s.example/list", "detail", "http://s.example/a", None)
    first.record_page("http://s.example/a", {"ETag": '"v2"'})
    first.accept(detail, page_url="http://s.example/a")
    saved = first.to_json(removed=[])
    second = CrawlState(previous_items={detail["url"]: detail}, previous_pages=saved["pages"])
    assert second.validators("http://s.example/list") == {
        "If-None-Match": '"v1"', "If-Modified-Since": "Mon, 01 Jan 2018",
    }  # fmt: skip
    assert second.replay("http://s.example/list") == ([("detail", "http://s.example/a", None)], [])
    requests, items = second.replay("http://s.example/a")
    assert requests == [] and items[0]["content_hash"] == detail["content_hash"]
    assert items[0]["fetched_at"] != NOW  # confirmed current now


def test_items_without_title_or_url_are_rejected_with_a_reason() -> None:
    assert rejection_reason(item("http://s.example/a")) is None
    assert rejection_reason(item("")) == "missing-url"
    assert rejection_reason(item("/relative")) == "invalid-url"
    assert rejection_reason(item("http://s.example/a", title="  ")) == "missing-title"
    assert rejection_reason(item("http://s.example/a", title=["a", "b"])) == "title-not-text"  # type: ignore[arg-type]


def report(source: str, run: str, status: str = "ok") -> SourceReport:
    return SourceReport(
        source=source, name=source.title(), run=run, status=status,  # type: ignore[arg-type]
        close_reason="finished", started=NOW, finished=NOW, duration_s=1.5, pages_fetched=10,
        items_kept=8, new=8, rejected={"missing-title": 1}, http_errors={"404": 2},
    )  # fmt: skip


def test_reports_load_the_latest_run_of_each_source_and_print_as_a_table(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    store.write_report(
        "alpha", "20260101T000000000Z", report("alpha", "20260101T000000000Z").to_json()
    )
    store.write_report(
        "alpha", "20260102T000000000Z", report("alpha", "20260102T000000000Z", "failed").to_json()
    )
    store.write_report(
        "beta", "20260101T000000000Z", report("beta", "20260101T000000000Z").to_json()
    )
    reports = load_reports(tmp_path)
    assert [(r.source, r.run, r.status) for r in reports] == [
        ("alpha", "20260102T000000000Z", "failed"), ("beta", "20260101T000000000Z", "ok"),
    ]  # fmt: skip
    assert reports[1] == report("beta", "20260101T000000000Z")
    table = format_report_table(reports).splitlines()
    assert table[0].split()[:4] == ["source", "status", "run", "pages"]
    assert table[1].split()[:4] == ["alpha", "failed", "20260102T000000000Z", "10"]
    assert "beta: missing-title 1, HTTP 404 2" in table
    assert load_reports(tmp_path / "nothing") == []


def test_a_run_fails_when_it_cannot_be_trusted_to_replace_the_last_good_one() -> None:
    known = item("http://s.example/a")
    fetched = CrawlState(previous_items={known["url"]: known}, pages_ok=3)
    assert run_failure(fetched, "shutdown") == "shutdown"
    assert run_failure(CrawlState(), "finished") == "finished: no page could be fetched"
    assert "no item kept where the last run had 1" in str(run_failure(fetched, "finished"))
    fetched.accept(known, page_url="p")
    assert run_failure(fetched, "finished") is None
    assert run_failure(fetched, "closespider_pagecount") is None  # capped: ok, incomplete
