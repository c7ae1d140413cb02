"""Search engines behind one interface; ``open_engine`` picks one from the settings."""

from __future__ import annotations

from cis.settings import Settings
from engines.base import Engine, EngineError, EngineUnavailable
from engines.elastic.engine import ElasticsearchEngine
from engines.sqlite.engine import SqliteEngine

__all__ = ["Engine", "EngineError", "EngineUnavailable", "open_engine"]


def open_engine(settings: Settings, read_timeout: float | None = None) -> Engine:
    """Elasticsearch when ``CIS_ELASTICSEARCH_URL`` is set, else the embedded SQLite file.

    ``read_timeout`` bounds each read in seconds (the service's ``CIS_ENGINE_TIMEOUT``); a
    read past it raises EngineUnavailable. None: the engine's own long defaults.
    """
    if settings.elasticsearch_url:
        return ElasticsearchEngine.connect(
            settings.elasticsearch_url, settings.index_alias, read_timeout
        )
    return SqliteEngine(settings.sqlite_path, read_timeout)
