"""How the text of a ``CIS_*`` variable is read: one function per kind of setting.

Each takes the variable's text and returns the typed value, or raises ValueError saying
what the value must be (``cis.settings`` adds the variable's name and the bad value).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from limits import parse_many

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def text(value: str) -> str:
    """Any text, as written."""
    return value


def whole_number(value: str) -> int:
    """A whole number of 0 or more."""
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if not value.strip().isdecimal():
        raise ValueError("must be a whole number")
    return int(value)


def seconds(value: str) -> float:
    """A positive number of seconds."""
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError("must be a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise ValueError("must be a number of seconds above 0")
    return seconds


def retries(value: str) -> int:
    """A retry count, 0 to 10."""
    retries = whole_number(value)
    if retries > 10:
        raise ValueError("must be a whole number from 0 to 10")
    return retries


def byte_size(value: str) -> int:
    """A size in bytes, at least 1 KiB."""
    size = whole_number(value)
    if size < 1024:
        raise ValueError("must be a whole number of bytes, at least 1024")
    return size


def positive_count(value: str) -> int:
    """A count of at least 1 (workers, projects)."""
    if not value.strip().isdecimal() or int(value) < 1:
        raise ValueError("must be a whole number ≥ 1")
    return int(value)


def port_number(value: str) -> int:
    """A TCP port, 1–65535."""
    port = whole_number(value)
    if not 1 <= port <= 65535:
        raise ValueError("must be a port number 1–65535")
    return port


def port_or_any(value: str) -> int:
    """A TCP port, or 0 for any free one."""
    port = whole_number(value)
    if port > 65535:
        raise ValueError("must be a port number 0–65535 (0: any free port)")
    return port


# In the order the error message lists them.
FLAG_WORDS = {"1": True, "0": False, "true": True, "false": False}
FLAG_WORDS |= {"yes": True, "no": False, "on": True, "off": False}


def flag(value: str) -> bool:
    """A yes/no switch, in one of the words of ``FLAG_WORDS``."""
    # Strict: a typo such as "maybe" must not silently switch politeness on or off.
    word = value.strip().lower()
    if word not in FLAG_WORDS:
        raise ValueError(f"must be one of {'/'.join(FLAG_WORDS)}")
    return FLAG_WORDS[word]


# The five levels both Scrapy (LOG_LEVEL) and gunicorn (loglevel) understand.
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def log_level(value: str) -> str:
    """One of Python's log level names, stored in capitals."""
    level = value.strip().upper()  # Scrapy's logging refuses "info"; store the canonical name
    if level not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
    return level


def http_url(value: str) -> str:
    """An Elasticsearch URL, or empty; checked here so a typo fails before any connection."""
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            "must be an http:// or https:// URL with a host, like http://127.0.0.1:9200"
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError("must have a port number 1–65535 after the host") from None
    # The client fills in 443 for https but refuses an http URL without a port.
    if port is None and parts.scheme == "http":
        raise ValueError("needs a port after the host, like http://127.0.0.1:9200")
    return value


def tile_url(value: str) -> str:
    """An https (or http) tile URL template with {z}, {x} and {y}, or empty."""
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            "must be an http(s) URL template, like https://tile.example.org/{z}/{x}/{y}.png"
        )
    if not all(f"{{{name}}}" in value for name in "zxy"):
        raise ValueError("must hold {z}, {x} and {y}")
    return value


def share(value: str) -> float:
    """A share between 0 and 1."""
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise ValueError("must be a share between 0 and 1")
    return share


def project_path(value: str) -> Path:
    """A path; a relative one is taken from the project root, not the working directory."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def es_home(value: str) -> Path:
    """The local node's folder (default: under the system temp dir)."""
    # Under the system temp dir because, run as root, the node drops to `nobody`
    # and needs a path every user can traverse (a home folder often is not).
    return Path(value) if value else Path(tempfile.gettempdir()) / f"cis-es-{os.getuid()}"


# The storages `limits` offers that count across processes, and the per-process one.
RATE_LIMIT_SCHEMES = ("memory", "redis", "rediss", "redis+unix")


def rate_limit_storage(value: str) -> str:
    """A `limits` storage URI: ``memory://`` or a Redis URL."""
    parts = urlsplit(value)
    if parts.scheme not in RATE_LIMIT_SCHEMES or "://" not in value:
        raise ValueError("must be memory:// or a Redis URL like redis://127.0.0.1:6379/0")
    if parts.scheme in ("redis", "rediss") and not parts.hostname:
        raise ValueError("needs a host, like redis://127.0.0.1:6379/0")
    return value


def rate_limit(value: str) -> str:
    """A rate such as ``120/minute``: a count of at least 1 per second, minute, hour or day."""
    # Read by the `limits` library that enforces it, so both agree on the grammar.
    try:
        rates = parse_many(value)
    except ValueError:
        rates = []
    if len(rates) != 1 or rates[0].amount < 1:
        raise ValueError(
            "must be a rate like 120/minute (a count ≥ 1 per second, minute, hour or day)"
        )
    return value
