"""The records that flow through CIS: raw item (crawler) → project (indexer) → engine.

Key concepts: a *raw item* is what one contributor page says, uncleaned, as one JSON
line of the raw store; a *project* is one real-world project, merged from every raw
item that describes it, with the contributors that list it and per-field provenance.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

Extraction = Literal["json-ld", "microdata", "opengraph", "selectors", "api", "csv", "feed"]
# "homonym": a commune of that name among several, none of them named by anything else
# the listing or its contributor says: the most populous one, a guess.
GeoPrecision = Literal["commune", "homonym", "departement", "region", "none"]


class RawItem(TypedDict):
    """One extracted item, as appended to ``data/raw/<source>/<run>.jsonl``."""

    source: str  # contributor id (the config file's id)
    url: str  # the project's page at the contributor
    listing_url: str  # where the item was found
    fetched_at: str  # ISO 8601, UTC
    content_hash: str  # sha1 of the canonical JSON of `fields`
    extraction: Extraction
    # Fields as extracted, uncleaned. Known keys: title, summary, description,
    # organisation, partners, address, street, postcode, city, region, website, image,
    # logo, tags (list of raw labels), date, siret, legal_status, contact.
    fields: dict[str, Any]


class Address(TypedDict, total=False):
    """A postal address as written, with the commune, département and région it resolves to."""

    street: str
    postcode: str
    city: str  # as written by the contributor
    commune_code: str  # INSEE code
    commune: str
    # Paris, Lyon and Marseille: the municipal arrondissement, when the postcode names it.
    arrondissement_code: str  # INSEE code, 75111
    arrondissement: str  # "Paris 11e Arrondissement"
    departement_code: str
    departement: str
    region_code: str
    region: str


class Location(TypedDict):
    """A WGS84 point."""

    lat: float
    lon: float


class SourceRef(TypedDict):
    """One contributor that lists a project, with its page there."""

    source: str  # contributor id
    name: str  # contributor display name
    url: str  # the project's page at that contributor
    first_seen: str
    last_seen: str


class Project(TypedDict):
    """One real project; the document every engine stores and returns."""

    id: str  # stable across reindexing and recrawls
    title: str
    summary: str  # <= ~300 chars
    description: str
    organisation: str
    partners: list[str]  # every partner any contributor names
    website: str
    image: str
    address: Address
    location: Location | None
    geo_precision: GeoPrecision
    codes: list[str]  # CIS codes
    domains: list[str]  # facet keys derived from codes
    publics: list[str]
    methods: list[str]
    raw_tags: dict[str, list[str]]  # contributor id -> raw labels as written
    sources: list[SourceRef]
    provenance: dict[str, str]  # field name -> contributor id that supplied it
    first_seen: str
    updated_at: str
    siret: NotRequired[str]
    legal_status: NotRequired[str]
    date: NotRequired[str]


class LicenceTerms(TypedDict):
    """The licence under which a contributor publishes its listing."""

    name: str  # e.g. "Licence Ouverte 2.0 (Etalab)", "CC BY-SA 4.0"
    url: str  # its text, "" when the config gives none


class SourceDescription(TypedDict):
    """A contributor's public description, as the crawler last read it from its config."""

    id: str
    name: str
    homepage: str
    logo: str  # "" when none
    licence: LicenceTerms | None  # None: the contributor has not stated one
    # Where corrections go (an e-mail address); absent in descriptions from older crawls.
    contact: NotRequired[str]
