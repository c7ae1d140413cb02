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
# gunicorn's default, with the partner's public key id (or "-") where the HTTP Basic user
# was: no request header is logged, so an API key never reaches the log.
access_log_format = '%(h)s %(l)s %({cis.partner}e)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
