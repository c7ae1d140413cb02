"""Rate limits on /api/v1, per partner key or else per client address, counted by Flask-Limiter.

Key concepts:
- One bucket per client for all of /api/v1 except health, which monitoring and container
  probes call and must never see refused. A partner's bucket (its key id, the partner
  limit) is apart from the anonymous ones (the client address, the anonymous limit). A
  request with a bad key counts as anonymous before its 401, so guessing keys is limited.
- A window opens at a client's first request and lasts the limit's period (fixed window).
- ``memory://`` counts in each process alone: with N gunicorn workers a client gets up to
  N times the limit. ``redis://`` counts across every worker and server.
- If Redis cannot be reached the API keeps answering: Flask-Limiter logs one warning and
  counts in memory per process, checks Redis again now and then and returns to it.
- Headers, on every limited answer: ``RateLimit-Limit``, ``RateLimit-Remaining`` and
  ``RateLimit-Reset`` (seconds until the window ends, as the IETF draft defines it, not
  Flask-Limiter's epoch time), and ``Retry-After`` (seconds) on a 429.
- Behind ``CIS_TRUSTED_PROXIES`` proxies the client address is read from X-Forwarded-For
  (werkzeug ProxyFix); with 0 the header is ignored, so a client cannot forge its address.
"""

from __future__ import annotations

import math
import time

from flask import Blueprint, Flask, Response, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from limits.errors import StorageError
from werkzeug.middleware.proxy_fix import ProxyFix

from cis.settings import Settings
from search_service.errors import RateLimited
from search_service.partners import current_partner, key_was_refused

HEALTH_ENDPOINT = "api_v1.health"
# A Redis that stops answering must not hold requests long: it is on the same network, or
# down (whole seconds: Flask-Limiter's storage options are typed str | int).
REDIS_TIMEOUTS_S: dict[str, str | int] = {"socket_connect_timeout": 1, "socket_timeout": 1}
RATE_LIMIT_HEADERS = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"


def install_rate_limits(app: Flask, blueprints: list[Blueprint], settings: Settings) -> Limiter:
    """Limit every route of ``blueprints`` but health, in one bucket; 429 in the API's error shape."""
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    redis = not settings.rate_limit_storage.startswith("memory:")
    limiter = Limiter(
        client_key,
        storage_uri=settings.rate_limit_storage,
        storage_options={"wrap_exceptions": True, **(REDIS_TIMEOUTS_S if redis else {})},
        in_memory_fallback_enabled=True,
        strategy="fixed-window",
        key_prefix="cis",
    )

    def client_limit() -> str:
        partner = current_partner()
        return settings.rate_limit_partner if partner else settings.rate_limit_anonymous

    one_bucket = limiter.shared_limit(client_limit, scope="api_v1", exempt_when=is_health_check)
    for blueprint in blueprints:
        one_bucket(blueprint)
    limiter.init_app(app)
    app.after_request(lambda response: add_rate_limit_headers(limiter, response))
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    return limiter


def client_key() -> str:
    """Whose bucket this request counts in: the partner's key id, else the client address."""
    partner = current_partner()
    if partner:
        return f"partner:{partner.id}"
    return f"address:{request.remote_addr or 'unknown'}"


def is_health_check() -> bool:
    """True for the health endpoint, which is never limited."""
    return request.endpoint == HEALTH_ENDPOINT


def add_rate_limit_headers(limiter: Limiter, response: Response) -> Response:
    """The client's limit, what is left of it and when it resets; when to retry after a 429."""
    limit: RequestLimit | None = limiter.current_limit
    if limit is None:
        return response
    try:
        reset_time, remaining = limit.window
    except StorageError:  # Redis went away mid-request: the next request falls back to memory
        return response
    reset_in_s = max(1, math.ceil(reset_time - time.time()))
    response.headers["RateLimit-Limit"] = str(limit.limit.amount)
    response.headers["RateLimit-Remaining"] = str(remaining)
    response.headers["RateLimit-Reset"] = str(reset_in_s)
    if limit.breached:
        response.headers["Retry-After"] = str(reset_in_s)
    # Pages of partner sites calling the API (CORS is open) may read them too.
    response.headers["Access-Control-Expose-Headers"] = RATE_LIMIT_HEADERS
    return response


def too_many_requests(error: RateLimitExceeded) -> tuple[Response, int]:
    """The 429 answer, in the API's error shape."""
    if current_partner():
        holder = "this API key"
    elif key_was_refused():
        holder = "this client address (the X-API-Key it sent is refused)"
    else:
        holder = "this client address"
    message = f"rate limit of {error.limit.limit} reached for {holder}; see the Retry-After header"
    return jsonify(RateLimited(message).to_json()), RateLimited.status
