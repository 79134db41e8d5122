"""stream.cli: the one line a Kafka client's failure becomes (pure)."""

from __future__ import annotations

from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError

from stream.cli import _kafka_failure


def test_a_kafka_client_error_is_one_line_naming_it() -> None:
    failure = _kafka_failure(KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 1)]"))
    assert failure is not None
    assert failure.exit_code == 1
    assert failure.detail.startswith(
        "Kafka failed (KafkaConnectionError: Unable to bootstrap from [('127.0.0.1', 1)]): "
        "check the cluster"
    )
    timed_out = _kafka_failure(KafkaTimeoutError())
    assert timed_out is not None
    assert timed_out.detail.startswith("Kafka failed (KafkaTimeoutError): ")


def test_our_own_bugs_keep_their_traceback() -> None:
    assert _kafka_failure(KeyError("page_id")) is None
