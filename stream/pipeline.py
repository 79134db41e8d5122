"""The whole pipeline as plain functions: the seam between Kafka and the pure core.

The faust agents in `stream.kafka.worker` only decode, call these, and send. Each stage is a
function of plain data plus injected state (a mapping for the dedup store, the
enricher's store), so the complete behaviour, from raw message bytes to the
records that would be published, runs in tests without a broker. `Pipeline`
composes the stages in one process for tests, `stream parse` and benchmarks.

Stages, in the order a page flows through them:

1. `process_page`: message -> article (or dead letter) and the page's teasers.
2. Exact dedup (`stream.dedup`): the teasers of a group of pages -> their
   sightings batched by owning partition, then, against the dedup store, the
   sightings never seen before.
3. `TeaserEnricher.enrich`: a first sighting -> the enriched `Teaser`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from stream import codec, dedup, identity, intake
from stream.enrich import PeopleIndex, article_entities, enrich_teaser, resolve_place
from stream.enrich.neardup import NearDuplicateIndex, teaser_text
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
    yield from dedup.route_sightings([result], partitions=partitions)[0].values()


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
        batches, _ = dedup.route_sightings([result], partitions=self.settings.partitions)
        fresh = dedup.first_sightings(batches.values(), self.seen)
        self.outputs.repeats += sum(len(b.sightings) for b in batches.values()) - len(fresh)
        # Batches group sightings by partition; people read teasers in page order.
        order = {tid: i for i, tid in reversed(list(enumerate(result.article.teaser_ids)))}
        fresh.sort(key=lambda sighting: order[sighting.teaser_id])
        for sighting in fresh:
            teaser = teaser_of(sighting)
            if self.enricher is not None:
                teaser = self.enricher.enrich(teaser)
            self.outputs.teasers.append(teaser)
        dedup.record_seen(self.seen, fresh, time.time())
        return result


class TeaserEnricher:
    """Stage 3: enrichment and near-duplicate detection over one persistent store.

    The store (a faust Table in the worker, a dict offline) holds the near-duplicate
    index with each teaser's verdict, and the people the stream has learnt, one key
    per person (`person:<name>` -> the order it was learnt in), so that learning a
    name writes one changelog record, not the whole index of up to 50,000 names.
    With `retention_s`, teasers recorded longer ago leave the near-duplicate index
    as the dedup state forgets them (a sweep every `sweep_interval_s`).

    Opening reads the store once for both (`opening` in steps, for the worker's
    event loop; the constructor all at once unless `load=False`). `read`, when
    given, is how the near-duplicate index reads one record (the worker's reads
    past faust's table layers, `stream._faust.state.table_reader`).
    """

    PEOPLE_KEY = "people"  # the whole index as one dict: the layout before, still read
    PERSON_PREFIX = "person:"
    SWEEP_CHUNK = 1_000

    def __init__(
        self,
        store: MutableMapping[str, Any],
        *,
        threshold: float,
        retention_s: float | None = None,
        sweep_interval_s: float = 60.0,
        load: bool = True,
        read: Callable[[str], Any] | None = None,
    ) -> None:
        self.store = store
        self.people = PeopleIndex()
        self._people_revision = self.people.revision
        self._person_seq = 0
        self.near_duplicates = NearDuplicateIndex(store, threshold=threshold, load=False, read=read)
        self.retention_s = retention_s
        self.sweep_interval_s = sweep_interval_s
        self._next_sweep = 0.0
        if load:
            for _ in self.opening():
                pass

    def opening(self) -> Iterator[int]:
        """Read the store: the near-duplicate index and the people, in one pass over
        its records (a month of teasers is a million); yields the records read so
        far every few thousand."""
        people: list[tuple[int, str]] = []
        prefix = self.PERSON_PREFIX

        def records() -> Iterator[tuple[str, Any]]:
            for key, value in self.store.items():
                if key.startswith(prefix):
                    if isinstance(value, int):
                        people.append((value, key[len(prefix) :]))
                else:
                    yield key, value

        yield from self.near_duplicates.opening(records())
        legacy = self.store.get(self.PEOPLE_KEY) or {}
        names = [k for k in legacy if isinstance(k, str)]
        learned = names + [name for _, name in sorted(people) if name not in legacy]
        self.people = PeopleIndex.from_dict(dict.fromkeys(learned, ""))
        self._people_revision = self.people.revision
        self._person_seq = len(learned)
        if self.PEOPLE_KEY in self.store:
            # Moved once to one key per person, in the order learnt.
            self._person_seq = 0
            for name in learned:
                self._write_people({name: True})
            del self.store[self.PEOPLE_KEY]

    def enrich(self, teaser: Teaser, *, now: float | None = None) -> Teaser:
        at = time.time() if now is None else now
        self._sweep(at)
        enrichment = enrich_teaser(teaser.headline, teaser.lead, people=self.people)
        text = teaser_text(teaser.headline, teaser.lead)
        # A replayed teaser gets the verdict stored the first time (see neardup).
        duplicate_of = self.near_duplicates.check_and_add(teaser.teaser_id, text, now=at)
        self._persist_people()
        enrichment = enrichment.model_copy(update={"near_duplicate_of": duplicate_of})
        return teaser.model_copy(update={"enrichment": enrichment})

    def _sweep(self, now: float) -> None:
        if self.retention_s is None or now < self._next_sweep:
            return
        gone = self.near_duplicates.expire(
            now=now, retention_s=self.retention_s, limit=self.SWEEP_CHUNK
        )
        if len(gone) < self.SWEEP_CHUNK:  # else the next teaser takes the next chunk
            self._next_sweep = now + self.sweep_interval_s

    def _persist_people(self) -> None:
        # `revision` also moves when the cap evicts a name or a surname passes to a
        # newer full name, which the size of the index would not show.
        if self.people.revision != self._people_revision:
            self._write_people(self.people.changes())
            self._people_revision = self.people.revision

    def _write_people(self, changes: dict[str, bool]) -> None:
        for name, present in sorted(changes.items()):  # the same order in every process
            if present:
                self.store[self.PERSON_PREFIX + name] = self._person_seq
                self._person_seq += 1
            else:
                self.store.pop(self.PERSON_PREFIX + name, None)
