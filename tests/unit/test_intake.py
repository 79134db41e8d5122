"""stream.intake: the two input encodings, every malformed input, and dead letters."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stream import intake
from stream.errors import BadEnvelope, EmptyInput, InputError, NotUtf8, TooLarge
from stream.intake import InputMessage

LIMIT = 1_000_000
NOW = dt.datetime(2026, 2, 12, 9, 30, tzinfo=dt.UTC)


def decode(value: bytes | None, **kwargs: object) -> intake.RawPage:
    return intake.decode(InputMessage(value=value, **kwargs), max_bytes=LIMIT)  # type: ignore[arg-type]


def test_envelope_gives_body_metadata_and_keeps_unknown_keys_as_extra() -> None:
    value = orjson.dumps(
        {
            "url": "https://tass.com/politics/1",
            "fetched_at": "2026-02-11T10:00:00Z",
            "content_type": "text/html",
            "body": "<p>x</p>",
            "crawler": "c7",
        }
    )
    page = decode(value)
    assert page == intake.RawPage(
        body="<p>x</p>",
        url="https://tass.com/politics/1",
        fetched_at=dt.datetime(2026, 2, 11, 10, tzinfo=dt.UTC),
        content_type="text/html",
        extra={"crawler": "c7"},
    )


def test_raw_body_takes_metadata_from_headers() -> None:
    page = decode(
        b"Headline\n\nLead",
        headers=(
            ("url", b"https://tass.com/x"),
            ("fetched_at", b"2026-02-11T10:00:00+03:00"),
            ("content-type", b"text/plain; charset=utf-8"),
        ),
    )
    assert page.url == "https://tass.com/x"
    assert page.fetched_at == dt.datetime(2026, 2, 11, 7, tzinfo=dt.UTC)
    assert page.content_type == "text/plain"


def test_raw_page_starting_with_template_residue_is_not_taken_for_an_envelope() -> None:
    assert decode(b"{{newsPoint.title}}\nHeadline").body == "{{newsPoint.title}}\nHeadline"


def test_raw_body_without_url_header_uses_the_key_as_url() -> None:
    assert decode(b"Headline", key=b"https://tass.com/k").url == "https://tass.com/k"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (None, EmptyInput),
        (b"", EmptyInput),
        (b" \n\t ", EmptyInput),
        # Blank once decoded, though bytes.strip() keeps them (found by hypothesis).
        (b"\x1c", EmptyInput),
        ("\u2003\u00a0".encode(), EmptyInput),
        (b"\xff\xfe\x00bad", NotUtf8),
        (b'{"url": "x", "body": ', BadEnvelope),
        (b'{"url": "x"}', BadEnvelope),
        (b'{"body": 42}', BadEnvelope),
        (b'{"body": "x", "fetched_at": "yesterday"}', BadEnvelope),
        (b'{"body": "x", "content_type": "image/png"}', BadEnvelope),
        (b'{"body": "   "}', EmptyInput),
        (b"x" * (LIMIT + 1), TooLarge),
    ],
)
def test_malformed_inputs_raise_their_typed_error(value: bytes | None, error: type) -> None:
    with pytest.raises(error):
        decode(value)


def test_bad_header_encoding_is_not_utf8() -> None:
    with pytest.raises(NotUtf8):
        decode(b"page", headers=(("url", b"\xff"),))


def test_unknown_content_type_header_is_a_bad_envelope() -> None:
    with pytest.raises(BadEnvelope):
        decode(b"page", headers=(("content-type", b"application/pdf"),))


@given(st.binary(max_size=2000))
def test_decode_never_raises_anything_but_input_errors(value: bytes) -> None:
    with contextlib.suppress(InputError):
        decode(value)


def test_dead_letter_keeps_original_value_headers_and_position() -> None:
    message = InputMessage(
        value=b"\xffbinary",
        key=b"k",
        headers=(("url", b"https://x"), ("blob", b"\xfe")),
        topic="pages.raw",
        partition=3,
        offset=41,
        timestamp=NOW,
    )
    letter = intake.dead_letter(message, NotUtf8("bad"), now=NOW, max_value_bytes=100)
    assert letter.reason == "not_utf8"
    assert letter.value == base64.b64encode(b"\xffbinary").decode()
    assert letter.value_encoding == "base64"
    assert [(h.key, h.value, h.encoding) for h in letter.headers] == [
        ("url", "https://x", "utf-8"),
        ("blob", base64.b64encode(b"\xfe").decode(), "base64"),
    ]
    assert (letter.source.topic, letter.source.partition, letter.source.offset) == (
        "pages.raw",
        3,
        41,
    )
    assert letter.key == "k"


def test_dead_letter_id_is_deterministic_per_source_position() -> None:
    message = InputMessage(value=b"", partition=1, offset=7)
    first = intake.dead_letter(message, EmptyInput("e"), now=NOW, max_value_bytes=10)
    again = intake.dead_letter(message, EmptyInput("e"), now=NOW, max_value_bytes=10)
    other = intake.dead_letter(
        InputMessage(value=b"", partition=1, offset=8), EmptyInput("e"), now=NOW, max_value_bytes=10
    )
    assert first.dead_letter_id == again.dead_letter_id != other.dead_letter_id


def test_oversized_original_is_truncated_with_a_marker_and_stays_text() -> None:
    value = ("é" * 1000).encode()  # 2000 bytes, cut inside a 2-byte character
    letter = intake.dead_letter(
        InputMessage(value=value), TooLarge("big"), now=NOW, max_value_bytes=301
    )
    assert letter.value_truncated is True
    assert letter.value_encoding == "utf-8"
    assert letter.value is not None
    assert letter.value.startswith("é" * 150)
    assert "[... truncated by stream: 1700 of 2000 bytes removed]" in letter.value
    assert letter.value_bytes == 2000


def test_null_value_dead_letter_has_no_value() -> None:
    letter = intake.dead_letter(
        InputMessage(value=None), EmptyInput("null"), now=NOW, max_value_bytes=10
    )
    assert (letter.value, letter.value_bytes, letter.reason) == (None, 0, "empty")
