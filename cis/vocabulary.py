"""The CIS theme vocabulary: codes and the portal's facets, with their French labels.

Key concepts: a *code* ("AGR") is one of the 40 CIS themes; a *facet key* ("sust_env")
groups codes for the portal's domain, public and method filters. The indexer codes
projects with them; the search service labels every code and facet value it serves.
Read from the package data on first use.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from cis.text import fold


@dataclass(frozen=True)
class FacetKey:
    """One value of the domain, public or method facet: its label and the codes it covers."""

    facet: str  # "domain", "public" or "method"
    key: str
    label: str
    codes: frozenset[str]


def _read_text(name: str) -> str:
    return (files("cis") / "data" / name).read_text(encoding="utf-8")


@cache
def code_labels() -> dict[str, str]:
    """CIS code → label, e.g. "AGR" → "Agriculture"."""
    rows = csv.DictReader(io.StringIO(_read_text("cis-codes.csv"), newline=""))
    return {row["code"].strip(): row["label"].strip() for row in rows}


@cache
def facet_keys() -> tuple[FacetKey, ...]:
    """Every domain, public and method key, in the file's order."""
    facets = json.loads(_read_text("cis-facets.json"))
    return tuple(
        FacetKey(facet, key, value["label"], frozenset(value["codes"]))
        for facet, keys in facets.items()
        for key, value in keys.items()
    )


@cache
def labels() -> dict[str, dict[str, str]]:
    """Facet name ("code", "domain", "public", "method") → value → label."""
    by_facet: dict[str, dict[str, str]] = {"code": code_labels()}
    for entry in facet_keys():
        by_facet.setdefault(entry.facet, {})[entry.key] = entry.label
    return by_facet


@cache
def folded_labels() -> dict[str, list[tuple[str, str, str]]]:
    """Folded label → (facet, value, label) for every theme label (typed suggestions)."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for facet, values in labels().items():
        for value, label in values.items():
            found.setdefault(fold(label), []).append((facet, value, label))
    return found
