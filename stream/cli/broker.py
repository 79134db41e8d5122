"""`stream broker`: only the local embedded broker, until Ctrl-C.

It listens where every other command looks for it (STREAM_LOCAL_BROKER_PORT), so
`stream run`, `stream produce` and `stream tail` in other terminals find it with
no setting; `--port` puts it elsewhere, for clients told with STREAM_BOOTSTRAP_SERVERS.
"""

from __future__ import annotations

import argparse
import signal

from stream.cli.cluster import local_broker_answers, start_failure
from stream.errors import BrokerError, ConfigError
from stream.settings import Settings


def command(settings: Settings, args: argparse.Namespace) -> int:
    from stream.kafka.embedded import EmbeddedBroker

    port = args.port or settings.local_broker_port
    if port == settings.local_broker_port and local_broker_answers(settings):
        raise ConfigError(
            f"a broker already answers at {settings.local_broker}: every command uses it "
            "as it is; to run a second one, give it another port (--port N)"
        )
    broker = EmbeddedBroker(port=port)
    try:
        broker.start()
    except BrokerError as error:
        raise start_failure(error, broker.bootstrap_servers) from None
    with broker:
        found = (
            "stream run, produce and tail find it with no setting"
            if port == settings.local_broker_port
            else f"other commands need STREAM_BOOTSTRAP_SERVERS={broker.bootstrap_servers}"
        )
        print(
            f"local broker ready at {broker.bootstrap_servers} ({found}); Ctrl-C stops it "
            f"and loses what it holds (in memory)",
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
