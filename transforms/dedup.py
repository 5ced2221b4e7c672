"""Near-duplicate detection (syndicated wire copies) with 64-bit SimHash.

A text's SimHash is built from hashed word 3-shingles; two texts whose hashes
differ in at most `MAX_DISTANCE` bits are near-duplicates. The index splits
each hash into 4 bands of 16 bits: any two hashes within 3 bits share at least
one band exactly, so a lookup only compares against the articles in matching
bands.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import numpy as np

MAX_DISTANCE = 3
BANDS = 4
_WORD = re.compile(r"\w+")
_MASK64 = (1 << 64) - 1


def simhash(text: str, shingle: int = 3) -> int:
    """Signed 64-bit SimHash of the text's word shingles (0 for texts too short to tell).

    A shingle is `shingle` lower-cased words joined by spaces; its hash is the first 8
    bytes of its UTF-8 BLAKE2b digest, read big-endian; each of the 64 bits is set when
    more shingles have it set than not. Lakes keep these values (`articles.simhash`), so
    they must never change: the test suite checks them against this definition."""
    words = [w.lower().encode() for w in _WORD.findall(text)]
    if len(words) < shingle + 2:
        return 0
    blake2b, join = hashlib.blake2b, b" ".join
    digests = b"".join(
        [
            blake2b(join(words[i : i + shingle]), digest_size=8).digest()
            for i in range(len(words) - shingle + 1)
        ]
    )
    # one vote per shingle and bit, all bits at once; column 0 is the digest's first
    # (most significant) bit
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    weights = (2 * bits.sum(axis=0, dtype=np.int64) - len(digests) // 8)[::-1]
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return value - (1 << 64) if value >= 1 << 63 else value  # fits an Arrow int64


def distance(a: int, b: int) -> int:
    """Hamming distance of two SimHashes."""
    return bin((a ^ b) & _MASK64).count("1")


class NearDuplicateIndex:
    """SimHashes of known articles, banded for lookup."""

    def __init__(self) -> None:
        self._bands: list[dict[int, list[tuple[int, str]]]] = [
            defaultdict(list) for _ in range(BANDS)
        ]

    @staticmethod
    def _band_keys(value: int) -> list[int]:
        v = value & _MASK64
        return [(v >> (16 * i)) & 0xFFFF for i in range(BANDS)]

    def add(self, value: int, article_id: str) -> None:
        """Remember an article's hash (hash 0 means 'too short': never indexed)."""
        if value == 0:
            return
        for band, key in zip(self._bands, self._band_keys(value), strict=True):
            band[key].append((value, article_id))

    def find(self, value: int, exclude: str | None = None) -> str | None:
        """The first-indexed article within MAX_DISTANCE bits, if any."""
        if value == 0:
            return None
        best: tuple[int, str] | None = None
        seen: set[str] = set()
        for band, key in zip(self._bands, self._band_keys(value), strict=True):
            for order, (other, aid) in enumerate(band.get(key, ())):
                if aid == exclude or aid in seen:
                    continue
                seen.add(aid)
                if distance(value, other) <= MAX_DISTANCE and (best is None or order < best[0]):
                    best = (order, aid)
        return best[1] if best else None
