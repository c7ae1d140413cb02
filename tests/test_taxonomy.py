"""Raw contributor tags become CIS codes, and codes become portal facets."""

from __future__ import annotations

import csv
import io
from importlib.resources import files

import pytest

from cis.vocabulary import SourceVocabulary, tag_table_name
from indexer.listings.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def test_there_are_forty_labelled_codes(taxonomy: Taxonomy) -> None:
    assert len(taxonomy.code_labels) == 40
    assert taxonomy.code_labels["COH"] == "Cohésion sociale"
    assert taxonomy.code_labels["REC"] == "Recherche"  # trailing space in the source trimmed


def tables(*names: str) -> SourceVocabulary:
    return SourceVocabulary(names)


def test_every_row_of_the_mapping_file_maps_to_cis_codes(taxonomy: Taxonomy) -> None:
    text = (files("cis") / "data" / "cis-tag-mapping.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 835
    for row in rows:
        codes, unknown = taxonomy.codes_for(tables(row["source"]), [row["raw_tag"]])
        assert unknown == []
        assert set(row["codes"].split()) <= set(codes) <= set(taxonomy.code_labels)


def test_an_exact_tag_maps_to_all_its_codes(taxonomy: Taxonomy) -> None:
    tags = ["Agriculture tourisme et aménagement du territoire"]
    assert taxonomy.codes_for(tables("Avise"), tags) == (["AGR", "AME", "TOU"], [])


def test_tags_match_ignoring_case_accents_and_spacing(taxonomy: Taxonomy) -> None:
    assert taxonomy.codes_for(tables("Avise"), ["ECONOMIE   circulaire"]) == (["ECO"], [])
    assert taxonomy.codes_for(tables("Atlaas - villes internet"), ["Éducation"]) == (["EDU"], [])


def test_repeated_rows_of_one_tag_add_up(taxonomy: Taxonomy) -> None:
    codes, _ = taxonomy.codes_for(tables("FNCE"), ["Solidarité"])
    assert codes == ["AGR", "COH", "EDU", "HAB", "HAN", "INS"]


def test_a_code_or_a_code_label_maps_for_any_contributor(taxonomy: Taxonomy) -> None:
    assert taxonomy.codes_for(SourceVocabulary(), ["AGR", "santé", "Cohésion sociale"]) == (
        ["AGR", "COH", "SAN"],
        [],
    )
    assert taxonomy.codes_for(tables("Semeoz"), ["Biodiversité"])[0] == ["BIO"]


def test_tags_without_a_code_are_returned_as_written(taxonomy: Taxonomy) -> None:
    codes, unknown = taxonomy.codes_for(tables("Avise"), ["Agriculture", "Zèbres", "Licornes"])
    assert (codes, unknown) == (["AGR"], ["Zèbres", "Licornes"])


def test_a_table_is_chosen_by_contributor_name(taxonomy: Taxonomy) -> None:
    # Avise maps "Aide alimentaire" to SAN; without a table only codes and labels match.
    assert taxonomy.codes_for(tables("Avise"), ["Aide alimentaire"])[0] == ["SAN"]
    assert taxonomy.codes_for(SourceVocabulary(), ["Aide alimentaire"])[1] == ["Aide alimentaire"]
    assert tag_table_name("Réseau rural") == "Réseau rural "  # as spelt in the file
    assert tag_table_name("reseau RURAL") == "Réseau rural " and tag_table_name("Avize") is None


def test_a_sources_own_labels_come_before_its_tables(taxonomy: Taxonomy) -> None:
    own = SourceVocabulary(("Avise",), (("Aide alimentaire", ("AGR", "COH")), ("TIC", ("NUM",))))
    assert taxonomy.codes_for(own, ["aide ALIMENTAIRE", "TIC", "Agriculture"]) == (
        ["AGR", "COH", "NUM"],
        [],
    )
    assert taxonomy.split_tags(own, "TIC, Aide alimentaire") == ["TIC", "Aide alimentaire"]


def test_one_string_of_tags_is_cut_without_breaking_known_tags(taxonomy: Taxonomy) -> None:
    table = "Socioéco / Carte ESS global"
    text = "Transport, logistique et entreposage, Éducation et formation; Vélo / Marche|Jeux"
    assert taxonomy.split_tags(tables(table), text) == [
        "Transport, logistique et entreposage",
        "Éducation et formation",
        "Vélo",
        "Marche",
        "Jeux",
    ]
    assert taxonomy.split_tags(
        tables("Bretagne Créative"), "Professionnalisation / formation, RSE"
    ) == [
        "Professionnalisation / formation",
        "RSE",
    ]


def test_facets_are_the_groups_that_contain_a_code(taxonomy: Taxonomy) -> None:
    assert taxonomy.facets_for(["HAN", "REC"]) == {
        "domains": ["health_sport"],
        "publics": ["handicap"],
        "methods": ["research"],
    }
    assert taxonomy.facets_for([]) == {"domains": [], "publics": [], "methods": []}


def test_facet_labels_are_keyed_like_the_project_fields(taxonomy: Taxonomy) -> None:
    assert set(taxonomy.facet_labels) == {"domains", "publics", "methods"}
    assert taxonomy.facet_labels["domains"]["eco_dev"] == "Développement économique"
    assert len(taxonomy.facet_labels["methods"]) == 7


def test_bretagne_creative_rows_are_kept_as_the_source_aligns_them(taxonomy: Taxonomy) -> None:
    """The shared README suspects a one-row shift; the rows do not show one (see report).

    Shifted by one row either way, RSE and "Ressources humaines" would lose GOU (the code
    whose description lists "RSE" and "RH") and "Silver économie" would lose SEN, so the
    table is kept as written.
    """
    table = "Bretagne Créative"
    assert taxonomy.codes_for(tables(table), ["RSE"])[0] == ["GOU"]
    assert taxonomy.codes_for(tables(table), ["Ressources humaines"])[0] == ["GOU"]
    assert taxonomy.codes_for(tables(table), ["Silver économie"])[0] == ["SAN", "SEN"]
    assert taxonomy.codes_for(tables(table), ["Solidarité"])[0] == ["COH"]
