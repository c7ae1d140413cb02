"""Whether two listings' titles name one project, whatever words each contributor chose.

Key concepts: a title is read as concepts (``cis.concepts``): a kind's synonyms are one
concept ("Repair Café" = "Atelier de réparation"), the town's own words are left out,
and one typo is forgiven in a long word. A title that is only the organisation's name
("SCIC Le Hangar") says which organisation, not which of its projects.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import combinations
from typing import Final

from rapidfuzz.distance import OSA

from cis.concepts import concepts
from cis.text import STOPWORDS, fold
from indexer.listings.listing import Listing

TYPO_MIN_LETTERS: Final = 6  # a title word this long may carry one typo and still match


def titles_match(a: Listing, b: Listing) -> bool:
    """Whether the titles name the same concepts: a kind's synonyms are one, a typo forgiven.

    The town's own name is left out ("… de Vichy" or not), like stopwords. Equal, not
    one within the other: "Jardin partagé" and "Jardin partagé La Coopérative" may be two
    gardens of one organisation. A typo is forgiven in the words as written too, where it
    hides a kind ("Jaridn collectif") or the town ("Repair Café de Taavux").
    """
    return _concepts_match(a, b) or _words_match(a, b)


def _words_match(a: Listing, b: Listing) -> bool:
    """The same title words but one, mistyped (the town's words left out)."""
    wa, wb = _title_words(a), _title_words(b)
    rest_a, rest_b = wa - wb, wb - wa
    if not (wa and wb) or len(rest_a) != len(rest_b) or len(rest_a) > 1:
        return False
    return not rest_a or _typo(next(iter(rest_a)), next(iter(rest_b)))


def _typo(x: str, y: str) -> bool:
    """Two words of TYPO_MIN_LETTERS letters or more, one edit apart (a swap is one)."""
    return min(len(x), len(y)) >= TYPO_MIN_LETTERS and OSA.distance(x, y) <= 1


def _title_words(listing: Listing) -> frozenset[str]:
    return _words_of(listing.title, listing.address.get("commune", ""))


@lru_cache(maxsize=1 << 16)
def _words_of(title: str, town: str) -> frozenset[str]:
    """Folded title words but stopwords and the town's (mistyped or not); cached."""
    town_words = set(fold(town).split())
    words = set(fold(title).split()) - STOPWORDS
    return frozenset(w for w in words if not any(w == t or _typo(w, t) for t in town_words))


def _concepts_match(a: Listing, b: Listing) -> bool:
    """The same concepts, a one-word concept one typo from the other's."""
    ca, cb = _title_concepts(a), _title_concepts(b)
    rest_a, rest_b = ca - cb, cb - ca
    unmatched_a = {x for x in rest_a if not any(_one_typo(x, y) for y in rest_b)}
    unmatched_b = {y for y in rest_b if not any(_one_typo(x, y) for x in rest_a)}
    return bool(ca and cb) and not unmatched_a and not unmatched_b


def organisation_pairs(listings: Mapping[int, Listing]) -> Iterator[tuple[int, int]]:
    """The pairs of one organisation's listings in one place that may be one project.

    Titled listings pair when their titles match. A listing titled with the organisation's
    own name may be any of its projects there: it pairs only when the titled ones all
    match each other (the organisation runs one project there, or is only known by it).
    """
    titled = [n for n, x in listings.items() if not is_organisation_title(x)]
    agreed = [
        (i, j) for i, j in combinations(sorted(titled), 2) if titles_match(listings[i], listings[j])
    ]
    yield from agreed
    if len(agreed) == len(titled) * (len(titled) - 1) // 2:
        untitled = sorted(set(listings) - set(titled))
        yield from combinations(untitled, 2)
        yield from ((min(i, j), max(i, j)) for i in untitled for j in titled)


def text_names(untitled: Listing, titled: Listing) -> bool:
    """Whether a listing titled with its organisation's name says it is ``titled``'s project.

    Its text holds that title's words (the town's aside), one typo forgiven.
    """
    said = _words_of(f"{untitled.summary} {untitled.description}", "")
    named = _title_words(titled)
    missing = [w for w in named if w not in said]
    return bool(named) and (
        not missing or (len(missing) == 1 and any(_typo(missing[0], w) for w in said))
    )


def is_organisation_title(listing: Listing) -> bool:
    """Whether the listing's title is only its organisation's name ("SCIC Le Hangar")."""
    return bool(listing.organisation) and fold(listing.title) == fold(listing.organisation)


def _title_concepts(listing: Listing) -> frozenset[frozenset[tuple[str, ...]]]:
    return _concepts_of(listing.title, listing.address.get("commune", ""))


@lru_cache(maxsize=1 << 16)
def _concepts_of(title: str, town: str) -> frozenset[frozenset[tuple[str, ...]]]:
    """The concepts of ``title`` without the town's words; cached: pairs ask again and again."""
    town_words = set(fold(town).split())
    words = " ".join(w for w in fold(title).split() if w not in town_words)
    return frozenset(frozenset(c.phrases) for c in concepts(words))


def _one_typo(x: frozenset[tuple[str, ...]], y: frozenset[tuple[str, ...]]) -> bool:
    """Two one-word concepts of 6 letters or more, one edit apart (a swap is one edit)."""
    px, py = next(iter(x)), next(iter(y))
    if len(x) != 1 or len(y) != 1 or len(px) != 1 or len(py) != 1:
        return False
    return _typo(px[0], py[0])
