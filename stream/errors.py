"""The errors of `stream`, each with a machine reason code.

One base class, as in aiokafka's `errors.py`: an `InputError` is a property of a
message (it becomes a dead letter with `reason`), never of the worker, so it is
not retriable; a `StreamError` that is retriable may succeed when tried again.
"""

from __future__ import annotations

from typing import ClassVar


class StreamError(Exception):
    """Base class of every error `stream` raises on purpose."""

    reason: ClassVar[str] = "error"
    retriable: ClassVar[bool] = False

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


#: Every dead-letter reason code, for docs, schemas and metric label values.
INPUT_REASONS: tuple[str, ...] = tuple(
    cls.reason for cls in (EmptyInput, NotUtf8, BadEnvelope, TooLarge, NoArticle)
)


class BrokerError(StreamError):
    """The embedded broker could not be started or did not become ready."""

    reason = "broker"
    retriable = True


class ConfigError(StreamError):
    """Settings that cannot work together; the message says which and what to do."""

    reason = "config"
