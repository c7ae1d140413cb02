"""The dedup policy in one place: its constants and the small pure rules that read them.

Key concepts: MinHash signatures from datasketch compare only when ``NUM_PERM``, ``SEED``
and ``SCHEME`` are equal, so a persisted dedup state built with other values must be
rebuilt (``STATE_VERSION`` names them). LSH only proposes candidate pairs; each candidate
is accepted on its *exact* shingle Jaccard at ``JACCARD_THRESHOLD`` (engine notes: LSH
alone at 0.8 lost 22 % of the true pairs).

Geography rule (why: networks such as Repair Café publish near-identical text in hundreds
of towns): two listings may merge on text only when they are in the same commune, or one
has no commune and both name the same département, or neither has any location; and a
text link may not bring a second commune into a project. A strong key (same SIRET, same
project website) merges within compatible geography; when it joins two different communes
or départements it merges only if the text is also similar (a project that moved, or a
head-office address). A website seen in ``SHARED_WEBSITE_COMMUNES`` or more communes is a
network or platform page, not a key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final, Literal
from urllib.parse import urlsplit

from cis.text import STOPWORDS, fold
from indexer.dedup.titles import is_organisation_title
from indexer.listings.listing import Listing

NUM_PERM: Final = 128
SEED: Final = 1
SCHEME: Final = "affine32"  # datasketch 2.0's default, spelled out: it decides compatibility

# Word 3-grams of the folded title + summary. Measured on 10k labelled listings against
# character 4-6 and word 2 grams: at equal recall (86 % of true pairs >= threshold, the
# rest being rewrites that only keys link) they keep unrelated texts of one town furthest
# apart (max Jaccard 0.39, vs 0.52 for character 5-grams), and their ~40 shingles per
# listing sign 2x faster than ~240 character grams.
SHINGLE_KIND: Final[Literal["char", "word"]] = "word"
SHINGLE_SIZE: Final = 3

JACCARD_THRESHOLD: Final = 0.5
# LSH only proposes candidates, so it is tuned for recall at JACCARD_THRESHOLD: a pair is
# proposed with probability 1 - (1 - J**ROWS)**BANDS, 0.996 at J = 0.5 with 42 bands of 3
# rows. Bands are salted by commune (and by département for listings without one: text
# links never cross them), which keeps the false candidates of such a low threshold few;
# each costs one exact Jaccard.
LSH_BANDS: Final = 42
LSH_ROWS: Final = 3

SHARED_WEBSITE_COMMUNES: Final = 2
NAME_KEY_MIN_WORDS: Final = 2
# Hosts whose pages belong to many unrelated projects: never a project key.
PLATFORM_HOSTS: Final = frozenset(
    {
        "facebook.com",
        "fb.com",
        "instagram.com",
        "twitter.com",
        "x.com",
        "linkedin.com",
        "youtube.com",
        "helloasso.com",
        "linktr.ee",
        "wixsite.com",
        "wordpress.com",
        "blogspot.com",
        "over-blog.com",
        "google.com",
        "framasite.org",
        "jimdofree.com",
        "e-monsite.com",
        "webself.net",
        "associations.gouv.fr",
        "data.gouv.fr",
    }
)

# Bump STATE_LAYOUT when the saved corpus or the strong keys change shape.
STATE_LAYOUT: Final = 5
STATE_VERSION: Final = (
    f"minhash-{SCHEME}-{NUM_PERM}-{SEED}-{SHINGLE_KIND}{SHINGLE_SIZE}-{LSH_BANDS}x{LSH_ROWS}"
    f"-layout{STATE_LAYOUT}"
)


def _scheme_less(url: str) -> str:
    # URLs arrive canonical (indexer.listings.normalise); http and https still name one page.
    return url.split("://", 1)[-1]


def is_platform(url: str) -> bool:
    """Whether ``url`` is on a host shared by unrelated projects (PLATFORM_HOSTS)."""
    labels = (urlsplit(url).hostname or "").removeprefix("www.").split(".")
    return any(".".join(labels[k:]) in PLATFORM_HOSTS for k in range(len(labels) - 1))


def strong_keys(listing: Listing) -> list[str]:
    """Identity keys: its page, its content, SIRET, own website, name and organisation there."""
    keys = [f"page:{_scheme_less(listing.url)}"]
    if twin := twin_key(listing):
        keys.append(twin)
    if listing.siret:
        keys.append(f"siret:{listing.siret}")
    if listing.website and not is_platform(listing.website):
        keys.append(f"website:{_scheme_less(listing.website)}")
    if name := name_key(listing):
        keys.append(name)
    if (place := arrondissement(listing) or commune(listing)) and listing.organisation:
        keys.append(f"organisation:{place}:{fold(listing.organisation)}")
    return keys


def twin_key(listing: Listing) -> str | None:
    """``twin:<contributor>:<digest>`` of everything a listing says but its URL.

    A contributor that lists one project twice (a page moved, a form filled in twice)
    gives both pages the same content; two of its pages agreeing on title, text, address,
    organisation, website and tags are one project, though it never lists one project
    twice on purpose. A listing saying little more than a title has no such key.
    """
    if not (listing.title and (listing.summary or listing.description) and commune(listing)):
        return None
    said = (
        listing.title, listing.summary, listing.description, listing.organisation,
        listing.website, listing.siret, *sorted(listing.address.items()), *listing.raw_tags,
    )  # fmt: skip
    digest = hashlib.blake2b(repr(said).encode(), digest_size=12).hexdigest()
    return f"twin:{listing.source}:{digest}"


def name_key(listing: Listing) -> str | None:
    """``name:<commune>:<title words>``: one name in one commune is one project.

    Contributors reword summaries (and cut them short) far more than names, so two
    listings titled alike in the same commune are merged whatever their text, as
    GoGoCarto does within 400 m. The commune's own name is left out of the title words
    ("Jardin partagé de Vichy" = "Jardin partagé" in Vichy); names of fewer than
    NAME_KEY_MIN_WORDS words ("Repair Café") are too generic to be a key.
    """
    place = commune(listing)
    if not place or is_organisation_title(listing):
        return None  # an organisation's name is not one of its projects' names
    words = _title_words(listing) - set(fold(listing.address.get("commune", "")).split())
    return f"name:{place}:{' '.join(sorted(words))}" if len(words) >= NAME_KEY_MIN_WORDS else None


def commune(listing: Listing) -> str:
    """INSEE code of the listing's commune, or ""."""
    return listing.address.get("commune_code", "")


def arrondissement(listing: Listing) -> str:
    """INSEE code of the listing's Paris, Lyon or Marseille arrondissement, or ""."""
    return listing.address.get("arrondissement_code", "")


def arrondissements_differ(a: Listing, b: Listing) -> bool:
    """Whether ``a`` and ``b`` lie in two arrondissements of one city (a network's branches)."""
    x, y = arrondissement(a), arrondissement(b)
    return bool(x and y and x != y)


def streets_differ(a: Listing, b: Listing) -> bool:
    """Whether both listings give a street and the two cannot be one address.

    Lenient with spelling ("12, r. des Écoles" is "12 rue des écoles"): they differ when
    their house numbers do, or when they share no word at all.
    """
    words_a = set(fold(a.address.get("street", "")).split()) - STOPWORDS
    words_b = set(fold(b.address.get("street", "")).split()) - STOPWORDS
    if not (words_a and words_b):
        return False
    numbers_a, numbers_b = {w for w in words_a if w.isdigit()}, {w for w in words_b if w.isdigit()}
    return not words_a & words_b or bool(numbers_a and numbers_b and not numbers_a & numbers_b)


def departement_of_commune(code: str) -> str:
    """Département code of an INSEE commune code (three characters overseas)."""
    return code[:3] if code.startswith(("97", "98")) else code[:2]


def departement(listing: Listing) -> str:
    """Département code of the listing (from its commune when not given), or ""."""
    given = listing.address.get("departement_code", "")
    return given or departement_of_commune(commune(listing))


def text_geography_ok(a: Listing, b: Listing) -> bool:
    """Whether text alone may link ``a`` and ``b``: same commune, or compatible vaguer places."""
    ca, cb, da, db = commune(a), commune(b), departement(a), departement(b)
    if ca and cb:
        return ca == cb and not arrondissements_differ(a, b)
    if ca or cb or da or db:
        return bool(da) and da == db
    return True  # neither has any location


def _title_words(listing: Listing) -> set[str]:
    return set(fold(listing.title).split()) - STOPWORDS


def titles_agree(a: Listing, b: Listing) -> bool:
    """Whether one title's words (stopwords aside) all appear in the other's."""
    wa, wb = _title_words(a), _title_words(b)
    return wa <= wb or wb <= wa


def geography_conflict(a: Listing, b: Listing) -> bool:
    """Whether ``a`` and ``b`` are placed in two communes, arrondissements or départements."""
    ca, cb, da, db = commune(a), commune(b), departement(a), departement(b)
    return bool((ca and cb and ca != cb) or (da and db and da != db)) or arrondissements_differ(
        a, b
    )


def text_allowed(a: Listing, b: Listing) -> bool:
    """Whether text may link ``a`` and ``b``: other contributors, geography, titles.

    Outside one commune, network pages differ mostly by the town in their title, so the
    titles must agree too.
    """
    if a.source == b.source or not text_geography_ok(a, b) or organisations_conflict(a, b):
        return False
    return (bool(commune(a)) and commune(a) == commune(b)) or titles_agree(a, b)


def organisations_conflict(a: Listing, b: Listing) -> bool:
    """Whether both name the carrying organisation and the names differ.

    One name in one commune can still be two projects when two organisations run them;
    "Le Lien" and "Association Le Lien" do not conflict (one contains the other).
    """
    oa, ob = fold(a.organisation), fold(b.organisation)
    return bool(oa and ob) and oa not in ob and ob not in oa


def key_names_one_project(key: str, listings: Sequence[Listing]) -> bool:
    """Whether the strong ``key`` shared by ``listings`` names one project, not a group.

    A key one contributor gives to two of its pages names an association; a website seen in
    SHARED_WEBSITE_COMMUNES communes is a network homepage. Page and twin keys always hold.
    """
    if key.startswith(("page:", "twin:")):
        return True
    pages: dict[str, str] = {}
    for listing in listings:
        page = twin_key(listing) or listing.url  # a project listed twice is one page
        if pages.setdefault(listing.source, page) != page:
            return False
    places = {arrondissement(x) or commune(x) for x in listings} - {""}
    return not key.startswith("website:") or len(places) < SHARED_WEBSITE_COMMUNES
