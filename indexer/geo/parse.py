"""Reading addresses the way contributors write them: postcodes, place-name segments, hints.

Key concepts: an address is cut into *segments* (at commas, line breaks, postcodes and
parentheses), each folded to a *place key* ("St-Étienne" and "SAINT ETIENNE" both give
"st etienne"; "Paris 11ème arr." gives "paris 11"); text in parentheses becomes a *hint*
("Vichy (03)"); Cedex and post-box mentions are dropped ("69361 Lyon Cedex 07" → postcode
69361, segment "lyon"). Segments that look like a street are marked so the geocoder can
rank them below the ones that name a town.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cis.geo.names import fold_place

_PARENS = re.compile(r"\(([^)]*)\)")
_NOISE = re.compile(r"\bc[eé]dex\b(?:\s*\d{1,2}\b)?|\b(?:bp|cs|tsa)\s*\d+\b", re.IGNORECASE)
_POSTCODE = re.compile(r"(?<![0-9])[0-9]{5}(?![0-9])")
_SEPARATORS = re.compile(r"[,;\n|/]|\s-\s")
_COUNTRY = "france"
STREET_WORDS = frozenset(
    ("rue", "avenue", "av", "bd", "boulevard", "place", "pl", "chemin", "ch", "route", "rte",
     "allee", "impasse", "imp", "quai", "cours", "square", "passage", "lieu", "dit",
     "lotissement", "residence", "za", "zi", "zac", "zone", "hameau", "batiment", "bat")
)  # fmt: skip


@dataclass(slots=True)
class Segment:
    """One folded piece of an address, in reading order."""

    key: str
    is_street: bool


@dataclass(slots=True)
class ParsedAddress:
    """What an address string says, before any table look-up."""

    postcodes: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)  # folded text found in parentheses


def parse_address(text: str) -> ParsedAddress:
    """Cut ``text`` into postcodes, place-key segments and parenthesised hints."""
    parsed = ParsedAddress(hints=[fold_place(h) for h in _PARENS.findall(text)])
    text = _NOISE.sub(" ", _PARENS.sub(",", text))
    parsed.postcodes = _POSTCODE.findall(text)
    for piece in _SEPARATORS.split(_POSTCODE.sub(",", text)):
        key = fold_place(piece)
        if key and key != _COUNTRY:
            words = key.split()
            is_street = words[0].isdigit() or not STREET_WORDS.isdisjoint(words)
            parsed.segments.append(Segment(key, is_street))
    return parsed


def clean_postcode(value: str) -> str:
    """A written postcode without spaces, its leading zero back if a spreadsheet dropped it."""
    digits = "".join(value.split())
    return digits.zfill(5) if digits.isdigit() and len(digits) in (4, 5) else value


def split_address(text: str) -> tuple[str, str, str]:
    """(street, postcode, city) of a free-text address, each as written ("" when absent)."""
    match = _POSTCODE.search(text)
    if match is None:
        *street, city = _SEPARATORS.split(text)
        return _tidy(", ".join(street)), "", _tidy(city)
    before, after = text[: match.start()], text[match.end() :]
    city = _SEPARATORS.split(after, maxsplit=1)[0]
    if not _tidy(city):
        *street_parts, city = _SEPARATORS.split(before)
        before = ", ".join(street_parts)
    return _tidy(before), match.group(), _tidy(city)


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(" ,;-")
