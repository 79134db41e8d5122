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

About 24 bytes per teaser (sketch, size, time, id) plus 4 per posting entry, where a
dict entry per LSH band per teaser cost ~4.5 kB (issue 14).
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
_SKETCH_BYTES: Final = SKETCH_BITS // 8
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
        self._sketch = np.zeros((0, _SKETCH_BYTES), dtype=np.uint8)
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
        self._set_row(row, seq, teaser_id, words, at)
        vocab = self._vocab
        for word in words:
            entry = vocab.get(word)
            if entry is None:
                entry = vocab[word] = _Word(word_bit(word))
            entry.seqs.append(seq)
            if len(entry.seqs) > KEPT:
                del entry.seqs[0]

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
        entries = [entry for word in words if (entry := vocab.get(word)) is not None]
        if not entries:
            return []
        windows = b"".join(entry.seqs[-COMPARED:].tobytes() for entry in entries)
        seqs = np.frombuffer(windows, dtype=np.uint32).astype(np.int64)
        seqs.sort()  # np.unique hashes: 10x slower on a few thousand seqs (numpy 2.3)
        seqs = seqs[np.concatenate(([True], seqs[1:] != seqs[:-1]))]
        rows = seqs - self._base
        # The words' bits as one mask: a candidate can share at most the bits it has
        # of the mask, plus the words whose bit another of the words took already.
        mask = bytearray(_SKETCH_BYTES)
        for entry in entries:
            mask[entry.bit >> 3] |= 1 << (entry.bit & 7)
        query = np.frombuffer(bytes(mask), dtype=np.uint64)
        collided = len(entries) - int(np.bitwise_count(query).sum())
        sketches = self._sketch.view(np.uint64)[rows]
        upper = np.bitwise_count(sketches & query).sum(axis=1, dtype=np.int64) + collided
        smaller = np.minimum(self._size[rows], len(words))
        with np.errstate(divide="ignore", invalid="ignore"):
            possible = upper / smaller >= threshold
        selected: list[int] = seqs[possible].tolist()
        return selected

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
        sketches = np.frombuffer(bytes(loaded.sketches), dtype=np.uint8)
        self._sketch[rows] = sketches.reshape(-1, _SKETCH_BYTES)
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

    def _set_row(self, row: int, seq: int, teaser_id: str, words: Iterable[str], at: float) -> None:
        sketch = bytearray(_SKETCH_BYTES)
        size = 0
        for word in words:
            entry = self._vocab.get(word)
            bit = entry.bit if entry is not None else word_bit(word)
            sketch[bit >> 3] |= 1 << (bit & 7)
            size += 1
        self._sketch[row] = np.frombuffer(bytes(sketch), dtype=np.uint8)
        self._size[row] = min(size, 0xFFFF)
        if not np.isfinite(self._at[row]):
            self._live += 1
        self._at[row] = at
        if _is_hex_id(teaser_id):
            self._hex[row] = int(teaser_id, 16)
        else:
            self._other_ids[seq] = teaser_id

    def _grow(self, capacity: int) -> None:
        have = len(self._at)
        at = np.full(capacity, np.inf)
        at[:have] = self._at
        size = np.zeros(capacity, dtype=np.uint16)
        size[:have] = self._size
        sketch = np.zeros((capacity, _SKETCH_BYTES), dtype=np.uint8)
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
        self.sketches = bytearray()
        self.hexes = array("Q")
        self.other_ids: dict[int, str] = {}
        self.postings: dict[str, tuple[int, list[int]]] = {}

    def add(self, seq: int, teaser_id: str, words: Iterable[str], at: float) -> None:
        sketch = bytearray(_SKETCH_BYTES)
        size = 0
        postings = self.postings
        for word in words:
            posting = postings.get(word)
            if posting is None:
                posting = postings[word] = (word_bit(word), [])
            bit, seqs = posting
            sketch[bit >> 3] |= 1 << (bit & 7)
            size += 1
            seqs.append(seq)
            if len(seqs) >= 2 * KEPT:
                seqs.sort()
                del seqs[:-KEPT]
        self.seqs.append(seq)
        self.at.append(at)
        self.size.append(min(size, 0xFFFF))
        self.sketches += sketch
        if _is_hex_id(teaser_id):
            self.hexes.append(int(teaser_id, 16))
        else:
            self.hexes.append(0)
            self.other_ids[seq] = teaser_id

    def __len__(self) -> int:
        return len(self.seqs)

    def finish(self) -> WordIndex:
        index = WordIndex(self)
        self.postings = {}
        return index


def _is_hex_id(teaser_id: str) -> bool:
    return (
        len(teaser_id) == _HEX_ID
        and teaser_id == teaser_id.lower()
        and all(c in "0123456789abcdef" for c in teaser_id)
    )
