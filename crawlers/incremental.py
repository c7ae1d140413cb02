"""Incremental recrawl: what the previous run knew, and what this run has seen so far.

Key concepts: for every page fetched with 200 the run records its HTTP validators (ETag,
Last-Modified), the requests it led to (role, URL, entry) and the items it yielded. The
next run sends those validators; a ``304 Not Modified`` *replays* the page — its requests
are issued again and its items carried forward without re-extraction. Items are then
classified against the previous run by content hash (new, changed, unchanged). At the
end, previously known URLs that answered 404/410, or that a complete listing no longer
reaches, are *removed*; the others not reached (errors, capped runs) are *carried*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cis.raw_store import RawStore
from cis.records import RawItem
from crawlers.extract.raw_items import ListingEntry, utc_now

Verdict = Literal["new", "changed", "unchanged", "duplicate"]
Replayed = tuple[list[tuple[str, str, ListingEntry | None]], list[RawItem]]


@dataclass
class CrawlState:
    """Previous run of one source plus the bookkeeping of the current run."""

    previous_items: dict[str, RawItem] = field(default_factory=dict)
    previous_pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)  # item URLs kept in this run
    gone: set[str] = field(default_factory=set)  # answered 404/410
    failed: set[str] = field(default_factory=set)  # detail pages that errored
    navigation_failed: bool = False  # a listing/document page failed: listing incomplete
    pages_ok: int = 0  # pages answered 200 or 304
    counts: Counter[str] = field(default_factory=Counter)

    @classmethod
    def load(cls, store: RawStore, source: str) -> CrawlState:
        """State seeded from the source's last successful run (empty if none)."""
        items = {item["url"]: item for item in store.latest_items(source)}
        return cls(previous_items=items, previous_pages=store.latest_state(source).get("pages", {}))

    def validators(self, url: str) -> dict[str, str]:
        """Conditional-request headers for ``url`` from the previous run."""
        record = self.previous_pages.get(url, {})
        headers = {}
        if record.get("etag"):
            headers["If-None-Match"] = record["etag"]
        if record.get("last_modified"):
            headers["If-Modified-Since"] = record["last_modified"]
        return headers

    def record_page(self, url: str, headers: Mapping[str, str]) -> None:
        """A page answered 200: remember its validators (its outputs follow)."""
        self.pages_ok += 1
        self.pages[url] = {
            "etag": headers.get("ETag", ""),
            "last_modified": headers.get("Last-Modified", ""),
            "requests": [],
            "items": [],
        }

    def record_request(
        self, page_url: str, role: str, url: str, entry: ListingEntry | None
    ) -> None:
        """``page_url`` led to a request for ``url`` in ``role``."""
        if page_url in self.pages:
            self.pages[page_url]["requests"].append([role, url, entry])

    def replay(self, url: str) -> Replayed:
        """A page answered 304: its previous requests, and its previous items refreshed."""
        self.pages_ok += 1
        record = self.previous_pages.get(url, {})
        self.pages[url] = {**record, "items": []}
        requests = [(role, link, entry) for role, link, entry in record.get("requests", [])]
        now = utc_now()
        items = [
            _refreshed(self.previous_items[item_url], now)
            for item_url in record.get("items", [])
            if item_url in self.previous_items
        ]
        return requests, items

    def accept(self, item: RawItem, page_url: str) -> Verdict:
        """Classify a kept item against the previous run and remember where it came from."""
        url = item["url"]
        if url in self.seen:
            verdict: Verdict = "duplicate"
        else:
            self.seen.add(url)
            previous = self.previous_items.get(url)
            if previous is None:
                verdict = "new"
            else:
                same = previous["content_hash"] == item["content_hash"]
                verdict = "unchanged" if same else "changed"
            if page_url in self.pages:
                self.pages[page_url]["items"].append(url)
        self.counts[verdict] += 1
        return verdict

    def mark_gone(self, url: str, navigation: bool) -> None:
        """``url`` answered 404/410."""
        self.gone.add(url)
        self.navigation_failed |= navigation

    def mark_failed(self, url: str, navigation: bool) -> None:
        """``url`` could not be fetched (errors after retries, timeouts)."""
        self.failed.add(url)
        self.navigation_failed |= navigation

    def finish(self, complete: bool) -> tuple[list[RawItem], list[str]]:
        """Items to carry forward unchanged, and URLs removed since the previous run."""
        unseen = set(self.previous_items) - self.seen
        removed = unseen & self.gone
        if complete:
            removed |= unseen - self.failed
        carried = sorted(unseen - removed)
        for url in carried:
            if url in self.previous_pages:
                self.pages.setdefault(url, self.previous_pages[url])
        self.counts["carried"] += len(carried)
        self.counts["removed"] += len(removed)
        return [self.previous_items[url] for url in carried], sorted(removed)

    def to_json(self, removed: list[str]) -> dict[str, Any]:
        """The state file of this run: pages that led somewhere, and the removals."""
        pages = {
            url: {**record, "items": sorted(set(record.get("items", [])))}
            for url, record in self.pages.items()
            if record.get("requests") or record.get("items")
        }
        return {"pages": pages, "removed": removed}


def _refreshed(item: RawItem, fetched_at: str) -> RawItem:
    """A copy of ``item`` confirmed as still current at ``fetched_at``."""
    copy = item.copy()
    copy["fetched_at"] = fetched_at
    return copy
