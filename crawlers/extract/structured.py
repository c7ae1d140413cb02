"""Read structured data embedded in a page (schema.org JSON-LD, microdata, OpenGraph).

Key concepts: extruct parses the three syntaxes into one uniform shape; the page's
*main entity* is its first named node that is not page furniture (WebPage, breadcrumbs…);
schema.org properties map to raw-item fields through the tables below. The first syntax
that yields a title wins, in the order JSON-LD, microdata, OpenGraph.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import extruct
from parsel import Selector

from cis.records import Extraction

SYNTAXES: tuple[Extraction, ...] = ("json-ld", "microdata", "opengraph")
FURNITURE = frozenset(
    {"WebPage", "WebSite", "BreadcrumbList", "ListItem", "SearchAction", "ImageObject",
     "SiteNavigationElement", "WPHeader", "WPFooter", "ItemList"}
)  # fmt: skip
TEXT_PROPS: Mapping[str, tuple[str, ...]] = {
    "title": ("name", "headline"),
    "description": ("description",),
    "summary": ("disambiguatingDescription", "abstract"),
    "date": ("foundingDate", "startDate", "dateCreated", "datePublished"),
    "contact": ("email", "telephone"),
}
ORGANISATION_PROPS = ("parentOrganization", "organizer", "founder", "sponsor", "funder", "provider")
ADDRESS_PROPS: Mapping[str, str] = {
    "streetAddress": "street",
    "postalCode": "postcode",
    "addressLocality": "city",
    "addressRegion": "region",
}
OPENGRAPH_PROPS: Mapping[str, str] = {
    "og:title": "title",
    "og:description": "summary",
    "og:image": "image",
    "og:street-address": "street",
    "og:postal-code": "postcode",
    "og:locality": "city",
    "og:region": "region",
}


def read_structured(html: str, url: str) -> tuple[dict[str, Any], Extraction | None]:
    """Fields of the page's main entity and the syntax they came from, ({}, None) if none."""
    data = extruct.extract(
        html, base_url=url, syntaxes=list(SYNTAXES), uniform=True, with_og_array=True,
        errors="ignore",
    )  # fmt: skip
    for syntax in ("json-ld", "microdata"):
        entity = main_entity(data.get(syntax, []), url)
        if entity is not None and (fields := schema_fields(entity, url)).get("title"):
            return fields, syntax
    fields = opengraph_fields(data.get("opengraph", []), html)
    return (fields, "opengraph") if fields.get("title") else ({}, None)


def main_entity(nodes: list[Any], page_url: str) -> dict[str, Any] | None:
    """The first named node that is neither page furniture nor the site's own publisher."""
    for node in _flatten(nodes):
        types = node.get("@type", [])
        types = {types} if isinstance(types, str) else set(types)
        if node.get("name") and not types & FURNITURE and not _is_site_root(node, page_url):
            return node
    return None


def _is_site_root(node: Mapping[str, Any], page_url: str) -> bool:
    """A node whose url is the home page of the page's site describes the publisher."""
    url = node.get("url")
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.netloc == urlsplit(page_url).netloc and parts.path in ("", "/")


def _flatten(nodes: list[Any]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        if isinstance(node, list):
            yield from _flatten(node)
        elif isinstance(node, dict):
            yield node
            yield from _flatten(node.get("@graph", []))


def schema_fields(entity: Mapping[str, Any], page_url: str) -> dict[str, Any]:
    """Raw-item fields from one schema.org entity."""
    fields: dict[str, Any] = {}
    for name, props in TEXT_PROPS.items():
        _put(fields, name, next(filter(None, (_text(entity.get(p)) for p in props)), None))
    address = entity.get("address") or _get(entity.get("location"), "address")
    if isinstance(address, Mapping):
        for prop, name in ADDRESS_PROPS.items():
            _put(fields, name, _text(address.get(prop)))
    else:
        _put(fields, "address", _text(address))
    organisations = (_name(entity.get(p)) for p in ORGANISATION_PROPS)
    _put(fields, "organisation", next(filter(None, organisations), None))
    _put(fields, "tags", _keywords(entity.get("keywords")))
    _put(fields, "image", _url(entity.get("image")))
    _put(fields, "logo", _url(entity.get("logo")))
    _put(fields, "website", _offsite_url(entity, page_url))
    return fields


def opengraph_fields(nodes: list[Any], html: str) -> dict[str, Any]:
    """Raw-item fields from OpenGraph properties (plus ``<meta name=author>``)."""
    props: dict[str, Any] = {}
    for node in nodes:
        if isinstance(node, dict):
            props.update(node)
    fields: dict[str, Any] = {}
    for prop, name in OPENGRAPH_PROPS.items():
        _put(fields, name, _text(props.get(prop)))
    tags = props.get("article:tag", [])
    _put(fields, "tags", [tags] if isinstance(tags, str) else [t for t in tags if t])
    if fields:
        _put(
            fields,
            "organisation",
            Selector(text=html).css("meta[name=author]::attr(content)").get(),
        )
    return fields


def _put(fields: dict[str, Any], name: str, value: Any) -> None:
    if isinstance(value, str):
        value = " ".join(value.split())
    if value:
        fields[name] = value


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, Mapping) else None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("@value") or value.get("name")
    return str(value) if isinstance(value, str | int | float) and value != "" else None


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return _text(value.get("name") if isinstance(value, Mapping) else value)


def _url(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return _text(
        _get(value, "url") or _get(value, "contentUrl") if isinstance(value, Mapping) else value
    )


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [text for item in value if (text := _text(item))]
    return []


def _offsite_url(entity: Mapping[str, Any], page_url: str) -> str | None:
    """The project's own website: ``sameAs`` or ``url`` when it is not the page's site."""
    same_as = entity.get("sameAs")
    candidates = [*(same_as if isinstance(same_as, list) else [same_as]), entity.get("url")]
    page_host = urlsplit(page_url).netloc
    offsite = (
        candidate
        for candidate in candidates
        if isinstance(candidate, str) and candidate.startswith("http")
        and urlsplit(candidate).netloc != page_host
    )  # fmt: skip
    return next(offsite, None)
