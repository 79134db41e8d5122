"""The near-duplicate index: `same_story`'s verdict on the candidates it finds, kept compact.

The rule's own cases are in `test_neardup.py`; these pin what the index adds: which
teasers it finds, that its verdict is the rule's, replays, expiry, reopening, and
that its memory stays bounded however templated the feed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stream.enrich.neardup import (
    COMPARED,
    KEPT,
    NearDuplicateIndex,
    overlap,
    same_story,
    shingles,
)
from stream.enrich.neardup.index import stored_record
from stream.enrich.neardup.words import Loader, WordIndex
from stream.enrich.scoring import load_pairs
from stream.identity import teaser_id
from stream.testing.feed import crawl_feed, history_teasers

THRESHOLD = 0.5
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEAD = "The head of the municipal area says the attacks targeted a bread delivery truck"
ORIGINAL = "5 civilians killed, 9 wounded in Ukraine’s attacks on Zaporozhye Region during day"
REWORDED = "Ukraine’s attacks on Zaporozhye Region leave 5 civilians dead, 9 wounded in a day"


def _text(headline: str, lead: str | None) -> str:
    return " ".join(part for part in (headline, lead) if part)


def _sample_texts() -> list[tuple[str, str]]:
    teasers = json.loads((FIXTURES / "teaser_labels.json").read_text(encoding="utf-8"))["teasers"]
    return [(teaser_id(t["headline"], t["lead"]), _text(t["headline"], t["lead"])) for t in teasers]


def _feed_texts(count: int) -> list[tuple[str, str]]:
    """Distinct teasers of the benchmark feed, templated daily reports included."""
    seen: dict[str, str] = {}
    for page in crawl_feed(count):
        for t in page.teasers:
            seen.setdefault(t.teaser_id, _text(t.headline, t.lead))
    return list(seen.items())


def test_verdicts_are_same_storys_rule_on_labelled_pairs() -> None:
    pairs = load_pairs(FIXTURES / "neardup_pairs.json")
    assert len(pairs) > 100
    for pair in pairs:
        index = NearDuplicateIndex({}, threshold=THRESHOLD)
        index.check_and_add("a", pair["a"])
        flagged = index.check_and_add("b", pair["b"]) == "a"
        assert flagged == same_story(pair["a"], pair["b"], threshold=THRESHOLD), pair


@pytest.mark.parametrize(
    "texts", [_sample_texts(), _feed_texts(40)[: 3 * COMPARED]], ids=["sample", "feed"]
)
def test_each_verdict_is_the_best_earlier_teaser_by_the_rule(texts: list[tuple[str, str]]) -> None:
    """While no word has more than `COMPARED` teasers, every earlier teaser sharing a
    word is a candidate: the verdict is the earlier teaser of the same story with the
    highest overlap (ties: the earliest), or None when `same_story` holds for none.
    Later, a verdict is still a teaser of the same story."""
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    words = {tid: shingles(text) for tid, text in texts}
    earlier: list[tuple[str, str]] = []
    flagged = 0
    for tid, text in texts:
        verdict = index.check_and_add(tid, text)
        if len(earlier) < COMPARED:
            scored = [
                (overlap(text, other), -n, oid)
                for n, (oid, other) in enumerate(earlier)
                if words[tid] & words[oid] and same_story(text, other, threshold=THRESHOLD)
            ]
            assert verdict == (max(scored)[2] if scored else None), text
        if verdict is not None:
            flagged += 1
            assert same_story(text, dict(earlier)[verdict], threshold=THRESHOLD)
        earlier.append((tid, text))
    assert flagged < len(texts)


def test_two_indexes_fed_alike_agree_and_a_reopened_one_agrees_with_the_live_one() -> None:
    texts = _feed_texts(120)
    half = len(texts) // 2
    live, other = {}, {}  # type: ignore[var-annotated]
    a = NearDuplicateIndex(live, threshold=THRESHOLD)
    b = NearDuplicateIndex(other, threshold=THRESHOLD)
    for n, (tid, text) in enumerate(texts[:half]):
        assert a.check_and_add(tid, text, now=1e9 + n) == b.check_and_add(tid, text, now=1e9 + n)
    assert live == other
    # A rocksdb store iterates in key order, not in the order teasers came.
    reopened = NearDuplicateIndex(dict(sorted(live.items())), threshold=THRESHOLD)
    for n, (tid, text) in enumerate(texts[half:]):
        at = 2e9 + n
        assert reopened.check_and_add(tid, text, now=at) == a.check_and_add(tid, text, now=at)
    assert _rows(reopened._words) == _rows(a._words)


def _rows(words: WordIndex) -> dict[str, Any]:
    live = [int(s) for s in words.recorded_before(float("inf"), len(words))]
    return {
        "live": sorted(live),
        "ids": sorted(words.teaser_id(s) for s in live),
        "postings": {w: list(e.seqs) for w, e in sorted(words._vocab.items())},
    }


def test_the_loader_builds_what_adding_one_by_one_builds() -> None:
    texts = [(t.teaser_id, _text(t.headline, t.lead)) for t in history_teasers(8 * KEPT)]
    records = [stored_record(tid, text, seq, 1e9 + seq) for seq, (tid, text) in enumerate(texts)]
    added = WordIndex()
    for key, (seq, words, _, _, at) in records:
        added.add(seq, key[len("sig:") :], words, at)
    loader = Loader()
    for key, (seq, words, _, _, at) in random.Random(7).sample(records, len(records)):
        loader.add(seq, key[len("sig:") :], tuple(words), at)
    loaded = loader.finish()
    assert _rows(loaded) == _rows(added)
    assert (loaded._sketch[: loaded._rows] == added._sketch[: added._rows]).all()
    assert max(len(e.seqs) for e in loaded._vocab.values()) == KEPT


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sets(st.sampled_from([f"w{n}" for n in range(40)]), min_size=1, max_size=12),
        min_size=1,
        max_size=60,
    ),
    st.sets(st.sampled_from([f"w{n}" for n in range(40)]), min_size=1, max_size=12),
    st.sampled_from([0.3, 0.5, 0.8, 1.0]),
)
def test_the_sketch_never_drops_a_close_candidate(
    recorded: list[set[str]], new: set[str], threshold: float
) -> None:
    words = WordIndex()
    for seq, ws in enumerate(recorded):
        words.add(seq, f"t{seq}", ws, 1.0)
    found = set(words.candidates(new, threshold))
    for seq, ws in enumerate(recorded):
        if len(new & ws) / min(len(new), len(ws)) >= threshold:
            assert seq in found


def test_a_flood_of_one_template_keeps_windows_bounded_and_finds_the_newest() -> None:
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    for n in range(KEPT + 50):
        index.check_and_add(f"t{n}", f"{ORIGINAL} {LEAD}")
    assert max(len(e.seqs) for e in index._words._vocab.values()) == KEPT
    assert len(index._words.candidates({"civilian", "kill", "wound"}, THRESHOLD)) <= COMPARED
    found = index.check_and_add("new", f"{REWORDED} {LEAD}")
    assert found is not None
    assert int(found[1:]) >= KEPT + 50 - COMPARED


def test_replay_gives_the_stored_verdict_and_writes_nothing() -> None:
    store: dict[str, object] = {}
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    index.check_and_add("first", f"{ORIGINAL} {LEAD}")
    assert index.check_and_add("second", f"{REWORDED} {LEAD}") == "first"
    before = json.dumps(store, sort_keys=True)
    for reader in (index, NearDuplicateIndex(store, threshold=THRESHOLD)):
        assert reader.check_and_add("second", "any text at all") == "first"
        assert reader.check_and_add("first", f"{REWORDED} {LEAD}") is None
    assert json.dumps(store, sort_keys=True) == before


def test_expiry_frees_rows_words_and_records() -> None:
    store: dict[str, object] = {}
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    texts = _feed_texts(40)
    for n, (tid, text) in enumerate(texts):
        index.check_and_add(tid, text, now=1_000.0 + n)
    assert index.words > 0
    gone = index.expire(now=10_000.0, retention_s=100.0, limit=len(texts) // 2)
    assert gone == [tid for tid, _ in texts[: len(texts) // 2]]
    assert index.expire(now=10_000.0, retention_s=100.0, limit=len(texts)) == [
        tid for tid, _ in texts[len(texts) // 2 :]
    ]
    assert store == {}
    assert len(index) == 0
    assert index.words == 0
    # What expired is new again; the index keeps working after a full turnover.
    assert index.check_and_add(texts[0][0], texts[0][1], now=20_000.0) is None
    assert len(index) == 1


def test_expiry_follows_recorded_time_not_order_and_survives_a_reopen() -> None:
    store: dict[str, object] = {}
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    index.check_and_add("late", "Lavrov speaks in parliament about New START", now=5_000.0)
    index.check_and_add("early", f"{ORIGINAL} {LEAD}", now=1_000.0)
    reopened = NearDuplicateIndex(store, threshold=THRESHOLD)
    assert reopened.expire(now=5_100.0, retention_s=1_000.0) == ["early"]
    assert set(store) == {"sig:late"}
    assert reopened.check_and_add("new", f"{REWORDED} {LEAD}", now=5_200.0) is None


def test_records_of_the_minhash_index_answer_replays_and_expire_but_match_nothing() -> None:
    store: dict[str, object] = {
        # [seq, signature, duplicate_of, facts, size, recorded_at], as written before.
        "sig:old": [0, "AAAA", "", [[], [], {}], 12, 1_000.0],
        "sig:older": [1, "AAAA", "old"],
    }
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    assert len(index) == 2
    assert index.check_and_add("older", "whatever") == "old"
    assert index.check_and_add("new", f"{ORIGINAL} {LEAD}", now=1_500.0) is None
    assert index.expire(now=1_600.0, retention_s=100.0) == ["old"]
    assert "old" not in index
    assert "older" in index


class _JsonRocks(MutableMapping[str, Any]):
    """A RocksDB database holding JSON values, as faust's rocksdb store does."""

    def __init__(self, path: Path) -> None:
        from rocksdict import Rdict

        self.db = Rdict(str(path))

    def __getitem__(self, key: str) -> Any:
        value = self.db.get(key.encode())
        if value is None:
            raise KeyError(key)
        return json.loads(value)

    def __setitem__(self, key: str, value: Any) -> None:
        self.db[key.encode()] = json.dumps(value).encode()

    def __delitem__(self, key: str) -> None:
        if self.db.get(key.encode()) is None:
            raise KeyError(key)
        self.db.delete(key.encode())

    def __iter__(self) -> Iterator[str]:
        return (key.decode() for key in self.db.keys())  # noqa: SIM118

    def __len__(self) -> int:
        return sum(1 for _ in self)


def test_an_index_over_rocksdb_reopens_with_every_verdict(tmp_path: Path) -> None:
    texts = _feed_texts(60)
    store = _JsonRocks(tmp_path / "index")
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    verdicts = {tid: index.check_and_add(tid, text, now=1e9) for tid, text in texts}
    store.db.close()
    again = NearDuplicateIndex(_JsonRocks(tmp_path / "index"), threshold=THRESHOLD)
    assert len(again) == len(verdicts)
    assert {tid: again.check_and_add(tid, text) for tid, text in texts} == verdicts
    assert _rows(again._words) == _rows(index._words)
