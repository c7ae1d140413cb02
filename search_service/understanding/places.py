"""The place a French search query names: a commune, a département or a région.

Key concepts: a query is read as folded words (``cis.text.fold``, stopwords kept). Every
run of words the geocoder's tables know (the scan from a word stops as soon as no name
begins with the words so far) is a *match*:
a commune or arrondissement name, a département or région name (former régions too), a
postcode or a département number. The rules then accept or refuse each match, and the
reading is the accepted match with the longest name; on a tie, the latest one (places
tend to come last: "jardins partagés Roubaix").

- *Cues* before a name make it a place: "à", "au", "aux", "en", "dans" (with "le", "la",
  "les" or "l"), "sur", and the *proximity* cues "près de", "proche de", "autour de",
  "aux alentours de", "à proximité de", "à côté de" (with "de", "d", "du" or "des"), which
  also say the user asked for nearness. "de" alone is too common to be a cue. The cue
  words belong to the place's span.
- *Common words*: a one-word name (a leading article aside: "La Marche" is one word) that
  is a stopword or a word of the product's vocabulary (``common``) is a place only after
  a cue ("à Jardin"), or when the caller reads leniently (it does when the text alone
  finds nothing). A postcode or département beside it does not make it one: "jardin 38"
  is about gardens in Isère.
- A commune without a cue counts when it has at least ``TOWN`` inhabitants, or a name of
  several words, or is the whole query, or is confirmed: the query also names a postcode
  next to it or a département holding it ("moulins 03000", "saint denis 974").
- Homonyms: the most populous commune, unless the query names a département holding
  another one. A département written right after the name, or after a cue or "de"
  ("moulins 03", "moulins dans l'allier", "saint denis de la reunion"), and a postcode
  right after or before it, join its span and make it the longer name.
- A name that is both a commune and a département or région ("Paris", "Allier",
  "Bretagne") is the commune when it has at least ``CITY_OVER_AREA`` inhabitants.
- Numbers: a 5-digit postcode reads as its most populous commune; a département number
  ("93", "2a", "974") needs a cue ("dans le 93") or to end a query of several words
  ("insertion jeunes 93"). A number next to another number or a unit ("16 25 ans") is a
  quantity, never a place.
- Arrondissements ("paris 11e", "lyon 3", "marseille 13eme") read as their city's commune
  code, with their own point and label ("Paris 11e (75)"). Roman numerals ("paris xie")
  are not read: "vie", "xe" or "ive" would be taken for ordinals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from cis.geo.names import fold_place
from cis.geo.tables import Area, Place, load_tables
from cis.text import STOPWORDS

TOWN = 2_000  # inhabitants a one-word commune needs to be read without a cue
CITY_OVER_AREA = 20_000  # inhabitants a commune needs to win over a same-named area

_LINKS = ("de", "d", "du", "des")
_NEAR_HEADS = (("pres",), ("proche",), ("autour",), ("aux", "alentours"), ("a", "proximite"), ("a", "cote"))  # fmt: skip
_NEAR_CUES = frozenset((*head, link) for head in _NEAR_HEADS for link in _LINKS)
_ARTICLES = ("le", "la", "les", "l")
_CUES = frozenset([("a",), ("au",), ("aux",), ("en",), ("dans",), ("sur",)]).union(
    ("dans", article) for article in _ARTICLES
)
# What may stand between a commune and its département: "Saint-Denis de la Réunion".
_JOINS = frozenset([*((link,) for link in _LINKS), *(("de", a) for a in _ARTICLES)])
_CUE_LENGTHS = (3, 2, 1)  # the longest cue first: "a cote de", not "de"
_UNITS = frozenset({"an", "ans", "mois", "jours", "euros", "km"})  # after a quantity


@dataclass(frozen=True, slots=True)
class PlaceReading:
    """The place a query names, what the user reads for it and the words it took."""

    level: Literal["commune", "departement", "region"]
    code: str  # INSEE commune (a city's for its arrondissements), département or région
    label: str  # "Moulins (03)", "Paris 11e (75)", "Seine-Saint-Denis (93)", "Bretagne"
    point: tuple[float, float] | None  # (lat, lon) of a commune or arrondissement
    departement_code: str  # the département holding it ("" for a région)
    span: tuple[int, int]  # [start, end) indexes into the words, cue words included
    proximity: bool  # the user asked for nearness ("près de")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """The geocoder's tables as the reader scans them."""

    places: dict[str, tuple[Place, ...]]  # folded name → places, most relevant first
    areas: dict[str, Area]  # folded name → département or région
    codes: dict[str, Area]  # lower-case département number → département
    postcodes: dict[str, tuple[Place, ...]]
    prefixes: frozenset[str]  # every name's leading words, whole names included


@dataclass(frozen=True, slots=True)
class _Match:
    """A run of words that names a place, before the rules accept or refuse it."""

    kind: Literal["name", "postcode", "number"]
    start: int  # first word of the name, its cue excluded
    end: int
    cue: int  # first word of the cue before it; ``start`` without a cue
    near: bool
    key: str  # the folded name, or the number
    places: tuple[Place, ...]
    area: Area | None


@dataclass(frozen=True, slots=True)
class _Query:
    """The words being read and how to read them."""

    words: Sequence[str]
    common: Callable[[str], bool]
    lenient: bool
    departements: tuple[_Match, ...]  # every match that names a département


@cache
def _lexicon() -> _Lexicon:
    """The look-up structures, built once per process from the geocoder's tables."""
    tables = load_tables()
    codes = {key: area for key, area in tables.area_keys.items() if key == area.code.lower()}
    areas = {key: area for key, area in tables.area_keys.items() if key not in codes}
    prefixes = {
        " ".join(words[:length])
        for words in (key.split() for key in [*tables.by_name, *areas])
        for length in range(1, len(words) + 1)
    }
    return _Lexicon(tables.by_name, areas, codes, tables.by_postcode, frozenset(prefixes))


def read_place(
    words: Sequence[str], common: Callable[[str], bool], *, lenient: bool = False
) -> PlaceReading | None:
    """The place ``words`` name, or None. ``words``: cis.text.fold(query).split() (stopwords kept)."""
    matches = list(_matches(words, _lexicon()))
    named = tuple(m for m in matches if _names_departement(m, words))
    query = _Query(words, common, lenient, named)
    readings = [reading for m in matches if (reading := _read(m, query)) is not None]
    return max(readings, key=lambda ranked: ranked[0], default=(None, None))[1]


def _names_departement(m: _Match, words: Sequence[str]) -> bool:
    """Whether ``m`` names a département, by name or by a number that is not a quantity."""
    is_departement = m.area is not None and m.area.level == "departement"
    return is_departement and (m.kind == "name" or not _is_quantity(m, words))


def _matches(words: Sequence[str], lexicon: _Lexicon) -> Iterator[_Match]:
    """Every run of words that names a place, a postcode or a département number."""
    keys = [fold_place(word) for word in words]  # "" for words it drops ("arrondissement")
    for start, word in enumerate(words):
        cue, near = _cue(words, start)
        if word in lexicon.postcodes:
            yield _Match(
                "postcode", start, start + 1, cue, near, word, lexicon.postcodes[word], None
            )
        elif word in lexicon.codes:
            yield _Match("number", start, start + 1, cue, near, word, (), lexicon.codes[word])
        for end, key in _names_from(keys, start, lexicon.prefixes):
            places, area = lexicon.places.get(key, ()), lexicon.areas.get(key)
            if places or area:
                yield _Match("name", start, end, cue, near, key, places, area)


def _names_from(keys: list[str], start: int, prefixes: frozenset[str]) -> Iterator[tuple[int, str]]:
    """(end, key) for each run of words from ``start`` that begins some name."""
    key = ""
    for end in range(start + 1, len(keys) + 1):
        key = f"{key} {keys[end - 1]}".lstrip() if keys[end - 1] else key
        if key not in prefixes:
            return
        yield end, key


def _cue(words: Sequence[str], start: int) -> tuple[int, bool]:
    """Where the cue ending before ``start`` begins (``start`` if none), and if it asks nearness."""
    for length in _CUE_LENGTHS:
        cue = tuple(words[start - length : start]) if start >= length else ()
        if cue in _NEAR_CUES or cue in _CUES:
            return start - length, cue in _NEAR_CUES
    return start, False


def _read(m: _Match, query: _Query) -> tuple[tuple[int, int], PlaceReading] | None:
    """(rank, reading) of an accepted match, or None; rank: name length, then position."""
    if m.kind == "name":
        return _read_name(m, query)
    if _is_quantity(m, query.words):
        return None
    if m.kind == "postcode":
        return (1, m.start), _commune_reading(m.places[0], (m.cue, m.end), m.near)
    cued, ends_query = m.cue < m.start, m.end == len(query.words) > 1
    if m.area is None or not (cued or ends_query):
        return None
    return (1, m.start), _area_reading(m.area, (m.cue, m.end), m.near)


def _is_quantity(m: _Match, words: Sequence[str]) -> bool:
    """Whether the number ``m`` sits next to another number or before a unit ("16 25 ans")."""
    before = words[m.cue - 1] if m.cue > 0 else ""
    after = words[m.end] if m.end < len(words) else ""
    return before.isdigit() or after.isdigit() or after in _UNITS


def _read_name(m: _Match, query: _Query) -> tuple[tuple[int, int], PlaceReading] | None:
    """The reading of a name: its area, or its commune when that is large enough."""
    city = m.places[0] if m.places else None
    if m.area is not None and (city is None or city.population < CITY_OVER_AREA):
        if _is_common_word(m, query) and not (m.cue < m.start or query.lenient):
            return None
        return (m.end - m.start, m.start), _area_reading(m.area, (m.cue, m.end), m.near)
    return _read_commune(m, query)


def _read_commune(m: _Match, query: _Query) -> tuple[tuple[int, int], PlaceReading] | None:
    """The reading of a commune name, if the rules on cues, size and common words accept it."""
    place, start, end, confirmed = _locate(m, query)
    if _is_common_word(m, query):
        accepted = m.cue < m.start or query.lenient
    else:
        whole = start == 0 and end == len(query.words)
        several = len(_bare(m.key)) > 1
        accepted = m.cue < m.start or confirmed or whole or several or place.population >= TOWN
    span = (min(m.cue, start), end)
    return ((end - start, start), _commune_reading(place, span, m.near)) if accepted else None


def _is_common_word(m: _Match, query: _Query) -> bool:
    """Whether the name is one stopword or ordinary word of the vocabulary, articles aside."""
    bare = _bare(m.key)
    return len(bare) == 1 and (bare[0] in STOPWORDS or query.common(bare[0]))


def _bare(key: str) -> list[str]:
    """The words of a folded name without its leading article ("la marche" → "marche")."""
    words = key.split()
    return words[1:] if len(words) > 1 and words[0] in _ARTICLES else words


def _locate(m: _Match, query: _Query) -> tuple[Place, int, int, bool]:
    """The homonym meant, its span grown over a postcode or département beside it, confirmed."""
    by_postcode = _by_postcode(m, query.words)
    if by_postcode is not None:
        return by_postcode
    others = [d for d in query.departements if d.end <= m.start or d.start >= m.end]
    codes = {d.area.code: d for d in others if d.area is not None}
    place = next((p for p in m.places if p.departement_code in codes), m.places[0])
    named = codes.get(place.departement_code)
    if named is None:
        return place, m.start, m.end, False
    between = tuple(query.words[m.end : named.start])
    beside = named.cue == m.end or between in _JOINS  # "moulins 03", "moulins de l allier"
    return place, m.start, named.end if beside else m.end, True


def _by_postcode(m: _Match, words: Sequence[str]) -> tuple[Place, int, int, bool] | None:
    """The homonym a postcode right after (or before) the name holds, with both words' span."""
    for index, start, end in ((m.end, m.start, m.end + 1), (m.start - 1, m.start - 1, m.end)):
        near_places = _lexicon().postcodes.get(words[index], ()) if 0 <= index < len(words) else ()
        shared = [place for place in m.places if place in near_places]
        if shared:
            return shared[0], start, end, True
    return None


def _commune_reading(place: Place, span: tuple[int, int], near: bool) -> PlaceReading:
    """A commune or arrondissement read as its commune, with its own point and label."""
    point = (place.point[1], place.point[0]) if place.point is not None else None
    name = place.commune
    if place.kind == "ARM":  # its key ends with its number: "paris 11"
        number = place.key.rsplit(" ", 1)[1]
        name = f"{name} {number}{'er' if number == '1' else 'e'}"
    label = f"{name} ({place.departement_code})"
    return PlaceReading(
        "commune", place.commune_code, label, point, place.departement_code, span, near
    )


def _area_reading(area: Area, span: tuple[int, int], near: bool) -> PlaceReading:
    """A département ("Allier (03)") or a région ("Bretagne"), under its current name."""
    if area.level == "region":
        return PlaceReading("region", area.code, area.name, None, "", span, near)
    label = f"{area.name} ({area.code})"
    return PlaceReading("departement", area.code, label, None, area.code, span, near)
