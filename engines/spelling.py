"""The typo step, decided once for both engines: which word of the index a query meant.

Key concepts: only a word the index does not hold is corrected, and only a word of at
least ``MIN_LENGTH`` letters (short words are too often something else: "bio", "ess");
its correction is an indexed word within ``max_edits`` (Damerau-Levenshtein: a swap of two
neighbours is one edit) sharing its first letter, as Elasticsearch's term suggester with
``prefix_length`` 1 proposes them. The closest wins, then the one in most projects.
Each engine only lists candidates with their document counts.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import DamerauLevenshtein

MIN_LENGTH = 4
PREFIX_LENGTH = 1


def max_edits(word: str) -> int:
    """Edits tolerated in ``word``: one up to 5 letters, two beyond (Elasticsearch's AUTO)."""
    return 1 if len(word) <= 5 else 2


def checked(words: Iterable[str]) -> list[str]:
    """The words worth checking: long enough, not numbers, each once."""
    return list(dict.fromkeys(w for w in words if len(w) >= MIN_LENGTH and not w.isdigit()))


def best_correction(word: str, candidates: Iterable[tuple[str, int]]) -> str | None:
    """The closest candidate ``(term, documents)`` within ``max_edits``, most documents first."""
    limit = max_edits(word)
    scored = [
        (distance, -documents, term)
        for term, documents in candidates
        if term != word
        and term[:PREFIX_LENGTH] == word[:PREFIX_LENGTH]
        and (distance := DamerauLevenshtein.distance(word, term, score_cutoff=limit)) <= limit
    ]
    return min(scored)[2] if scored else None
