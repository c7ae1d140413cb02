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
from collections.abc import Mapping
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
def code_descriptions() -> dict[str, str]:
    """CIS code → the description of its scope, e.g. "AGR" → "alimentation, foret"."""
    rows = csv.DictReader(io.StringIO(_read_text("cis-codes.csv"), newline=""))
    return {row["code"].strip(): row["description"].strip() for row in rows}


@cache
def facet_keys() -> tuple[FacetKey, ...]:
    """Every domain, public and method key, in the file's order."""
    facets = json.loads(_read_text("cis-facets.json"))
    return tuple(
        FacetKey(facet, key, value["label"], frozenset(value["codes"]))
        for facet, keys in facets.items()
        for key, value in keys.items()
    )


TagTable = dict[str, tuple[str, ...]]  # raw tag, as written → CIS codes


@cache
def tag_tables() -> dict[str, TagTable]:
    """The 2018 contributors' tables by name ("Avise"); repeated rows of one tag add up."""
    tables: dict[str, dict[str, set[str]]] = {}
    for row in csv.DictReader(io.StringIO(_read_text("cis-tag-mapping.csv"), newline="")):
        codes = tables.setdefault(row["source"], {}).setdefault(row["raw_tag"].strip(), set())
        codes.update(row["codes"].split())
    return {
        name: {tag: tuple(sorted(codes)) for tag, codes in table.items()}
        for name, table in tables.items()
    }


@dataclass(frozen=True)
class SourceVocabulary:
    """How one contributor's tags and publics become CIS codes.

    Its own labels are looked up first, then the built-in tables in order, then the CIS
    codes and labels themselves ("AGR", "Agriculture"). Configs declare it
    (``crawlers/sources/README.md``); each crawl records it in the raw store.
    """

    tables: tuple[str, ...] = ()  # built-in 2018 tables reused, by name
    labels: tuple[tuple[str, tuple[str, ...]], ...] = ()  # its own: (label, codes)

    def card(self) -> dict[str, object]:
        """As recorded in the raw store (JSON)."""
        return {"tables": list(self.tables), "labels": {k: list(v) for k, v in self.labels}}

    @classmethod
    def from_card(cls, contributor: Mapping[str, object]) -> SourceVocabulary:
        """From a recorded contributor card; older cards name one ``tag_table``."""
        card = contributor.get("vocabulary")
        if not isinstance(card, Mapping):
            table = contributor.get("tag_table")
            return cls((table,) if isinstance(table, str) and table else ())
        tables, labels = card.get("tables"), card.get("labels")
        tables = tables if isinstance(tables, list) else []
        labels = labels if isinstance(labels, Mapping) else {}
        return cls(
            tuple(str(t) for t in tables),
            tuple((str(k), tuple(str(c) for c in v)) for k, v in labels.items()),
        )


def tag_table_name(name: str) -> str | None:
    """The built-in table called ``name`` (as written, or case, accents and spacing aside)."""
    names = tag_tables()
    if name in names:
        return name
    return next((known for known in names if fold(known) == fold(name)), None)


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
