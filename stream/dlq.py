"""Dead letters back in: summarise `pages.dlq`, choose what to replay, rebuild the pages.

Pure functions over plain data; `stream.cli.dlq` reads the topics and publishes.

A replay publishes a dead letter's original value to `pages.raw` with its original
key and headers, plus the header `stream-replay-of: <dead_letter_id>`. The page gets
the `page_id` it would have had (the id hashes the URL, or the body), and its teasers
go through the same exact dedup as any page, so a replay can only add what the page
would have added. Each replayed dead letter is recorded, by id, on the replay log (a
compacted topic, `<app id>-dlq-replays`), and a dead letter already on the log is not
replayed again: running the same replay twice publishes nothing the second time. A
replayed page that fails again is a *new* dead letter (a new position, so a new id)
carrying the `stream-replay-of` header: it is listed as a failed replay, and is
replayed, once, by the next replay that selects it (after the next fix).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError

from stream.errors import ConfigError
from stream.models import DeadLetter

#: The header a replayed page carries: the id of the dead letter it came from.
REPLAY_HEADER = "stream-replay-of"

_AGO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}


@dataclass(frozen=True, slots=True)
class Stored:
    """A dead letter and where it is on the dead-letter topic."""

    partition: int
    offset: int
    letter: DeadLetter

    @property
    def position(self) -> str:
        return f"{self.partition}@{self.offset}"

    @property
    def replay_of(self) -> str | None:
        """The dead letter this one is a failed replay of, if it is one."""
        for header in self.letter.headers:
            if header.key == REPLAY_HEADER and header.encoding == "utf-8":
                return header.value
        return None


def decode(records: Iterable[tuple[int, int, bytes | None]]) -> tuple[list[Stored], int]:
    """(partition, offset, value) records of the dead-letter topic -> the dead letters in
    them, and how many records were not dead letters (counted, never fatal)."""
    stored: list[Stored] = []
    invalid = 0
    for partition, offset, value in records:
        try:
            letter = DeadLetter.model_validate_json(value or b"")
        except ValidationError:
            invalid += 1
            continue
        stored.append(Stored(partition, offset, letter))
    return stored, invalid


# -- list ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    """The dead letters of one reason."""

    reason: str
    count: int
    first: Stored
    last: Stored
    replayed: int
    failed_replays: int

    @property
    def sample_detail(self) -> str:
        return self.last.letter.detail

    def as_json(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "count": self.count,
            "replayed": self.replayed,
            "failed_replays": self.failed_replays,
            "first": _place(self.first),
            "last": _place(self.last),
            "sample_detail": self.sample_detail,
        }


def _place(stored: Stored) -> dict[str, Any]:
    return {
        "partition": stored.partition,
        "offset": stored.offset,
        "failed_at": stored.letter.failed_at.isoformat(),
        "source": stored.letter.source.model_dump(mode="json"),
    }


def _when(stored: Stored) -> tuple[dt.datetime, int, int]:
    return (stored.letter.failed_at, stored.partition, stored.offset)


def summarise(stored: Iterable[Stored], replayed: set[str]) -> list[Summary]:
    """Per reason, most frequent first: count, first and last dead letter (by time), how
    many were replayed, how many are themselves failed replays."""
    by_reason: dict[str, list[Stored]] = {}
    for item in stored:
        by_reason.setdefault(item.letter.reason, []).append(item)
    summaries = []
    for reason, items in by_reason.items():
        items.sort(key=_when)
        summaries.append(
            Summary(
                reason=reason,
                count=len(items),
                first=items[0],
                last=items[-1],
                replayed=sum(1 for i in items if i.letter.dead_letter_id in replayed),
                failed_replays=sum(1 for i in items if i.replay_of is not None),
            )
        )
    summaries.sort(key=lambda s: (-s.count, s.reason))
    return summaries


# -- replay ----------------------------------------------------------------------------


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """`--since`: an RFC 3339 time (UTC if it names no zone) or an age such as `90m`, `2d`."""
    ago = _AGO.match(text)
    if ago:
        return now - dt.timedelta(seconds=float(ago[1]) * _UNIT_S[ago[2]])
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"--since {text!r} is neither a time (2026-02-11T08:00:00Z) nor an age "
            "(30s, 90m, 12h, 2d, 1w)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass
class Selection:
    """What a replay publishes, and what it leaves out and why."""

    chosen: list[Stored] = field(default_factory=list)
    already_replayed: list[Stored] = field(default_factory=list)
    # The value was cut to fit the dead letter, or there was none: replaying it would
    # publish another page, or nothing.
    not_replayable: list[Stored] = field(default_factory=list)


def select(
    stored: Iterable[Stored],
    *,
    replayed: set[str],
    reason: str | None = None,
    since: dt.datetime | None = None,
) -> Selection:
    """The dead letters of `reason` that failed at or after `since`, in the order they
    failed, minus those already replayed and those whose original value is not whole."""
    selection = Selection()
    for item in sorted(stored, key=_when):
        letter = item.letter
        if reason is not None and letter.reason != reason:
            continue
        if since is not None and letter.failed_at < since:
            continue
        if letter.dead_letter_id in replayed:
            selection.already_replayed.append(item)
        elif letter.value is None or letter.value_truncated:
            selection.not_replayable.append(item)
        else:
            selection.chosen.append(item)
    return selection


def _bytes(text: str, encoding: str) -> bytes:
    return base64.b64decode(text) if encoding == "base64" else text.encode("utf-8")


def page_message(letter: DeadLetter) -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) to publish: the original message, marked as a replay of
    `letter` (any earlier mark replaced: a page carries the id of its latest dead letter)."""
    if letter.value is None or letter.value_truncated:
        raise ValueError(f"dead letter {letter.dead_letter_id} has no whole value to replay")
    headers = [
        (h.key, _bytes(h.value, h.encoding)) for h in letter.headers if h.key != REPLAY_HEADER
    ]
    headers.append((REPLAY_HEADER, letter.dead_letter_id.encode()))
    key = letter.key.encode("utf-8") if letter.key is not None else None
    return key, _bytes(letter.value, letter.value_encoding), headers


def log_entry(stored: Stored, *, topic: str, now: dt.datetime) -> tuple[bytes, bytes]:
    """(key, value) of the replay log record of one replayed dead letter."""
    value = {
        "dead_letter_id": stored.letter.dead_letter_id,
        "dlq_position": stored.position,
        "replayed_to": topic,
        "replayed_at": now.isoformat(),
    }
    return stored.letter.dead_letter_id.encode(), orjson.dumps(value)


def replayed_ids(log: Iterable[tuple[bytes | None, bytes | None]]) -> set[str]:
    """The ids on the replay log, read in offset order (a tombstone forgets one)."""
    ids: set[str] = set()
    for key, value in log:
        if key is None:
            continue
        if value is None:
            ids.discard(key.decode("utf-8", "replace"))
        else:
            ids.add(key.decode("utf-8", "replace"))
    return ids
