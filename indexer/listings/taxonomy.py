"""The CIS taxonomy: theme codes, portal facets and contributors' tag tables.

Key concepts: a contributor writes *raw tags* (themes, publics); its *vocabulary*
(``cis.vocabulary.SourceVocabulary``: its own labels, then built-in 2018 tables such as
"Avise" from ``cis/data/cis-tag-mapping.csv``) maps each to one or more CIS *codes*; a raw
tag that is itself a code ("AGR") or a code's label ("Agriculture") maps everywhere. A tag
matches exactly first, then *folded* (case, accents, punctuation and spacing ignored).
*Facets* (domains, publics, methods) group codes for the portal. The tables are package
data, read on first use and cached on the ``Taxonomy`` object.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from cis import vocabulary
from cis.facets import FACETS_BY_NAME
from cis.text import fold
from cis.vocabulary import SourceVocabulary

_STRONG_SEPARATORS = re.compile(r"\s*[;|]\s*")
_WEAK_SEPARATORS = re.compile(r"(\s*[,/]\s*)")
_MAX_MERGED_PIECES = 4  # known tags with commas or slashes span at most 3 separators


@dataclass(frozen=True)
class _Tables:
    code_labels: dict[str, str]
    facet_codes: dict[str, dict[str, frozenset[str]]]  # field → facet key → codes
    facet_labels: dict[str, dict[str, str]]  # field → facet key → label
    exact: dict[str, dict[str, tuple[str, ...]]]  # table → raw tag → codes
    folded: dict[str, dict[str, tuple[str, ...]]]  # table → folded tag → codes
    generic: dict[str, tuple[str, ...]]  # folded code or label → (code,)


def _folded(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged: dict[str, set[str]] = defaultdict(set)
    for tag, codes in table.items():
        merged[fold(tag)].update(codes)
    return {key: tuple(sorted(codes)) for key, codes in merged.items()}


def _read_tables() -> _Tables:
    code_labels = vocabulary.code_labels()
    # The project field that holds each facet's keys is that facet's path in ``cis.facets``.
    facet_keys = vocabulary.facet_keys()
    facet_fields = {entry.facet: FACETS_BY_NAME[entry.facet].path for entry in facet_keys}
    exact = vocabulary.tag_tables()
    generic: dict[str, tuple[str, ...]] = {fold(code): (code,) for code in code_labels}
    generic.update((fold(label), (code,)) for code, label in code_labels.items())
    return _Tables(
        code_labels=code_labels,
        facet_codes={
            field: {e.key: e.codes for e in facet_keys if e.facet == kind}
            for kind, field in facet_fields.items()
        },
        facet_labels={
            field: {e.key: e.label for e in facet_keys if e.facet == kind}
            for kind, field in facet_fields.items()
        },
        exact=exact,
        folded={name: _folded(table) for name, table in exact.items()},
        generic=generic,
    )


class Taxonomy:
    """CIS codes, facets and tag tables, read from the package data on first use."""

    def __init__(self) -> None:
        self._lookups: dict[tuple[SourceVocabulary, str], tuple[str, ...]] = {}
        self._own: dict[SourceVocabulary, tuple[dict[str, tuple[str, ...]], ...]] = {}

    @classmethod
    def load(cls) -> Taxonomy:
        """A taxonomy over the packaged tables (read lazily, on first use)."""
        return cls()

    @cached_property
    def _tables(self) -> _Tables:
        return _read_tables()

    @property
    def code_labels(self) -> dict[str, str]:
        """CIS code → label, e.g. "AGR" → "Agriculture"."""
        return self._tables.code_labels

    @property
    def facet_labels(self) -> dict[str, dict[str, str]]:
        """Facet field ("domains", "publics", "methods") → facet key → label."""
        return self._tables.facet_labels

    def codes_for(
        self, table: SourceVocabulary, raw_tags: Iterable[str]
    ) -> tuple[list[str], list[str]]:
        """(sorted unique CIS codes, raw tags that map to none) for a contributor's tags."""
        codes: set[str] = set()
        unknown = []
        for tag in raw_tags:
            found = self._codes_of(table, tag)
            codes.update(found)
            if not found:
                unknown.append(tag)
        return sorted(codes), unknown

    def facets_for(self, codes: Iterable[str]) -> dict[str, list[str]]:
        """Facet field → sorted facet keys whose codes meet ``codes``."""
        wanted = set(codes)
        return {
            field: sorted(key for key, members in facets.items() if members & wanted)
            for field, facets in self._tables.facet_codes.items()
        }

    def split_tags(self, table: SourceVocabulary, text: str) -> list[str]:
        """Raw tags of one string, cut at ; | , and / unless the cut would break a known tag."""
        tags: list[str] = []
        for piece in _STRONG_SEPARATORS.split(text):
            tags.extend(self._merge_known(table, _WEAK_SEPARATORS.split(piece)))
        return [tag for tag in tags if tag]

    def _merge_known(self, table: SourceVocabulary, parts: list[str]) -> Iterator[str]:
        """Rejoin weak-separated ``parts`` (words and separators alternate) into known tags."""
        words, separators = parts[0::2], parts[1::2]
        start = 0
        while start < len(words):
            longest = min(len(words), start + _MAX_MERGED_PIECES)
            stop = next(
                (
                    stop
                    for stop in range(longest, start + 1, -1)
                    if self._codes_of(table, _rejoin(words, separators, start, stop))
                ),
                start + 1,
            )
            yield _rejoin(words, separators, start, stop)
            start = stop

    def _codes_of(self, table: SourceVocabulary, tag: str) -> tuple[str, ...]:
        """Codes of one raw tag: the vocabulary's own label, its tables', a code or label."""
        key = (table, tag)
        found = self._lookups.get(key)
        if found is None:
            folded = fold(tag)
            found = next(
                (
                    codes
                    for exact, by_fold in self._sources(table)
                    if (codes := exact.get(tag) or by_fold.get(folded))
                ),
                self._tables.generic.get(folded, ()),
            )
            self._lookups[key] = found
        return found

    def _sources(self, table: SourceVocabulary) -> list[tuple[dict[str, tuple[str, ...]], ...]]:
        """(exact, folded) lookups in the vocabulary's order: its own labels, then its tables."""
        if table not in self._own:
            own = dict(table.labels)
            self._own[table] = (own, _folded(own))
        tables = self._tables
        named = [(tables.exact[n], tables.folded[n]) for n in table.tables if n in tables.exact]
        return [self._own[table], *named]


def _rejoin(words: list[str], separators: list[str], start: int, stop: int) -> str:
    """``words[start:stop]`` with the separators that were written between them."""
    between = [*separators[start : stop - 1], ""]
    return "".join(w + s for w, s in zip(words[start:stop], between, strict=True)).strip()
