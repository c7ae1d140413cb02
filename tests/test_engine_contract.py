"""The engine contract, specified once and run against SQLite and a real Elasticsearch."""

from __future__ import annotations

import pytest

import engines.base
from cis.concepts import Concept
from engines import Engine
from engines.base import BBox, SearchRequest
from tests.factories import catalogue, project


def ids(engine: Engine, **request: object) -> list[str]:
    return [hit["id"] for hit in engine.search(SearchRequest(**request)).hits]  # type: ignore[arg-type]


def counts(engine: Engine, facet: str, **request: object) -> dict[str, int]:
    result = engine.search(SearchRequest(**request))  # type: ignore[arg-type]
    return {c.value: c.count for c in result.facets[facet]}


def test_a_missing_index_searches_empty_and_counts_zero(engine: Engine) -> None:
    assert engine.search(SearchRequest(text="jardin")).total == 0
    assert engine.count() == 0
    assert engine.get("p-jardin") is None


def test_stored_projects_come_back_unchanged(engine: Engine) -> None:
    stats = engine.replace_all(catalogue())
    assert stats.written == 8
    assert engine.count() == 8
    assert engine.get("p-fle") == catalogue()[5]
    assert engine.get("p-nope") is None


def test_a_search_may_read_only_some_fields_of_each_hit(engine: Engine) -> None:
    engine.replace_all(catalogue())
    [whole] = engine.search(SearchRequest(text="vichy", size=1)).hits
    [some] = engine.search(
        SearchRequest(text="vichy", size=1, fields=("id", "title", "sources"))
    ).hits
    assert some == {"id": whole["id"], "title": whole["title"], "sources": whole["sources"]}


def test_text_search_ignores_accents_case_and_elisions(engine: Engine) -> None:
    engine.replace_all(catalogue())
    # Both words first; the projects in Moulins meeting one word come after.
    assert ids(engine, text="EPICERIE moulins")[:2] == ["p-epicerie", "p-desc-only"]
    assert ids(engine, text="l'atelier velo") == ["p-atelier"]
    assert ids(engine, text="oeuvre") == ["p-fle"]
    assert ids(engine, text="aînés") == ["p-seniors"]


def test_hits_meeting_every_word_rank_first_and_a_word_met_nowhere_finds_nothing(
    engine: Engine,
) -> None:
    engine.replace_all(catalogue())
    assert ids(engine, text="repair rennes")[0] == "p-repair-rennes"
    assert set(ids(engine, text="repair zzzz")) == {"p-repair-rennes", "p-repair-moulins"}
    assert ids(engine, text="zzzz qqqq") == []


def test_title_matches_rank_above_description_matches(engine: Engine) -> None:
    engine.replace_all(catalogue())
    assert ids(engine, text="épicerie solidaire") == ["p-epicerie", "p-desc-only"]


def test_without_text_every_project_is_listed_by_folded_title(engine: Engine) -> None:
    engine.replace_all(catalogue())
    titles = [h["title"] for h in engine.search(SearchRequest(size=100)).hits]
    assert titles[:3] == [
        "L'Atelier vélo",
        "Cours de français pour migrants",
        "Épicerie solidaire de Moulins",
    ]
    assert len(titles) == 8


def test_pages_are_disjoint_and_cover_everything(engine: Engine) -> None:
    engine.replace_all(catalogue())
    pages = [ids(engine, page=n, size=3) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [3, 3, 2]
    assert sorted(pid for page in pages for pid in page) == sorted(p["id"] for p in catalogue())


def test_facet_counts(engine: Engine) -> None:
    engine.replace_all(catalogue())
    assert counts(engine, "domain") == {
        "inclusion": 3,
        "sust_env": 3,
        "employment": 1,
        "habitat": 1,
        "life_env": 1,
        "social_net": 1,
    }
    assert counts(engine, "source") == {"avise": 6, "semeoz": 2, "solidarum": 1}
    assert counts(engine, "commune", text="repair") == {"03190": 1, "35238": 1}


def test_selections_narrow_hits_but_not_their_own_facet(engine: Engine) -> None:
    engine.replace_all(catalogue())
    request = {"filters": {"domain": ("inclusion",)}}
    result = engine.search(SearchRequest(**request))  # type: ignore[arg-type]
    assert sorted(h["id"] for h in result.hits) == ["p-atelier", "p-epicerie", "p-fle"]
    assert counts(engine, "domain", **request)["sust_env"] == 3
    assert counts(engine, "region", **request) == {"84": 2, "53": 1}


def test_or_within_a_facet_and_across_facets(engine: Engine) -> None:
    engine.replace_all(catalogue())
    either = {"domain": ("inclusion", "social_net")}
    assert len(ids(engine, filters=either)) == 4
    both = {**either, "departement": ("35",)}
    assert ids(engine, filters=both) == ["p-fle"]


def test_viewport_keeps_only_projects_inside_it(engine: Engine) -> None:
    engine.replace_all(catalogue())
    allier = BBox(south=45.9, west=2.9, north=46.8, east=3.9)
    assert sorted(ids(engine, bbox=allier, text="repair")) == ["p-repair-moulins"]
    assert engine.search(SearchRequest(bbox=allier)).total == 5


def test_changes_upsert_and_delete_in_the_live_index(engine: Engine) -> None:
    engine.replace_all(catalogue())
    renamed = project("p-jardin", "Jardin des possibles", codes=["AGR"], domains=["sust_env"])
    stats = engine.apply_changes([renamed], ["p-seniors", "p-absent"])
    assert (stats.written, stats.deleted) == (1, 1)
    assert engine.count() == 7
    assert ids(engine, text="possibles") == ["p-jardin"]
    assert ids(engine, text="chartreux") == []
    assert engine.get("p-seniors") is None


def test_changes_on_an_empty_engine_create_the_index(engine: Engine) -> None:
    engine.apply_changes([project("p-one", "Premier projet")], [])
    assert ids(engine, text="premier") == ["p-one"]


def test_a_rebuild_replaces_the_whole_content(engine: Engine) -> None:
    engine.replace_all(catalogue())
    engine.replace_all([project("p-new", "Nouvelle ressourcerie")])
    assert engine.count() == 1
    assert ids(engine, text="jardin") == []
    assert ids(engine, text="ressourcerie") == ["p-new"]


def test_health_reports_the_engine(engine: Engine) -> None:
    assert engine.health()["engine"] == engine.name


def test_the_query_text_is_read_once_per_search(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.replace_all(catalogue())
    read: list[str] = []

    def counting_concepts(text: str) -> tuple[Concept, ...]:
        read.append(text)
        return real_concepts(text)

    real_concepts = engines.base.concepts
    monkeypatch.setattr(engines.base, "concepts", counting_concepts)
    request = SearchRequest(
        text="épicerie Moulins", filters={"domain": ("inclusion",), "region": ("84",)}
    )
    engine.search(request)
    assert read == ["épicerie Moulins"]
