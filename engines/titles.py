"""What a typed title prefix asks for, the same on both engines.

Every word typed must start a word of the title (the user may stop mid-word anywhere:
"jard part" finds "Jardin partagé des Lilas"). Words are folded as in a search and
stopwords dropped, except the last word, being typed: "des l" may become "des Lilas".
Best first: most typed words matching whole title words, then shorter titles, then title.
"""

from __future__ import annotations

from cis.text import STOPWORDS, fold


def prefix_terms(prefix: str) -> list[str]:
    """The folded, distinct words of ``prefix`` to match, the last one kept even if a stopword."""
    words = fold(prefix).split()
    kept = [w for w in words[:-1] if w not in STOPWORDS] + words[-1:]
    return list(dict.fromkeys(kept))
