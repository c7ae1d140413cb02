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

from cis import setting_types as kinds
from cis.errors import CisError


class ConfigError(CisError, ValueError):
    """A ``CIS_*`` variable holds a value of the wrong form."""


@dataclass(frozen=True)
class Setting:
    """One documented configuration knob, and how its text is read."""

    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = kinds.text


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "data",
        "Where the raw store, reports and the embedded index live.",
        kinds.project_path,
    ),
    Setting(
        "elasticsearch_url",
        "",
        "Elasticsearch URL; empty selects the embedded SQLite engine.",
        kinds.http_url,
    ),
    Setting(
        "index_alias", "cis-projects", "Alias (ES) under which the live project index is served."
    ),
    Setting(
        "sources_dir",
        "crawlers/sources",
        "Folder of contributor configs (one file per source).",
        kinds.project_path,
    ),
    Setting(
        "shrink_limit",
        "0.2",
        "Largest share of the live index (its listings) one index run may remove; more, or all, needs --allow-shrink.",
        kinds.share,
    ),
    Setting(
        "secret_key",
        "",
        "Key signing the API's paging cursors: the same long random text on every host; empty: "
        "one is created in <data_dir>/secret_key.",
    ),
    Setting("host", "127.0.0.1", "Address `cis serve` binds to."),
    Setting("port", "8000", "Port `cis serve` listens on.", kinds.port_number),
    Setting("workers", "2", "gunicorn worker processes for `cis serve`.", kinds.positive_count),
    Setting(
        "threads",
        "4",
        "Threads of each gunicorn worker: requests one worker serves at once while others wait "
        "on the engine.",
        kinds.positive_count,
    ),
    Setting(
        "engine_timeout",
        "1.5",
        "Seconds one read of the service (search, project, health…) may wait for the engine, "
        "without retry; then it answers 503. The indexer's writes keep their own long timeout.",
        kinds.seconds,
    ),
    Setting(
        "user_agent",
        "CIS-bot/0.1 (+https://github.com/cis-metasearch/cis; contact: cis@example.org)",
        "User-Agent sent by the crawlers, with a contact URL.",
    ),
    Setting(
        "polite",
        "1",
        "1: AutoThrottle, delays, 1–2 requests per site; 0: none (benchmarks). robots.txt always holds.",
        kinds.flag,
    ),
    Setting(
        "crawl_timeout",
        "10",
        "Seconds one request may take (connecting, then the whole answer). A site that answers "
        "none of the attempts at its robots.txt and first page is given up: a dead or hanging "
        "site costs (CIS_CRAWL_RETRIES + 2) times this.",
        kinds.seconds,
    ),
    Setting(
        "crawl_retries",
        "2",
        "Retries of a request that failed (timeout, refused, HTTP 5xx/429), 0–10, after a doubling pause.",
        kinds.retries,
    ),
    Setting(
        "crawl_budget",
        "1800",
        "Wall-clock seconds one source's crawl may take; then it stops as a capped run (what it "
        "reached is kept, nothing is removed; requests in flight get CIS_CRAWL_TIMEOUT to end).",
        kinds.seconds,
    ),
    Setting(
        "crawl_max_bytes",
        "10485760",
        "Largest response kept, in bytes (10 MiB); a larger one is rejected as too-large.",
        kinds.byte_size,
    ),
    Setting(
        "http_cache",
        "0",
        "1 keeps fetched pages in an HTTP cache for development re-runs.",
        kinds.flag,
    ),
    Setting("es_version", "8.19.21", "Elasticsearch version `cis es start` installs (Maven)."),
    Setting(
        "es_home",
        "",
        "Where `cis es` unpacks and runs its node (default: <tmp>/cis-es-<uid>).",
        kinds.es_home,
    ),
    Setting(
        "es_port", "9250", "HTTP port of the local node (`0`: any free port).", kinds.port_or_any
    ),
    Setting("es_heap", "512m", "JVM heap of the local node."),
    Setting("java_home", "", "JDK for the local node (default: JAVA_HOME, then `java` on PATH)."),
    Setting(
        "log_level",
        "WARNING",
        "Log level of the crawlers and the service (DEBUG, INFO, WARNING…).",
        kinds.log_level,
    ),
    Setting(
        "rate_limit_storage",
        "memory://",
        "Where API rate limits are counted: `memory://` counts in each gunicorn worker alone; "
        "`redis://host:6379/0` counts across all workers and servers (production).",
        kinds.rate_limit_storage,
    ),
    Setting(
        "rate_limit_anonymous",
        "120/minute",
        "Requests one client address without an API key may make to /api/v1 (health excepted).",
        kinds.rate_limit,
    ),
    Setting(
        "rate_limit_partner",
        "1200/minute",
        "Requests one partner API key (`X-API-Key`) may make to /api/v1 (health excepted).",
        kinds.rate_limit,
    ),
    Setting(
        "trusted_proxies",
        "0",
        "Reverse proxies in front of the service whose X-Forwarded-For is believed (nginx: 1); "
        "0 limits by the connecting address.",
        kinds.whole_number,
    ),
    Setting(
        "map_tiles",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map tile URL template of the portal ({z}/{x}/{y}); empty: no background, clusters and "
        "markers still drawn.",
        kinds.tile_url,
    ),
    Setting(
        "map_attribution",
        "© les contributeurs d’OpenStreetMap",
        "Credit the portal's map shows for its tiles.",
    ),
    Setting(
        "frontend_dir",
        "node_modules",
        "Where `npm ci` put the portal's front-end packages (DSFR, htmx, Leaflet).",
        kinds.project_path,
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
    secret_key: str
    host: str
    port: int
    workers: int
    threads: int
    engine_timeout: float
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
    rate_limit_storage: str
    rate_limit_anonymous: str
    rate_limit_partner: str
    trusted_proxies: int
    map_tiles: str
    map_attribution: str
    frontend_dir: Path

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

    def check_data_dir(self) -> None:
        """Raise ConfigError unless the data dir is, or can become, a writable folder."""
        try:
            _probe_writable(_nearest_existing(self.data_dir))
        except OSError as error:
            where = "" if error.filename in (None, str(self.data_dir)) else f"{error.filename}: "
            raise ConfigError(
                f"CIS_DATA_DIR {self.data_dir} is not writable: {where}{error.strerror}"
            ) from None


def _nearest_existing(path: Path) -> Path:
    """``path``, or the closest ancestor that exists: where creating it would start."""
    while not path.exists():
        path = path.parent
    return path


def _probe_writable(folder: Path) -> None:
    """Raise OSError (naming ``folder``) unless a file can be created in it; leaves no trace."""
    # Asking the OS beats os.access: it answers for root, ACLs and read-only mounts alike.
    # The file is unnamed (O_TMPFILE) or deleted at once, so nothing is left behind.
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(folder)) from None


def _read(setting: Setting, value: str) -> Any:
    try:
        return setting.parse(value)
    except ValueError as error:
        raise ConfigError(f"CIS_{setting.name.upper()} {error}, got {value!r}") from error
