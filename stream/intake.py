"""From a Kafka message on `pages.raw` to a page to parse, or to a dead letter.

Two encodings share the topic (see the contract): a JSON envelope (the value
starts with `{`) or the raw page with metadata in headers. `decode` reads both;
its inverse `encode_page` writes them, for `stream produce` and everything that
sends pages as a crawler would. Everything here is a pure function of the
message bytes, so every malformed input is unit-tested without a broker, and
every failure is an `InputError` with a reason code.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ValidationError

from stream import codec, identity
from stream.errors import BadEnvelope, EmptyInput, NotUtf8, StreamError, TooLarge
from stream.models import DeadLetter, Header, PageEnvelope, SourcePosition

TRUNCATION_MARKER = "\n[... truncated by stream: {cut} of {total} bytes removed]"

# Input quoted in an error's detail is cut to this many characters: a detail is a
# sentence for a person, and a megabyte `fetched_at` must not make it a megabyte.
_QUOTED_CHARS = 80
# A key or header value kept in a dead letter is cut like the value beyond this, and
# headers past the hundredth are dropped: a page's metadata is a few URLs and dates,
# and thousands of headers would otherwise make the dead letter unpublishable.
_MAX_HEADER_BYTES = 4_096
_MAX_HEADERS = 100


@dataclass(frozen=True, slots=True)
class InputMessage:
    """A consumed Kafka record, as plain data (no client types leak past here)."""

    value: bytes | None
    key: bytes | None = None
    headers: tuple[tuple[str, bytes], ...] = ()
    topic: str = "pages.raw"
    partition: int = 0
    offset: int = 0
    timestamp: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class RawPage:
    """A decoded page: the body as text and its metadata, ready for the parser."""

    body: str
    url: str | None = None
    fetched_at: dt.datetime | None = None
    content_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _header(headers: tuple[tuple[str, bytes], ...], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            try:
                return value.decode("utf-8").strip() or None
            except UnicodeDecodeError as exc:
                raise NotUtf8(f"header {_quote(name)} is not valid UTF-8") from exc
    return None


def _parse_time(text: str, what: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadEnvelope(f"{what} {_quote(text)} is not an RFC 3339 timestamp") from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _content_type(raw: str | None) -> str | None:
    if raw is None:
        return None
    mime = raw.split(";", 1)[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        return "text/html"
    if mime == "text/plain":
        return "text/plain"
    raise BadEnvelope(f"content type {_quote(raw)} is neither text/plain nor text/html")


def _quote(text: str) -> str:
    """`text` as a Python literal for an error's detail, cut if long."""
    if len(text) <= _QUOTED_CHARS:
        return repr(text)
    return f"{text[:_QUOTED_CHARS]!r}... ({len(text):,} characters)"


def decode(message: InputMessage, *, max_bytes: int) -> RawPage:
    """The page inside a message; raises an `InputError` naming what is wrong."""
    value = message.value
    if value is None:
        raise EmptyInput("the message value is null (a tombstone?); a page needs a body")
    if len(value) > max_bytes:
        raise TooLarge(
            f"the page is {len(value)} bytes, above the limit of {max_bytes} "
            "(STREAM_MAX_PAGE_BYTES)"
        )
    if not value.strip():
        raise EmptyInput("the message value is empty or only whitespace")
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(
            f"the value is not valid UTF-8 (byte {exc.start}: {exc.reason}); "
            "send pages as UTF-8 text or HTML"
        ) from exc
    # bytes.strip() knows only ASCII whitespace; a body of information separators
    # (U+001C..U+001F) or Unicode spaces is just as blank once decoded.
    if not text.strip():
        raise EmptyInput("the message value is only whitespace")
    if _is_json_object(text):
        return _from_envelope(text)
    key_url = message.key.decode("utf-8", "replace").strip() if message.key else None
    fetched = _header(message.headers, "fetched_at")
    return RawPage(
        body=text,
        url=_header(message.headers, "url") or key_url or None,
        fetched_at=_parse_time(fetched, "header fetched_at") if fetched else None,
        content_type=_content_type(_header(message.headers, "content-type")),
    )


def encode_page(
    body: bytes, *, content_type: str, url: str | None, fetched_at: dt.datetime, raw: bool
) -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) of one page in the chosen encoding."""
    key = url.encode() if url else None
    if raw:
        headers = [
            ("content-type", content_type.encode()),
            ("fetched_at", fetched_at.isoformat().encode()),
        ]
        if url:
            headers.append(("url", url.encode()))
        return key, body, headers
    envelope = {
        "url": url,
        "fetched_at": fetched_at.isoformat(),
        "content_type": content_type,
        "body": body.decode("utf-8", "replace"),
    }
    return key, orjson.dumps(envelope), []


def _is_json_object(text: str) -> bool:
    """A JSON object opens with `{` then `"` or `}`; template residue such as
    `{{newsPoint.title}}` at the top of a raw page also opens with `{` but is not one."""
    head = text.lstrip()[:64]
    if not head.startswith("{"):
        return False
    rest = head[1:].lstrip()
    return not rest or rest[0] in '"}'


def _from_envelope(text: str) -> RawPage:
    try:
        envelope = PageEnvelope.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "value"
        raise BadEnvelope(
            f"the JSON envelope is invalid at {where!r}: {first['msg']} "
            f"({exc.error_count()} error(s)); expected "
            '{"url": str?, "fetched_at": RFC 3339?, "content_type": ?, "body": str}'
        ) from exc
    if not envelope.body.strip():
        raise EmptyInput("the envelope's body is empty")
    extra = dict(envelope.model_extra or {})
    if extra:
        try:
            # Unknown keys go out again in the article: what orjson cannot write (an
            # integer above 64 bits) would stop the worker at publication, not here.
            orjson.dumps(extra)
        except orjson.JSONEncodeError as exc:
            raise BadEnvelope(
                f"the JSON envelope's extra keys cannot be re-encoded ({exc}); "
                "keep integers within 64 bits"
            ) from exc
    fetched = envelope.fetched_at
    if fetched is not None and fetched.tzinfo is None:
        fetched = fetched.replace(tzinfo=dt.UTC)
    return RawPage(
        body=envelope.body,
        url=envelope.url,
        fetched_at=fetched,
        content_type=envelope.content_type,
        extra=extra,
    )


# JSON writes a character as at most six bytes (`\u0001`), and a record's keys, ids and
# timestamps add a few hundred bytes, which `check_fits`'s callers count as text.
_JSON_GROWTH = 6


def check_fits(records: Iterable[BaseModel], *, text_chars: int, limit: int) -> None:
    """Raise `TooLarge` when one of `records` would be published above `limit` bytes.

    A page under the size limit can still make a record above it: JSON escapes turn
    a control character into six bytes, and each of a page's teaser sightings repeats
    its URL. `text_chars` bounds the characters of input the records hold, repeats
    included; when even all of them escaped stay under the limit, as on every real
    page, nothing is encoded here.
    """
    if _JSON_GROWTH * text_chars <= limit:
        return
    for record in records:
        size = len(codec.dumps(record))
        if size > limit:
            raise TooLarge(
                f"the page's {record.__class__.__name__.lower()} would be {size:,} bytes "
                f"as JSON, above the limit of {limit:,} (STREAM_MAX_PAGE_BYTES): its text "
                "is mostly characters that JSON escapes, or its URL repeats in many teasers"
            )


Encoding = Literal["utf-8", "base64"]


def _bounded(data: bytes, limit: int) -> tuple[str, Encoding, bool]:
    """`data` as UTF-8 text, or base64 when it is not text, and whether it was cut.

    The limit is on what the dead letter will hold, not on the input: JSON writes
    a control character as six bytes and base64 four bytes for three, so a value
    under the limit can come out far above it (500 kB of NUL bytes as 3 MB).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8")
        # A text page with a bad byte past the cut is text where it is kept (and
        # `_bounded_text` cuts it, since it is above the limit).
        if _json_size(prefix) > limit:
            return _bounded_text(prefix, len(data), limit)
    else:
        return _bounded_text(text, len(data), limit)
    room = limit // 4 * 3
    if len(data) <= room:
        return base64.b64encode(data).decode("ascii"), "base64", False
    kept = data[:room]
    marker = TRUNCATION_MARKER.format(cut=len(data) - len(kept), total=len(data))
    return base64.b64encode(kept + marker.encode()).decode("ascii"), "base64", True


def _bounded_text(text: str, total: int, limit: int) -> tuple[str, Encoding, bool]:
    # A character is at least one byte of JSON: a text of more characters than the
    # limit is cut to the limit before it is measured (5 MB of escapes otherwise).
    n = min(len(text), limit)
    size = _json_size(text[:n])
    if size <= limit and n == len(text):
        return text, "utf-8", False
    while size > limit:
        # Cut in proportion, then check: escapes are unevenly spread, so this may take
        # a few rounds, each strictly shorter.
        n = min(n - 1, n * limit // size)
        size = _json_size(text[:n])
    kept = text[:n]
    marker = TRUNCATION_MARKER.format(cut=total - len(kept.encode()), total=total)
    return kept + marker, "utf-8", True


def _json_size(text: str) -> int:
    """Bytes of `text` as a JSON string, without its quotes."""
    return len(orjson.dumps(text)) - 2


def dead_letter(
    message: InputMessage, error: StreamError, *, now: dt.datetime, max_value_bytes: int
) -> DeadLetter:
    """The dead letter for a message: the original value, headers and position, and why.

    Its size is bounded whatever the message (the value by `max_value_bytes`, key and
    headers by `_MAX_HEADER_BYTES` each and `_MAX_HEADERS` in all), so re-publishing
    it can never fail on the broker's message limit.
    """
    value: str | None = None
    encoding: Encoding = "utf-8"
    truncated = False
    if message.value is not None:
        value, encoding, truncated = _bounded(message.value, max_value_bytes)
    headers = []
    for name, raw in message.headers[:_MAX_HEADERS]:
        text, header_encoding, _ = _bounded(raw, _MAX_HEADER_BYTES)
        key_text = _bounded(name.encode("utf-8", "replace"), _MAX_HEADER_BYTES)[0]
        headers.append(Header(key=key_text, value=text, encoding=header_encoding))
    detail = error.detail
    if len(message.headers) > _MAX_HEADERS:
        detail += f" ({_MAX_HEADERS} of its {len(message.headers)} headers kept)"
    key = _bounded(message.key, _MAX_HEADER_BYTES)[0] if message.key is not None else None
    return DeadLetter(
        dead_letter_id=identity.dead_letter_id(message.topic, message.partition, message.offset),
        reason=error.reason,
        detail=detail,
        key=key,
        value=value,
        value_encoding=encoding,
        value_bytes=len(message.value) if message.value is not None else 0,
        value_truncated=truncated,
        headers=headers,
        source=SourcePosition(
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            timestamp=message.timestamp,
        ),
        failed_at=now,
    )
