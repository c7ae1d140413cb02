"""Search engines behind one interface; ``open_engine`` picks one from the settings."""

from __future__ import annotations

from cis.engines.base import Engine, EngineError, EngineUnavailable
from cis.settings import Settings

__all__ = ["Engine", "EngineError", "EngineUnavailable", "open_engine"]


def open_engine(settings: Settings) -> Engine:
    """Elasticsearch when ``CIS_ELASTICSEARCH_URL`` is set, else the embedded SQLite file."""
    if settings.elasticsearch_url:
        from cis.engines.elastic_engine import ElasticsearchEngine

        return ElasticsearchEngine.connect(settings.elasticsearch_url, settings.index_alias)
    from cis.engines.sqlite_engine import SqliteEngine

    return SqliteEngine(settings.sqlite_path)
