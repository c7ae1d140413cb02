"""The search service: a thin Flask app over the injected engine, run by gunicorn.

``gunicorn -c search_service/gunicorn_config.py "search_service:create_app()"``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from cis.settings import Settings
from engines import Engine, open_engine
from search_service.api import api
from search_service.engine_guard import guarded
from search_service.errors import register_error_handlers
from search_service.http_limits import refuse_long_urls


def create_app(
    test_config: Mapping[str, Any] | None = None, *, engine: Engine | None = None
) -> Flask:
    """Build the app: defaults, then ``CIS_*`` variables, then ``test_config``; inject the engine."""
    settings = Settings.from_env(**(test_config or {}))
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config["CIS_SETTINGS"] = settings
    app.extensions["cis_engine"] = guarded(engine or open_engine(settings, settings.engine_timeout))
    refuse_long_urls(app)
    app.register_blueprint(api)
    register_error_handlers(app)
    return app
