"""The search service: a thin Flask app over the injected engine, run by gunicorn.

``gunicorn -c search_service/gunicorn_config.py "search_service:create_app()"``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_compress import Compress

from cis.raw_store import RawStore
from cis.settings import Settings
from engines import Engine, open_engine
from search_service.api import api
from search_service.cursors import CursorSigner, load_secret
from search_service.engine_guard import guarded
from search_service.errors import register_error_handlers
from search_service.headers import register_headers
from search_service.http_limits import refuse_long_urls
from search_service.json_provider import OrjsonProvider
from search_service.labels import Labeller, SourceNames
from search_service.limits import install_rate_limits
from search_service.open_data import open_data
from search_service.partners import ActiveKeys, PartnerStore, identify_partner, refuse_invalid_key
from search_service.portal import install_portal


def create_app(
    test_config: Mapping[str, Any] | None = None, *, engine: Engine | None = None
) -> Flask:
    """Build the app: defaults, then ``CIS_*`` variables, then ``test_config``; inject the engine."""
    settings = Settings.from_env(**(test_config or {}))
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config["CIS_SETTINGS"] = settings
    app.extensions["cis_engine"] = guarded(engine or open_engine(settings, settings.engine_timeout))
    app.extensions["cis_labels"] = Labeller(SourceNames(RawStore(settings.raw_dir)))
    app.extensions["cis_cursors"] = CursorSigner(load_secret(settings))
    app.extensions["cis_partner_keys"] = ActiveKeys(PartnerStore(settings.data_dir))
    refuse_long_urls(app)
    app.register_blueprint(api)
    app.register_blueprint(open_data)
    install_portal(app, settings)
    register_error_handlers(app)
    # Registered before the headers so that it runs after them: ETags are computed on the
    # uncompressed body (Flask runs after-request functions last registered first).
    Compress(app)
    register_headers(app)
    # In this order: who is calling, count the request, then refuse a bad key (so that
    # guessing keys uses up the anonymous limit).
    app.before_request(identify_partner)
    install_rate_limits(app, [api, open_data], settings)
    app.before_request(refuse_invalid_key)
    return app
