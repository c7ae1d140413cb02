"""Shingles and MinHash signatures of listings, kept as compact integer arrays.

Key concepts: a listing's *text* is its folded title + summary; its *shingles* are the
character (or word) n-grams of that text, hashed to uint32 and kept sorted and unique in
one flat array with offsets (``ShingleStore``), so 100k listings cost a few tens of MB and
exact Jaccard is recomputed for LSH candidates only. Signatures come from datasketch's
``MinHash.generator``; the n-gram hash is already uniform, so datasketch's own byte hash
is replaced by the identity.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from datasketch import MinHash

from cis.text import fold
from indexer.dedup.params import (
    LSH_BANDS,
    LSH_ROWS,
    NUM_PERM,
    SCHEME,
    SEED,
    SHINGLE_KIND,
    SHINGLE_SIZE,
)
from indexer.listings.listing import Listing

TEXT_CHARS = 300  # summary stand-in cut from the description when a listing has no summary
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads n-gram values over 64 bits
_SHIFT = np.uint64(32)


@lru_cache(maxsize=1 << 18)
def _fold_word(word: str) -> str:
    # Folding word by word through a cache: the vocabulary repeats, unidecode is the cost.
    return fold(word)


def normalise_text(text: str) -> str:
    """Folded words of ``text`` (no accents, case or punctuation) joined by single spaces."""
    return " ".join(w for w in map(_fold_word, text.split()) if w)


def listing_text(listing: Listing) -> str:
    """The normalised text a listing is compared on: title + summary (or description start)."""
    body = listing.summary or listing.description[:TEXT_CHARS]
    return normalise_text(f"{listing.title} {body}")


@lru_cache(maxsize=1 << 18)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode())


def _ngram_values(codes: np.ndarray, size: int) -> np.ndarray:
    """Polynomial combination of each run of ``size`` consecutive codes (uint64, wrapping)."""
    count = max(len(codes) - size + 1, 1)
    values = np.zeros(count, dtype=np.uint64)
    for offset in range(min(size, len(codes))):
        values = values * _MIX + codes[offset : offset + count]
    return values


def shingle_hashes(text: str, kind: str = SHINGLE_KIND, size: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique uint32 hashes of the n-grams of a normalised ``text`` (empty if no text)."""
    if not text:
        return np.empty(0, dtype=np.uint32)
    if kind == "char":
        codes = np.frombuffer(text.encode(), dtype=np.uint8).astype(np.uint64)
    else:
        codes = np.array([_word_hash(w) for w in text.split()], dtype=np.uint64)
    values = _ngram_values(codes, size) * _MIX
    return np.unique((values >> _SHIFT).astype(np.uint32))


@dataclass
class ShingleStore:
    """Shingle sets of many listings in one flat array: row ``i`` is data[offsets[i]:offsets[i+1]]."""

    data: np.ndarray  # uint32
    offsets: np.ndarray  # int64, len = rows + 1

    @classmethod
    def from_arrays(cls, arrays: Sequence[np.ndarray]) -> ShingleStore:
        """Pack per-listing shingle arrays into one store."""
        sizes = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        data = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.uint32)
        return cls(data.astype(np.uint32, copy=False), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, i: int) -> np.ndarray:
        """Shingle hashes of listing ``i``."""
        return self.data[self.offsets[i] : self.offsets[i + 1]]

    def jaccard(self, i: int, j: int) -> float:
        """Exact Jaccard similarity of the shingle sets of listings ``i`` and ``j``."""
        a, b = self.row(i), self.row(j)
        if not len(a) or not len(b):
            return 0.0
        common = len(np.intersect1d(a, b, assume_unique=True))
        return common / (len(a) + len(b) - common)

    def extend(self, arrays: Sequence[np.ndarray]) -> ShingleStore:
        """A new store with ``arrays`` appended as the next rows."""
        tail = ShingleStore.from_arrays(arrays)
        offsets = np.concatenate((self.offsets, tail.offsets[1:] + self.offsets[-1]))
        return ShingleStore(np.concatenate((self.data, tail.data)), offsets)

    def save(self, path: Path) -> None:
        """Write the store as one ``.npz`` file."""
        np.savez(path, data=self.data, offsets=self.offsets)

    @classmethod
    def load(cls, path: Path) -> ShingleStore:
        """Read a store written by ``save``."""
        with np.load(path) as arrays:
            return cls(arrays["data"], arrays["offsets"])


def _identity(value: int) -> int:
    return value


def signatures(store: ShingleStore, rows: Iterable[int] | None = None) -> np.ndarray:
    """MinHash signatures (rows x NUM_PERM, uint32) of the store's rows, all by default."""
    wanted = range(len(store)) if rows is None else list(rows)
    batches = (store.row(i).tolist() for i in wanted)
    out = np.empty((len(wanted), NUM_PERM), dtype=np.uint32)
    generator = MinHash.generator(
        batches, num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=_identity
    )
    for k, minhash in enumerate(generator):
        out[k] = minhash.hashvalues
    return out


def band_hashes(sigs: np.ndarray, partitions: Sequence[str]) -> np.ndarray:
    """One uint64 per LSH band of each signature, salted by the row's partition."""
    salt = np.fromiter((zlib.crc32(p.encode()) for p in partitions), np.uint64, len(sigs))
    out = np.empty((len(sigs), LSH_BANDS), dtype=np.uint64)
    for band in range(LSH_BANDS):
        values = salt.copy()
        for column in sigs[:, band * LSH_ROWS : (band + 1) * LSH_ROWS].T:
            values = values * _MIX + column
        out[:, band] = values
    return out


def _run_pairs(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """(k, 2) pairs of ``ids`` whose ``values`` are equal."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, len(ordered)])
    found = [np.empty((0, 2), dtype=np.int64)]
    for size in np.unique(sizes[sizes > 1]).tolist():  # runs of one size at a time
        first, second = np.triu_indices(size, 1)
        base = starts[sizes == size][:, None]
        left, right = ids[order[base + first]], ids[order[base + second]]
        found.append(np.stack((left.ravel(), right.ravel()), axis=1))
    return np.concatenate(found)


def _join(bands: np.ndarray, rows: np.ndarray, wanted: np.ndarray | None) -> np.ndarray:
    """Pairs (i < j) of ``rows`` sharing a band; only those touching ``wanted`` if given."""
    found = [np.empty((0, 2), dtype=np.int64)]
    for band in range(bands.shape[1]):
        column, ids = bands[rows, band], rows
        if wanted is not None:
            near = np.isin(column, bands[wanted, band])
            column, ids = column[near], ids[near]
        found.append(_run_pairs(column, ids))
    pairs = np.sort(np.concatenate(found), axis=1)
    return pairs if wanted is None else pairs[np.isin(pairs, wanted).any(axis=1)]


@dataclass
class SketchIndex:
    """Shingles and LSH bands of texts by slot; slots are never reused, removed ones masked.

    Text only links listings of one commune, or of one département when one of them has
    no commune, so each signature is banded twice: salted by its commune (by its
    département when it has none), and salted by its département, the latter only joined
    for pairs with a listing that has no commune. Candidates then grow with the listings
    per commune rather than per département.
    """

    store: ShingleStore
    town_bands: np.ndarray  # slots x LSH_BANDS, uint64
    departement_bands: np.ndarray  # same shape
    alive: np.ndarray  # bool per slot: has text and not removed
    vague: np.ndarray  # bool per slot: no commune

    @classmethod
    def empty(cls) -> SketchIndex:
        """An index with no slot."""
        bands = np.empty((0, LSH_BANDS), dtype=np.uint64)
        flags = np.empty(0, dtype=bool)
        return cls(ShingleStore.from_arrays([]), bands, bands.copy(), flags, flags.copy())

    def add(self, texts: Sequence[str], towns: Sequence[str], deps: Sequence[str]) -> range:
        """Index normalised ``texts`` with their commune and département codes ("": unknown)."""
        first = len(self.store)
        self.store = self.store.extend([shingle_hashes(t) for t in texts])
        slots = range(first, len(self.store))
        sigs = signatures(self.store, slots)
        salts = [town or f"dep:{dep}" for town, dep in zip(towns, deps, strict=True)]
        self.town_bands = np.concatenate((self.town_bands, band_hashes(sigs, salts)))
        self.departement_bands = np.concatenate((self.departement_bands, band_hashes(sigs, deps)))
        has_text = np.diff(self.store.offsets[first:]) > 0  # empty texts would all collide
        self.alive = np.concatenate((self.alive, has_text))
        self.vague = np.concatenate(
            (self.vague, np.array([not town for town in towns], dtype=bool))
        )
        return slots

    def remove(self, slots: Iterable[int]) -> None:
        """Stop proposing ``slots`` as candidates (their arrays stay until a full build)."""
        self.alive[list(slots)] = False

    def candidate_pairs(self, slots: Iterable[int] | None = None) -> np.ndarray:
        """(k, 2) slot pairs (i < j) sharing a band; only pairs touching ``slots`` if given."""
        rows = np.flatnonzero(self.alive)
        vague = rows[self.vague[rows]]
        if slots is None:
            town = _join(self.town_bands, rows, None)
            cross = _join(self.departement_bands, rows, vague)
        else:
            wanted = np.intersect1d(np.fromiter(slots, np.int64), rows)
            town = _join(self.town_bands, rows, wanted)
            mine = _join(self.departement_bands, rows, np.intersect1d(wanted, vague))
            theirs = _join(self.departement_bands, np.union1d(wanted, vague), wanted)
            cross = np.concatenate((mine, theirs))
        cross = cross[self.vague[cross].any(axis=1)]  # two communes never link on text
        width = np.int64(max(len(self.alive), 1))
        codes = np.unique(np.concatenate((town, cross)) @ np.array([width, 1]))
        return np.stack((codes // width, codes % width), axis=1)  # one row per pair, sorted

    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` as numpy files."""
        self.store.save(folder / "shingles.npz")
        bands = self.town_bands, self.departement_bands
        np.savez(
            folder / "bands.npz", town=bands[0], dep=bands[1], alive=self.alive, vague=self.vague
        )

    @classmethod
    def load(cls, folder: Path) -> SketchIndex:
        """Read an index written by ``save``."""
        with np.load(folder / "bands.npz") as a:
            bands = a["town"], a["dep"], a["alive"], a["vague"]
        return cls(ShingleStore.load(folder / "shingles.npz"), *bands)
