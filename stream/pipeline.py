"""The whole pipeline as plain functions: the seam between Kafka and the pure core.

The faust agents in `app` only decode, call these, and send. Each stage is a
function of plain data plus injected state (a mapping for the dedup store, the
enricher's store), so the complete behaviour, from raw message bytes to the
records that would be published, runs in tests without a broker. `Pipeline`
composes the stages in one process for tests, `stream parse` and benchmarks.

Stages, in the order a page flows through them:

1. `process_page`: message -> article (or dead letter) and the page's teasers.
   `route_sightings`: the teasers of a group of pages -> their sightings batched
   by partition of `teasers.sightings` (`identity.partition_for`), without the
   ones this worker forwarded lately (`RecentlyForwarded`).
2. `first_sightings` / `record_seen`: a batch + the dedup store -> the sightings
   never seen before. The caller publishes them, waits for the broker's ack, and
   only then records them, so a crash can repeat a teaser but never lose one.
3. `TeaserEnricher.enrich`: a first sighting -> the enriched `Teaser`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from stream import codec, identity, intake
from stream.enrich import PeopleIndex, article_entities, enrich_teaser, resolve_place
from stream.enrich.neardup import NearDuplicateIndex
from stream.errors import InputError
from stream.intake import InputMessage, RawPage
from stream.models import (
    Article,
    Dateline,
    DeadLetter,
    FreshBatch,
    Sighting,
    Teaser,
    TeaserBatch,
)
from stream.parse import ParsedPage, ParsedTeaser, parse_page
from stream.settings import Settings


@dataclass(frozen=True, slots=True)
class PageResult:
    """What one input message becomes: an article and its teasers, or a dead letter."""

    article: Article | None = None
    dead_letter: DeadLetter | None = None
    # The page's teasers by id, in page order; a teaser printed twice is one.
    teasers: dict[str, ParsedTeaser] = field(default_factory=dict)
    # When the page entered the pipeline (its Kafka timestamp), for the latency metric.
    timestamp: dt.datetime | None = None


def reference_date(page: RawPage, message: InputMessage, now: dt.datetime) -> dt.date:
    """The date a year-less dateline is read against: fetched_at, else the Kafka
    timestamp, else today (UTC)."""
    for moment in (page.fetched_at, message.timestamp):
        if moment is not None:
            return moment.astimezone(dt.UTC).date()
    return now.astimezone(dt.UTC).date()


def build_article(
    page: RawPage,
    parsed: ParsedPage,
    *,
    page_id: str,
    teaser_ids: list[str],
    now: dt.datetime,
    people: PeopleIndex,
) -> Article:
    dateline = None
    if parsed.dateline is not None:
        d = parsed.dateline
        dateline = Dateline(
            place=d.place,
            date=d.date,
            agency=d.agency,
            year_inferred=d.year_inferred,
            country=resolve_place(d.place).country if d.place else None,
        )
    return Article(
        page_id=page_id,
        url=page.url,
        fetched_at=page.fetched_at,
        headline=parsed.headline,
        lead=parsed.lead,
        dateline=dateline,
        paragraphs=list(parsed.paragraphs),
        tags=list(parsed.tags),
        teaser_ids=teaser_ids,
        entities=article_entities(parsed.headline, parsed.lead, people=people),
        extra=page.extra,
        parsed_at=now,
    )


def process_page(
    message: InputMessage,
    settings: Settings,
    *,
    now: dt.datetime,
    people: PeopleIndex | None = None,
) -> PageResult:
    """Stage 1. Never raises for bad input: that becomes the dead letter.

    `people` links surnames in article headlines to full names; each worker keeps
    its own (seeded) index for articles, the persisted one serves teasers.
    """
    try:
        page = intake.decode(message, max_bytes=settings.max_page_bytes)
        parsed = parse_page(
            page.body,
            content_type=page.content_type,
            reference_date=reference_date(page, message, now),
        )
    except InputError as error:
        return _dead_letter(message, error, settings, now)
    pid = identity.page_id(page.url, page.body)
    teaser_ids = [identity.teaser_id(t.headline, t.lead) for t in parsed.teasers]
    article = build_article(
        page,
        parsed,
        page_id=pid,
        teaser_ids=teaser_ids,
        now=now,
        people=PeopleIndex() if people is None else people,
    )
    teasers: dict[str, ParsedTeaser] = {}
    for tid, teaser in zip(teaser_ids, parsed.teasers, strict=True):
        teasers.setdefault(tid, teaser)
    result = PageResult(article=article, teasers=teasers, timestamp=message.timestamp)
    # Per sighting: its URL, and ids, keys and timestamps worth 64 characters.
    held = len(message.value or b"") + len(teaser_ids) * (len(page.url or "") + 64)
    try:
        intake.check_fits(
            _records(result, settings.partitions), text_chars=held, limit=settings.max_page_bytes
        )
    except InputError as error:
        return _dead_letter(message, error, settings, now)
    return result


def _records(result: PageResult, partitions: int) -> Iterator[BaseModel]:
    """What the page alone would publish; built only if `check_fits` needs them."""
    assert result.article is not None
    yield result.article
    yield from route_sightings([result], partitions=partitions)[0].values()


class RecentlyForwarded:
    """The teaser ids this worker sent on to their dedup owner lately.

    A site repeats its ~100 teasers on every page, so almost every sighting is one
    the worker has already sent on. Dropping those here, before they become
    messages, keeps the sightings hop to the few new teasers per page. It can only
    drop a repeat: the owner decided that id when it first arrived, and anything
    forgotten here (restart, eviction, expiry) costs one sighting the owner drops.
    Ids are kept in forwarding order, so eviction and expiry both pop the oldest;
    entries expire within the dedup retention, so an id the owner has expired is
    sent on again and can be new again.
    """

    def __init__(self, capacity: int, ttl_s: float) -> None:
        self.capacity = capacity
        self.ttl_s = ttl_s
        self._at: dict[str, float] = {}

    def is_repeat(self, teaser_id: str, now: float) -> bool:
        """True if `teaser_id` was forwarded within the TTL; else note it as forwarded now."""
        at = self._at.get(teaser_id)
        if at is not None and now - at < self.ttl_s:
            return True
        if self.capacity <= 0:
            return False
        self._at.pop(teaser_id, None)
        self._at[teaser_id] = now
        self._trim(now)
        return False

    def _trim(self, now: float) -> None:
        at = self._at
        while at:
            oldest, when = next(iter(at.items()))
            if len(at) <= self.capacity and now - when < self.ttl_s:
                return
            del at[oldest]

    def __len__(self) -> int:
        return len(self._at)


def route_sightings(
    results: Iterable[PageResult],
    *,
    partitions: int,
    forwarded: RecentlyForwarded | None = None,
    now: float | None = None,
) -> tuple[dict[int, TeaserBatch], int]:
    """The pages' sightings as one batch per partition of `teasers.sightings`, and
    how many were dropped as repeats (of the group, or forwarded lately).

    Within the group a teaser is one sighting, that of the earliest page; a batch's
    `page_timestamp` is its earliest page's, so the latency metric errs high.
    """
    now = time.time() if now is None else now
    routed: dict[int, dict[str, Sighting]] = {}
    oldest: dict[int, dt.datetime] = {}
    dropped = 0
    for result in results:
        article = result.article
        if article is None:
            continue
        for tid, teaser in result.teasers.items():
            partition = identity.partition_for(tid, partitions)
            bucket = routed.setdefault(partition, {})
            if tid in bucket or (forwarded is not None and forwarded.is_repeat(tid, now)):
                dropped += 1
                continue
            bucket[tid] = Sighting(
                teaser_id=tid,
                headline=teaser.headline,
                lead=teaser.lead,
                page_id=article.page_id,
                url=article.url,
                seen_at=article.parsed_at,
            )
            if result.timestamp is not None:
                earliest = oldest.get(partition)
                oldest[partition] = min(earliest or result.timestamp, result.timestamp)
    batches = {
        partition: TeaserBatch(
            sightings=list(sightings.values()), page_timestamp=oldest.get(partition)
        )
        for partition, sightings in sorted(routed.items())
        if sightings
    }
    return batches, dropped


def _dead_letter(
    message: InputMessage, error: InputError, settings: Settings, now: dt.datetime
) -> PageResult:
    letter = intake.dead_letter(
        message, error, now=now, max_value_bytes=settings.max_dead_letter_value_bytes
    )
    return PageResult(dead_letter=letter)


def encoded_within(batch: TeaserBatch | FreshBatch, limit: int) -> list[bytes]:
    """`batch` as JSON, split into batches of fewer items until each fits `limit`.

    Each page's own sightings fit (`process_page` checks), but a group of pages can
    add up to more than a broker takes in one message.
    """
    data = codec.dumps(batch)
    name = "sightings" if isinstance(batch, TeaserBatch) else "teasers"
    items = getattr(batch, name)
    if len(data) <= limit or len(items) <= 1:
        return [data]
    half = len(items) // 2
    return [
        *encoded_within(batch.model_copy(update={name: items[:half]}), limit),
        *encoded_within(batch.model_copy(update={name: items[half:]}), limit),
    ]


def first_sightings(batches: Iterable[TeaserBatch], seen: Mapping[str, Any]) -> list[Sighting]:
    """Stage 2a. The sightings whose teaser id the store has not seen, each id once
    (the earliest, when the batches repeat one)."""
    fresh: dict[str, Sighting] = {}
    for batch in batches:
        for sighting in batch.sightings:
            tid = sighting.teaser_id
            if tid not in fresh and tid not in seen:
                fresh[tid] = sighting
    return list(fresh.values())


def oldest_timestamp(batches: Iterable[TeaserBatch]) -> dt.datetime | None:
    """The earliest page timestamp of the batches, for the latency metric."""
    return min((b.page_timestamp for b in batches if b.page_timestamp is not None), default=None)


def record_seen(seen: MutableMapping[str, Any], sightings: Iterable[Sighting], at: float) -> None:
    """Stage 2b. Call only after the first sightings were published and acknowledged."""
    for sighting in sightings:
        seen[sighting.teaser_id] = at


def expired_keys(
    seen: Mapping[str, Any], keys: Iterable[str], *, now: float, retention_s: float
) -> Iterator[str]:
    """The keys among `keys` first seen longer than `retention_s` ago."""
    horizon = now - retention_s
    for key in keys:
        first_seen = seen.get(key)
        if first_seen is not None and first_seen < horizon:
            yield key


def teaser_of(sighting: Sighting) -> Teaser:
    """A first sighting as the record of `teasers.unique`, before enrichment."""
    return Teaser(
        teaser_id=sighting.teaser_id,
        headline=sighting.headline,
        lead=sighting.lead,
        first_page_id=sighting.page_id,
        first_url=sighting.url,
        first_seen_at=sighting.seen_at,
    )


@dataclass
class Outputs:
    """Everything `Pipeline` would have published, with the counts the metrics show."""

    articles: list[Article] = field(default_factory=list)
    teasers: list[Teaser] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    repeats: int = 0


class Pipeline:
    """All stages in one process, with the same state the agents keep in tables."""

    def __init__(
        self,
        settings: Settings,
        *,
        seen: MutableMapping[str, Any] | None = None,
        enricher: TeaserEnricher | None = None,
    ) -> None:
        self.settings = settings
        self.seen: MutableMapping[str, Any] = {} if seen is None else seen
        self.enricher = enricher
        self._people = PeopleIndex()
        self.outputs = Outputs()

    def feed(self, message: InputMessage, *, now: dt.datetime | None = None) -> PageResult:
        now = now or dt.datetime.now(dt.UTC)
        people = self.enricher.people if self.enricher is not None else self._people
        result = process_page(message, self.settings, now=now, people=people)
        if result.dead_letter is not None:
            self.outputs.dead_letters.append(result.dead_letter)
            return result
        assert result.article is not None
        self.outputs.articles.append(result.article)
        batches, _ = route_sightings([result], partitions=self.settings.partitions)
        fresh = first_sightings(batches.values(), self.seen)
        self.outputs.repeats += sum(len(b.sightings) for b in batches.values()) - len(fresh)
        # Batches group sightings by partition; people read teasers in page order.
        order = {tid: i for i, tid in reversed(list(enumerate(result.article.teaser_ids)))}
        fresh.sort(key=lambda sighting: order[sighting.teaser_id])
        for sighting in fresh:
            teaser = teaser_of(sighting)
            if self.enricher is not None:
                teaser = self.enricher.enrich(teaser)
            self.outputs.teasers.append(teaser)
        record_seen(self.seen, fresh, time.time())
        return result


class TeaserEnricher:
    """Stage 3: enrichment and near-duplicate detection over one persistent store.

    The store (a faust Table in the worker, a dict offline) holds the near-duplicate
    index with each teaser's verdict, and the people the stream has learnt.
    """

    PEOPLE_KEY = "people"

    def __init__(self, store: MutableMapping[str, Any], *, threshold: float) -> None:
        self.store = store
        self.people = PeopleIndex.from_dict(store.get(self.PEOPLE_KEY) or {})
        self._people_revision = self.people.revision
        self.near_duplicates = NearDuplicateIndex(store, threshold=threshold)

    def enrich(self, teaser: Teaser) -> Teaser:
        enrichment = enrich_teaser(teaser.headline, teaser.lead, people=self.people)
        text = " ".join(part for part in (teaser.headline, teaser.lead) if part)
        # A replayed teaser gets the verdict stored the first time (see neardup).
        duplicate_of = self.near_duplicates.check_and_add(teaser.teaser_id, text)
        self._persist_people()
        enrichment = enrichment.model_copy(update={"near_duplicate_of": duplicate_of})
        return teaser.model_copy(update={"enrichment": enrichment})

    def _persist_people(self) -> None:
        # `revision` also moves when the cap evicts a name or a surname passes to a
        # newer full name, which the size of the index would not show.
        if self.people.revision != self._people_revision:
            self.store[self.PEOPLE_KEY] = self.people.to_dict()
            self._people_revision = self.people.revision
