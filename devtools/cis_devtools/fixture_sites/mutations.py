"""Changes between two crawls: a few projects edited, a few deleted, a few added.

Key concepts: the world is never stored, it is replayed: the generation seed gives the
first projects, then each recorded mutation seed is applied in order. Replaying the same
seeds gives the same world, so unchanged pages keep their bytes (and their ETags).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from cis_devtools.fixture_sites.registry import site_weights
from cis_devtools.fixture_sites.world import WorldBuilder, WorldProject

EDITED = 6
DELETED = 6
ADDED = 6
PROTECTED = 60  # the lowest-numbered projects carry the quirks: never mutate them


def _edited(project: WorldProject, rng: random.Random) -> WorldProject:
    summary = f"Nouveau en 2018 : {project.summary[0].lower()}{project.summary[1:]}"
    title = project.title + " (nouvelle formule)" if rng.random() < 0.5 else project.title
    return replace(project, summary=summary, title=title, updated="2018-09-15")


def apply_mutation(
    builder: WorldBuilder, projects: list[WorldProject], seed: int
) -> tuple[list[WorldProject], list[WorldProject]]:
    """Edit, delete and add a few projects; return (live projects, deleted projects)."""
    rng = random.Random(f"mutation:{seed}")
    candidates = [p for p in projects if p.number > PROTECTED]
    touched = rng.sample(candidates, min(len(candidates), EDITED + DELETED))
    edited = {p.key: _edited(p, rng) for p in touched[:EDITED]}
    deleted = {p.key for p in touched[EDITED:]}
    live = [edited.get(p.key, p) for p in projects if p.key not in deleted]
    live += builder.build(ADDED)
    return live, [p for p in projects if p.key in deleted]


def build_world(
    count: int, seed: int, mutations: Sequence[int]
) -> tuple[list[WorldProject], list[WorldProject]]:
    """Replay generation and mutations: (live projects, every project deleted so far)."""
    builder = WorldBuilder(seed, site_weights())
    projects = builder.build(count)
    gone: list[WorldProject] = []
    for mutation in mutations:
        projects, deleted = apply_mutation(builder, projects, mutation)
        gone += deleted
    return projects, gone
