"""Typed completions for the search box: places, themes and project titles.

Places (communes, départements, régions) and themes (codes, domains, publics, methods)
come from fixed vocabularies and are matched here on folded names, by word prefix;
titles come from the engine. Each suggestion says which filter it stands for, so the
portal can offer "Moulins (03)" as a place and "Alimentation" as a theme.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cis import places, vocabulary
from cis.text import fold
from engines.base import Engine

MAX_SUGGEST_SIZE = 20
# Régions and départements before communes of the same name ("Allier", not "Allier" 65).
_LEVEL_RANK = {"region": 0, "departement": 1, "commune": 2}


@dataclass(frozen=True, order=True)
class _Entry:
    key: str  # folded name, or a folded suffix of it starting at a word
    rank: tuple[int, int, int, str]  # whole name before word, level, -population, name
    place: places.NamedPlace = field(compare=False)


@cache
def _place_index() -> tuple[list[str], list[_Entry]]:
    """Every place under its folded name and under each later word of it, sorted."""
    named = [*places.regions().values(), *places.departements().values()]
    named += places.communes().values()
    entries = []
    for place in named:
        words = fold(place.name).split()
        for start in range(len(words)):
            rank = (min(start, 1), _LEVEL_RANK[place.level], -place.population, place.name)
            entries.append(_Entry(" ".join(words[start:]), rank, place))
    entries.sort()
    return [e.key for e in entries], entries


def place_suggestions(text: str, size: int) -> list[dict[str, Any]]:
    """Places whose name (or a word of it onwards) starts with the folded ``text``."""
    prefix = fold(text)
    if not prefix:
        return []
    keys, entries = _place_index()
    found = []
    for index in range(bisect.bisect_left(keys, prefix), len(keys)):
        if not keys[index].startswith(prefix):
            break
        found.append(entries[index])
    best: dict[str, _Entry] = {}
    for entry in sorted(found, key=lambda e: e.rank):
        best.setdefault(f"{entry.place.level}:{entry.place.code}", entry)
    return [_place(entry.place) for entry in list(best.values())[:size]]


def _place(place: places.NamedPlace) -> dict[str, Any]:
    label = place.name
    if place.level == "commune":
        label = f"{place.name} ({place.departement_code})"
    elif place.level == "departement":
        label = f"{place.name} ({place.code})"
    return {
        "type": "place",
        "level": place.level,
        "value": place.code,
        "label": label,
        "filter": {place.level: place.code},
    }


def theme_suggestions(text: str, size: int) -> list[dict[str, Any]]:
    """Themes, publics and methods with a label word starting with the folded ``text``."""
    prefix = fold(text)
    if not prefix:
        return []
    found = []
    for folded, entries in sorted(vocabulary.folded_labels().items()):
        words = folded.split()
        for start in range(len(words)):
            if " ".join(words[start:]).startswith(prefix):
                found += [(min(start, 1), label, facet, value) for facet, value, label in entries]
                break
    found.sort()
    return [
        {"type": "theme", "facet": facet, "value": value, "label": label, "filter": {facet: value}}
        for _, label, facet, value in found[:size]
    ]


def suggestions(engine: Engine, text: str, size: int) -> dict[str, list[dict[str, Any]]]:
    """Up to ``size`` places, themes and projects completing ``text``."""
    projects = [
        {
            "type": "project",
            "id": s.id,
            "label": s.title,
            "commune": s.commune,
            "departement_code": s.departement_code,
        }
        for s in engine.suggest_titles(text, size)
    ]
    return {
        "places": place_suggestions(text, size),
        "themes": theme_suggestions(text, size),
        "projects": projects,
    }
