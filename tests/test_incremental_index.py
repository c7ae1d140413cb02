"""`cis index` after one contributor re-runs: only what changed is re-clustered and written.

Only the re-run contributor's listings are read and re-clustered, only the projects
whose content changed are written, and the ids of the others hold.

One set of fixture sites is served for the module: every site is crawled, the raw store
is kept as "before", the sites are mutated and ONE site is crawled again ("after"). Each
test copies "before" into a fresh data dir, runs `rebuild`, swaps in "after" and runs
`apply_increments`, on the engine under test.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from cis.raw_store import RawStore
from cis.records import Project, SourceRef
from cis.settings import Settings
from cis_devtools.fixture_sites import SOURCES_DIR as FIXTURE_SOURCES_DIR
from cis_devtools.fixture_sites import generate_sites, load_truth, mutate_sites, serve_sites
from crawlers.run import crawl
from engines import Engine
from engines.base import SearchRequest
from engines.sqlite.engine import SqliteEngine
from indexer.dedup.overrides import Overrides, overrides_path
from indexer.dedup.state import DedupState
from indexer.index_state import IndexState, StateFiles, fingerprint, state_files
from indexer.pipeline import apply_increments, full_build, rebuild
from indexer.report import IndexReport

PROJECTS = 150
RECRAWLED = "fx-html"
Truth = list[dict[str, Any]]


@dataclass
class RawStores:
    before: Path  # one crawl of every site
    after: Path  # then the mutated sites, RECRAWLED only
    truth_before: Truth
    truth_after: Truth


@dataclass
class Increment:
    settings: Settings
    before: dict[str, Project]  # the live index after `rebuild`
    after: dict[str, Project]  # the live index after `apply_increments`
    report: IndexReport


@pytest.fixture(scope="module")
def raw_stores(tmp_path_factory: pytest.TempPathFactory) -> RawStores:
    root, data = tmp_path_factory.mktemp("sites"), tmp_path_factory.mktemp("crawl")
    generate_sites(root, projects=PROJECTS)
    truth_before = load_truth(root)
    settings = Settings.from_env({}, data_dir=str(data), polite="0", log_level="WARNING")
    with serve_sites(root) as server:  # one server: item URLs carry its ports
        base_urls = {site: server.base_url(site) for site in server.site_ids}
        reports = crawl(settings, None, sources_dir=FIXTURE_SOURCES_DIR, base_urls=base_urls)
        before = shutil.copytree(settings.raw_dir, tmp_path_factory.mktemp("before") / "raw")
        mutate_sites(root, seed=1)
        reports += crawl(
            settings, [RECRAWLED], sources_dir=FIXTURE_SOURCES_DIR, base_urls=base_urls
        )
    assert {r.status for r in reports} == {"ok"}
    return RawStores(before, settings.raw_dir, truth_before, load_truth(root))


def settings_with(raw: Path, data_dir: Path) -> Settings:
    """Settings on ``data_dir`` whose raw store is a copy of ``raw``."""
    shutil.copytree(raw, data_dir / "raw")
    return Settings.from_env({}, data_dir=str(data_dir), polite="0")


def swap_raw(settings: Settings, raw: Path) -> None:
    shutil.rmtree(settings.raw_dir)
    shutil.copytree(raw, settings.raw_dir)


def live_index(engine: Engine) -> dict[str, Project]:
    """Every project of the live index, by id."""
    found: dict[str, Project] = {}
    page = 1
    while hits := engine.search(SearchRequest(size=100, page=page)).hits:
        found.update((p["id"], p) for p in hits)
        page += 1
    return found


def increment(raw_stores: RawStores, engine: Engine, data_dir: Path) -> Increment:
    settings = settings_with(raw_stores.before, data_dir)
    rebuild(settings, engine)
    before = live_index(engine)
    swap_raw(settings, raw_stores.after)
    report = apply_increments(settings, engine)
    return Increment(settings, before, live_index(engine), report)


def paths(truth: Truth, site: str) -> set[str]:
    return {row["url"] for row in truth if row["site"] == site and not row["is_broken"]}


def listed(project: Project, source: str) -> set[str]:
    return {urlsplit(ref["url"]).path for ref in project["sources"] if ref["source"] == source}


def test_a_new_run_of_one_contributor_rewrites_only_the_projects_it_changed(
    raw_stores: RawStores, engine: Engine, tmp_path: Path
) -> None:
    run = increment(raw_stores, engine, tmp_path)
    assert run.report.full_build == ""
    assert run.report.reclustered == {RECRAWLED: "new run"}
    assert run.report.read.sources == 1
    recrawled = RawStore(run.settings.raw_dir).latest_items(RECRAWLED)
    assert run.report.read.raw_items == sum(1 for _ in recrawled)
    changed = {
        pid
        for pid, p in run.after.items()
        if pid not in run.before or fingerprint(p) != fingerprint(run.before[pid])
    }
    gone = run.before.keys() - run.after.keys()
    assert (run.report.write.written, run.report.write.deleted) == (len(changed), len(gone))
    assert 0 < len(changed) + len(gone) < len(run.before) / 10
    for pid in changed | gone:  # each listed one of RECRAWLED's listings, before or after
        versions = [p for p in (run.before.get(pid), run.after.get(pid)) if p]
        assert any(listed(p, RECRAWLED) for p in versions), pid
    untouched = {pid: p for pid, p in run.before.items() if not listed(p, RECRAWLED)}
    assert all(run.after.get(pid) == p for pid, p in untouched.items())


def test_vanished_listings_leave_the_index_and_new_ones_become_searchable(
    raw_stores: RawStores, engine: Engine, tmp_path: Path
) -> None:
    run = increment(raw_stores, engine, tmp_path)
    old = paths(raw_stores.truth_before, RECRAWLED)
    new = paths(raw_stores.truth_after, RECRAWLED)
    assert old - new and new - old
    indexed = {path for p in run.after.values() for path in listed(p, RECRAWLED)}
    assert indexed == new
    for row in raw_stores.truth_after:
        if row["site"] == RECRAWLED and row["url"] in new - old:
            hits = engine.search(SearchRequest(text=row["title"], size=5)).hits
            assert any(row["url"] in listed(p, RECRAWLED) for p in hits), row["title"]


def key_of(ref: SourceRef) -> str:
    return f"{ref['source']}|{ref['url']}"


def project_with(index: dict[str, Project], key: str) -> str:
    """Id of the project that lists ``key``."""
    return next(pid for pid, p in index.items() if key in map(key_of, p["sources"]))


def test_the_increment_leaves_what_a_full_build_would_and_a_rerun_writes_nothing(
    raw_stores: RawStores, tmp_path: Path
) -> None:
    engine = SqliteEngine(tmp_path / "cis.sqlite3")
    run = increment(raw_stores, engine, tmp_path / "data")
    files = state_files(run.settings, engine.name)
    state = IndexState.load(files.index)
    incremental = files.load_dedup(state)
    assert isinstance(incremental, DedupState)
    history = IndexState(project_ids=dict(state.project_ids), first_seen=dict(state.first_seen))
    full = full_build(run.settings, history, Overrides(), IndexReport("check"))
    assert full.projects == incremental.projects
    # The index skips rewrites that would only refresh last_seen: compare contents.
    assert {pid: fingerprint(p) for pid, p in run.after.items()} == {
        pid: fingerprint(p) for pid, p in incremental.projects.items()
    }
    again = apply_increments(run.settings, engine)
    assert again.idle and again.summary().startswith("index: nothing new since the last run")
    assert (again.reclustered, again.read.raw_items, again.write.written) == ({}, 0, 0)


def test_a_source_gone_from_the_raw_store_leaves_the_index(
    raw_stores: RawStores, tmp_path: Path
) -> None:
    engine = SqliteEngine(tmp_path / "cis.sqlite3")
    settings = settings_with(raw_stores.before, tmp_path / "data")
    rebuild(settings, engine)
    before = live_index(engine)
    shutil.rmtree(settings.raw_dir / "fx-csv")
    report = apply_increments(settings, engine)
    assert report.reclustered == {"fx-csv": "gone"}
    after = live_index(engine)
    assert not any(listed(p, "fx-csv") for p in after.values())
    assert {pid for pid, p in before.items() if not listed(p, "fx-csv")} <= after.keys()


def test_a_changed_merge_rule_is_applied_by_the_next_index_run(
    raw_stores: RawStores, tmp_path: Path
) -> None:
    engine = SqliteEngine(tmp_path / "cis.sqlite3")
    settings = settings_with(raw_stores.before, tmp_path / "data")
    rebuild(settings, engine)
    pair = next(p for p in live_index(engine).values() if len(p["sources"]) == 2)["sources"]
    a, b = map(key_of, pair)
    rules = Overrides.load(overrides_path(settings))
    rules.add("never", a, b)
    rules.save()
    report = apply_increments(settings, engine)
    assert report.reclustered == {pair[0]["source"]: "rules", pair[1]["source"]: "rules"}
    assert report.read.raw_items == 0  # re-clustered from the dedup state, nothing re-read
    assert (report.write.written, report.write.deleted) == (2, 0)
    index = live_index(engine)
    assert project_with(index, a) != project_with(index, b)
    rules.remove(a, b)
    rules.save()
    apply_increments(settings, engine)
    index = live_index(engine)
    assert project_with(index, a) == project_with(index, b)


def test_a_run_that_dies_after_the_engine_write_is_repaired_by_the_next(
    raw_stores: RawStores, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = SqliteEngine(tmp_path / "cis.sqlite3")
    settings = settings_with(raw_stores.before, tmp_path / "data")
    rebuild(settings, engine)
    before, files = live_index(engine), state_files(settings, engine.name)
    committed = files.index.read_bytes()
    swap_raw(settings, raw_stores.after)

    def dies(*args: object) -> None:  # the run dies between the engine write and the commit
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(StateFiles, "commit", dies)
        with pytest.raises(KeyboardInterrupt):
            apply_increments(settings, engine)
    assert files.index.read_bytes() == committed
    assert live_index(engine) != before
    swap_raw(settings, raw_stores.before)  # the states never saw the new run: nothing changed
    apply_increments(settings, engine)
    assert live_index(engine) == before
    assert not files.journal.exists() and len(list(files.dedup_root.iterdir())) == 1


def test_a_run_that_dies_just_after_its_commit_leaves_a_dedup_state_the_next_keeps_as_is(
    raw_stores: RawStores, tmp_path: Path
) -> None:
    done = increment(raw_stores, SqliteEngine(tmp_path / "cis.sqlite3"), tmp_path / "data")
    files = state_files(done.settings, "sqlite")
    (committed,) = files.dedup_root.iterdir()
    saved = {p.name: p.read_bytes() for p in committed.iterdir()}
    files.mark_unsure(done.after)  # killed between the commit and the journal's removal

    report = apply_increments(done.settings, SqliteEngine(tmp_path / "cis.sqlite3"))
    assert not report.idle and report.write is not None  # the unsure ids are written again
    assert list(files.dedup_root.iterdir()) == [committed]  # nothing changed: not saved again
    assert {p.name: p.read_bytes() for p in committed.iterdir()} == saved
    assert not files.journal.exists()
    again = live_index(SqliteEngine(tmp_path / "cis.sqlite3"))  # last_seen refreshed, no more
    assert {k: fingerprint(p) for k, p in again.items()} == {
        k: fingerprint(p) for k, p in done.after.items()
    }
