"""gunicorn settings for the search service, read from the same CIS_* settings."""

from cis.settings import Settings

_settings = Settings.from_env()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
worker_class = "gthread"
threads = 4
timeout = 30
graceful_timeout = 10
accesslog = "-"
loglevel = _settings.log_level.lower()
