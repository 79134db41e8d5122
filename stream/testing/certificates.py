"""Throwaway TLS material for tests: a certificate authority and a broker keystore.

Made with the `openssl` command (Debian's `openssl` package), valid for a day, in a
folder of the caller's: a CA certificate a client trusts (`STREAM_SSL_CAFILE`) and a
PKCS12 keystore an SSL listener of Apache Kafka serves (`apache_kafka.ssl_listener`).
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from stream.errors import StreamError

# EC keys: generated in milliseconds, and both Java and Python's ssl take them.
_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]


def openssl_missing_reason() -> str | None:
    """Why no certificate can be made here, or None when it can."""
    if shutil.which("openssl") is None:
        return "openssl is not installed (apt-get install openssl)"
    return None


def _openssl(*args: str) -> None:
    done = subprocess.run(["openssl", *args], capture_output=True, timeout=60, check=False)
    if done.returncode != 0:
        raise StreamError(f"openssl {args[0]} failed: {done.stderr.decode(errors='replace')}")


@dataclass(frozen=True)
class Authority:
    """A CA: its certificate (what clients trust) and its key (what signs)."""

    certificate: Path
    key: Path


@dataclass(frozen=True)
class Keystore:
    """A PKCS12 file with a server's key and its certificate chain."""

    path: Path
    password: str


def certificate_authority(folder: Path, name: str) -> Authority:
    """A new self-signed CA named `name`, its files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    authority = Authority(folder / f"{name}.pem", folder / f"{name}.key")
    _openssl(
        "req",
        "-x509",
        *_KEY,
        "-keyout",
        str(authority.key),
        "-out",
        str(authority.certificate),
        "-days",
        "1",
        "-subj",
        f"/CN={name}",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    return authority


def server_keystore(folder: Path, authority: Authority, name: str, hosts: list[str]) -> Keystore:
    """A key and a certificate for `hosts` (IP addresses or DNS names), signed by
    `authority`, in a PKCS12 keystore with a random password."""
    folder.mkdir(parents=True, exist_ok=True)
    key, request, certificate = (folder / f"{name}.{ext}" for ext in ("key", "csr", "pem"))
    _openssl("req", *_KEY, "-keyout", str(key), "-out", str(request), "-subj", f"/CN={name}")
    names = ",".join(
        f"IP:{host}" if host.replace(".", "").isdigit() or ":" in host else f"DNS:{host}"
        for host in hosts
    )
    extensions = folder / f"{name}.ext"
    extensions.write_text(f"subjectAltName={names}\nextendedKeyUsage=serverAuth\n")
    _openssl(
        "x509",
        "-req",
        "-in",
        str(request),
        "-CA",
        str(authority.certificate),
        "-CAkey",
        str(authority.key),
        "-CAcreateserial",
        "-out",
        str(certificate),
        "-days",
        "1",
        "-extfile",
        str(extensions),
    )
    keystore = Keystore(folder / f"{name}.p12", secrets.token_hex(16))
    _openssl(
        "pkcs12",
        "-export",
        "-inkey",
        str(key),
        "-in",
        str(certificate),
        "-certfile",
        str(authority.certificate),
        "-name",
        name,
        "-out",
        str(keystore.path),
        "-passout",
        f"pass:{keystore.password}",
    )
    return keystore
