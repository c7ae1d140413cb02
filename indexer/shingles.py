"""Shingles and MinHash signatures of listings, kept as compact integer arrays.

Key concepts: a listing's *text* is its folded title + summary; its *shingles* are the
character (or word) n-grams of that text, hashed to uint32 and kept sorted and unique in
one flat array with offsets (``ShingleStore``), so 100k listings cost a few tens of MB and
exact Jaccard is recomputed for LSH candidates only. Signatures come from datasketch's
``MinHash.generator``; the n-gram hash is already uniform, so datasketch's own byte hash
is replaced by the identity.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from cis.text import fold
from indexer.dedup_params import (
    LSH_THRESHOLD,
    LSH_WEIGHTS,
    NUM_PERM,
    SCHEME,
    SEED,
    SHINGLE_KIND,
    SHINGLE_SIZE,
)
from indexer.listing import Listing

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


def shingle_listings(listings: Iterable[Listing]) -> ShingleStore:
    """Shingle every listing's text into a compact store."""
    return ShingleStore.from_arrays([shingle_hashes(listing_text(x)) for x in listings])


def _identity(value: int) -> int:
    return value


def signatures(store: ShingleStore, rows: Iterable[int] | None = None) -> np.ndarray:
    """MinHash signatures (rows × NUM_PERM, uint32) of the store's rows, all by default."""
    wanted = range(len(store)) if rows is None else list(rows)
    batches = (store.row(i).tolist() for i in wanted)
    out = np.empty((len(wanted), NUM_PERM), dtype=np.uint32)
    generator = MinHash.generator(
        batches, num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=_identity
    )
    for k, minhash in enumerate(generator):
        out[k] = minhash.hashvalues
    return out


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    # Built once: every signature shares the same permutation parameters.
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def as_minhash(signature: np.ndarray) -> MinHash:
    """A datasketch MinHash carrying a stored signature (for LSH insert and query)."""
    return MinHash(hashvalues=signature, permutations=_permutations(), seed=SEED, scheme=SCHEME)


def _new_lsh() -> MinHashLSH:
    return MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM, weights=LSH_WEIGHTS)


@dataclass
class SketchIndex:
    """Shingles, signatures and an LSH index of texts by slot (slots are never reused)."""

    store: ShingleStore
    signatures: np.ndarray  # slots × NUM_PERM, uint32
    lsh: MinHashLSH

    @classmethod
    def empty(cls) -> SketchIndex:
        """An index with no slot."""
        store = ShingleStore.from_arrays([])
        return cls(store, np.empty((0, NUM_PERM), dtype=np.uint32), _new_lsh())

    def add(self, texts: Sequence[str]) -> range:
        """Index the normalised ``texts`` under new slots, returned in order."""
        first = len(self.store)
        self.store = self.store.extend([shingle_hashes(t) for t in texts])
        slots = range(first, len(self.store))
        self.signatures = np.concatenate((self.signatures, signatures(self.store, slots)))
        with self.lsh.insertion_session() as session:
            for slot in slots:
                if len(self.store.row(slot)):  # empty texts would all collide
                    session.insert(slot, as_minhash(self.signatures[slot]))
        return slots

    def remove(self, slots: Iterable[int]) -> None:
        """Drop ``slots`` from LSH (their arrays stay until the next full build)."""
        with self.lsh.deletion_session() as session:
            for slot in slots:
                if slot in self.lsh:
                    session.remove(slot)

    def candidates(self, slot: int) -> list[int]:
        """Slots whose signature shares an LSH band with ``slot``'s (itself excluded)."""
        if slot not in self.lsh:
            return []
        found = self.lsh.query(as_minhash(self.signatures[slot]))
        return [int(s) for s in found if s != slot]

    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` (arrays as numpy files, LSH pickled)."""
        self.store.save(folder / "shingles.npz")
        np.save(folder / "signatures.npy", self.signatures)
        with (folder / "lsh.pickle").open("wb") as out:
            pickle.dump(self.lsh, out, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, folder: Path) -> SketchIndex:
        """Read an index written by ``save``."""
        with (folder / "lsh.pickle").open("rb") as src:
            lsh = pickle.load(src)
        store = ShingleStore.load(folder / "shingles.npz")
        return cls(store, np.load(folder / "signatures.npy"), lsh)
