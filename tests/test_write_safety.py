"""Writes that cannot hurt the live index: copies swapped in whole, refusals, leftovers, guards."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cis.locks import Busy
from cis.settings import Settings
from cis_devtools.fixture_sites.corpus import write_raw_store
from engines import Engine
from engines.base import RejectedDocuments, SearchRequest
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from indexer.guards import NoRawStore, ShrinkRefused, index_lock
from indexer.index_state import state_files
from indexer.pipeline import apply_increments, rebuild
from tests.factories import catalogue, project


def ids(engine: Engine) -> list[str]:
    return sorted(hit["id"] for hit in engine.search(SearchRequest(size=100)).hits)


def unparsable(pid: str) -> dict[str, object]:
    """A project whose point Elasticsearch refuses (a geo_point needs numbers)."""
    return {**project(pid, "Jardin perdu"), "location": {"lat": "nord", "lon": "est"}}


def test_an_sqlite_increment_swaps_in_a_copy_and_never_writes_the_live_file(
    tmp_path: Path,
) -> None:
    engine = SqliteEngine(tmp_path / "cis.sqlite3")
    engine.replace_all(catalogue())
    live = engine.path.stat().st_ino
    engine.apply_changes([project("p-new", "Nouvelle épicerie")], ["p-fle"])
    assert engine.path.stat().st_ino != live
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cis.sqlite3"]  # no journal, no copy
    assert "p-new" in ids(engine) and "p-fle" not in ids(engine)


def test_an_elasticsearch_increment_swaps_in_a_clone_and_drops_the_old_index(
    es_engine: ElasticsearchEngine,
) -> None:
    es_engine.replace_all(catalogue())
    (before,) = es_engine.client.indices.get_alias(name=es_engine.alias)
    es_engine.apply_changes([project("p-new", "Nouvelle épicerie")], ["p-fle"])
    (after,) = es_engine.client.indices.get_alias(name=es_engine.alias)
    assert after != before
    assert list(es_engine.client.indices.get(index=f"{es_engine.alias}-*")) == [after]
    assert "p-new" in ids(es_engine) and "p-fle" not in ids(es_engine)
    es_engine.apply_changes([project("p-newer", "Autre épicerie")], [])  # a clone of a clone
    assert {"p-new", "p-newer"} <= set(ids(es_engine))


def test_leftovers_of_killed_writes_are_removed_and_named(engine: Engine, tmp_path: Path) -> None:
    engine.replace_all(catalogue())
    if isinstance(engine, SqliteEngine):
        leftover = f"{engine.path.name}.building-999999"
        (engine.path.parent / leftover).write_bytes(b"half a copy")
    else:
        assert isinstance(engine, ElasticsearchEngine)
        leftover = f"{engine.alias}-20260101000000000000"
        engine.client.indices.create(index=leftover)
    assert engine.remove_leftovers() == [leftover]
    assert engine.remove_leftovers() == []
    assert len(ids(engine)) == 8


@pytest.mark.parametrize("write", ["replace_all", "apply_changes"])
def test_a_rejected_document_abandons_the_write_and_names_it(
    es_engine: ElasticsearchEngine, write: str
) -> None:
    es_engine.replace_all(catalogue())
    before = ids(es_engine)
    bad = [project("p-ok", "Bonne épicerie"), unparsable("p-bad")]
    with pytest.raises(RejectedDocuments, match=r"1 of 2 documents rejected.*p-bad"):
        if write == "replace_all":
            es_engine.replace_all(bad)  # type: ignore[arg-type]
        else:
            es_engine.apply_changes(bad, [])  # type: ignore[arg-type]
    assert ids(es_engine) == before
    assert es_engine.remove_leftovers() == []  # the abandoned index went with the error


@pytest.fixture(scope="module")
def raw_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("raw") / "raw"
    write_raw_store(root, projects=60)
    return root


def data_dir_with(raw_store: Path, folder: Path) -> Settings:
    shutil.copytree(raw_store, folder / "raw")
    return Settings.from_env({}, data_dir=folder)


def test_a_missing_or_empty_raw_store_is_refused_and_the_live_index_kept(
    engine: Engine, raw_store: Path, tmp_path: Path
) -> None:
    rebuild(data_dir_with(raw_store, tmp_path / "good"), engine)
    live = ids(engine)
    mistyped = Settings.from_env({}, data_dir=tmp_path / "mistyped")
    with pytest.raises(NoRawStore, match="no raw store at"):
        rebuild(mistyped, engine)
    with pytest.raises(NoRawStore, match="no raw store at"):
        apply_increments(mistyped, engine)
    (tmp_path / "empty" / "raw").mkdir(parents=True)
    with pytest.raises(NoRawStore, match="holds no finished crawl"):
        rebuild(Settings.from_env({}, data_dir=tmp_path / "empty"), engine)
    assert ids(engine) == live


def test_a_run_that_would_drop_too_much_is_refused_unless_allowed(
    engine: Engine, raw_store: Path, tmp_path: Path
) -> None:
    settings = data_dir_with(raw_store, tmp_path / "data")
    rebuild(settings, engine)
    live = ids(engine)
    for source in sorted(p.name for p in settings.raw_dir.iterdir())[:2]:  # two crawls lost
        shutil.rmtree(settings.raw_dir / source)
    for job in (rebuild, apply_increments):
        with pytest.raises(ShrinkRefused, match=r"would remove \d+ of the \d+ listings"):
            job(settings, engine)
        assert ids(engine) == live
    apply_increments(settings, engine, allow_shrink=True)
    assert 0 < len(ids(engine)) < len(live)


def test_overlapping_index_runs_are_refused(raw_store: Path, tmp_path: Path) -> None:
    settings = data_dir_with(raw_store, tmp_path / "data")
    engine = SqliteEngine(settings.sqlite_path)
    with index_lock(settings), pytest.raises(Busy, match="already running"):
        rebuild(settings, engine)
    rebuild(settings, engine)  # the lock went with its holder
    assert engine.count() > 0


def corrupt_first_item(raw_dir: Path, source: str) -> str:
    """Give the first item of ``source``'s last run a fetch time no date parser reads."""
    (run,) = sorted((raw_dir / source).glob("*.jsonl"))
    lines = run.read_text(encoding="utf-8").splitlines()
    item = json.loads(lines[0])
    lines[0] = json.dumps({**item, "fetched_at": "hier soir"})
    run.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(item["url"])


def test_a_rejected_project_fails_the_run_and_is_retried_by_the_next(
    es_engine: ElasticsearchEngine, raw_store: Path, tmp_path: Path
) -> None:
    settings = data_dir_with(raw_store, tmp_path / "data")
    (settings.raw_dir / "fx-html" / "LATEST").unlink()  # fx-html not crawled yet
    rebuild(settings, es_engine, allow_shrink=True)
    live = ids(es_engine)
    (settings.raw_dir / "fx-html" / "LATEST").write_text("20261101T000000000Z\n")
    corrupt_first_item(settings.raw_dir, "fx-html")
    with pytest.raises(RejectedDocuments, match="failed to parse field"):
        apply_increments(settings, es_engine)
    assert ids(es_engine) == live
    retried = state_files(settings, es_engine.name).unsure()
    assert retried - set(
        live
    )  # the new projects, the rejected one among them, wait for the next run
    with pytest.raises(RejectedDocuments):  # the next run tries them again
        apply_increments(settings, es_engine)
