"""Near-duplicate teasers: MinHash LSH over word bigrams of headline + lead.

Exact dedup (`stream.identity`) only catches a teaser whose headline is unchanged.
Editors reword: a number is updated, an attribution restyled, a word swapped, and
the headline becomes a new teaser. This index flags such a teaser with the id of
the earlier teaser of the same story, so that `near_duplicate_of` can be set; it
never suppresses anything. Every piece of state lives in the injected mapping (a
changelogged faust Table in the worker, a dict in tests), so the index survives
restarts and any process that opens the same store sees the same teasers.

Similarity is the Jaccard index of the two texts' sets of word bigrams after
`identity.normalize` (case, typography and whitespace folded). A teaser is a near
duplicate when the *estimated* Jaccard against an earlier one is at least the
threshold (`Settings.near_duplicate_threshold`, default 0.5). On the sample pages
hand-made rewordings of 20 teasers score 0.58-0.88 with bigrams while the highest
of the 20,096 pairs of distinct teasers scores 0.38 (two daily battlefield
reports built from one template); `benchmarks/bench_enrich.py --neardup` prints
the evidence again. A reworded story with little shared wording (the same event
told with other facts) scores 0.0-0.26 and is beyond any lexical method.

Store layout (every value JSON-simple, so a faust Table with the json serializer
can hold it):

- `sig:<teaser_id>` -> the signature: `num_perm` 16-bit minimums, little-endian,
  base64 (b-bit MinHash, Li & König 2010: two different 32-bit minimums agree on
  their low 16 bits with probability 2**-16, so the estimate moves by < 0.0001 and
  the signature takes half the space; 344 characters at 128 permutations).
- `lsh:<band>:<rows>` -> list of teaser ids whose band `band` holds these minimums
  (`<rows>`: the band's 16-bit values in hex).
  Lists are replaced, never mutated in place, because a faust Table only
  changelogs assignments.

With 128 permutations in 32 bands of 4 rows, a pair at Jaccard 0.58 (the lowest
rewording above) shares a band with probability 0.98, at 0.5 with 0.87; every
candidate is then verified against the threshold, so the bands decide recall
only and cost ~1 kB of band entries per teaser.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Iterator, MutableMapping, Sequence
from itertools import pairwise
from typing import Any, Final, Protocol, cast

import rensa  # type: ignore[import-untyped]  # ships no type information; wrapped below

from stream.identity import normalize

#: Fixed seed: the same text gives the same signature in every process and release
#: of `stream`, which the persisted signatures rely on.
SEED: Final = 20_260_211
DEFAULT_NUM_PERM: Final = 128
DEFAULT_BANDS: Final = 32

_WORD = re.compile(r"\w+")
_MASK16: Final = 0xFFFF


class _MinHash(Protocol):
    def update(self, items: Sequence[str]) -> None: ...
    def digest(self) -> list[int]: ...


def shingles(text: str) -> set[str]:
    """The word bigrams of a text after identity normalisation (one word: itself)."""
    words = _WORD.findall(normalize(text))
    if len(words) < 2:
        return set(words)
    return {f"{a} {b}" for a, b in pairwise(words)}


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard index of two texts' shingle sets (for tests and tuning)."""
    x, y = shingles(a), shingles(b)
    union = x | y
    return len(x & y) / len(union) if union else 0.0


class NearDuplicateIndex:
    """A persistent MinHash LSH index of teasers, held in a mapping.

    `check_and_add` is the only write path. It is deterministic (fixed seed, ties
    broken by the order in which teasers were recorded) and idempotent: calling it
    again for a recorded teaser returns the same kind of answer without recording
    it twice or finding the teaser similar to itself.
    """

    def __init__(
        self,
        store: MutableMapping[str, Any],
        *,
        threshold: float,
        num_perm: int = DEFAULT_NUM_PERM,
        bands: int = DEFAULT_BANDS,
    ) -> None:
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        if bands < 1 or num_perm % bands:
            raise ValueError(f"num_perm ({num_perm}) must be a multiple of bands ({bands})")
        self.store = store
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands = bands
        self._rows = num_perm // bands

    # -- public API ---------------------------------------------------------------

    def signature(self, text: str) -> list[int]:
        """The 16-bit MinHash signature of a text: `num_perm` integers."""
        minhash = cast(_MinHash, rensa.RMinHash(num_perm=self.num_perm, seed=SEED))
        # Sorted: the sketch does not depend on order, but a fixed order keeps
        # any future change of that visible in the determinism test.
        minhash.update(sorted(shingles(text)))
        return [value & _MASK16 for value in minhash.digest()]

    def check_and_add(self, teaser_id: str, text: str) -> str | None:
        """The earlier teaser of the same story, or None; then record this teaser.

        A candidate must share an LSH band *and* have an estimated Jaccard of at
        least the threshold; among several, the most similar wins.
        """
        signature = self.signature(text)
        keys = list(self._band_keys(signature))
        best: tuple[float, str] | None = None
        seen: set[str] = set()
        # Bands in order, each bucket in the order its teasers were recorded: the
        # first candidate met with the top score wins, so ties resolve the same
        # way in every process.
        for key in keys:
            for candidate in self.store.get(key) or ():
                if candidate == teaser_id or candidate in seen:
                    continue
                seen.add(candidate)
                other = self._load(candidate)
                if other is None:
                    continue
                score = _estimate(signature, other)
                if score >= self.threshold and (best is None or score > best[0]):
                    best = (score, candidate)
        self._record(teaser_id, signature, keys)
        return best[1] if best is not None else None

    def remove(self, teaser_id: str) -> bool:
        """Forget a teaser (for example when it expires); False if it was unknown."""
        signature = self._load(teaser_id)
        if signature is None:
            return False
        for key in self._band_keys(signature):
            ids = [i for i in self.store.get(key) or () if i != teaser_id]
            if ids:
                self.store[key] = ids
            else:
                self.store.pop(key, None)
        del self.store[_sig_key(teaser_id)]
        return True

    def __contains__(self, teaser_id: object) -> bool:
        return isinstance(teaser_id, str) and _sig_key(teaser_id) in self.store

    # -- internals ----------------------------------------------------------------

    def _band_keys(self, signature: Sequence[int]) -> Iterator[str]:
        # A band's key is its rows' bytes in hex: 4 rows x 16 bits = 16 characters.
        # No hash function is involved, so keys are identical in every process and
        # Python version, and two teasers share a key only if the band agrees.
        packed = struct.pack(f"<{len(signature)}H", *signature)
        width = self._rows * 2
        for band in range(self.bands):
            yield f"lsh:{band}:{packed[band * width : (band + 1) * width].hex()}"

    def _record(self, teaser_id: str, signature: Sequence[int], keys: list[str]) -> None:
        sig_key = _sig_key(teaser_id)
        if sig_key in self.store:
            return  # replayed: already in every bucket
        self.store[sig_key] = _encode(signature)
        for key in keys:
            # Assign a new list: a faust Table changelogs assignments, not mutation.
            self.store[key] = [*(self.store.get(key) or ()), teaser_id]

    def _load(self, teaser_id: str) -> list[int] | None:
        value = self.store.get(_sig_key(teaser_id))
        if value is None:
            return None
        decoded = _decode(value)
        # A signature of another width (num_perm changed between runs) cannot be
        # compared position by position; treat it as absent rather than guess.
        return decoded if len(decoded) == self.num_perm else None


def _sig_key(teaser_id: str) -> str:
    return f"sig:{teaser_id}"


def _encode(signature: Sequence[int]) -> str:
    return base64.b64encode(struct.pack(f"<{len(signature)}H", *signature)).decode("ascii")


def _decode(value: str | bytes) -> list[int]:
    raw = base64.b64decode(value)
    return list(struct.unpack(f"<{len(raw) // 2}H", raw))


def _estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard: the share of permutations whose minimums agree."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
