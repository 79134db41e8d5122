"""stream.kafka.watch and stream.kafka.delivery: waiting for Kafka, the broker watch, the
delivery guard before commits."""

from __future__ import annotations

import asyncio
import logging

import pytest

from stream.errors import BrokerError, BrokerRefused
from stream.kafka.delivery import DeliveryFailed, DeliveryGuard
from stream.kafka.embedded import free_port
from stream.kafka.watch import BrokerUnreachable, BrokerWatch, probe, wait_for_kafka
from stream.settings import Settings


def test_watch_is_reachable_until_a_probe_fails_and_expires_after_the_limit() -> None:
    watch = BrokerWatch(address="k:9092", exit_after_s=10.0)
    assert watch.reachable
    assert watch.reason(0.0) is None
    watch.failed(100.0, "refused")
    watch.failed(104.0, "timed out")
    assert not watch.reachable
    assert watch.lost_for(105.0) == 5.0
    assert not watch.expired(109.9)
    assert watch.expired(110.0)
    reason = watch.reason(105.0)
    assert reason is not None
    assert "k:9092 unreachable for 5.0 s" in reason
    assert "2 failed probes" in reason
    assert "timed out" in reason


def test_watch_reports_how_long_the_cluster_was_away_when_it_answers_again() -> None:
    watch = BrokerWatch(address="k:9092", exit_after_s=10.0)
    assert watch.succeeded(1.0) is None
    watch.failed(10.0, "refused")
    assert watch.succeeded(13.5) == 3.5
    assert watch.reachable
    assert watch.failed_probes == 0


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_wait_for_kafka_logs_each_attempt_and_returns_once_it_answers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    answers = iter([BrokerUnreachable("k:1: refused"), BrokerUnreachable("k:1: refused"), 1])

    async def check(settings: Settings, bootstrap: str) -> int:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    with caplog.at_level(logging.INFO, logger="stream.kafka.watch"):
        attempts = await wait_for_kafka(
            Settings(), "k:1", give_up_after_s=60, check=check, clock=clock, sleep=clock.sleep
        )
    assert attempts == 3
    assert "waiting for Kafka at k:1 (attempt 1, 0 s of 60 s): k:1: refused" in caplog.text
    assert "attempt 2, 0 s of 60 s" in caplog.text  # backed off 0.5 s, rounded
    assert "Kafka at k:1 answered after 3 attempts (1.5 s)" in caplog.text


async def test_wait_for_kafka_gives_up_with_the_address_and_the_setting() -> None:
    clock = FakeClock()

    async def check(settings: Settings, bootstrap: str) -> int:
        raise BrokerUnreachable("k:1: refused")

    expected = r"k:1 did not answer within 20 s \(STREAM_BROKER_WAIT_S\)"
    with pytest.raises(BrokerError, match=expected):
        await wait_for_kafka(
            Settings(), "k:1", give_up_after_s=20, check=check, clock=clock, sleep=clock.sleep
        )
    assert clock.now == 20.0  # the last sleep is cut to the deadline


async def test_probe_of_a_closed_port_names_the_address() -> None:
    port = free_port()
    with pytest.raises(BrokerUnreachable, match=f"127.0.0.1:{port}"):
        await probe(Settings(), f"127.0.0.1:{port}", answer_within_s=1)


async def test_guard_settles_once_every_tracked_output_is_acknowledged() -> None:
    failures: list[BaseException] = []
    guard = DeliveryGuard(on_failure=failures.append)
    loop = asyncio.get_running_loop()
    sent = [loop.create_future() for _ in range(3)]
    for future in sent:
        guard.track(future)
    loop.call_later(0.01, lambda: [f.set_result(None) for f in sent])
    await guard.settle(within_s=5)
    await asyncio.sleep(0)
    assert guard.pending == 0
    assert failures == []


async def test_guard_refuses_to_settle_after_a_failed_output_and_reports_it_once() -> None:
    failures: list[BaseException] = []
    guard = DeliveryGuard(on_failure=failures.append)
    loop = asyncio.get_running_loop()
    lost, later = loop.create_future(), loop.create_future()
    guard.track(lost)
    lost.set_exception(ConnectionError("broker gone"))
    # Checked before the done callbacks ran: the flush must not rely on their order.
    with pytest.raises(DeliveryFailed, match="broker gone"):
        await guard.settle(within_s=1)
    await asyncio.sleep(0)
    assert [str(f) for f in failures] == ["broker gone"]
    guard.track(later)
    later.set_result(None)
    with pytest.raises(DeliveryFailed):  # a failure poisons every later commit too
        await guard.settle(within_s=1)


async def test_guard_gives_up_on_outputs_not_acknowledged_in_time() -> None:
    guard = DeliveryGuard(on_failure=lambda error: None)
    guard.track(asyncio.get_running_loop().create_future())
    with pytest.raises(DeliveryFailed, match="1 output"):
        await guard.settle(within_s=0.05)


async def test_wait_for_kafka_gives_up_at_once_when_the_cluster_refuses_the_worker() -> None:
    clock = FakeClock()
    attempts = 0

    async def check(settings: Settings, bootstrap: str) -> int:
        nonlocal attempts
        attempts += 1
        raise BrokerRefused("Kafka at k:1 refused the SASL PLAIN login of user 'u'")

    with pytest.raises(BrokerRefused, match="refused the SASL PLAIN login"):
        await wait_for_kafka(
            Settings(), "k:1", give_up_after_s=300, check=check, clock=clock, sleep=clock.sleep
        )
    assert (attempts, clock.now) == (1, 0.0)
