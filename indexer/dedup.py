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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from indexer.dedup_index import DedupIndex
from indexer.dedup_params import JACCARD_THRESHOLD, SHARED_WEBSITE_COMMUNES
from indexer.listing import Listing
from indexer.overrides import Overrides, listing_key

STRENGTH = {"always": 0, "page": 1, "siret": 2, "website": 3, "siret+text": 4, "text": 5}


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


def key_usable(index: DedupIndex, key: str, slots: Sequence[int]) -> bool:
    """Whether a SIRET or website key names one project (see module docstring)."""
    if key.startswith("page:"):
        return True
    pages: dict[str, str] = {}
    for s in slots:
        listing = index.listing(s)
        if pages.setdefault(listing.source, listing.url) != listing.url:
            return False  # one contributor, two pages: an association's key
    if key.startswith("website:"):
        communes = {commune(index.listing(s)) for s in slots} - {""}
        return len(communes) < SHARED_WEBSITE_COMMUNES
    return True


def find_links(index: DedupIndex, slots: Iterable[int]) -> list[ScoredPair]:
    """Every acceptable link touching ``slots`` (partners may lie outside them)."""
    reasons: dict[tuple[int, int], str] = {}
    for i in slots:
        for j in index.lsh_candidates(i):
            reasons.setdefault((min(i, j), max(i, j)), "text")
        for key in index.keys_of(i):
            group = index.keys[key]
            if len(group) > 1 and key_usable(index, key, group):
                kind = key.split(":", 1)[0]
                for j in group:
                    pair = (min(i, j), max(i, j))
                    if j != i and STRENGTH[kind] < STRENGTH[reasons.get(pair, "text")]:
                        reasons[pair] = kind
    links = (_score(index, i, j, reason) for (i, j), reason in reasons.items())
    return [link for link in links if link is not None]


def _score(index: DedupIndex, i: int, j: int, reason: str) -> ScoredPair | None:
    a, b = index.listing(i), index.listing(j)
    if reason == "text" and (a.source == b.source or not text_geography_ok(a, b)):
        return None  # cheap refusals before the exact Jaccard
    jaccard = index.store.jaccard(i, j)
    if reason in ("siret", "website") and geography_conflict(a, b):
        # A website never spans communes here (key_usable); a SIRET may, if the text agrees.
        reason = "siret+text" if reason == "siret" else "text"
    if reason in ("text", "siret+text") and jaccard < JACCARD_THRESHOLD:
        return None
    return ScoredPair(i, j, round(jaccard, 4), reason)
