"""stream.settings: defaults, environment parsing, secrets, and the child environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stream.settings import Settings, invalid_settings_message


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


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("STREAM_PARTITIONS", "abc", "STREAM_PARTITIONS='abc': must be an integer >= 1"),
        ("STREAM_PARTITIONS", "0", "STREAM_PARTITIONS='0': must be an integer >= 1"),
        (
            "STREAM_SECURITY_PROTOCOL",
            "TLS",
            "STREAM_SECURITY_PROTOCOL='TLS': must be one of 'PLAINTEXT', 'SSL', "
            "'SASL_PLAINTEXT', 'SASL_SSL'",
        ),
        (
            "STREAM_NEAR_DUPLICATE_THRESHOLD",
            "2",
            "STREAM_NEAR_DUPLICATE_THRESHOLD='2': must be a number > 0 and <= 1",
        ),
        (
            "STREAM_VERIFY_END_OFFSETS",
            "maybe",
            "STREAM_VERIFY_END_OFFSETS='maybe': must be true or false",
        ),
        (
            "STREAM_WEB_PORT",
            "http",
            "STREAM_WEB_PORT='http': must be an integer >= 0 and <= 65535",
        ),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable_and_what_is_allowed(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    message = invalid_settings_message(refused.value)
    assert message == f"invalid setting: {expected}"


def test_every_bad_setting_is_named_and_our_own_reasons_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STREAM_PARTITIONS", "many")
    monkeypatch.setenv("STREAM_PROCESSING_GUARANTEE", "exactly_once")
    with pytest.raises(ValidationError) as refused:
        Settings()
    message = invalid_settings_message(refused.value)
    assert "\n" not in message
    assert "https://" not in message  # pydantic's links are for developers of stream
    assert "STREAM_PARTITIONS='many': must be an integer >= 1" in message
    assert "STREAM_PROCESSING_GUARANTEE='exactly_once': exactly_once is refused" in message


def test_a_secret_in_a_bad_setting_is_not_shown() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(sasl_password=12345)  # type: ignore[arg-type]  # a wrong type on purpose
    message = invalid_settings_message(refused.value)
    assert "12345" not in message
    assert message.startswith("invalid setting: STREAM_SASL_PASSWORD=(hidden): must be")


def test_the_test_fault_hook_is_off_unless_a_long_marker_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STREAM_TEST_FAULT_MARKER", "")
    assert Settings().test_fault_marker is None
    monkeypatch.delenv("STREAM_TEST_FAULT_MARKER")
    assert Settings().test_fault_marker is None
    with pytest.raises(ValidationError, match="at least 8 characters"):
        Settings(test_fault_marker="<p>")
