"""Admin merge rules that survive reindexing: "never merge A and B", "always merge A and B".

Key concepts: a rule names two listings by their *listing key* ("source|url"), which stays
the same across recrawls, so a rule keeps applying to whatever those pages say next time.
Rules live in one JSON file whose path the caller passes; ``save`` replaces it atomically.
A never rule beats every link, even a chain of links between other listings: clustering
refuses any union that would put both listings in one project. Setting one kind of rule
for a pair drops the other kind for that pair.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cis.files import write_atomic
from cis.settings import Settings

RuleKind = Literal["never", "always"]
Pair = tuple[str, str]


def _pair(a: str, b: str) -> Pair:
    if a == b:
        raise ValueError(f"a merge rule needs two different listings, got {a!r} twice")
    return (a, b) if a < b else (b, a)


def overrides_path(settings: Settings) -> Path:
    """The admins' never/always-merge rules."""
    return settings.data_dir / "dedup-overrides.json"


@dataclass
class Overrides:
    """The never/always-merge rules, backed by a JSON file (absent file: no rules)."""

    path: Path | None = None
    never: set[Pair] = field(default_factory=set)
    always: set[Pair] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> Overrides:
        """Read the rules at ``path``; a missing file means no rules yet."""
        if not path.exists():
            return cls(path)
        data = json.loads(path.read_text(encoding="utf-8"))
        rules = cls(path)
        for kind in ("never", "always"):
            for pair in data.get(kind, []):
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise ValueError(f"{path}: a {kind} rule must be [key, key], got {pair!r}")
                rules.add(kind, pair[0], pair[1])
        return rules

    def save(self) -> None:
        """Write the rules to their file (sorted, so diffs stay readable)."""
        if self.path is None:
            raise ValueError("these overrides have no file: create them with a path")
        data = {"never": sorted(map(list, self.never)), "always": sorted(map(list, self.always))}
        write_atomic(self.path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")

    def add(self, kind: RuleKind, a: str, b: str) -> None:
        """Add a rule for the listings keyed ``a`` and ``b``, replacing the opposite rule."""
        pair = _pair(a, b)
        mine, other = (self.never, self.always) if kind == "never" else (self.always, self.never)
        other.discard(pair)
        mine.add(pair)

    def remove(self, a: str, b: str) -> None:
        """Forget any rule about the listings keyed ``a`` and ``b``."""
        pair = _pair(a, b)
        self.never.discard(pair)
        self.always.discard(pair)

    def rules(self) -> Iterator[tuple[RuleKind, str, str]]:
        """Every rule as (kind, key, key), never rules first, sorted."""
        for a, b in sorted(self.never):
            yield "never", a, b
        for a, b in sorted(self.always):
            yield "always", a, b
