"""Codes to suggest for the labels a contributor's vocabulary does not map yet.

Key concepts: a label is compared by its stems (``cis.analysis``). Four kinds of
evidence, strongest first:

0. *same*: another contributor's table maps the same words — "Silver économie" → SAN SEN;
1. *named*: a CIS code's label or one of the phrases of its description ("alimentation"
   of AGR) is in the label — "Alimentation solidaire" → AGR;
2. *synonym*: a phrase of ``cis/data/synonyms.txt`` is in it: a theme's codes (``=>``) or
   a kind's themes (``~>``) — "Jardin partagé des Lilas" → AGR BIO COH;
3. *like*: the most similar of the 835 labels the 2018 tables map (token Jaccard of the
   stems, at least ``MIN_SIMILARITY``) lends its codes — "Economie sociale" → ECO.

The first kind that finds something decides; none: no suggestion. An admin reviews the
draft (``cis tags report --write``) before the source's config points at it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from cis.analysis import stems
from cis.concepts import synonym_groups
from cis.errors import CisError
from cis.raw_store import RawStore
from cis.vocabulary import SourceVocabulary, code_descriptions, code_labels, tag_tables
from indexer.listings.reader import known_tables
from indexer.listings.taxonomy import Taxonomy

MIN_SIMILARITY = 0.5


@dataclass(frozen=True)
class Suggestion:
    """An unmapped label, how often it was read, and the codes it likely means."""

    label: str
    count: int
    codes: tuple[str, ...]
    reason: str  # "named: alimentation", "synonym: jardin partag", "like: Economie sociale"


def suggest(label: str, ignored_table: str = "") -> tuple[tuple[str, ...], str]:
    """(codes, reason) for one label; ((), "") when nothing is close enough.

    ``ignored_table``: a built-in table left out of the known labels (to measure it).
    """
    words = frozenset(stems(label))
    known = _known_labels(ignored_table)
    return (
        _like(words, known, 1.0)
        or _named(words)
        or _synonym(words)
        or _like(words, known, MIN_SIMILARITY)
        or ((), "")
    )


def suggestions(labels: Counter[str]) -> list[Suggestion]:
    """One suggestion per label, the most frequent first."""
    return [
        Suggestion(label, count, *suggest(label))
        for label, count in sorted(labels.items(), key=lambda item: (-item[1], item[0]))
    ]


def unmapped_labels(
    items: Iterable[Mapping[str, object]], vocabulary: SourceVocabulary, taxonomy: Taxonomy
) -> Counter[str]:
    """How often each tag or public of raw-item ``fields`` maps to no code."""
    found: Counter[str] = Counter()
    for fields in items:
        for value in (fields.get("tags"), fields.get("publics")):
            labels = taxonomy.split_tags(vocabulary, value) if isinstance(value, str) else value
            if isinstance(labels, list):
                strings = [label for label in labels if isinstance(label, str) and label.strip()]
                found.update(taxonomy.codes_for(vocabulary, strings)[1])
    return found


class NoSuchSource(CisError):
    """The raw store holds no run of the source asked for."""

    def __init__(self, source: str, known: list[str]) -> None:
        super().__init__(
            f"no crawl of {source!r} in the raw store; known: {', '.join(known) or 'none'}"
        )


def source_suggestions(
    store: RawStore, sources: list[str], taxonomy: Taxonomy
) -> dict[str, list[Suggestion]]:
    """For each of ``sources`` (all crawled ones when empty), its unmapped labels, suggested."""
    known = store.sources()
    for source in sources:
        if source not in known:
            raise NoSuchSource(source, known)
    found = {}
    for source in sources or known:
        vocabulary = known_tables(SourceVocabulary.from_card(store.latest_contributor(source)))
        fields = (item["fields"] for item in store.latest_items(source))
        found[source] = suggestions(unmapped_labels(fields, vocabulary, taxonomy))
    return found


def format_suggestions(found: dict[str, list[Suggestion]]) -> str:
    """The admin's table: per source, each unmapped label, its count, codes and why."""
    lines = []
    for source, rows in found.items():
        lines.append(f"{source}: {len(rows)} unmapped label(s)")
        lines += [
            f"  {row.count:6d}  {row.label[:60]:60s}  {' '.join(row.codes) or '-':12s}  {row.reason}"
            for row in rows
        ]
    return "\n".join(lines)


def draft_csv(found: Iterable[Suggestion]) -> str:
    """The ``label,codes`` table a config's ``vocabulary.file`` reads; unsure rows left empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["label", "codes"])
    writer.writerows([s.label, " ".join(s.codes)] for s in found)
    return out.getvalue()


Phrase = frozenset[str]


@cache
def _code_phrases() -> tuple[tuple[Phrase, str, str], ...]:
    """(stems, code, phrase) for each code's label and description phrases."""
    descriptions = code_descriptions()
    phrases = [
        (frozenset(stems(phrase)), code, phrase.strip())
        for code, label in code_labels().items()
        for phrase in [label, *descriptions.get(code, "").split(",")]
        if phrase.strip()
    ]
    return tuple(p for p in phrases if p[0])


def _named(words: Phrase) -> tuple[tuple[str, ...], str] | None:
    hits = [(code, phrase) for key, code, phrase in _code_phrases() if key <= words]
    if not hits:
        return None
    return tuple(sorted({code for code, _ in hits})), "named: " + ", ".join(p for _, p in hits)


def _synonym(words: Phrase) -> tuple[tuple[str, ...], str] | None:
    for group in synonym_groups():
        codes = group.codes or group.themes
        for phrase in group.phrases:
            if codes and frozenset(phrase) <= words:
                return tuple(sorted(codes)), "synonym: " + " ".join(phrase)
    return None


Known = tuple[tuple[Phrase, str, tuple[str, ...]], ...]


@cache
def _known_labels(ignored_table: str) -> Known:
    """(stems, label, codes) of every label the built-in tables map."""
    return tuple(
        (frozenset(stems(tag)), tag, codes)
        for name, table in tag_tables().items()
        if name != ignored_table
        for tag, codes in table.items()
        if stems(tag)
    )


def _like(words: Phrase, known: Known, least: float) -> tuple[tuple[str, ...], str] | None:
    if not words or not known:
        return None
    best = max(known, key=lambda entry: _jaccard(words, entry[0]))
    if _jaccard(words, best[0]) < least:
        return None
    return best[2], f"{'same as' if least == 1.0 else 'like'}: {best[1]}"


def _jaccard(a: Phrase, b: Phrase) -> float:
    return len(a & b) / len(a | b)
