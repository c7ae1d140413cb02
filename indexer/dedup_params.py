"""Every near-duplicate parameter, in one place: signatures only compare when these match.

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

from typing import Final, Literal

NUM_PERM: Final = 128
SEED: Final = 1
SCHEME: Final = "affine32"  # datasketch 2.0's default, spelled out: it decides compatibility

# Word 3-grams of the folded title + summary (benchmarks/dedup.py compared character 4–6
# and word 2–3 grams): at equal recall they keep unrelated texts of one town furthest
# apart, and their ~40 shingles per listing sign 2x faster than ~240 character grams.
SHINGLE_KIND: Final[Literal["char", "word"]] = "word"
SHINGLE_SIZE: Final = 3

JACCARD_THRESHOLD: Final = 0.5
# LSH only proposes candidates, so it is tuned for recall at JACCARD_THRESHOLD: with these
# values datasketch picks 42 bands of 3 rows, which returns a pair at Jaccard 0.5 with
# probability 0.996; extra candidates only cost one exact Jaccard each.
LSH_THRESHOLD: Final = 0.35
LSH_WEIGHTS: Final = (0.2, 0.8)  # (false positive, false negative) weights

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
        "framasite.org",
        "jimdofree.com",
        "e-monsite.com",
        "webself.net",
        "associations.gouv.fr",
        "data.gouv.fr",
    }
)

STATE_VERSION: Final = f"minhash-{SCHEME}-{NUM_PERM}-{SEED}-{SHINGLE_KIND}{SHINGLE_SIZE}"
