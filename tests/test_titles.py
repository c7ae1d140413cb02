"""What a typed title prefix asks for."""

from __future__ import annotations

from engines.titles import prefix_terms


def test_words_are_folded_and_stopwords_dropped_but_the_last() -> None:
    assert prefix_terms("Jard PARTAGÉ") == ["jard", "partage"]
    assert prefix_terms("jardin des l") == ["jardin", "l"]
    assert prefix_terms("l'atel") == ["atel"]
    assert prefix_terms("jardin jardin") == ["jardin"]
    assert prefix_terms("  ") == []
