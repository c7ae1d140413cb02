"""How the text of a query is analysed and grouped into concepts, as a table.

Each row: what a person types → the concepts the engines search for, each written as
its typed words, a phrase that must be among its alternatives, and its theme codes.
"""

from __future__ import annotations

import pytest

from cis.analysis import analyse, stems
from cis.concepts import concepts, required_concepts


@pytest.mark.parametrize(
    ("text", "analysed"),
    [
        ("Jardins partagés", "jardin partag"),
        ("jardin partage", "jardin partag"),
        ("L'Épicerie solidaire d'Été", "epicer solidair"),
        ("vélos", "velo"),
        ("Les lieux", "lieu"),
        ("mobilité", "mobilit"),
        ("mobilite", "mobilit"),
        ("16-25 ans", "16 25 an"),
        ("de la", ""),
    ],
)
def test_both_engines_index_and_search_the_same_stems(text: str, analysed: str) -> None:
    assert analyse(text) == analysed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # (typed words, an alternative phrase it must hold, codes)
        ("friperie", [("friperie", "vestiboutique", "")]),
        ("Vestiboutique", [("vestiboutique", "friperie", "")]),
        ("repair café", [("repair cafe", "atelier de réparation", "")]),
        ("AMAP", [("amap", "panier paysan", "")]),
        ("fab lab", [("fab lab", "atelier de fabrication numérique", "")]),
        ("tiers-lieux", [("tiers lieux", "lieu partagé", "")]),
        ("jardins partagés", [("jardins partages", "jardin collectif", "")]),
        ("insertion jeunes", [("insertion", "insertion", "INS"), ("jeunes", "jeunesse", "JEU")]),
        (
            "personnes âgées isolées",
            [("personnes agees", "seniors", "SEN"), ("isolees", "isolées", "")],
        ),
        ("mobilité", [("mobilite", "transports", "MOB")]),
        ("Numérique", [("numerique", "numérique", "NUM")]),
        ("la bricole des voisins", [("bricole", "bricole", ""), ("voisins", "voisin", "")]),
        ("épicerie", [("epicerie", "épiceries", "")]),
        ("de la", []),
    ],
)
def test_a_query_reads_as_concepts_with_synonyms_and_codes(
    query: str, expected: list[tuple[str, str, str]]
) -> None:
    read = concepts(query)
    assert [" ".join(c.words) for c in read] == [words for words, _, _ in expected]
    for concept, (_, alternative, codes) in zip(read, expected, strict=True):
        assert tuple(stems(alternative)) in concept.phrases
        assert concept.codes == tuple(codes.split())


def test_a_concept_named_twice_is_searched_once() -> None:
    assert len(concepts("friperie vestiboutique")) == 1


@pytest.mark.parametrize(("count", "required"), [(1, 1), (2, 1), (3, 2), (4, 3), (5, 4), (8, 6)])
def test_all_concepts_but_one_are_required_and_fewer_beyond_four(count: int, required: int) -> None:
    assert required_concepts(count) == required
