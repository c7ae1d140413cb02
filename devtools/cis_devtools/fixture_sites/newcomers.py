"""Contributors that join with words of their own: their tags and audiences, no 2018 table.

A newcomer is a fixture site whose listings are retagged with a vocabulary of its own
(``newcomer_vocabularies.csv``: each label and the CIS codes its editors mean by it) and
given the audience each project addresses, in its words ("Jeunes (16-25 ans)",
"Aînés"). Nothing maps those words until an admin accepts a table for the source: what
``cis tags report`` drafts, measured by ``benchmarks/new_source.py``.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files

from cis_devtools.fixture_sites.corpus import LabelledItem
from cis_devtools.fixture_sites.world import WorldProject

# The codes of whom a world project's summary addresses (WorldProject.public); the other
# publics ("aux habitants du quartier"…) name no one in particular.
PUBLIC_CODES: dict[str, tuple[str, ...]] = {
    "aux familles": ("JEU",),
    "aux jeunes de 16 à 25 ans": ("JEU",),
    "aux personnes âgées isolées": ("SEN",),
    "aux demandeurs d'emploi": ("EMP",),
    "aux personnes en situation de précarité": ("COH",),
    "aux étudiants": ("EDU", "JEU"),
    "aux personnes réfugiées et primo-arrivantes": ("COH", "DRO"),
}
MAX_TAGS = 3


@dataclass(frozen=True)
class NewcomerVocabulary:
    """One newcomer's labels and what it means by them."""

    name: str
    tags: dict[str, tuple[str, ...]]  # label → CIS codes, sorted
    publics: dict[str, tuple[str, ...]]  # audience label → CIS codes, sorted; () for all

    def table(self) -> dict[str, tuple[str, ...]]:
        """Every label with a meaning, as the source's accepted table would hold it."""
        return {label: codes for label, codes in {**self.tags, **self.publics}.items() if codes}


@cache
def newcomer_vocabularies() -> dict[str, NewcomerVocabulary]:
    """The vocabularies of ``newcomer_vocabularies.csv``, by name."""
    text = (files(__package__) / "newcomer_vocabularies.csv").read_text(encoding="utf-8")
    found: dict[str, NewcomerVocabulary] = {}
    for row in csv.DictReader(io.StringIO(text)):
        vocabulary = found.setdefault(
            row["vocabulary"], NewcomerVocabulary(row["vocabulary"], {}, {})
        )
        getattr(vocabulary, row["field"])[row["label"]] = tuple(sorted(row["codes"].split()))
    return found


def retagged(
    labelled: LabelledItem, project: WorldProject, vocabulary: NewcomerVocabulary
) -> LabelledItem:
    """``labelled`` as the newcomer lists it: its own tags for the project, its audience."""
    rng = random.Random(f"newcomer:{vocabulary.name}:{project.key}")
    fields = dict(labelled.item["fields"])
    fields.pop("tags", None)
    if tags := _tags(rng, vocabulary, project.codes):
        fields["tags"] = tags
    wanted = PUBLIC_CODES.get(project.public, ())
    audience = [
        label for label, codes in vocabulary.publics.items() if codes == tuple(sorted(wanted))
    ]
    if audience:
        fields["publics"] = audience[:1]
    return replace(labelled, item={**labelled.item, "fields": fields}, tag_table="")


def _tags(rng: random.Random, vocabulary: NewcomerVocabulary, codes: tuple[str, ...]) -> list[str]:
    """Labels meaning only codes the project has, the one of its main code first."""
    fitting = [label for label, meant in vocabulary.tags.items() if set(meant) <= set(codes)]
    main = [label for label in fitting if codes and codes[0] in vocabulary.tags[label]]
    if not main:
        return []
    first = rng.choice(main)
    others = [label for label in fitting if label != first]
    return [first, *rng.sample(others, min(len(others), rng.randint(0, MAX_TAGS - 1)))]
