"""The word lists the fixture projects are built from (vocabulary.json, tag_vocabularies.csv)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any


@dataclass(frozen=True, slots=True)
class Network:
    """A network whose member projects share a templated title and summary."""

    name: str
    share: float  # fraction of the theme's projects that belong to it
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class Theme:
    """A kind of project (repair café, shared garden…) and its CIS codes."""

    id: str
    weight: int
    codes: tuple[str, ...]
    titles: tuple[str, ...]
    activities: tuple[str, ...]
    network: Network | None


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Every word list, as read from vocabulary.json."""

    themes: tuple[Theme, ...]
    lists: dict[str, tuple[str, ...]]  # names, noms, publics, streets…
    synonyms: tuple[tuple[str, str], ...]


def _theme(raw: dict[str, Any]) -> Theme:
    network = Network(**raw["network"]) if "network" in raw else None
    return Theme(
        raw["id"],
        raw["weight"],
        tuple(raw["codes"]),
        tuple(raw["titles"]),
        tuple(raw["activities"]),
        network,
    )


@cache
def load_vocabulary() -> Vocabulary:
    """Read vocabulary.json once."""
    raw = json.loads((files(__package__) / "vocabulary.json").read_text(encoding="utf-8"))
    lists = {key: tuple(value) for key, value in raw.items() if key not in ("themes", "synonyms")}
    synonyms = tuple((a, b) for a, b in raw["synonyms"])
    return Vocabulary(tuple(_theme(theme) for theme in raw["themes"]), lists, synonyms)


@cache
def load_tag_vocabularies() -> dict[str, dict[str, tuple[str, ...]]]:
    """Contributor name → CIS code → the contributor's raw tag labels that map to it."""
    text = (files(__package__) / "tag_vocabularies.csv").read_text(encoding="utf-8")
    result: dict[str, dict[str, list[str]]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        by_code = result.setdefault(row["source"], {})
        for code in row["codes"].split():
            by_code.setdefault(code, []).append(row["raw_tag"])
    return {
        source: {code: tuple(tags) for code, tags in by_code.items()}
        for source, by_code in result.items()
    }
