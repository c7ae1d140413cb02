"""The place a typed query names, read on the geocoder's real tables."""

from __future__ import annotations

import pytest

from cis.text import fold
from search_service.understanding.places import PlaceReading, read_place

# The product's ordinary words, as the caller's vocabulary would say.
COMMON = frozenset(
    "jardin jardins atelier velo cafe repair solidaire epicerie insertion jeunes logement"
    " moulin centre social".split()
)
Expected = tuple[str, str, str, bool] | None  # (level, code, label, proximity)


def read(query: str, *, lenient: bool = False) -> PlaceReading | None:
    return read_place(fold(query).split(), COMMON.__contains__, lenient=lenient)


def summary(reading: PlaceReading | None) -> Expected:
    if reading is None:
        return None
    return reading.level, reading.code, reading.label, reading.proximity


MOULINS = ("commune", "03190", "Moulins (03)", False)
SEINE_SAINT_DENIS = ("departement", "93", "Seine-Saint-Denis (93)", False)
SAINT_DENIS_974 = ("commune", "97411", "Saint-Denis (974)", False)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # What people type.
        ("épicerie solidaire près de Moulins", ("commune", "03190", "Moulins (03)", True)),
        ("jardins partagés Roubaix", ("commune", "59512", "Roubaix (59)", False)),
        ("insertion jeunes 93", SEINE_SAINT_DENIS),
        ("logement Loire", ("departement", "42", "Loire (42)", False)),
        ("repair café Paris 11e", ("commune", "75056", "Paris 11e (75)", False)),
        ("friperie à Saint-Étienne", ("commune", "42218", "Saint-Étienne (42)", False)),
        ("tiers-lieu en Bretagne", ("region", "53", "Bretagne", False)),
        ("cours de français 03000", MOULINS),
        ("AMAP dans le 93", SEINE_SAINT_DENIS),
        ("aide alimentaire autour de Vichy", ("commune", "03310", "Vichy (03)", True)),
        # Proximity cues.
        ("repair café à côté de Lyon", ("commune", "69123", "Lyon (69)", True)),
        ("ressourcerie aux alentours de Nantes", ("commune", "44109", "Nantes (44)", True)),
        ("épicerie à proximité de Lille", ("commune", "59350", "Lille (59)", True)),
        ("vélo proche de Clermont-Ferrand", ("commune", "63113", "Clermont-Ferrand (63)", True)),
        ("compost près d'Avignon", ("commune", "84007", "Avignon (84)", True)),
        ("pres de la Rochelle", ("commune", "17300", "La Rochelle (17)", True)),
        # The longest name wins; on a tie, the latest.
        ("logement Indre-et-Loire", ("departement", "37", "Indre-et-Loire (37)", False)),
        (
            "jardin Saint-Étienne-du-Rouvray",
            ("commune", "76575", "Saint-Étienne-du-Rouvray (76)", False),
        ),
        ("habitat partagé Seine-Saint-Denis", SEINE_SAINT_DENIS),
        ("Aix-en-Provence", ("commune", "13001", "Aix-en-Provence (13)", False)),
        ("covoiturage Moulins Vichy", ("commune", "03310", "Vichy (03)", False)),
        # Other cues.
        ("AMAP en 2A", ("departement", "2A", "Corse-du-Sud (2A)", False)),
        ("épicerie dans la Loire", ("departement", "42", "Loire (42)", False)),
        ("café au Havre", ("commune", "76351", "Le Havre (76)", False)),
        ("friperie à Chavroches", ("commune", "03071", "Chavroches (03)", False)),
        # Communes without a cue: large enough, several words, or the whole query.
        ("épicerie solidaire Lapalisse", ("commune", "03138", "Lapalisse (03)", False)),
        ("épicerie Ainay-le-Château", ("commune", "03003", "Ainay-le-Château (03)", False)),
        ("Chavroches", ("commune", "03071", "Chavroches (03)", False)),
        ("atelier vélo Chavroches", None),  # a village of 300, no cue
        ("atelier la chapelle", None),  # an article does not make a name of two words
        # Common words: only a cue makes them a place.
        ("atelier jardin", None),
        ("atelier au jardin", ("commune", "38199", "Jardin (38)", False)),
        ("près du jardin", ("commune", "38199", "Jardin (38)", True)),
        ("centre social", None),  # the former région Centre
        ("jardin 38", ("departement", "38", "Isère (38)", False)),
        ("atelier zzyzx", None),
        ("numérique", None),
        # Numbers.
        ("jeunes 16 25 ans", None),
        ("jeunes de 16 à 25 ans", None),
        ("93 insertion", None),  # a département number ends the query or follows a cue
        ("93", None),
        ("logement 69", ("departement", "69", "Rhône (69)", False)),
        ("budget 10000 euros", None),
        ("Moulins 03000", MOULINS),
        ("Avermes 03000", ("commune", "03013", "Avermes (03)", False)),
        ("03000 Avermes", ("commune", "03013", "Avermes (03)", False)),
        ("75011", ("commune", "75056", "Paris 11e (75)", False)),
        # Arrondissements.
        ("Lyon 3e", ("commune", "69123", "Lyon 3e (69)", False)),
        ("Marseille 13eme", ("commune", "13055", "Marseille 13e (13)", False)),
        ("Paris 1er", ("commune", "75056", "Paris 1er (75)", False)),
        ("Paris 11e arrondissement", ("commune", "75056", "Paris 11e (75)", False)),
        # A commune and an area of the same name.
        ("Paris", ("commune", "75056", "Paris (75)", False)),
        ("Allier", ("departement", "03", "Allier (03)", False)),
        ("aide alimentaire Nord", ("departement", "59", "Nord (59)", False)),
        # Régions, former ones under their current name.
        ("Île-de-France", ("region", "11", "Île-de-France", False)),
        ("auvergne rhone alpes", ("region", "84", "Auvergne-Rhône-Alpes", False)),
        ("tiers lieu Auvergne", ("region", "84", "Auvergne-Rhône-Alpes", False)),
        ("Picardie", ("region", "32", "Hauts-de-France", False)),
        # Homonyms: the most populous, unless the query names another's département.
        ("Saint-Denis", SAINT_DENIS_974),
        ("Saint-Denis 93", ("commune", "93066", "Saint-Denis (93)", False)),
        ("Saint-Denis de la Réunion", SAINT_DENIS_974),
        ("Moulins Ille-et-Vilaine", ("commune", "35198", "Moulins (35)", False)),
        ("Moulins dans l'Allier", MOULINS),
    ],
)
def test_the_place_a_query_names(query: str, expected: Expected) -> None:
    assert summary(read(query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("atelier jardin", ("commune", "38199", "Jardin (38)", False)),
        ("centre social", ("region", "24", "Centre-Val de Loire", False)),
        ("atelier vélo Chavroches", None),  # leniency forgives common words, not size
    ],
)
def test_a_lenient_reading_takes_common_words_for_places(query: str, expected: Expected) -> None:
    assert summary(read(query, lenient=True)) == expected


def test_the_span_holds_the_cue_and_every_word_of_the_place() -> None:
    near = read("épicerie solidaire près de Moulins")
    assert near is not None and near.span == (2, 5)
    confirmed = read("friperie Moulins dans l'Allier jeunes")
    assert confirmed is not None and confirmed.span == (1, 5)


def test_a_commune_carries_its_point_lat_first_and_its_departement() -> None:
    moulins, region = read("près de Moulins"), read("en Bretagne")
    assert moulins is not None and moulins.departement_code == "03"
    assert moulins.point is not None and moulins.point == pytest.approx((46.566, 3.333), abs=0.01)
    assert region is not None and (region.point, region.departement_code) == (None, "")
