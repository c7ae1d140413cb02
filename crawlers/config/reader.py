"""Typed reads from a parsed YAML mapping, collecting errors that name file, key and problem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SourceError:
    """One problem in one contributor config file."""

    file: Path
    key: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.problem}"


class Reader:
    """Reads typed values out of one config file, recording every problem met."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.errors: list[SourceError] = []

    def error(self, key: str, problem: str) -> None:
        """Record a problem with ``key``."""
        self.errors.append(SourceError(self.file, key, problem))

    def check_keys(self, data: Mapping[str, Any], prefix: str, known: tuple[str, ...]) -> None:
        """Flag keys of ``data`` that are not in ``known`` (typos must not pass silently)."""
        for key in data:
            if key not in known:
                self.error(_join(prefix, str(key)), f"unknown key (known: {', '.join(known)})")

    def mapping(self, data: Mapping[str, Any], key: str, prefix: str = "") -> dict[str, Any]:
        """A nested mapping, ``{}`` when absent."""
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(_join(prefix, key), f"expected a mapping, got {type(value).__name__}")
            return {}
        return value

    def text(
        self, data: Mapping[str, Any], key: str, prefix: str = "", *, required: bool = False
    ) -> str:
        """A string value; ``""`` when absent (an error if required)."""
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(_join(prefix, key), "is required")
            return ""
        if not isinstance(value, str):
            self.error(_join(prefix, key), f"expected a string, got {value!r}")
            return ""
        return value

    def flag(
        self, data: Mapping[str, Any], key: str, prefix: str = "", default: bool = False
    ) -> bool:
        """A boolean value."""
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(_join(prefix, key), f"expected true or false, got {value!r}")
            return default
        return value

    def number(
        self, data: Mapping[str, Any], key: str, prefix: str, *, minimum: float, maximum: float
    ) -> float | None:
        """A number within [minimum, maximum], or None when absent."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(_join(prefix, key), f"expected a number, got {value!r}")
            return None
        if not minimum <= value <= maximum:
            self.error(_join(prefix, key), f"{value} is outside [{minimum}, {maximum}]")
            return None
        return float(value)

    def strings(
        self, data: Mapping[str, Any], key: str, prefix: str = "", *, required: bool = False
    ) -> tuple[str, ...]:
        """A list of strings (a single string is accepted as a one-item list)."""
        value = data.get(key)
        if isinstance(value, str):
            value = [value]
        if value is None or value == []:
            if required:
                self.error(_join(prefix, key), "is required (a list of strings)")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.error(_join(prefix, key), f"expected a list of non-empty strings, got {value!r}")
            return ()
        return tuple(value)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key
