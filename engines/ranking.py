"""How a relevance order weighs a hit, declared once for both engines.

Key concepts: a hit's score is a sum of tiers far apart, so that each tier decides
before the next one is looked at:

1. a title or an organisation equal to the query (``EXACT_NAME``), "La Bricole des
   Voisins" above "Ressourcerie « La Bricole des Voisins »";
2. ``CONCEPT`` per query concept met (``cis.concepts``): all of them, then most; ``KIND``
   times that for a kind of project, so that among hits meeting part of "café associatif
   seniors" the cafés come before the seniors' other projects. The words of a concept
   apart earn ``APART`` of that ("café" in a title and "association" below is no café
   associatif for sure), and so does a kind named only in a contributor's theme tags
   (a bike workshop tagged "Numérique et inclusion sociale" is no inclusion numérique
   project). Alone in its query, a concept of several words is *partly* met, for
   ``PARTIAL`` of that, by a text holding some of them ("Les mercredis en famille" for
   "maison des familles", "La conciergerie de Duttlenheim" for "conciergerie
   solidaire"), and a kind by a project coded with every theme of that kind;
3. without a place, ``TITLE_WORDS`` when every word typed is in the title ("Bistrot
   associatif La Cabane (Sarcelles)" for "bistrot associatif la cabane"); with one,
   nearness to it instead (what its title says matters less than where it is), for a
   hit that has a location: ``NEARBY`` within ``NEARBY_KM`` (a project partly matching
   next door is likelier to be what was asked than a full match 80 km away: it outranks
   it), plus an exponential decay of the distance, worth ``DISTANCE`` at 0 km, half that
   at ``DISTANCE_SCALE_KM``, a quarter at twice that (a long tail: 100 km away still ranks
   above 200 km);
4. the text score (BM25 over the weighted fields; a synonym's counts ``SYNONYM`` of the
   typed words' own, so "bistrot" prefers bistrots to cafés), a theme code meeting a concept
   scoring ``CODE_MATCH``, and ``LISTED`` for each further contributor listing the
   project (up to ``LISTED_CAP``): a gentle nudge.
"""

from __future__ import annotations

import math

EXACT_NAME = 100_000.0
CONCEPT = 1_000.0
APART = 0.75  # the share of its tier a concept earns by its typed words apart
PARTIAL = 0.5  # the share of its tier a concept partly met earns
KIND = 1.1  # a kind of project weighs more than a theme or public: it is what is looked for
TITLE_WORDS = 200.0
DISTANCE = 500.0
DISTANCE_SCALE_KM = 20.0
NEARBY = 600.0  # above CONCEPT * (1 - PARTIAL): nearby partial matches before far full ones
NEARBY_KM = 30.0
SYNONYM = 0.5
TYPED_SLOP = 3  # typed words this close in one field meet a concept at full weight
SCATTERED = 0.5  # typed words apart ("jardins" in the title, "partager" below) weigh less
CODE_MATCH = 0.25  # below any word of the text: a code is weaker evidence
LISTED = 0.5  # text scores run 2-15: a nudge between near-equal ones, not a reorder
LISTED_CAP = 3  # contributors counted: a project listed by 5 weighs as one listed by 3


def concept_weight(kind: bool) -> float:
    """The ``CONCEPT`` tier of one concept met: ``KIND`` times more for a kind of project."""
    return CONCEPT * (KIND if kind else 1.0)


def distance_weight(km: float) -> float:
    """Tier 3 for a hit ``km`` away (Elasticsearch's ``exp`` decay with decay 0.5)."""
    nearby = NEARBY if km <= NEARBY_KM else 0.0
    return nearby + DISTANCE * math.pow(0.5, km / DISTANCE_SCALE_KM)
