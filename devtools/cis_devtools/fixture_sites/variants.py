"""Small, realistic differences between two sites' listings of the same project."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from unidecode import unidecode

from cis_devtools.fixture_sites.geo import Town
from cis_devtools.fixture_sites.text import truncate_words

_FEMININE = (
    "Épicerie",
    "Recyclerie",
    "Ressourcerie",
    "Maison",
    "Monnaie",
    "Conciergerie",
    "Colocation",
    "Ludothèque",
    "Halte-garderie",
    "Plateforme",
    "Location",
    "Régie",
    "Vélo-école",
    "Auto-école",
    "Boutique",
    "Cyclofficine",
)
_PLURAL = ("Cours", "Ateliers", "Visites", "Services", "Vélos", "Jardins", "Paniers")
_DASH = "\u2013"  # en dash, as French typography writes it
_ARTICLE = re.compile(r"^(Le |La |Les |L')")


@dataclass(frozen=True, slots=True)
class AddressView:
    """An address as one site writes it; `style` says which parts it shows and how."""

    street: str | None
    postcode: str | None
    city: str
    dept_code: str
    region: str
    style: str


def _with_article(title: str) -> str:
    if _ARTICLE.match(title):
        return _ARTICLE.sub("", title, count=1)
    first = title.split(" ", 1)[0]
    if first in _PLURAL:
        return "Les " + title
    if first[0] in "AEIOUÉÈH":
        return "L'" + title
    return ("La " if first in _FEMININE else "Le ") + title


def vary_title(rng: random.Random, title: str, town: str) -> str:
    """One listing's title: the true one with a small change (case, accents, article, town)."""
    roll = rng.random()
    if roll < 0.35:
        return title
    if roll < 0.45:
        return title.upper() if rng.random() < 0.3 else title.title()
    if roll < 0.55:
        return title.replace("Café", "Cafe") if "Café" in title else unidecode(title)
    if roll < 0.65:
        return title.replace(" : ", " - ").replace(", ", f" {_DASH} ") + rng.choice((" !", ".", ""))
    if roll < 0.8:
        return _with_article(title)
    if town in title:
        return f"« {title} »"
    return title + rng.choice((f" {_DASH} {town}", f" ({town})", f" à {town}", f", {town}"))


def vary_summary(rng: random.Random, summary: str, synonyms: tuple[tuple[str, str], ...]) -> str:
    """One listing's summary: the true one, re-worded, shortened or truncated."""
    roll = rng.random()
    if roll < 0.4:
        return summary
    if roll < 0.6:
        return truncate_words(summary, rng.randint(90, 140))
    if roll < 0.75:
        return summary.split(". ", 1)[0].rstrip(".") + "."
    for plain, other in rng.sample(synonyms, len(synonyms)):
        summary = re.sub(rf"\b{re.escape(plain)}\b", other, summary, count=1)
    return summary


def vary_city(rng: random.Random, town: Town) -> str:
    """How a site spells the town: "St-Étienne", "Paris 11e", "PARIS 11", or as is."""
    name = town.name
    if town.arrondissement is not None:
        n = town.arrondissement
        suffix = "er" if n == 1 else "e"
        return rng.choice((f"{name} {n}{suffix}", f"{name} {n}ème", name, f"{name.upper()} {n}"))
    if name.startswith(("Saint-", "Sainte-")) and rng.random() < 0.5:
        return name.replace("Sainte-", "Ste-", 1).replace("Saint-", "St-", 1)
    return name


def address_view(
    rng: random.Random, town: Town, street: str | None, postcode: str, styles: tuple[str, ...]
) -> AddressView:
    """Choose how much of the address a listing shows (see `address_text` for the styles)."""
    style = rng.choice(styles)
    city = vary_city(rng, town)
    if style == "cedex":
        city = city.upper() + " CEDEX"
    keeps_street = style in ("full", "cedex", "street_city")
    keeps_postcode = style in ("full", "cedex", "postcode_city")
    return AddressView(
        street if keeps_street else None,
        postcode if keeps_postcode else None,
        city,
        town.dept_code,
        town.region_name,
        style,
    )


def address_text(view: AddressView) -> str:
    """The address as one line of free text, in the view's style."""
    if view.style == "city_dept":
        return f"{view.city} ({view.dept_code})"
    if view.style == "region_city":
        return f"{view.region}, {view.city}"
    place = " ".join(part for part in (view.postcode, view.city) if part)
    return f"{view.street}, {place}" if view.street else place


def address_lines(view: AddressView) -> list[str]:
    """The address as lines (street, then postcode and town) for multi-line markup."""
    text = address_text(view)
    return text.split(", ", 1) if view.street else [text]
