"""The near-duplicate index: MinHash LSH over every unique teaser, persisted in a mapping.

It finds the candidates of a new teaser among all teasers recorded before it and
asks `stream.enrich.neardup.story` whether one of them tells the same story.

Store layout: one JSON-simple record per teaser, so a faust Table with the json
serializer holds it and each new teaser costs one changelog record:

- `sig:<teaser_id>` -> `[seq, signature, duplicate_of, facts, size, recorded_at]`:
  - `seq`: the order in which teasers were recorded (ties go to the earliest);
  - `signature`: `num_perm` 16-bit minimums, little-endian, base64 (b-bit
    MinHash, Li & König 2010: two different 32-bit minimums agree on their low 16
    bits with probability 2**-16, so the estimate moves by < 0.0001 and the
    signature takes half the space; 344 characters at 128 permutations);
  - `duplicate_of`: the verdict given when it was recorded ("" for none), so a
    teaser replayed after a crash gets the same answer, never "a duplicate of
    itself" nor of a teaser recorded after it;
  - `facts`: `Facts.to_json()`, what the text asserts, checked against newcomers;
  - `size`: how many content words the text has, to turn a Jaccard estimate into
    an overlap. Records of three fields (written before facts were kept) are read
    with no facts and their Jaccard as the overlap;
  - `recorded_at`: epoch seconds, for `expire` (records of five fields, written
    before it was kept, count from when an index opens them).

The LSH buckets (teasers whose band `b` holds the same minimums) live in memory
and are rebuilt from the signatures when an index opens a store: they are a pure
function of the records, and keeping them in the store cost 33 changelog records
per teaser (measured: 2.3 ms per teaser in the worker, against 0.15 ms to enrich).

With 128 permutations in 64 bands of 2 rows, a pair of short headlines at word
Jaccard 0.25 (an overlap of one half) shares a band with probability 0.98; every
candidate is then verified against the threshold and its facts, so the bands
decide recall only.
"""

from __future__ import annotations

import base64
import itertools
import operator
import struct
import time
from collections.abc import MutableMapping, Sequence
from typing import Any, Final, NamedTuple, Protocol, cast

import numpy as np
import rensa  # type: ignore[import-untyped]  # ships no type information; wrapped below

from stream.enrich.neardup.story import Facts, content_words, contradicts, facts, shingles

#: Fixed seed: the same text gives the same signature in every process and release
#: of `stream`, which the persisted signatures rely on.
SEED: Final = 20_260_211
DEFAULT_NUM_PERM: Final = 128
# Bands of 2 rows: a pair of short headlines at word Jaccard 0.25 (an overlap of
# one half, the threshold) shares a band with probability 0.98; 4 rows gave 0.12.
DEFAULT_BANDS: Final = 64

# Only the newest ids of an LSH bucket are compared, and only so many kept: a page
# of 912 near-identical teasers made buckets of 574 ids and took 4 s to enrich,
# quadratic in the bucket. Real rewordings of a story come within days, not
# hundreds of teasers of the same band later.
BUCKET_COMPARED: Final = 64
BUCKET_KEPT: Final = 256

_MASK16: Final = 0xFFFF


class _MinHash(Protocol):
    def update(self, items: Sequence[str]) -> None: ...
    def digest(self) -> list[int]: ...


class NearDuplicateIndex:
    """A persistent MinHash LSH index of teasers, held in a mapping.

    `check_and_add` is the only write path, with one assignment per new teaser. It
    is deterministic (fixed seed, ties broken by the order in which teasers were
    recorded) and idempotent: for a recorded teaser it returns the verdict stored
    the first time and writes nothing. `expire` forgets teasers recorded longer
    ago than the dedup retention, so this state ends with the dedup state.

    Beside the store, the index keeps every signature decoded, one row of a numpy
    array per teaser (256 bytes at 128 permutations): a new teaser's candidates are
    compared in one array operation, where reading and base64-decoding each
    candidate's record took most of a worker's time once templated reports filled
    the buckets (issue 14). The store's records are read only for the facts of
    candidates close enough, and for replays.
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
        # Teaser id -> its row in the arrays; rows of removed teasers are reused.
        self._slot: dict[str, int] = {}
        self._ids: list[str] = []
        self._free: list[int] = []
        self._sigs = np.zeros((0, num_perm), dtype=np.uint16)
        self._sizes = np.zeros(0, dtype=np.int64)
        # When each teaser was recorded (epoch seconds); +inf for a free row.
        self._at = np.zeros(0, dtype=np.float64)
        self._rebuild()

    # -- public API ---------------------------------------------------------------

    def signature(self, text: str) -> list[int]:
        """The 16-bit MinHash signature of a text: `num_perm` integers."""
        return self._signature(shingles(text))

    def _signature(self, words: set[str]) -> list[int]:
        return _minhash(words, self.num_perm)

    def check_and_add(self, teaser_id: str, text: str, now: float | None = None) -> str | None:
        """The earlier teaser of the same story, or None; then record this teaser.

        A candidate must share an LSH band, have an estimated overlap of words of at
        least the threshold, and assert no different fact (`contradicts`); among
        several, the most similar wins.
        """
        if teaser_id in self._slot:
            recorded = _record_of(self.store.get(_sig_key(teaser_id)), self.num_perm)
            if recorded is not None:
                return recorded.duplicate_of or None
        own = facts(text)
        words = content_words(text, own)
        signature = self._signature(words)
        keys = self._band_keys(signature)
        # Bands in order, each bucket in the order its teasers were recorded: the
        # first candidate met with the top score wins, so ties resolve the same
        # way in every process.
        # One pass in C: each candidate once, where it is first met.
        candidates = list(
            dict.fromkeys(
                itertools.chain.from_iterable(self._bucket(k)[-BUCKET_COMPARED:] for k in keys)
            )
        )
        close: list[tuple[float, int, str]] = []
        if candidates:
            rows = [self._slot[c] for c in candidates]
            agree = (self._sigs[rows] == np.asarray(signature, dtype=np.uint16)).sum(axis=1)
            scores = _overlaps(agree / self.num_perm, len(words), self._sizes[rows])
            for row in np.flatnonzero(scores >= self.threshold).tolist():
                close.append((-float(scores[row]), len(close), candidates[row]))
        # The facts are checked from the most similar down, so most teasers read
        # the facts of one candidate only.
        close.sort(key=lambda c: (c[0], c[1]))
        duplicate_of = next(
            (
                candidate
                for _, _, candidate in close
                if not _contradicts_stored(own, self.store.get(_sig_key(candidate)))
            ),
            None,
        )
        at = time.time() if now is None else now
        self.store[_sig_key(teaser_id)] = _stored(
            self._next_seq, signature, duplicate_of, own, len(words), at
        )
        self._next_seq += 1
        self._remember(teaser_id, signature, len(words), at)
        self._index(teaser_id, keys)
        return duplicate_of

    def remove(self, teaser_id: str) -> bool:
        """Forget a teaser (when it expires); False if it was unknown."""
        slot = self._slot.pop(teaser_id, None)
        if slot is None:
            record = _record_of(self.store.get(_sig_key(teaser_id)), self.num_perm)
            if record is None:
                return False
            signature: Sequence[int] = record.signature
        else:
            signature = self._sigs[slot].tolist()
            self._at[slot] = np.inf
            self._free.append(slot)
        for key in self._band_keys(signature):
            ids = [i for i in self._bucket(key) if i != teaser_id]
            if not ids:
                self._buckets.pop(key, None)
            else:
                self._buckets[key] = ids[0] if len(ids) == 1 else ids
        self.store.pop(_sig_key(teaser_id), None)
        return True

    def expire(self, *, now: float, retention_s: float, limit: int = 1_000) -> list[str]:
        """Forget up to `limit` teasers recorded more than `retention_s` ago (the
        dedup retention: a teaser the dedup state forgot is new again, and so is
        its story); the ids forgotten, oldest first."""
        old = np.flatnonzero(self._at < now - retention_s)
        if not len(old):
            return []
        oldest = old[np.argsort(self._at[old], kind="stable")[:limit]]
        gone = [self._ids[slot] for slot in oldest.tolist()]
        for teaser_id in gone:
            self.remove(teaser_id)
        return gone

    def __contains__(self, teaser_id: object) -> bool:
        return isinstance(teaser_id, str) and _sig_key(teaser_id) in self.store

    def __len__(self) -> int:
        return len(self._slot)

    # -- internals ----------------------------------------------------------------

    def _rebuild(self) -> None:
        # Runs in the worker's event loop when the index opens a restored store: one
        # pass, signatures decoded straight into the array (a month of teasers is a
        # million records; record by record it blocked the loop for minutes).
        now = time.time()
        width = self.num_perm * 2
        found: list[tuple[int, str, bytes, int, float]] = []
        for key, value in self.store.items():
            if not key.startswith(_SIG_PREFIX):
                continue
            if not isinstance(value, list | tuple) or len(value) not in {3, 5, 6}:
                continue
            try:
                raw = base64.b64decode(value[1])
                seq = int(value[0])
                size = int(value[4]) if len(value) >= 5 else 0
                # A record written before times were kept counts from this opening.
                at = float(value[5]) if len(value) == 6 else now
            except (TypeError, ValueError):  # binascii.Error is a ValueError
                continue
            if len(raw) == width:  # another num_perm cannot be compared: absent
                found.append((seq, key[len(_SIG_PREFIX) :], raw, size, at))
        found.sort(key=operator.itemgetter(0))
        count = len(found)
        self._grow(count)
        if count:
            joined = b"".join(r[2] for r in found)
            self._sigs[:count] = np.frombuffer(joined, dtype="<u2").reshape(count, self.num_perm)
            self._sizes[:count] = [r[3] for r in found]
            self._at[:count] = [r[4] for r in found]
        self._ids = [r[1] for r in found]
        self._slot = {teaser_id: row for row, teaser_id in enumerate(self._ids)}
        for _, teaser_id, raw, _, _ in found:
            self._index(teaser_id, self._packed_band_keys(raw))
        self._next_seq = found[-1][0] + 1 if found else 0

    def _grow(self, rows: int) -> None:
        have = len(self._at)
        if rows <= have:
            return
        size = max(rows, 2 * have, 1024)
        sigs = np.zeros((size, self.num_perm), dtype=np.uint16)
        sigs[:have] = self._sigs
        sizes = np.zeros(size, dtype=np.int64)
        sizes[:have] = self._sizes
        at = np.full(size, np.inf)
        at[:have] = self._at
        self._sigs, self._sizes, self._at = sigs, sizes, at

    def _remember(self, teaser_id: str, signature: Sequence[int], size: int, at: float) -> None:
        slot = self._slot.get(teaser_id)
        if slot is None:
            if self._free:
                slot = self._free.pop()
                self._ids[slot] = teaser_id
            else:
                slot = len(self._ids)
                self._grow(slot + 1)
                self._ids.append(teaser_id)
            self._slot[teaser_id] = slot
        self._sigs[slot] = signature
        self._sizes[slot] = size
        self._at[slot] = at

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
        return self._packed_band_keys(struct.pack(f"<{len(signature)}H", *signature))

    def _packed_band_keys(self, packed: bytes) -> list[bytes]:
        width = self._rows * 2
        return [
            bytes((band,)) + packed[band * width : (band + 1) * width] for band in range(self.bands)
        ]


_SIG_PREFIX: Final = "sig:"


class _Record(NamedTuple):
    seq: int
    signature: list[int]
    duplicate_of: str
    facts: Any  # `Facts.to_json()`, read only when a candidate is close enough; None if none
    size: int  # shingles of the text; 0 when unknown
    recorded_at: float | None = None  # epoch seconds; None in records written before


def _contradicts_stored(own: Facts, value: Any) -> bool:
    """`contradicts` against a stored record's facts, without decoding its signature;
    a record that kept no facts contradicts nothing."""
    if not isinstance(value, list | tuple) or len(value) < 5 or value[3] is None:
        return False
    other = Facts.from_json(value[3])
    return other is not None and contradicts(own, other)


def _overlaps(jaccard: Any, size: int, sizes: Any) -> Any:
    """`_overlap` of one text against many, element by element in float64: the same
    operations in the same order, so the same scores to the last bit."""
    if not size:
        return jaccard
    shared = jaccard * (size + sizes) / (1 + jaccard)
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = np.minimum(1.0, shared / np.minimum(size, sizes))
    return np.where(sizes == 0, jaccard, overlap)


def _overlap(jaccard: float, size_a: int, size_b: int) -> float:
    """The overlap coefficient from an estimated Jaccard and both set sizes.

    |A & B| = J (|A| + |B|) / (1 + J); a record without its size falls back to J.
    """
    if not size_a or not size_b:
        return jaccard
    shared = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, shared / min(size_a, size_b))


def _record_of(value: Any, num_perm: int) -> _Record | None:
    """A stored record, or None if absent or unreadable.

    A signature of another width (num_perm changed between runs) cannot be
    compared position by position; it counts as absent rather than a guess.
    """
    if not isinstance(value, list | tuple) or len(value) not in {3, 5, 6}:
        return None
    seq, encoded, duplicate_of = value[:3]
    signature = _decode(encoded)
    if len(signature) != num_perm:
        return None
    if len(value) == 3:
        return _Record(int(seq), signature, str(duplicate_of), None, 0)
    at = float(value[5]) if len(value) == 6 else None
    return _Record(int(seq), signature, str(duplicate_of), value[3], int(value[4]), at)


def _sig_key(teaser_id: str) -> str:
    return _SIG_PREFIX + teaser_id


def _stored(
    seq: int,
    signature: Sequence[int],
    duplicate_of: str | None,
    own: Facts,
    size: int,
    at: float,
) -> list[Any]:
    return [seq, _encode(signature), duplicate_of or "", own.to_json(), size, at]


def stored_record(
    teaser_id: str, text: str, seq: int, at: float, *, num_perm: int = DEFAULT_NUM_PERM
) -> tuple[str, list[Any]]:
    """The store key and record `check_and_add` writes for a teaser judged unique:
    benchmarks preload a month of state through the changelog with it."""
    own = facts(text)
    words = content_words(text, own)
    return _sig_key(teaser_id), _stored(seq, _minhash(words, num_perm), None, own, len(words), at)


def _minhash(words: set[str], num_perm: int) -> list[int]:
    minhash = cast(_MinHash, rensa.RMinHash(num_perm=num_perm, seed=SEED))
    # Sorted: the sketch does not depend on order, but a fixed order keeps any
    # future change of that visible in the determinism test.
    minhash.update(sorted(words))
    return [value & _MASK16 for value in minhash.digest()]


def _encode(signature: Sequence[int]) -> str:
    return base64.b64encode(struct.pack(f"<{len(signature)}H", *signature)).decode("ascii")


def _decode(value: str | bytes) -> list[int]:
    raw = base64.b64decode(value)
    return list(struct.unpack(f"<{len(raw) // 2}H", raw))
