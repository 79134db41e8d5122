"""The near-duplicate index's memory: which recorded teasers share a content word with a new one.

`WordIndex` holds, for every recorded teaser, only what finding its candidates needs,
in flat arrays addressed by the order in which teasers were recorded (`seq`), and
the newest `KEPT` teasers of each content word (a posting list of seqs):

- a candidate of a new teaser is a teaser among the newest `COMPARED` of one of its
  words: a flood of templated reports that share their words costs a bounded scan,
  not one that grows with the month of state behind it;
- a 256-bit sketch of each teaser's words (one bit per word, by a fixed hash) bounds
  how many words a candidate can share with the new teaser from above, so
  `candidates` drops every teaser that cannot reach the threshold without reading
  its record; the few left are checked exactly by the index against their records.

About 50 bytes per teaser (sketch 32, size 2, time 8, id 8) plus 4 per posting entry,
where a dict entry per LSH band per teaser cost ~4.5 kB (issue 14).

`candidates` is most of the index's cost per new teaser: it bounds every seq of every
window of the teaser's words (~1,700 for a crawl teaser of 26 words) with a few numpy
operations over the sketches gathered by row (`np.take`: one cache line per seq).
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterable
from typing import Final

import numpy as np

#: The newest teasers of a word a new teaser is compared with, and how many are
#: kept (more than compared, so that a teaser removed early leaves the window full).
COMPARED: Final = 64
KEPT: Final = 128
SKETCH_BITS: Final = 256
# A sketch is a Python int while it is built, kept as `SKETCH_BITS // 64` words of 64
# bits (its little-endian bytes read as such: bit b in word b >> 6).
_SKETCH_BYTES: Final = SKETCH_BITS // 8
_SKETCH_WORDS: Final = SKETCH_BITS // 64
_SKETCH_DTYPE: Final = np.dtype("<u8")
_BITS: Final = tuple(1 << bit for bit in range(SKETCH_BITS))
_MARGIN: Final = 1e-9
_HEX_ID: Final = 16  # `identity.teaser_id`: 16 lowercase hex digits, kept as a uint64


def word_bit(word: str) -> int:
    """The sketch bit of a word: a fixed hash, the same in every process."""
    return zlib.crc32(word.encode("utf-8")) % SKETCH_BITS


class _Word:
    __slots__ = ("bit", "seqs")

    def __init__(self, bit: int) -> None:
        self.bit = bit
        self.seqs = array("I")  # ascending: the newest last


class WordIndex:
    """Recorded teasers by content word, with a sketch of each teaser's words.

    Rows are addressed by `seq - base`; a row whose time is +inf is free (never
    recorded, or removed). `add` takes seqs in increasing order; `Loader` builds
    an index from records in any order.
    """

    def __init__(self, loaded: Loader | None = None) -> None:
        self._vocab: dict[str, _Word] = {}
        self._base = 0
        self._rows = 0  # rows in use: seq base .. base + rows - 1
        self._live = 0
        self._at = np.full(0, np.inf)
        self._size = np.zeros(0, dtype=np.uint16)
        # A row of 64-bit words per teaser: one cache line to read per candidate.
        self._sketch = np.zeros((0, _SKETCH_WORDS), dtype=np.uint64)
        self._hex = np.zeros(0, dtype=np.uint64)
        self._other_ids: dict[int, str] = {}  # ids that are not 16 hex digits (tests)
        if loaded is not None and loaded.seqs:
            self._fill(loaded)

    def __len__(self) -> int:
        return self._live

    @property
    def words(self) -> int:
        """Distinct content words with at least one teaser kept."""
        return len(self._vocab)

    # -- writes -----------------------------------------------------------------

    def add(self, seq: int, teaser_id: str, words: Iterable[str], at: float) -> None:
        """Record a teaser; `seq` is larger than that of every teaser recorded before."""
        if self._rows and seq < self._base + self._rows:
            raise ValueError(f"seq {seq} is not after the last recorded teaser")
        if not self._rows and not self._live:
            self._base = seq
        row = self._row_for(seq)
        vocab = self._vocab
        sketch = size = 0
        for word in words:
            entry = vocab.get(word)
            if entry is None:
                entry = vocab[word] = _Word(word_bit(word))
            seqs = entry.seqs
            seqs.append(seq)
            if len(seqs) > KEPT:
                del seqs[0]
            sketch |= _BITS[entry.bit]
            size += 1
        self._set_row(row, seq, teaser_id, sketch, size, at)

    def remove(self, seq: int, words: Iterable[str]) -> bool:
        """Forget a teaser (its words as recorded); False if `seq` is not recorded."""
        row = seq - self._base
        if not 0 <= row < self._rows or not np.isfinite(self._at[row]):
            return False
        self._at[row] = np.inf
        self._size[row] = 0
        self._sketch[row] = 0
        self._other_ids.pop(seq, None)
        self._live -= 1
        vocab = self._vocab
        for word in words:
            entry = vocab.get(word)
            if entry is None:
                continue
            seqs = entry.seqs
            # Removed teasers are the oldest: at the front, when still kept at all.
            for k, kept in enumerate(seqs):
                if kept == seq:
                    del seqs[k]
                    break
                if kept > seq:
                    break
            if not seqs:
                del vocab[word]
        self._drop_free_prefix()
        return True

    # -- reads ------------------------------------------------------------------

    def candidates(self, words: set[str], threshold: float) -> list[int]:
        """Seqs, oldest first, of the teasers among the newest `COMPARED` of one of
        `words` that may share enough of them: at most the words whose sketch bits
        they have set can be shared, so one below `threshold` of the smaller set is
        left out without reading its record (the sketch never undercounts)."""
        vocab = self._vocab
        windows = []
        mask = 0  # the words' bits
        for word in words:
            entry = vocab.get(word)
            if entry is not None:
                windows.append(entry.seqs[-COMPARED:])
                mask |= _BITS[entry.bit]
        if not windows:
            return []
        # Every seq of every window, a teaser once per window it is in: bounding them
        # all costs less than sorting them to bound each once, and few pass.
        seqs = np.frombuffer(b"".join(windows), dtype=np.uint32)
        rows = np.subtract(seqs, self._base, dtype=np.int64)
        # A candidate shares at most the words whose bit it has, plus the words whose
        # bit another of the words took already.
        collided = len(windows) - mask.bit_count()
        query = np.frombuffer(mask.to_bytes(_SKETCH_BYTES, "little"), _SKETCH_DTYPE)
        # The rows gathered (one cache line each), then turned: each word of the
        # sketch contiguous, so the mask, the count and the sum run along it.
        sketches = np.take(self._sketch, rows, axis=0).T.copy()
        sketches &= query[:, None]
        upper = np.bitwise_count(sketches).sum(axis=0) + collided
        # `upper / smaller >= threshold`, multiplied out with a margin far below the
        # gap between two ratios of word counts and far above rounding: no candidate
        # the exact test takes is left out. A free row (size 0: a posting left behind
        # by a record gone from the store) counts as size 1: it passes when the words'
        # own bits collide, as its infinite ratio did before, and its missing record
        # drops it.
        smaller = np.minimum(np.take(self._size, rows), len(words))
        np.maximum(smaller, 1, out=smaller)
        passing = upper >= smaller * (threshold - _MARGIN)
        return sorted(set(seqs[passing].tolist()))

    def teaser_id(self, seq: int) -> str:
        other = self._other_ids.get(seq)
        if other is not None:
            return other
        return format(int(self._hex[seq - self._base]), f"0{_HEX_ID}x")

    def recorded_before(self, cutoff: float, limit: int) -> list[int]:
        """Seqs of up to `limit` teasers recorded before `cutoff`, oldest first."""
        at = self._at[: self._rows]
        old = np.flatnonzero(at < cutoff)
        if not len(old):
            return []
        oldest = old[np.argsort(at[old], kind="stable")[:limit]]
        return (oldest + self._base).tolist()  # type: ignore[no-any-return]

    # -- rows -------------------------------------------------------------------

    def _fill(self, loaded: Loader) -> None:
        seqs = np.frombuffer(loaded.seqs, dtype=np.int64)
        self._base = int(seqs.min())
        self._row_for(int(seqs.max()))
        rows = seqs - self._base
        self._at[rows] = np.frombuffer(loaded.at, dtype=np.float64)
        self._size[rows] = np.frombuffer(loaded.size, dtype=np.uint16)
        sketches = np.frombuffer(loaded.sketches, _SKETCH_DTYPE)
        self._sketch[rows] = sketches.reshape(-1, _SKETCH_WORDS)
        self._hex[rows] = np.frombuffer(loaded.hexes, dtype=np.uint64)
        self._other_ids = dict(loaded.other_ids)
        self._live = int(np.isfinite(self._at[: self._rows]).sum())
        for word, (bit, kept) in loaded.postings.items():
            entry = self._vocab[word] = _Word(bit)
            kept.sort()
            entry.seqs = array("I", kept[-KEPT:])

    def _row_for(self, seq: int) -> int:
        row = seq - self._base
        if row >= len(self._at):
            self._grow(max(row + 1, 2 * len(self._at), 1024))
        self._rows = max(self._rows, row + 1)
        return row

    def _set_row(
        self, row: int, seq: int, teaser_id: str, sketch: int, size: int, at: float
    ) -> None:
        self._sketch[row] = np.frombuffer(sketch.to_bytes(_SKETCH_BYTES, "little"), _SKETCH_DTYPE)
        self._size[row] = min(size, 0xFFFF)
        if self._at[row] == np.inf:
            self._live += 1
        self._at[row] = at
        value = _hex_value(teaser_id)
        if value is not None:
            self._hex[row] = value
        else:
            self._other_ids[seq] = teaser_id

    def _grow(self, capacity: int) -> None:
        have = len(self._at)
        at = np.full(capacity, np.inf)
        at[:have] = self._at
        size = np.zeros(capacity, dtype=np.uint16)
        size[:have] = self._size
        sketch = np.zeros((capacity, _SKETCH_WORDS), dtype=np.uint64)
        sketch[:have] = self._sketch
        hexes = np.zeros(capacity, dtype=np.uint64)
        hexes[:have] = self._hex
        self._at, self._size, self._sketch, self._hex = at, size, sketch, hexes

    def _drop_free_prefix(self) -> None:
        """Free the rows of teasers removed before every live one: expiry removes the
        oldest, so the rows in use stay a window over the last retention period."""
        if not self._live:
            self._base += self._rows
            self._rows = 0
            return
        live = np.isfinite(self._at[: self._rows])
        first = int(np.argmax(live))
        if first < max(1024, self._rows // 4):
            return
        keep = self._rows - first
        for name in ("_at", "_size", "_sketch", "_hex"):
            values = getattr(self, name)
            values[:keep] = values[first : self._rows]
            values[keep : self._rows] = np.inf if name == "_at" else 0
        self._base += first
        self._rows = keep


class Loader:
    """Builds a `WordIndex` from stored records in any order (a store iterates by key):
    each record leaves only its row (sketch, size, time, id) and its seqs in the
    posting lists, which are sorted at the end and trimmed to their newest `KEPT`
    as they grow, so loading a month of teasers holds little more than the index."""

    def __init__(self) -> None:
        self.seqs = array("q")
        self.at = array("d")
        self.size = array("H")
        self.sketches = bytearray()  # `_SKETCH_BYTES` per teaser, little-endian
        self.hexes = array("Q")
        self.other_ids: dict[int, str] = {}
        self.postings: dict[str, tuple[int, list[int]]] = {}

    def add(self, seq: int, teaser_id: str, words: Iterable[str], at: float) -> None:
        sketch = size = 0
        postings = self.postings
        for word in words:
            posting = postings.get(word)
            if posting is None:
                posting = postings[word] = (word_bit(word), [])
            bit, seqs = posting
            sketch |= _BITS[bit]
            size += 1
            seqs.append(seq)
            if len(seqs) >= 2 * KEPT:
                seqs.sort()
                del seqs[:-KEPT]
        self.seqs.append(seq)
        self.at.append(at)
        self.size.append(min(size, 0xFFFF))
        self.sketches += sketch.to_bytes(_SKETCH_BYTES, "little")
        value = _hex_value(teaser_id)
        if value is not None:
            self.hexes.append(value)
        else:
            self.hexes.append(0)
            self.other_ids[seq] = teaser_id

    def __len__(self) -> int:
        return len(self.seqs)

    def finish(self) -> WordIndex:
        index = WordIndex(self)
        self.postings = {}
        return index


def _hex_value(teaser_id: str) -> int | None:
    """The number a teaser id of 16 lowercase hex digits spells, else None."""
    if len(teaser_id) != _HEX_ID:
        return None
    try:
        value = int(teaser_id, 16)
    except ValueError:
        return None
    # `int` also reads `0x`, `_` and capitals: only the id's own spelling counts.
    return value if format(value, f"0{_HEX_ID}x") == teaser_id else None
