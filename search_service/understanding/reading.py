"""From what a person typed to what the engine runs: place, typos, then the rest as text.

Key concepts: the place a query names (``places.read_place``) leaves the text and becomes
a filter (a département, a région) or a point (a commune); a point gives a distance
ranking and a radius that widens (``RADII_KM``) until ``ENOUGH`` projects are found,
then the commune's whole département. Words no project holds are replaced by the word
they likely misspell (``Engine.corrections``). A commune name that is also an ordinary
word of the vocabulary ("Jardin", in Isère) is read as a place only after a cue ("à
Jardin"), or when the query as text finds nothing. Everything read is told back
(``Reading``) so that a person can see it and undo it (``literal``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from werkzeug.datastructures import MultiDict

from cis.analysis import stem
from cis.concepts import synonym_groups
from cis.text import STOPWORDS, fold
from engines import Engine
from engines.base import GeoPoint, SearchRequest
from search_service.cursors import CursorSigner
from search_service.params import parse_flag, parse_search_args
from search_service.understanding.places import PlaceReading, read_place

RADII_KM = (10.0, 20.0, 30.0)
ENOUGH = 10  # hits a place's radius stops widening at


@dataclass(frozen=True)
class Reading:
    """What the service made of a query, and the request it runs."""

    asked: SearchRequest  # as the parameters state it (cursors are signed for this one)
    request: SearchRequest
    place: PlaceReading | None = None
    radius_km: float | None = None  # the radius settled on around a commune; None: none
    widened_to_departement: bool = False  # no radius held ENOUGH: the whole département
    corrections: dict[str, str] = field(default_factory=dict)  # typed word → searched word


@cache
def _vocabulary_stems() -> frozenset[str]:
    return frozenset(s for group in synonym_groups() for phrase in group.phrases for s in phrase)


def is_common(word: str) -> bool:
    """Whether a folded word is an ordinary word of queries (stopword, kind, theme)."""
    return word in STOPWORDS or stem(word) in _vocabulary_stems()


def read_request(request: SearchRequest, engine: Engine, *, literal: bool = False) -> Reading:
    """The request the engine should run for ``request`` as a person typed it.

    ``literal``, an explicit ``near``, or no text: the request runs as given.
    """
    if literal or request.near is not None or not request.text.strip():
        return Reading(request, request)
    words = fold(request.text).split()
    place = read_place(words, is_common)
    reading = _corrected(_with_place(request, words, place, engine), engine)
    lenient = None if place else read_place(words, is_common, lenient=True)
    if lenient and _count(engine, reading.request) == 0:
        return _corrected(_with_place(request, words, lenient, engine), engine)
    return reading


def warm_up() -> None:
    """Load the place tables now (seconds), not on the first query a person waits for."""
    read_place(["paris"], is_common)


def read_args(
    args: MultiDict[str, str],
    engine: Engine,
    cursors: CursorSigner,
    also: frozenset[str] = frozenset(),
) -> Reading:
    """The reading of the search a query string asks for (``params.parse_search_args``)."""
    asked = parse_search_args(args, cursors, also)
    return read_request(asked, engine, literal=parse_flag(args, "literal"))


def _with_place(
    request: SearchRequest, words: list[str], place: PlaceReading | None, engine: Engine
) -> Reading:
    if place is None:
        return Reading(request, request)
    start, end = place.span
    rest = replace(request, text=" ".join(words[:start] + words[end:]), typed=request.text)
    if place.level != "commune" or place.point is None:
        facet = "region" if place.level == "region" else "departement"
        return Reading(request, _filtered(rest, facet, place.code), place)
    near = GeoPoint(*place.point)
    for radius_km in RADII_KM:
        around = replace(rest, near=near, radius_km=radius_km)
        if _count(engine, around) >= ENOUGH:
            return Reading(request, around, place, radius_km)
    widened = _filtered(replace(rest, near=near), "departement", place.departement_code)
    return Reading(request, widened, place, widened_to_departement=True)


def _filtered(request: SearchRequest, facet: str, value: str) -> SearchRequest:
    """``request`` restricted to ``value`` of ``facet``, unless the user chose that facet."""
    if request.filters.get(facet):
        return request
    return replace(request, filters={**request.filters, facet: (value,)})


def _corrected(reading: Reading, engine: Engine) -> Reading:
    words = fold(reading.request.text).split()
    fixes = engine.corrections([w for w in words if w not in STOPWORDS])
    if not fixes:
        return reading
    text = " ".join(fixes.get(word, word) for word in words)
    typed = reading.request.typed or reading.request.text
    request = replace(reading.request, text=text, typed=typed)
    return replace(reading, request=request, corrections=fixes)


def _count(engine: Engine, request: SearchRequest) -> int:
    """How many hits ``request`` has: a search without hits or facet counts."""
    probe = replace(request, size=0, page=1, after=None, facets=())
    return engine.search(probe).total
