"""Title suggestions as the user types, the same on both engines."""

from __future__ import annotations

from engines import Engine
from engines.base import TitleSuggestion
from tests.factories import RENNES, VICHY, catalogue, project


def titles(engine: Engine, prefix: str, size: int = 10) -> list[str]:
    return [s.title for s in engine.suggest_titles(prefix, size)]


def gardens() -> list:  # type: ignore[type-arg]
    return [
        *catalogue(),  # holds "Jardin partagé des Chartreux"
        project("p-lilas", "Jardin partagé des Lilas", address=RENNES),
        project("p-jardinage", "Jardinage partagé"),
        project("p-grand", "Le grand jardin partagé du quartier nord"),
        project("p-parties", "Parties de jardin", description="partagé"),
        project("p-nowhere", "Jardin partagé sans adresse", address={}, location=None),
    ]


def test_every_word_typed_starts_a_word_of_the_title(engine: Engine) -> None:
    engine.replace_all(gardens())
    assert titles(engine, "jard part") == [  # no whole word: shorter titles first
        "Jardinage partagé",
        "Parties de jardin",
        "Jardin partagé des Chartreux",
        "Jardin partagé des Lilas",
        "Jardin partagé sans adresse",
        "Le grand jardin partagé du quartier nord",
    ]
    assert titles(engine, "jardin velo") == []
    assert titles(engine, "ardin") == []  # a word's start, not its middle


def test_whole_word_matches_come_first_then_shorter_titles(engine: Engine) -> None:
    engine.replace_all(gardens())
    assert titles(engine, "jardin") == [
        "Parties de jardin",
        "Jardin partagé des Chartreux",
        "Jardin partagé des Lilas",
        "Jardin partagé sans adresse",
        "Le grand jardin partagé du quartier nord",
        "Jardinage partagé",  # "jardin" only as a prefix
    ]
    assert titles(engine, "jardin part")[:2] == [
        "Parties de jardin",
        "Jardin partagé des Chartreux",
    ]
    assert titles(engine, "jardin partage")[0] == "Jardin partagé des Chartreux"  # two whole words


def test_the_prefix_is_folded_like_a_search(engine: Engine) -> None:
    engine.replace_all(gardens())
    assert titles(engine, "ÉPIC Sol") == ["Épicerie solidaire de Moulins"]
    assert titles(engine, "l'atel") == ["L'Atelier vélo"]
    assert titles(engine, "aînés is") == ["Visites aux aînés isolés"]
    assert titles(engine, "jardin partagé des l") == [  # the last word, though a stopword
        "Jardin partagé des Lilas",
        "Le grand jardin partagé du quartier nord",
    ]


def test_only_titles_suggest(engine: Engine) -> None:
    engine.replace_all(gardens())
    assert titles(engine, "fablab") == []  # in a description only
    assert titles(engine, "partage") == titles(engine, "partagé")
    assert "Parties de jardin" not in titles(engine, "jardin partage")


def test_a_suggestion_says_where_the_project_is(engine: Engine) -> None:
    engine.replace_all(gardens())
    assert engine.suggest_titles("jardin partagé des li", 5) == [
        TitleSuggestion("p-lilas", "Jardin partagé des Lilas", "Rennes", "35")
    ]
    assert engine.suggest_titles("chartreux", 5) == [
        TitleSuggestion("p-jardin", "Jardin partagé des Chartreux", VICHY["commune"], "03")
    ]
    assert engine.suggest_titles("sans adr", 5) == [
        TitleSuggestion("p-nowhere", "Jardin partagé sans adresse", "", "")
    ]


def test_size_empty_prefixes_and_missing_index(engine: Engine) -> None:
    assert engine.suggest_titles("jardin", 5) == []
    engine.replace_all(gardens())
    assert len(engine.suggest_titles("jard", 2)) == 2
    assert engine.suggest_titles("", 5) == []
    assert engine.suggest_titles(" ' ", 5) == []
    assert engine.suggest_titles("jardin", 0) == []
