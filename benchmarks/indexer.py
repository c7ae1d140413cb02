"""Indexer speed and quality from raw items to projects, at growing sizes.

    python -m benchmarks.indexer [--sizes 10000 30000 100000]

Each size runs in a fresh process (so peak memory is its own): normalise + geocode,
MinHash dedup, merge; then pairwise precision/recall of the merge against the true
projects and the share of listings geocoded to their true commune.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from collections import Counter
from itertools import combinations

from cis.vocabulary import SourceVocabulary
from cis_devtools.fixture_sites.corpus import LabelledItem, labelled_items
from indexer.dedup.clustering import cluster
from indexer.dedup.overrides import Overrides
from indexer.geo.geocoder import Geocoder
from indexer.listings.listing import Listing
from indexer.listings.normalise import normalise
from indexer.listings.taxonomy import Taxonomy
from indexer.merge import merge_clusters

ITEMS_PER_PROJECT = 1.75  # the fixture world lists a project on 1.75 sites on average


def pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    """Every unordered pair of members of a group."""
    return {tuple(sorted(p)) for g in groups for p in combinations(g, 2)}  # type: ignore[misc]


def vocabulary_of(labelled: LabelledItem) -> SourceVocabulary:
    """The vocabulary its fixture site declares: its 2018 table, or none (a newcomer)."""
    return SourceVocabulary((labelled.tag_table,) if labelled.tag_table else ())


def normalise_all(
    labelled: list[LabelledItem], taxonomy: Taxonomy, geocoder: Geocoder
) -> list[Listing]:
    """The listings of fixture-world raw items, as the indexer normalises and geocodes them."""
    return [
        normalise(
            x.item,
            source_name=x.item["source"],
            vocabulary=vocabulary_of(x),
            taxonomy=taxonomy,
            geocoder=geocoder,
        )
        for x in labelled
    ]


def run(size: int) -> dict[str, float]:
    """Index ``size`` raw items in this process and return its figures."""
    labelled = list(labelled_items(round(size / ITEMS_PER_PROJECT)))[:size]
    clock = time.perf_counter()
    taxonomy, geocoder = Taxonomy.load(), Geocoder.load()
    figures = {"items": len(labelled), "load_s": time.perf_counter() - clock}
    clock = time.perf_counter()
    listings = normalise_all(labelled, taxonomy, geocoder)
    figures["normalise_geocode_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    clustering = cluster(listings, Overrides())
    figures["dedup_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    projects = merge_clusters([[listings[i] for i in c] for c in clustering.clusters])
    figures["merge_s"] = time.perf_counter() - clock
    figures["projects"] = len(projects)
    figures |= quality(labelled, clustering.clusters, listings)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def quality(labelled: list, clusters: list[list[int]], listings: list) -> dict[str, float]:  # type: ignore[type-arg]
    """Pairwise precision/recall of the clusters, and geocoding accuracy, against the truth."""
    truth: dict[str, list[str]] = {}
    for n, x in enumerate(labelled):
        truth.setdefault(x.project_key, []).append(str(n))
    found, expected = pairs([[str(i) for i in c] for c in clusters]), pairs(list(truth.values()))
    right = len(found & expected)
    geocoded = Counter(
        x.address.get("commune_code") == t.commune_code
        for x, t in zip(listings, labelled, strict=True)
    )
    return {
        "precision": right / max(len(found), 1),
        "recall": right / max(len(expected), 1),
        "true_pairs": len(expected),
        "geocoded_right": geocoded[True] / len(labelled),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one)))
        return
    print(
        f"{'items':>8} {'projects':>8} {'norm+geo s':>10} {'dedup s':>8} {'merge s':>8} {'total s':>8}"
        f" {'peak MB':>8} {'precision':>9} {'recall':>7} {'geo ok':>7}"
    )
    totals: dict[int, float] = {}
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.indexer", "--one", str(size)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        f = json.loads(out.strip().splitlines()[-1])
        total = totals[f["items"]] = f["normalise_geocode_s"] + f["dedup_s"] + f["merge_s"]
        print(
            f"{f['items']:>8,} {f['projects']:>8,} {f['normalise_geocode_s']:>10.1f} {f['dedup_s']:>8.1f}"
            f" {f['merge_s']:>8.1f} {total:>8.1f} {f['peak_rss_mb']:>8.0f} {f['precision']:>9.4f}"
            f" {f['recall']:>7.4f} {f['geocoded_right']:>7.2%}"
        )
    print(
        "(load of taxonomy + geocoder tables is excluded from the total; it is paid once per run)"
    )
    if len(totals) > 1:
        (n0, t0), (n1, t1) = min(totals.items()), max(totals.items())
        exponent = math.log(t1 / t0) / math.log(n1 / n0)
        print(
            f"time grows as n^{exponent:.2f} from {n0:,} to {n1:,} items; EXTRAPOLATED, not measured:"
            f" {t1 * (1_000_000 / n1) ** exponent:.0f} s for 1,000,000 items"
        )


if __name__ == "__main__":
    main()
