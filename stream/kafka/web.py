"""The worker's HTTP endpoints: `/metrics` (Prometheus), `/healthz` and `/readyz`.

`Endpoints` takes what it reports on through `__init__` (the metrics, the worker's
readiness, the size of the dedup state) and `register` mounts its methods as
faust web views, so each endpoint is a method a test can call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import faust
from faust.web import Request, Response, View

from stream.metrics import CONTENT_TYPE, Metrics

Handler = Callable[[View, Request], Awaitable[Response]]


class _EndpointView(View):
    """A faust view answering GET with `handler` (a method of `Endpoints`)."""

    handler: Handler

    async def get(self, request: Request) -> Response:
        return await self.handler(self, request)


class Endpoints:
    def __init__(
        self,
        metrics: Metrics,
        *,
        readiness: Callable[[], dict[str, Any]],
        dedup_state_keys: Callable[[], int],
    ) -> None:
        self.metrics = metrics
        self.readiness = readiness
        self.dedup_state_keys = dedup_state_keys

    def register(self, app: faust.App) -> None:
        for path, handler in (
            ("/metrics", self.metrics_page),
            ("/healthz", self.healthz),
            ("/readyz", self.readyz),
        ):
            # staticmethod: a bound method already, not to be bound to the view again.
            view = type(handler.__name__, (_EndpointView,), {"handler": staticmethod(handler)})
            app.page(path)(view)

    async def metrics_page(self, view: View, request: Request) -> Response:
        self.metrics.set_dedup_state_keys(self.dedup_state_keys())
        self.metrics.set_ready(bool(self.readiness()["ready"]))
        # aiohttp refuses a charset in `content_type=`; the header carries it whole.
        return view.bytes(self.metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    async def healthz(self, view: View, request: Request) -> Response:
        return view.json({"status": "alive"})

    async def readyz(self, view: View, request: Request) -> Response:
        status = self.readiness()
        return view.json(status, status=200 if status["ready"] else 503)
