"""The topic records as the contract (`stream/models.py`), through the codec (`stream/codec.py`)."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
from pydantic import BaseModel, ValidationError

from stream import codec
from stream.models import (
    OUTPUT_MODELS,
    OUTPUTS,
    Article,
    Dateline,
    DeadLetter,
    Enrichment,
    Entities,
    Header,
    PageEnvelope,
    Place,
    Sighting,
    SourcePosition,
    Teaser,
    TeaserBatch,
)
from stream.settings import Settings

T0 = dt.datetime(2026, 2, 11, 7, 30, 15, 123456, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 2, 11, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))

ENTITIES = Entities(
    people=["Sergey Lavrov"],
    organizations=["State Duma"],
    places=[Place(name="Moscow", country="RU"), Place(name="Middle East")],
)
ENRICHMENT = Enrichment(
    attribution="Lavrov",
    category="IN BRIEF",
    entities=ENTITIES,
    language="en",
    word_count=12,
    near_duplicate_of="0123456789abcdef",
)
SIGHTING = Sighting(
    teaser_id="58b6260319bcc4cf",
    headline="Zelensky blocks peace — Russian senator",
    lead="Natalia Nikonorova noted…",
    page_id="2e48e8c5e7c30ed7",
    url="https://tass.com/politics/2086735",
    seen_at=T0,
)

# Every model, filled in: optional fields set, unicode, aware datetimes in two zones.
RECORDS: dict[str, BaseModel] = {
    "page_envelope": PageEnvelope(
        url="https://tass.com/x", fetched_at=T1, content_type="text/html", body="<p>é</p>"
    ),
    "place": Place(name="Moscow", country="RU"),
    "entities": ENTITIES,
    "dateline": Dateline(
        place="Moscow", date=dt.date(2026, 2, 11), agency="TASS", year_inferred=True, country="RU"
    ),
    "enrichment": ENRICHMENT,
    "source_position": SourcePosition(topic="pages.raw", partition=3, offset=42, timestamp=T0),
    "article": Article(
        page_id="2e48e8c5e7c30ed7",
        url="https://tass.com/politics/2086735",
        fetched_at=T1,
        headline="Lavrov tells US to keep out of regions that don't concern it",
        lead="The foreign minister stressed…",
        dateline=Dateline(place="Moscow", date=dt.date(2026, 2, 11), agency="TASS"),
        paragraphs=["In its contacts with US officials, …", "“Quoted,” he said."],
        tags=["Foreign policy", "Sergey Lavrov"],
        teaser_ids=["58b6260319bcc4cf", "5b207ba6a2deb7ad"],
        entities=ENTITIES,
        extra={"crawler": "c1", "depth": 2, "nested": {"a": [1, None]}},
        parsed_at=T0,
    ),
    "teaser": Teaser(
        teaser_id="58b6260319bcc4cf",
        headline=None,
        lead="Russia’s Battlegroup Center inflicted roughly 430 casualties",
        first_page_id="2e48e8c5e7c30ed7",
        first_url=None,
        first_seen_at=T0,
        enrichment=ENRICHMENT,
    ),
    "header": Header(key="raw", value="/w==", encoding="base64"),
    "dead_letter": DeadLetter(
        dead_letter_id="fe5e415e04e1b083",
        reason="not_utf8",
        detail="the value is not UTF-8",
        key="https://tass.com/x",
        value="/w==",
        value_encoding="base64",
        value_bytes=1,
        value_truncated=False,
        headers=[Header(key="url", value="https://tass.com/x")],
        source=SourcePosition(topic="pages.raw", partition=0, offset=7),
        failed_at=T0,
    ),
    "sighting": SIGHTING,
    "teaser_batch": TeaserBatch(sightings=[SIGHTING], page_timestamp=T1),
}
# And with only the required fields, so that defaults round-trip too.
MINIMAL: dict[str, BaseModel] = {
    "page_envelope": PageEnvelope(body=""),
    "dateline": Dateline(),
    "enrichment": Enrichment(),
    "article": Article(page_id="p", headline="H", parsed_at=T0),
    "teaser": Teaser(teaser_id="t", first_page_id="p", first_seen_at=T0),
    "dead_letter": DeadLetter(
        dead_letter_id="d",
        reason="empty",
        detail="d",
        source=SourcePosition(topic="t", partition=0, offset=0),
        failed_at=T0,
    ),
    "teaser_batch": TeaserBatch(sightings=[]),
}


def _round_trip(record: BaseModel) -> BaseModel:
    return codec.loads_model(type(record), codec.dumps(record))


@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS.keys())
def test_every_model_round_trips_through_the_codec(record: BaseModel) -> None:
    assert record == _round_trip(record)


@pytest.mark.parametrize("record", MINIMAL.values(), ids=MINIMAL.keys())
def test_minimal_records_round_trip_with_their_defaults(record: BaseModel) -> None:
    assert record == _round_trip(record)


@pytest.mark.parametrize(
    ("record", "tag"),
    [
        (RECORDS["article"], "article/1"),
        (RECORDS["teaser"], "teaser/1"),
        (RECORDS["dead_letter"], "dead_letter/1"),
        (RECORDS["teaser_batch"], "teaser_batch/2"),
    ],
)
def test_schema_tag_is_emitted_as_schema(record: BaseModel, tag: str) -> None:
    wire = orjson.loads(codec.dumps(record))
    assert tag == wire["schema"]
    assert "schema_" not in wire


def test_output_models_are_keyed_by_their_schema_tag() -> None:
    for tag, model in OUTPUT_MODELS.items():
        assert tag == model.model_fields["schema_"].default


def test_each_output_names_its_id_field_and_topic_setting() -> None:
    settings = Settings.model_construct()
    expected = [
        ("article", Article, "page_id", "articles.parsed"),
        ("teaser", Teaser, "teaser_id", "teasers.unique"),
        ("dead_letter", DeadLetter, "dead_letter_id", "pages.dlq"),
    ]
    actual = [(o.name, o.model, o.id_field, getattr(settings, o.topic_setting)) for o in OUTPUTS]
    assert expected == actual
    assert all(o.id_field in o.model.model_fields for o in OUTPUTS)


def test_page_envelope_keeps_unknown_keys() -> None:
    wire = b'{"body": "x", "crawler": "c1", "meta": {"depth": 2, "tags": ["a"]}}'
    envelope = codec.loads_model(PageEnvelope, wire)
    expected = {"crawler": "c1", "meta": {"depth": 2, "tags": ["a"]}}
    assert expected == envelope.model_extra
    assert expected.items() <= orjson.loads(codec.dumps(envelope)).items()


def test_page_envelope_needs_a_body() -> None:
    with pytest.raises(ValidationError):
        codec.loads_model(PageEnvelope, b'{"url": "https://tass.com/x"}')


def test_page_envelope_content_type_is_html_or_plain_text() -> None:
    with pytest.raises(ValidationError):
        codec.loads_model(PageEnvelope, b'{"body": "x", "content_type": "application/pdf"}')


def test_output_records_refuse_unknown_fields() -> None:
    wire = orjson.loads(codec.dumps(RECORDS["article"])) | {"surprise": 1}
    with pytest.raises(ValidationError):
        codec.loads_model(Article, orjson.dumps(wire))


def test_records_are_frozen() -> None:
    article = Article(page_id="p", headline="H", parsed_at=T0)
    with pytest.raises(ValidationError):
        article.headline = "changed"  # type: ignore[misc]  # the point: frozen refuses it


def test_datetimes_keep_their_offset_on_the_wire() -> None:
    wire = orjson.loads(codec.dumps(RECORDS["article"]))
    expected = ("2026-02-11T10:00:00+03:00", "2026-02-11T07:30:15.123456Z")
    assert expected == (wire["fetched_at"], wire["parsed_at"])
