"""Near-duplicate clustering: which listings are one project, and incremental reclustering."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from datasketch import MinHash

from cis.records import Address
from indexer.dedup.clustering import Corpus, cluster
from indexer.dedup.overrides import Overrides
from indexer.dedup.params import LSH_BANDS, LSH_ROWS, NUM_PERM, SCHEME, SEED
from indexer.dedup.report import report_rows, write_csv
from indexer.dedup.shingles import listing_text, shingle_hashes, signatures
from indexer.dedup.state import DedupState, build_state, recluster
from indexer.listings.listing import Listing, listing_key
from tests.factories import MOULINS, RENNES, VICHY

REPAIR = (
    "Le Repair Café de {town} réunit chaque premier samedi du mois des bénévoles qui aident "
    "les habitants à réparer leurs objets : petit électroménager, vêtements, vélos et jouets. "
    "Entrée libre, café offert, on repart avec des conseils."
)
GARDEN = (
    "Les Jardins de la Sioule cultivent des légumes en pied d'immeuble avec les familles du "
    "quartier, organisent des ateliers de compostage et distribuent les paniers le mercredi."
)
GROCERY = (
    "L'épicerie solidaire Le Panier propose des produits frais à petits prix aux étudiants "
    "et aux familles orientés par le centre social, avec un coin café et des ateliers cuisine."
)
DEP_ONLY = Address(departement_code="03")
AT_MOULINS, AT_VICHY, AT_RENNES = (cast(Address, place) for place in (MOULINS, VICHY, RENNES))


def make_listing(source: str, slug: str, title: str, summary: str, **fields: Any) -> Listing:
    """A listing at ``https://<source>.example/p/<slug>``, in Moulins unless told otherwise."""
    fields.setdefault("address", AT_MOULINS)
    fields.setdefault("geo_precision", "commune")
    fields.setdefault("fetched_at", "2026-11-02T10:00:00Z")
    url = f"https://{source}.example/p/{slug}"
    return Listing(source, source.title(), url, title=title, summary=summary, **fields)


def groups(listings: list[Listing], overrides: Overrides | None = None) -> list[set[str]]:
    """The clusters as sets of "source/slug" names, sorted."""
    found = cluster(listings, overrides or Overrides())
    names = [f"{x.source}/{x.url.rsplit('/', 1)[1]}" for x in listings]
    return sorted(({names[i] for i in c} for c in found.clusters), key=sorted)


def test_descriptions_of_one_project_by_two_contributors_merge() -> None:
    a = make_listing("avise", "1", "Jardins de la Sioule", GARDEN)
    b = make_listing(
        "solidarum", "9", "Jardins partagés de la Sioule", GARDEN.replace(",", " ;")[:150]
    )
    other = make_listing("solidarum", "8", "Épicerie Le Panier", GROCERY)
    assert groups([a, b, other]) == [{"avise/1", "solidarum/9"}, {"solidarum/8"}]
    pair = cluster([a, b, other], Overrides()).pairs[0]
    assert (pair.i, pair.j, pair.reason, pair.merged) == (0, 1, "text", True)
    assert 0.5 <= pair.jaccard < 1


def test_one_name_in_one_commune_merges_however_reworded_but_not_across_communes() -> None:
    a = make_listing("avise", "1", "Les jardins de la Sioule", GARDEN)
    b = make_listing("solidarum", "9", "Jardins de la Sioule.", GROCERY)  # other text entirely
    elsewhere = make_listing("cartosol", "3", "Jardins de la Sioule", GARDEN, address=AT_RENNES)
    assert groups([a, b, elsewhere]) == [{"avise/1", "solidarum/9"}, {"cartosol/3"}]
    assert cluster([a, b, elsewhere], Overrides()).pairs[0].reason == "name"


def paris(arrondissement: str = "") -> Address:
    """An address in Paris, in arrondissement ``arrondissement`` ("11") when given."""
    place = Address(commune_code="75056", commune="Paris", departement_code="75", region_code="11")
    if arrondissement:
        place["arrondissement_code"] = f"751{arrondissement}"
        place["postcode"] = f"750{arrondissement}"
    return place


def test_a_networks_branches_in_two_arrondissements_stay_apart() -> None:
    site = "https://www.lesbricoleurs.fr/"
    text = REPAIR.format(town="Paris")
    eleventh = make_listing(
        "avise", "1", "Repair Café Les Bricoleurs", text, address=paris("11"), website=site
    )
    thirteenth = make_listing(
        "solidarum", "2", "Repair Café Les Bricoleurs", text, address=paris("13"), website=site
    )
    # A third listing without postcode matches both by name: it may join one, never bridge.
    vague = make_listing("cartosol", "3", "Repair Café Les Bricoleurs", text, address=paris())
    found = groups([eleventh, thirteenth, vague])
    assert sorted(map(len, found)) == [1, 2]
    same = make_listing("mot", "4", "Repair Café Les Bricoleurs", GROCERY, address=paris("11"))
    assert {"avise/1", "mot/4"} <= next(g for g in groups([eleventh, thirteenth, same]) if "avise/1" in g)  # fmt: skip


def test_an_organisations_copies_in_one_town_merge_however_retitled() -> None:
    org = {"organisation": "Association Les Bricoleurs"}
    original = make_listing(
        "avise", "1", "Repair Café des Tilleuls", REPAIR.format(town="Moulins"), **org
    )
    renamed = make_listing(
        "solidarum", "2", "Atelier de réparation des Tilleuls", "On répare.", **org
    )
    mistyped = make_listing("cartosol", "3", "Repair Café des Tillelus", "Entrée libre.", **org)
    by_organisation = make_listing(
        "mot", "4", "Association Les Bricoleurs", "Au Repair Café des Tilleuls, on…", **org
    )
    assert len(groups([original, renamed, mistyped, by_organisation])) == 1


def test_an_organisations_listings_at_two_street_addresses_are_two_projects() -> None:
    org = dict(organisation="Ville de Moulins")
    at = [
        Address(street=street, **AT_MOULINS)
        for street in ("86 rue Gambetta", "72 route de la Mairie", "86, r. Gambetta")
    ]
    listings = [
        make_listing(
            "avise",
            "1",
            "Repair Café de Moulins",
            REPAIR.format(town="Moulins"),
            address=at[0],
            **org,
        ),
        make_listing(
            "solidarum",
            "2",
            "Ville de Moulins",
            "La Fabrique de Moulins est un…",
            address=at[1],
            **org,
        ),
        make_listing("fondation", "3", "Ville de Moulins", "Le Repair Café…", address=at[2], **org),
    ]
    assert groups(listings) == [{"avise/1", "fondation/3"}, {"solidarum/2"}]


def test_a_listing_titled_with_its_organisation_joins_the_project_its_text_names() -> None:
    org = dict(organisation="Ville de Moulins")
    listings = [
        make_listing("avise", "1", "Repair Café de Moulins", REPAIR.format(town="Moulins"), **org),
        make_listing("solidarum", "2", "Ville de Moulins", "Le Repair Café vous accueille…", **org),
        make_listing("fondation", "3", "Ville de Moulins", "La Fabrique de Moulins est un…", **org),
    ]
    assert groups(listings) == [{"avise/1", "solidarum/2"}, {"fondation/3"}]


def test_an_organisations_two_projects_in_one_town_stay_apart() -> None:
    org = {"organisation": "CCAS de Moulins"}
    garden = make_listing("avise", "1", "Jardin partagé des Lilas", GARDEN, **org)
    grocery = make_listing("solidarum", "2", "Épicerie solidaire Le Panier", GROCERY, **org)
    # Titled with the organisation's name, a third listing could be either: it joins neither.
    vague = make_listing("cartosol", "3", "CCAS de Moulins", "Nos actions.", **org)
    garden_too = make_listing("mot", "4", "Jardin partagé", "Un jardin.", **org)  # one more?
    assert sorted(map(len, groups([garden, grocery, vague, garden_too]))) == [1, 1, 1, 1]


def test_one_name_in_one_commune_is_two_projects_when_two_organisations_run_them() -> None:
    a = make_listing("avise", "1", "Jardins de la Sioule", GARDEN, organisation="Le Lien")
    b = make_listing("solidarum", "9", "Jardins de la Sioule", GARDEN, organisation="Les Colibris")
    same = make_listing(
        "cartosol", "3", "Jardins de la Sioule", GARDEN, organisation="Association Le Lien"
    )
    assert groups([a, b, same]) == [{"avise/1", "cartosol/3"}, {"solidarum/9"}]


def test_a_one_word_name_is_too_generic_to_merge_on() -> None:
    a = make_listing("avise", "1", "Comptoir", GARDEN)
    b = make_listing("solidarum", "9", "Le Comptoir", GROCERY)
    assert len(groups([a, b])) == 2


def test_network_pages_of_other_towns_stay_apart_even_with_the_network_homepage() -> None:
    home = "https://repaircafe.org"
    towns = [("Moulins", AT_MOULINS), ("Vichy", AT_VICHY), ("Rennes", AT_RENNES)]
    listings = [
        make_listing(f"src{k}", town, f"Repair Café {town}", REPAIR.format(town=town),
                     address=place, website=home)
        for k, (town, place) in enumerate(towns)
    ]  # fmt: skip
    assert len(groups(listings)) == 3


def test_a_page_without_commune_joins_one_town_at_most() -> None:
    moulins = make_listing("a", "1", "Repair Café", REPAIR.format(town="l'Allier"))
    vichy = make_listing("b", "2", "Repair Café", REPAIR.format(town="l'Allier"), address=AT_VICHY)
    vague = make_listing("c", "3", "Repair Café", REPAIR.format(town="l'Allier"),
                         address=DEP_ONLY, geo_precision="departement")  # fmt: skip
    found = groups([moulins, vichy, vague])
    assert {"a/1", "b/2"} not in [g & {"a/1", "b/2"} for g in found]
    assert sorted(map(len, found)) == [1, 2]


def test_one_contributors_two_pages_merge_when_they_say_the_same_or_are_one_page() -> None:
    first = make_listing("avise", "1", "Jardins de la Sioule", GARDEN)
    relisted = make_listing("avise", "2", "Jardins de la Sioule", GARDEN)
    same_page = make_listing("avise", "1", "Jardins de la Sioule (bis)", GARDEN[:90])
    assert groups([first, relisted]) == [{"avise/1", "avise/2"}]
    assert len(groups([first, same_page])) == 1


@pytest.mark.parametrize(
    "change",
    [
        dict(summary=GARDEN[:120]),
        dict(address=AT_VICHY),
        dict(organisation="Centre social des Jardins"),
        dict(raw_tags=["Jardin partagé"]),
    ],
)
def test_one_contributors_two_pages_differing_in_anything_stay_two_projects(
    change: dict[str, Any],
) -> None:
    fields: dict[str, Any] = {"summary": GARDEN, **change}
    summary = fields.pop("summary")
    first = make_listing("avise", "1", "Jardins de la Sioule", GARDEN)
    other = make_listing("avise", "2", "Jardins de la Sioule", summary, **fields)
    assert groups([first, other]) == [{"avise/1"}, {"avise/2"}]


def test_a_relisted_project_merges_with_another_contributors_copy_as_one() -> None:
    listings = [
        make_listing("avise", "1", "Jardins de la Sioule", GARDEN),
        make_listing("avise", "2", "Jardins de la Sioule", GARDEN),
        make_listing("solidarum", "9", "Jardins partagés de la Sioule", GARDEN[:150]),
    ]
    assert groups(listings) == [{"avise/1", "avise/2", "solidarum/9"}]


@pytest.mark.parametrize(
    ("key", "other_title"),
    [
        (dict(siret="44306184100047"), "Potager collectif"),
        (dict(website="https://www.jardins-sioule.fr"), "Jardins de la Sioule (Vichy)"),
    ],
)
def test_strong_keys_merge_different_texts_in_one_town(
    key: dict[str, str], other_title: str
) -> None:
    a = make_listing("avise", "1", "Jardins de la Sioule", GARDEN, **key)
    b = make_listing("solidarum", "2", other_title, GROCERY, **key)
    found = cluster([a, b], Overrides())
    assert found.clusters == [[0, 1]]
    assert found.pairs[0].reason == next(iter(key))


def test_an_organisation_website_shared_by_its_projects_does_not_merge_them() -> None:
    town_hall = "https://www.ville-de-vichy.fr"
    garden = make_listing("avise", "1", "Jardins de la Sioule", GARDEN, website=town_hall)
    grocery = make_listing("solidarum", "2", "Épicerie Le Panier", GROCERY, website=town_hall)
    assert len(groups([garden, grocery])) == 2


def test_platform_pages_and_websites_seen_in_two_towns_are_not_keys() -> None:
    facebook = "https://www.facebook.com/groups/entraide"
    shared = "https://reseau-entraide.fr"
    listings = [
        make_listing("avise", "1", "Jardins de la Sioule", GARDEN, website=facebook),
        make_listing("solidarum", "2", "Épicerie Le Panier", GROCERY, website=facebook),
        make_listing("avise", "3", "Jardins", GARDEN, website=shared),
        make_listing("solidarum", "4", "Panier", GROCERY, website=shared, address=AT_VICHY),
        make_listing("cartosol", "5", "Repair", REPAIR, website=shared),  # Moulins, as 3
    ]
    assert len(groups(listings)) == 5


def test_a_key_one_contributor_gives_two_pages_names_an_association() -> None:
    siret = dict(siret="44306184100047")
    listings = [
        make_listing("avise", "1", "Jardins de la Sioule", GARDEN, **siret),
        make_listing("avise", "2", "Épicerie Le Panier", GROCERY, **siret),
        make_listing("solidarum", "3", "Le Panier", "Aide alimentaire digne.", **siret),
    ]
    assert len(groups(listings)) == 3


def test_a_siret_across_two_towns_merges_only_with_similar_text() -> None:
    siret = dict(siret="44306184100047")
    vichy: Any = dict(address=AT_VICHY)
    moved = make_listing("solidarum", "2", "Jardins de la Sioule", GARDEN, **siret, **vichy)
    unrelated = make_listing("solidarum", "2", "Épicerie Le Panier", GROCERY, **siret, **vichy)
    home = make_listing("avise", "1", "Jardins de la Sioule", GARDEN, **siret)
    merged = cluster([home, moved], Overrides())
    assert merged.clusters == [[0, 1]] and merged.pairs[0].reason == "siret+text"
    assert len(groups([home, unrelated])) == 2


def test_signatures_and_bands_use_the_dedup_constants() -> None:
    text = listing_text(make_listing("a", "1", "Jardins de la Sioule", GARDEN))
    shingles = shingle_hashes(text)
    direct = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=int)
    direct.update_batch(shingles.tolist())
    corpus = Corpus()
    corpus.add([make_listing("a", "1", "Jardins de la Sioule", GARDEN)])
    assert np.array_equal(signatures(corpus.sketches.store)[0], direct.hashvalues)
    assert corpus.sketches.town_bands.shape == (1, LSH_BANDS)
    assert LSH_BANDS * LSH_ROWS <= NUM_PERM


def _town(k: int, text: str = GARDEN) -> list[Listing]:
    """Two contributors' listings of project ``k`` (one per town code, so none link)."""
    place = Address(commune_code=f"03{k:03d}", departement_code="03")
    return [make_listing(s, str(k), f"Projet {k}", text.replace("Sioule", f"Sioule {k}"),
                         address=place) for s in ("avise", "solidarum")]  # fmt: skip


def test_recluster_rebuilds_only_the_projects_a_contributor_touches(tmp_path: Path) -> None:
    listings = [x for k in range(6) for x in _town(k)]
    state, _ = build_state(listings, Overrides())
    state.save(tmp_path)
    state = DedupState.load(tmp_path)
    before = dict(state.projects)
    newcomer = _town(2)[0]
    newcomer.source, newcomer.url = "cartosol", "https://cartosol.example/p/2"
    result = recluster(state, "cartosol", [newcomer], Overrides())
    assert len(result.changed) == 1 and result.removed == []
    rebuilt = state.projects[result.changed[0]]
    assert {ref["source"] for ref in rebuilt["sources"]} == {"avise", "solidarum", "cartosol"}
    assert rebuilt["id"] in before  # the project kept its id
    untouched = [pid for pid in before if pid != rebuilt["id"]]
    assert all(state.projects[pid] is before[pid] for pid in untouched)


def test_recluster_drops_what_a_contributor_no_longer_lists() -> None:
    listings = [x for k in range(3) for x in _town(k)]
    state, _ = build_state(listings, Overrides())
    kept = [x for x in listings if x.source == "solidarum" and x.url.endswith("/0")]
    result = recluster(state, "solidarum", kept, Overrides())
    assert len(state.projects) == 3 and result.removed == []
    sizes = sorted(len(p["sources"]) for p in state.projects.values())
    assert sizes == [1, 1, 2]
    full, _ = build_state([x for x in listings if x.source == "avise"] + kept, Overrides())
    assert sorted(map(len, full.members().values())) == sorted(map(len, state.members().values()))


def test_report_lists_merged_projects_with_their_links(tmp_path: Path) -> None:
    listings = [*_town(1), make_listing("avise", "x", "Épicerie Le Panier", GROCERY)]
    state, clustering = build_state(listings, Overrides())
    rows = report_rows(state, clustering)
    assert write_csv(rows, tmp_path / "dedup.csv") == 1
    with (tmp_path / "dedup.csv").open(encoding="utf-8") as src:
        (row,) = list(csv.DictReader(src))
    assert row["size"] == "2" and row["project_id"].startswith("p-")
    assert row["keys"] == " ; ".join(listing_key(x) for x in _town(1))
    assert row["communes"] == "03001 ; 03001"
    assert row["links"].endswith("= 1.000 (name)") and row["refused"] == ""


def test_no_listing_at_all_is_no_project() -> None:
    assert cluster([], Overrides()).clusters == []
