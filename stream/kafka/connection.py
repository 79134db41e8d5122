"""How `stream` reaches its Kafka cluster: connection settings as client arguments, once.

Every client `stream` opens takes its connection from here: the aiokafka
producers, consumers and admin clients (`client_kwargs`), faust's broker URLs and
credentials (`broker_urls`, `faust_credentials`), and the broker probe
(`addresses`). So the SASL/SSL settings, and the check that SASL has a user and
a password, are the same for all of them; `refusal` says in one line which of them
a broker turned down.
"""

from __future__ import annotations

import ssl
from typing import Any

from aiokafka.errors import SaslAuthenticationFailed, UnsupportedSaslMechanismError
from aiokafka.helpers import create_ssl_context
from faust.auth import SASLCredentials, SSLCredentials

from stream.errors import BrokerError, BrokerRefused, ConfigError
from stream.settings import Settings

# What Kafka listens on when an address names no port.
DEFAULT_PORT = 9092


def addresses(bootstrap_servers: str) -> list[tuple[str, int]]:
    """`host:port,...` as (host, port) pairs; a bare host gets Kafka's port 9092."""
    pairs = []
    for item in bootstrap_servers.split(","):
        item = item.strip().removeprefix("kafka://")
        if not item:
            continue
        host, _, port = item.rpartition(":") if ":" in item else (item, "", str(DEFAULT_PORT))
        pairs.append((host.strip("[]"), int(port)))
    if not pairs:
        raise BrokerError(f"no broker address in STREAM_BOOTSTRAP_SERVERS={bootstrap_servers!r}")
    return pairs


def broker_urls(bootstrap_servers: str) -> list[str]:
    """The bootstrap servers as faust's `broker=` URLs."""
    return [
        f"kafka://[{host}]:{port}" if ":" in host else f"kafka://{host}:{port}"
        for host, port in addresses(bootstrap_servers)
    ]


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if settings.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    context: ssl.SSLContext = create_ssl_context(
        cafile=settings.ssl_cafile, certfile=settings.ssl_certfile, keyfile=settings.ssl_keyfile
    )
    return context


def _sasl_login(settings: Settings) -> tuple[str, str] | None:
    """(user, password) when the protocol is SASL; refuses SASL without both."""
    if not settings.security_protocol.startswith("SASL"):
        return None
    if settings.sasl_username is None or settings.sasl_password is None:
        raise ConfigError(
            f"STREAM_SECURITY_PROTOCOL={settings.security_protocol} needs "
            "STREAM_SASL_USERNAME and STREAM_SASL_PASSWORD"
        )
    # Unwrapped only here, at the last moment, straight into the client.
    return settings.sasl_username, settings.sasl_password.get_secret_value()


def client_kwargs(settings: Settings, bootstrap_servers: str) -> dict[str, Any]:
    """aiokafka connection arguments, with the SASL/SSL settings passed through."""
    kwargs: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers,
        "security_protocol": settings.security_protocol,
    }
    context = ssl_context(settings)
    if context is not None:
        kwargs["ssl_context"] = context
    login = _sasl_login(settings)
    if login is not None:
        kwargs.update(
            sasl_mechanism=settings.sasl_mechanism,
            sasl_plain_username=login[0],
            sasl_plain_password=login[1],
        )
    return kwargs


def faust_credentials(settings: Settings) -> SASLCredentials | SSLCredentials | None:
    """The same connection as faust's `broker_credentials=`."""
    context = ssl_context(settings)
    login = _sasl_login(settings)
    if login is not None:
        return SASLCredentials(
            username=login[0],
            password=login[1],
            ssl_context=context,
            mechanism=settings.sasl_mechanism,
        )
    if context is not None:
        return SSLCredentials(context)
    return None


def refusal(settings: Settings, address: str, error: BaseException) -> BrokerRefused | None:
    """The one-line reason a broker at `address` refused these settings, naming the
    setting to fix; None when `error` is not a refusal (down, hung: worth retrying).

    Messages never hold the password: only the broker's reason and the user name.
    """
    if isinstance(error, SaslAuthenticationFailed | UnsupportedSaslMechanismError):
        reason = " ".join(str(error).split())
        return BrokerRefused(
            f"Kafka at {address} refused the SASL {settings.sasl_mechanism} login of user "
            f"{settings.sasl_username!r} ({reason}): check STREAM_SASL_USERNAME, "
            "STREAM_SASL_PASSWORD and STREAM_SASL_MECHANISM"
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        trusted = (
            f"STREAM_SSL_CAFILE={settings.ssl_cafile}"
            if settings.ssl_cafile
            else "the system's CAs (STREAM_SSL_CAFILE is not set)"
        )
        return BrokerRefused(
            f"the TLS certificate of Kafka at {address} is not trusted "
            f"({getattr(error, 'verify_message', None) or error}): {trusted} must hold the "
            "CA that signed the broker's certificate, for the host name in "
            "STREAM_BOOTSTRAP_SERVERS"
        )
    return None
