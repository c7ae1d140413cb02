"""Merging a cluster of listings into one project record, with a stable id and provenance.

Key concepts. *Rank*: listings are ordered most complete first (most non-empty fields),
then the one seen first, then by listing key, so every choice below is independent of input
order. Field rules: ``title`` is the most common folded title, written as its longest
spelling not all in capitals (ties: rank); ``summary`` and ``description`` are the longest; ``address`` (with
its location and precision) is the most precise geocode, then the most complete address;
``organisation``, ``website``, ``image``, ``siret``, ``legal_status`` and ``date`` are the
first non-empty by rank; ``codes``, ``domains``, ``publics`` and ``methods`` are unions;
``raw_tags`` stay per contributor; ``sources`` lists every listing; ``provenance`` names the
contributor that supplied each single-valued field.

*Id*: "p-" + the first 16 hex digits of the smallest sha1("source|url") among the members.
Adding a member keeps it unless the newcomer's hash is smaller; removing the member that
gave it changes it. Pass ``previous_ids`` (listing key → project id, from the last run) to
carry ids over: a cluster takes the previous id most of its members had; when a project
splits, the part with most of its members keeps the id and the others get fresh ones; when
two merge, the one with more members (then the smaller hash) gives its id.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any, cast

from cis.records import GeoPrecision, Project, SourceRef
from indexer.dedup.shingles import normalise_text
from indexer.listings.listing import Listing, listing_key

PRECISION: dict[GeoPrecision, int] = {
    "commune": 4, "homonym": 3, "departement": 2, "region": 1, "none": 0,
}  # fmt: skip
FIRST_NON_EMPTY = ("organisation", "website", "image", "siret", "legal_status", "date")
UNIONS = ("codes", "domains", "publics", "methods", "partners")
OPTIONAL = ("siret", "legal_status", "date")  # NotRequired in Project: left out when empty
PLACED = ("location", "geo_precision")  # come with the address: its provenance covers them


def member_hash(key: str) -> str:
    """sha1 hex digest of a listing key: the material project ids are cut from."""
    return hashlib.sha1(key.encode()).hexdigest()


def _fresh_id(keys: Collection[str], used: Collection[str]) -> str:
    for digest in sorted(member_hash(k) for k in keys):
        if f"p-{digest[:16]}" not in used:
            return f"p-{digest[:16]}"
    # Every member hash is someone else's id (members that left old projects behind).
    return f"p-{member_hash(chr(10).join(sorted(keys)))[:16]}"


def assign_ids(
    clusters: Sequence[Collection[str]],
    previous_ids: Mapping[str, str] | None = None,
    taken: Collection[str] = (),
) -> list[str]:
    """One distinct id per cluster of listing keys, none of them in ``taken``."""
    previous = previous_ids or {}
    claims = []
    for c, keys in enumerate(clusters):
        votes = Counter(previous[k] for k in keys if k in previous)
        smallest = min(member_hash(k) for k in keys)
        claims += [(-count, smallest, pid, c) for pid, count in votes.items()]
    ids: dict[int, str] = {}
    used = set(taken)
    for _, _, pid, c in sorted(claims):
        if c not in ids and pid not in used:
            ids[c] = pid
            used.add(pid)
    for c, keys in enumerate(clusters):
        if c not in ids:
            ids[c] = _fresh_id(keys, used)
            used.add(ids[c])
    return [ids[c] for c in range(len(clusters))]


def _completeness(x: Listing) -> int:
    fields = (x.title, x.summary, x.description, x.organisation, x.website, x.image, x.siret)
    return sum(map(bool, fields)) + len(x.address) + (x.location is not None)


def _ranked(listings: Sequence[Listing], first_seen: Mapping[str, str]) -> list[Listing]:
    def rank(x: Listing) -> tuple[int, str, str]:
        key = listing_key(x)
        return (-_completeness(x), first_seen.get(key, x.fetched_at), key)

    return sorted(listings, key=rank)


def _title(ranked: Sequence[Listing]) -> Listing:
    counts = Counter(normalise_text(x.title) for x in ranked)
    top = max(counts.values())
    common = [x for x in ranked if counts[normalise_text(x.title)] == top]
    # Capitals shout; max keeps the first (best ranked) of equal spellings.
    return max(common, key=lambda x: (not x.title.isupper(), len(x.title)))


def _longest(ranked: Sequence[Listing], name: str) -> Listing:
    return max(ranked, key=lambda x: len(getattr(x, name)))


def _best_address(ranked: Sequence[Listing]) -> Listing:
    return max(ranked, key=lambda x: (PRECISION[x.geo_precision], len(x.address)))


def _sources(listings: Sequence[Listing], first_seen: Mapping[str, str]) -> list[SourceRef]:
    refs: dict[str, SourceRef] = {}
    for x in sorted(listings, key=listing_key):
        first = first_seen.get(listing_key(x), x.fetched_at)
        ref = refs.setdefault(listing_key(x), SourceRef(source=x.source, name=x.source_name,
                              url=x.url, first_seen=first, last_seen=x.fetched_at))  # fmt: skip
        ref["first_seen"] = min(ref["first_seen"], first)
        ref["last_seen"] = max(ref["last_seen"], x.fetched_at)
    return list(refs.values())


def _raw_tags(listings: Sequence[Listing]) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for x in sorted(listings, key=listing_key):
        tags[x.source] = list(dict.fromkeys([*tags.get(x.source, []), *x.raw_tags]))
    return {source: labels for source, labels in sorted(tags.items()) if labels}


def _chosen_fields(ranked: Sequence[Listing]) -> dict[str, tuple[Any, Listing]]:
    """Field -> (value, listing that supplied it), for every single-valued field."""
    title, place = _title(ranked), _best_address(ranked)
    chosen: dict[str, tuple[Any, Listing]] = {"title": (title.title, title)}
    for name in ("summary", "description"):
        source = _longest(ranked, name)
        chosen[name] = (getattr(source, name), source)
    for name in FIRST_NON_EMPTY:
        source = next((x for x in ranked if getattr(x, name)), ranked[0])
        chosen[name] = (getattr(source, name), source)
    for name in ("address", "location", "geo_precision"):
        chosen[name] = (getattr(place, name), place)
    return chosen


def build_project(
    listings: Sequence[Listing], project_id: str, first_seen: Mapping[str, str] | None = None
) -> Project:
    """The project that ``listings`` describe, under ``project_id`` (see module rules)."""
    if not listings:
        raise ValueError(f"cannot build project {project_id!r} from no listing")
    seen = first_seen or {}
    chosen = _chosen_fields(_ranked(listings, seen))
    sources = _sources(listings, seen)
    project: dict[str, Any] = {name: value for name, (value, _) in chosen.items()}
    project |= {name: sorted({v for x in listings for v in getattr(x, name)}) for name in UNIONS}
    project |= {
        "id": project_id,
        "raw_tags": _raw_tags(listings),
        "sources": sources,
        "provenance": {n: x.source for n, (v, x) in chosen.items() if v and n not in PLACED},
        "first_seen": min(ref["first_seen"] for ref in sources),
        "updated_at": max(ref["last_seen"] for ref in sources),
    }
    for name in OPTIONAL:
        if not project[name]:
            del project[name]
    return cast(Project, project)


def merge_cluster(
    listings: Sequence[Listing],
    *,
    first_seen: Mapping[str, str] | None = None,
    previous_ids: Mapping[str, str] | None = None,
) -> Project:
    """One project from one cluster; ``first_seen`` and ``previous_ids`` by listing key."""
    project_id = assign_ids([[listing_key(x) for x in listings]], previous_ids)[0]
    return build_project(listings, project_id, first_seen)


def merge_clusters(
    clusters: Sequence[Sequence[Listing]],
    *,
    first_seen: Mapping[str, str] | None = None,
    previous_ids: Mapping[str, str] | None = None,
    taken: Collection[str] = (),
) -> list[Project]:
    """One project per cluster, with distinct ids (none in ``taken``)."""
    keys = [[listing_key(x) for x in cluster] for cluster in clusters]
    ids = assign_ids(keys, previous_ids, taken)
    return [build_project(c, pid, first_seen) for c, pid in zip(clusters, ids, strict=True)]
