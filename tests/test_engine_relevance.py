"""How both engines rank a text search (engines.ranking), and what they correct.

Each test states one rule of the order a person expects, on a few projects written for
it, and holds on Elasticsearch and on SQLite alike.
"""

from __future__ import annotations

from engines import Engine
from engines.base import GeoPoint, SearchRequest
from tests.factories import RENNES, VICHY, project


def ids(engine: Engine, text: str, **fields: object) -> list[str]:
    """The ids a search for ``text`` answers, best first."""
    return [p["id"] for p in engine.search(SearchRequest(text=text, **fields)).hits]  # type: ignore[arg-type]


def test_the_title_equal_to_the_query_ranks_above_longer_titles_holding_it(engine: Engine) -> None:
    engine.replace_all(
        [
            project("p-long", "Ressourcerie « La Bricole des Voisins »", summary="La Bricole."),
            project("p-exact", "La Bricole des Voisins"),
        ]
    )
    assert ids(engine, "la bricole des voisins") == ["p-exact", "p-long"]


def test_a_query_naming_an_organisation_finds_its_projects_first(engine: Engine) -> None:
    engine.replace_all(
        [
            project("p-word", "Monnaie locale du Local", summary="Association locale."),
            project("p-org", "Café des habitants", organisation="Association Le Local"),
        ]
    )
    assert ids(engine, "Association Le Local")[0] == "p-org"


def test_plurals_and_accents_do_not_matter(engine: Engine) -> None:
    engine.replace_all([project("p-jardin", "Jardin partagé des Chartreux")])
    assert ids(engine, "JARDINS PARTAGES") == ["p-jardin"]


def test_a_synonym_finds_a_project_that_never_says_the_word(engine: Engine) -> None:
    engine.replace_all(
        [
            project("p-vesti", "Vestiboutique de la Croix-Rouge"),
            project("p-repair", "Atelier de réparation du quartier"),
            project("p-other", "Boutique de produits locaux"),
        ]
    )
    assert ids(engine, "friperie") == ["p-vesti"]
    assert ids(engine, "repair café") == ["p-repair"]


def test_a_named_theme_is_met_by_the_code_of_a_project_whose_text_lacks_it(
    engine: Engine,
) -> None:
    engine.replace_all(
        [
            project(
                "p-coded", "Chantier du Moulin", summary="Des jeunes restaurent.", codes=["INS"]
            ),
            project("p-said", "Insertion par le maraîchage", summary="Pour les jeunes."),
            project("p-neither", "Chantier du Château", summary="Des jeunes restaurent."),
        ]
    )
    # Both concepts met first, by text before by code; one of them next.
    assert ids(engine, "insertion jeunes") == ["p-said", "p-coded", "p-neither"]


def test_most_words_are_enough_and_more_words_rank_higher(engine: Engine) -> None:
    engine.replace_all(
        [
            project("p-two", "Atelier vélo", summary="Réparation solidaire."),
            project("p-three", "Atelier vélo", summary="Réparation solidaire à la gare."),
            project("p-one", "Atelier couture"),
        ]
    )
    assert ids(engine, "atelier vélo solidaire gare") == ["p-three", "p-two"]


def test_among_hits_meeting_part_of_a_query_the_kind_of_project_asked_for_comes_first(
    engine: Engine,
) -> None:
    engine.replace_all(
        [
            project("p-public", "Après-midis des seniors", summary="Jeux de société."),
            project("p-kind", "Café associatif du Port", summary="Un lieu convivial."),
            project("p-both", "Café associatif du Lavoir", summary="Ouvert aux seniors."),
        ]
    )
    assert ids(engine, "café associatif seniors") == ["p-both", "p-kind", "p-public"]


def test_a_concept_named_outranks_its_words_apart(engine: Engine) -> None:
    engine.replace_all(
        [
            project(
                "p-apart",
                "Café des aidants seniors",
                organisation="Association des seniors",
                summary="Les seniors et leurs aidants, entre seniors.",
            ),
            project("p-named", "Le Comptoir", description="Un café associatif pour seniors."),
        ]
    )
    assert ids(engine, "café associatif seniors") == ["p-named", "p-apart"]


def test_a_lone_concept_is_also_met_by_some_of_its_words_after_the_full_matches(
    engine: Engine,
) -> None:
    engine.replace_all(
        [
            project("p-part", "La conciergerie de Duttlenheim", summary="Services au pied."),
            project("p-full", "Conciergerie solidaire du Port", summary="Services au pied."),
            project("p-none", "Atelier couture"),
        ]
    )
    assert ids(engine, "conciergerie solidaire") == ["p-full", "p-part"]
    # Beside another concept, meeting most of the query is the leniency: no partial match.
    assert ids(engine, "conciergerie solidaire seniors") == ["p-full"]


def test_a_kind_named_only_in_a_contributors_tags_ranks_after_one_named_by_the_project(
    engine: Engine,
) -> None:
    tagged = {"avise": ["Numérique et inclusion sociale", "Inclusion numérique"]}
    engine.replace_all(
        [
            project(
                "p-tagged", "Atelier vélo du Bourg", summary="Réparer son vélo.", raw_tags=tagged
            ),
            project(
                "p-said",
                "Le Point du Bourg",
                description="Des bénévoles y accueillent chaque semaine, pour l'inclusion"
                " numérique de tous, les habitants qui ont besoin d'aide.",
            ),
        ]
    )
    assert ids(engine, "inclusion numérique") == ["p-said", "p-tagged"]


def test_alone_a_kind_is_partly_met_by_a_project_coded_with_all_its_themes(
    engine: Engine,
) -> None:
    # synonyms.txt: inclusion numérique ~> NUM COH
    engine.replace_all(
        [
            project(
                "p-coded", "Les ateliers connectés", summary="Ordinateurs.", codes=["COH", "NUM"]
            ),
            project("p-half", "Les ateliers du lundi", summary="Ordinateurs.", codes=["NUM"]),
            project("p-named", "Espace public numérique du Port"),
        ]
    )
    assert ids(engine, "inclusion numérique") == ["p-named", "p-coded"]
    # Beside another concept, a code for each theme is no evidence of the kind.
    assert ids(engine, "inclusion numérique seniors") == ["p-named"]


def test_near_a_place_a_partial_match_next_door_outranks_a_full_match_far_away(
    engine: Engine,
) -> None:
    engine.replace_all(
        [
            project("p-full-far", "Conciergerie solidaire de Rennes", address=RENNES),
            project("p-part-near", "La conciergerie de Vichy", address=VICHY),
            project("p-full-near", "Conciergerie solidaire de Vichy", address=VICHY),
        ]
    )
    near_vichy = GeoPoint(46.13, 3.42)
    found = ids(engine, "conciergerie solidaire", near=near_vichy)
    assert found == ["p-full-near", "p-part-near", "p-full-far"]


def test_among_equal_matches_the_nearest_ranks_first(engine: Engine) -> None:
    engine.replace_all(
        [
            project("p-rennes", "Repair Café", address=RENNES),
            project("p-vichy", "Repair Café", address=VICHY),
        ]
    )
    near_vichy = GeoPoint(46.13, 3.42)
    assert ids(engine, "repair café", near=near_vichy) == ["p-vichy", "p-rennes"]
    assert ids(engine, "", near=near_vichy) == ["p-vichy", "p-rennes"]


def test_a_project_listed_by_several_contributors_is_gently_preferred(engine: Engine) -> None:
    engine.replace_all(
        [
            project("p-once", "Épicerie solidaire"),
            project("p-twice", "Épicerie solidaire", sources=["avise", "solidarum"]),
        ]
    )
    assert ids(engine, "épicerie solidaire") == ["p-twice", "p-once"]


def test_an_unknown_word_is_corrected_to_the_closest_indexed_word(engine: Engine) -> None:
    engine.replace_all(
        [
            project("p-epicerie", "Épicerie solidaire", summary="Aide alimentaire."),
            project("p-jardin", "Jardin partagé"),
        ]
    )
    corrections = engine.corrections(["epicrie", "jardni", "jardin", "zzzzzz", "bio", "2024"])
    assert corrections == {"epicrie": "epicerie", "jardni": "jardin"}
