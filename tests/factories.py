"""Small builders of valid records for tests."""

from __future__ import annotations

from typing import Any

from cis.raw_store import RawStore
from cis.records import Project, RawItem
from crawlers.extract.raw_items import ListingEntry, make_item

NOW = "2026-11-01T00:00:00+00:00"

MOULINS = {
    "postcode": "03000",
    "city": "Moulins",
    "commune_code": "03190",
    "commune": "Moulins",
    "departement_code": "03",
    "departement": "Allier",
    "region_code": "84",
    "region": "Auvergne-Rhône-Alpes",
}
VICHY = {
    **MOULINS,
    "postcode": "03200",
    "city": "Vichy",
    "commune_code": "03310",
    "commune": "Vichy",
}
RENNES = {
    "postcode": "35000",
    "city": "Rennes",
    "commune_code": "35238",
    "commune": "Rennes",
    "departement_code": "35",
    "departement": "Ille-et-Vilaine",
    "region_code": "53",
    "region": "Bretagne",
}
POINTS = {"03190": (46.5646, 3.3326), "03310": (46.1277, 3.4253), "35238": (48.1113, -1.6800)}


def project(pid: str, title: str, **fields: Any) -> Project:
    """A complete project; ``fields`` override the defaults."""
    address = fields.pop("address", MOULINS)
    lat, lon = POINTS.get(address.get("commune_code", ""), (46.0, 2.0))
    sources = fields.pop("sources", ["avise"])
    record: dict[str, Any] = {
        "id": pid,
        "title": title,
        "summary": "",
        "description": "",
        "organisation": "",
        "partners": [],
        "website": "",
        "image": "",
        "address": address,
        "location": {"lat": lat, "lon": lon},
        "geo_precision": "commune",
        "codes": [],
        "domains": [],
        "publics": [],
        "methods": [],
        "raw_tags": {},
        "provenance": {"title": sources[0]},
        "first_seen": NOW,
        "updated_at": NOW,
        "sources": [
            {
                "source": s,
                "name": s.title(),
                "url": f"https://{s}.example/p/{pid}",
                "first_seen": NOW,
                "last_seen": NOW,
            }
            for s in sources
        ],
    }
    record.update(fields)
    return record  # type: ignore[return-value]


def catalogue() -> list[Project]:
    """Eight projects covering accents, elisions, facets, places and several contributors."""
    return [
        project(
            "p-epicerie",
            "Épicerie solidaire de Moulins",
            summary="Aide alimentaire digne.",
            codes=["ALI", "INS"],
            domains=["inclusion"],
            sources=["avise", "solidarum"],
        ),
        project(
            "p-jardin",
            "Jardin partagé des Chartreux",
            summary="Potager collectif.",
            codes=["AGR"],
            domains=["sust_env"],
            address=VICHY,
        ),
        project(
            "p-atelier",
            "L'Atelier vélo",
            description="Réparation de vélos et mobilité.",
            codes=["MOB"],
            domains=["inclusion", "habitat"],
            publics=["youth"],
            address=VICHY,
        ),
        project(
            "p-repair-moulins",
            "Repair Café de Moulins",
            summary="Réparer ensemble.",
            codes=["DEC"],
            domains=["sust_env"],
            sources=["semeoz"],
        ),
        project(
            "p-repair-rennes",
            "Repair Café de Rennes",
            summary="Réparer ensemble.",
            codes=["DEC"],
            domains=["sust_env"],
            address=RENNES,
            sources=["semeoz"],
        ),
        project(
            "p-fle",
            "Cours de français pour migrants",
            summary="Apprendre le français.",
            organisation="Association Œuvre d'accueil",
            codes=["EDU", "INS"],
            domains=["inclusion", "employment"],
            address=RENNES,
        ),
        project(
            "p-seniors",
            "Visites aux aînés isolés",
            summary="Lutte contre l'isolement.",
            codes=["SEN", "COH"],
            publics=["senior"],
            domains=["social_net"],
        ),
        project(
            "p-desc-only",
            "Tiers-lieu du bocage",
            description="Un lieu où l'épicerie solidaire côtoie un fablab.",
            codes=["NUM"],
            domains=["life_env"],
            location=None,
            geo_precision="departement",
        ),
    ]


GOOD_RUN = "20260101T000000000Z"


def publish_good_run(store: RawStore, source: str) -> None:
    """Commit run ``GOOD_RUN`` of ``source``: one item, as a past crawl would have."""
    entry = ListingEntry(listing_url="http://site.example/", fields={}, extraction="selectors")
    item = make_item(source, "http://site.example/p/", entry, {"title": "Kept"}, "selectors", "")
    writer = store.open_run(source, GOOD_RUN)
    writer.write(item)
    writer.commit({"pages": {}, "removed": []})


def raw_item(key: str, title: str, summary: str) -> RawItem:
    source, url = key.split("|", 1)
    return {
        "source": source,
        "url": url,
        "listing_url": url.rsplit("/", 1)[0] + "/",
        "fetched_at": NOW,
        "content_hash": "",
        "extraction": "selectors",
        "fields": {"title": title, "summary": summary, "address": "Place d'Allier, 03000 Moulins"},
    }
