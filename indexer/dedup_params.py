"""Every near-duplicate parameter, in one place: signatures only compare when these match.

Key concepts: MinHash signatures from datasketch compare only when ``NUM_PERM``, ``SEED``
and ``SCHEME`` are equal, so a persisted dedup state built with other values must be
rebuilt (``STATE_VERSION`` names them). LSH at ``LSH_THRESHOLD`` only proposes candidate
pairs; each candidate is accepted on its *exact* shingle Jaccard at ``JACCARD_THRESHOLD``
(engine notes: LSH alone at 0.8 lost 22 % of the true pairs).

Geography rule (why: networks such as Repair Café publish near-identical text in hundreds
of towns): two listings may merge on text only when they are in the same commune, or one
has no commune and both name the same département, or neither has any location. A strong
key (same SIRET, same project website) merges within compatible geography; when it joins
two different communes or départements it merges only if the text is also similar (a
project that moved, or a head-office address). A website seen in ``SHARED_WEBSITE_COMMUNES``
or more communes is a network or platform page, not a key.
"""

from __future__ import annotations

from typing import Final, Literal

NUM_PERM: Final = 128
SEED: Final = 1
SCHEME: Final = "affine32"  # datasketch 2.0's default, spelled out: it decides compatibility

# Character 5-grams of the folded title + summary; benchmarks/dedup.py compares them with
# word 3-grams: characters keep recall on one-word edits and truncated summaries.
SHINGLE_KIND: Final[Literal["char", "word"]] = "char"
SHINGLE_SIZE: Final = 5

LSH_THRESHOLD: Final = 0.5
# Fewer false negatives than the default (0.5, 0.5) weighting: losses are not recoverable,
# extra candidates only cost one exact Jaccard each.
LSH_WEIGHTS: Final = (0.3, 0.7)
JACCARD_THRESHOLD: Final = 0.6

SHARED_WEBSITE_COMMUNES: Final = 2
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
        "sites.google.com",
        "framasite.org",
        "jimdo.com",
        "jimdofree.com",
        "e-monsite.com",
        "webself.net",
        "associations.gouv.fr",
        "data.gouv.fr",
    }
)

STATE_VERSION: Final = f"minhash-{SCHEME}-{NUM_PERM}-{SEED}-{SHINGLE_KIND}{SHINGLE_SIZE}"
