"""From what a person typed to what the engine runs: place, typos, then the rest as text.

Key concepts: the place a query names (``places.read_place``) leaves the text and becomes
a filter (a département, a région) or a point (a commune). A point gives a distance
ranking and a radius that widens (``RADII_KM``) until ``ENOUGH`` projects are found (a
page of tiles); when even the widest holds fewer, every match is kept, nearest first
(a département would cut off the town across its border: Alfortville from Paris). Words
no project holds are replaced by the word they likely misspell (``Engine.corrections``).
A commune name that is also an ordinary word of the vocabulary ("Jardin", in Isère) is
read as a place only after a cue ("à Jardin"), or when the query as text finds nothing;
a name is never read out of the middle of a hyphenated word ("Centre-ville" is no
région). Everything read is told back (``Reading``) so that a person can see it and undo
it (``literal``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

from werkzeug.datastructures import MultiDict

from cis.analysis import stem
from cis.concepts import synonym_groups
from cis.text import STOPWORDS, fold
from engines import Engine, ranking
from engines.base import GeoPoint, SearchRequest
from search_service.cursors import CursorSigner
from search_service.params import parse_flag, parse_search_args
from search_service.understanding.places import PlaceReading, read_place

RADII_KM = (10.0, 20.0, ranking.NEARBY_KM)  # the widest: where the ranking stops favouring nearness
ENOUGH = 40  # hits a place's radius stops widening at: the first page of tiles


Scope = Literal["radius", "nearest", "departement", "region"]


@dataclass(frozen=True)
class Reading:
    """What the service made of a query, and the request it runs."""

    asked: SearchRequest  # as the parameters state it (cursors are signed for this one)
    request: SearchRequest
    place: PlaceReading | None = None
    # How the place restricts: within ``radius_km`` of a commune, every match nearest
    # first, or a département's or région's filter.
    scope: Scope | None = None
    radius_km: float | None = None
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
    words, place = place_of(request.text)
    reading = _placed(_corrected(request, words, place, engine), engine)
    if place is None:
        _, lenient = place_of(request.text, lenient=True)
        if lenient and _count(engine, reading.request) == 0:
            return _placed(_corrected(request, words, lenient, engine), engine)
    return reading


def place_of(text: str, *, lenient: bool = False) -> tuple[list[str], PlaceReading | None]:
    """The folded words of ``text`` and the place they name (no engine involved)."""
    words, tokens = _words(text)
    return words, _whole_words(read_place(words, is_common, lenient=lenient), tokens)


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


def _words(text: str) -> tuple[list[str], list[int]]:
    """The folded words of ``text``, and for each the typed token (between spaces) it is in."""
    words: list[str] = []
    tokens: list[int] = []
    for number, token in enumerate(text.split()):
        folded = fold(token).split()
        words += folded
        tokens += [number] * len(folded)
    return words, tokens


def _whole_words(place: PlaceReading | None, tokens: list[int]) -> PlaceReading | None:
    """``place`` unless it cuts a typed word ("centre" of "Centre-ville"; "d'Angers" may)."""
    if place is None:
        return None
    start, end = place.span
    starts_inside = start > 0 and tokens[start - 1] == tokens[start]
    elided = starts_inside and (start < 2 or tokens[start - 2] != tokens[start])
    ends_inside = end < len(tokens) and tokens[end - 1] == tokens[end]
    return None if (starts_inside and not elided) or ends_inside else place


def _corrected(
    request: SearchRequest, words: list[str], place: PlaceReading | None, engine: Engine
) -> Reading:
    """``request`` with the place's words out of its text and misspelled words corrected."""
    start, end = place.span if place else (0, 0)
    rest = words[:start] + words[end:]
    fixes = engine.corrections([w for w in rest if w not in STOPWORDS])
    text = " ".join(fixes.get(word, word) for word in rest)
    if text == fold(request.text):
        return Reading(request, request)
    return Reading(
        request, replace(request, text=text, typed=request.text), place, corrections=fixes
    )


def _placed(reading: Reading, engine: Engine) -> Reading:
    """``reading`` restricted by its place: a filter, or a radius widening around a point."""
    place, searched = reading.place, reading.request
    if place is None:
        return reading
    if place.level != "commune" or place.point is None:
        facet: Scope = "region" if place.level == "region" else "departement"
        return replace(reading, request=_filtered(searched, facet, place.code), scope=facet)
    near = GeoPoint(*place.point)
    radius_km = _radius_holding_enough(engine, replace(searched, near=near))
    if radius_km is None:
        return replace(reading, request=replace(searched, near=near), scope="nearest")
    around = replace(searched, near=near, radius_km=radius_km)
    return replace(reading, request=around, scope="radius", radius_km=radius_km)


def _radius_holding_enough(engine: Engine, request: SearchRequest) -> float | None:
    """The smallest of ``RADII_KM`` holding ``ENOUGH`` full matches, None if the widest doesn't.

    One search answers it: the ``ENOUGH`` nearest hits within the widest radius, the last
    one's distance deciding.
    """
    widest = max(RADII_KM)
    nearest = replace(request, radius_km=widest, sort="distance", size=ENOUGH, partly=False)
    probe = engine.search(replace(nearest, page=1, after=None, facets=()))
    if probe.total < ENOUGH or not probe.distances_km:
        return None
    farthest = probe.distances_km[-1] or widest
    return next(r for r in sorted(RADII_KM) if r >= farthest)


def _filtered(request: SearchRequest, facet: str, value: str) -> SearchRequest:
    """``request`` restricted to ``value`` of ``facet``, unless the user chose that facet."""
    if request.filters.get(facet):
        return request
    return replace(request, filters={**request.filters, facet: (value,)})


def _count(engine: Engine, request: SearchRequest) -> int:
    """How many hits ``request`` has: a search without hits or facet counts."""
    probe = replace(request, size=0, page=1, after=None, facets=())
    return engine.search(probe).total
