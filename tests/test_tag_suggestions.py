"""Codes suggested for labels no vocabulary maps yet, and the evidence behind each."""

from __future__ import annotations

import pytest

from indexer.listings.tag_suggestions import suggest


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
