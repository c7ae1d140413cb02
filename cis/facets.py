"""The facets and searchable fields, declared once as data; engines and the API loop over them.

Adding a facet is one line in ``FACETS``: its API name and the project field it counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cis.analysis import analyse
from cis.records import Project
from cis.text import fold


@dataclass(frozen=True)
class Facet:
    """A filterable, countable keyword field of the project record."""

    name: str  # API parameter and response key
    path: str  # dotted path in the project record (lists are traversed)


FACETS: tuple[Facet, ...] = (
    Facet("domain", "domains"),
    Facet("public", "publics"),
    Facet("method", "methods"),
    Facet("code", "codes"),
    Facet("source", "sources.source"),
    Facet("region", "address.region_code"),
    Facet("departement", "address.departement_code"),
    Facet("commune", "address.commune_code"),
    Facet("arrondissement", "address.arrondissement_code"),  # Paris, Lyon, Marseille
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}
# Counted when a client names none: all but the thousands of communes and arrondissements,
# which cost more to count than the rest together and which no list of filters shows whole.
DEFAULT_FACETS = tuple(f.name for f in FACETS if f.name not in ("commune", "arrondissement"))


@dataclass(frozen=True)
class SearchField:
    """A full-text field: its analysed text is indexed, and matches on it weigh ``boost``."""

    name: str
    paths: tuple[str, ...]
    boost: float


TAGS = "tags"  # the search field of contributors' tags: weaker evidence of a kind of project
SEARCH_FIELDS: tuple[SearchField, ...] = (
    SearchField("title", ("title",), 3.0),
    SearchField("organisation", ("organisation",), 2.0),
    SearchField("place", ("address.commune", "address.departement", "address.region"), 1.5),
    SearchField("summary", ("summary",), 1.5),
    SearchField(TAGS, ("raw_tags_flat",), 1.2),
    SearchField("description", ("description",), 1.0),
)


def values_at(record: Any, path: str) -> list[str]:
    """Every non-empty string at a dotted ``path`` of ``record``, traversing lists."""
    return [str(v) for v in _walk(record, path.split(".")) if v not in (None, "")]


def _walk(node: Any, keys: list[str]) -> Iterator[Any]:
    if isinstance(node, list):
        for element in node:
            yield from _walk(element, keys)
    elif not keys:
        yield node
    elif isinstance(node, dict):
        yield from _walk(node.get(keys[0]), keys[1:])


def facet_values(project: Project) -> dict[str, list[str]]:
    """Facet name → the project's distinct values for it."""
    return {f.name: sorted(set(values_at(project, f.path))) for f in FACETS}


def _with_flat_tags(project: Project) -> dict[str, Any]:
    tags = [t for values in project.get("raw_tags", {}).values() for t in values]
    return {**project, "raw_tags_flat": tags}


def search_text(project: Project) -> dict[str, str]:
    """Search field name → the analysed text (``cis.analysis``) both engines index."""
    record = _with_flat_tags(project)
    return {
        f.name: analyse(" ".join(v for p in f.paths for v in values_at(record, p)))
        for f in SEARCH_FIELDS
    }


SPELLING_PATHS = ("title", "organisation", "summary", "raw_tags_flat")


def spelling_text(project: Project) -> str:
    """The folded words of ``project`` a query may misspell: the typo step's vocabulary."""
    record = _with_flat_tags(project)
    return fold(" ".join(v for p in SPELLING_PATHS for v in values_at(record, p)))
