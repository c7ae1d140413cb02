"""What the text of a query asks for: concepts, each met by any of its alternatives.

Key concepts: a query's content words are read left to right; the longest run of them
that names a synonym group (``cis/data/synonyms.txt``, plus every CIS code's label)
becomes one *concept* whose alternatives are all the group's names — each a *phrase* of
stems — and the group's CIS codes; any other word is a concept of its own. A project
meets a concept when the typed words all appear in its text, or one of the synonyms
does as a phrase, or it carries one of its codes (alone, a concept is also partly met
by some of its typed words, and a kind by a project coded with all its themes:
``partly_met_counts``); a theme or public concept is also met
by the kinds of project about it ("seniors" by "visites de convivialité": ``~>`` in the
file). Both engines rank on concepts met (``required_concepts`` of them at least), so
"friperie Angers" meets "Vestiboutique d'Angers" and "insertion jeunes" meets a project
coded INS and JEU whose text says "16-25 ans".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from cis.analysis import content_words, stem, stems
from cis.vocabulary import code_labels

Phrase = tuple[str, ...]  # stems, in order
_GENERIC_CODES = frozenset({"AUT"})  # "Autres" names no theme anyone searches for


@dataclass(frozen=True)
class Concept:
    """One thing a query asks for: the words typed, and what meets them."""

    words: tuple[str, ...]  # the folded words of the query it stands for
    # The typed words' stems first: they meet wherever they all appear ("jardins partagés"
    # meets "Les jardins du Pré Vert, … partager"); then the synonyms, each as a phrase
    # ("atelier de réparation" would meet any atelier whose text says "réparation").
    phrases: tuple[Phrase, ...]
    codes: tuple[str, ...] = ()  # CIS codes that meet it too
    # Named a kind of project ("café associatif"), not a theme or public: the CIS codes of
    # what a project of that kind is about (synonyms.txt's "~>"); () for a theme or public.
    themes: tuple[str, ...] = ()

    @property
    def kind(self) -> bool:
        """Whether it names a kind of project."""
        return bool(self.themes)


@dataclass(frozen=True)
class SynonymGroup:
    """Names of one kind of project, theme or public, and the codes that mean it."""

    phrases: tuple[Phrase, ...]
    codes: tuple[str, ...]  # "=>": projects coded so meet the group
    themes: tuple[str, ...] = ()  # "~>": the themes a project of this kind is about


_MARKS = re.compile(r"\s*(=>|~>)\s*")


def parse_group(line: str) -> SynonymGroup:
    """One line of synonyms.txt: ``name | name … [=> CODE …] [~> CODE …]``."""
    names, *marked = _MARKS.split(line)
    codes = dict(zip(marked[::2], marked[1::2], strict=True))
    phrases = tuple(dict.fromkeys(tuple(stems(name)) for name in names.split("|")))
    return SynonymGroup(
        tuple(p for p in phrases if p),
        tuple(codes.get("=>", "").split()),
        tuple(codes.get("~>", "").split()),
    )


@cache
def synonym_groups() -> tuple[SynonymGroup, ...]:
    """The reviewed groups, then one group per CIS code label."""
    text = (files("cis") / "data" / "synonyms.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    labelled = [
        SynonymGroup((tuple(stems(label)),), (code,))
        for code, label in code_labels().items()
        if code not in _GENERIC_CODES
    ]
    return tuple(parse_group(line) for line in lines) + tuple(labelled)


@cache
def _groups_by_phrase() -> dict[Phrase, tuple[SynonymGroup, ...]]:
    found: dict[Phrase, list[SynonymGroup]] = {}
    for group in synonym_groups():
        for phrase in group.phrases:
            found.setdefault(phrase, []).append(group)
    return {phrase: tuple(groups) for phrase, groups in found.items()}


@cache
def _longest_phrase() -> int:
    return max(len(phrase) for phrase in _groups_by_phrase())


def concepts(text: str) -> tuple[Concept, ...]:
    """The concepts of ``text``, in order, each once."""
    words = content_words(text)
    stemmed = [stem(word) for word in words]
    found: dict[frozenset[Phrase], Concept] = {}  # by what meets it: a synonym repeated is one
    start = 0
    while start < len(words):
        length, groups = _group_at(stemmed, start)
        phrase = tuple(stemmed[start : start + length])
        codes = sorted({code for g in groups for code in g.codes})
        synonyms = [p for g in (*groups, *_kinds_about(codes)) for p in g.phrases]
        concept = Concept(
            tuple(words[start : start + length]),
            tuple(dict.fromkeys([phrase, *synonyms])),
            tuple(codes),
            tuple(sorted({code for g in groups for code in g.themes})),
        )
        found.setdefault(frozenset(concept.phrases), concept)
        start += length
    return tuple(found.values())


def _kinds_about(codes: list[str]) -> list[SynonymGroup]:
    """The kinds of project about one of ``codes`` ("insertion" → chantier d'insertion…)."""
    wanted = set(codes)
    return [g for g in synonym_groups() if wanted.intersection(g.themes)]


def _group_at(stemmed: list[str], start: int) -> tuple[int, tuple[SynonymGroup, ...]]:
    """The longest synonym phrase starting at ``start`` (its length, groups); else (1, ())."""
    by_phrase = _groups_by_phrase()
    for length in range(min(_longest_phrase(), len(stemmed) - start), 0, -1):
        if groups := by_phrase.get(tuple(stemmed[start : start + length])):
            return length, groups
    return 1, ()


def partly_met_counts(count: int) -> bool:
    """Whether a concept partly met (some of its typed words) counts, in a query of ``count``.

    Only alone: "conciergerie solidaire" then finds "La conciergerie de Duttlenheim", after
    the full matches. With several concepts, meeting most of them is leniency enough: a
    word of one plus another ("café" and "seniors") would outrank the kind asked for.
    """
    return count == 1


def required_concepts(count: int) -> int:
    """How many of a query's ``count`` concepts a hit must meet.

    All but one, and one fewer for every four (1 of 2, 3 of 4, 6 of 8): a query never finds
    nothing when most of it matches, and the hits meeting more concepts rank first.
    """
    return count if count <= 1 else count - max(1, count // 4)
