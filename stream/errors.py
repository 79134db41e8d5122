"""The errors of `stream`, each with a machine reason code.

One base class, as in aiokafka's `errors.py`: an `InputError` is a property of a
message (it becomes a dead letter with `reason`), never of the worker, so it is
not retriable; a `StreamError` that is retriable may succeed when tried again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from stream.models import DeadLetter


class StreamError(Exception):
    """Base class of every error `stream` raises on purpose."""

    reason: ClassVar[str] = "error"
    retriable: ClassVar[bool] = False
    # What a command that fails with this error exits with.
    exit_code: ClassVar[int] = 1

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InputError(StreamError):
    """A message that cannot become an article: it goes to the dead-letter topic."""

    reason = "bad_input"


class EmptyInput(InputError):
    reason = "empty"


class NotUtf8(InputError):
    reason = "not_utf8"


class BadEnvelope(InputError):
    reason = "bad_envelope"


class TooLarge(InputError):
    reason = "too_large"


class NoArticle(InputError):
    reason = "no_article"


class PageRejected(InputError):
    """`stream parse`: the page would have been a dead letter; `letter` says why."""

    def __init__(self, letter: DeadLetter) -> None:
        super().__init__(f"{letter.reason}: {letter.detail}")
        self.letter = letter


#: Every dead-letter reason code of bad input, for docs, schemas and metric label values.
INPUT_REASONS: tuple[str, ...] = tuple(
    cls.reason for cls in (EmptyInput, NotUtf8, BadEnvelope, TooLarge, NoArticle)
)


class InternalError(StreamError):
    """Our own code raised on a page on every one of its attempts (`STREAM_POISON_ATTEMPTS`).

    Not a property of the input, which may be perfectly good: the page becomes a dead
    letter so that its partition goes on, and `stream dlq replay` brings it back once
    the bug is fixed.
    """

    reason = "internal_error"


#: Every dead-letter reason code: bad input, then pages our code failed on.
DEAD_LETTER_REASONS: tuple[str, ...] = (*INPUT_REASONS, InternalError.reason)


class BrokerError(StreamError):
    """The embedded broker could not be started or did not become ready."""

    reason = "broker"
    retriable = True


class ConfigError(StreamError):
    """Settings that cannot work together; the message says which and what to do."""

    reason = "config"


# -- Kafka -------------------------------------------------------------------------


class BrokerUnreachable(StreamError):
    """No broker of the cluster answered a Metadata request."""

    reason = "broker_unreachable"
    retriable = True


class BrokerRefused(StreamError):
    """The cluster answered and refused this worker: a SASL login it rejects, or a
    certificate the worker does not trust. Trying again cannot help; the settings must change."""

    reason = "broker_refused"
    # sysexits(3) EX_CONFIG: a supervisor's restart would be refused the same way.
    exit_code = 78


class DeliveryFailed(StreamError):
    """An output was not acknowledged: committing the inputs behind it would lose it."""

    reason = "delivery_failed"


class InvalidRecord(StreamError):
    """`stream.client`: a record on the topic that does not match its model (or has no value)."""

    reason = "invalid_record"

    def __init__(
        self, detail: str, *, topic: str, partition: int, offset: int, value: bytes | None
    ) -> None:
        super().__init__(f"{topic}[{partition}]@{offset}: {detail}")
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.value = value


# -- Contract ----------------------------------------------------------------------


class SchemaError(StreamError):
    """The schema files cannot be made from the models as they are."""

    reason = "schema"


class BreakingSchemaChange(SchemaError):
    """A model change would break existing consumers of a record version."""

    reason = "breaking_schema_change"

    def __init__(self, file: str, changes: list[str]) -> None:
        super().__init__(
            f"{file}: the models changed incompatibly with the committed schema "
            f"({'; '.join(changes)}). Bump the record's `schema` tag (e.g. article/1 -> "
            "article/2) or make the change compatible (new fields optional, none removed "
            "or retyped)."
        )
        self.file = file
        self.changes = changes
