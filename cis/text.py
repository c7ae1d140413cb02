"""French text folding shared by indexing and querying, on every engine.

The Maven Elasticsearch distribution lacks analysis-common (no asciifolding, elision
or French stemmer), so accents, ligatures and elisions are folded here, in Python,
the same way for documents and queries: "L'Œuvre d'Été" → "oeuvre ete".
"""

from __future__ import annotations

import re

from unidecode import unidecode

_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'", re.IGNORECASE)
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Words too common to rank on; removed from queries so both engines see the same terms
# (the indexed side keeps them: only queries drop them, identically on every engine).
_STOPWORDS_TEXT = """a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te
    tes toi ton tu un une vos votre vous c d j l m n s t y ete etre"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def fold(text: str) -> str:
    """Lower-case ASCII words of ``text``, accents and French elisions removed."""
    return _NON_WORD.sub(" ", _ELISION.sub(" ", unidecode(text).lower())).strip()


def query_terms(text: str) -> list[str]:
    """The folded, de-duplicated, non-stopword terms of a user query, in order."""
    terms = [t for t in fold(text).split() if t not in STOPWORDS]
    return list(dict.fromkeys(terms))


def sort_key(title: str) -> str:
    """Browse order of a title: folded, so "Élan" sorts among the e's on every engine."""
    return fold(title)
