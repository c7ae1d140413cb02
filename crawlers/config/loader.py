"""Loading a folder of contributor configs, one YAML file per source.

The production sources live in ``crawlers/sources/`` (data only); the fixture sites'
configs live apart, in ``devtools/cis_devtools/fixture_sites/sources/``, so that folder
stays the list of real contributors. ``cis sources check`` calls ``check_sources``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from cis.errors import CisError
from crawlers.config.model import SourceConfig
from crawlers.config.reader import SourceError
from crawlers.config.schema import parse_source

__all__ = ["InvalidSources", "SourceError", "check_sources", "load_sources", "source_files"]


class InvalidSources(CisError, ValueError):
    """Raised by ``load_sources`` when any config is invalid; names the first problem."""

    def __init__(self, errors: list[SourceError]) -> None:
        # One line, as every `cis` error: `cis sources check` lists them all.
        more = f" (and {len(errors) - 1} more: run `cis sources check`)" if len(errors) > 1 else ""
        super().__init__(f"invalid source config: {errors[0]}{more}")
        self.errors = errors


def source_files(sources_dir: Path) -> list[Path]:
    """The config files of a sources folder, sorted by name."""
    return sorted([*sources_dir.glob("*.yaml"), *sources_dir.glob("*.yml")])


def _read(path: Path) -> tuple[SourceConfig | None, list[SourceError]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return None, [SourceError(path, "(yaml)", str(error).replace("\n", " "))]
    return parse_source(path, data)


def _load(sources_dir: Path) -> tuple[dict[str, SourceConfig], list[SourceError]]:
    if not sources_dir.is_dir():
        return {}, [SourceError(sources_dir, "(folder)", "is not a folder")]
    configs: dict[str, SourceConfig] = {}
    errors: list[SourceError] = []
    for path in source_files(sources_dir):
        config, problems = _read(path)
        errors.extend(problems)
        if config is None:
            continue
        if config.id in configs:
            errors.append(
                SourceError(
                    path, "id", f"{config.id!r} already used by {configs[config.id].path.name}"
                )
            )
        configs[config.id] = config
    return configs, errors


def check_sources(sources_dir: Path) -> list[SourceError]:
    """Every problem in the configs of ``sources_dir`` (empty when all are valid)."""
    return _load(sources_dir)[1]


def load_sources(sources_dir: Path) -> dict[str, SourceConfig]:
    """All configs of ``sources_dir`` by id; raises ``InvalidSources`` if any is invalid."""
    configs, errors = _load(sources_dir)
    if errors:
        raise InvalidSources(errors)
    return configs
