"""Many deterministic synthetic projects, for tests that need volume rather than realism."""

from __future__ import annotations

import random
from collections.abc import Iterator

from cis.records import Project

WORDS = (
    "atelier jardin partagé épicerie solidaire repair café recyclerie tiers-lieu habitat "
    "inclusif mobilité vélo cours français migrants jeunes seniors isolement emploi insertion "
    "alimentation circuit court agriculture urbaine numérique fablab culture théâtre santé "
    "prévention handicap accueil logement énergie rénovation quartier citoyen association "
    "coopérative bénévoles formation réemploi compost biodiversité éducation parentalité"
).split()
COMMUNES = [
    ("03190", "Moulins", "03", "84", 46.56, 3.33),
    ("03310", "Vichy", "03", "84", 46.13, 3.43),
    ("35238", "Rennes", "35", "53", 48.11, -1.68),
    ("69123", "Lyon", "69", "84", 45.76, 4.83),
    ("13055", "Marseille", "13", "93", 43.30, 5.37),
    ("59350", "Lille", "59", "32", 50.63, 3.06),
]
DOMAINS = ["eco_dev", "inclusion", "sust_env", "habitat", "life_env", "social_net", "employment"]
SOURCES = ["avise", "solidarum", "semeoz", "mot", "carasso", "apriles", "vinci", "veolia"]


def synthetic_projects(count: int, seed: int = 7) -> Iterator[Project]:
    """``count`` projects with varied titles, summaries, facets, places and sources."""
    rng = random.Random(seed)
    for n in range(count):
        code, city, dep, region, lat, lon = rng.choice(COMMUNES)
        sources = rng.sample(SOURCES, rng.choice((1, 1, 2, 3)))
        yield {
            "id": f"p-{n:08x}",
            "title": " ".join(rng.sample(WORDS, 4)).capitalize(),
            "summary": " ".join(rng.choices(WORDS, k=30)),
            "description": " ".join(rng.choices(WORDS, k=80)),
            "organisation": f"Association {rng.choice(WORDS)}",
            "partners": [],
            "website": "",
            "image": "",
            "address": {
                "commune_code": code,
                "commune": city,
                "departement_code": dep,
                "region_code": region,
            },
            "location": {
                "lat": lat + rng.uniform(-0.05, 0.05),
                "lon": lon + rng.uniform(-0.05, 0.05),
            },
            "geo_precision": "commune",
            "codes": [],
            "domains": rng.sample(DOMAINS, 2),
            "publics": [],
            "methods": [],
            "raw_tags": {},
            "provenance": {},
            "first_seen": "2026-01-01T00:00:00+00:00",
            "updated_at": "2026-01-01T00:00:00+00:00",
            "sources": [
                {
                    "source": s,
                    "name": s.title(),
                    "url": f"https://{s}.example/{n}",
                    "first_seen": "2026-01-01T00:00:00+00:00",
                    "last_seen": "2026-01-01T00:00:00+00:00",
                }
                for s in sources
            ],
        }
