"""The dedup state an incremental run keeps: the corpus, who is in which project, the projects.

Key concepts: ``build_state`` clusters and merges every listing (a full run);
``recluster`` replaces one contributor's listings and redoes only the projects they touch
(their old and new projects and those of every listing linked to them), keeping the id of
every project whose members did not change. Corpus slots are never reused: a replaced
listing leaves a dead slot until the next full build (``dead_slots`` counts them).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cis.records import Project
from indexer.dedup.clustering import Clustering, Corpus, cluster_slots
from indexer.dedup.overrides import Overrides
from indexer.dedup.params import STATE_VERSION
from indexer.dedup.shingles import SketchIndex
from indexer.listings.listing import Listing, listing_key
from indexer.merge import merge_clusters


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

    def ids_by_key(self) -> dict[str, str]:
        """Listing key → project id, for every live listing."""
        return {listing_key(self.corpus.listing(s)): pid for s, pid in self.project_of.items()}

    def source_listings(self, source: str) -> list[Listing]:
        """The live listings of contributor ``source``."""
        live = (self.corpus.listing(slot) for slot in self.project_of)
        return [listing for listing in live if listing.source == source]

    def dead_slots(self) -> int:
        """Slots of replaced listings, held until the next full build."""
        return len(self.corpus.listings) - len(self.project_of)

    def save(self, folder: Path) -> None:
        """Write the state into ``folder`` (numpy arrays and one pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.corpus.sketches.save(folder)
        rest = replace(self.corpus, sketches=SketchIndex.empty())
        with (folder / "state.pickle").open("wb") as out:
            pickle.dump((STATE_VERSION, rest, self.project_of, self.projects), out)
        for path in folder.iterdir():  # on disk before the index state names this folder
            with path.open("rb") as written:
                os.fsync(written.fileno())

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
