"""Raw-item construction shared by every extractor: hashing, URL resolution, page results."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypedDict

from cis.records import Extraction, RawItem
from cis.urls import absolute_url

URL_FIELDS = ("website", "image", "logo")


class ListingEntry(TypedDict):
    """What a listing, API record, CSV row or feed entry said about an item (JSON-safe)."""

    listing_url: str
    fields: dict[str, Any]
    extraction: Extraction


@dataclass(frozen=True)
class Rejection:
    """Why a page yielded no item at all (an item missing fields is the pipeline's call)."""

    reason: str


@dataclass
class PageResult:
    """What one fetched page yields: items, detail pages to fetch, more pages of its kind."""

    items: list[RawItem] = field(default_factory=list)
    follow: list[tuple[str, ListingEntry]] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    rejection: str | None = None  # why the page yielded nothing ("not-json", "empty-page"…)


def utc_now() -> str:
    """Current UTC time, ISO 8601 with a Z suffix."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def content_hash(fields: dict[str, Any]) -> str:
    """sha1 of the canonical JSON of ``fields`` (sorted keys, no spaces)."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()


def resolve_urls(fields: dict[str, Any], base_url: str) -> dict[str, Any]:
    """``fields`` with website/image/logo URLs made absolute (``cis.urls.absolute_url``)."""
    resolved = dict(fields)
    for name in URL_FIELDS:
        if isinstance(resolved.get(name), str):
            resolved[name] = absolute_url(base_url, resolved[name])
    return resolved


def make_item(
    source: str,
    url: str,
    entry: ListingEntry,
    fields: dict[str, Any],
    extraction: Extraction,
    fetched_at: str,
) -> RawItem:
    """A raw item; ``fields`` fill in first, the entry's (listing-side) fields after."""
    merged = {**entry["fields"], **fields}
    return RawItem(
        source=source,
        url=url,
        listing_url=entry["listing_url"],
        fetched_at=fetched_at,
        content_hash=content_hash(merged),
        extraction=extraction,
        fields=merged,
    )
