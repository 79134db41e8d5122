"""Tests of `stream.poison`: when a page our code fails on is retried or given up."""

from __future__ import annotations

import pytest

from stream.errors import InternalError
from stream.poison import (
    Verdict,
    attempt_key,
    decide,
    encode_count,
    failures_in,
    internal_error,
)


@pytest.mark.parametrize(
    ("failed", "limit", "expected"),
    [
        (1, 3, Verdict.RETRY),
        (2, 3, Verdict.RETRY),
        (3, 3, Verdict.DEAD_LETTER),
        (7, 3, Verdict.DEAD_LETTER),
        (1, 1, Verdict.DEAD_LETTER),
    ],
)
def test_a_page_is_retried_until_its_failures_reach_the_limit(
    failed: int, limit: int, expected: Verdict
) -> None:
    assert expected == decide(failed, limit)


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        decide(1, 0)


def test_the_key_is_the_pages_position() -> None:
    assert attempt_key("pages.raw", 3, 1207) == b"pages.raw/3/1207"


def test_the_last_count_of_the_key_wins_and_other_keys_are_ignored() -> None:
    key = attempt_key("pages.raw", 0, 5)
    other = attempt_key("pages.raw", 0, 6)
    records = [(key, encode_count(1)), (other, encode_count(9)), (key, encode_count(2))]

    assert (
        failures_in(records, key),
        failures_in(records, other),
        failures_in(records, attempt_key("pages.raw", 1, 5)),
    ) == (2, 9, 0)


def test_a_tombstone_or_an_unreadable_count_resets_it() -> None:
    key = attempt_key("p", 0, 0)

    assert (
        failures_in([(key, b"2"), (key, None)], key),
        failures_in([(key, b"2"), (key, b"two")], key),
        failures_in([(key, b"x"), (key, b"1")], key),
    ) == (0, 0, 1)


def test_the_detail_names_the_stage_the_exception_and_what_to_do() -> None:
    error = internal_error("parse", KeyError("headline"), attempts=3)

    assert isinstance(error, InternalError)
    assert error.reason == "internal_error"
    assert error.detail.startswith("stage parse raised KeyError: 'headline' (failed 3 time(s)")
    assert "stream dlq replay --reason internal_error" in error.detail


def test_a_huge_exception_message_is_cut() -> None:
    error = internal_error("parse", ValueError("x" * 100_000), attempts=1)

    assert len(error.detail) < 1_000
    assert "(100,000 characters)" in error.detail


def test_an_exception_outside_builtins_is_named_with_its_module() -> None:
    class Boom(Exception):
        pass

    assert "raised tests.unit.test_poison." in internal_error("dedup", Boom("b"), attempts=1).detail
