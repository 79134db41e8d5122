"""The faust App `stream` runs: its producer, its agent-error handler and its table
manager's start replaced.

The first two through faust's private hooks, the only way in: `_new_producer` is
what faust calls to build `app.producer`, and `_on_agent_error` is the `on_error` it
gives every agent. The collaborators come through `__init__`. The table manager
through faust's `TableManager` setting (`PromptTableManager`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from faust.tables.manager import TableManager

from stream._faust import transport
from stream._faust.producer import Guard, GuardedProducer


class PromptTableManager(TableManager):
    """faust's table manager without the second it sleeps before starting.

    faust waits a fixed 1 s at start so that tables created late (in an agent's body)
    are registered before the consumer subscribes; `stream` declares every table when
    it builds the App, so the second only delayed each worker's join of its group
    (every start and restart, and ~150 worker starts in the integration lane).
    """

    async def on_start(self) -> None:
        if not self.should_stop:
            await self._update_channels()
            await self.recovery.start()


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
        kwargs.setdefault("TableManager", PromptTableManager)
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
