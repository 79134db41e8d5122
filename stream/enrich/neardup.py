"""Near-duplicate teasers: the same story told again, found by MinHash LSH and checked by its facts.

Exact dedup (`stream.identity`) only catches a teaser whose headline is unchanged.
Editors reword: an attribution restyled, a word swapped, clauses reordered, a name
shortened, and the headline becomes a new teaser. This index flags such a teaser
with the id of the earlier teaser of the same story, so that `near_duplicate_of`
can be set; it never suppresses anything. Every piece of state lives in the
injected mapping (a changelogged faust Table in the worker, a dict in tests), so the
index survives restarts and any process that opens the same store sees the same
teasers.

The rule (`same_story` is its exact form): two texts are one story when their
content words overlap (`overlap`: shared / smaller set, at least the threshold,
`Settings.near_duplicate_threshold`, default 0.5) and no fact contradicts
(`contradicts`: another number, date, name or outcome on each side). Content words
(`shingles`) are the words after `identity.normalize`, without function words and
names, stemmed, with synonyms folded (`lexicon.NEAR_DUP_SYNONYMS`). Word overlap
alone cannot work: daily reports of one template (`X attacks Y Region with N
drones in past day`) share more words than most rewordings do, and only their
facts differ. `benchmarks/bench_enrich.py` scores the rule on labelled pairs
(`tests/fixtures/neardup_pairs.json`).

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
import re
import struct
import time
from collections.abc import MutableMapping, Sequence
from typing import Any, Final, NamedTuple, Protocol, cast

import numpy as np
import rensa  # type: ignore[import-untyped]  # ships no type information; wrapped below

from stream.enrich.lexicon import (
    CALENDAR_WORDS,
    NEAR_DUP_AXES,
    NEAR_DUP_STOPWORDS,
    NEAR_DUP_SYNONYMS,
    NUMBER_WORDS,
    TITLE_PARTS,
    TITLES,
)
from stream.enrich.vocabulary import is_english_word
from stream.identity import normalize

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

_WORD = re.compile(r"\w+")
_MASK16: Final = 0xFFFF


class _MinHash(Protocol):
    def update(self, items: Sequence[str]) -> None: ...
    def digest(self) -> list[int]: ...


def shingles(text: str) -> set[str]:
    """The words that tell what happened: content words, stemmed, synonyms folded.

    Function words and the names of the text (its facts, compared apart) are left
    out, so that two stories of one actor do not look alike by the actor alone;
    a text of names only keeps them.
    """
    return _content(text, facts(text))


def _content(text: str, own: Facts) -> set[str]:
    words = [_stem(w) for w in _WORD.findall(normalize(text)) if w not in NEAR_DUP_STOPWORDS]
    names = {w for name in own.names if not name.soft for w in name.words}
    kept = {w for w in words if w not in names}
    return kept or set(words)


def _stem(word: str) -> str:
    word = NEAR_DUP_SYNONYMS.get(word, word)
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard index of two texts' shingle sets (for tests and tuning)."""
    x, y = shingles(a), shingles(b)
    union = x | y
    return len(x & y) / len(union) if union else 0.0


def overlap(a: str, b: str) -> float:
    """The exact overlap coefficient of two texts' shingles: shared / smaller set."""
    x, y = shingles(a), shingles(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


class Name(NamedTuple):
    """A run of capitalised words (`Bank of England`), case-folded, and its initials."""

    words: tuple[str, ...]
    initials: str
    # A lone dictionary word that opens the text is capitalised by position only
    # (`Floods kill`): it never contradicts, it only matches.
    soft: bool


class Facts(NamedTuple):
    """What a teaser asserts beyond its wording: numbers, names, outcome words."""

    numbers: frozenset[str]  # `47`, `4.75`, `2nd`, and months and weekdays
    names: tuple[Name, ...]
    axes: dict[str, frozenset[int]]  # see lexicon.NEAR_DUP_AXES

    def to_json(self) -> list[Any]:
        names = [[*n.words, n.initials, int(n.soft)] for n in self.names]
        return [sorted(self.numbers), names, {k: sorted(v) for k, v in self.axes.items()}]

    @classmethod
    def from_json(cls, value: Any) -> Facts | None:
        try:
            numbers, names, axes = value
            return cls(
                frozenset(map(str, numbers)),
                tuple(Name(tuple(n[:-2]), str(n[-2]), bool(n[-1])) for n in names),
                {str(k): frozenset(map(int, v)) for k, v in axes.items()},
            )
        except (TypeError, ValueError, AttributeError, IndexError):
            return None


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME_CONNECTORS: Final = frozenset({"of", "for", "and", "de", "do", "da", "the"})
_EDGE = "\"'“”‘’()[],.;:!?"


def facts(text: str) -> Facts:
    """The numbers, names and outcome words of a text (see `same_story`)."""
    numbers: set[str] = set()
    names: list[Name] = []
    axes: dict[str, set[int]] = {}
    run: list[str] = []
    soft = False
    tokens = text.split()
    # Words in capitals beside others in capitals (`5 CIVILIANS KILLED`) say nothing
    # about which are names; a lone one is an acronym (`NATO`).
    shouting = [t.isupper() and sum(c.isalpha() for c in t) >= 2 for t in tokens]
    uncased = [
        shout and ((k > 0 and shouting[k - 1]) or (k + 1 < len(tokens) and shouting[k + 1]))
        for k, shout in enumerate(shouting)
    ]

    def close() -> None:
        while run and run[-1] in _NAME_CONNECTORS:
            run.pop()
        if run:
            words = tuple(w for w in run if w not in _NAME_CONNECTORS)
            names.append(Name(words, "".join(w[0] for w in run), soft and len(words) == 1))
        run.clear()

    for index, raw in enumerate(tokens):
        if raw.islower() and raw.isalpha():
            # Most words: lower-case letters, no name, no digit, nothing around them.
            if raw in NUMBER_WORDS:
                numbers.add(NUMBER_WORDS[raw])
            elif raw in CALENDAR_WORDS:
                numbers.add(raw)
            if run and raw in _NAME_CONNECTORS:
                run.append(raw)
            else:
                close()
            if raw in NEAR_DUP_AXES:
                axis, value = NEAR_DUP_AXES[raw]
                axes.setdefault(axis, set()).add(value)
            continue
        word = raw.strip(_EDGE)
        if not word or word in "—–-":
            close()
            continue
        low = word.casefold()
        numbers.update(n.replace(",", "") for n in _NUMBER.findall(word))
        if low in NUMBER_WORDS:
            numbers.add(NUMBER_WORDS[low])
        elif low in CALENDAR_WORDS:
            numbers.add(low)
        parts = [p for p in re.split(r"[-’']", word) if p]
        capital = (
            not uncased[index]
            and any(p[:1].isupper() for p in parts)
            and not any(c.isdigit() for c in word)
        )
        if capital and low not in TITLES and low not in TITLE_PARTS:
            if not run:
                soft = (
                    index == 0
                    and not word.isupper()
                    and not re.search(r"['’]s?$", word)
                    and is_english_word(word)  # `Floods kill`, not `Toyota recalls`
                )
            run.extend(p.casefold() for p in parts if p[:1].isupper())
        elif run and low in _NAME_CONNECTORS:
            run.append(low)
        else:
            close()
        if not capital and low in NEAR_DUP_AXES:
            axis, value = NEAR_DUP_AXES[low]
            axes.setdefault(axis, set()).add(value)
        if raw[-1:] in ",.;:!?":
            close()
    close()
    axes.setdefault("negation", {-1})
    return Facts(frozenset(numbers), tuple(names), {k: frozenset(v) for k, v in axes.items()})


def _same_word(a: str, b: str) -> bool:
    """One name word, maybe inflected (`Nigeria` / `Nigerian`, `Kazakh` / `Kazakhs`)."""
    n = min(len(a), len(b))
    return a == b or (n >= 4 and a[: max(4, n - 1)] == b[: max(4, n - 1)])


def _names_match(a: Name, b: Name) -> bool:
    """`Dallas Mavericks` / `Mavericks`, `Bank of England` / `BoE`: one name.

    One name's words must all be in the other (a qualifier may be added, never
    swapped: `Bryansk Region` is not `Kursk Region`), or one is the other's initials.
    """

    def within(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
        return all(p in y or any(_same_word(p, q) for q in y) for p in x)

    if within(a.words, b.words) or within(b.words, a.words):
        return True
    return _initials(a, b)


def _initials(a: Name, b: Name) -> bool:
    """`BoE` / `Bank of England`: one name of one word is the other's initials."""
    short, other = (a, b) if len(a.words) == 1 else (b, a)
    return len(short.words) == 1 and len(other.initials) >= 2 and short.words[0] == other.initials


def contradicts(a: Facts, b: Facts) -> bool:
    """Whether two teasers assert different facts: not the same story.

    A number, a name or an outcome present on both sides with different values:
    each side has a number the other lacks (`47 drones` / `63 drones`), a name the
    other lacks (`Bryansk Region` / `Kursk Region`), or both take different values
    on one axis (`rises` / `falls`). A fact only one side gives (a dropped date, an
    added first name) is no contradiction. With an outcome word on both sides, the
    first name both share must lead in both (`India beat Australia` is not
    `Australia beat India`).
    """
    if (a.numbers - b.numbers) and (b.numbers - a.numbers):
        return True
    only_a = [n for n in a.names if not n.soft and not any(_names_match(n, m) for m in b.names)]
    only_b = [n for n in b.names if not n.soft and not any(_names_match(n, m) for m in a.names)]
    if only_a and only_b:
        return True
    if any(not (a.axes[k] & b.axes[k]) for k in a.axes.keys() & b.axes.keys()):
        return True
    if "outcome" in a.axes and "outcome" in b.axes:
        shared_a = [n for n in a.names if any(_names_match(n, m) for m in b.names)]
        shared_b = [n for n in b.names if any(_names_match(n, m) for m in a.names)]
        if shared_a and shared_b and not _names_match(shared_a[0], shared_b[0]):
            return True
    return False


def same_story(a: str, b: str, *, threshold: float) -> bool:
    """The exact form of the index's rule: words overlap enough, and no fact differs."""
    return overlap(a, b) >= threshold and not contradicts(facts(a), facts(b))


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
        words = _content(text, own)
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
    words = _content(text, own)
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
