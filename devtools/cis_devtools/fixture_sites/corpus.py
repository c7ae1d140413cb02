"""Raw items at any scale, straight from the fixture world (no crawl), with their truth.

The fixture sites' generator decides how each site words, places and tags each project;
this module turns those listings into the raw items a crawl would store, so indexer
benchmarks can run on 100,000 items in seconds and be scored against the true projects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cis.raw_store import RawStore, RunWriter
from cis.records import RawItem
from cis.vocabulary import SourceVocabulary
from cis_devtools.fixture_sites.entries import SiteEntry, build_entries
from cis_devtools.fixture_sites.mutations import build_world
from cis_devtools.fixture_sites.registry import SITES
from cis_devtools.fixture_sites.variants import address_text

FETCHED_AT = "2026-11-01T00:00:00+00:00"


@dataclass(frozen=True)
class LabelledItem:
    """A raw item and the truth about it."""

    item: RawItem
    project_key: str
    commune_code: str
    tag_table: str


def raw_item(entry: SiteEntry) -> RawItem:
    """The raw item a crawl of ``entry``'s site would store for it."""
    project = entry.project
    fields = {
        "title": entry.title,
        "summary": entry.summary,
        "description": "\n".join(project.description),
        "organisation": project.organisation,
        "website": project.website,
        "address": address_text(entry.address),
        "tags": list(entry.tags),
    }
    return {
        "source": entry.site,
        "url": f"https://{entry.site}.example/projets/{entry.slug}",
        "listing_url": f"https://{entry.site}.example/projets/",
        "fetched_at": FETCHED_AT,
        "content_hash": "",
        "extraction": "selectors",
        "fields": {k: v for k, v in fields.items() if v},
    }


def labelled_items(
    projects: int, seed: int = 2018, *, disagreeing: bool = False
) -> Iterator[LabelledItem]:
    """Every listing of ``projects`` fixture projects on every fixture site (≈1.75 per project).

    ``disagreeing``: copies that disagree more (``fixture_sites.disagreements``).
    """
    world, _ = build_world(projects, seed, [])
    for spec in SITES:
        entries = build_entries(
            world, spec.id, seed, spec.tag_vocabulary, spec.address_styles, disagreeing=disagreeing
        )
        for entry in entries:
            yield LabelledItem(
                raw_item(entry),
                entry.project.key,
                entry.project.town.commune_code,
                spec.tag_vocabulary,
            )


def write_raw_store(
    root: Path, projects: int, seed: int = 2018, run: str = "20261101T000000000Z"
) -> int:
    """Fill a raw store at ``root`` as one crawl of every fixture site would; returns the item count."""
    store, count = RawStore(root), 0
    writers: dict[str, RunWriter] = {}
    tables: dict[str, str] = {}
    for labelled in labelled_items(projects, seed):
        source = labelled.item["source"]
        if source not in writers:
            writers[source], tables[source] = store.open_run(source, run), labelled.tag_table
        writers[source].write(labelled.item)
        count += 1
    for source, writer in writers.items():
        vocabulary = SourceVocabulary((tables[source],)).card()
        writer.commit({"contributor": {"name": source, "vocabulary": vocabulary}})
    return count
