"""How good the codes ``cis tags report`` suggests for a new contributor's labels are.

Each of the 2018 tables (``cis/data/cis-tag-mapping.csv``) plays a new source in turn: its
labels get suggestions with that table left out of the known ones, and the suggested
codes are compared with the ones the table gives. Printed per table and overall: labels
with a suggestion, and micro precision/recall over (label, code) pairs.

    python -m benchmarks.tag_suggestions
"""

from __future__ import annotations

from dataclasses import dataclass

from cis.vocabulary import tag_tables
from indexer.listings.tag_suggestions import suggest


@dataclass
class Tally:
    """Counts for one table, or all of them."""

    labels: int = 0
    suggested: int = 0
    right: int = 0  # suggested codes the table gives too
    proposed: int = 0  # suggested codes
    expected: int = 0  # codes the table gives

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self, name: str) -> str:
        precision = self.right / self.proposed if self.proposed else 0.0
        recall = self.right / self.expected if self.expected else 0.0
        coverage = self.suggested / self.labels if self.labels else 0.0
        return f"{name[:44]:44s} {self.labels:6d} {coverage:9.1%} {precision:9.3f} {recall:7.3f}"


def tally(table: str, labels: dict[str, tuple[str, ...]]) -> Tally:
    counts = Tally()
    for label, truth in labels.items():
        codes, _ = suggest(label, ignored_table=table)
        counts.labels += 1
        counts.suggested += bool(codes)
        counts.right += len(set(codes) & set(truth))
        counts.proposed += len(codes)
        counts.expected += len(truth)
    return counts


def main() -> None:
    print(f"{'table':44s} {'labels':>6s} {'suggested':>9s} {'precision':>9s} {'recall':>7s}")
    overall = Tally()
    for table, labels in sorted(tag_tables().items()):
        counts = tally(table, labels)
        overall.add(counts)
        print(counts.row(table))
    print(overall.row("overall"))


if __name__ == "__main__":
    main()
