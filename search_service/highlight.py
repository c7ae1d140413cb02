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


class Highlighter:
    """Marks the words of one query's concepts in the hits of one answer."""

    def __init__(self, concepts: tuple[Concept, ...]) -> None:
        self.wanted = frozenset(s for c in concepts for phrase in c.phrases for s in phrase)

    def __call__(self, title: str, summary: str) -> dict[str, str]:
        """``{"title": …, "summary": …}`` for the fields where a query concept matched."""
        if not self.wanted:  # browsing: nothing to mark
            return {}
        found = {
            "title": highlight(self.wanted, title),
            "summary": highlight(self.wanted, summary, SUMMARY_FRAGMENT),
        }
        return {field: fragment for field, fragment in found.items() if fragment}


# Answers repeat (the first page of a common query, the same tiles under other filters):
# each (query, text) is marked once per process.
@lru_cache(maxsize=1 << 14)
def highlight(wanted: frozenset[str], text: str, limit: int | None = None) -> str | None:
    """``text`` escaped with the words whose stems are ``wanted`` in ``<mark>``; None if none.

    With ``limit``, a fragment of about that many characters starting shortly before
    the first match, with "…" where text was cut.
    """
    matches = [m for m in _WORD.finditer(text) if not wanted.isdisjoint(_stems_of(m[0]))]
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


@lru_cache(maxsize=1 << 16)
def _stems_of(word: str) -> tuple[str, ...]:
    """The stems of a written word (words recur across answers: each is folded once)."""
    return tuple(stem(part) for part in fold(word).split())
