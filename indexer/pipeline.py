"""The indexer's two jobs, from the raw store to the live index.

Key concepts: ``rebuild`` (`cis reindex`) normalises every source's last good run,
clusters and merges everything (``build_state``) and swaps the projects in as a fresh
index. ``apply_increments`` (`cis index`) loads the dedup state the last run committed
and re-clusters only the sources whose run or merge rules changed (``indexer.increments``);
it then writes the projects whose content changed and deletes the ids that vanished.
With nothing new it returns without loading anything. It falls back to a full build,
diffed against the live index, when there is no dedup state yet, when it was built with
another ``STATE_VERSION``, or when replaced listings' dead slots outnumber the live ones
(the full build compacts them). Ids stay stable on both paths: a project keeps the id
most of its listings had. Both jobs commit their states only after the engine write
succeeded (``indexer.index_state``). Before any work both check the raw store and the
engine, take the run lock and remove what killed runs left behind; before the write,
the shrink guard (``indexer.guards``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from cis.raw_store import RawStore
from cis.records import Project
from cis.settings import Settings
from engines import Engine, open_engine
from indexer.dedup.overrides import Overrides, overrides_path
from indexer.dedup.params import STATE_VERSION
from indexer.dedup.state import DedupState, build_state
from indexer.guards import check_raw_store, check_shrink, index_lock
from indexer.increments import Change, find_changes, latest_runs, recluster_changes
from indexer.index_state import IndexState, StateFiles, fingerprint, state_files
from indexer.listings.listing import listing_key
from indexer.listings.reader import ListingReader
from indexer.report import IndexReport, timed


def rebuild(
    settings: Settings, engine: Engine | None = None, *, allow_shrink: bool = False
) -> IndexReport:
    """Build everything and swap it in as the live index."""
    report = IndexReport("reindex", "cis reindex")
    with _index_run(settings, engine, report) as (engine, files, state, overrides):
        dedup = full_build(settings, state, overrides, report)
        _check_shrink(engine, state, dedup, settings, allow_shrink)
        files.mark_unsure({*state.fingerprints, *files.unsure(), *dedup.projects})
        with timed(report, "write"):
            report.write = engine.replace_all(dedup.projects.values())
        state.fingerprints = {pid: fingerprint(p) for pid, p in dedup.projects.items()}
        _commit(files, state, dedup, overrides, report)
    return report


def apply_increments(
    settings: Settings, engine: Engine | None = None, *, allow_shrink: bool = False
) -> IndexReport:
    """Re-cluster what changed in the raw store; write changed projects, delete vanished ones."""
    report = IndexReport("index")
    with _index_run(settings, engine, report) as (engine, files, state, overrides):
        store, unsure = RawStore(settings.raw_dir), files.unsure()
        changes = find_changes(store, state, overrides)
        if state.dedup_version == STATE_VERSION and not (changes or unsure):
            report.idle, report.projects = True, len(state.fingerprints)
            return report
        dedup, touched, as_committed = _recluster(
            settings, store, changes, state, overrides, report, files
        )
        upserts, deletions = _diff(state, dedup, touched, unsure)
        _check_shrink(engine, state, dedup, settings, allow_shrink)
        files.mark_unsure([*(p["id"] for p in upserts), *deletions])
        with timed(report, "write"):
            report.write = engine.apply_changes(upserts, deletions)
        _commit(files, state, dedup, overrides, report, saved=as_committed)
    return report


@contextmanager
def _index_run(
    settings: Settings, engine: Engine | None, report: IndexReport
) -> Iterator[tuple[Engine, StateFiles, IndexState, Overrides]]:
    """How every index run starts; yields the engine and the committed states.

    The engine, the raw store and the run lock are checked in that order, then what
    killed runs left behind is removed (and named in ``report``).
    """
    engine = engine or open_engine(settings)
    engine.health()
    check_raw_store(settings)
    with index_lock(settings):
        files = state_files(settings, engine.name)
        state, overrides = IndexState.load(files.index), Overrides.load(overrides_path(settings))
        report.leftovers = [*engine.remove_leftovers(), *files.remove_stale(state)]
        yield engine, files, state, overrides


def _check_shrink(
    engine: Engine, state: IndexState, dedup: DedupState, settings: Settings, allowed: bool
) -> None:
    """The shrink guard, on the listings the committed state says the live index holds."""
    listed, kept = set(state.project_ids), set(dedup.ids_by_key())
    remaining = len(dedup.projects)
    check_shrink(engine.count(), listed, kept, remaining, settings.shrink_limit, allowed)


def _recluster(
    settings: Settings,
    store: RawStore,
    changes: list[Change],
    state: IndexState,
    overrides: Overrides,
    report: IndexReport,
    files: StateFiles,
) -> tuple[DedupState, set[str], bool]:
    """The dedup state after ``changes``, the ids they touch, and whether it is the committed one.

    With no changes (a rerun only rewriting what a killed write left unsure) the committed
    state stands as it is: saving it again would cost time and give other bytes.
    """
    dedup = _load_dedup(files, state, report)
    if dedup is None:
        dedup = full_build(settings, state, overrides, report)
        return dedup, set(state.fingerprints) | set(dedup.projects), False
    touched = recluster_changes(store, changes, state, dedup, overrides, report)
    return dedup, touched, not changes


def full_build(
    settings: Settings, state: IndexState, overrides: Overrides, report: IndexReport
) -> DedupState:
    """Normalise every source and cluster everything, ids carried over from ``state``."""
    store = RawStore(settings.raw_dir)
    # Runs are noted before reading: a run committed meanwhile is read again next time.
    state.runs = latest_runs(store)
    reader = ListingReader(store)
    with timed(report, "normalise"):
        listings = [x for source in state.runs for x in reader.read_source(source)]
    report.read, report.listings = reader.report, len(listings)
    report.reclustered = dict.fromkeys(state.runs, "full build")
    for listing in listings:
        state.first_seen.setdefault(listing_key(listing), listing.fetched_at)
    with timed(report, "dedup"):
        dedup, _ = build_state(
            listings, overrides, first_seen=state.first_seen, previous_ids=state.project_ids
        )
    return dedup


def _load_dedup(files: StateFiles, state: IndexState, report: IndexReport) -> DedupState | None:
    """The committed dedup state if an incremental run can use it; else why not, in ``report``."""
    if state.dedup and state.dedup_version != STATE_VERSION:
        report.full_build = f"dedup state of another version ({state.dedup_version or '?'})"
        return None
    with timed(report, "load"):
        try:
            dedup = files.load_dedup(state)
        except ValueError as error:  # a STATE_VERSION other than the IndexState says
            report.full_build = f"dedup state unusable: {error}"
            return None
    if dedup is None:
        report.full_build = "no dedup state yet"
    elif dedup.dead_slots() > len(dedup.project_of):
        report.full_build = f"compacting {dedup.dead_slots():,} slots of replaced listings"
        dedup = None
    return dedup


def _diff(
    state: IndexState, dedup: DedupState, touched: set[str], unsure: set[str]
) -> tuple[list[Project], list[str]]:
    """Projects of ``touched`` whose content is new to the index, and ids to delete from it."""
    upserts: list[Project] = []
    for pid in sorted((touched | unsure) & dedup.projects.keys()):
        printed = fingerprint(dedup.projects[pid])
        if pid in unsure or state.fingerprints.get(pid) != printed:
            upserts.append(dedup.projects[pid])
            state.fingerprints[pid] = printed
    gone = (touched | unsure) - dedup.projects.keys()
    deletions = sorted(pid for pid in gone if pid in state.fingerprints or pid in unsure)
    for pid in deletions:
        state.fingerprints.pop(pid, None)
    return upserts, deletions


def _commit(
    files: StateFiles,
    state: IndexState,
    dedup: DedupState,
    overrides: Overrides,
    report: IndexReport,
    *,
    saved: bool = False,
) -> None:
    """Save both states now that the engine holds what they describe (``saved``: dedup is)."""
    with timed(report, "save"):
        state.project_ids = dedup.ids_by_key()
        state.rules = [list(rule) for rule in overrides.rules()]
        files.commit(state, None if saved else dedup)
    report.projects = len(dedup.projects)
    report.multi_source = sum(
        len({ref["source"] for ref in p["sources"]}) > 1 for p in dedup.projects.values()
    )
