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

Store layout: one JSON-simple record per teaser, so a faust Table with the json
serializer holds it and each new teaser costs one changelog record:

- `sig:<teaser_id>` -> `[seq, signature, duplicate_of]`:
  - `seq`: the order in which teasers were recorded (ties go to the earliest);
  - `signature`: `num_perm` 16-bit minimums, little-endian, base64 (b-bit
    MinHash, Li & König 2010: two different 32-bit minimums agree on their low 16
    bits with probability 2**-16, so the estimate moves by < 0.0001 and the
    signature takes half the space; 344 characters at 128 permutations);
  - `duplicate_of`: the verdict given when it was recorded ("" for none), so a
    teaser replayed after a crash gets the same answer, never "a duplicate of
    itself" nor of a teaser recorded after it.

The LSH buckets (teasers whose band `b` holds the same minimums) live in memory
and are rebuilt from the signatures when an index opens a store: they are a pure
function of the records, and keeping them in the store cost 33 changelog records
per teaser (measured: 2.3 ms per teaser in the worker, against 0.15 ms to enrich).

With 128 permutations in 32 bands of 4 rows, a pair at Jaccard 0.58 (the lowest
rewording above) shares a band with probability 0.98, at 0.5 with 0.87; every
candidate is then verified against the threshold, so the bands decide recall
only.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import MutableMapping, Sequence
from itertools import pairwise
from typing import Any, Final, NamedTuple, Protocol, cast

import rensa  # type: ignore[import-untyped]  # ships no type information; wrapped below

from stream.identity import normalize

#: Fixed seed: the same text gives the same signature in every process and release
#: of `stream`, which the persisted signatures rely on.
SEED: Final = 20_260_211
DEFAULT_NUM_PERM: Final = 128
DEFAULT_BANDS: Final = 32

# Only the newest ids of an LSH bucket are compared, and only so many kept: a page
# of 912 near-identical teasers made buckets of 574 ids and took 4 s to enrich,
# quadratic in the bucket. Real rewordings of a story come within days, not
# hundreds of teasers of the same band later.
BUCKET_COMPARED: Final = 64
BUCKET_KEPT: Final = 256

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

    `check_and_add` is the only write path, with one assignment per new teaser. It
    is deterministic (fixed seed, ties broken by the order in which teasers were
    recorded) and idempotent: for a recorded teaser it returns the verdict stored
    the first time and writes nothing.
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
        # A bucket of one id holds the id itself: most buckets never get a second,
        # and a list for each would cost ~100 bytes and one more object for the
        # garbage collector to walk, 32 times per teaser.
        self._buckets: dict[bytes, str | list[str]] = {}
        self._next_seq = 0
        self._rebuild()

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
        recorded = _record_of(self.store.get(_sig_key(teaser_id)), self.num_perm)
        if recorded is not None:
            return recorded.duplicate_of or None
        signature = self.signature(text)
        keys = self._band_keys(signature)
        best: tuple[float, str] | None = None
        seen: set[str] = set()
        # Bands in order, each bucket in the order its teasers were recorded: the
        # first candidate met with the top score wins, so ties resolve the same
        # way in every process.
        for key in keys:
            for candidate in self._bucket(key)[-BUCKET_COMPARED:]:
                if candidate in seen:
                    continue
                seen.add(candidate)
                other = _record_of(self.store.get(_sig_key(candidate)), self.num_perm)
                if other is None:
                    continue
                score = _estimate(signature, other.signature)
                if score >= self.threshold and (best is None or score > best[0]):
                    best = (score, candidate)
        duplicate_of = best[1] if best is not None else None
        self.store[_sig_key(teaser_id)] = [self._next_seq, _encode(signature), duplicate_of or ""]
        self._next_seq += 1
        self._index(teaser_id, keys)
        return duplicate_of

    def remove(self, teaser_id: str) -> bool:
        """Forget a teaser (for example when it expires); False if it was unknown."""
        record = _record_of(self.store.get(_sig_key(teaser_id)), self.num_perm)
        if record is None:
            return False
        for key in self._band_keys(record.signature):
            ids = [i for i in self._bucket(key) if i != teaser_id]
            if not ids:
                self._buckets.pop(key, None)
            else:
                self._buckets[key] = ids[0] if len(ids) == 1 else ids
        del self.store[_sig_key(teaser_id)]
        return True

    def __contains__(self, teaser_id: object) -> bool:
        return isinstance(teaser_id, str) and _sig_key(teaser_id) in self.store

    # -- internals ----------------------------------------------------------------

    def _rebuild(self) -> None:
        records = []
        for key, value in self.store.items():
            if key.startswith(_SIG_PREFIX):
                record = _record_of(value, self.num_perm)
                if record is not None:
                    records.append((record.seq, key[len(_SIG_PREFIX) :], record.signature))
        records.sort(key=lambda r: r[0])
        for _, teaser_id, signature in records:
            self._index(teaser_id, self._band_keys(signature))
        self._next_seq = records[-1][0] + 1 if records else 0

    def _bucket(self, key: bytes) -> list[str]:
        ids = self._buckets.get(key)
        if ids is None:
            return []
        return [ids] if isinstance(ids, str) else ids

    def _index(self, teaser_id: str, keys: list[bytes]) -> None:
        buckets = self._buckets
        for key in keys:
            ids = buckets.get(key)
            if ids is None:
                buckets[key] = teaser_id
            elif isinstance(ids, str):
                buckets[key] = [ids, teaser_id]
            else:
                ids.append(teaser_id)
                if len(ids) > BUCKET_KEPT:
                    del ids[0]

    def _band_keys(self, signature: Sequence[int]) -> list[bytes]:
        # A band's key is its number and its rows' bytes. No hash function is
        # involved, so keys are identical in every process and Python version, and
        # two teasers share a key only if the band agrees.
        packed = struct.pack(f"<{len(signature)}H", *signature)
        width = self._rows * 2
        return [
            bytes((band,)) + packed[band * width : (band + 1) * width] for band in range(self.bands)
        ]


_SIG_PREFIX: Final = "sig:"


class _Record(NamedTuple):
    seq: int
    signature: list[int]
    duplicate_of: str


def _record_of(value: Any, num_perm: int) -> _Record | None:
    """A stored record, or None if absent or unreadable.

    A signature of another width (num_perm changed between runs) cannot be
    compared position by position; it counts as absent rather than a guess.
    """
    if not isinstance(value, list | tuple) or len(value) != 3:
        return None
    seq, encoded, duplicate_of = value
    signature = _decode(encoded)
    if len(signature) != num_perm:
        return None
    return _Record(int(seq), signature, str(duplicate_of))


def _sig_key(teaser_id: str) -> str:
    return _SIG_PREFIX + teaser_id


def _encode(signature: Sequence[int]) -> str:
    return base64.b64encode(struct.pack(f"<{len(signature)}H", *signature)).decode("ascii")


def _decode(value: str | bytes) -> list[int]:
    raw = base64.b64decode(value)
    return list(struct.unpack(f"<{len(raw) // 2}H", raw))


def _estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard: the share of permutations whose minimums agree."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
