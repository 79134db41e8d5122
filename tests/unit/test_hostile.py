"""Hostile input through the Kafka-free seam (`pipeline.process_page`), no broker.

Every kind of `stream/testing/hostile.py` gets its due outcome, every record it makes
can be published (encodes, and stays under the page limit), and hypothesis feeds
arbitrary bytes, text and wrongly typed envelopes to `process_page` and
`intake.decode`: the only outcomes are an article or a dead letter with a known
reason, and `decode` raises nothing but an `InputError`. Speed is measured by
`benchmarks/bench_hostile.py`, not here.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream import codec, dedup, intake, pipeline
from stream.errors import INPUT_REASONS, InputError, NotUtf8
from stream.intake import TRUNCATION_MARKER, InputMessage
from stream.pipeline import PageResult
from stream.settings import Settings
from stream.testing.hostile import ARTICLE, GOOD_TEXT, Hostile, catalogue

NOW = dt.datetime(2026, 2, 12, 9, 0, tzinfo=dt.UTC)
SETTINGS = Settings()
KINDS = catalogue(SETTINGS.max_page_bytes)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def process(value: bytes | None, headers: tuple[tuple[str, bytes], ...] = ()) -> PageResult:
    message = InputMessage(value=value, key=b"k", headers=headers, offset=7)
    return pipeline.process_page(message, SETTINGS, now=NOW)


def assert_publishable(result: PageResult, limit: int = SETTINGS.max_page_bytes) -> None:
    """One outcome, a known reason, and every record encodes under the page limit."""
    assert (result.article is None) != (result.dead_letter is None)
    if result.dead_letter is not None:
        assert result.dead_letter.reason in INPUT_REASONS
        assert result.teasers == {}
    batches, _ = dedup.route_sightings([result], partitions=SETTINGS.partitions)
    records = [result.article, result.dead_letter, *batches.values()]
    for record in records:
        if record is not None:
            assert len(codec.dumps(record)) <= limit


@pytest.mark.parametrize("hostile", KINDS, ids=[h.kind for h in KINDS])
def test_each_hostile_kind_gets_its_outcome_and_publishable_records(hostile: Hostile) -> None:
    result = process(hostile.value, hostile.headers)
    got = result.dead_letter.reason if result.dead_letter is not None else ARTICLE
    detail = result.dead_letter.detail if result.dead_letter is not None else ""
    assert (hostile.kind, got) == (hostile.kind, hostile.outcome), detail
    assert_publishable(result)


def test_catalogue_covers_every_dead_letter_reason_and_articles() -> None:
    assert {h.outcome for h in KINDS} == {*INPUT_REASONS, ARTICLE}


def test_a_good_page_with_cr_line_ends_gives_the_same_article_as_the_original() -> None:
    original = process(GOOD_TEXT.encode()).article
    with_cr = process(GOOD_TEXT.replace("\n", "\r").encode()).article
    assert original is not None
    assert with_cr is not None
    assert (with_cr.headline, with_cr.lead, with_cr.teaser_ids) == (
        original.headline,
        original.lead,
        original.teaser_ids,
    )
    assert len(original.teaser_ids) == 101


def test_a_huge_lead_keeps_its_text_in_the_article() -> None:
    lead = "word " * 150_000
    article = process(f"Lavrov tells US to stop meddling\n{lead}\n".encode()).article
    assert article is not None
    assert article.lead == lead.strip()


def test_dead_letter_of_escaped_characters_is_cut_to_the_limit_by_its_json_size() -> None:
    # 500 kB of NUL is 3 MB as JSON (`\u0000`): the limit is on what is published.
    value = b"\x00" * 500_000
    letter = intake.dead_letter(
        InputMessage(value=value), NotUtf8("x"), now=NOW, max_value_bytes=100_000
    )
    assert letter.value is not None
    assert letter.value_truncated
    kept, _, marker = letter.value.partition("\n[")
    assert len(orjson.dumps(kept)) - 2 <= 100_000
    assert len(kept) == 100_000 // 6
    cut = len(value) - len(kept)
    assert "\n[" + marker == TRUNCATION_MARKER.format(cut=cut, total=len(value))


def test_binary_dead_letter_is_cut_so_that_its_base64_fits_the_limit() -> None:
    value = bytes(range(256)) * 4_000  # not UTF-8 from byte 128 on
    letter = intake.dead_letter(
        InputMessage(value=value), NotUtf8("x"), now=NOW, max_value_bytes=40_000
    )
    assert letter.value_encoding == "base64"
    assert letter.value is not None
    raw = base64.b64decode(letter.value)
    assert raw.startswith(value[:30_000])
    assert raw.endswith(
        TRUNCATION_MARKER.format(cut=len(value) - 30_000, total=len(value)).encode()
    )


def test_dead_letter_keeps_at_most_100_headers_each_cut_to_4_kb() -> None:
    headers = tuple((f"h{i}" * 3_000, b"v" * 10_000) for i in range(1_000))
    letter = process(b"", headers).dead_letter
    assert letter is not None
    assert len(letter.headers) == 100
    assert all(len(h.key.encode()) < 4_200 and len(h.value) < 4_200 for h in letter.headers)
    assert letter.headers[0].value.startswith("v" * 4_096)
    assert "100 of its 1000 headers kept" in letter.detail
    assert len(codec.dumps(letter)) < 1_000_000


def test_error_details_quote_at_most_80_characters_of_the_input() -> None:
    for header in ("fetched_at", "content-type"):
        letter = process(GOOD_TEXT.encode(), ((header, b"9" * 500_000),)).dead_letter
        assert letter is not None
        assert letter.reason == "bad_envelope"
        assert "'" + "9" * 80 + "'... (500,000 characters)" in letter.detail
        assert len(letter.detail) < 400


# -- Fuzzing ---------------------------------------------------------------------------

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too: orjson cannot write those
    | st.floats()  # NaN and infinities: json.dumps writes them, JSON has none
    | st.text(max_size=40)
)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_page_text = st.lists(
    st.sampled_from(["Read more", "Tags", "MOSCOW, February 11. /TASS/. Text.", "<p>", ""])
    | st.text(max_size=60),
    max_size=20,
).map("\n".join)
_envelopes = st.fixed_dictionaries(
    {},
    optional={
        "url": _json_values | st.text(max_size=30),
        "fetched_at": _json_values | st.sampled_from(["2026-02-11T10:00:00Z", "2026-02-30"]),
        "content_type": _json_values | st.sampled_from(["text/html", "text/plain"]),
        "body": _json_values | _page_text,
    },
).flatmap(
    lambda known: st.dictionaries(st.text(max_size=8), _json_values, max_size=3).map(
        lambda extra: {**extra, **known}
    )
)
_headers = st.lists(
    st.tuples(
        st.sampled_from(["url", "fetched_at", "content-type", "x"]) | st.text(max_size=8),
        st.binary(max_size=40) | st.text(max_size=40).map(str.encode),
    ),
    max_size=4,
).map(tuple)


@FUZZ
@given(st.binary(max_size=3_000), _headers)
def test_process_page_on_any_bytes_gives_an_article_or_a_known_dead_letter(
    value: bytes, headers: tuple[tuple[str, bytes], ...]
) -> None:
    assert_publishable(process(value, headers))


@FUZZ
@given(st.text(st.characters(exclude_categories=()), max_size=3_000))
def test_process_page_on_any_text_even_with_lone_surrogates_never_raises(text: str) -> None:
    # Lone surrogates cannot be UTF-8; as bytes they are CESU-style invalid UTF-8.
    result = process(text.encode("utf-8", "surrogatepass"))
    assert_publishable(result)
    if any("\ud800" <= c <= "\udfff" for c in text):
        assert result.dead_letter is not None
        assert result.dead_letter.reason == "not_utf8"


@FUZZ
@given(_envelopes)
def test_process_page_on_envelopes_with_any_types_never_raises(envelope: dict[str, Any]) -> None:
    value = json.dumps(envelope).encode()
    result = process(value)
    assert_publishable(result)
    if not isinstance(envelope.get("body"), str):
        assert result.dead_letter is not None
        assert result.dead_letter.reason in {"bad_envelope", "empty"}


@FUZZ
@given(st.binary(max_size=2_000) | _envelopes.map(lambda e: json.dumps(e).encode()), _headers)
def test_decode_raises_nothing_but_input_errors(
    value: bytes, headers: tuple[tuple[str, bytes], ...]
) -> None:
    with contextlib.suppress(InputError):
        page = intake.decode(InputMessage(value=value, headers=headers), max_bytes=1_000)
        assert isinstance(page.body, str)
        assert page.body.strip()


@FUZZ
@given(st.binary(max_size=5_000), st.integers(min_value=1, max_value=2_000))
def test_a_dead_letter_value_is_the_original_or_a_cut_within_its_limit(
    value: bytes, limit: int
) -> None:
    letter = intake.dead_letter(
        InputMessage(value=value), NotUtf8("x"), now=NOW, max_value_bytes=limit
    )
    assert letter.value is not None
    if letter.value_encoding == "base64":
        raw = base64.b64decode(letter.value)
        if letter.value_truncated:
            # The marker (under 90 bytes) is inside the base64 payload.
            assert len(letter.value) <= limit + 120
            assert value.startswith(raw.split(b"\n[... truncated by stream")[0])
        else:
            assert raw == value
    else:
        kept = letter.value.split("\n[... truncated by stream")[0]
        assert len(orjson.dumps(kept)) - 2 <= limit
        assert value.startswith(kept.encode())
        assert letter.value_truncated == (kept.encode() != value)
