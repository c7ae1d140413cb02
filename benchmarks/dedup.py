"""Dedup quality and speed on the labelled set (benchmarks/labelled_set.py).

    .venv/bin/python -m benchmarks.dedup [--sizes 10000 30000 100000] [--seed 0]

Each size runs in a child process, so its peak memory (ru_maxrss: labelled set, listings
and dedup state together) is its own. Printed per size:

* pairwise precision and recall against the labels, hard-negative pairs merged (listings
  of one network in different towns), sibling pairs merged (two projects of one
  association: one town, one website and SIRET);
* LSH candidate loss: the share of text-eligible pairs (one commune, or one département
  when a listing has no commune) whose exact Jaccard is >= JACCARD_THRESHOLD but that LSH
  did not propose. The reference is exhaustive: every pair of each département, Jaccard
  computed with sparse products (pairs across départements are never text links);
* timings of each stage, run one after the other on the same data with the indexer's own
  functions (shingling, MinHash signatures, LSH bands + candidates, links + union-find,
  merge), of ``build_state`` end to end (what the indexer calls), and of ``recluster``
  after a new run of the largest contributor (same listings: what a recrawl looks like);
* a 1M-listing estimate, extrapolated (not measured) from the two largest sizes.
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
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from scipy import sparse

from benchmarks.labelled_set import LabelledSet, generate
from indexer.dedup.clustering import Corpus, cluster_slots
from indexer.dedup.overrides import Overrides
from indexer.dedup.params import JACCARD_THRESHOLD, commune, departement
from indexer.dedup.shingles import (
    ShingleStore,
    SketchIndex,
    band_hashes,
    listing_text,
    shingle_hashes,
    signatures,
)
from indexer.dedup.state import build_state, recluster
from indexer.merge import merge_clusters

T = TypeVar("T")


def timed(times: dict[str, float], name: str, work: Callable[[], T]) -> T:
    """Run ``work``, store its wall-clock seconds under ``name``."""
    start = time.perf_counter()
    result = work()
    times[name] = time.perf_counter() - start
    return result


def pair_counts(data: LabelledSet, clusters: Sequence[Sequence[int]]) -> dict[str, int]:
    """Predicted, true and correct pairs, and wrongly merged hard-negative and sibling pairs."""
    sizes = Counter(data.labels)
    counts = dict(true=sum(n * (n - 1) // 2 for n in sizes.values()), predicted=0, correct=0)
    counts |= dict(hard_negative=0, sibling=0)
    for members in clusters:
        counts["predicted"] += len(members) * (len(members) - 1) // 2
        labels = Counter(data.labels[i] for i in members)
        counts["correct"] += sum(n * (n - 1) // 2 for n in labels.values())
        networks = Counter(data.networks[i] for i in members if data.networks[i] >= 0)
        net_labels = Counter((data.networks[i], data.labels[i]) for i in members)
        same_net = sum(n * (n - 1) // 2 for n in networks.values())
        counts["hard_negative"] += same_net - sum(
            n * (n - 1) // 2 for (net, _), n in net_labels.items() if net >= 0
        )
        orgs = Counter(abs(data.labels[i] + 1) if data.labels[i] < 0 else data.labels[i]
                       for i in members)  # fmt: skip
        counts["sibling"] += sum(n * (n - 1) // 2 for n in orgs.values()) - sum(
            n * (n - 1) // 2 for n in labels.values()
        )
    return counts


def high_jaccard_pairs(
    store: ShingleStore, partitions: Sequence[str], towns: Sequence[str]
) -> set[tuple[int, int]]:
    """Every text-eligible pair (one département, not two communes), Jaccard >= threshold."""
    groups: dict[str, list[int]] = {}
    for slot, part in enumerate(partitions):
        if len(store.row(slot)):
            groups.setdefault(part, []).append(slot)
    found: set[tuple[int, int]] = set()
    for slots in groups.values():
        rows = [store.row(s) for s in slots]
        _, columns = np.unique(np.concatenate(rows), return_inverse=True)
        indptr = np.concatenate(([0], np.cumsum([len(r) for r in rows])))
        matrix = sparse.csr_matrix((np.ones(len(columns)), columns, indptr))
        common = sparse.triu(matrix @ matrix.T, k=1).tocoo()
        lengths = np.diff(indptr)
        union = lengths[common.row] + lengths[common.col] - common.data
        keep = common.data / union >= JACCARD_THRESHOLD
        pairs = (
            (slots[i], slots[j]) for i, j in zip(common.row[keep], common.col[keep], strict=True)
        )
        found |= {(i, j) for i, j in pairs if not (towns[i] and towns[j] and towns[i] != towns[j])}
    return found


def stages(data: LabelledSet) -> tuple[dict[str, float], dict[str, Any]]:
    """Each dedup stage timed on ``data``, and the LSH loss and candidate count."""
    times: dict[str, float] = {}
    listings = data.listings
    parts = [departement(x) for x in listings]
    towns = [commune(x) for x in listings]
    store = timed(times, "shingling", lambda: ShingleStore.from_arrays(
        [shingle_hashes(listing_text(x)) for x in listings]))  # fmt: skip
    sigs = timed(times, "signatures", lambda: signatures(store))

    def lsh() -> np.ndarray:
        salts = [town or f"dep:{dep}" for town, dep in zip(towns, parts, strict=True)]
        alive, vague = np.diff(store.offsets) > 0, np.array([not t for t in towns])
        bands = band_hashes(sigs, salts), band_hashes(sigs, parts)
        return SketchIndex(store, *bands, alive, vague).candidate_pairs()

    candidates = timed(times, "lsh", lsh)
    proposed = set(map(tuple, candidates.tolist()))
    reference = high_jaccard_pairs(store, parts, towns)
    lost = len(reference - proposed)
    extra = dict(candidates=len(proposed), high_pairs=len(reference), lsh_lost=lost)
    return times, extra


def clustering_stages(data: LabelledSet, times: dict[str, float]) -> None:
    """Links + union-find, then merge, timed on top of a fresh corpus."""
    corpus = Corpus()
    corpus.add(data.listings)
    clustering = timed(times, "clustering", lambda: cluster_slots(corpus, None, Overrides()))
    groups = [[corpus.listing(s) for s in c] for c in clustering.clusters]
    timed(times, "merge", lambda: merge_clusters(groups))


def end_to_end(data: LabelledSet) -> dict[str, Any]:
    """``build_state`` then ``recluster`` of the largest contributor, as the indexer runs them."""
    times: dict[str, float] = {}
    state, clustering = timed(times, "build_state", lambda: build_state(data.listings, Overrides()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the breakdown
    source = Counter(x.source for x in data.listings).most_common(1)[0][0]
    rerun = [x for x in data.listings if x.source == source]  # a new run of that contributor
    done = timed(
        times, "recluster_one_source", lambda: recluster(state, source, rerun, Overrides())
    )
    counts = pair_counts(data, clustering.clusters)
    return dict(times=times, counts=counts, peak_mb=peak_mb, rerun_listings=len(rerun),
                rebuilt_projects=len(done.changed))  # fmt: skip


def run_one(size: int, seed: int) -> dict[str, Any]:
    """Every figure for one size (run in a child process)."""
    data = generate(size, seed)
    whole = end_to_end(data)
    times, lsh = stages(data)
    clustering_stages(data, times)
    whole["times"] = times | whole["times"]
    return dict(size=size, **whole, **lsh)


def report(result: dict[str, Any]) -> None:
    """Print one size's figures."""
    c, t = result["counts"], result["times"]
    precision = c["correct"] / max(c["predicted"], 1)
    recall = c["correct"] / max(c["true"], 1)
    loss = result["lsh_lost"] / max(result["high_pairs"], 1)
    print(f"\n== {result['size']:,} listings ==")
    print(f"precision {precision:.4f}  recall {recall:.4f}  ({c['correct']:,} of {c['true']:,}"
          f" true pairs, {c['predicted']:,} predicted)")  # fmt: skip
    print(f"hard-negative pairs merged {c['hard_negative']}  sibling pairs merged {c['sibling']}")
    print(f"LSH candidates {result['candidates']:,}; pairs >= {JACCARD_THRESHOLD} "
          f"{result['high_pairs']:,}, missed by LSH {result['lsh_lost']} ({loss:.2%})")  # fmt: skip
    print("  ".join(f"{name} {seconds:.2f}s" for name, seconds in t.items()))
    print(f"recluster after a new run of one contributor ({result['rerun_listings']:,} listings):"
          f" {result['rebuilt_projects']:,} projects rebuilt")  # fmt: skip
    print(f"peak memory after build_state (ru_maxrss: set + dedup) {result['peak_mb']:.0f} MB")


def extrapolate(results: Sequence[dict[str, Any]], target: int = 1_000_000) -> None:
    """Print a 1M estimate from the two largest sizes (linear and n log n)."""
    small, large = sorted(results, key=lambda r: r["size"])[-2:]
    ratio = target / large["size"]
    seconds = large["times"]["build_state"]
    nlogn = ratio * math.log(target) / math.log(large["size"])
    growth = math.log(large["candidates"] / small["candidates"]) / math.log(
        large["size"] / small["size"]
    )
    print(f"\n== {target:,} listings: EXTRAPOLATED, not measured ==")
    print(f"build_state {seconds * ratio:.0f}s if linear, {seconds * nlogn:.0f}s if n log n")
    print(f"LSH candidates grew as n^{growth:.2f} from {small['size']:,} to {large['size']:,}:"
          f" ~{large['candidates'] * ratio**growth:,.0f} at {target:,}")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    """Run every size in its own process and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.seed)))
        return
    results = []
    for size in args.sizes:
        child = [sys.executable, "-m", "benchmarks.dedup", "--one", str(size)]
        out = subprocess.run([*child, "--seed", str(args.seed)], check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
        results.append(json.loads(out))
        report(results[-1])
    if len(results) >= 2:
        extrapolate(results)


if __name__ == "__main__":
    main()
