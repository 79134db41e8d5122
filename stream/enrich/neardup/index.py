"""The near-duplicate index: every unique teaser by its content words, persisted in a mapping.

It finds the candidates of a new teaser among the teasers recorded before it and
applies `stream.enrich.neardup.story`'s rule to them exactly: a candidate is the
same story when the overlap of content words (shared / smaller set, counted on
the words themselves, as `same_story` counts them) reaches the threshold and no
fact contradicts. Among several, the highest overlap wins, ties the earliest.

Store layout: one JSON-simple record per teaser, so a faust Table with the json
serializer holds it and each new teaser costs one changelog record:

- `sig:<teaser_id>` -> `[seq, words, duplicate_of, facts, recorded_at]`:
  - `seq`: the order in which teasers were recorded;
  - `words`: its content words (`story.content_words`), sorted;
  - `duplicate_of`: the verdict given when it was recorded ("" for none), so a
    teaser replayed after a crash gets the same answer, never "a duplicate of
    itself" nor of a teaser recorded after it;
  - `facts`: `Facts.to_json()`, what the text asserts, checked against newcomers;
  - `recorded_at`: epoch seconds, for `expire`.

  Records of the MinHash index before (a base64 signature in place of the words)
  still answer replays and expire, but are nobody's candidate.

In memory (`words.WordIndex`), only what finding candidates needs: the newest
teasers of each content word, and per teaser a 256-bit sketch of its words, its
word count, time and id (~24 bytes plus 4 per kept posting entry). The store is
read for the few candidates the sketch cannot rule out, through a small cache of
records (templated reports meet the same recent siblings again and again); a record's
facts are decoded only once it is close enough for them to count.
The store's records are the state; the memory is rebuilt from them in one pass
(`open`), before the worker takes its first teaser.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any, Final

from stream.enrich.neardup.story import Facts, content_words, contradicts, facts
from stream.enrich.neardup.words import COMPARED, KEPT, Loader, WordIndex

__all__ = ["COMPARED", "KEPT", "NearDuplicateIndex", "stored_record"]

_SIG_PREFIX: Final = "sig:"
# Decoded records of recent candidates: a templated report's siblings (its close
# candidates whose facts differ) come back with every new report of the template.
_CACHED_RECORDS: Final = 2_048
# How many stored records `open` reads between two yields to its caller.
LOAD_STEP: Final = 20_000


class NearDuplicateIndex:
    """A persistent index of teasers by content words, held in a mapping.

    `check_and_add` is the only write path, with one assignment per new teaser. It
    is deterministic (ties broken by the order in which teasers were recorded) and
    idempotent: for a recorded teaser it returns the verdict stored the first time
    and writes nothing. `expire` forgets teasers recorded longer ago than the
    dedup retention, so this state ends with the dedup state.

    Built over a store, it reads every record at once; `opening` does the same in
    steps for a caller that must not block (the worker's event loop).
    """

    def __init__(
        self,
        store: MutableMapping[str, Any],
        *,
        threshold: float,
        load: bool = True,
        read: Callable[[str], Any] | None = None,
    ) -> None:
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.store = store
        # One key's value or None: the store's `get` unless the caller has a cheaper
        # read of the same data (the worker's, past faust's table layers).
        self._read: Callable[[str], Any] = store.get if read is None else read
        self.threshold = threshold
        self._words = WordIndex()
        self._next_seq = 0
        # Per seq: its words, and its facts as stored until it is first close, then
        # decoded (most candidates read fall short on words: their facts never count).
        self._cache: OrderedDict[int, tuple[frozenset[str], Any]] = OrderedDict()
        if load:
            for _ in self.opening(store.items()):
                pass

    # -- public API ---------------------------------------------------------------

    def opening(self, items: Iterable[tuple[str, Any]]) -> Iterator[int]:
        """Rebuild the memory from the store's `items` (other keys are skipped),
        yielding the records read so far every `LOAD_STEP` of them."""
        loader = Loader()
        now = time.time()
        top = -1
        for count, (key, value) in enumerate(items, 1):
            if key.startswith(_SIG_PREFIX):
                loaded = _loaded(value, now)
                if loaded is not None:
                    seq, words, at = loaded
                    loader.add(seq, key[len(_SIG_PREFIX) :], words, at)
                    top = max(top, seq)
            if not count % LOAD_STEP:
                yield count
        self._words = loader.finish()
        self._next_seq = top + 1
        self._cache.clear()

    def check_and_add(self, teaser_id: str, text: str, now: float | None = None) -> str | None:
        """The earlier teaser of the same story, or None; then record this teaser.

        A candidate shares a content word (among the newest `COMPARED` teasers of
        that word); it is the same story by `same_story`'s rule, computed on the
        stored words and facts. Among several, the highest overlap wins, ties the
        earliest recorded; facts are checked from the highest down, so most
        teasers read the facts of one candidate only.
        """
        key = _SIG_PREFIX + teaser_id
        replayed = _verdict(self._read(key))
        if replayed is not None:
            return replayed or None
        own = facts(text)
        words = content_words(text, own)
        threshold = self.threshold
        count = len(words)
        cache = self._cache
        close: list[tuple[float, int, Facts | None]] = []
        for seq in self._words.candidates(words, threshold):
            record = cache.get(seq)
            if record is not None:
                cache.move_to_end(seq)
            else:
                record = self._record(seq)
                if record is None:
                    continue
            other, other_facts = record
            score = len(words & other) / min(count, len(other))
            if score >= threshold:
                if other_facts is not None and not isinstance(other_facts, Facts):
                    other_facts = Facts.from_json(other_facts)
                    cache[seq] = (other, other_facts)
                close.append((-score, seq, other_facts))
        close.sort(key=lambda c: (c[0], c[1]))
        found = next(
            (seq for _, seq, other in close if other is None or not contradicts(own, other)),
            None,
        )
        duplicate_of = None if found is None else self._words.teaser_id(found)
        at = time.time() if now is None else now
        seq = self._next_seq
        self.store[key] = _stored(seq, words, duplicate_of, own, at)
        self._next_seq += 1
        self._words.add(seq, teaser_id, words, at)
        return duplicate_of

    def remove(self, teaser_id: str) -> bool:
        """Forget a teaser (when it expires); False if it was unknown."""
        value = self.store.pop(_SIG_PREFIX + teaser_id, None)
        if not isinstance(value, list | tuple) or not value:
            return False
        try:
            seq = int(value[0])
        except (TypeError, ValueError):
            return True
        words = value[1] if len(value) > 1 and isinstance(value[1], list) else ()
        self._words.remove(seq, words)
        self._cache.pop(seq, None)
        return True

    def expire(self, *, now: float, retention_s: float, limit: int = 1_000) -> list[str]:
        """Forget up to `limit` teasers recorded more than `retention_s` ago (the
        dedup retention: a teaser the dedup state forgot is new again, and so is
        its story); the ids forgotten, oldest first."""
        gone = []
        for seq in self._words.recorded_before(now - retention_s, limit):
            teaser_id = self._words.teaser_id(seq)
            if not self.remove(teaser_id):
                # No record behind the row (the store changed under the index): the
                # row goes all the same, or it would be found expired forever.
                self._words.remove(seq, ())
            gone.append(teaser_id)
        return gone

    def __contains__(self, teaser_id: object) -> bool:
        return isinstance(teaser_id, str) and _SIG_PREFIX + teaser_id in self.store

    def __len__(self) -> int:
        return len(self._words)

    @property
    def words(self) -> int:
        """Distinct content words the index keeps teasers for."""
        return self._words.words

    # -- internals ----------------------------------------------------------------

    def _record(self, seq: int) -> tuple[frozenset[str], Any] | None:
        """A candidate's words and its facts as stored, read from the store into the
        cache (the caller looks there first); None if unreadable."""
        value = self._read(_SIG_PREFIX + self._words.teaser_id(seq))
        if not isinstance(value, list | tuple) or len(value) != 5:
            return None
        if not isinstance(value[1], list) or not value[1]:
            return None
        record = (frozenset(value[1]), value[3])
        self._cache[seq] = record
        if len(self._cache) > _CACHED_RECORDS:
            self._cache.popitem(last=False)
        return record


def _verdict(value: Any) -> str | None:
    """The verdict a stored record holds ("" for none), or None if there is none."""
    if isinstance(value, list | tuple) and len(value) >= 3:
        return str(value[2])
    return None


def _loaded(value: Any, now: float) -> tuple[int, tuple[str, ...], float] | None:
    """(seq, words, recorded_at) of a stored record, or None if unreadable.

    A record of the MinHash index before has no words (nobody's candidate) and,
    when written before times were kept, counts from `now`.
    """
    if not isinstance(value, list | tuple) or len(value) not in {3, 5, 6}:
        return None
    try:
        seq = int(value[0])
        if len(value) == 5 and isinstance(value[1], list):
            return seq, tuple(map(str, value[1])), float(value[4])
        return seq, (), float(value[5]) if len(value) == 6 else now
    except (TypeError, ValueError):
        return None


def _stored(
    seq: int, words: set[str], duplicate_of: str | None, own: Facts, at: float
) -> list[Any]:
    return [seq, sorted(words), duplicate_of or "", own.to_json(), at]


def teaser_text(headline: str | None, lead: str | None) -> str:
    """The text of a teaser the index reads: its headline and lead, those it has."""
    return " ".join(part for part in (headline, lead) if part)


def stored_record(teaser_id: str, text: str, seq: int, at: float) -> tuple[str, list[Any]]:
    """The store key and record `check_and_add` writes for a teaser judged unique:
    benchmarks preload a month of state through the changelog with it."""
    own = facts(text)
    return _SIG_PREFIX + teaser_id, _stored(seq, content_words(text, own), None, own, at)
