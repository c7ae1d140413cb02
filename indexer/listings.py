"""Reading the raw store into listings: every source's last good run, normalised and geocoded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from tqdm import tqdm

from cis.records import RawItem
from crawlers.raw_store import RawStore
from indexer.geocode import Geocoder
from indexer.listing import Listing
from indexer.normalise import RejectedItem, normalise
from indexer.taxonomy import Taxonomy


@dataclass
class ReadReport:
    """What reading the raw store found: items, rejections by reason, unmapped tags."""

    raw_items: int = 0
    sources: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    unknown_tags: Counter[str] = field(default_factory=Counter)


def read_listings(store: RawStore, *, progress: bool = True) -> tuple[list[Listing], ReadReport]:
    """Every normalisable item of every source's latest run; the rest counted by reason."""
    taxonomy, geocoder = Taxonomy.load(), Geocoder.load()
    report = ReadReport(sources=len(store.sources()))
    listings: list[Listing] = []
    for source, item in tqdm(
        _items(store), desc="normalise", unit=" items", disable=None if progress else True
    ):
        report.raw_items += 1
        contributor = store.latest_contributor(source)
        try:
            listing = normalise(
                item,
                source_name=contributor.get("name") or source,
                tag_table=_known_table(taxonomy, contributor.get("tag_table")),
                taxonomy=taxonomy,
                geocoder=geocoder,
            )
        except RejectedItem as rejection:
            report.rejected[f"{source}: {rejection.reason}"] += 1
            continue
        report.unknown_tags.update(listing.unknown_tags)
        listings.append(listing)
    return listings, report


def _items(store: RawStore) -> Iterator[tuple[str, RawItem]]:
    for source in store.sources():
        for item in store.latest_items(source):
            yield source, item


def _known_table(taxonomy: Taxonomy, name: str | None) -> str | None:
    # `cis sources check` flags unknown tables; their items still index, coded from labels.
    try:
        return taxonomy.table_name(name) or None
    except ValueError:
        return None
