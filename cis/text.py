"""French text folding shared by indexing and querying, on every engine.

The Maven Elasticsearch distribution lacks analysis-common (no asciifolding, elision
or French stemmer), so accents, ligatures and punctuation are folded here, in Python,
the same way for documents and queries: "L'Œuvre d'Été" → "l oeuvre d ete". Elided
articles become one-letter words, which queries drop as stopwords.
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_COMBINING_MARKS = re.compile(r"[\u0300-\u036f]+")
# NFKD leaves these whole; unidecode would spell them out, but it is 5x slower on every text.
_LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}
_LIGATURE = re.compile("|".join(_LIGATURES))
# One C-speed byte table: letters lower-cased, digits kept, everything else a space.
_WORD_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256)
)

_STOPWORDS_TEXT = """a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma
    mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta
    te tes toi ton tu un une vos votre vous c d j l m n s t y ete etre jusqu lorsqu puisqu quoiqu"""
# Words too common to rank on; removed from queries so both engines see the same terms
# (the indexed side keeps them: only queries drop them, identically on every engine).
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def to_ascii(text: str) -> str:
    """``text`` without accents or ligatures; other scripts transliterated by unidecode."""
    decomposed = unicodedata.normalize("NFKD", _LIGATURE.sub(lambda m: _LIGATURES[m[0]], text))
    stripped = _COMBINING_MARKS.sub("", decomposed)
    return stripped if stripped.isascii() else unidecode(stripped)


def fold(text: str) -> str:
    """Lower-case ASCII words of ``text`` separated by single spaces."""
    return " ".join(to_ascii(text).encode("ascii").translate(_WORD_BYTES).decode("ascii").split())


def query_terms(text: str) -> list[str]:
    """The folded, de-duplicated, non-stopword terms of a user query, in order."""
    terms = [t for t in fold(text).split() if t not in STOPWORDS]
    return list(dict.fromkeys(terms))


_LEADING_ARTICLES = frozenset(["l", "le", "la", "les", "un", "une", "des", "du", "de", "d"])


def sort_key(title: str) -> str:
    """Browse order of a title: folded, leading article dropped ("L'Élan" sorts as "elan")."""
    words = fold(title).split()
    while len(words) > 1 and words[0] in _LEADING_ARTICLES:
        words.pop(0)
    return " ".join(words)
