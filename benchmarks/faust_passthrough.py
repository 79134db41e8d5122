"""(a) of `bench_pipeline.py` through faust: the floor of a faust worker, pages copied.

`passthrough.py` copies pages with aiokafka alone; this copies them with the App a
`stream run` worker builds (`stream.kafka.worker.Worker`: the same client settings,
transport patches, guarded producer, tables and web server), through one agent that
sends each page's key and value to the articles topic, no decoding, no processing.
What the pipeline costs beyond it is `stream`'s own work; what it costs beyond
`passthrough.py` is faust's.

    STREAM_BOOTSTRAP_SERVERS=127.0.0.1:9092 python benchmarks/faust_passthrough.py --ready-file F

It writes `--ready-file` once the worker is ready (`/readyz`), and stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import faust  # noqa: E402

from stream.errors import ConfigError  # noqa: E402
from stream.kafka.flavour import tuned_for_broker  # noqa: E402
from stream.kafka.worker import Worker  # noqa: E402
from stream.settings import Settings  # noqa: E402

READY_POLL_S = 0.1


class CopyWorker(Worker):
    """The worker's App with one agent that copies pages, and nothing else running."""

    def __init__(self, settings: Settings, *, bootstrap_servers: str, ready_file: Path) -> None:
        self.ready_file = ready_file
        super().__init__(settings, bootstrap_servers=bootstrap_servers)

    def _wire(self, app: faust.App, topics: dict[str, Any]) -> None:
        articles = topics["articles"]

        async def copy(stream: faust.StreamT[bytes]) -> None:
            async for event in stream.events():
                await articles.send(key=event.key, value=event.value)

        async def announce_ready() -> None:
            # Readiness is a function of the App's state, with no event to wait on.
            while not self.readiness()["ready"]:  # noqa: ASYNC110
                await asyncio.sleep(READY_POLL_S)
            self.ready_file.write_text(",".join(self.readiness()["assigned"]))

        app.agent(topics["pages"], name="pages")(copy)
        app.task(announce_ready)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ready-file", type=Path, required=True)
    args = parser.parse_args(argv)
    settings = Settings()
    if not settings.bootstrap_servers:
        raise ConfigError("faust_passthrough needs STREAM_BOOTSTRAP_SERVERS (the bench's broker)")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # What `stream run` does: the broker's flavour decides the Tansu workarounds.
    bootstrap = settings.bootstrap_servers
    settings = loop.run_until_complete(tuned_for_broker(settings, bootstrap))
    app = CopyWorker(settings, bootstrap_servers=bootstrap, ready_file=args.ready_file).app
    worker = faust.Worker(app, loop=loop, loglevel="warning", quiet=True, redirect_stdouts=False)
    worker.spinner = None
    try:
        worker.execute_from_commandline()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
