"""The six fixture sites, declared once: id, kind, name, tag vocabulary, renderer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cis_devtools.fixture_sites import (
    site_api,
    site_csv,
    site_feed,
    site_html,
    site_jsonld,
    site_sitemap,
)
from cis_devtools.fixture_sites.entries import SiteEntry
from cis_devtools.fixture_sites.markup import SiteBuild
from cis_devtools.fixture_sites.world import WorldProject

Renderer = Callable[[list[SiteEntry], Sequence[WorldProject]], SiteBuild]
_FREE_TEXT = ("full", "full", "postcode_city", "city_dept", "region_city", "cedex", "street_city")
_STRUCTURED = ("full", "full", "full", "postcode_city", "street_city", "cedex")


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """One fixture site: what it is, whose tags it uses, how likely a project is listed there."""

    id: str
    kind: str
    name: str
    tag_vocabulary: str  # a `source` of cis-tag-mapping.csv
    weight: float
    address_styles: tuple[str, ...]
    render: Renderer


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        "fx-html",
        "html",
        "Portail des initiatives solidaires",
        "Avise",
        1.2,
        _FREE_TEXT,
        site_html.render,
    ),
    SiteSpec(
        "fx-api",
        "api",
        "Banque d'expériences des CCAS",
        "UNCCAS",
        1.0,
        _STRUCTURED,
        site_api.render,
    ),
    SiteSpec(
        "fx-sitemap",
        "sitemap",
        "Carte des alternatives",
        "Semeoz",
        1.0,
        _FREE_TEXT,
        site_sitemap.render,
    ),
    SiteSpec(
        "fx-jsonld",
        "jsonld",
        "Annuaire de l'ESS",
        "Le Labo de l'ESS",
        1.0,
        _STRUCTURED,
        site_jsonld.render,
    ),
    SiteSpec(
        "fx-csv",
        "csv",
        "Données ouvertes des projets européens en région",
        "Europe en France V2",
        1.1,
        _STRUCTURED,
        site_csv.render,
    ),
    SiteSpec("fx-feed", "feed", "Fil des territoires", "Citego", 0.7, _FREE_TEXT, site_feed.render),
)


def site_weights() -> dict[str, float]:
    """Site id → relative chance that a project is listed there."""
    return {spec.id: spec.weight for spec in SITES}
