"""Listings: how one site shows one project (its own title, summary, address and tags)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from cis_devtools.fixture_sites.disagreements import (
    DISAGREEING_SHARE,
    disagreeing_address,
    disagreeing_summary,
    disagreeing_title,
    relisted,
)
from cis_devtools.fixture_sites.text import slugify
from cis_devtools.fixture_sites.variants import AddressView, address_view, vary_summary, vary_title
from cis_devtools.fixture_sites.vocab import load_tag_vocabularies, load_vocabulary
from cis_devtools.fixture_sites.world import WorldProject

BROKEN_QUIRKS = frozenset({"missing-404", "robots-disallowed", "external", "no-title"})


@dataclass(frozen=True, slots=True)
class SiteEntry:
    """One site's listing of one project."""

    project: WorldProject
    site: str
    title: str
    summary: str
    address: AddressView
    tags: tuple[str, ...]
    slug: str
    quirk: str | None = None


def _pick_tags(rng: random.Random, vocabulary: str, codes: Sequence[str]) -> tuple[str, ...]:
    by_code = load_tag_vocabularies()[vocabulary]
    candidates = list(dict.fromkeys(t for c in codes for t in by_code.get(c, ())))
    if not candidates:
        candidates = list(dict.fromkeys(t for tags in by_code.values() for t in tags))[:5]
    # The project's main theme comes first, as contributors tag the obvious thing first.
    main = by_code.get(codes[0]) or candidates
    first = rng.choice(main)
    others = [t for t in candidates if t != first]
    return (first, *rng.sample(others, min(len(others), rng.randint(0, 3))))


def _order_key(site: str, project: WorldProject) -> bytes:
    return hashlib.blake2b(f"{site}:{project.key}".encode(), digest_size=8).digest()


def _entry(
    project: WorldProject,
    site: str,
    seed: int,
    vocabulary: str,
    styles: tuple[str, ...],
    disagreeing: bool = False,
) -> SiteEntry:
    rng = random.Random(f"{seed}:{site}:{project.key}")
    town = project.town.name
    entry = SiteEntry(
        project=project,
        site=site,
        title=vary_title(rng, project.title, town),
        summary=vary_summary(rng, project.summary, load_vocabulary().synonyms),
        address=address_view(rng, project.town, project.street, project.postcode, styles),
        tags=_pick_tags(rng, vocabulary, project.codes),
        slug=project.slug,
    )
    if not disagreeing or site == project.sites[0] or rng.random() >= DISAGREEING_SHARE:
        return entry
    return replace(
        entry,
        title=disagreeing_title(rng, project, entry.title),
        summary=disagreeing_summary(rng, entry.summary),
        address=disagreeing_address(rng, entry.address, project.town.commune_code),
    )


def build_entries(
    projects: Sequence[WorldProject],
    site: str,
    seed: int,
    vocabulary: str,
    styles: tuple[str, ...],
    *,
    disagreeing: bool = False,
) -> list[SiteEntry]:
    """The site's listings in the site's own (stable, pseudo-random) order.

    ``disagreeing``: copies beyond a project's first disagree more, and a few listings are
    shown twice at two URLs (``disagreements``).
    """
    mine = sorted((p for p in projects if site in p.sites), key=lambda p: _order_key(site, p))
    entries = [_entry(p, site, seed, vocabulary, styles, disagreeing) for p in mine]
    if not disagreeing:
        return entries
    # "--": no slug of the world has two dashes in a row, so no other project has this URL.
    again = [replace(e, slug=f"{e.slug}--2") for e in entries if relisted(site, e.project.key)]
    return entries + again


def with_quirks(entries: list[SiteEntry], quirks: Sequence[str]) -> list[SiteEntry]:
    """Give the listings of the lowest-numbered projects one quirk each (stable over mutations)."""
    chosen = sorted(entries, key=lambda e: e.project.number)[: len(quirks)]
    assigned = {e.project.key: q for e, q in zip(chosen, quirks, strict=True)}
    return [
        replace(
            e,
            quirk=assigned.get(e.project.key),
            title="" if assigned.get(e.project.key) == "no-title" else e.title,
        )
        for e in entries
    ]


def truth_row(entry: SiteEntry, url: str) -> dict[str, Any]:
    """The truth.jsonl line for one listing whose item URL (root-relative) is `url`."""
    project = entry.project
    return {
        "site": entry.site,
        "url": url,
        "project_key": project.key,
        "title": entry.title,
        "commune_code": project.town.commune_code,
        "postcode": project.postcode,
        "website": project.website,
        "network": project.network,
        "is_broken": entry.quirk in BROKEN_QUIRKS,
        "quirk": entry.quirk,
    }


def tag_slug(tag: str) -> str:
    """URL slug of a tag label, for tag links in HTML pages."""
    return slugify(tag) or "tag"
