"""The report of an indexing run: counts and timings, printed by the CLI."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from engines.base import WriteStats
from indexer.listings.reader import ReadReport


@dataclass
class IndexReport:
    """Counts and timings of one indexing run, printed by the CLI."""

    job: str
    full_build: str = ""  # why every source was clustered; "" for an incremental run
    idle: bool = False  # nothing new since the last run: nothing was loaded or written
    read: ReadReport = field(default_factory=ReadReport)
    reclustered: dict[str, str] = field(default_factory=dict)  # source -> why
    listings: int = 0  # listings normalised by this run
    projects: int = 0  # projects in the index after the run
    multi_source: int = 0
    write: WriteStats = field(default_factory=WriteStats)
    seconds: dict[str, float] = field(default_factory=dict)
    leftovers: list[str] = field(default_factory=list)  # removed: what killed runs left

    def summary(self) -> str:
        """A few lines for the admin."""
        if self.idle:
            idle = f"{self.job}: nothing new since the last run ({self.projects:,} projects)"
            return "\n".join([idle, *self._cleaned()])
        read, write = self.read, self.write
        named = ", ".join(f"{source} ({why})" for source, why in sorted(self.reclustered.items()))
        mode = f"full build ({self.full_build})" if self.full_build else "incremental"
        lines = [
            f"{self.job}: {mode}, {len(self.reclustered)} source(s) re-clustered"
            + (f": {named}" if named and not self.full_build else ""),
            f"read {read.raw_items:,} raw items of {read.sources} source(s)"
            f" → {self.listings:,} listings ({sum(read.rejected.values()):,} rejected)",
            f"written {write.written:,}, deleted {write.deleted:,} into {write.target or '-'}",
            f"the index holds {self.projects:,} projects"
            f" ({self.multi_source:,} listed by several contributors)",
            "seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()),
        ]
        lines += [f"rejected {n:,}: {reason}" for reason, n in read.rejected.most_common()]
        lines += read.unmapped_shares()
        lines += self._cleaned()
        return "\n".join(lines)

    def _cleaned(self) -> list[str]:
        if not self.leftovers:
            return []
        return [f"removed what killed runs left: {', '.join(self.leftovers)}"]


@contextmanager
def timed(report: IndexReport, step: str) -> Iterator[None]:
    """Add the time spent in the block to ``report.seconds[step]``."""
    started = time.perf_counter()
    yield
    report.seconds[step] = report.seconds.get(step, 0.0) + time.perf_counter() - started
