"""A new contributor's themes and publics, before and after its suggested table is accepted.

    python -m benchmarks.new_source [--projects 3000] [--seed 2018]

Key concepts: each newcomer of the fixture world (``fixture_sites.newcomers``: a fixture
site retagged with a vocabulary of its own, audiences included) joins with no table, as
a config written from its site alone would. Its listings are read and merged with the
other contributors' (the indexer's normalise, geocode and dedup); ``cis tags report``
suggests codes for every label nothing maps (``indexer.listings.tag_suggestions``); the
draft is accepted as it is. Printed per newcomer, before and after: the share of its
labels read mapped to no code, and micro precision and recall over (listing, code) pairs
of its tags' codes (themes) and its audiences' codes (publics) against what its editors
mean by them (``newcomer_vocabularies.csv``).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable, Sequence

from benchmarks.copies import Scores, ratio
from benchmarks.indexer import normalise_all, vocabulary_of
from cis.vocabulary import SourceVocabulary
from cis_devtools.fixture_sites.corpus import LabelledItem, labelled_items
from cis_devtools.fixture_sites.mutations import build_world
from cis_devtools.fixture_sites.newcomers import NewcomerVocabulary, newcomer_vocabularies, retagged
from cis_devtools.fixture_sites.world import WorldProject
from indexer.dedup.clustering import cluster
from indexer.dedup.overrides import Overrides
from indexer.geo.geocoder import Geocoder
from indexer.listings.listing import Listing
from indexer.listings.tag_suggestions import co_listings, suggestions
from indexer.listings.taxonomy import Taxonomy

# Which fixture site each newcomer vocabulary retags (sites of different shapes).
HOSTS = {"Fondation Territoires Solidaires": "fx-csv", "Réseau régional des innovateurs": "fx-feed"}


def fields_labels(item: LabelledItem, field: str) -> list[str]:
    value = item.item["fields"].get(field, [])
    return [label for label in value if isinstance(label, str)] if isinstance(value, list) else []


def scores(
    mine: Sequence[LabelledItem], table: SourceVocabulary, truth: SourceVocabulary, field: str
) -> Scores:
    """Micro precision and recall of the codes ``table`` reads from ``field``, against truth."""
    taxonomy = Taxonomy.load()
    found = expected = right = 0
    for item in mine:
        labels = fields_labels(item, field)
        codes = set(taxonomy.codes_for(table, labels)[0])
        meant = set(taxonomy.codes_for(truth, labels)[0])
        found, expected, right = (
            found + len(codes),
            expected + len(meant),
            right + len(codes & meant),
        )
    return Scores(ratio(right, found), ratio(right, expected))


def unmapped_share(mine: Sequence[LabelledItem], table: SourceVocabulary) -> float:
    taxonomy = Taxonomy.load()
    read = [
        label
        for item in mine
        for field in ("tags", "publics")
        for label in fields_labels(item, field)
    ]
    return ratio(len(taxonomy.codes_for(table, read)[1]), len(read))


def accepted_table(
    listings: Sequence[Listing], vocabularies: dict[str, SourceVocabulary], source: str
) -> SourceVocabulary:
    """The draft ``cis tags report`` writes for ``source``, accepted as it is."""
    taxonomy = Taxonomy.load()
    projects = [
        {listings[n].source: listings[n].raw_tags for n in members}
        for members in cluster(listings, Overrides()).clusters
    ]
    evidence = co_listings(projects, [source], vocabularies, taxonomy)[source]
    unmapped = Counter(label for x in listings if x.source == source for label in x.unknown_tags)
    drafted = suggestions(unmapped, evidence)
    return SourceVocabulary((), tuple((s.label, s.codes) for s in drafted if s.codes))


def evaluate(
    labelled: list[LabelledItem],
    world: dict[str, WorldProject],
    vocabulary: NewcomerVocabulary,
    host: str,
) -> list[str]:
    """Rows of figures for one newcomer: before and after its table is accepted."""
    items = [
        retagged(x, world[x.project_key], vocabulary) if x.item["source"] == host else x
        for x in labelled
    ]
    listings = normalise_all(items, Taxonomy.load(), Geocoder.load())
    mine = [x for x in items if x.item["source"] == host]
    truth = SourceVocabulary((), tuple(vocabulary.table().items()))
    vocabularies = {x.item["source"]: vocabulary_of(x) for x in items}
    accepted = accepted_table(listings, vocabularies, host)
    rows = []
    for name, table in (("before", SourceVocabulary()), ("accepted", accepted)):
        themes, publics = scores(mine, table, truth, "tags"), scores(mine, table, truth, "publics")
        rows.append(
            f"{vocabulary.name[:32]:32s} {host:10s} {name:9s} {unmapped_share(mine, table):8.1%}"
            f" | {themes.precision:7.3f} {themes.recall:7.3f} | {publics.precision:7.3f} {publics.recall:7.3f}"
        )
    return rows


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args(argv)
    labelled = list(labelled_items(args.projects, args.seed))
    world = {p.key: p for p in build_world(args.projects, args.seed, [])[0]}
    print(
        f"{'newcomer':32s} {'site':10s} {'table':9s} {'unmapped':>8s} | {'theme P':>7s} {'R':>7s} | {'public P':>7s} {'R':>7s}"
    )
    for name, vocabulary in newcomer_vocabularies().items():
        for row in evaluate(labelled, world, vocabulary, HOSTS[name]):
            print(row)


if __name__ == "__main__":
    main()
