"""All configuration in one place: defaults, overridden by ``CIS_*`` environment variables.

Every setting is declared once in ``SETTINGS`` (name, default, help, how its text is
read); the README's settings table is generated from it (``cis settings``) so the two
never drift apart.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from cis.errors import CisError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(CisError, ValueError):
    """A ``CIS_*`` variable holds a value of the wrong form."""


def _text(value: str) -> str:
    return value


def _whole_number(value: str) -> int:
    if not value.strip().isdigit():
        raise ValueError("must be a whole number")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError("must be a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise ValueError("must be a number of seconds above 0")
    return seconds


def _retries(value: str) -> int:
    retries = _whole_number(value)
    if retries > 10:
        raise ValueError("must be a whole number from 0 to 10")
    return retries


def _size(value: str) -> int:
    size = _whole_number(value)
    if size < 1024:
        raise ValueError("must be a whole number of bytes, at least 1024")
    return size


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off")


def _share(value: str) -> float:
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise ValueError("must be a share between 0 and 1")
    return share


def _project_path(value: str) -> Path:
    """A path; a relative one is taken from the project root, not the working directory."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _es_home(value: str) -> Path:
    # Under the system temp dir because, run as root, the node drops to `nobody`
    # and needs a path every user can traverse (a home folder often is not).
    return Path(value) if value else Path(tempfile.gettempdir()) / f"cis-es-{os.getuid()}"


@dataclass(frozen=True)
class Setting:
    """One documented configuration knob, and how its text is read."""

    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = _text


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "data",
        "Where the raw store, reports and the embedded index live.",
        _project_path,
    ),
    Setting(
        "elasticsearch_url",
        "",
        "Elasticsearch URL; empty selects the embedded SQLite engine.",
    ),
    Setting(
        "index_alias", "cis-projects", "Alias (ES) under which the live project index is served."
    ),
    Setting(
        "sources_dir",
        "crawlers/sources",
        "Folder of contributor configs (one file per source).",
        _project_path,
    ),
    Setting(
        "shrink_limit",
        "0.2",
        "Largest share of the live projects one index run may remove (more needs --allow-shrink).",
        _share,
    ),
    Setting("host", "127.0.0.1", "Address `cis serve` binds to."),
    Setting("port", "8000", "Port `cis serve` listens on.", _whole_number),
    Setting("workers", "2", "gunicorn worker processes for `cis serve`.", _whole_number),
    Setting(
        "user_agent",
        "CIS-bot/0.1 (+https://github.com/cis-metasearch/cis; contact: cis@example.org)",
        "User-Agent sent by the crawlers, with a contact URL.",
    ),
    Setting(
        "polite",
        "1",
        "1: AutoThrottle, delays, 1–2 requests per site; 0: none (benchmarks). robots.txt always holds.",
        _flag,
    ),
    Setting(
        "crawl_timeout",
        "10",
        "Seconds one request may take (connecting, then the whole answer). A site that answers "
        "none of the attempts at its robots.txt and first page is given up: a dead or hanging "
        "site costs (CIS_CRAWL_RETRIES + 2) times this.",
        _seconds,
    ),
    Setting(
        "crawl_retries",
        "2",
        "Retries of a request that failed (timeout, refused, HTTP 5xx/429), 0–10, after a doubling pause.",
        _retries,
    ),
    Setting(
        "crawl_budget",
        "1800",
        "Wall-clock seconds one source's crawl may take; then it stops as a capped run (what it "
        "reached is kept, nothing is removed; requests in flight get CIS_CRAWL_TIMEOUT to end).",
        _seconds,
    ),
    Setting(
        "crawl_max_bytes",
        "10485760",
        "Largest response kept, in bytes (10 MiB); a larger one is rejected as too-large.",
        _size,
    ),
    Setting(
        "http_cache", "0", "1 keeps fetched pages in an HTTP cache for development re-runs.", _flag
    ),
    Setting("es_version", "8.19.21", "Elasticsearch version `cis es start` installs (Maven)."),
    Setting(
        "es_home",
        "",
        "Where `cis es` unpacks and runs its node (default: <tmp>/cis-es-<uid>).",
        _es_home,
    ),
    Setting("es_port", "9250", "HTTP port of the local node (`0`: any free port).", _whole_number),
    Setting("es_heap", "512m", "JVM heap of the local node."),
    Setting("java_home", "", "JDK for the local node (default: JAVA_HOME, then `java` on PATH)."),
    Setting(
        "log_level", "WARNING", "Log level of the crawlers and the service (DEBUG, INFO, WARNING…)."
    ),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved configuration; build it with ``Settings.from_env()``."""

    data_dir: Path
    elasticsearch_url: str
    index_alias: str
    sources_dir: Path
    shrink_limit: float
    host: str
    port: int
    workers: int
    user_agent: str
    polite: bool
    crawl_timeout: float
    crawl_retries: int
    crawl_budget: float
    crawl_max_bytes: int
    http_cache: bool
    es_version: str
    es_home: Path
    es_port: int
    es_heap: str
    java_home: str
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ``CIS_<NAME>`` variables from ``env``, then keyword overrides."""
        env = os.environ if env is None else env
        raw = {s.name: env.get(f"CIS_{s.name.upper()}", s.default) for s in SETTINGS}
        raw["java_home"] = raw["java_home"] or env.get("JAVA_HOME", "")
        raw.update({k: str(v) for k, v in overrides.items()})
        return cls(**{f.name: _read(SETTINGS_BY_NAME[f.name], raw[f.name]) for f in fields(cls)})

    @property
    def raw_dir(self) -> Path:
        """Root of the raw store (``<data_dir>/raw``)."""
        return self.data_dir / "raw"

    @property
    def sqlite_path(self) -> Path:
        """The embedded engine's database file."""
        return self.data_dir / "cis.sqlite3"


def _read(setting: Setting, value: str) -> Any:
    try:
        return setting.parse(value)
    except ValueError as error:
        raise ConfigError(f"CIS_{setting.name.upper()} {error}, got {value!r}") from error
