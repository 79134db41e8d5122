"""Injected failures, for tests only: a bug the pipeline raises on, on chosen pages.

`STREAM_TEST_FAULT_MARKER` (unset in production, and then never consulted: the
worker uses `stream.pipeline.process_page` itself) makes every page whose value
contains the marker raise `InjectedFault` in the parse stage, as a bug in our own
code would. The marker must be at least 8 characters, so that no real page
triggers it by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stream.intake import InputMessage
from stream.pipeline import PageResult

ProcessPage = Callable[..., PageResult]


class InjectedFault(RuntimeError):
    """Raised on purpose by `failing_on`: stands for a bug in the parse stage."""


def failing_on(marker: str, process: ProcessPage) -> ProcessPage:
    """`process`, raising `InjectedFault` on a message whose value contains `marker`."""
    needle = marker.encode()

    def process_or_fail(message: InputMessage, *args: Any, **kwargs: Any) -> PageResult:
        if message.value is not None and needle in message.value:
            raise InjectedFault(
                f"injected fault: the page at {message.topic}[{message.partition}]@"
                f"{message.offset} contains the test marker"
            )
        return process(message, *args, **kwargs)

    return process_or_fail
