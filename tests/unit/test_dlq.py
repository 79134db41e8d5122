"""Tests of `stream.dlq` (and the rendering of `stream dlq`): summarise, select, rebuild."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest

from stream import codec, dlq
from stream.cli import main
from stream.cli.dlq import describe, list_json, render_table
from stream.errors import ConfigError, EmptyInput, InternalError, NoArticle, StreamError
from stream.intake import InputMessage, dead_letter
from stream.kafka.embedded import free_port
from stream.models import DeadLetter

T0 = dt.datetime(2026, 2, 11, 8, 0, tzinfo=dt.UTC)


def letter(
    offset: int,
    error: StreamError,
    *,
    minutes: int = 0,
    value: bytes | None = b"page body",
    key: bytes | None = b"https://example.org/a",
    headers: tuple[tuple[str, bytes], ...] = (("content-type", b"text/plain"),),
    max_value_bytes: int = 512_000,
) -> DeadLetter:
    message = InputMessage(value=value, key=key, headers=headers, partition=1, offset=offset)
    return dead_letter(
        message, error, now=T0 + dt.timedelta(minutes=minutes), max_value_bytes=max_value_bytes
    )


def stored(offset: int, error: StreamError, **kwargs: object) -> dlq.Stored:
    return dlq.Stored(0, offset, letter(offset, error, **kwargs))  # type: ignore[arg-type]


def test_records_that_are_not_dead_letters_are_counted_not_fatal() -> None:
    good = letter(3, NoArticle("no headline"))
    records = [(0, 7, codec.dumps(good)), (0, 8, b"{}"), (1, 0, None)]

    items, invalid = dlq.decode(records)

    assert [(s.partition, s.offset, s.letter) for s in items] == [(0, 7, good)]
    assert invalid == 2


def test_summary_counts_per_reason_with_first_last_by_time_and_a_sample_detail() -> None:
    items = [
        stored(5, NoArticle("late"), minutes=9),
        stored(1, NoArticle("early"), minutes=1),
        stored(2, EmptyInput("blank")),
        stored(3, NoArticle("middle"), minutes=5),
    ]
    replayed = {items[1].letter.dead_letter_id}

    summaries = dlq.summarise(items, replayed)

    assert [(s.reason, s.count, s.replayed) for s in summaries] == [
        ("no_article", 3, 1),
        ("empty", 1, 0),
    ]
    assert (summaries[0].first.offset, summaries[0].last.offset) == (1, 5)
    assert summaries[0].sample_detail == "late"


def test_a_failed_replay_is_recognised_by_its_header() -> None:
    original = letter(1, InternalError("boom"))
    key, value, headers = dlq.page_message(original)
    again = letter(9, InternalError("boom"), value=value, key=key, headers=tuple(headers))

    (summary,) = dlq.summarise([dlq.Stored(0, 9, again)], set())

    assert dlq.Stored(0, 9, again).replay_of == original.dead_letter_id
    assert summary.failed_replays == 1


def test_select_by_reason_and_time_skips_the_replayed_and_the_cut() -> None:
    items = [
        stored(1, InternalError("a"), minutes=1),
        stored(2, InternalError("b"), minutes=2),
        stored(3, NoArticle("c"), minutes=3),
        stored(4, InternalError("d"), minutes=4, value=b"x" * 100, max_value_bytes=10),
        stored(5, InternalError("e"), minutes=5),
        stored(6, EmptyInput("f"), minutes=6, value=None),
    ]
    replayed = {items[4].letter.dead_letter_id}

    selection = dlq.select(
        items, replayed=replayed, reason="internal_error", since=T0 + dt.timedelta(minutes=2)
    )

    assert [s.offset for s in selection.chosen] == [2]
    assert [s.offset for s in selection.already_replayed] == [5]
    assert [s.offset for s in selection.not_replayable] == [4]
    assert [s.offset for s in dlq.select(items, replayed=set()).not_replayable] == [4, 6]


def test_the_replayed_message_is_the_original_with_the_replay_mark() -> None:
    binary = b"\xff\xfe page"
    original = letter(
        4,
        InternalError("x"),
        value=binary,
        headers=(("url", b"https://example.org/a"), ("blob", b"\x00\xff")),
    )

    key, value, headers = dlq.page_message(original)

    assert (key, value) == (b"https://example.org/a", binary)
    assert headers == [
        ("url", b"https://example.org/a"),
        ("blob", b"\x00\xff"),
        ("stream-replay-of", original.dead_letter_id.encode()),
    ]


def test_a_replay_of_a_failed_replay_carries_only_the_latest_mark() -> None:
    first = letter(1, InternalError("x"))
    _, value, headers = dlq.page_message(first)
    second = letter(8, InternalError("x"), value=value, headers=tuple(headers))

    _, _, again = dlq.page_message(second)

    assert [h for h in again if h[0] == "stream-replay-of"] == [
        ("stream-replay-of", second.dead_letter_id.encode())
    ]


def test_a_cut_value_is_never_rebuilt() -> None:
    cut = letter(1, InternalError("x"), value=b"y" * 100, max_value_bytes=10)
    with pytest.raises(ValueError, match="no whole value"):
        dlq.page_message(cut)


def test_the_replay_log_round_trips_and_a_tombstone_forgets() -> None:
    a, b = stored(1, InternalError("a")), stored(2, InternalError("b"))
    log = [dlq.log_entry(s, topic="pages.raw", now=T0) for s in (a, b)]
    log.append((b.letter.dead_letter_id.encode(), None))  # type: ignore[arg-type]

    assert dlq.replayed_ids(log) == {a.letter.dead_letter_id}
    assert orjson.loads(log[0][1])["dlq_position"] == "0@1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", T0 - dt.timedelta(minutes=90)),
        ("2d", T0 - dt.timedelta(days=2)),
        ("30s", T0 - dt.timedelta(seconds=30)),
        ("2026-02-10T06:00:00Z", dt.datetime(2026, 2, 10, 6, tzinfo=dt.UTC)),
        ("2026-02-10T06:00:00", dt.datetime(2026, 2, 10, 6, tzinfo=dt.UTC)),
        ("2026-02-10T08:00:00+02:00", dt.datetime(2026, 2, 10, 6, tzinfo=dt.UTC)),
    ],
)
def test_since_is_a_time_or_an_age(text: str, expected: dt.datetime) -> None:
    assert dlq.parse_since(text, T0) == expected


def test_a_since_that_is_neither_says_what_is_allowed() -> None:
    with pytest.raises(ConfigError, match=r"neither a time .* nor an age"):
        dlq.parse_since("yesterday", T0)


def test_the_table_has_a_row_per_reason_and_the_totals() -> None:
    items = [stored(1, NoArticle("no headline left " * 10)), stored(2, EmptyInput("blank"))]

    table = render_table(dlq.summarise(items, set()), topic="pages.dlq", invalid=1)

    lines = table.splitlines()
    assert lines[0].split() == ["reason", "count", "replayed", "first", "last", "sample", "detail"]
    # Most frequent first, then by name.
    assert [line.split()[:3] for line in lines[1:3]] == [
        ["empty", "1", "0"],
        ["no_article", "1", "0"],
    ]
    assert "0@1 2026-02-11 08:00:00Z" in table
    assert f"{('no headline left ' * 5)[:69]}..." in table
    assert lines[-1] == (
        "2 dead letter(s) on pages.dlq (first/last: partition@offset, failed at); "
        "1 record(s) that are not dead letters"
    )


def test_the_json_summary_has_every_field() -> None:
    items = [stored(1, InternalError("boom"))]

    summary = list_json(dlq.summarise(items, set()), topic="pages.dlq", invalid=0)

    (reason,) = summary["reasons"]
    assert (summary["dead_letters"], reason["reason"], reason["count"]) == (1, "internal_error", 1)
    assert set(reason) == {
        "reason",
        "count",
        "replayed",
        "failed_replays",
        "first",
        "last",
        "sample_detail",
    }
    assert reason["first"]["source"]["offset"] == 1


def test_the_replay_line_says_what_was_published_and_what_was_skipped() -> None:
    items = [stored(1, InternalError("a")), stored(2, InternalError("b"))]
    selection = dlq.select(items, replayed={items[1].letter.dead_letter_id})

    assert describe(selection, topic="pages.raw", dry_run=True) == (
        "would replay 1 dead letter(s) to pages.raw (internal_error: 1); skipped 1 already "
        "replayed, 0 without a whole value to replay; nothing published (--dry-run)"
    )


def test_without_a_cluster_or_local_broker_the_command_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("STREAM_BOOTSTRAP_SERVERS", raising=False)
    port = free_port()  # nothing listens there
    monkeypatch.setenv("STREAM_LOCAL_BROKER_PORT", str(port))

    code = main(["dlq", "list"])

    assert (code, capsys.readouterr().err) == (
        ConfigError.exit_code,
        "stream dlq: no Kafka to read the dead letters of: STREAM_BOOTSTRAP_SERVERS is not set "
        f"and no local broker answers at 127.0.0.1:{port}; start one in another terminal with "
        "`stream broker` (or `stream run`, which starts it), or set STREAM_BOOTSTRAP_SERVERS\n",
    )


def test_a_bad_since_is_one_line_before_anything_is_read(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STREAM_BOOTSTRAP_SERVERS", "127.0.0.1:1")

    code = main(["dlq", "replay", "--since", "yesterday"])

    err = capsys.readouterr().err
    assert (code, err.count("\n")) == (1, 1)
    assert err.startswith("stream dlq: --since 'yesterday' is neither a time")
