"""The union-find that turns scored links into projects, refusing forbidden unions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class MergeSets:
    """Union-find over listing slots that refuses unions breaking a never rule or a guard.

    Each set remembers its contributors, its communes and arrondissements and the slots it
    must never hold;
    ``union`` checks them before joining, so a chain of links cannot smuggle two listings
    that a rule keeps apart into one project.
    """

    def __init__(
        self, groups: Mapping[int, tuple[str, str, str]], never: Iterable[tuple[int, int]]
    ) -> None:
        # groups: slot -> (contributor id, commune code or "", arrondissement code or "")
        self.parent = {slot: slot for slot in groups}
        self.sources = {s: {src} for s, (src, _, _) in groups.items()}
        self.communes = {s: {c} - {""} for s, (_, c, _) in groups.items()}
        self.arrondissements = {s: {a} - {""} for s, (_, _, a) in groups.items()}
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
        aa, ab = self.arrondissements[ra], self.arrondissements[rb]
        if guarded and aa and ab and aa != ab:
            return False  # a copy without postcode may not bridge two arrondissements' branches
        ca, cb = self.communes[ra], self.communes[rb]
        if text and not (ca <= cb or cb <= ca):
            return False  # text may not bridge two communes
        if len(self.sources[ra]) < len(self.sources[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.sources[ra] |= self.sources.pop(rb)
        self.communes[ra] |= self.communes.pop(rb)
        self.arrondissements[ra] |= self.arrondissements.pop(rb)
        self.never.setdefault(ra, set()).update(self.never.pop(rb, ()))
        return True

    def groups(self) -> list[list[int]]:
        """Every set as a sorted list of slots, sets ordered by their smallest slot."""
        sets: dict[int, list[int]] = {}
        for slot in sorted(self.parent):
            sets.setdefault(self.find(slot), []).append(slot)
        return list(sets.values())
