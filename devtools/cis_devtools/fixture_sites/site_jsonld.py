"""fx-jsonld: a paginated directory whose detail pages carry schema.org data.

Most pages hold JSON-LD, some only microdata, some only OpenGraph meta tags.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from cis_devtools.fixture_sites.entries import SiteEntry, truth_row, with_quirks
from cis_devtools.fixture_sites.markup import SiteBuild, chunks, origin, page, robots
from cis_devtools.fixture_sites.variants import AddressView
from cis_devtools.fixture_sites.world import WorldProject

SITE = "fx-jsonld"
PAGE_SIZE = 24
_SCHEMA = "https://schema.org"


def style_of(project: WorldProject) -> str:
    """Which of the three markups a project's page uses (~70/15/15 %)."""
    bucket = project.number % 20
    return "json-ld" if bucket < 14 else "microdata" if bucket < 17 else "opengraph"


def _page_path(number: int) -> str:
    return "/annuaire/" if number == 1 else f"/annuaire/?page={number}"


def _href(entry: SiteEntry) -> str:
    folder = "brouillons/" if entry.quirk == "robots-disallowed" else ""
    return f"/annuaire/{folder}{entry.slug}/"


def _listing(entries: Sequence[SiteEntry], number: int, last: bool) -> str:
    items = "\n".join(
        f'<div class="annuaire-item"><a class="annuaire-item__link" href="{_href(e)}">'
        f"{escape(e.title)}</a></div>"
        for e in entries
    )
    nxt = (
        "" if last else f'<a class="next" rel="next" href="{_page_path(number + 1)}">Suivant »</a>'
    )
    return page(f"Annuaire, page {number}", f"<h1>Annuaire</h1>\n{items}\n<nav>{nxt}</nav>")


def _postal(address: AddressView) -> dict[str, str]:
    postal = {
        "@type": "PostalAddress",
        "streetAddress": address.street,
        "postalCode": address.postcode,
        "addressLocality": address.city,
        "addressRegion": address.region,
        "addressCountry": "FR",
    }
    return {k: v for k, v in postal.items() if v}


def _jsonld(entry: SiteEntry) -> dict[str, Any]:
    project = entry.project
    data: dict[str, Any] = {
        "@context": _SCHEMA,
        "@type": "Project",
        "name": entry.title,
        "description": entry.summary,
        "url": f"{origin(SITE)}{_href(entry)}",
        "address": _postal(entry.address),
        "keywords": ", ".join(entry.tags),
        "sameAs": project.website,
        "foundingDate": str(project.year),
        "image": f"{origin(SITE)}/media/{entry.slug}.jpg" if project.has_image else None,
        "parentOrganization": (
            {"@type": "Organization", "name": project.organisation}
            if project.organisation
            else None
        ),
    }
    data = {k: v for k, v in data.items() if v}
    return _as_graph(data) if project.number % 10 == 3 else data


def _as_graph(data: dict[str, Any]) -> dict[str, Any]:
    # Yoast-style pages put the project inside an @graph next to the WebPage node.
    page_node = {"@type": "WebPage", "@id": data["url"], "name": data.get("name", "")}
    node = {k: v for k, v in data.items() if k != "@context"}
    return {"@context": _SCHEMA, "@graph": [page_node, node]}


def _visible(entry: SiteEntry) -> str:
    return f"<h1>{escape(entry.title)}</h1>\n<p>{escape(entry.summary)}</p>"


def _microdata_address(address: AddressView) -> str:
    spans = "".join(
        f'<span itemprop="{prop}">{escape(value)}</span> '
        for prop, value in (
            ("streetAddress", address.street),
            ("postalCode", address.postcode),
            ("addressLocality", address.city),
        )
        if value
    )
    return f'<div itemprop="address" itemscope itemtype="{_SCHEMA}/PostalAddress">{spans.strip()}</div>'


def _microdata(entry: SiteEntry) -> str:
    project = entry.project
    parts = [
        f'<h1 itemprop="name">{escape(entry.title)}</h1>',
        f'<p itemprop="description">{escape(entry.summary)}</p>',
        f'<link itemprop="url" href="{origin(SITE)}{_href(entry)}">',
        _microdata_address(entry.address),
    ]
    parts.append(f'<meta itemprop="keywords" content="{escape(", ".join(entry.tags))}">')
    if project.website:
        parts.append(f'<a itemprop="sameAs" href="{escape(project.website)}">Site web</a>')
    if project.has_image:
        parts.append(f'<img itemprop="image" src="/media/{entry.slug}.jpg" alt="">')
    if project.organisation:
        parts.append(
            f'<div itemprop="parentOrganization" itemscope itemtype="{_SCHEMA}/'
            f'Organization"><span itemprop="name">{escape(project.organisation)}'
            "</span></div>"
        )
    inner = "\n  ".join(parts)
    return f'<div itemscope itemtype="{_SCHEMA}/Project">\n  {inner}\n</div>'


def _opengraph(entry: SiteEntry) -> str:
    project, address = entry.project, entry.address
    props = [
        ("og:title", entry.title),
        ("og:description", entry.summary),
        ("og:url", f"{origin(SITE)}{_href(entry)}"),
        ("og:type", "website"),
        ("og:site_name", "Annuaire de l'ESS"),
        ("og:image", f"{origin(SITE)}/media/{entry.slug}.jpg" if project.has_image else None),
        ("og:street-address", address.street),
        ("og:postal-code", address.postcode),
        ("og:locality", address.city),
        ("og:region", address.region),
        *(("article:tag", tag) for tag in entry.tags),
    ]
    metas = "".join(f'<meta property="{p}" content="{escape(v)}">\n' for p, v in props if v)
    if project.organisation:
        metas += f'<meta name="author" content="{escape(project.organisation)}">\n'
    return metas


def _detail(entry: SiteEntry) -> str:
    style = style_of(entry.project)
    title = entry.title or "Fiche"
    if style == "microdata":
        return page(title, _microdata(entry))
    if style == "opengraph":
        return page(title, _visible(entry), head=_opengraph(entry))
    script = json.dumps(_jsonld(entry), ensure_ascii=False, indent=1).replace("</", "<\\/")
    head = f'<script type="application/ld+json">\n{script}\n</script>\n'
    return page(title, _visible(entry), head=head)


def render(entries: list[SiteEntry], gone: Sequence[WorldProject]) -> SiteBuild:
    """Build fx-jsonld: listing pages routed by `?page=N` and schema.org detail pages."""
    entries = with_quirks(entries, ("robots-disallowed",))
    build = SiteBuild(entry_paths=["/annuaire/"])
    build.add_text("robots.txt", robots("/annuaire/brouillons/"))
    pages = chunks(entries, PAGE_SIZE)
    for number, chunk in enumerate(pages, start=1):
        path = f"annuaire/page-{number}.html" if number > 1 else "annuaire/index.html"
        build.add_text(path, _listing(chunk, number, last=number == len(pages)))
        if number > 1:
            build.routes[_page_path(number)] = {"kind": "file", "file": path}
    for entry in entries:
        build.truth.append(truth_row(entry, _href(entry)))
        build.add_text(_href(entry).lstrip("/") + "index.html", _detail(entry))
    return build
