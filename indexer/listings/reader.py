"""Reading the raw store into listings: a source's last good run, normalised and geocoded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from tqdm import tqdm

from cis.raw_store import RawStore
from cis.records import RawItem
from cis.vocabulary import SourceVocabulary, tag_table_name
from indexer.geo.geocoder import Geocoder
from indexer.listings.listing import Listing
from indexer.listings.normalise import RejectedItem, normalise
from indexer.listings.taxonomy import Taxonomy


@dataclass
class ReadReport:
    """What reading the raw store found: items, rejections by reason, unmapped tags."""

    raw_items: int = 0
    sources: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    unknown_tags: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)  # source → tags and publics read
    unmapped: Counter[str] = field(default_factory=Counter)  # source → those without a code

    def unmapped_shares(self) -> list[str]:
        """One "source: 12 % of 340 labels unmapped" per source that has labels."""
        return [
            f"{source}: {self.unmapped[source] / total:.0%} of {total:,} labels unmapped"
            for source, total in sorted(self.labels.items())
            if total
        ]


class ListingReader:
    """Normalises sources one at a time; ``report`` adds up what every read found."""

    def __init__(self, store: RawStore, *, progress: bool = True) -> None:
        self.store = store
        self.report = ReadReport()
        self.progress = progress

    @cached_property
    def taxonomy(self) -> Taxonomy:
        """The code tables, loaded at the first read (a run with nothing to read skips it)."""
        return Taxonomy.load()

    @cached_property
    def geocoder(self) -> Geocoder:
        """The communes, loaded at the first read."""
        return Geocoder.load()

    def read_source(self, source: str) -> list[Listing]:
        """Every normalisable item of ``source``'s latest run; the rest counted by reason."""
        contributor = self.store.latest_contributor(source)
        name = contributor.get("name") or source
        table = known_tables(SourceVocabulary.from_card(contributor))
        territory = contributor_territory(contributor)
        self.report.sources += 1
        bar = None if self.progress else True  # None: a bar only on a terminal
        items = tqdm(
            self.store.latest_items(source), f"normalise {source}", unit=" items", disable=bar
        )
        read = (self._normalise(item, source, name, table, territory) for item in items)
        return [listing for listing in read if listing is not None]

    def _normalise(
        self, item: RawItem, source: str, name: str, table: SourceVocabulary, territory: str
    ) -> Listing | None:
        self.report.raw_items += 1
        try:
            listing = normalise(
                item,
                source_name=name,
                vocabulary=table,
                taxonomy=self.taxonomy,
                geocoder=self.geocoder,
                territory=territory,
            )
        except RejectedItem as rejection:
            self.report.rejected[f"{source}: {rejection.reason}"] += 1
            return None
        self.report.unknown_tags.update(listing.unknown_tags)
        self.report.labels[source] += len(listing.raw_tags)
        self.report.unmapped[source] += len(listing.unknown_tags)
        return listing


def known_tables(vocabulary: SourceVocabulary) -> SourceVocabulary:
    """``vocabulary`` with its tables by their canonical names, unknown ones left out.

    `cis sources check` refuses unknown tables; a raw store crawled before may still name one.
    """
    tables = (tag_table_name(name) for name in vocabulary.tables)
    return replace(vocabulary, tables=tuple(t for t in tables if t))


def contributor_territory(contributor: Mapping[str, object]) -> str:
    """The départements or régions a contributor card says it covers, as one hint ("" if none)."""
    territory = contributor.get("territory")
    names = territory if isinstance(territory, list) else []
    return ", ".join(name for name in names if isinstance(name, str))
