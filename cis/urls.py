"""URLs CIS serves (a project's website and image, a contributor's page and logo).

Crawled pages hold anything in an ``href`` or ``src``: relative paths, ``javascript:``,
text with quotes that would break out of an HTML attribute. A URL is served only when
it is absolute http(s), has a host, and is well formed; otherwise it is absent.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# Characters no well-formed URL holds unescaped (RFC 3986): whitespace, quotes, angle
# brackets, braces, pipes, backslashes, carets, backticks and control characters.
_FORBIDDEN = re.compile(r"[\s\"'<>{}|\\^`\x00-\x1f\x7f]")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
MAX_URL_LENGTH = 2_000


def safe_http_url(value: object) -> str | None:
    """``value`` as a normalised absolute http(s) URL, or None when it is not one."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_URL_LENGTH or _FORBIDDEN.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a malformed port
        host = _ascii_host(parts.hostname or "")
    except (ValueError, UnicodeError):
        return None
    if parts.scheme.lower() not in ("http", "https") or host is None or parts.username:
        return None
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit(
        (parts.scheme.lower(), netloc, parts.path or "/", parts.query, parts.fragment)
    )


def _is_ipv4(host: str) -> bool:
    parts = host.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) <= 255 for p in parts)


def _ascii_host(host: str) -> str | None:
    """The host in ASCII (IDNA) when it is a domain name with a dot or an IP literal."""
    if not host:
        return None
    if re.fullmatch(r"[0-9.]+", host):
        return host if _is_ipv4(host) else None
    ascii_host = host.encode("idna").decode("ascii").lower().rstrip(".")
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return None
    return ascii_host
