"""Search engines behind one interface; ``open_engine`` picks one from the settings."""

from __future__ import annotations

from cis.settings import Settings
from engines.base import Engine, EngineError, EngineUnavailable
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine

__all__ = ["Engine", "EngineError", "EngineUnavailable", "open_engine"]


def open_engine(settings: Settings) -> Engine:
    """Elasticsearch when ``CIS_ELASTICSEARCH_URL`` is set, else the embedded SQLite file."""
    if settings.elasticsearch_url:
        return ElasticsearchEngine.connect(settings.elasticsearch_url, settings.index_alias)
    return SqliteEngine(settings.sqlite_path)
