"""Highlighted fragments of a hit's title and summary: the words the query matched.

The engines index analysed text (stems), so their own highlighters would return "epicer"
for "Épicerie". Matching happens here instead, word by word on the text as written, the
same way for both engines: a word is marked when its stem is one the query searched for
(its own words' or their synonyms': "jardins" marks "Jardin", "friperie" "Vestiboutique"). The
fragment is HTML-escaped, with ``<mark>`` around matched words and nothing else.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from cis.analysis import stem
from cis.concepts import Concept
from cis.text import fold

_WORD = re.compile(r"\w+")
SUMMARY_FRAGMENT = 200  # characters of summary shown around the first match


def highlight(text: str, stems: frozenset[str], *, limit: int | None = None) -> str | None:
    """``text`` escaped with matched words in ``<mark>``; None when no word matched.

    With ``limit``, a fragment of about that many characters starting shortly before the
    first match, with "…" where text was cut.
    """
    matches = [m for m in _WORD.finditer(text) if _matches(m[0], stems)]
    if not matches:
        return None
    start, end = 0, len(text)
    if limit is not None and len(text) > limit:
        start = max(0, text.rfind(" ", 0, max(0, matches[0].start() - limit // 4)) + 1)
        end = min(len(text), start + limit)
    pieces, position = ["…" if start else ""], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces += [escape(text[position : match.start()]), f"<mark>{escape(match[0])}</mark>"]
        position = match.end()
    pieces += [escape(text[position:end]), "…" if end < len(text) else ""]
    return "".join(pieces)


def _matches(word: str, stems: frozenset[str]) -> bool:
    return not stems.isdisjoint(_stems_of(word))


@lru_cache(maxsize=1 << 16)
def _stems_of(word: str) -> tuple[str, ...]:
    """The stems of a written word (words recur across tiles: each is folded once)."""
    return tuple(stem(part) for part in fold(word).split())


def highlights(title: str, summary: str, concepts: tuple[Concept, ...]) -> dict[str, str]:
    """``{"title": …, "summary": …}`` for the fields where a query concept matched."""
    wanted = frozenset(s for c in concepts for phrase in c.phrases for s in phrase)
    found = {
        "title": highlight(title, wanted),
        "summary": highlight(summary, wanted, limit=SUMMARY_FRAGMENT),
    }
    return {field: fragment for field, fragment in found.items() if fragment}
