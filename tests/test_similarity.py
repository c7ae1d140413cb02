"""How the distinctive words of a project are picked (as Lucene's MoreLikeThis does)."""

from __future__ import annotations

import math
from collections import Counter

from engines.similarity import MAX_QUERY_TERMS, classic_idf, distinctive_terms, field_term_counts
from tests.factories import project


def test_terms_are_counted_per_field_from_the_analysed_text() -> None:
    counts = field_term_counts(
        project("p-a", "Jardin partagé", summary="Le jardin, les jardins.", organisation="Jardin")
    )
    assert counts[("title", "jardin")] == 1
    assert counts[("title", "partag")] == 1
    assert counts[("summary", "jardin")] == 2  # one stem for both forms
    assert ("summary", "le") not in counts  # stopwords are not indexed
    assert ("organisation", "jardin") not in counts  # not a similarity field


def test_classic_idf() -> None:
    assert classic_idf(9, 99) == 1 + math.log(10)
    assert classic_idf(1, 100) > classic_idf(50, 100)


def test_rare_and_frequent_in_the_project_come_first_unindexed_ones_never() -> None:
    counts = Counter({("summary", "rare"): 1, ("summary", "common"): 3, ("title", "ghost"): 2})
    doc_freqs = {("summary", "rare"): 1, ("summary", "common"): 90}
    assert distinctive_terms(counts, doc_freqs, 100) == [("summary", "rare"), ("summary", "common")]
    many = Counter({("description", f"w{n}"): 1 for n in range(40)})
    assert len(distinctive_terms(many, dict.fromkeys(many, 1), 100)) == MAX_QUERY_TERMS
