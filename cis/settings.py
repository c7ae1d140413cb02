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
from urllib.parse import urlsplit

from cis.errors import CisError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(CisError, ValueError):
    """A ``CIS_*`` variable holds a value of the wrong form."""


def _text(value: str) -> str:
    return value


def _whole_number(value: str) -> int:
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if not value.strip().isdecimal():
        raise ValueError("must be a whole number")
    return int(value)


def positive_count(value: str) -> int:
    """A count of at least 1 (workers, projects)."""
    if not value.strip().isdecimal() or int(value) < 1:
        raise ValueError("must be a whole number ≥ 1")
    return int(value)


def port_number(value: str) -> int:
    """A TCP port, 1–65535."""
    port = _whole_number(value)
    if not 1 <= port <= 65535:
        raise ValueError("must be a port number 1–65535")
    return port


def _port_or_any(value: str) -> int:
    port = _whole_number(value)
    if port > 65535:
        raise ValueError("must be a port number 0–65535 (0: any free port)")
    return port


# In the order the error message lists them.
FLAG_WORDS = {"1": True, "0": False, "true": True, "false": False}
FLAG_WORDS |= {"yes": True, "no": False, "on": True, "off": False}


def _flag(value: str) -> bool:
    # Strict: a typo such as "maybe" must not silently switch politeness on or off.
    word = value.strip().lower()
    if word not in FLAG_WORDS:
        raise ValueError(f"must be one of {'/'.join(FLAG_WORDS)}")
    return FLAG_WORDS[word]


# The five levels both Scrapy (LOG_LEVEL) and gunicorn (loglevel) understand.
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level(value: str) -> str:
    level = value.strip().upper()  # Scrapy's logging refuses "info"; store the canonical name
    if level not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
    return level


def _url(value: str) -> str:
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
        _url,
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
    Setting("host", "127.0.0.1", "Address `cis serve` binds to."),
    Setting("port", "8000", "Port `cis serve` listens on.", port_number),
    Setting("workers", "2", "gunicorn worker processes for `cis serve`.", positive_count),
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
        "http_cache", "0", "1 keeps fetched pages in an HTTP cache for development re-runs.", _flag
    ),
    Setting("es_version", "8.19.21", "Elasticsearch version `cis es start` installs (Maven)."),
    Setting(
        "es_home",
        "",
        "Where `cis es` unpacks and runs its node (default: <tmp>/cis-es-<uid>).",
        _es_home,
    ),
    Setting("es_port", "9250", "HTTP port of the local node (`0`: any free port).", _port_or_any),
    Setting("es_heap", "512m", "JVM heap of the local node."),
    Setting("java_home", "", "JDK for the local node (default: JAVA_HOME, then `java` on PATH)."),
    Setting(
        "log_level",
        "WARNING",
        "Log level of the crawlers and the service (DEBUG, INFO, WARNING…).",
        _log_level,
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
    host: str
    port: int
    workers: int
    user_agent: str
    polite: bool
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
