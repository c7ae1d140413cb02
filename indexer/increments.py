"""What `cis index` re-clusters: the sources whose run, or whose merge rules, changed.

Key concepts: a source is re-clustered when its latest raw-store run differs from the
one the index was built from (a new or re-crawled source: only its items are normalised
again), when it left the raw store (its listings are dropped), or when a merge rule added
or removed since the last run names one of its listings (it is re-clustered from the
listings the dedup state already holds, so a rule applies at the next `cis index`
without re-reading anything). Each goes through ``recluster``, which redoes only the
projects its listings touch; the other projects are neither rebuilt nor rewritten.
"""

from __future__ import annotations

from typing import NamedTuple

from cis.raw_store import RawStore
from indexer.dedup.overrides import Overrides
from indexer.dedup.state import DedupState, recluster
from indexer.index_state import IndexState
from indexer.listings.listing import Listing, listing_key
from indexer.listings.reader import ListingReader
from indexer.report import IndexReport, timed


class Change(NamedTuple):
    """A source to re-cluster, why, and the run to read (None: nothing to read)."""

    source: str
    why: str  # "new source", "new run", "gone" or "rules"
    run: str | None


def latest_runs(store: RawStore) -> dict[str, str]:
    """Source → id of its last successful run."""
    return {source: run for source in store.sources() if (run := store.latest_run(source))}


def find_changes(store: RawStore, state: IndexState, overrides: Overrides) -> list[Change]:
    """Sources gone, new or re-crawled since ``state``, then those named by changed rules."""
    runs = latest_runs(store)
    changes = [Change(source, "gone", None) for source in sorted(state.runs.keys() - runs)]
    changes += [
        Change(source, "new run" if source in state.runs else "new source", run)
        for source, run in sorted(runs.items())
        if state.runs.get(source) != run
    ]
    rules = {tuple(rule) for rule in state.rules} ^ set(overrides.rules())
    named = {key.split("|", 1)[0] for _, *keys in rules for key in keys}
    named = (named & state.runs.keys()) - {change.source for change in changes}
    return changes + [Change(source, "rules", None) for source in sorted(named)]


def recluster_changes(
    store: RawStore,
    changes: list[Change],
    state: IndexState,
    dedup: DedupState,
    overrides: Overrides,
    report: IndexReport,
) -> set[str]:
    """Re-cluster the sources of ``changes`` into ``dedup``; the ids of the projects touched."""
    reader, touched = ListingReader(store), set[str]()
    for change in changes:
        listings = _listings(change, reader, state, dedup, report)
        with timed(report, "dedup"):
            done = recluster(dedup, change.source, listings, overrides, first_seen=state.first_seen)
        touched.update(done.changed, done.removed)
        report.reclustered[change.source] = change.why
    report.read = reader.report
    return touched


def _listings(
    change: Change,
    reader: ListingReader,
    state: IndexState,
    dedup: DedupState,
    report: IndexReport,
) -> list[Listing]:
    """The listings ``change.source`` has now; its run noted in ``state``."""
    if change.why == "rules":
        return dedup.source_listings(change.source)
    if change.run is None:
        del state.runs[change.source]
        return []
    state.runs[change.source] = change.run  # noted before reading: a newer run is read next time
    with timed(report, "normalise"):
        listings = reader.read_source(change.source)
    report.listings += len(listings)
    for listing in listings:
        state.first_seen.setdefault(listing_key(listing), listing.fetched_at)
    return listings
