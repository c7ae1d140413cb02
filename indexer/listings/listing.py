"""A listing: one raw item after normalisation and geocoding, ready for dedup and merge."""

from __future__ import annotations

from dataclasses import dataclass, field

from cis.records import Address, GeoPrecision, Location


@dataclass(slots=True)
class Listing:
    """One contributor's description of a project, cleaned; many listings make one project."""

    source: str  # contributor id
    source_name: str  # contributor display name
    url: str  # the project's page at the contributor
    fetched_at: str  # ISO 8601 UTC
    title: str
    summary: str = ""  # <= ~300 chars, cut on a word boundary
    description: str = ""
    organisation: str = ""
    partners: list[str] = field(default_factory=list)
    website: str = ""  # canonical URL ("" when unknown)
    image: str = ""
    date: str = ""
    siret: str = ""  # 14 digits or ""
    legal_status: str = ""
    address: Address = field(default_factory=lambda: Address())
    location: Location | None = None
    geo_precision: GeoPrecision = "none"
    codes: list[str] = field(default_factory=list)  # CIS codes, sorted, unique
    domains: list[str] = field(default_factory=list)  # facet keys derived from codes
    publics: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    raw_tags: list[str] = field(default_factory=list)  # as the contributor wrote them
    unknown_tags: list[str] = field(default_factory=list)  # raw tags with no CIS code


def listing_key(listing: Listing) -> str:
    """The stable name of a listing: its contributor id and page URL."""
    return f"{listing.source}|{listing.url}"
