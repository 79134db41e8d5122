"""stream.settings: defaults, environment parsing, secrets, and the child environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stream.settings import Settings


def test_blank_bootstrap_servers_means_the_embedded_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_BOOTSTRAP_SERVERS", "")
    assert Settings().uses_embedded_broker


def test_secrets_never_show_in_repr() -> None:
    settings = Settings(sasl_username="svc", sasl_password="hunter2")
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings)


def test_as_environment_round_trips_through_a_child_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = Settings(
        bootstrap_servers="kafka:9092",
        app_id="stream-x",
        partitions=3,
        sasl_username="svc",
        sasl_password="hunter2",
        security_protocol="SASL_SSL",
        verify_end_offsets=True,
        fetch_max_wait_ms=25,
        dedup_retention_days=1.5,
    )
    env = original.as_environment()
    assert env["STREAM_SASL_PASSWORD"] == "hunter2"  # the child must get the secret itself
    assert "STREAM_SSL_CAFILE" not in env  # unset stays unset
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert Settings() == original


def test_for_broker_applies_tansus_workarounds_only_where_left_automatic() -> None:
    tansu = Settings().for_broker(tansu=True)
    assert (tansu.verify_end_offsets, tansu.fetch_max_wait_ms) == (True, 10)
    # What answers decides, not whether a cluster is configured.
    pointed = Settings(bootstrap_servers="127.0.0.1:19192").for_broker(tansu=True)
    assert (pointed.verify_end_offsets, pointed.fetch_max_wait_ms) == (True, 10)
    kafka = Settings(bootstrap_servers="kafka:9092").for_broker(tansu=False)
    assert (kafka.verify_end_offsets, kafka.fetch_max_wait_ms) == (False, 500)
    chosen = Settings(verify_end_offsets=False, fetch_max_wait_ms=100).for_broker(tansu=True)
    assert (chosen.verify_end_offsets, chosen.fetch_max_wait_ms) == (False, 100)
    assert tansu.for_broker(tansu=False) == tansu


def test_the_local_broker_is_on_loopback_at_its_port(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().local_broker == "127.0.0.1:19192"
    monkeypatch.setenv("STREAM_LOCAL_BROKER_PORT", "29999")
    assert Settings().local_broker == "127.0.0.1:29999"


def test_exactly_once_is_refused_with_the_reason_and_what_to_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # faust's transactions do not cover the repartitioned outputs (README, measured
    # on Apache Kafka): the setting must not start a worker that promises it.
    monkeypatch.setenv("STREAM_PROCESSING_GUARANTEE", "exactly_once")
    with pytest.raises(ValidationError) as refused:
        Settings()
    message = str(refused.value)
    assert "exactly_once is refused" in message
    assert "use at_least_once" in message
    monkeypatch.setenv("STREAM_PROCESSING_GUARANTEE", "at_least_once")
    assert Settings().processing_guarantee == "at_least_once"
