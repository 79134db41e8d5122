"""Which event a body that handles a group of events is working for.

faust takes a table's changelog partition, and rocksdb its partition database,
from the event being processed, which it keeps in a private context variable
(`faust.streams._current_event`). A body that handles a group of events
(`take_events`) must say which event it is working for; faust has no public way to.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from typing import Any

from faust import streams


@contextlib.contextmanager
def in_event(event: Any) -> Iterator[None]:
    """Table reads and writes in this block belong to `event`'s partition.

    `event` is a faust event, or anything with `message.partition` (weakly
    referenceable), which is all the stores read from it.
    """
    token = streams._current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        streams._current_event.reset(token)
