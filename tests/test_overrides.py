"""Admin merge rules: persisted in a file, applied on every run, never-merge beats any chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.dedup.clustering import cluster
from indexer.dedup.overrides import Overrides
from indexer.listings.listing import Listing, listing_key
from tests.test_dedup import AT_RENNES, GARDEN, GROCERY, groups, make_listing


def _chain() -> list[Listing]:
    """Three contributors' near-identical pages of one garden: a text chain a ~ b ~ c."""
    return [
        make_listing("avise", "1", "Jardins de la Sioule", GARDEN),
        make_listing("solidarum", "2", "Jardins de la Sioule", GARDEN[:140]),
        make_listing("cartosol", "3", "Jardins de la Sioule", GARDEN[:150]),
    ]


def test_rules_survive_a_save_and_a_new_run(tmp_path: Path) -> None:
    path = tmp_path / "overrides.json"
    rules = Overrides.load(path)  # no file yet: no rules
    assert list(rules.rules()) == []
    rules.add("never", "b|2", "a|1")
    rules.add("always", "c|3", "d|4")
    rules.save()
    again = Overrides.load(path)
    assert list(again.rules()) == [("never", "a|1", "b|2"), ("always", "c|3", "d|4")]
    assert json.loads(path.read_text()) == {"never": [["a|1", "b|2"]], "always": [["c|3", "d|4"]]}


def test_a_rule_replaces_the_opposite_one_and_can_be_removed() -> None:
    rules = Overrides()
    rules.add("always", "a|1", "b|2")
    rules.add("never", "b|2", "a|1")
    assert list(rules.rules()) == [("never", "a|1", "b|2")]
    rules.remove("a|1", "b|2")
    assert list(rules.rules()) == []
    with pytest.raises(ValueError, match="two different listings"):
        rules.add("never", "a|1", "a|1")


def test_a_malformed_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "overrides.json"
    path.write_text('{"never": [["only-one"]]}')
    with pytest.raises(ValueError, match=r"overrides\.json"):
        Overrides.load(path)


def test_never_merge_splits_a_chain_of_similar_pages(tmp_path: Path) -> None:
    a, b, c = _chain()
    assert len(groups([a, b, c])) == 1
    rules = Overrides.load(tmp_path / "rules.json")
    rules.add("never", listing_key(a), listing_key(c))
    rules.save()
    reindexed = _chain()  # a new run: new objects, same pages
    found = groups(reindexed, Overrides.load(tmp_path / "rules.json"))
    assert len(found) == 2
    assert not any({"avise/1", "cartosol/3"} <= g for g in found)
    refused = [p for p in cluster(reindexed, rules).pairs if not p.merged]
    assert refused and all(p.reason in {"text", "name"} for p in refused)


def test_always_merge_joins_pages_nothing_else_links() -> None:
    garden = make_listing("avise", "1", "Jardins de la Sioule", GARDEN)
    grocery = make_listing("solidarum", "2", "Le Panier", GROCERY, address=AT_RENNES)
    rules = Overrides()
    assert len(groups([garden, grocery], rules)) == 2
    rules.add("always", listing_key(garden), listing_key(grocery))
    assert groups([garden, grocery], rules) == [{"avise/1", "solidarum/2"}]
    assert cluster([garden, grocery], rules).pairs[0].reason == "always"


def test_never_beats_always_through_a_third_listing() -> None:
    a, b, c = _chain()
    rules = Overrides()
    rules.add("always", listing_key(a), listing_key(b))
    rules.add("never", listing_key(b), listing_key(c))  # a ~ c alone would bring c in
    assert groups([a, b, c], rules) == [{"avise/1", "solidarum/2"}, {"cartosol/3"}]
