"""The look-up key of a place name, shared by the geocoder and the query reader."""

from __future__ import annotations

import re
from functools import lru_cache

from cis.text import fold

_ORDINAL = re.compile(r"\b(\d{1,2})(?:e|er|ere|eme|nd|nde)\b")
# "Paris XIe", "Lyon Ier": an arrondissement's Roman ordinal, after the city's name only
# ("Croix-de-Vie" keeps its "vie").
_ROMAN_ORDINAL = re.compile(r"\b(paris|lyon|marseille) ([ivx]{1,5})(?:e|er|ere|eme)\b")
_ROMAN = {"i": 1, "v": 5, "x": 10}
_ABBREVIATIONS = {"saint": "st", "sainte": "ste"}
_DROPPED = frozenset({"arrondissement", "arr", "arrdt"})


@lru_cache(maxsize=1 << 17)
def fold_place(text: str) -> str:
    """The look-up key of a place name: folded, "saint" → "st", ordinals → numbers."""
    folded = _ROMAN_ORDINAL.sub(_arabic, fold(text))
    words = _ORDINAL.sub(r"\1", folded).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words if w not in _DROPPED)


def _arabic(match: re.Match[str]) -> str:
    number = _roman(match[2])
    return f"{match[1]} {number}" if number else match[0]


def _roman(numeral: str) -> int:
    """The value of a Roman numeral of i, v and x (0 when it is not well formed)."""
    values = [_ROMAN[c] for c in numeral]
    total = sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))
    return total if 0 < total <= 20 and _written(total) == numeral else 0


def _written(number: int) -> str:
    tens, units = divmod(number, 10)
    return "x" * tens + ("", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")[units]
