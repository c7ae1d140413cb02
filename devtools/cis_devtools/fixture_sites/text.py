"""Small French text helpers shared by the generator and the site renderers."""

from __future__ import annotations

import re

from unidecode import unidecode

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_VOWELS = tuple("AEIOUYÉÈÊÂÎÔÛH")


def slugify(text: str) -> str:
    """ASCII, lower-case, dash-separated form of a title: "Café de l'Été" → "cafe-de-l-ete"."""
    return _NON_SLUG.sub("-", unidecode(text).lower()).strip("-")


def de_town(name: str) -> str:
    """The town name after "de", with French contraction: "du Havre", "d'Amiens", "de Vichy"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name.startswith("Aux "):
        return "des " + name[4:]
    if name.startswith(_VOWELS):
        return "d'" + name
    return "de " + name


def truncate_words(text: str, limit: int) -> str:
    """Cut text on a word boundary to at most `limit` characters, ending with "…"."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:. ") + "…"
