"""The admin's side of dedup (`cis dedup`): review merged projects, set merge rules.

Key concepts: the report reads the dedup state the last `cis index` or `cis reindex`
committed for the configured engine and alias (no engine request): each project with its
members' keys, titles and communes, the links that joined them and the links a rule
refused. Rules name listings by key ("source|url"); a key the committed state does not
hold is refused with a message naming it. A rule takes effect at the next `cis index`,
which re-clusters the sources of the listings whose rules changed, or `cis reindex`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from cis.errors import CisError
from cis.settings import Settings
from engines import open_engine
from indexer.dedup.clustering import Clustering, ScoredPair, override_pairs
from indexer.dedup.overrides import Overrides, overrides_path
from indexer.dedup.report import SEPARATOR, ReportRow, report_rows, write_csv
from indexer.dedup.state import DedupState
from indexer.index_state import IndexState, StateFiles, state_files

RuleAction = Literal["never", "always", "forget"]


def dedup_report(settings: Settings, *, csv_path: Path | None, every_project: bool) -> str:
    """The report as a readable table, or the line saying where its CSV went."""
    files = _files(settings)
    state = files.load_dedup(IndexState.load(files.index))
    if state is None:
        raise CisError(f"no dedup state in {files.dedup_root}: run `cis index` first")
    clustering = committed_clustering(state, Overrides.load(overrides_path(settings)))
    rows = report_rows(state, clustering, every_project=every_project)
    if csv_path is not None:
        return f"{_write_csv_file(rows, csv_path):,} projects written to {csv_path}"
    shown = "projects" if every_project else "merged projects, or with refused links"
    return "\n\n".join([*map(format_row, rows), f"{len(rows):,} {shown}"])


def _write_csv_file(rows: list[ReportRow], path: Path) -> int:
    """``write_csv``, a path the admin typed failing as one line (no such folder, no rights)."""
    try:
        return write_csv(rows, path)
    except OSError as error:
        raise CisError(f"cannot write the CSV to {path}: {error.strerror}") from None


def committed_clustering(state: DedupState, overrides: Overrides) -> Clustering:
    """The committed projects, with every acceptable link: merged inside one, refused across."""
    members = state.members()
    corpus, live = state.corpus, list(state.project_of)
    links = corpus.links(None)
    for i, j in override_pairs(corpus, live, overrides.always):
        links.append(ScoredPair(i, j, round(corpus.sketches.store.jaccard(i, j), 4), "always"))
    pairs = [x._replace(merged=state.project_of[x.i] == state.project_of[x.j]) for x in links]
    return Clustering([members[pid] for pid in sorted(members)], sorted(pairs))


def format_row(row: ReportRow) -> str:
    """One project as an indented block: id, members, then links and refused links."""
    size = len(row.keys)
    lines = [f"{row.project_id}  ({size} listing{'s' if size > 1 else ''})"]
    members = zip(row.keys, row.communes, row.titles, strict=True)
    lines += [f"  {key}  [{commune}]  {title}" for key, commune, title in members]
    lines += [f"  linked   {link}" for link in row.links]
    lines += [f"  refused  {link}" for link in row.refused]
    return "\n".join(lines)


def edit_rule(settings: Settings, action: RuleAction, key_a: str, key_b: str) -> str:
    """Add a never/always-merge rule, or forget one; says what changed."""
    notice = _check_keys(_files(settings), [key_a, key_b])
    rules = Overrides.load(overrides_path(settings))
    try:
        if action != "forget":
            rules.add(action, key_a, key_b)
        elif not any({a, b} == {key_a, key_b} for _, a, b in rules.rules()):
            raise CisError(f"no rule about {key_a} and {key_b} to forget")
        else:
            rules.remove(key_a, key_b)
    except ValueError as error:  # the same key twice
        raise CisError(str(error)) from None
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    rules.save()
    done = "forgot the rule" if action == "forget" else f"{action} merge"
    return f"{done}: {key_a}{SEPARATOR}{key_b} (applies at the next `cis index`){notice}"


def _check_keys(files: StateFiles, keys: list[str]) -> str:
    """Raise naming the first bad key; a notice when there is no state to check against."""
    for key in keys:
        source, _, url = key.partition("|")
        if not (source and url):
            raise CisError(f"{key!r} is not a listing key: write it as source|url")
    state = IndexState.load(files.index)
    if not state.dedup:
        return " — keys not checked: nothing indexed yet"
    for key in keys:  # the committed state's listings are the keys of its project ids
        if key not in state.project_ids:
            raise CisError(f"no listing {key!r} in the last index run (see `cis dedup report`)")
    return ""


def _files(settings: Settings) -> StateFiles:
    engine = open_engine(settings)  # sends no request: only its name is needed
    engine.close()
    return state_files(settings, engine.name)
