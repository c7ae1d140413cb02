"""What makes two projects similar, declared once for both engines.

Text: the target's most distinctive words in title, summary, tags and description, picked
as Lucene's ``MoreLikeThis`` (behind Elasticsearch's ``more_like_this``) picks them: per
field, term frequency in the target times classic idf over the index, the top
``MAX_QUERY_TERMS``; a project matching any of them is a candidate, best text score
first. Themes: each CIS code it shares with the target adds ``SHARED_CODE_BOOST``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from cis.facets import search_text
from cis.records import Project

SIMILAR_FIELDS = ("title", "summary", "tags", "description")  # SEARCH_FIELDS names
MAX_QUERY_TERMS = 25
SHARED_CODE_BOOST = 2.0

FieldTerm = tuple[str, str]  # (search field, folded term)


def field_term_counts(project: Project) -> Counter[FieldTerm]:
    """How often each folded term occurs in each similarity field of ``project``."""
    text = search_text(project)
    return Counter((field, term) for field in SIMILAR_FIELDS for term in text[field].split())


def classic_idf(doc_freq: int, docs: int) -> float:
    """Lucene's ``ClassicSimilarity`` idf, which ``MoreLikeThis`` ranks terms by."""
    return 1 + math.log((docs + 1) / (doc_freq + 1))


def distinctive_terms(
    counts: Counter[FieldTerm], doc_freqs: Mapping[FieldTerm, int], docs: int
) -> list[FieldTerm]:
    """The ``MAX_QUERY_TERMS`` best (field, term) pairs by tf x idf; unindexed ones skipped."""
    scored = [
        (-tf * classic_idf(doc_freqs[pair], docs), pair)
        for pair, tf in counts.items()
        if doc_freqs.get(pair, 0) > 0
    ]
    return [pair for _, pair in sorted(scored)[:MAX_QUERY_TERMS]]
