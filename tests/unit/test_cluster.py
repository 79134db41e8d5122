"""stream.cli.cluster: what a command says when there is no Kafka to talk to (pure)."""

from __future__ import annotations

from stream.cli.cluster import no_local_broker, start_failure
from stream.errors import BrokerError
from stream.settings import Settings


def test_no_local_broker_says_where_it_looked_and_how_to_start_one() -> None:
    message = no_local_broker(Settings(local_broker_port=19300), "publish to").detail
    assert message == (
        "no Kafka to publish to: STREAM_BOOTSTRAP_SERVERS is not set and no local broker "
        "answers at 127.0.0.1:19300; start one in another terminal with `stream broker` "
        "(or `stream run`, which starts it), or set STREAM_BOOTSTRAP_SERVERS"
    )


def test_a_port_taken_by_something_else_is_one_line_saying_what_to_do() -> None:
    tansu_log = (
        "the embedded broker exited with code 0 before it was ready: { code: 98, kind: "
        'AddrInUse, message: "Address in use" } \x1b[3mself.advertised_listener\x1b[0m\n'
        "thread 'tokio-rt-worker' panicked at tansu-broker/src/broker.rs:139:18:\n"
    )
    message = start_failure(BrokerError(tansu_log), "127.0.0.1:19192").detail
    assert message == (
        "cannot start the local broker at 127.0.0.1:19192: the port is taken by a program "
        "that does not answer as Kafka; stop it, or choose another port with "
        "STREAM_LOCAL_BROKER_PORT (the same for every command)"
    )


def test_any_other_start_failure_is_flattened_to_one_plain_line() -> None:
    failure = BrokerError(
        "the embedded broker exited with code 1:\n\x1b[31mERROR\x1b[0m  no  memory"
    )
    assert start_failure(failure, "127.0.0.1:1").detail == (
        "cannot start the local broker at 127.0.0.1:1: the embedded broker exited with code 1: "
        "ERROR no memory"
    )
