"""Dedup, geography and themes on ordinary copies and on copies that disagree, side by side.

    python -m benchmarks.copies [--items 10000] [--seed 2018]

Key concepts: the fixture world's raw items (``cis_devtools.fixture_sites.corpus``) go
through the indexer's own normalise, geocode and dedup, twice: once as the fixture sites
list them, once with copies beyond a project's first disagreeing more
(``fixture_sites.disagreements``: kind renamed, title reordered or replaced by the
organisation, town added or dropped, typos; summaries cut, paraphrased or with news;
postcode dropped or a neighbour's). Printed for each world:

* pairwise precision, recall and F1 of the merge (pairs of listings of one true project),
  and B-cubed ones (per listing: its cluster against its true project);
* *franchise* pairs merged: two projects of one network; *sibling* pairs merged: two
  projects of one organisation in one town;
* *relisted* pairs merged: one site's two listings of one project, among all such pairs;
* commune accuracy, and arrondissement accuracy for listings in Paris, Lyon or Marseille;
* theme precision and recall: the codes read from each listing's tags against the world's.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from benchmarks.indexer import ITEMS_PER_PROJECT, normalise_all
from cis_devtools.fixture_sites.corpus import LabelledItem, labelled_items
from cis_devtools.fixture_sites.mutations import build_world
from cis_devtools.fixture_sites.world import WorldProject
from indexer.dedup.clustering import cluster
from indexer.dedup.overrides import Overrides
from indexer.geo.geocoder import Geocoder
from indexer.listings.listing import Listing
from indexer.listings.taxonomy import Taxonomy

# The INSEE code of arrondissement n of each city: 75100 + n, 69380 + n, 13200 + n.
ARRONDISSEMENT_BASE = {"75056": 75100, "69123": 69380, "13055": 13200}


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one comparison."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def pairwise(clusters: Sequence[Sequence[int]], truth: Sequence[str]) -> Scores:
    """Pairs of listings put together, against pairs of one true project."""
    found = {p for c in clusters for p in combinations(sorted(c), 2)}
    members: dict[str, list[int]] = {}
    for n, key in enumerate(truth):
        members.setdefault(key, []).append(n)
    expected = {p for m in members.values() for p in combinations(m, 2)}
    right = len(found & expected)
    return Scores(ratio(right, len(found)), ratio(right, len(expected)))


def b_cubed(clusters: Sequence[Sequence[int]], truth: Sequence[str]) -> Scores:
    """Per listing: the share of its cluster that is its project, and of its project found."""
    sizes: dict[str, int] = {}
    for key in truth:
        sizes[key] = sizes.get(key, 0) + 1
    precision = recall = 0.0
    for members in clusters:
        for n in members:
            same = sum(truth[m] == truth[n] for m in members)
            precision += same / len(members)
            recall += same / sizes[truth[n]]
    return Scores(precision / len(truth), recall / len(truth))


def wrong_merges(
    clusters: Sequence[Sequence[int]], projects: Sequence[WorldProject]
) -> tuple[int, int]:
    """(franchise pairs, sibling pairs) of distinct true projects merged into one cluster."""
    franchise = sibling = 0
    for members in clusters:
        for i, j in combinations(members, 2):
            a, b = projects[i], projects[j]
            if a.key == b.key:
                continue
            franchise += bool(a.network and a.network == b.network)
            sibling += bool(
                a.organisation and a.organisation == b.organisation and a.town == b.town
            )
    return franchise, sibling


def relisted(clusters: Sequence[Sequence[int]], labelled: Sequence[LabelledItem]) -> str:
    """``merged/all`` pairs of one site's two listings of one project."""
    listed = Counter((x.item["source"], x.project_key) for x in labelled)
    every = sum(n * (n - 1) // 2 for n in listed.values())
    merged = 0
    for members in clusters:
        found = Counter((labelled[n].item["source"], labelled[n].project_key) for n in members)
        merged += sum(n * (n - 1) // 2 for n in found.values())
    return f"{merged}/{every}"


def geography(listings: Sequence[Listing], projects: Sequence[WorldProject]) -> tuple[float, float]:
    """(commune accuracy, arrondissement accuracy among listings in Paris, Lyon, Marseille)."""
    communes = sum(
        x.address.get("commune_code") == p.town.commune_code
        for x, p in zip(listings, projects, strict=True)
    )
    placed = [(x, p) for x, p in zip(listings, projects, strict=True) if p.town.arrondissement]
    right = sum(
        x.address.get("arrondissement_code")
        == str(ARRONDISSEMENT_BASE[p.town.commune_code] + (p.town.arrondissement or 0))
        for x, p in placed
    )
    return ratio(communes, len(listings)), ratio(right, len(placed))


def themes(listings: Sequence[Listing], projects: Sequence[WorldProject]) -> Scores:
    """Micro precision and recall of the codes read from tags against the world's codes."""
    found = expected = right = 0
    for listing, project in zip(listings, projects, strict=True):
        codes, truth = set(listing.codes), set(project.codes)
        found, expected, right = (
            found + len(codes),
            expected + len(truth),
            right + len(codes & truth),
        )
    return Scores(ratio(right, found), ratio(right, expected))


def evaluate(labelled: list[LabelledItem], world: dict[str, WorldProject]) -> list[str]:
    """The printed figures of one world."""
    listings = normalise_all(labelled, Taxonomy.load(), Geocoder.load())
    clusters = cluster(listings, Overrides()).clusters
    truth = [x.project_key for x in labelled]
    projects = [world[key] for key in truth]
    pairs, cubed = pairwise(clusters, truth), b_cubed(clusters, truth)
    franchise, sibling = wrong_merges(clusters, projects)
    twice = relisted(clusters, labelled)
    commune, arrondissement = geography(listings, projects)
    coded = themes(listings, projects)
    return [
        f"{pairs.precision:9.4f} {pairs.recall:7.4f} {pairs.f1:7.4f}",
        f"{cubed.precision:9.4f} {cubed.recall:7.4f} {cubed.f1:7.4f}",
        f"{franchise:9d} {sibling:7d} {twice:>9s}",
        f"{commune:7.2%} {arrondissement:7.2%}",
        f"{coded.precision:7.3f} {coded.recall:7.3f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args()
    count = round(args.items / ITEMS_PER_PROJECT)
    world = {p.key: p for p in build_world(count, args.seed, [])[0]}
    print(
        f"{'copies':12s} {'items':>7s} | {'pairwise P':>9s} {'R':>7s} {'F1':>7s} | {'B³ P':>9s} {'R':>7s}"
        f" {'F1':>7s} | {'franchise':>9s} {'sibling':>7s} {'relisted':>9s} | {'commune':>7s} {'arrond.':>7s}"
        f" | {'theme P':>7s} {'R':>7s}"
    )
    for name, disagreeing in (("ordinary", False), ("disagreeing", True)):
        labelled = list(labelled_items(count, args.seed, disagreeing=disagreeing))[: args.items]
        print(f"{name:12s} {len(labelled):7,d} | " + " | ".join(evaluate(labelled, world)))


if __name__ == "__main__":
    main()
