"""Validate one parsed contributor config into a ``SourceConfig`` (the boundary check)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cis.geo.names import fold_place
from cis.geo.tables import load_tables
from cis.raw_fields import RAW_FIELDS
from cis.urls import safe_http_url
from crawlers.config.fields import check_regex, parse_field
from crawlers.config.model import (
    BASE_URL,
    KINDS,
    FieldSpec,
    Kind,
    Licence,
    Limits,
    Navigation,
    Politeness,
    RecordLayout,
    SourceConfig,
)
from crawlers.config.reader import Reader, SourceError
from crawlers.config.vocabulary import parse_vocabulary

TOP_KEYS = (
    "id", "name", "homepage", "logo", "licence", "contact", "kind", "verified", "tag_table",
    "vocabulary", "territory", "spider",
    "base_url", "start_urls", "navigation", "sitemap", "records", "complete", "fields", "politeness",
    "limits",
)  # fmt: skip
HTML_KINDS = ("html", "structured", "sitemap")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SPIDER = re.compile(r"^[\w.]+:\w+$")
# A licence name is one line; ';' separates the contributors of a row in the CSV export.
_NOT_IN_NAME = re.compile(r"[;\x00-\x1f\x7f]")
MAX_LICENCE_NAME = 200
# An address a mailto: link can carry: one @, no spaces, quotes, brackets or query characters.
_EMAIL = re.compile(r"^[^@\s<>\"?&]+@[^@\s<>\"?&]+\.[^@\s<>\"?&]+$")


def parse_source(path: Path, data: Any) -> tuple[SourceConfig | None, list[SourceError]]:
    """Check ``data`` (one parsed YAML file) and build its config, or list what is wrong."""
    reader = Reader(path)
    if not isinstance(data, dict):
        reader.error("(file)", "expected a mapping of keys at the top level")
        return None, reader.errors
    reader.check_keys(data, "", TOP_KEYS)
    kind = _kind(reader, data)
    config = SourceConfig(
        path=path, kind=kind, **_identity(reader, data, path), **_crawling(reader, data, kind)
    )
    _check_kind_needs(reader, config)
    _check_base_url(reader, config)
    return (None if reader.errors else config), reader.errors


def _identity(reader: Reader, data: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """Who the contributor is, and how its data may be used."""
    return {
        "id": _identifier(reader, data, path),
        "name": reader.text(data, "name", required=True),
        "homepage": reader.text(data, "homepage", required=True),
        "logo": reader.text(data, "logo"),
        "licence": _licence(reader, data.get("licence")),
        "contact": _contact(reader, data),
        "vocabulary": parse_vocabulary(reader, data, path),
        "territory": _territory(reader, data),
        "verified": reader.flag(data, "verified"),
    }


def _crawling(reader: Reader, data: Mapping[str, Any], kind: Kind) -> dict[str, Any]:
    """Where the crawl starts, how it navigates, what it reads, how gently."""
    return {
        "base_url": reader.text(data, "base_url"),
        "start_urls": _start_urls(reader, data),
        "fields": _fields(reader, data, kind),
        "navigation": _navigation(reader, reader.mapping(data, "navigation")),
        "sitemap_follow": _patterns(reader, reader.mapping(data, "sitemap")),
        "records": _records(reader, reader.mapping(data, "records")),
        "complete": reader.flag(data, "complete", default=True),
        "spider": _spider(reader, data),
        "politeness": _politeness(reader, reader.mapping(data, "politeness")),
        "limits": _limits(reader, reader.mapping(data, "limits")),
    }


def _territory(reader: Reader, data: Mapping[str, Any]) -> tuple[str, ...]:
    """``territory: [Mayenne, Sarthe]``: the départements or régions the contributor covers.

    Names or département codes, kept as written; each must name one.
    """
    names = reader.strings(data, "territory")
    if names:
        areas = load_tables().area_keys
        for name in names:
            if fold_place(name) not in areas:
                reader.error("territory", f"{name!r} names no French département or région")
    return names


def _licence(reader: Reader, raw: Any) -> Licence | None:
    """``licence: CC BY-SA 4.0`` or ``licence: {name: …, url: …}``; absent: not stated."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, dict):
        reader.error("licence", "expected a licence name or {name: …, url: …}")
        return None
    reader.check_keys(raw, "licence", ("name", "url"))
    name = reader.text(raw, "name", "licence", required=True).strip()
    if len(name) > MAX_LICENCE_NAME or _NOT_IN_NAME.search(name):
        reader.error(
            "licence.name", f"must be one line of at most {MAX_LICENCE_NAME} characters, no ';'"
        )
    url = reader.text(raw, "url", "licence")
    if url and safe_http_url(url) is None:
        reader.error("licence.url", f"{url!r} is not a well-formed absolute http(s) URL")
    return Licence(name, safe_http_url(url) or "") if name else None


def _contact(reader: Reader, data: Mapping[str, Any]) -> str:
    """The e-mail address corrections go to, or ""."""
    contact = reader.text(data, "contact").strip()
    if contact and (len(contact) > 254 or not _EMAIL.match(contact)):
        reader.error(
            "contact", f"{contact[:80]!r} is not an e-mail address like equipe@example.org"
        )
        return ""
    return contact


def _kind(reader: Reader, data: Mapping[str, Any]) -> Kind:
    kind = reader.text(data, "kind", required=True)
    if kind and kind not in KINDS:
        reader.error("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    return kind if kind in KINDS else "html"


def _identifier(reader: Reader, data: Mapping[str, Any], path: Path) -> str:
    ident = reader.text(data, "id", required=True)
    if ident and not _ID.match(ident):
        reader.error("id", f"{ident!r} must be lower-case letters, digits and dashes")
    elif ident and ident != path.stem:
        reader.error("id", f"{ident!r} must equal the file name {path.stem!r}")
    return ident


def _start_urls(reader: Reader, data: Mapping[str, Any]) -> tuple[str, ...]:
    urls = reader.strings(data, "start_urls", required=True)
    for index, url in enumerate(urls):
        if not url.startswith(("http://", "https://", BASE_URL)):
            reader.error(f"start_urls[{index}]", f"{url!r} is not an http(s) URL or {BASE_URL}")
    return urls


def _check_base_url(reader: Reader, config: SourceConfig) -> None:
    if config.base_url and not config.base_url.startswith(("http://", "https://")):
        reader.error("base_url", f"{config.base_url!r} is not an http(s) URL")
    elif config.needs_base_url and not config.base_url:
        reader.error("base_url", f"is required: {BASE_URL} is used in start_urls, homepage or logo")


def _spider(reader: Reader, data: Mapping[str, Any]) -> str | None:
    spider = reader.text(data, "spider")
    if spider and not _SPIDER.match(spider):
        reader.error("spider", f"{spider!r} must read 'package.module:ClassName'")
    return spider or None


def _fields(reader: Reader, data: Mapping[str, Any], kind: Kind) -> dict[str, FieldSpec]:
    specs = {}
    for name, raw in reader.mapping(data, "fields").items():
        key = f"fields.{name}"
        if name not in RAW_FIELDS:
            reader.error(key, f"unknown field (known: {', '.join(RAW_FIELDS)})")
        spec = parse_field(reader, raw, key)
        if spec is None:
            continue
        if spec.kind == "path" and kind in HTML_KINDS:
            reader.error(key, f"'path' reads JSON/CSV/feed records; kind {kind} needs css or xpath")
        specs[str(name)] = spec
    return specs


def _navigation(reader: Reader, raw: Mapping[str, Any]) -> Navigation:
    names = ("items", "follow", "next_page", "item_url")
    reader.check_keys(raw, "navigation", names)
    specs = {
        name: parse_field(reader, raw[name], f"navigation.{name}") for name in names if name in raw
    }
    return Navigation(
        items=specs.get("items"),
        follow=specs.get("follow"),
        next_page=specs.get("next_page"),
        item_url=specs.get("item_url"),
    )


def _patterns(reader: Reader, raw: Mapping[str, Any]) -> tuple[str, ...]:
    reader.check_keys(raw, "sitemap", ("follow",))
    patterns = reader.strings(raw, "follow", "sitemap")
    for index, pattern in enumerate(patterns):
        check_regex(reader, f"sitemap.follow[{index}]", pattern)
    return patterns


def _records(reader: Reader, raw: Mapping[str, Any]) -> RecordLayout:
    reader.check_keys(raw, "records", ("items", "next", "url", "delimiter", "follow"))
    delimiter = reader.text(raw, "delimiter", "records") or ","
    if len(delimiter) != 1:
        reader.error("records.delimiter", f"{delimiter!r} must be one character")
    return RecordLayout(
        items=reader.text(raw, "items", "records"),
        next=reader.text(raw, "next", "records"),
        url=reader.text(raw, "url", "records"),
        delimiter=delimiter[:1] or ",",
        follow=reader.flag(raw, "follow", "records"),
    )


def _politeness(reader: Reader, raw: Mapping[str, Any]) -> Politeness:
    reader.check_keys(raw, "politeness", ("download_delay", "concurrency"))
    delay = reader.number(raw, "download_delay", "politeness", minimum=0, maximum=60)
    concurrency = reader.number(raw, "concurrency", "politeness", minimum=1, maximum=2)
    return Politeness(delay, None if concurrency is None else int(concurrency))


def _limits(reader: Reader, raw: Mapping[str, Any]) -> Limits:
    reader.check_keys(raw, "limits", ("max_pages", "max_items"))
    pages = reader.number(raw, "max_pages", "limits", minimum=1, maximum=10_000_000)
    items = reader.number(raw, "max_items", "limits", minimum=1, maximum=10_000_000)
    return Limits(None if pages is None else int(pages), None if items is None else int(items))


def _check_kind_needs(reader: Reader, config: SourceConfig) -> None:
    nav, records = config.navigation, config.records
    if config.kind in ("html", "structured") and nav.follow is None and nav.items is None:
        reader.error("navigation", f"kind {config.kind} needs navigation.items or .follow")
    if config.kind == "html" and nav.follow is None and "title" not in config.fields:
        reader.error("fields.title", "items without a detail page need a title selector")
    if config.kind == "structured" and nav.follow is None:
        reader.error("navigation.follow", "kind structured reads detail pages: give follow")
    if config.kind == "api" and not (records.items and records.url):
        reader.error("records", "kind api needs records.items and records.url (dotted paths)")
    if config.kind == "csv" and not records.url:
        reader.error("records.url", "kind csv needs the column holding each row's page URL")
    if config.kind in ("api", "csv", "feed"):
        _check_record_fields(reader, config)


def _check_record_fields(reader: Reader, config: SourceConfig) -> None:
    title = config.fields.get("title")
    if not config.records.follow and (title is None or title.kind != "path"):
        reader.error("fields.title", f"kind {config.kind} needs a title path or records.follow")
    for name, spec in config.fields.items():
        if spec.kind != "path" and not config.records.follow:
            reader.error(f"fields.{name}", f"{spec.kind} reads detail pages: set records.follow")
