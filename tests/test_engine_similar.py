"""Similar projects: shared distinctive words and themes, on both engines."""

from __future__ import annotations

from cis.records import Project
from engines import Engine
from engines.base import GeoPoint
from tests.factories import POINTS, RENNES, VICHY, catalogue, project

TARGET = "p-jardin"  # "Jardin partagé des Chartreux", a collective vegetable garden, AGR


def neighbourhood() -> list[Project]:
    return [
        *catalogue(),
        project(
            "p-twin",
            "Jardin potager des Lilas",
            summary="Potager collectif et partagé au pied des immeubles.",
            codes=["AGR"],
            address=RENNES,
        ),
        project("p-farm", "Ferme urbaine", summary="Maraîchage en ville.", codes=["AGR"]),
        project("p-words", "Collectif du jardin", summary="Théâtre.", codes=["CUL"], address=VICHY),
        project("p-far", "Cours de cuisine", summary="Recettes du monde.", codes=["EDU"]),
    ]


def similar_ids(engine: Engine, project_id: str = TARGET, **options: object) -> list[str]:
    found = engine.similar(project_id, 10, **options)  # type: ignore[arg-type]
    assert found is not None
    return [p["id"] for p in found]


def test_the_project_sharing_words_and_codes_ranks_first(engine: Engine) -> None:
    engine.replace_all(neighbourhood())
    found = similar_ids(engine)
    assert found[0] == "p-twin"
    assert TARGET not in found
    assert "p-far" not in found  # no distinctive word nor code in common
    assert {"p-farm", "p-words"} <= set(found)  # a shared code, a shared word


def test_similar_projects_come_back_as_stored(engine: Engine) -> None:
    engine.replace_all(neighbourhood())
    found = engine.similar(TARGET, 1)
    assert found == [p for p in neighbourhood() if p["id"] == "p-twin"]


def test_a_radius_keeps_only_neighbours_within_it(engine: Engine) -> None:
    engine.replace_all(neighbourhood())
    vichy = GeoPoint(*POINTS["03310"])
    assert similar_ids(engine, near=vichy, radius_km=20) == ["p-words"]
    assert similar_ids(engine, near=GeoPoint(*POINTS["35238"]), radius_km=20)[0] == "p-twin"
    assert "p-twin" not in similar_ids(engine, near=vichy, radius_km=300)
    assert similar_ids(engine, near=vichy) == similar_ids(engine)  # near alone restricts nothing


def test_size_and_unknown_projects(engine: Engine) -> None:
    assert engine.similar(TARGET, 5) is None  # no index yet
    engine.replace_all(neighbourhood())
    assert engine.similar("p-nope", 5) is None
    assert len(similar_ids(engine)) > 2
    assert len(engine.similar(TARGET, 2) or []) == 2
