"""gunicorn settings for the search service, read from the same CIS_* settings."""

from cis.settings import Settings
from search_service import http_limits
from search_service.understanding.reading import warm_up

_settings = Settings.from_env()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
worker_class = "search_service.gunicorn_worker.JsonErrorWorker"  # gthread, JSON errors
threads = _settings.threads
timeout = 30
graceful_timeout = 10
accesslog = "-"
loglevel = _settings.log_level.lower()
# gunicorn's default, with the partner's public key id (or "-") where the HTTP Basic user
# was: no request header is logged, so an API key never reaches the log.
access_log_format = '%(h)s %(l)s %({cis.partner}e)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
# Above the API's own URL limit, so that the app answers a long URL itself.
limit_request_line = http_limits.GUNICORN_REQUEST_LINE_BYTES
limit_request_fields = http_limits.GUNICORN_HEADER_FIELDS
limit_request_field_size = http_limits.GUNICORN_HEADER_FIELD_BYTES


def post_worker_init(worker: object) -> None:
    """Each worker reads the place tables before its first request (gunicorn hook)."""
    warm_up()
