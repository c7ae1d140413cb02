"""How long the service takes to read a query before any engine call (budget: 2 ms at p99).

The step measured is everything ``search_service.understanding.reading`` does in Python:
folding, reading the place (strict, then lenient as when the text alone finds nothing),
and the text's concepts with their synonyms (``cis.concepts``). The queries are the
relevance benchmark's 185, drawn from the fixture world, plus hand-written ones of every
shape; the place tables are loaded first (a worker does it before its first request).

    python -m benchmarks.query_reading [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.relevance import WORLD_SEED, build_queries, judged_world
from cis.concepts import concepts
from cis_devtools.fixture_sites.mutations import build_world
from search_service.understanding.reading import place_of, warm_up

WRITTEN = (
    "épicerie solidaire près de Moulins",
    "jardins partagés Roubaix",
    "friperie Angers",
    "repar cafe",
    "insertion jeunes 93",
    "logement Loire",
    "repair café Paris 11e",
    "tiers-lieu en Bretagne",
    "cours de français 03000",
    "aide alimentaire autour de Vichy",
    "Coup de pouce numérique du quartier Centre-ville",
    "Association Le Local",
    "atelier vélo solidaire à Saint-Étienne-du-Rouvray",
    "",
    "zzzz",
)


def read(text: str) -> None:
    """The reading a search does in Python for ``text``."""
    words, place = place_of(text)
    if place is None:
        words, place = place_of(text, lenient=True)
    start, end = place.span if place else (0, 0)
    concepts(" ".join(words[:start] + words[end:]))


def timings(texts: list[str], rounds: int) -> list[float]:
    """Milliseconds per reading, every text ``rounds`` times."""
    found = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            read(text)
            found.append((time.perf_counter() - started) * 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    warm_up()
    print(f"place tables loaded in {time.perf_counter() - started:.2f} s")
    world, _ = build_world(3000, WORLD_SEED, [])
    texts = [q.text for q in build_queries(judged_world(world, {p.key for p in world}))]
    texts += WRITTEN
    ms = sorted(timings(texts, args.rounds))
    p99 = ms[int(len(ms) * 0.99)]
    print(
        f"{len(texts)} queries x {args.rounds} rounds: median {statistics.median(ms):.3f} ms,"
        f" p99 {p99:.3f} ms, max {ms[-1]:.3f} ms (budget: 2 ms at p99)"
    )


if __name__ == "__main__":
    main()
