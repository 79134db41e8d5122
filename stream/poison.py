"""Poison pages: when a page our own code fails on stops being retried.

A page that makes a stage raise (a bug, not bad input: bad input is an
`InputError` and a dead letter at once) is tried again after the worker restarts,
in case the failure was transient. After `limit` failed attempts on the same
offset it becomes a dead letter with reason `internal_error`, so that one page
cannot stall its partition for good. The attempts are counted in records keyed by
the page's position (`attempt_key`); this module decides from those records and
says what the dead letter holds. The worker reads and writes the records
(`stream.kafka.attempts`), and only once a stage has raised: a page that does not
fail costs nothing here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from stream.errors import InternalError

# An exception's message quoted in a dead letter's detail is cut to this: a detail is
# one sentence for a person, and an exception can carry a whole page.
_MESSAGE_CHARS = 500


class Verdict(enum.Enum):
    """What to do with a page a stage has just raised on."""

    #: Record the failed attempt, then fail (the worker exits and the page is read again).
    RETRY = "retry"
    #: Publish it as an `internal_error` dead letter and go on past it.
    DEAD_LETTER = "dead_letter"


def attempt_key(topic: str, partition: int, offset: int) -> bytes:
    """The key of a page's attempt count: its position, which a restart reads again."""
    return f"{topic}/{partition}/{offset}".encode()


def decide(failed_attempts: int, limit: int) -> Verdict:
    """`failed_attempts` counts the failure just seen; at `limit` the page is given up."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    return Verdict.DEAD_LETTER if failed_attempts >= limit else Verdict.RETRY


def encode_count(count: int) -> bytes:
    return str(count).encode()


def failures_in(records: Iterable[tuple[bytes | None, bytes | None]], key: bytes) -> int:
    """Failed attempts recorded for `key` in `(key, value)` records read in offset order.

    The last record of a key wins, as compaction keeps it; a tombstone (no value) or a
    value that is not a count resets it: an unreadable count must not block a page.
    """
    count = 0
    for record_key, value in records:
        if record_key != key:
            continue
        try:
            count = max(0, int(value or b"0"))
        except ValueError:
            count = 0
    return count


def internal_error(stage: str, error: BaseException, *, attempts: int) -> InternalError:
    """The dead letter's reason and detail: the stage, the exception's type and message."""
    message = str(error)
    if len(message) > _MESSAGE_CHARS:
        message = f"{message[:_MESSAGE_CHARS]}... ({len(message):,} characters)"
    kind = type(error).__qualname__
    module = type(error).__module__
    name = kind if module == "builtins" else f"{module}.{kind}"
    return InternalError(
        f"stage {stage} raised {name}: {message} (failed {attempts} time(s), "
        "STREAM_POISON_ATTEMPTS); a bug in stream, not bad input: replay the page with "
        "`stream dlq replay --reason internal_error` once it is fixed"
    )
