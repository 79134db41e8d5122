"""`stream broker`: only the embedded broker, until Ctrl-C."""

from __future__ import annotations

import argparse
import signal

from stream.settings import Settings


def command(settings: Settings, args: argparse.Namespace) -> int:
    from stream.kafka.embedded import EmbeddedBroker

    with EmbeddedBroker(port=args.port) as broker:
        print(
            f"embedded broker ready: STREAM_BOOTSTRAP_SERVERS={broker.bootstrap_servers}",
            flush=True,
        )
        _wait_for_signal()
    return 0


def _wait_for_signal() -> None:
    received: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda n, _f: received.append(n))
    while not received:
        signal.pause()
