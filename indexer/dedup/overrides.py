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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cis.files import write_atomic
from indexer.listings.listing import Listing

RuleKind = Literal["never", "always"]
Pair = tuple[str, str]


def listing_key(listing: Listing) -> str:
    """The stable name of a listing: its contributor id and page URL."""
    return f"{listing.source}|{listing.url}"


def _pair(a: str, b: str) -> Pair:
    if a == b:
        raise ValueError(f"a merge rule needs two different listings, got {a!r} twice")
    return (a, b) if a < b else (b, a)


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


class MergeSets:
    """Union-find over listing slots that refuses unions breaking a never rule or a guard.

    Each set remembers its contributors, its communes and the slots it must never hold;
    ``union`` checks them before joining, so a chain of links cannot smuggle two listings
    that a rule keeps apart into one project.
    """

    def __init__(
        self, groups: Mapping[int, tuple[str, str]], never: Iterable[tuple[int, int]]
    ) -> None:
        # groups: slot -> (contributor id, commune code or "")
        self.parent = {slot: slot for slot in groups}
        self.sources = {s: {src} for s, (src, _) in groups.items()}
        self.communes = {s: {c} - {""} for s, (_, c) in groups.items()}
        self.never: dict[int, set[int]] = {}
        for a, b in never:
            self.never.setdefault(a, set()).add(b)
            self.never.setdefault(b, set()).add(a)

    def find(self, slot: int) -> int:
        """The representative slot of ``slot``'s set."""
        root = slot
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[slot] != root:  # path compression
            self.parent[slot], slot = root, self.parent[slot]
        return root

    def union(self, a: int, b: int, *, guarded: bool, text: bool) -> bool:
        """Join the sets of ``a`` and ``b`` unless a rule forbids it; True when joined."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if any(self.find(x) == rb for x in self.never.get(ra, ())):
            return False
        if guarded and self.sources[ra] & self.sources[rb]:
            return False  # one contributor does not list one project twice
        ca, cb = self.communes[ra], self.communes[rb]
        if text and not (ca <= cb or cb <= ca):
            return False  # text may not bridge two communes
        if len(self.sources[ra]) < len(self.sources[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.sources[ra] |= self.sources.pop(rb)
        self.communes[ra] |= self.communes.pop(rb)
        self.never.setdefault(ra, set()).update(self.never.pop(rb, ()))
        return True

    def groups(self) -> list[list[int]]:
        """Every set as a sorted list of slots, sets ordered by their smallest slot."""
        sets: dict[int, list[int]] = {}
        for slot in sorted(self.parent):
            sets.setdefault(self.find(slot), []).append(slot)
        return list(sets.values())
