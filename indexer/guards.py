"""What an indexing run checks before it touches the live index.

Key concepts: the raw store must exist and hold a committed run (a mistyped or empty
``CIS_DATA_DIR`` must not become an empty index); only one indexing run at a time (a
lock per data folder); and a write that would remove more than ``CIS_SHRINK_LIMIT`` of
the live index, or leave it empty, is refused unless the admin says ``--allow-shrink``.
What counts as removed is the *listings* (contributor pages) the index held and would
no longer hold: a crawl that lost pages shrinks it, a merge rule joining two projects
does not. Without a committed state to count listings, the drop in projects counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from cis.errors import CisError
from cis.locks import exclusive
from cis.raw_store import RawStore
from cis.settings import Settings


class NoRawStore(CisError):
    """There is nothing to index: no raw store, or no source with a committed run."""


class ShrinkRefused(CisError):
    """The write would remove too much of the live index."""


def check_raw_store(settings: Settings) -> None:
    """Raise NoRawStore unless ``settings.raw_dir`` holds at least one committed run."""
    store = RawStore(settings.raw_dir)
    if not settings.raw_dir.is_dir():
        raise NoRawStore(
            f"no raw store at {settings.raw_dir}: check CIS_DATA_DIR, or run `cis crawl` first"
        )
    if not any(store.latest_run(source) for source in store.sources()):
        raise NoRawStore(f"the raw store at {settings.raw_dir} holds no finished crawl yet")


@contextmanager
def index_lock(settings: Settings) -> Iterator[None]:
    """Keep `cis index` and `cis reindex` runs on one data folder from overlapping."""
    with exclusive(settings.data_dir / "locks" / "index.lock", "an index run (cis index/reindex)"):
        yield


def check_shrink(
    live: int, listed: set[str], kept: set[str], remaining: int, limit: float, allowed: bool
) -> None:
    """Refuse the write unless ``allowed``, if it removes too much of the live index.

    ``live`` projects are in the index, ``listed`` are the listing keys behind them (empty
    when unknown), ``kept`` the listing keys and ``remaining`` the projects after the write.
    """
    if allowed or live == 0:
        return
    removed, whole = (len(listed - kept), len(listed)) if listed else (live - remaining, live)
    if remaining == 0 or max(removed, 0) > limit * whole:
        unit = "listings" if listed else "projects"
        raise ShrinkRefused(
            f"refused: this run would remove {removed:,} of the {whole:,} {unit} of the live index"
            f" ({removed / whole:.0%}; {remaining:,} projects would remain, the limit is"
            f" {limit:.0%}: CIS_SHRINK_LIMIT); check the crawl reports or CIS_DATA_DIR,"
            " or run again with --allow-shrink"
        )
