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

The first kind that finds something decides; none: no suggestion. Then the projects
the source lists that other contributors list too (``CoListing``) weigh in: of the codes
the words suggest, those the others' codes for these projects bear out are kept (another
table's "Silver économie" means ECO SEN; this source's may mean SEN only); when the words
suggest nothing, a code those projects carry far more often than the source's others
is suggested alone. An admin reviews the draft (``cis tags report --write``) before the
source's config points at it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from cis.analysis import stems
from cis.concepts import synonym_groups
from cis.errors import CisError
from cis.raw_store import RawStore
from cis.vocabulary import SourceVocabulary, code_descriptions, code_labels, tag_tables
from indexer.listings.reader import known_tables
from indexer.listings.taxonomy import Taxonomy

MIN_SIMILARITY = 0.5
MIN_PROJECTS = 5  # co-listed projects a label needs before the others' codes count
ALONE_CERTAINTY = 0.4  # the others' codes alone must tell: a strong association
CONFIRMING_CERTAINTY = 0.2  # a code the words suggest, borne out by the co-listed projects


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


@dataclass
class CoListing:
    """What the other contributors say of the projects one source lists.

    A label the source puts on projects that the others code X far more often than the
    source's projects at large likely means X ("Bien vieillir" on projects others code
    SEN); a code the others give those projects no more often than the rest is likely not
    what the source means by it, whatever another table says.
    """

    projects: int = 0  # the source's projects some other contributor codes
    coded: Counter[str] = field(default_factory=Counter)  # code → such projects
    labelled: Counter[str] = field(default_factory=Counter)  # label → such projects
    label_codes: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, labels: Iterable[str], codes: Iterable[str]) -> None:
        """One project: the source's labels on it, the codes the others give it."""
        codes = set(codes)
        self.projects += 1
        self.coded.update(codes)
        for label in set(labels):
            self.labelled[label] += 1
            self.label_codes.setdefault(label, Counter()).update(codes)

    def certainties(self, label: str) -> dict[str, float] | None:
        """Code → how far the label's projects are from chance toward all bearing it.

        The certainty factor (share among them - share at large) / (1 - share at large):
        0 when the others give the code to the label's projects no more often than to the
        source's others, 1 when to every one of them. A common code (COH on half the
        projects) reaches it as well as a rare one, where a ratio of shares could not.
        None for a label on fewer than MIN_PROJECTS co-listed projects.
        """
        count = self.labelled[label]
        if count < MIN_PROJECTS:
            return None
        found = {}
        for code, n in self.label_codes[label].items():
            at_large = self.coded[code] / self.projects
            found[code] = (n / count - at_large) / (1 - at_large) if at_large < 1 else 0.0
        return found

    def codes(self, label: str) -> tuple[str, ...]:
        """The codes the others give the label's projects, when they alone must tell."""
        certain = self.certainties(label) or {}
        return tuple(sorted(code for code, cf in certain.items() if cf >= ALONE_CERTAINTY))


def suggestions(
    labels: Counter[str], colisted: CoListing | None = None, ignored_table: str = ""
) -> list[Suggestion]:
    """One suggestion per label, the most frequent first (``ignored_table``: see ``suggest``)."""
    evidence = colisted or CoListing()
    return [
        Suggestion(label, count, *_weighed(label, evidence, ignored_table))
        for label, count in sorted(labels.items(), key=lambda item: (-item[1], item[0]))
    ]


def _weighed(label: str, evidence: CoListing, ignored_table: str) -> tuple[tuple[str, ...], str]:
    """The codes the label's words suggest that the co-listed projects bear out.

    From those projects alone when the words suggest nothing; all the words' codes when
    the projects bear none out, or are too few to tell.
    """
    codes, reason = suggest(label, ignored_table)
    certain = evidence.certainties(label)
    if certain is None:
        return codes, reason
    if not codes:
        found = evidence.codes(label)
        return found, f"co-listed: {evidence.labelled[label]} projects" if found else ""
    kept = tuple(code for code in codes if certain.get(code, 0.0) >= CONFIRMING_CERTAINTY)
    return (kept, f"{reason} (co-listed)") if kept else (codes, reason)


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
    store: RawStore,
    sources: list[str],
    taxonomy: Taxonomy,
    projects: Iterable[Mapping[str, list[str]]] = (),
) -> dict[str, list[Suggestion]]:
    """For each of ``sources`` (all crawled ones when empty), its unmapped labels, suggested.

    ``projects``: each indexed project's raw tags by contributor (``Project.raw_tags``),
    for the evidence of the projects several contributors list (``CoListing``).
    """
    known = store.sources()
    for source in sources:
        if source not in known:
            raise NoSuchSource(source, known)
    vocabularies = {
        source: known_tables(SourceVocabulary.from_card(store.latest_contributor(source)))
        for source in known
    }
    wanted = sources or known
    evidence = co_listings(projects, wanted, vocabularies, taxonomy)
    found = {}
    for source in wanted:
        fields = (item["fields"] for item in store.latest_items(source))
        unmapped = unmapped_labels(fields, vocabularies[source], taxonomy)
        found[source] = suggestions(unmapped, evidence[source])
    return found


def co_listings(
    projects: Iterable[Mapping[str, list[str]]],
    sources: Iterable[str],
    vocabularies: Mapping[str, SourceVocabulary],
    taxonomy: Taxonomy,
) -> dict[str, CoListing]:
    """For each of ``sources``: the codes the other contributors give the projects it lists.

    ``projects``: each project's raw tags by contributor; a contributor without a known
    vocabulary codes nothing.
    """
    evidence = {source: CoListing() for source in sources}
    for tags in projects:
        coded = {
            source: set(taxonomy.codes_for(vocabularies[source], labels)[0])
            for source, labels in tags.items()
            if source in vocabularies
        }
        for source in evidence.keys() & tags.keys():
            others = {code for other, codes in coded.items() if other != source for code in codes}
            if others:
                evidence[source].add(tags[source], others)
    return evidence


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
