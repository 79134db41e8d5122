"""Near-duplicate index: rewordings flagged, distinct stories not, state in the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stream.enrich.neardup import (
    NearDuplicateIndex,
    jaccard,
    overlap,
    same_story,
    shingles,
)
from stream.identity import teaser_id
from stream.settings import Settings

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "teaser_labels.json"
THRESHOLD = Settings().near_duplicate_threshold

LEAD = (
    "The head of the municipal area says the attacks targeted a bread delivery truck "
    "with a visible sign, a man on a bicycle"
)
ORIGINAL = "5 civilians killed, 9 wounded in Ukraine’s attacks on Zaporozhye Region during day"
REWORDED = "Ukraine’s attacks on Zaporozhye Region leave 5 civilians dead, 9 wounded in a day"
#: The next day's report from the same template: another story.
NEXT_DAY = "6 civilians killed, 11 wounded in Ukraine’s attacks on Zaporozhye Region during day"


def _sample_teasers() -> list[tuple[str, str]]:
    teasers = json.loads(LABELS.read_text(encoding="utf-8"))["teasers"]
    return [
        (
            teaser_id(t["headline"], t["lead"]),
            " ".join(part for part in (t["headline"], t["lead"]) if part),
        )
        for t in teasers
    ]


def test_reworded_headline_of_the_same_story_is_flagged() -> None:
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    assert index.check_and_add("first", f"{ORIGINAL} {LEAD}") is None
    assert index.check_and_add("second", f"{REWORDED} {LEAD}") == "first"


def test_restyled_attribution_is_flagged() -> None:
    lead = "The Russian foreign minister noted that only fragments of it appeared in the media"
    before = "Russia never received 20-point 'document' on Ukraine, Lavrov says"
    after = "Russia never received 20-point document on Ukraine — Lavrov"
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    index.check_and_add("a", f"{before} {lead}")
    assert index.check_and_add("b", f"{after} {lead}") == "a"


def test_distinct_sample_teasers_are_not_near_duplicates() -> None:
    """All 201 teasers of the two sample pages are different stories: none is flagged."""
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    flagged = [tid for tid, text in _sample_teasers() if index.check_and_add(tid, text)]
    assert flagged == []


def test_template_lookalikes_stay_below_the_threshold() -> None:
    """Press reviews of different days share a lead template, not a story."""
    a = (
        "Press review: Russia, US move past Biden’s legacy as Kiev assures NATO of fight "
        "readiness Top stories from the Russian press on Friday, April 11th"
    )
    b = (
        "Press review: US and China launch trade war while Russia and the US hold new talks "
        "Top stories from the Russian press on Thursday, April 10th"
    )
    assert jaccard(a, b) < THRESHOLD
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    index.check_and_add("a", a)
    assert index.check_and_add("b", b) is None


def test_a_new_index_over_the_same_store_sees_earlier_teasers() -> None:
    store: dict[str, object] = {}
    NearDuplicateIndex(store, threshold=THRESHOLD).check_and_add("first", f"{ORIGINAL} {LEAD}")
    restarted = NearDuplicateIndex(store, threshold=THRESHOLD)
    assert "first" in restarted
    assert restarted.check_and_add("second", f"{REWORDED} {LEAD}") == "first"


def test_store_values_survive_a_json_round_trip() -> None:
    """A faust Table with the json serializer can hold the state."""
    store: dict[str, object] = {}
    NearDuplicateIndex(store, threshold=THRESHOLD).check_and_add("first", f"{ORIGINAL} {LEAD}")
    assert list(store) == ["sig:first"]
    copy = json.loads(json.dumps(store))
    assert NearDuplicateIndex(copy, threshold=THRESHOLD).check_and_add("x", REWORDED + " " + LEAD)


def test_check_and_add_is_idempotent_for_a_replayed_teaser() -> None:
    store: dict[str, object] = {}
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    assert index.check_and_add("first", f"{ORIGINAL} {LEAD}") is None
    assert index.check_and_add("second", f"{REWORDED} {LEAD}") == "first"
    before = dict(store)
    assert index.check_and_add("first", f"{ORIGINAL} {LEAD}") is None  # not its own duplicate
    # A replay gets the verdict of the first time, even in a reopened index.
    assert NearDuplicateIndex(store, threshold=THRESHOLD).check_and_add("second", "") == "first"
    assert store == before


class _CountingStore(dict[str, object]):
    writes = 0

    def __setitem__(self, key: str, value: object) -> None:
        self.writes += 1
        super().__setitem__(key, value)


def test_each_new_teaser_costs_one_store_write() -> None:
    """Each write is a changelog record in the worker; the word index is rebuilt in memory."""
    store = _CountingStore()
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    teasers = _sample_teasers()
    for tid, text in teasers:
        index.check_and_add(tid, text)
    assert store.writes == len({tid for tid, _ in teasers})


def test_ties_go_to_the_earliest_teaser_after_a_reopen_in_any_store_order() -> None:
    store: dict[str, object] = {}
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    index.check_and_add("b-early", f"{ORIGINAL} {LEAD}")
    index.check_and_add("a-late", f"{ORIGINAL} {LEAD}")  # same text: a tie for any newcomer
    # A rocksdb store iterates in key order, not in the order teasers came.
    reordered = dict(sorted(store.items()))
    assert list(reordered) == ["sig:a-late", "sig:b-early"]
    reopened = NearDuplicateIndex(reordered, threshold=THRESHOLD)
    assert reopened.check_and_add("new", f"{REWORDED} {LEAD}") == "b-early"


def test_the_most_similar_earlier_teaser_wins() -> None:
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    index.check_and_add("far", f"Civilians hurt in Zaporozhye Region {LEAD[:60]}")
    index.check_and_add("near", f"{ORIGINAL} {LEAD}")
    assert index.check_and_add("new", f"{REWORDED} {LEAD}") == "near"


def test_remove_forgets_a_teaser_and_its_story() -> None:
    store: dict[str, object] = {}
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    index.check_and_add("first", f"{ORIGINAL} {LEAD}")
    assert index.remove("first") is True
    assert store == {}
    assert index.remove("first") is False
    assert index.check_and_add("second", f"{REWORDED} {LEAD}") is None


def test_threshold_one_flags_only_the_same_wording() -> None:
    index = NearDuplicateIndex({}, threshold=1.0)
    index.check_and_add("a", f"{ORIGINAL} {LEAD}")
    # `residents` for `civilians`: a word each side lacks (`killed` / `dead` fold).
    shelling = "Ukraine’s shelling of Zaporozhye Region leaves 5 residents dead, 9 wounded"
    assert index.check_and_add("b", f"{shelling} {LEAD}") is None
    # Normalised first: typography and spacing do not count.
    assert index.check_and_add("c", f"{ORIGINAL.replace('’', chr(39))}  {LEAD}") == "a"


def test_shingles_are_the_content_words_without_names() -> None:
    """Function words, names and titles go (facts, compared apart); synonyms fold."""
    assert shingles("Imran Khan quits as prime minister of Pakistan") == {"resign"}
    assert shingles("Boeing machinists end walkout") == {"machinist", "close", "walkout"}
    assert overlap("Claudine Gay resigns", "Claudine Gay steps down as Harvard president") == 1.0
    assert shingles("Lavrov") == {"lavrov"}  # a text of names only keeps them
    assert shingles("") == set()


def test_a_template_sibling_with_other_numbers_is_not_flagged() -> None:
    """Daily reports that differ only in their numbers are different stories."""
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    index.check_and_add("monday", f"{ORIGINAL} {LEAD}")
    assert index.check_and_add("tuesday", f"{NEXT_DAY} {LEAD}") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (  # a place
            "Russia says it downed 47 Ukrainian drones over Bryansk Region in past day",
            "Russia says it downed 47 Ukrainian drones over Kursk Region in past day",
        ),
        ("Max Verstappen wins Brazilian Grand Prix", "Lando Norris wins Brazilian Grand Prix"),
        ("Nikkei closes up 1.2% as exporters gain", "Nikkei closes down 1.2% as exporters slip"),
        (
            "Ukraine attacks Belgorod Region with 35 drones on Monday",
            "Ukraine attacks Belgorod Region with 35 drones on Tuesday",
        ),
        (
            "India beat Australia by six wickets in Adelaide",
            "Australia beat India by six wickets in Adelaide",
        ),
    ],
)
def test_another_fact_makes_another_story(a: str, b: str) -> None:
    assert not same_story(a, b, threshold=THRESHOLD)
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    index.check_and_add("a", a)
    assert index.check_and_add("b", b) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bank of England cuts interest rate to 4.75%", "BoE lowers rates to 4.75%"),
        (
            "Celtics win 18th NBA title, beating Dallas Mavericks in five games",
            "Boston Celtics beat Mavericks in five games to claim record 18th NBA championship",
        ),
        (
            "Nigerian President Bola Tinubu removes fuel subsidy",
            "Nigeria's Tinubu removes fuel subsidy",
        ),
        ("Harvard president Claudine Gay resigns", "Claudine Gay steps down as Harvard president"),
    ],
)
def test_synonyms_short_names_and_moved_clauses_are_one_story(a: str, b: str) -> None:
    assert same_story(a, b, threshold=THRESHOLD)
    index = NearDuplicateIndex({}, threshold=THRESHOLD)
    index.check_and_add("a", a)
    assert index.check_and_add("b", b) == "a"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0.0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NearDuplicateIndex({}, **kwargs)  # type: ignore[arg-type]


def test_expire_forgets_teasers_recorded_before_the_retention() -> None:
    store: dict[str, object] = {}
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    index.check_and_add("old", f"{ORIGINAL} {LEAD}", now=1_000.0)
    index.check_and_add("young", "Lavrov speaks in parliament about New START", now=5_000.0)
    assert index.expire(now=5_100.0, retention_s=4_500.0) == []
    assert index.expire(now=5_100.0, retention_s=1_000.0) == ["old"]
    assert set(store) == {"sig:young"}
    assert len(index) == 1
    # The story is forgotten with its teaser: a rewording is new again.
    assert index.check_and_add("new", f"{REWORDED} {LEAD}", now=5_200.0) is None


def test_expiry_survives_a_reopening_and_rows_are_reused() -> None:
    store: dict[str, object] = {}
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    index.check_and_add("old", f"{ORIGINAL} {LEAD}", now=1_000.0)
    reopened = NearDuplicateIndex(store, threshold=THRESHOLD)
    assert reopened.expire(now=3_000.0, retention_s=1_000.0, limit=5) == ["old"]
    assert reopened.check_and_add("a", f"{ORIGINAL} {LEAD}", now=3_000.0) is None
    assert reopened.check_and_add("b", f"{REWORDED} {LEAD}", now=3_001.0) == "a"
