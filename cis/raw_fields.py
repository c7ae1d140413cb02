"""The fields a contributor config may fill, and what the indexer makes of each.

Key concepts: a config's ``fields:`` name raw-item fields; only these are read, so
``cis sources check`` refuses any other name rather than let it be dropped silently.
``crawlers/sources/README.md`` documents them from this table (a test keeps both in step).
"""

from __future__ import annotations

RAW_FIELDS: dict[str, str] = {
    "title": "the project's name (required, else the item is rejected)",
    "summary": "a short presentation (else the description's start)",
    "description": "the full presentation",
    "organisation": "who runs the project",
    "partners": "its partners (a list, or one string cut at ; , and /)",
    "website": "the project's own site",
    "image": "a picture of it",
    "logo": "its logo (the image when there is no picture)",
    "date": "when it started (a date or a year)",
    "siret": "its SIRET number",
    "legal_status": "its legal form (association, SCIC…)",
    "address": "a free-text address; its lines (<br>) are read one by one",
    "street": "the street part of the address",
    "postcode": "the postcode",
    "city": "the commune",
    "departement": "the département (name or number), a hint for the commune",
    "region": "the région, a hint for the commune",
    "tags": "the contributor's themes, coded by its vocabulary",
    "publics": 'the people it is for ("Jeunes 16-25 ans"), coded by its vocabulary',
    # Read by the 2018 spiders: kept in the raw store, not indexed.
    "author": "who wrote the contributor's page (kept, not indexed)",
    "contact": "a contact given on the page (kept, not indexed)",
    "economic_data": "budget or staff figures (kept, not indexed)",
}
