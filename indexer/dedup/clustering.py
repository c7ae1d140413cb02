"""Near-duplicate clustering: which listings describe the same project.

Key concepts: a *link* is a scored pair of listings with a reason — ``page`` (same page
URL), ``twin`` (one contributor's two pages saying the same: ``twin_key``), ``siret``,
``website``, ``name``, ``organisation`` (strong keys), ``siret+text`` (a SIRET across two communes,
accepted because the text agrees too) or ``text`` (exact shingle Jaccard ≥
JACCARD_THRESHOLD on an LSH candidate, under the geography rule of ``dedup_params``).
Links are applied strongest first through a union-find that refuses unions breaking a
constraint: an admin never-merge rule; but for page, twin and admin links, two listings
of one contributor in one project or two arrondissements; for text links, a project
spanning communes the text link did not vouch for. A key is
ignored when one contributor gives it to two of its pages (it names an association, not a
project) and, for websites, when it is seen in several communes (a network homepage).
The state an incremental run keeps between runs is in ``dedup_state``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import NamedTuple

from indexer.dedup.merge_sets import MergeSets
from indexer.dedup.overrides import Overrides
from indexer.dedup.params import (
    JACCARD_THRESHOLD,
    arrondissement,
    arrondissements_differ,
    commune,
    departement,
    geography_conflict,
    key_names_one_project,
    organisations_conflict,
    streets_differ,
    strong_keys,
    text_allowed,
    titles_agree,
)
from indexer.dedup.shingles import SketchIndex, listing_text
from indexer.dedup.titles import (
    is_organisation_title,
    organisation_pairs,
    text_names,
    titles_match,
)
from indexer.listings.listing import Listing, listing_key

ORGANISATION_TEXT_JACCARD = 0.3  # texts sharing this much are one project's, cut or not
STRENGTH = {
    "always": 0, "page": 1, "twin": 2, "siret": 3, "website": 4, "name": 5, "organisation": 6,
    "siret+text": 7, "website+text": 8, "text": 9,
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
    # Strong keys by slot, computed once: re-clustering asks for them again and again.
    slot_keys: list[list[str]] = field(default_factory=list)

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
        self.slot_keys.extend(strong_keys(x) for x in listings)
        for slot in slots:
            for key in self.slot_keys[slot]:
                self.keys.setdefault(key, []).append(slot)
        return slots

    def remove(self, slots: Iterable[int]) -> None:
        """Forget the listings at ``slots``."""
        slots = list(slots)
        self.sketches.remove(slots)
        for slot in slots:
            for key in self.slot_keys[slot]:
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
            listings = [self.listing(x) for x in group]
            if len(group) > 1 and key_names_one_project(key, listings):
                kind = key.split(":", 1)[0]
                pairs: Iterable[tuple[int, int]] = combinations(sorted(group), 2)
                if kind == "organisation":
                    pairs = organisation_pairs(dict(zip(group, listings, strict=True)))
                yield from ((i, j, kind) for i, j in pairs)

    def keys_of(self, slot: int) -> list[str]:
        """Strong keys of the listing at ``slot``."""
        self.listing(slot)  # removed slots have no keys any more
        return self.slot_keys[slot]

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
        if reason == "name" and (organisations_conflict(a, b) or arrondissements_differ(a, b)):
            return None  # one name in two arrondissements: a network's branches
        if reason == "organisation" and streets_differ(a, b):
            return None  # one organisation's two projects in one town, at two addresses
        jaccard = self.sketches.store.jaccard(i, j)
        if reason in ("siret", "website") and geography_conflict(a, b):
            reason += "+text"  # a project that moved, or a head-office address
        if reason.endswith("text") and jaccard < JACCARD_THRESHOLD:
            return None
        if reason == "website" and jaccard < JACCARD_THRESHOLD and not website_vouched(a, b):
            return None  # the site of an organisation that runs several projects there
        if reason == "organisation" and not organisation_vouched(a, b, jaccard):
            return None  # a title that is only the organisation's name: the text must say which
        return ScoredPair(i, j, round(jaccard, 4), reason)


def website_vouched(a: Listing, b: Listing) -> bool:
    """Whether two listings sharing a website are one project: titles agree, or vouched."""
    return titles_agree(a, b) or vouched(a, b)


def vouched(a: Listing, b: Listing) -> bool:
    """Whether two listings sharing a website are one project whatever their text.

    Copies cut summaries to a line, so titles decide: titles that name the same concepts
    once kinds are folded and typos forgiven ("Repair Café des Lilas" / "Atelier de
    réparation des Lilas"). A title that is only the organisation's name says nothing of
    which of its projects it is: the organisation key pairs it (``organisation_pairs``).
    """
    return titles_match(a, b) and not geography_conflict(a, b)


def organisation_vouched(a: Listing, b: Listing, jaccard: float) -> bool:
    """Whether an organisation's two listings in one place are one project, by their words.

    Titled ones matched already (``organisation_pairs``); one titled with the organisation's
    name is the other's project when its text names that project, or their texts overlap.
    """
    untitled = [x for x in (a, b) if is_organisation_title(x)]
    if not untitled or jaccard >= ORGANISATION_TEXT_JACCARD:
        return True
    titled = [x for x in (a, b) if not is_organisation_title(x)]
    return bool(titled) and text_names(untitled[0], titled[0])


def override_pairs(
    corpus: Corpus, slots: Iterable[int], rules: Iterable[tuple[str, str]]
) -> list[tuple[int, int]]:
    """Slot pairs named by admin rules (pairs of listing keys), among ``slots``."""
    by_key: dict[str, list[int]] = {}
    for slot in slots:
        by_key.setdefault(listing_key(corpus.listing(slot)), []).append(slot)
    return [(i, j) for a, b in rules for i in by_key.get(a, ()) for j in by_key.get(b, ())]


def _apply(sets: MergeSets, link: ScoredPair) -> ScoredPair:
    guarded = link.reason not in ("always", "page", "twin")
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
    for i, j in override_pairs(corpus, inside, overrides.always):
        links.append(ScoredPair(i, j, round(corpus.sketches.store.jaccard(i, j), 4), "always"))
    links.sort(key=lambda x: (STRENGTH[x.reason], -x.jaccard, x.i, x.j))
    groups = {s: _group(corpus.listing(s)) for s in inside}
    sets = MergeSets(groups, override_pairs(corpus, inside, overrides.never))
    pairs = [_apply(sets, link) for link in links]  # in order: stronger links win
    return Clustering(sets.groups(), pairs)


def _group(listing: Listing) -> tuple[str, str, str]:
    return listing.source, commune(listing), arrondissement(listing)


def cluster(listings: Sequence[Listing], overrides: Overrides) -> Clustering:
    """Group ``listings`` into projects; indices in the result are positions in ``listings``."""
    corpus = Corpus()
    corpus.add(listings)
    return cluster_slots(corpus, None, overrides)
