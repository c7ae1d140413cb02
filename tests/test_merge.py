"""Merging a cluster into one project: field rules, provenance and stable ids."""

from __future__ import annotations

from cis.records import Address, Location
from indexer.listings.listing import listing_key
from indexer.merge import assign_ids, member_hash, merge_cluster, merge_clusters
from tests.test_dedup import AT_MOULINS, GARDEN, make_listing

LONG = GARDEN + " Un verger a été planté en 2024."


def _three() -> list:
    """One project as three contributors describe it."""
    return [
        make_listing("avise", "1", "Jardins de la Sioule", GARDEN[:80], raw_tags=["Jardin"],
                     codes=["AGR"], domains=["sust_env"], website="https://sioule.fr",
                     fetched_at="2026-11-03T08:00:00Z", partners=["Mairie d'Ébreuil"]),
        make_listing("solidarum", "2", "Les Jardins de la Sioule", LONG, description=LONG,
                     raw_tags=["potager", "Jardin"], codes=["ALI", "AGR"],
                     address=Address(departement_code="03"), geo_precision="departement"),
        make_listing("cartosol", "3", "JARDINS DE LA SIOULE", GARDEN, siret="44306184100047",
                     location=Location(lat=46.56, lon=3.33), organisation="Asso Sioule",
                     partners=["CAF de l'Allier", "Mairie d'Ébreuil"]),
    ]  # fmt: skip


def test_fields_follow_the_documented_rules_with_provenance() -> None:
    seen = {"avise|https://avise.example/p/1": "2025-01-01T00:00:00Z"}
    project = merge_cluster(_three(), first_seen=seen)
    assert project["title"] == "Jardins de la Sioule"  # most common folded title, not shouted
    assert project["summary"] == LONG and project["description"] == LONG
    assert project["address"] == AT_MOULINS and project["location"] == {"lat": 46.56, "lon": 3.33}
    assert project["geo_precision"] == "commune"
    assert (project["website"], project["siret"]) == ("https://sioule.fr", "44306184100047")
    assert project["codes"] == ["AGR", "ALI"] and project["domains"] == ["sust_env"]
    assert project["partners"] == ["CAF de l'Allier", "Mairie d'Ébreuil"]
    assert project["raw_tags"] == {"avise": ["Jardin"], "solidarum": ["potager", "Jardin"]}
    assert project["provenance"] == {
        "title": "avise",
        "summary": "solidarum",
        "description": "solidarum",
        "organisation": "cartosol",
        "website": "avise",
        "siret": "cartosol",
        "address": "cartosol",
    }
    refs = {ref["source"]: ref for ref in project["sources"]}
    assert refs["avise"]["first_seen"] == "2025-01-01T00:00:00Z"
    assert refs["avise"]["last_seen"] == "2026-11-03T08:00:00Z"
    assert project["first_seen"] == "2025-01-01T00:00:00Z"
    assert project["updated_at"] == "2026-11-03T08:00:00Z"
    assert "legal_status" not in project and "date" not in project


def test_id_is_the_smallest_member_hash_whatever_the_order() -> None:
    listings = _three()
    smallest = min(member_hash(listing_key(x)) for x in listings)
    assert merge_cluster(listings)["id"] == f"p-{smallest[:16]}"
    assert merge_cluster(listings[::-1]) == merge_cluster(listings)


def test_id_survives_members_joining_and_leaving_except_its_own_member() -> None:
    listings = _three()
    keys = sorted(listings, key=lambda x: member_hash(listing_key(x)))
    owner, others = keys[0], keys[1:]
    assert merge_cluster(listings)["id"] == merge_cluster([owner, others[0]])["id"]
    assert merge_cluster(others)["id"] != merge_cluster(listings)["id"]


def test_previous_ids_carry_over_when_the_owner_leaves() -> None:
    listings = _three()
    first = merge_cluster(listings)
    previous = {listing_key(x): first["id"] for x in listings}
    owner = min(listings, key=lambda x: member_hash(listing_key(x)))
    rest = [x for x in listings if x is not owner]
    assert merge_cluster(rest, previous_ids=previous)["id"] == first["id"]


def test_a_split_project_keeps_its_id_on_its_larger_part_and_ids_stay_distinct() -> None:
    previous = {"a|1": "p-old", "b|2": "p-old", "c|3": "p-old", "d|4": "p-other"}
    ids = assign_ids([["c|3"], ["a|1", "b|2"], ["d|4"]], previous, taken={"p-other"})
    assert ids[1] == "p-old"
    assert len(set(ids)) == 3 and "p-other" not in ids
    merged = assign_ids([["a|1", "b|2", "c|3", "d|4"]], previous)
    assert merged == ["p-old"]


def test_each_cluster_becomes_one_project() -> None:
    listings = _three()
    projects = merge_clusters([listings[:1], listings[1:]])
    assert [len(p["sources"]) for p in projects] == [1, 2]
    assert projects[0]["id"] != projects[1]["id"]
