"""URLs CIS serves (a project's website and image, a contributor's page and logo).

Crawled pages hold anything in an ``href`` or ``src``: relative paths, ``javascript:``,
text with quotes that would break out of an HTML attribute. A URL is served only when
it is absolute http(s), has a host, and is well formed; otherwise it is absent.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import tldextract

# Characters no well-formed URL holds unescaped (RFC 3986): whitespace, quotes, angle
# brackets, braces, pipes, backslashes, carets, backticks and control characters.
_FORBIDDEN = re.compile(r"[\s\"'<>{}|\\^`\x00-\x1f\x7f]")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
MAX_URL_LENGTH = 2_000
# A link that starts with a host name: no scheme ("mailto:", "https:"), not a path.
_BARE_HOST = re.compile(r"([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:[/?#]|$)", re.IGNORECASE)


def safe_http_url(value: object) -> str | None:
    """``value`` as a normalised absolute http(s) URL, or None when it is not one."""
    return _safe_http_url(value) if isinstance(value, str) else None


@lru_cache(maxsize=1 << 16)
def _safe_http_url(value: str) -> str | None:
    """Cached: every answer's tiles bring their websites, images and contributor pages."""
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


def absolute_url(base_url: str, value: str) -> str:
    """``value`` made absolute: against ``base_url``, unless it names a domain without scheme.

    Contributors write ``href="tous-en-selle-margencel.eu/"``: a browser would resolve it
    under the page's folder, but it means https://tous-en-selle-margencel.eu/. A first
    segment ending in a public suffix is a domain; "logo.png" or "images/a.jpg" is a path.
    """
    text = value.strip()
    if (host := _BARE_HOST.match(text)) and _is_registered_domain(host[1]):
        return f"https://{text}"
    return urljoin(base_url, text)


def _is_registered_domain(host: str) -> bool:
    parts = _public_suffixes()(host)
    return bool(parts.domain and parts.suffix)


@cache
def _public_suffixes() -> tldextract.TLDExtract:
    # The snapshot bundled with the package: no download, no cache directory.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


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
