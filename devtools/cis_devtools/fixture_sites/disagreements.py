"""Copies of one project that disagree more than `variants` makes them: what dedup must survive.

Real contributors rename a project's kind ("Repair Café" / "Atelier de réparation"),
reorder its title, use the organisation's name as title, add or drop the town, mistype;
they cut the summary to a line, paraphrase it or append news; they drop the postcode or
write a neighbouring commune's, name a commune déléguée or an arrondissement in Roman
numerals; and one site in a while lists a project twice, the same
listing at another URL (``relisted``). Each copy gets one title, one summary and one address
change at most, drawn from a seeded ``random.Random``: the world stays reproducible.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from functools import cache

from cis.geo.tables import load_tables
from cis.text import fold
from cis_devtools.fixture_sites.variants import AddressView
from cis_devtools.fixture_sites.world import WorldProject

# Kinds of project and another name contributors give them (hand-written fixture data).
KIND_RENAMINGS = (
    ("Repair Café", "Atelier de réparation"),
    ("Répar'Café", "Repair Café"),
    ("Épicerie solidaire", "Épicerie sociale"),
    ("Jardin partagé", "Jardin collectif"),
    ("Potager solidaire", "Jardin solidaire"),
    ("Recyclerie", "Ressourcerie"),
    ("Ressourcerie", "Recyclerie"),
    ("Fab Lab", "Atelier de fabrication numérique"),
    ("FabLab", "Fab Lab"),
    ("Tiers-lieu", "Lieu partagé"),
    ("AMAP", "Panier paysan"),
    ("Café associatif", "Bistrot associatif"),
    ("Atelier vélo", "Atelier d'autoréparation de vélos"),
    ("Conciergerie solidaire", "Conciergerie de quartier"),
    ("Habitat participatif", "Habitat partagé"),
    ("Chantier d'insertion", "Atelier chantier d'insertion"),
)
NEWS = (
    " Prochaine permanence le premier samedi du mois.",
    " Nouveau : ouverture le mercredi après-midi.",
    " L'association recrute des bénévoles pour la rentrée.",
)
PARAPHRASES = (
    ("permet aux", "donne aux"),
    ("propose aux", "offre aux"),
    ("s'adresse aux", "est ouvert aux"),
    ("habitants", "riverains"),
    ("chaque", "tous les"),
)
DISAGREEING_SHARE = 0.6  # of a project's copies, beyond the first, that disagree
RELISTED_ONE_IN = 40  # listings a site shows twice, at two URLs


def relisted(site: str, key: str) -> bool:
    """Whether ``site`` lists project ``key`` a second time (stable, one in RELISTED_ONE_IN)."""
    digest = hashlib.blake2b(f"relisted:{site}:{key}".encode(), digest_size=4).digest()
    return int.from_bytes(digest) % RELISTED_ONE_IN == 0


def disagreeing_title(rng: random.Random, project: WorldProject, title: str) -> str:
    """``title`` renamed, reordered, replaced by the organisation, re-placed or mistyped."""
    town = project.town.name
    roll = rng.random()
    renamed = _renamed(title)
    if roll < 0.25 and renamed != title:
        return renamed
    if roll < 0.4 and project.organisation:
        return project.organisation
    if roll < 0.55 and f" {town}" in title:
        return re.sub(rf"\s*(?:de |d'|du |des |à |– |\()?{re.escape(town)}\)?", "", title).strip()
    if roll < 0.7:
        return _reordered(title)
    if roll < 0.85:
        return _mistyped(rng, title)
    return f"{title} {town}" if town not in title else title


def disagreeing_summary(rng: random.Random, summary: str) -> str:
    """``summary`` cut to a line, paraphrased, or with news appended."""
    roll = rng.random()
    if roll < 0.35:
        words = summary.split()
        return " ".join(words[: rng.randint(6, 10)]) + "…"
    if roll < 0.7:
        for plain, other in PARAPHRASES:
            summary = summary.replace(plain, other)
        sentences = [s.rstrip(".…") for s in summary.split(". ")]
        return ". ".join(sentences[::-1]) + "." if len(sentences) > 1 else summary
    return summary + rng.choice(NEWS)


def disagreeing_address(rng: random.Random, view: AddressView, commune_code: str) -> AddressView:
    """``view`` as a copy that disagrees writes it.

    Naming a commune déléguée of the commune, or an arrondissement in Roman numerals
    ("Paris XIe"); or without its postcode, or with the département's main one.
    """
    roll = rng.random()
    delegated = delegated_communes().get(commune_code, ())
    if delegated and roll < 0.4:
        return dataclasses.replace(view, city=rng.choice(delegated))
    roman = _roman_arrondissement(view.city)
    if roman and roll < 0.6:
        return dataclasses.replace(view, city=roman)
    if view.postcode is None:
        return view
    if rng.random() < 0.5:
        return dataclasses.replace(view, postcode=None)
    return dataclasses.replace(view, postcode=view.postcode[:2] + "000")


@cache
def delegated_communes() -> dict[str, tuple[str, ...]]:
    """Commune code → the names of its communes déléguées, when they differ from its own."""
    found: dict[str, set[str]] = {}
    for places in load_tables().by_name.values():
        for place in places:
            if place.kind == "COMD" and place.name and fold(place.name) != fold(place.commune):
                found.setdefault(place.commune_code, set()).add(place.name)
    return {code: tuple(sorted(names)) for code, names in found.items()}


def _roman_arrondissement(city: str) -> str | None:
    """The arrondissement in Roman numerals ("Paris 11e" → "Paris XIe"); None elsewhere."""
    match = re.match(r"^(Paris|Lyon|Marseille) (\d{1,2})(?:er|e|ème)?$", city)
    if match is None:
        return None
    n = int(match.group(2))
    numerals = "".join(symbol * count for symbol, count in _roman_digits(n))
    return f"{match.group(1)} {numerals}{'er' if n == 1 else 'e'}"


def _roman_digits(n: int) -> list[tuple[str, int]]:
    digits = []
    for value, symbol in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        digits.append((symbol, n // value))
        n %= value
    return digits


def _renamed(title: str) -> str:
    for kind, other in KIND_RENAMINGS:
        if kind.lower() in title.lower():
            return re.sub(re.escape(kind), other, title, count=1, flags=re.IGNORECASE)
    return title


def _reordered(title: str) -> str:
    """The name first: "Jardin partagé des Lilas" → "Lilas, jardin partagé"."""
    match = re.match(r"^(.+?) (?:de la|de l'|des|du|de) (.+)$", title)
    if match is None:
        return title
    kind, name = match.groups()
    return f"{name}, {kind[0].lower()}{kind[1:]}"


def _mistyped(rng: random.Random, title: str) -> str:
    """Two neighbouring letters of a long word swapped."""
    words = title.split()
    long = [n for n, word in enumerate(words) if len(word) >= 6 and word.isalpha()]
    if not long:
        return title
    n = rng.choice(long)
    word = words[n]
    k = rng.randrange(1, len(word) - 2)
    words[n] = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    return " ".join(words)
