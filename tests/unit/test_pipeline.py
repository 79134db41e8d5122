"""stream.pipeline: the whole pipeline without Kafka, stage by stage and composed."""

from __future__ import annotations

import datetime as dt

import pytest

from stream import codec, dedup, identity, pipeline
from stream.identity import teaser_id
from stream.intake import InputMessage
from stream.models import Teaser, TeaserBatch
from stream.pipeline import Pipeline, TeaserEnricher
from stream.settings import Settings
from tests.conftest import SAMPLE_000, SAMPLE_002

NOW = dt.datetime(2026, 2, 12, 8, 0, tzinfo=dt.UTC)
SETTINGS = Settings(partitions=8)


def page(path: object, **kwargs: object) -> InputMessage:
    return InputMessage(value=path.read_bytes(), **kwargs)  # type: ignore[attr-defined,arg-type]


def test_both_samples_twice_give_201_unique_teasers_4_articles_and_201_repeats() -> None:
    run = Pipeline(SETTINGS)
    for _ in range(2):
        for sample in (SAMPLE_000, SAMPLE_002):
            run.feed(page(sample), now=NOW)
    out = run.outputs
    assert len(out.articles) == 4
    assert len(out.teasers) == 201
    assert len({t.teaser_id for t in out.teasers}) == 201
    assert out.repeats == 201
    assert out.dead_letters == []


def _batches(*results: pipeline.PageResult) -> dict[int, TeaserBatch]:
    return dedup.route_sightings(results, partitions=8)[0]


def test_batches_route_each_teaser_id_to_its_partition_once() -> None:
    result = pipeline.process_page(page(SAMPLE_000), SETTINGS, now=NOW)
    assert result.article is not None
    batches = _batches(result)
    routed = [(partition, s.teaser_id) for partition, b in batches.items() for s in b.sightings]
    assert all(identity.partition_for(tid, 8) == p for p, tid in routed)
    assert sorted(tid for _, tid in routed) == sorted(set(result.article.teaser_ids))
    assert len(batches) <= 8


def test_a_group_of_pages_routes_a_shared_teaser_once_from_its_earliest_page() -> None:
    first = pipeline.process_page(
        page(SAMPLE_000, headers=(("url", b"https://x/1"),), timestamp=NOW), SETTINGS, now=NOW
    )
    later = NOW + dt.timedelta(seconds=5)
    second = pipeline.process_page(
        page(SAMPLE_000, headers=(("url", b"https://x/2"),), timestamp=later), SETTINGS, now=later
    )
    batches, repeats = dedup.route_sightings([first, second], partitions=8)
    assert repeats == 101
    sightings = [s for b in batches.values() for s in b.sightings]
    assert len(sightings) == len(first.teasers) == 101  # no id twice
    assert {s.url for s in sightings} == {"https://x/1"}
    assert {b.page_timestamp for b in batches.values()} == {NOW}


def test_recently_forwarded_teasers_are_dropped_before_routing() -> None:
    forwarded = dedup.RecentlyForwarded(1_000, ttl_s=60)
    result = pipeline.process_page(page(SAMPLE_000), SETTINGS, now=NOW)

    def route(now: float) -> tuple[int, int]:
        batches, dropped = dedup.route_sightings(
            [result], partitions=8, forwarded=forwarded, now=now
        )
        return sum(len(b.sightings) for b in batches.values()), dropped

    assert route(0.0) == (101, 0)
    assert route(1.0) == (0, 101)
    # After the TTL the owner may have expired them: sent on again.
    assert route(61.0) == (101, 0)


def test_recently_forwarded_keeps_at_most_its_capacity_newest_first() -> None:
    forwarded = dedup.RecentlyForwarded(3, ttl_s=60)
    assert not any(forwarded.is_repeat(t, now=0.0) for t in "abcd")
    assert len(forwarded) == 3
    assert not forwarded.is_repeat("a", now=1.0)  # evicted: forwarded again
    assert forwarded.is_repeat("d", now=1.0)
    assert not dedup.RecentlyForwarded(0, ttl_s=60).is_repeat("a", now=0.0)


def test_article_carries_teaser_ids_in_page_order_and_metadata() -> None:
    message = page(
        SAMPLE_000,
        headers=(("url", b"https://tass.com/politics/1"), ("fetched_at", b"2026-02-11T10:00Z")),
    )
    result = pipeline.process_page(message, SETTINGS, now=NOW)
    article = result.article
    assert article is not None
    assert article.page_id == identity.page_id("https://tass.com/politics/1", "")
    assert article.url == "https://tass.com/politics/1"
    assert article.dateline is not None
    assert article.dateline.date == dt.date(2026, 2, 11)
    first = "Zelensky blocks peace in Ukraine to profit further from conflict — Russian senator"
    assert article.teaser_ids[0] == identity.teaser_id(first, None)
    assert len(article.teaser_ids) == 101


def test_bad_input_becomes_a_dead_letter_not_an_exception() -> None:
    result = pipeline.process_page(InputMessage(value=b"\xff\xfe"), SETTINGS, now=NOW)
    assert result.article is None
    assert result.dead_letter is not None
    assert result.dead_letter.reason == "not_utf8"


def test_year_of_a_dateline_comes_from_the_kafka_timestamp_without_fetched_at() -> None:
    message = page(SAMPLE_002, timestamp=dt.datetime(2025, 4, 20, tzinfo=dt.UTC))
    article = pipeline.process_page(message, SETTINGS, now=NOW).article
    assert article is not None
    assert article.dateline is not None
    assert article.dateline.date == dt.date(2025, 4, 11)


def test_first_sightings_are_only_recorded_when_the_caller_says_so() -> None:
    batch = next(
        iter(_batches(pipeline.process_page(page(SAMPLE_002), SETTINGS, now=NOW)).values())
    )
    seen: dict[str, float] = {}
    fresh = dedup.first_sightings([batch], seen)
    assert fresh == batch.sightings
    assert seen == {}  # publishing comes first; a crash here loses nothing
    dedup.record_seen(seen, fresh, 1.0)
    assert dedup.first_sightings([batch], seen) == []


def test_first_sightings_of_several_batches_name_each_new_id_once_earliest_first() -> None:
    batch = next(
        iter(_batches(pipeline.process_page(page(SAMPLE_002), SETTINGS, now=NOW)).values())
    )
    later = batch.model_copy(
        update={"sightings": [s.model_copy(update={"url": "later"}) for s in batch.sightings]}
    )
    fresh = dedup.first_sightings([batch, later], {batch.sightings[0].teaser_id: 1.0})
    assert fresh == batch.sightings[1:]


def test_expired_keys_are_those_first_seen_before_the_retention() -> None:
    seen = {"old": 100.0, "new": 900.0}
    assert list(dedup.expired_keys(seen, ["old", "new", "gone"], now=1000.0, retention_s=500)) == [
        "old"
    ]


def test_replayed_teaser_keeps_the_near_duplicate_verdict_it_had() -> None:
    store: dict[str, object] = {}
    enricher = TeaserEnricher(store, threshold=0.5)
    run = Pipeline(SETTINGS, enricher=enricher)
    run.feed(page(SAMPLE_000), now=NOW)
    first = run.outputs.teasers[0]
    # The same first sighting again (a crash replayed teasers.fresh): same verdict, not
    # "a near-duplicate of itself".
    again = TeaserEnricher(store, threshold=0.5).enrich(
        first.model_copy(update={"enrichment": None})
    )
    assert again.enrichment.near_duplicate_of == first.enrichment.near_duplicate_of
    assert again.enrichment.near_duplicate_of != first.teaser_id


@pytest.mark.parametrize("sample", [SAMPLE_000, SAMPLE_002])
def test_offline_teasers_come_out_in_page_order(sample: object) -> None:
    run = Pipeline(SETTINGS)
    result = run.feed(page(sample), now=NOW)
    assert result.article is not None
    expected = list(dict.fromkeys(result.article.teaser_ids))
    assert [t.teaser_id for t in run.outputs.teasers] == expected


def test_a_batch_too_big_for_one_message_is_split_and_loses_nothing() -> None:
    result = pipeline.process_page(page(SAMPLE_000), SETTINGS, now=NOW)
    batch = TeaserBatch(sightings=[s for b in _batches(result).values() for s in b.sightings])
    whole = len(pipeline.encoded_within(batch, 10**9)[0])
    parts = pipeline.encoded_within(batch, whole // 3)
    assert len(parts) >= 3
    assert all(len(p) <= whole // 3 for p in parts)
    split = [s for p in parts for s in codec.loads_model(TeaserBatch, p).sightings]
    assert split == batch.sightings


def test_people_are_persisted_one_key_each_and_restored() -> None:
    store: dict[str, object] = {"people": {"Jane Doemore": ""}}  # the layout before
    enricher = TeaserEnricher(store, threshold=0.5)
    assert "people" not in store
    assert store["person:Jane Doemore"] == 0
    enricher.enrich(_teaser("Michael Oberlander visits Berlin", "He met the mayor"))
    learned = {k for k in store if k.startswith("person:")}
    assert learned == {"person:Jane Doemore", "person:Michael Oberlander"}
    restored = TeaserEnricher(dict(store), threshold=0.5)
    assert restored.people.to_dict() == enricher.people.to_dict()
    assert restored.people.by_surname("Oberlander") == "Michael Oberlander"


def test_the_near_duplicate_index_forgets_teasers_after_the_retention() -> None:
    store: dict[str, object] = {}
    enricher = TeaserEnricher(store, threshold=0.5, retention_s=100.0, sweep_interval_s=1.0)
    first = enricher.enrich(_teaser("Floods kill 40 in Kenya", "Rescue work goes on"), now=0.0)
    assert f"sig:{first.teaser_id}" in store
    enricher.enrich(_teaser("Markets rally in Tokyo", "Stocks rose"), now=150.0)
    assert f"sig:{first.teaser_id}" not in store


def _teaser(headline: str, lead: str) -> Teaser:
    return Teaser(
        teaser_id=teaser_id(headline, lead),
        headline=headline,
        lead=lead,
        first_page_id="p",
        first_url="https://example.org/",
        first_seen_at=NOW,
    )
