"""From a Kafka message on `pages.raw` to a page to parse, or to a dead letter.

Two encodings share the topic (see the contract): a JSON envelope (the value
starts with `{`) or the raw page with metadata in headers. Everything here is a
pure function of the message bytes, so every malformed input is unit-tested
without a broker, and every failure is an `InputError` with a reason code.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from stream import identity
from stream.errors import BadEnvelope, EmptyInput, InputError, NotUtf8, TooLarge
from stream.models import DeadLetter, Header, PageEnvelope, SourcePosition

TRUNCATION_MARKER = "\n[... truncated by stream: {cut} of {total} bytes removed]"


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
                raise NotUtf8(f"header {name!r} is not valid UTF-8") from exc
    return None


def _parse_time(text: str, what: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadEnvelope(f"{what} {text!r} is not an RFC 3339 timestamp") from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _content_type(raw: str | None) -> str | None:
    if raw is None:
        return None
    mime = raw.split(";", 1)[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        return "text/html"
    if mime == "text/plain":
        return "text/plain"
    raise BadEnvelope(f"content type {raw!r} is neither text/plain nor text/html")


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
    fetched = envelope.fetched_at
    if fetched is not None and fetched.tzinfo is None:
        fetched = fetched.replace(tzinfo=dt.UTC)
    return RawPage(
        body=envelope.body,
        url=envelope.url,
        fetched_at=fetched,
        content_type=envelope.content_type,
        extra=dict(envelope.model_extra or {}),
    )


Encoding = Literal["utf-8", "base64"]


def _text_or_base64(data: bytes) -> tuple[str, Encoding]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii"), "base64"


def _truncate(value: bytes, limit: int) -> tuple[bytes, bool]:
    if len(value) <= limit:
        return value, False
    kept = value[:limit]
    # Cutting inside a UTF-8 sequence would turn a text page into a base64 one.
    kept = kept.decode("utf-8", "ignore").encode("utf-8") if _is_utf8(value[:64]) else kept
    marker = TRUNCATION_MARKER.format(cut=len(value) - len(kept), total=len(value))
    return kept + marker.encode(), True


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sequence cut at the end of the sample is still UTF-8.
        return exc.start >= len(data) - 3
    return True


def dead_letter(
    message: InputMessage, error: InputError, *, now: dt.datetime, max_value_bytes: int
) -> DeadLetter:
    """The dead letter for a message: the original value, headers and position, and why."""
    value: str | None = None
    encoding: Encoding = "utf-8"
    truncated = False
    if message.value is not None:
        kept, truncated = _truncate(message.value, max_value_bytes)
        value, encoding = _text_or_base64(kept)
    headers = []
    for name, raw in message.headers:
        text, header_encoding = _text_or_base64(raw)
        headers.append(Header(key=name, value=text, encoding=header_encoding))
    key = _text_or_base64(message.key)[0] if message.key is not None else None
    return DeadLetter(
        dead_letter_id=identity.dead_letter_id(message.topic, message.partition, message.offset),
        reason=error.reason,
        detail=error.detail,
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
