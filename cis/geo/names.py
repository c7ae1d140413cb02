"""The look-up key of a place name, shared by the geocoder and the query reader."""

from __future__ import annotations

import re
from functools import lru_cache

from cis.text import fold

_ORDINAL = re.compile(r"\b(\d{1,2})(?:e|er|ere|eme|nd|nde)\b")
_ABBREVIATIONS = {"saint": "st", "sainte": "ste"}
_DROPPED = frozenset({"arrondissement", "arr", "arrdt"})


@lru_cache(maxsize=1 << 17)
def fold_place(text: str) -> str:
    """The look-up key of a place name: folded, "saint" → "st", ordinals → numbers."""
    words = _ORDINAL.sub(r"\1", fold(text)).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words if w not in _DROPPED)
