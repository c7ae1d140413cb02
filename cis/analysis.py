"""French text analysis shared by indexing and querying, on every engine.

Key concepts: a text is folded (``cis.text.fold``: accents, ligatures, case, elisions),
its stopwords dropped, and each remaining word reduced to its *stem* by Snowball's
French stemmer ("Jardins partagés" → "jardin partag"). The Maven Elasticsearch
distribution lacks analysis-common, so this happens here, in Python, and both engines
index and search the very same stems. Words are stemmed folded, as people often type
them ("mobilite" and "mobilité" must meet), and a plural -s/-x the stemmer leaves after
a vowel it does not handle is dropped ("velos" → "velo", "lieux" → "lieu").
"""

from __future__ import annotations

from functools import cache, lru_cache

import Stemmer

from cis.text import STOPWORDS, fold

_PLURAL_ENDINGS = ("s", "x")
_SHORTEST_STEM = 3  # "bus", "gaz", "prix": short words keep their last letter


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


@lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """The stem of one folded word (numbers unchanged)."""
    if word.isdigit():
        return word
    stemmed: str = _stemmer().stemWord(word)
    if stemmed.endswith(_PLURAL_ENDINGS) and len(stemmed) > _SHORTEST_STEM:
        stemmed = stemmed[:-1]
    return stemmed


def content_words(text: str) -> list[str]:
    """The folded words of ``text`` that carry meaning (stopwords dropped), in order."""
    return [word for word in fold(text).split() if word not in STOPWORDS]


def stems(text: str) -> list[str]:
    """The stems of ``text``'s content words, in order (repeats kept: they weigh)."""
    return [stem(word) for word in content_words(text)]


def analyse(text: str) -> str:
    """``text`` as both engines index it: its stems, space-separated."""
    return " ".join(stems(text))
