"""An index laid out by an older version is rebuilt, never incremented into."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from engines.base import EngineError
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine
from tests.factories import catalogue, project


def test_an_older_sqlite_file_is_refused_for_increments_until_rebuilt(
    sqlite_engine: SqliteEngine,
) -> None:
    sqlite_engine.replace_all(catalogue())
    with closing(sqlite3.connect(sqlite_engine.path)) as conn:
        conn.execute("PRAGMA user_version = 0")  # as files written before layouts were stamped
    before = sqlite_engine.path.read_bytes()
    with pytest.raises(EngineError, match=r"layout 0.*run `cis reindex`"):
        sqlite_engine.apply_changes([project("p-new", "Nouveau")], [])
    assert sqlite_engine.path.read_bytes() == before
    assert sqlite_engine.remove_leftovers() == []
    sqlite_engine.replace_all(catalogue())
    sqlite_engine.apply_changes([project("p-new", "Nouveau")], [])
    assert sqlite_engine.count() == 9


def test_an_older_elasticsearch_mapping_is_refused_for_increments_until_rebuilt(
    es_engine: ElasticsearchEngine,
) -> None:
    es_engine.replace_all(catalogue())
    (live,) = es_engine.client.indices.get_alias(name=es_engine.alias)
    es_engine.client.indices.put_mapping(index=live, meta={})
    with pytest.raises(EngineError, match=r"layout 0.*run `cis reindex`"):
        es_engine.apply_changes([project("p-new", "Nouveau")], [])
    assert es_engine.remove_leftovers() == []
    assert es_engine.count() == 8
    es_engine.replace_all(catalogue())
    es_engine.apply_changes([project("p-new", "Nouveau")], [])
    assert es_engine.count() == 9
