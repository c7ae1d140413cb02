"""The relevance benchmark's scores and one of its judgement rules, on hand-made data."""

from __future__ import annotations

import pytest

from benchmarks.relevance import NEAR_GRADES, World, around, ndcg, ranked_keys, recall
from cis_devtools.fixture_sites.geo import Town
from cis_devtools.fixture_sites.world import WorldProject

KM_PER_DEGREE_OF_LATITUDE = 111.2


def test_a_perfect_ranking_scores_one() -> None:
    judgements = {"P1": 3, "P2": 2, "P3": 1}
    assert ndcg(["P1", "P2", "P3", "P9"], judgements) == pytest.approx(1.0)
    assert ndcg(["P3", "P2", "P1"], judgements) < 1.0


def test_an_empty_ranking_scores_zero() -> None:
    assert ndcg([], {"P1": 3}) == 0.0
    assert recall([], {"P1": 3}) == 0.0


def test_recall_counts_a_full_page_of_relevant_projects_as_complete() -> None:
    judgements = {f"P{n}": 1 for n in range(100)}
    assert recall([f"P{n}" for n in range(40)], judgements) == 1.0
    assert recall([f"P{n}" for n in range(20)], judgements) == 0.5


def test_a_world_project_ranked_twice_gains_once() -> None:
    ranked = ranked_keys(["a", "b", "c"], {"a": "P1", "b": "P1", "c": "P2"})
    assert ranked == ["P1", "", "P2"]


def _town(code: str) -> Town:
    return Town(code, f"Commune {code}", ("01000",), "01", "Ain", "Auvergne-Rhône-Alpes", 5000)


def _project(key: str, theme: str, code: str) -> WorldProject:
    return WorldProject(
        key, 0, theme, key, key.lower(), "", "aux familles", (), None, None, False, None,
        _town(code), "01000", None, (), 2015, "2018-01-01", ("fx-html",),
    )  # fmt: skip


def test_near_a_commune_grades_the_kind_by_distance_and_ignores_other_kinds() -> None:
    km_north = {"C0": 0.0, "C5": 5.0, "C15": 15.0, "C25": 25.0, "C35": 35.0}
    points = {code: (5.0, 45.0 + km / KM_PER_DEGREE_OF_LATITUDE) for code, km in km_north.items()}
    gardens = tuple(
        _project(f"P{code}", "jardin_partage", code) for code in km_north if code != "C0"
    )
    cafe = _project("PCAFE", "repair_cafe", "C5")
    world = World(
        projects=(*gardens, cafe),
        points={p.key: points[p.town.commune_code] for p in (*gardens, cafe)},
        commune_points=points,
        place_names={"C0": "Commune C0"},
        by_theme={"jardin_partage": gardens, "repair_cafe": (cafe,)},
    )
    grades = around(world, "jardin_partage", "C0", NEAR_GRADES)
    assert grades == {"PC5": 3, "PC15": 2, "PC25": 1}
