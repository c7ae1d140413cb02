"""Relevance of the search API on the fixture world: nDCG@10 and recall@40 per query type.

    python -m benchmarks.relevance [--projects 3000] [--es-url URL] [--json PATH]

Key concepts:

- **The truth is the fixture world** (devtools/cis_devtools/fixture_sites/world.py): each
  project's theme, commune, network, organisation and public, as generated. The index is
  real indexer output built from that world's raw items (benchmarks/reindex.py). An indexed
  project *is* the world project of its first source, found by the slug in that source's
  URL: dedup errors are benchmarks/dedup.py's business, so world projects merged into
  another one are left out of the judgements, and a second hit of one world project in a
  ranking gains nothing.
- **Queries come from the truth alone**, drawn with a seeded ``random.Random``: per query
  type (QUERY_COUNTS) a text and graded judgements (world key → grade 1–3; unjudged = 0).
  They are worded as people search (KIND_PHRASES holds words the world's titles never use),
  never after what the service does with words.
- **Through the API, as a partner would**: ``GET /api/v1/search?q=…&size=40`` on the app
  ``create_app`` builds around the injected engine. Only the ranked ids count, so the
  figures stay comparable whatever the service learns about places, synonyms and typos.
- **Scores**: nDCG@10 (gain 2^grade - 1, log2 discount, the ideal ranking made of every
  judged project) and recall@40 (relevant projects in the top 40 / min(relevant, 40)),
  averaged per query type and engine. Without --es-url (or CIS_ELASTICSEARCH_URL) a local
  node (1 GB heap) is started and removed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.reindex import elasticsearch_url, indexer_projects
from cis.geo.tables import load_tables
from cis.geo.wkb import Point
from cis.records import Project
from cis.text import fold, to_ascii
from cis_devtools.fixture_sites.geo import Town, load_towns
from cis_devtools.fixture_sites.mutations import build_world
from cis_devtools.fixture_sites.vocab import load_vocabulary
from cis_devtools.fixture_sites.world import WorldProject
from engines import Engine
from engines.elastic.engine import ElasticsearchEngine
from engines.geo import haversine_km
from engines.sqlite.engine import SqliteEngine
from search_service import create_app

# How people ask for each kind of project (vocabulary.json theme ids), synonyms included.
KIND_PHRASES: dict[str, tuple[str, ...]] = {
    "repair_cafe": ("repair café", "atelier de réparation", "repair cafe"),
    "jardin_partage": ("jardins partagés", "jardin partagé", "jardin collectif"),
    "epicerie_solidaire": ("épicerie solidaire", "épicerie sociale"),
    "recyclerie": ("recyclerie", "ressourcerie"),
    "fablab": ("fablab", "fab lab", "atelier de fabrication numérique"),
    "tiers_lieu": ("tiers-lieu", "tiers lieux"),
    "atelier_velo": ("atelier vélo", "réparation de vélos"),
    "amap": ("AMAP", "paniers paysans"),
    "cours_francais": ("cours de français", "apprendre le français"),
    "habitat_partage": ("habitat participatif", "habitat partagé"),
    "cafe_associatif": ("café associatif",),
    "monnaie_locale": ("monnaie locale",),
    "chantier_insertion": ("chantier d'insertion",),
    "garage_solidaire": ("garage solidaire",),
    "inclusion_numerique": ("inclusion numérique", "atelier numérique"),
    "seniors_convivialite": ("visites aux personnes âgées isolées",),
    "parentalite": ("lieu d'accueil enfants-parents", "maison des familles"),
    "conciergerie": ("conciergerie solidaire",),
}
# A word of a theme (as in "insertion Allier") → the CIS code (cis-codes.csv) it stands for.
THEME_WORDS: dict[str, str] = {
    "insertion": "INS", "mobilité": "MOB", "numérique": "NUM", "logement": "HAB",
    "habitat": "HAB", "alimentation": "AGR", "déchets": "DEC", "recyclage": "DEC",
    "jeunesse": "JEU", "jeunes": "JEU", "seniors": "SEN", "personnes âgées": "SEN",
    "emploi": "EMP", "culture": "CUL", "éducation": "EDU", "biodiversité": "BIO",
    "santé": "SAN", "formation": "FOR", "citoyenneté": "CIT", "lien social": "COH",
}  # fmt: skip
# The public a summary addresses (WorldProject.public) → how a searcher names it. The
# others ("à tous les publics", "aux habitants du quartier"…) name no one in particular.
PUBLIC_WORDS: dict[str, tuple[str, ...]] = {
    "aux familles": ("familles", "parents"),
    "aux jeunes de 16 à 25 ans": ("jeunes", "16-25 ans"),
    "aux personnes âgées isolées": ("seniors", "personnes âgées"),
    "aux demandeurs d'emploi": ("demandeurs d'emploi", "chômeurs"),
    "aux personnes en situation de précarité": ("précarité", "personnes précaires"),
    "aux étudiants": ("étudiants",),
    "aux personnes réfugiées et primo-arrivantes": ("réfugiés", "migrants"),
}
NEAR_WORDS = ("près de", "autour de", "à proximité de")
CITY_GRADES = ((10.0, 2), (30.0, 1))  # km from the named commune → grade (3: in it)
NEAR_GRADES = ((10.0, 3), (20.0, 2), (30.0, 1))
QUERY_COUNTS = {
    "kind_city": 30,
    "kind_near": 25,
    "theme_departement": 25,
    "exact_title": 25,
    "organisation": 20,
    "kind_public": 20,
    "misspelled": 20,
    "accentless": 20,
}
MAX_ORGANISATION_PROJECTS = 5
WORLD_SEED = 2018  # labelled_items' default: the indexed items and the truth are one world
QUERY_SEED = "relevance-v1"  # a new seed is a new query set: figures compare within one
DRAWS_PER_QUERY = 200  # a draw that fits no query is retried, this many times per query
NDCG_DEPTH = 10
RECALL_DEPTH = 40
WORST_SHOWN = 10
ALIAS = "cis-bench-relevance"
NODE_NAME = "bench-relevance"
URL_SLUG = re.compile(r"^https://[^/]+\.example/projets/([^/?#]+)$")  # corpus.raw_item
LONG_WORD = re.compile(r"[^\W\d_]{6,}")  # where a typo goes: short words are rarely mistyped
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Query:
    """One labelled query: its type, its text and the grade of every relevant world project."""

    kind: str
    text: str
    judgements: Mapping[str, int]  # world key → grade ≥ 1
    phrase: str = ""  # the kind phrase the text starts with, where a typo may go


@dataclass(frozen=True)
class World:
    """The judged world projects and the geography the judgements need."""

    projects: tuple[WorldProject, ...]
    points: dict[str, Point]  # world key → the point of its town (its arrondissement in PLM)
    commune_points: dict[str, Point]  # INSEE code → the commune's own point
    place_names: dict[str, str]  # INSEE code → name, for the communes a query may name
    by_theme: dict[str, tuple[WorldProject, ...]]


@dataclass(frozen=True)
class Scored:
    """One query's figures on one engine."""

    query: Query
    ndcg: float
    recall: float


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in rank order (gain 2^grade - 1, log2 discount)."""
    return sum((2.0**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg(ranked: Sequence[str], judgements: Mapping[str, int], depth: int = NDCG_DEPTH) -> float:
    """nDCG@depth of world keys in rank order; the ideal ranks every judged project."""
    ideal = dcg(sorted(judgements.values(), reverse=True)[:depth])
    gained = dcg([judgements.get(key, 0) for key in ranked[:depth]])
    return gained / ideal if ideal else 0.0


def recall(
    ranked: Sequence[str], judgements: Mapping[str, int], depth: int = RECALL_DEPTH
) -> float:
    """Relevant world keys in the top ``depth`` / min(relevant, depth): 1.0 is a full page."""
    if not judgements:
        return 0.0
    found = set(ranked[:depth]) & judgements.keys()
    return len(found) / min(len(judgements), depth)


def ranked_keys(ids: Iterable[str], world_key: Mapping[str, str]) -> list[str]:
    """World keys of ranked project ids; "" for a repeat of a world project (it gains nothing)."""
    seen: set[str] = set()
    ranked = []
    for project_id in ids:
        key = world_key.get(project_id, "")
        ranked.append("" if key in seen else key)
        seen.add(key)
    return ranked


def world_keys(projects: Iterable[Project], world: Iterable[WorldProject]) -> dict[str, str]:
    """Indexed project id → world key of its first source, read from that source's URL."""
    by_slug = {p.slug: p.key for p in world}
    keys = {}
    for project in projects:
        url = project["sources"][0]["url"]
        match = URL_SLUG.match(url)
        if match is None or match[1] not in by_slug:
            raise SystemExit(f"no world project behind {url!r} (project {project['id']})")
        keys[project["id"]] = by_slug[match[1]]
    return keys


def town_point(town: Town, commune_points: Mapping[str, Point]) -> Point:
    """The arrondissement's own point for PLM towns, else the commune's."""
    if town.arrondissement is not None:
        for place in load_tables().by_postcode.get(town.postcodes[0], ()):
            if place.kind == "ARM" and place.commune_code == town.commune_code and place.point:
                return place.point
    return commune_points[town.commune_code]


def unique_place_names() -> dict[str, str]:
    """INSEE code → name of every fixture commune whose name no other fixture commune bears.

    A query naming "Saint-Denis" could fairly mean any of them; the truth could only pick one.
    """
    names = {town.commune_code: town.name for town in load_towns()}
    count = Counter(names.values())
    return {code: name for code, name in names.items() if count[name] == 1}


def judged_world(world: Iterable[WorldProject], indexed: set[str]) -> World:
    """The world projects the index holds (by key), with their points."""
    projects = tuple(p for p in world if p.key in indexed)
    communes = {
        place.commune_code: place.point
        for places in load_tables().by_name.values()
        for place in places
        if place.kind == "COM" and place.point is not None
    }
    by_theme: dict[str, list[WorldProject]] = defaultdict(list)
    for project in projects:
        by_theme[project.theme].append(project)
    return World(
        projects,
        {p.key: town_point(p.town, communes) for p in projects},
        communes,
        unique_place_names(),
        {theme: tuple(found) for theme, found in sorted(by_theme.items())},
    )


def km(a: Point, b: Point) -> float:
    return haversine_km(a[1], a[0], b[1], b[0])


def distance_grade(distance: float, grades: Sequence[tuple[float, int]]) -> int:
    return next((grade for limit, grade in grades if distance <= limit), 0)


def around(
    world: World, theme: str, code: str, grades: Sequence[tuple[float, int]]
) -> dict[str, int]:
    """Grades of the theme's projects by distance from commune ``code``; 3 inside it."""
    centre = world.commune_points[code]
    judged = {}
    for project in world.by_theme.get(theme, ()):
        inside = project.town.commune_code == code
        grade = 3 if inside else distance_grade(km(centre, world.points[project.key]), grades)
        if grade:
            judged[project.key] = grade
    return judged


def drawn(draw: Callable[[], Query | None], count: int) -> list[Query]:
    """Up to ``count`` queries of distinct texts from ``draw`` (None: that draw did not fit)."""
    found: dict[str, Query] = {}
    for _ in range(DRAWS_PER_QUERY * count):
        if len(found) == count:
            break
        query = draw()
        if query is not None and query.judgements:
            found.setdefault(query.text, query)
    return list(found.values())


def kind_city(rng: random.Random, world: World, count: int) -> list[Query]:
    """Queries "<kind phrase> <commune>", for communes holding a project of the kind."""

    def draw() -> Query | None:
        project = rng.choice(world.projects)
        code = project.town.commune_code
        phrase = rng.choice(KIND_PHRASES[project.theme])
        if code not in world.place_names:
            return None
        text = f"{phrase} {world.place_names[code]}"
        return Query("kind_city", text, around(world, project.theme, code, CITY_GRADES), phrase)

    return drawn(draw, count)


def kind_near(rng: random.Random, world: World, count: int) -> list[Query]:
    """Queries "<kind phrase> près de <commune>": none of the kind in it, some nearby."""
    codes, themes = sorted(world.place_names), list(world.by_theme)

    def draw() -> Query | None:
        code, theme = rng.choice(codes), rng.choice(themes)
        phrase, near = rng.choice(KIND_PHRASES[theme]), rng.choice(NEAR_WORDS)
        if any(p.town.commune_code == code for p in world.by_theme[theme]):
            return None
        text = f"{phrase} {near} {world.place_names[code]}"
        return Query("kind_near", text, around(world, theme, code, NEAR_GRADES), phrase)

    return drawn(draw, count)


def theme_departement(rng: random.Random, world: World, count: int) -> list[Query]:
    """Queries "<theme word> <département name or number>": 2 with the code, 1 the word."""
    words = sorted(THEME_WORDS)
    vocabulary = {t.id: fold(" ".join(t.titles + t.activities)) for t in load_vocabulary().themes}

    def draw() -> Query | None:
        word = rng.choice(words)
        code = THEME_WORDS[word]
        having = [p for p in world.projects if code in p.codes]
        if not having:
            return None
        town = rng.choice(having).town
        dept = town.dept_code
        judged = {
            p.key: 2 if code in p.codes else 1
            for p in world.projects
            if p.town.dept_code == dept
            and (code in p.codes or f" {fold(word)} " in f" {vocabulary[p.theme]} ")
        }
        return Query("theme_departement", f"{word} {rng.choice((town.dept_name, dept))}", judged)

    return drawn(draw, count)


def exact_title(rng: random.Random, world: World, count: int) -> list[Query]:
    """A project's title as written: 3 for it, 1 for its network's other members.

    Only titles no other project bears: a title shared by two projects in two towns names
    neither one, and no ranking could tell which of them the judgement meant.
    """
    titles = Counter(p.title.casefold() for p in world.projects)
    unique = [p for p in world.projects if titles[p.title.casefold()] == 1]

    def draw() -> Query:
        target = rng.choice(unique)
        siblings = {
            p.key: 1
            for p in world.projects
            if target.network is not None and p.network == target.network
        }
        return Query("exact_title", target.title, siblings | {target.key: 3})

    return drawn(draw, count)


def organisation(rng: random.Random, world: World, count: int) -> list[Query]:
    """The name of an organisation running 1–5 projects: 3 for each of them."""
    runs = Counter(p.organisation for p in world.projects if p.organisation)
    names = sorted(name for name, n in runs.items() if n <= MAX_ORGANISATION_PROJECTS)

    def draw() -> Query:
        name = rng.choice(names)
        judged = {p.key: 3 for p in world.projects if p.organisation == name}
        return Query("organisation", name, judged)

    return drawn(draw, count) if names else []


def kind_public(rng: random.Random, world: World, count: int) -> list[Query]:
    """Queries "<kind phrase> <public>": 2 for the kind and the public, 1 the kind alone."""

    def draw() -> Query | None:
        target = rng.choice(world.projects)
        if target.public not in PUBLIC_WORDS:
            return None
        phrase = rng.choice(KIND_PHRASES[target.theme])
        text = f"{phrase} {rng.choice(PUBLIC_WORDS[target.public])}"
        judged = {
            p.key: 2 if p.public == target.public else 1 for p in world.by_theme[target.theme]
        }
        return Query("kind_public", text, judged, phrase)

    return drawn(draw, count)


def misspell(rng: random.Random, phrase: str) -> str | None:
    """``phrase`` with one typo inside one of its long words; None when it has none."""
    words = list(LONG_WORD.finditer(phrase))
    if not words:
        return None
    word = rng.choice(words)
    start, text = word.start(), word[0]
    i = rng.randrange(1, len(text) - 1)  # inside: first and last letters are rarely mistyped
    typo = rng.choice(("deletion", "transposition", "substitution"))
    if typo == "deletion":
        new = text[:i] + text[i + 1 :]
    elif typo == "transposition" and text[i] != text[i + 1]:
        new = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    else:
        new = text[:i] + rng.choice(LETTERS.replace(text[i], "")) + text[i + 1 :]
    return phrase[:start] + new + phrase[word.end() :]


def misspelled(rng: random.Random, base: Iterable[Query], count: int) -> list[Query]:
    """The ``base`` queries (kind_city) with a typo in their kind phrase, same judgements."""
    found = []
    for query in base:
        if (typo := misspell(rng, query.phrase)) is not None:
            text = typo + query.text[len(query.phrase) :]
            found.append(replace(query, kind="misspelled", text=text, phrase=typo))
    return found[:count]


def accentless(base: Sequence[Query], count: int) -> list[Query]:
    """The ``base`` queries lower-cased without accents, those that had accents first."""
    chosen = sorted(base, key=lambda q: q.text.isascii())[:count]  # stable: keeps base order
    return [replace(q, kind="accentless", text=to_ascii(q.text).lower()) for q in chosen]


def build_queries(world: World, seed: int | str = QUERY_SEED) -> list[Query]:
    """The labelled query set: QUERY_COUNTS queries of each type, drawn from ``world``."""
    rng, n = random.Random(seed), QUERY_COUNTS
    city = kind_city(rng, world, n["kind_city"])
    near = kind_near(rng, world, n["kind_near"])
    return [
        *city,
        *near,
        *theme_departement(rng, world, n["theme_departement"]),
        *exact_title(rng, world, n["exact_title"]),
        *organisation(rng, world, n["organisation"]),
        *kind_public(rng, world, n["kind_public"]),
        *misspelled(rng, city, n["misspelled"]),
        *accentless([q for pair in zip(city, near, strict=False) for q in pair], n["accentless"]),
    ]


def ranked_ids(engine: Engine, queries: Iterable[Query], data_dir: Path) -> list[list[str]]:
    """The ids each query's first page lists, asked of the search API over ``engine``."""
    config = {
        "data_dir": str(data_dir),
        "secret_key": "bench",
        "rate_limit_anonymous": "1000000/minute",  # the benchmark is one very busy client
    }
    client = create_app(config, engine=engine).test_client()
    pages = []
    for query in queries:
        answer = client.get("/api/v1/search", query_string={"q": query.text, "size": RECALL_DEPTH})
        if answer.status_code != 200:
            raise SystemExit(f"{query.text!r}: HTTP {answer.status_code} {answer.get_data(True)}")
        pages.append([hit["id"] for hit in answer.get_json()["results"]])
    return pages


def evaluate(
    engine: Engine,
    projects: list[Project],
    queries: list[Query],
    keys: Mapping[str, str],
    data_dir: Path,
) -> list[Scored]:
    """Index ``projects`` into ``engine``, send every query, score every answer."""
    started = time.perf_counter()
    stats = engine.replace_all(projects)
    indexed = time.perf_counter()
    pages = ranked_ids(engine, queries, data_dir)
    print(
        f"{engine.name}: indexed {stats.written:,} projects in {indexed - started:.1f} s, "
        f"{len(queries)} queries in {time.perf_counter() - indexed:.1f} s",
        flush=True,
    )
    scored = []
    for query, ids in zip(queries, pages, strict=True):
        ranked = ranked_keys(ids, keys)
        scored.append(
            Scored(query, ndcg(ranked, query.judgements), recall(ranked, query.judgements))
        )
    return scored


def by_kind(scored: Iterable[Scored]) -> dict[str, list[Scored]]:
    groups: dict[str, list[Scored]] = {kind: [] for kind in QUERY_COUNTS}
    for one in scored:
        groups[one.query.kind].append(one)
    return groups


def means(scored: Sequence[Scored]) -> tuple[float, float]:
    if not scored:
        return math.nan, math.nan
    return statistics.fmean(s.ndcg for s in scored), statistics.fmean(s.recall for s in scored)


def print_engine(name: str, scored: list[Scored]) -> None:
    print(f"\n{name}\n{'query type':<18} {'queries':>7} {'nDCG@10':>8} {'recall@40':>10}")
    for kind, group in [*by_kind(scored).items(), ("overall", scored)]:
        mean_ndcg, mean_recall = means(group)
        print(f"{kind:<18} {len(group):>7} {mean_ndcg:>8.3f} {mean_recall:>10.3f}")


def print_differences(results: Mapping[str, list[Scored]]) -> None:
    (first, a), (second, b) = results.items()
    print(f"\n{second} minus {first}\n{'query type':<18} {'Δ nDCG@10':>10} {'Δ recall@40':>12}")
    groups_a, groups_b = by_kind(a), by_kind(b)
    for kind in [*QUERY_COUNTS, "overall"]:
        ndcg_a, recall_a = means(a if kind == "overall" else groups_a[kind])
        ndcg_b, recall_b = means(b if kind == "overall" else groups_b[kind])
        print(f"{kind:<18} {ndcg_b - ndcg_a:>+10.3f} {recall_b - recall_a:>+12.3f}")


def print_worst(name: str, scored: list[Scored]) -> None:
    """The worst queries; among equals, those missing the most relevant projects first."""
    zero = sum(one.ndcg == 0 for one in scored)
    print(f"\n{name}: the {WORST_SHOWN} worst queries ({zero} of {len(scored)} score 0)")
    print(f"  {'nDCG@10':>7} {'recall@40':>9} {'relevant':>8}  {'query type':<18} text")
    worst = sorted(scored, key=lambda s: (s.ndcg, s.recall, -len(s.query.judgements)))
    for one in worst[:WORST_SHOWN]:
        query = one.query
        print(
            f"  {one.ndcg:>7.3f} {one.recall:>9.3f} {len(query.judgements):>8}"
            f"  {query.kind:<18} {query.text}"
        )


def write_json(path: Path, results: Mapping[str, list[Scored]]) -> None:
    """Every query's figures on every engine."""
    rows = []
    for scored in zip(*results.values(), strict=True):
        query = scored[0].query
        figures = {
            name: {"ndcg10": one.ndcg, "recall40": one.recall}
            for name, one in zip(results, scored, strict=True)
        }
        rows.append({"type": query.kind, "text": query.text, "relevant": len(query.judgements)})
        rows[-1].update(figures)
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def drop_indices(engine: ElasticsearchEngine) -> None:
    """Delete the indices behind the benchmark's alias (on a node the benchmark did not start)."""
    names = list(engine.client.indices.get_alias(name=engine.alias))
    engine.client.indices.delete(index=",".join(names))


def labelled_set(count: int) -> tuple[list[Project], dict[str, str], list[Query]]:
    """The indexer's projects, their world keys and the queries judged against that world."""
    started = time.perf_counter()
    projects = indexer_projects(count)
    world, _ = build_world(count, WORLD_SEED, [])
    keys = world_keys(projects, world)
    judged = judged_world(world, set(keys.values()))
    queries = build_queries(judged)
    print(
        f"built {len(projects):,} projects with the indexer from {len(world):,} world projects "
        f"({len(world) - len(judged.projects):,} merged into others, left unjudged) and "
        f"{len(queries)} queries in {time.perf_counter() - started:.1f} s"
    )
    for kind, wanted in QUERY_COUNTS.items():
        if (made := sum(q.kind == kind for q in queries)) < wanted:
            print(f"only {made} {kind} queries of {wanted} wanted: the world is too small")
    return projects, keys, queries


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=3000)
    parser.add_argument("--es-url", default=os.environ.get("CIS_ELASTICSEARCH_URL", ""))
    parser.add_argument("--json", type=Path, help="write every query's figures there")
    args = parser.parse_args()
    projects, keys, queries = labelled_set(args.projects)
    results: dict[str, list[Scored]] = {}
    with tempfile.TemporaryDirectory(prefix="cis-relevance-") as folder:
        sqlite = SqliteEngine(Path(folder) / "cis.sqlite3")
        results["sqlite"] = evaluate(sqlite, projects, queries, keys, Path(folder))
        sqlite.close()
        with elasticsearch_url(args.es_url, NODE_NAME) as url:
            elastic = ElasticsearchEngine.connect(url, alias=ALIAS)
            try:
                results["elasticsearch"] = evaluate(elastic, projects, queries, keys, Path(folder))
            finally:
                if args.es_url:  # not our node: leave it as found
                    drop_indices(elastic)
                elastic.close()
    for name, scored in results.items():
        print_engine(name, scored)
    print_differences(results)
    for name, scored in results.items():
        print_worst(name, scored)
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
