"""Pure extraction of HTML pages: a listing page into links/items, a detail page into an item."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urldefrag, urljoin

from parsel import Selector

from cis.records import RawItem
from cis.text import fold
from crawlers.config.model import FieldSpec, Scope, SourceConfig
from crawlers.extract.raw_items import ListingEntry, PageResult, Rejection, make_item, resolve_urls
from crawlers.extract.select import clean, select_html
from crawlers.extract.structured import read_structured


def extract_detail(
    text: str, url: str, config: SourceConfig, entry: ListingEntry, fetched_at: str
) -> RawItem | Rejection:
    """One detail page into a raw item: structured data first, then the detail selectors."""
    if not text.strip():
        return Rejection("empty-page")
    structured, syntax = read_structured(text, url)
    selected = scoped_fields(Selector(text=text), config, "detail")
    fields = resolve_urls({**selected, **structured}, url)
    if syntax is not None:
        extraction = syntax
    elif "title" in selected:
        extraction = "selectors"
    else:
        extraction = entry["extraction"]
    return make_item(config.id, url, entry, fields, extraction, fetched_at)


def extract_listing(text: str, url: str, config: SourceConfig, fetched_at: str) -> PageResult:
    """A listing page: next-page links, plus detail links to follow or items read in place."""
    page = Selector(text=text)
    nav = config.navigation
    result = PageResult(next_pages=links(page, nav.next_page, url))
    if nav.items is None:
        entry = ListingEntry(listing_url=url, fields={}, extraction="selectors")
        result.follow = [(link, entry) for link in links(page, nav.follow, url)]
        return result
    for node in _nodes(page, nav.items):
        fields = resolve_urls(scoped_fields(node, config, "listing"), url)
        entry = ListingEntry(listing_url=url, fields=fields, extraction="selectors")
        if nav.follow is not None:
            result.follow.extend((link, entry) for link in links(node, nav.follow, url)[:1])
        else:
            item_url = next(iter(links(node, nav.item_url, url)), "") or _anchor(url, fields)
            result.items.append(make_item(config.id, item_url, entry, {}, "selectors", fetched_at))
    return result


def scoped_fields(node: Selector, config: SourceConfig, scope: Scope) -> dict[str, Any]:
    """The css/xpath fields of ``config`` read in ``scope`` from ``node``."""
    fields = {}
    for name, spec in config.fields.items():
        if spec.kind != "path" and config.field_scope(spec) == scope:
            value = select_html(node, spec)
            if value is not None:
                fields[name] = value
    return fields


def links(node: Selector, spec: FieldSpec | None, base_url: str) -> list[str]:
    """Absolute http(s) URLs (fragment dropped) that ``spec`` selects, in page order, unique.

    A selected element stands for its ``href`` (its own, else its first descendant's).
    """
    if spec is None:
        return []
    raw = (_link_value(match, spec) for match in _nodes(node, spec))
    values = clean((value for value in raw if value), dataclasses.replace(spec, many=True)) or []
    absolute = (urldefrag(urljoin(base_url, value))[0] for value in values)
    return list(dict.fromkeys(url for url in absolute if url.startswith(("http://", "https://"))))


def _link_value(match: Selector, spec: FieldSpec) -> str | None:
    if spec.attr is not None:
        return match.attrib.get(spec.attr)
    if isinstance(match.root, str):
        return match.root
    return match.attrib.get("href") or match.xpath(".//@href").get()


def _nodes(node: Selector, spec: FieldSpec) -> list[Selector]:
    return list(node.css(spec.expr) if spec.kind == "css" else node.xpath(spec.expr))


def _anchor(listing_url: str, fields: dict[str, Any]) -> str:
    """A stable URL for an item without a page of its own: the listing plus a title slug."""
    title = fields.get("title")
    if not isinstance(title, str) or not title:
        return ""
    return f"{listing_url}#{fold(title).replace(' ', '-')}"
