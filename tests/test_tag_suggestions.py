"""Codes suggested for labels no vocabulary maps yet, and the evidence behind each."""

from __future__ import annotations

from collections import Counter

import pytest

from cis.vocabulary import SourceVocabulary
from indexer.listings.tag_suggestions import CoListing, co_listings, suggest, suggestions
from indexer.listings.taxonomy import Taxonomy


@pytest.mark.parametrize(
    ("label", "codes", "reason"),
    [
        ("Silver économie", ("ECO", "SEN"), "same as: Silver économie"),  # another table's row
        ("Alimentation et circuits courts", ("AGR",), "named: alimentation"),  # AGR's description
        ("Numérique pour tous", ("NUM",), "named: Numérique"),  # NUM's label
        ("Jardin partagé des Lilas", ("AGR", "BIO", "COH"), "synonym: jardin partag"),  # a kind
        ("Jeunes 16-25 ans", ("JEU",), "synonym: jeun"),  # a public
        ("Logiciel libre et open source", ("NUM",), "like: Logiciel libre"),  # a similar row
        ("Zèbres", (), ""),  # nothing close: no suggestion
    ],
)
def test_a_label_gets_the_codes_of_its_strongest_evidence(
    label: str, codes: tuple[str, ...], reason: str
) -> None:
    assert suggest(label) == (codes, reason)


def test_a_table_left_out_lends_nothing() -> None:
    assert suggest("Mooc")[1] == "same as: Mooc"
    assert suggest("Mooc", ignored_table="Semeoz") != suggest("Mooc")


def co_listed(rows: list[tuple[list[str], set[str]]]) -> CoListing:
    """Evidence from projects: the new source's labels on each, the codes the others give."""
    evidence = CoListing()
    for labels, codes in rows:
        evidence.add(labels, codes)
    return evidence


def test_the_codes_other_contributors_give_its_projects_speak_for_a_label_words_cannot() -> None:
    aged = [(["Bien vieillir"], {"SEN", "COH"}), (["Bien vieillir"], {"SEN"})] * 3
    others = [(["Autre chose"], {"COH"}), (["Autre chose"], {"AGR"})] * 3
    evidence = co_listed(aged + others)
    assert suggest("Bien vieillir") == ((), "")
    [found] = suggestions(Counter({"Bien vieillir": 6}), evidence)
    # SEN on all of them; COH on half of them, as on half the source's projects at large.
    assert (found.codes, found.reason) == (("SEN",), "co-listed: 6 projects")


def test_co_listed_projects_keep_the_codes_of_another_table_that_they_bear_out() -> None:
    # "Silver économie" is ECO SEN in another table; here the projects say SEN only.
    silver = [(["Silver économie"], {"SEN"})] * 5
    rest = [(["Autre chose"], {"ECO"})] * 10
    [found] = suggestions(Counter({"Silver économie": 5}), co_listed(silver + rest))
    assert (found.codes, found.reason) == (("SEN",), "same as: Silver économie (co-listed)")
    [few] = suggestions(Counter({"Silver économie": 4}), co_listed(silver[:4] + rest))
    assert few.codes == ("ECO", "SEN")  # 4 projects: too few to tell


def test_co_listings_read_each_projects_tags_through_its_contributors_vocabularies() -> None:
    vocabularies = {"new": SourceVocabulary(), "old": SourceVocabulary(("Avise",))}
    projects = [{"new": ["Bien vieillir"], "old": ["Seniors"]}, {"new": ["Bien vieillir"]}]
    evidence = co_listings(projects, ["new"], vocabularies, Taxonomy.load())["new"]
    assert (evidence.projects, evidence.labelled["Bien vieillir"]) == (
        1,
        1,
    )  # the other: no one else
    assert evidence.coded["SEN"] == 1
