"""stream.kafka.connection: one parse of the bootstrap servers for every client, and the
one-line reason a broker refused the worker's login or certificate check."""

from __future__ import annotations

import ssl

import pytest
from aiokafka.errors import SaslAuthenticationFailed, UnsupportedSaslMechanismError

from stream.errors import BrokerError
from stream.kafka.connection import addresses, broker_urls, refusal
from stream.settings import Settings


def test_addresses_parse_hosts_ports_and_default_port() -> None:
    assert addresses("a:1, kafka://b:2,c,[::1]:3") == [
        ("a", 1),
        ("b", 2),
        ("c", 9092),
        ("::1", 3),
    ]


def test_addresses_refuse_an_empty_list() -> None:
    with pytest.raises(BrokerError, match="no broker address"):
        addresses(" , ")


def test_broker_urls_are_the_same_addresses_as_faust_urls() -> None:
    assert broker_urls("a:1, b:2,,[::1]:3") == ["kafka://a:1", "kafka://b:2", "kafka://[::1]:3"]


# -- refusal: what a broker turned down, in one line --------------------------------

SECRET = "s3cr3t-never-shown"


def sasl_settings() -> Settings:
    return Settings(
        security_protocol="SASL_PLAINTEXT",
        sasl_username="svc-stream",
        sasl_password=SECRET,
        sasl_mechanism="SCRAM-SHA-256",
    )


def test_a_rejected_sasl_login_names_the_user_the_reason_and_the_settings() -> None:
    error = SaslAuthenticationFailed("Authentication failed:\n Invalid username or password")

    refused = refusal(sasl_settings(), "k:9093", error)

    assert refused is not None
    assert refused.detail == (
        "Kafka at k:9093 refused the SASL SCRAM-SHA-256 login of user 'svc-stream' "
        "([Error 58] SaslAuthenticationFailed: Authentication failed: Invalid username or "
        "password): check STREAM_SASL_USERNAME, STREAM_SASL_PASSWORD and STREAM_SASL_MECHANISM"
    )
    assert SECRET not in refused.detail
    assert refused.exit_code == 78


def test_a_mechanism_the_broker_does_not_enable_is_a_refusal() -> None:
    refused = refusal(sasl_settings(), "k:9093", UnsupportedSaslMechanismError("PLAIN only"))

    assert refused is not None
    assert "SASL SCRAM-SHA-256 login" in refused.detail


def test_an_untrusted_certificate_names_the_ca_file_or_the_system_cas() -> None:
    error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify")
    error.verify_message = "self-signed certificate in certificate chain"

    with_file = refusal(Settings(security_protocol="SSL", ssl_cafile="/etc/ca.pem"), "k:1", error)
    without = refusal(Settings(security_protocol="SSL"), "k:1", error)

    assert with_file is not None
    assert without is not None
    assert with_file.detail.startswith(
        "the TLS certificate of Kafka at k:1 is not trusted (self-signed certificate in "
        "certificate chain): STREAM_SSL_CAFILE=/etc/ca.pem must hold the CA"
    )
    assert "the system's CAs (STREAM_SSL_CAFILE is not set)" in without.detail
    assert "\n" not in with_file.detail


@pytest.mark.parametrize(
    "error", [ConnectionRefusedError(111, "refused"), TimeoutError(), ssl.SSLError(1, "eof")]
)
def test_a_broker_down_or_hung_is_not_a_refusal(error: BaseException) -> None:
    assert refusal(sasl_settings(), "k:1", error) is None
