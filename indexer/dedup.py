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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from indexer.dedup_params import JACCARD_THRESHOLD, PLATFORM_HOSTS, SHARED_WEBSITE_COMMUNES
from indexer.listing import Listing
from indexer.overrides import MergeSets, Overrides, listing_key
from indexer.shingles import SketchIndex, listing_text

STRENGTH = {
    "always": 0, "page": 1, "siret": 2, "website": 3, "siret+text": 4, "website+text": 5,
    "text": 6,
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


def canonical_url(url: str) -> str:
    """``url`` without scheme, ``www.``, fragment or trailing slash; host lower-cased."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    if not host:
        return ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


def _platform(host: str) -> bool:
    labels = host.split(".")
    return any(".".join(labels[k:]) in PLATFORM_HOSTS for k in range(len(labels) - 1))


def strong_keys(listing: Listing) -> list[str]:
    """The listing's identity keys: its page, its SIRET, its own (non-platform) website."""
    keys = [f"page:{canonical_url(listing.url)}"]
    if listing.siret:
        keys.append(f"siret:{listing.siret}")
    site = canonical_url(listing.website)
    if site and not _platform(site.split("/", 1)[0].split(":", 1)[0]):
        keys.append(f"website:{site}")
    return keys


def commune(listing: Listing) -> str:
    """INSEE code of the listing's commune, or ""."""
    return listing.address.get("commune_code", "")


def _departement(listing: Listing) -> str:
    return listing.address.get("departement_code", "")


def text_geography_ok(a: Listing, b: Listing) -> bool:
    """Whether text alone may link ``a`` and ``b``: same commune, or compatible vaguer places."""
    ca, cb, da, db = commune(a), commune(b), _departement(a), _departement(b)
    if ca and cb:
        return ca == cb
    if ca or cb or da or db:
        return bool(da) and da == db
    return True  # neither has any location


def geography_conflict(a: Listing, b: Listing) -> bool:
    """Whether ``a`` and ``b`` are placed in two different communes or départements."""
    ca, cb, da, db = commune(a), commune(b), _departement(a), _departement(b)
    return bool((ca and cb and ca != cb) or (da and db and da != db))


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
        slots = self.sketches.add([listing_text(x) for x in listings])
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

    def key_usable(self, key: str) -> bool:
        """Whether a strong key names one project (see the module docstring)."""
        slots = self.keys[key]
        if key.startswith("page:"):
            return True
        pages: dict[str, str] = {}
        for s in slots:
            listing = self.listing(s)
            if pages.setdefault(listing.source, listing.url) != listing.url:
                return False  # one contributor, two pages: an association's key
        communes = {commune(self.listing(s)) for s in slots} - {""}
        return not key.startswith("website:") or len(communes) < SHARED_WEBSITE_COMMUNES

    def partners(self, slot: int) -> dict[int, str]:
        """Slots that may be linked to ``slot``, with the strongest reason to look at them."""
        reasons = dict.fromkeys(self.sketches.candidates(slot), "text")
        for key in strong_keys(self.listing(slot)):
            group = self.keys[key]
            if len(group) > 1 and self.key_usable(key):
                kind = key.split(":", 1)[0]
                for other in group:
                    if other != slot and STRENGTH[kind] < STRENGTH[reasons.get(other, "text")]:
                        reasons[other] = kind
        return reasons

    def links(self, slots: Iterable[int]) -> list[ScoredPair]:
        """Every acceptable link touching ``slots`` (partners may lie outside them)."""
        found: dict[tuple[int, int], str] = {}
        for i in slots:
            for j, reason in self.partners(i).items():
                pair = (min(i, j), max(i, j))
                if pair not in found or STRENGTH[reason] < STRENGTH[found[pair]]:
                    found[pair] = reason
        scored = (self.score(i, j, reason) for (i, j), reason in found.items())
        return [link for link in scored if link is not None]

    def score(self, i: int, j: int, reason: str) -> ScoredPair | None:
        """The link between ``i`` and ``j`` for ``reason``, or None when rules refuse it."""
        a, b = self.listing(i), self.listing(j)
        if reason == "text" and (a.source == b.source or not text_geography_ok(a, b)):
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


def cluster_slots(corpus: Corpus, slots: Iterable[int], overrides: Overrides) -> Clustering:
    """Cluster the listings at ``slots`` among themselves, strongest links first."""
    inside = sorted(set(slots))
    members = set(inside)
    links = [x for x in corpus.links(inside) if x.i in members and x.j in members]
    for i, j in _override_pairs(corpus, inside, overrides.always):
        links.append(ScoredPair(i, j, round(corpus.sketches.store.jaccard(i, j), 4), "always"))
    links.sort(key=lambda x: (STRENGTH[x.reason], -x.jaccard, x.i, x.j))
    groups = {s: (corpus.listing(s).source, commune(corpus.listing(s))) for s in inside}
    sets = MergeSets(groups, _override_pairs(corpus, inside, overrides.never))
    pairs = [_apply(sets, link) for link in links]
    return Clustering(sets.groups(), pairs)


def cluster(listings: Sequence[Listing], overrides: Overrides) -> Clustering:
    """Group ``listings`` into projects; indices in the result are positions in ``listings``."""
    corpus = Corpus()
    corpus.add(listings)
    return cluster_slots(corpus, corpus.live(), overrides)
