"""stream.cli.cluster: what a command says when there is no Kafka to talk to (pure)."""

from __future__ import annotations

from stream.cli.cluster import no_local_broker
from stream.settings import Settings


def test_no_local_broker_says_where_it_looked_and_how_to_start_one() -> None:
    message = no_local_broker(Settings(local_broker_port=19300), "publish to").detail
    assert message == (
        "no Kafka to publish to: STREAM_BOOTSTRAP_SERVERS is not set and no local broker "
        "answers at 127.0.0.1:19300; start one in another terminal with `stream broker` "
        "(or `stream run`, which starts it), or set STREAM_BOOTSTRAP_SERVERS"
    )
