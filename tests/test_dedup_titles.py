"""When two titles name one project: concepts, not words."""

from __future__ import annotations

import pytest

from indexer.dedup.titles import titles_match
from tests.test_dedup import GARDEN, make_listing


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Repair Café des Tilleuls", "Atelier de réparation des Tilleuls", True),  # kind synonyms
        ("Le Chaudron, bistrot associatif", "Le Chaudron, café associatif", True),
        ("Jardin de la résidence des Jardiniers", "Jardin de la résidence des Jardniiers", True),
        ("Repair Café des Tilleuls", "Repair Café des Tilleuls de Moulins", True),  # its town
        ("Jardin partagé", "Jardin partagé La Coopérative", False),  # maybe two gardens
        ("Repair Café des Lilas", "Repair Café des Lials", False),  # short words: no typo allowed
        ("Jardin partagé des Lilas", "Épicerie solidaire des Lilas", False),
        ("Jaridn collectif des Saules", "Jardin collectif des Saules", True),  # a kind mistyped
        ("Les ateliers La Pettie Rockette", "Les ateliers La Petite Rockette", True),
        ("Repair Café de Mouilns", "Repair Café", True),  # its town mistyped
        ("Jaridn collectif des Saules", "Jardin collectif des Sables", False),  # two typos
        ("Jardin des Saules", "Jardin des Saules Verts", False),
    ],
)
def test_titles_match_as_concepts(one: str, other: str, same: bool) -> None:
    a, b = (make_listing("avise", "1", title, GARDEN) for title in (one, other))
    assert titles_match(a, b) is same
