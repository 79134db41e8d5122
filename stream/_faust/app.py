"""The faust App `stream` runs: its producer and its agent-error handler replaced.

Both through faust's private hooks, the only way in: `_new_producer` is what
faust calls to build `app.producer`, and `_on_agent_error` is the `on_error` it
gives every agent. The collaborators come through `__init__`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stream._faust import transport
from stream._faust.producer import Guard, GuardedProducer


class GuardedApp(transport.App):
    """faust's App with a producer whose pre-commit flush is exact (`producer`), on the
    transport adjusted for the broker (`transport`), ending on any agent error."""

    def __init__(
        self,
        *args: Any,
        delivery_guard: Guard,
        settle_timeout_s: float,
        on_agent_failed: Callable[[Any, BaseException], None],
        **kwargs: Any,
    ) -> None:
        self.delivery_guard = delivery_guard
        self.settle_timeout_s = settle_timeout_s
        self.on_agent_failed = on_agent_failed
        super().__init__(*args, **kwargs)

    def _new_producer(self) -> GuardedProducer:
        return GuardedProducer(
            self.transport,
            loop=self.loop,
            beacon=self.beacon,
            guard=self.delivery_guard,
            settle_timeout_s=self.settle_timeout_s,
        )

    async def _on_agent_error(self, agent: Any, exc: BaseException) -> None:
        # faust's own handler commits, then its supervisor restarts the agent, and the
        # failed event is acked when its stream is finalised: the next commit skips
        # it, a lost page. Every agent error ends the worker instead.
        self.on_agent_failed(agent, exc)
