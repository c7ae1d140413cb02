"""Near-duplicate clustering: which listings describe the same project.

Key concepts: a *link* is a scored pair of listings with a reason — ``page`` (same page
URL), ``siret``, ``website`` (strong keys), ``siret+text`` (a SIRET across two communes,
accepted because the text agrees too) or ``text`` (exact shingle Jaccard ≥
JACCARD_THRESHOLD on an LSH candidate, under the geography rule of ``dedup_params``).
Links are applied strongest first through a union-find that refuses unions breaking a
constraint: an admin never-merge rule; for text links, two listings of one contributor in
one project, or a project spanning communes the text link did not vouch for. A key is
ignored when one contributor gives it to two of its pages (it names an association, not a
project) and, for websites, when it is seen in several communes (a network homepage).
"""

from __future__ import annotations

import pickle
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

from cis.records import Project
from indexer.dedup_params import (
    JACCARD_THRESHOLD,
    STATE_VERSION,
    commune,
    departement,
    geography_conflict,
    key_names_one_project,
    strong_keys,
    text_allowed,
)
from indexer.listing import Listing
from indexer.merge import merge_clusters
from indexer.overrides import MergeSets, Overrides, listing_key
from indexer.shingles import SketchIndex, listing_text

STRENGTH = {
    "always": 0, "page": 1, "siret": 2, "website": 3, "name": 4, "siret+text": 5,
    "website+text": 6, "text": 7,
}  # fmt: skip


class ScoredPair(NamedTuple):
    """Two listings (indices), their exact Jaccard, why they were linked, whether unioned."""

    i: int
    j: int
    jaccard: float
    reason: str
    merged: bool = True


@dataclass
class Clustering:
    """Clusters of listing indices (each a project) and the links that formed or split them."""

    clusters: list[list[int]]
    pairs: list[ScoredPair] = field(default_factory=list)


@dataclass
class Corpus:
    """Listings by slot with their sketches and strong-key groups (slots are never reused)."""

    listings: list[Listing | None] = field(default_factory=list)  # None: removed
    sketches: SketchIndex = field(default_factory=SketchIndex.empty)
    keys: dict[str, list[int]] = field(default_factory=dict)

    def listing(self, slot: int) -> Listing:
        """The live listing at ``slot``."""
        listing = self.listings[slot]
        if listing is None:
            raise KeyError(f"slot {slot} was removed")
        return listing

    def add(self, listings: Sequence[Listing]) -> range:
        """Index new listings; returns their slots."""
        texts = [listing_text(x) for x in listings]
        towns, deps = [commune(x) for x in listings], [departement(x) for x in listings]
        slots = self.sketches.add(texts, towns, deps)
        self.listings.extend(listings)
        for slot, listing in zip(slots, listings, strict=True):
            for key in strong_keys(listing):
                self.keys.setdefault(key, []).append(slot)
        return slots

    def remove(self, slots: Iterable[int]) -> None:
        """Forget the listings at ``slots``."""
        slots = list(slots)
        self.sketches.remove(slots)
        for slot in slots:
            for key in strong_keys(self.listing(slot)):
                self.keys[key].remove(slot)
            self.listings[slot] = None

    def live(self) -> list[int]:
        """Slots of every listing not removed."""
        return [s for s, listing in enumerate(self.listings) if listing is not None]

    def key_pairs(self, slots: Iterable[int] | None = None) -> Iterator[tuple[int, int, str]]:
        """(i, j, kind) for listings sharing a usable strong key; those of ``slots`` if given."""
        keys = self.keys if slots is None else {k for s in slots for k in self.keys_of(s)}
        for key in keys:
            group = self.keys[key]
            if len(group) > 1 and key_names_one_project(key, [self.listing(x) for x in group]):
                kind = key.split(":", 1)[0]
                yield from ((i, j, kind) for i, j in combinations(sorted(group), 2))

    def keys_of(self, slot: int) -> list[str]:
        """Strong keys of the listing at ``slot``."""
        return strong_keys(self.listing(slot))

    def links(self, slots: Collection[int] | None = None) -> list[ScoredPair]:
        """Every acceptable link (touching ``slots`` if given; partners may lie outside)."""
        found = {(i, j): "text" for i, j in self.sketches.candidate_pairs(slots).tolist()}
        for i, j, kind in self.key_pairs(slots):
            if STRENGTH[kind] < STRENGTH[found.get((i, j), "text")]:
                found[(i, j)] = kind
        scored = (self.score(i, j, reason) for (i, j), reason in found.items())
        return [link for link in scored if link is not None]

    def score(self, i: int, j: int, reason: str) -> ScoredPair | None:
        """The link between ``i`` and ``j`` for ``reason``, or None when rules refuse it."""
        a, b = self.listing(i), self.listing(j)
        if reason == "text" and not text_allowed(a, b):
            return None  # cheap refusals before the exact Jaccard
        jaccard = self.sketches.store.jaccard(i, j)
        if reason in ("siret", "website") and geography_conflict(a, b):
            reason += "+text"  # a project that moved, or a head-office address
        if reason.endswith("text") and jaccard < JACCARD_THRESHOLD:
            return None
        return ScoredPair(i, j, round(jaccard, 4), reason)


def _override_pairs(
    corpus: Corpus, slots: Iterable[int], rules: Iterable[tuple[str, str]]
) -> list[tuple[int, int]]:
    """Slot pairs named by admin rules, among ``slots``."""
    by_key: dict[str, list[int]] = {}
    for slot in slots:
        by_key.setdefault(listing_key(corpus.listing(slot)), []).append(slot)
    return [(i, j) for a, b in rules for i in by_key.get(a, ()) for j in by_key.get(b, ())]


def _apply(sets: MergeSets, link: ScoredPair) -> ScoredPair:
    guarded = link.reason not in ("always", "page")
    merged = sets.union(link.i, link.j, guarded=guarded, text=link.reason == "text")
    return link._replace(merged=merged)


def cluster_slots(
    corpus: Corpus, slots: Collection[int] | None, overrides: Overrides
) -> Clustering:
    """Cluster the listings at ``slots`` (all live ones if None) among themselves."""
    inside = corpus.live() if slots is None else sorted(set(slots))
    links = corpus.links(slots)
    if slots is not None:
        members = set(inside)
        links = [x for x in links if x.i in members and x.j in members]
    for i, j in _override_pairs(corpus, inside, overrides.always):
        links.append(ScoredPair(i, j, round(corpus.sketches.store.jaccard(i, j), 4), "always"))
    links.sort(key=lambda x: (STRENGTH[x.reason], -x.jaccard, x.i, x.j))
    groups = {s: (corpus.listing(s).source, commune(corpus.listing(s))) for s in inside}
    sets = MergeSets(groups, _override_pairs(corpus, inside, overrides.never))
    pairs = [_apply(sets, link) for link in links]  # in order: stronger links win
    return Clustering(sets.groups(), pairs)


def cluster(listings: Sequence[Listing], overrides: Overrides) -> Clustering:
    """Group ``listings`` into projects; indices in the result are positions in ``listings``."""
    corpus = Corpus()
    corpus.add(listings)
    return cluster_slots(corpus, None, overrides)


@dataclass
class DedupState:
    """What a dedup run leaves for the next one: the corpus, its projects and who is where."""

    corpus: Corpus
    project_of: dict[int, str] = field(default_factory=dict)  # live slot -> project id
    projects: dict[str, Project] = field(default_factory=dict)

    def members(self) -> dict[str, list[int]]:
        """Slots of each project."""
        out: dict[str, list[int]] = {}
        for slot, pid in sorted(self.project_of.items()):
            out.setdefault(pid, []).append(slot)
        return out

    def adopt(self, clusters: Sequence[Sequence[int]], projects: Sequence[Project]) -> None:
        """Record ``projects`` as the projects of ``clusters`` (slots)."""
        for slots, project in zip(clusters, projects, strict=True):
            self.projects[project["id"]] = project
            self.project_of.update(dict.fromkeys(slots, project["id"]))

    def save(self, folder: Path) -> None:
        """Write the state into ``folder`` (numpy arrays and one pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.corpus.sketches.save(folder)
        rest = replace(self.corpus, sketches=SketchIndex.empty())
        with (folder / "state.pickle").open("wb") as out:
            pickle.dump((STATE_VERSION, rest, self.project_of, self.projects), out)

    @classmethod
    def load(cls, folder: Path) -> DedupState:
        """Read a state written by ``save`` (a trusted file: the indexer's own)."""
        with (folder / "state.pickle").open("rb") as src:
            version, corpus, project_of, projects = pickle.load(src)
        if version != STATE_VERSION:
            raise ValueError(f"{folder} holds dedup state {version!r}, not {STATE_VERSION!r}")
        corpus.sketches = SketchIndex.load(folder)
        return cls(corpus, project_of, projects)


def build_state(
    listings: Sequence[Listing],
    overrides: Overrides,
    *,
    first_seen: Mapping[str, str] | None = None,
    previous_ids: Mapping[str, str] | None = None,
) -> tuple[DedupState, Clustering]:
    """Cluster and merge every listing (a full run); slots in the result are list indices."""
    state = DedupState(Corpus())
    state.corpus.add(listings)
    clustering = cluster_slots(state.corpus, None, overrides)
    groups = [[state.corpus.listing(s) for s in c] for c in clustering.clusters]
    projects = merge_clusters(groups, first_seen=first_seen, previous_ids=previous_ids)
    state.adopt(clustering.clusters, projects)
    return state, clustering


@dataclass
class Reclustered:
    """What an incremental run changed (slots in ``clustering`` are state slots)."""

    clustering: Clustering  # the re-clustered neighbourhood only
    changed: list[str]  # ids of the projects built anew
    removed: list[str]  # ids that no longer exist


def _neighbours(corpus: Corpus, slots: Collection[int], overrides: Overrides) -> set[int]:
    """Slots linked to ``slots``, sharing a strong key with them, or named with them in a rule."""
    near = {s for link in corpus.links(slots) for s in (link.i, link.j)}
    near |= {j for s in slots for key in corpus.keys_of(s) for j in corpus.keys[key]}
    keys = {listing_key(corpus.listing(s)) for s in slots}
    named = {k for pair in overrides.never | overrides.always if keys & set(pair) for k in pair}
    if named - keys:
        near |= {s for s in corpus.live() if listing_key(corpus.listing(s)) in named}
    return near


def _first_seen(projects: Iterable[Project], given: Mapping[str, str] | None) -> dict[str, str]:
    seen = {f"{r['source']}|{r['url']}": r["first_seen"] for p in projects for r in p["sources"]}
    for key, date in (given or {}).items():
        seen[key] = min(date, seen.get(key, date))
    return seen


def recluster(
    state: DedupState,
    changed_source: str,
    listings: Sequence[Listing],
    overrides: Overrides,
    *,
    first_seen: Mapping[str, str] | None = None,
) -> Reclustered:
    """Replace ``changed_source``'s listings by ``listings``; redo only the projects touched."""
    corpus, original = state.corpus, state.members()
    old = [s for s in corpus.live() if corpus.listing(s).source == changed_source]
    carried = {listing_key(corpus.listing(s)): state.project_of[s] for s in old}
    touched = {state.project_of[s] for s in _neighbours(corpus, old, overrides)}
    for slot in old:
        del state.project_of[slot]
    corpus.remove(old)
    new = set(corpus.add(listings))
    members = state.members()
    scope = new | {s for pid in touched for s in members.get(pid, [])}
    touched |= {state.project_of[s] for s in _neighbours(corpus, scope, overrides) - new}
    scope = new | {s for pid in touched for s in members.get(pid, [])}
    clustering = cluster_slots(corpus, scope, overrides)
    before = {tuple(original[pid]): pid for pid in touched}
    return _remerge(state, clustering, before, carried, first_seen)


def _remerge(
    state: DedupState,
    clustering: Clustering,
    before: Mapping[tuple[int, ...], str],
    carried: Mapping[str, str],
    first_seen: Mapping[str, str] | None,
) -> Reclustered:
    """Keep the projects whose members did not change; merge the other clusters anew."""
    corpus = state.corpus
    old_projects = {pid: state.projects.pop(pid) for pid in before.values()}
    kept = [c for c in clustering.clusters if tuple(c) in before]
    state.adopt(kept, [old_projects[before[tuple(c)]] for c in kept])
    fresh = [c for c in clustering.clusters if tuple(c) not in before]
    previous = dict(carried)
    for slot in (s for c in fresh for s in c if s in state.project_of):
        previous[listing_key(corpus.listing(slot))] = state.project_of.pop(slot)
    projects = merge_clusters(
        [[corpus.listing(s) for s in c] for c in fresh],
        first_seen=_first_seen(old_projects.values(), first_seen),
        previous_ids=previous,
        taken=set(state.projects),
    )
    state.adopt(fresh, projects)
    removed = sorted(set(old_projects) - set(state.projects))
    return Reclustered(clustering, [p["id"] for p in projects], removed)
