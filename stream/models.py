"""The records on every topic: each pydantic model here is the contract of one topic.

`PageEnvelope` is what crawlers may send to `pages.raw`; `Article`, `Teaser` and
`DeadLetter` are what consumers read from `articles.parsed`, `teasers.unique` and
`pages.dlq`. `TeaserBatch` is internal (`teasers.sightings`). Every output carries
its `schema` tag and a deterministic id, so a consumer can evolve with the schema
and drop the copy of a record it sees twice.

Rules for changing them (see the README): adding an optional field is fine within
a schema version; removing, renaming or retyping a field needs the next version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    # Frozen: a record is a fact that was published; nothing mutates it afterwards.
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- Input -------------------------------------------------------------------------


class PageEnvelope(BaseModel):
    """The JSON form of a page on `pages.raw`. Unknown keys are kept as `extra`."""

    model_config = ConfigDict(extra="allow", frozen=True)

    url: str | None = None
    fetched_at: datetime | None = None
    content_type: Literal["text/plain", "text/html"] | None = None
    body: str


# -- Shared parts ------------------------------------------------------------------


class Place(_Record):
    name: str
    # ISO 3166-1 alpha-2, or null for regions beyond one country (`Middle East`).
    country: str | None = None


class Entities(_Record):
    people: list[str] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)


class Dateline(_Record):
    """`MOSCOW, February 11. /TASS/.` as place `Moscow`, date `2026-02-11`, agency `TASS`."""

    place: str | None = None
    date: dt.date | None = None
    agency: str | None = None
    # True when the page omitted the year and it was inferred (see the README).
    year_inferred: bool = False
    country: str | None = None


class Enrichment(_Record):
    attribution: str | None = None
    category: str | None = None
    entities: Entities = Field(default_factory=Entities)
    language: str | None = None
    word_count: int = 0
    near_duplicate_of: str | None = None


class SourcePosition(_Record):
    """Where a record came from in Kafka, so an operator can find and replay it."""

    topic: str
    partition: int
    offset: int
    timestamp: datetime | None = None


# -- Outputs -----------------------------------------------------------------------


class Article(_Record):
    """One per page on `articles.parsed`, keyed by `page_id`."""

    schema_: Literal["article/1"] = Field(default="article/1", alias="schema")
    page_id: str
    url: str | None = None
    fetched_at: datetime | None = None
    headline: str
    lead: str | None = None
    dateline: Dateline | None = None
    paragraphs: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    teaser_ids: list[str] = Field(default_factory=list)
    entities: Entities | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    parsed_at: datetime

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Teaser(_Record):
    """The first sighting of a distinct teaser on `teasers.unique`, keyed by `teaser_id`."""

    schema_: Literal["teaser/1"] = Field(default="teaser/1", alias="schema")
    teaser_id: str
    # A teaser with one line has only a lead; its identity is then the lead.
    headline: str | None = None
    lead: str | None = None
    first_page_id: str
    first_url: str | None = None
    first_seen_at: datetime
    enrichment: Enrichment = Field(default_factory=Enrichment)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Header(_Record):
    key: str
    value: str
    encoding: Literal["utf-8", "base64"] = "utf-8"


class DeadLetter(_Record):
    """An input that could not become an article, on `pages.dlq`, keyed like the input."""

    schema_: Literal["dead_letter/1"] = Field(default="dead_letter/1", alias="schema")
    # Deterministic from the source position: a replayed input gives the same id.
    dead_letter_id: str
    reason: str
    detail: str
    key: str | None = None
    value: str | None = None
    value_encoding: Literal["utf-8", "base64"] = "utf-8"
    value_bytes: int = 0
    # True when `value` was cut to keep the dead letter under the broker's limit.
    value_truncated: bool = False
    headers: list[Header] = Field(default_factory=list)
    source: SourcePosition
    failed_at: datetime

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# -- Internal ----------------------------------------------------------------------


class Sighting(_Record):
    """One teaser seen on one page, before dedup."""

    teaser_id: str
    headline: str | None = None
    lead: str | None = None
    page_id: str
    url: str | None = None
    seen_at: datetime


class TeaserBatch(_Record):
    """The sightings of a group of pages that belong to one partition of
    `teasers.sightings`.

    Batching per target partition turns ~100 messages per page into at most one per
    partition per group of pages; the partition is chosen from the teaser id, so
    dedup stays exact. (Version 1 held one page's sightings, with its `page_id`.)
    """

    schema_: Literal["teaser_batch/2"] = Field(default="teaser_batch/2", alias="schema")
    sightings: list[Sighting]
    # When the earliest of the pages entered the pipeline, for the latency metric.
    page_timestamp: datetime | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class FreshBatch(_Record):
    """The first sightings of one `TeaserBatch`, on their way to enrichment
    (`teasers.fresh`, one partition): one message per batch, not per teaser."""

    schema_: Literal["fresh_batch/1"] = Field(default="fresh_batch/1", alias="schema")
    teasers: list[Teaser]
    page_timestamp: datetime | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


#: What a consumer reads from an output topic.
OutputRecord = Article | Teaser | DeadLetter


@dataclass(frozen=True, slots=True)
class Output:
    """One published record type: the one place that lists them (`OUTPUTS`)."""

    #: Its name in the contract: the schema file `<name>.v<version>.json`.
    name: str
    model: type[OutputRecord]
    #: The field that holds its deterministic id: a record seen twice has the same one.
    id_field: str
    #: The `Settings` field that names its topic.
    topic_setting: str

    @property
    def tag(self) -> str:
        return str(self.model.model_fields["schema_"].default)


OUTPUTS: tuple[Output, ...] = (
    Output("article", Article, "page_id", "topic_articles"),
    Output("teaser", Teaser, "teaser_id", "topic_teasers"),
    Output("dead_letter", DeadLetter, "dead_letter_id", "topic_dlq"),
)

#: Every published record type by its `schema` tag.
OUTPUT_MODELS: dict[str, type[BaseModel]] = {output.tag: output.model for output in OUTPUTS}
