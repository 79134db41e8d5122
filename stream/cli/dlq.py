"""`stream dlq list` and `stream dlq replay`: what is on the dead-letter topic, and back in.

`list` summarises `pages.dlq` by reason (`--json` for scripts); `replay` publishes
the original values of the chosen dead letters back to `pages.raw` with their key
and headers, marked and logged so that a replay of a replay adds nothing (the rules
are in `stream.dlq`, which holds the logic; this module reads and publishes).
Both read the topics without a consumer group, like `stream tail`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections import Counter
from typing import Any, TextIO

import orjson
from aiokafka import AIOKafkaProducer

from stream import dlq
from stream.cli.cluster import find_kafka, while_reachable
from stream.cli.table import format_table
from stream.cli.tail import read_all
from stream.errors import ConfigError
from stream.kafka.connection import client_kwargs
from stream.kafka.topics import ensure_specs, replay_log_spec
from stream.settings import Settings

SEND_TIMEOUT_S = 60.0
# A replayed page is at most a page plus its envelope, as `stream produce` sends.
MAX_REQUEST_BYTES = 4_194_304
# A table cell of a detail: the start of the sentence; `--json` has all of it.
_DETAIL_CHARS = 72


async def read_dead_letters(settings: Settings, bootstrap: str) -> tuple[list[dlq.Stored], int]:
    records = await read_all(settings, bootstrap, settings.topic_dlq)
    return dlq.decode((r.partition, r.offset, r.value) for r in records)


async def read_replayed(settings: Settings, bootstrap: str) -> set[str]:
    try:
        log = await read_all(settings, bootstrap, replay_log_spec(settings).name)
    except ConfigError:  # no replay yet: the log topic is created by the first one
        return set()
    return dlq.replayed_ids((r.key, r.value) for r in log)


# -- list ------------------------------------------------------------------------------


def _time(stored: dlq.Stored) -> str:
    return stored.letter.failed_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 3] + "..."


def render_table(summaries: list[dlq.Summary], *, topic: str, invalid: int) -> str:
    """The summary for a person: one row per reason, then the totals."""
    header = ("reason", "count", "replayed", "first", "last", "sample detail")
    rows = [
        (
            s.reason,
            str(s.count),
            str(s.replayed),
            f"{s.first.position} {_time(s.first)}",
            f"{s.last.position} {_time(s.last)}",
            _cut(s.sample_detail, _DETAIL_CHARS),
        )
        for s in summaries
    ]
    lines = format_table([header, *rows], numeric={1, 2})
    total = sum(s.count for s in summaries)
    failed = sum(s.failed_replays for s in summaries)
    footer = f"{total} dead letter(s) on {topic} (first/last: partition@offset, failed at)"
    if failed:
        footer += f"; {failed} of them failed replays"
    if invalid:
        footer += f"; {invalid} record(s) that are not dead letters"
    return "\n".join([*lines, footer]) + "\n"


def list_json(summaries: list[dlq.Summary], *, topic: str, invalid: int) -> dict[str, Any]:
    return {
        "topic": topic,
        "dead_letters": sum(s.count for s in summaries),
        "not_dead_letters": invalid,
        "reasons": [s.as_json() for s in summaries],
    }


async def list_dead_letters(
    settings: Settings, bootstrap: str, *, as_json: bool, out: TextIO
) -> None:
    stored, invalid = await read_dead_letters(settings, bootstrap)
    summaries = dlq.summarise(stored, await read_replayed(settings, bootstrap))
    if as_json:
        out.write(
            orjson.dumps(list_json(summaries, topic=settings.topic_dlq, invalid=invalid)).decode()
        )
        out.write("\n")
    else:
        out.write(render_table(summaries, topic=settings.topic_dlq, invalid=invalid))


# -- replay ----------------------------------------------------------------------------


def describe(selection: dlq.Selection, *, topic: str, dry_run: bool) -> str:
    """The replay's last line: what was (or would be) published and what was left out."""
    chosen = selection.chosen
    reasons = Counter(s.letter.reason for s in chosen)
    by_reason = ", ".join(f"{r}: {n}" for r, n in sorted(reasons.items()))
    verb = "would replay" if dry_run else "replayed"
    line = f"{verb} {len(chosen)} dead letter(s) to {topic}"
    if by_reason:
        line += f" ({by_reason})"
    line += (
        f"; skipped {len(selection.already_replayed)} already replayed, "
        f"{len(selection.not_replayable)} without a whole value to replay"
    )
    if dry_run:
        line += "; nothing published (--dry-run)"
    return line


def dry_run_line(stored: dlq.Stored) -> str:
    letter = stored.letter
    source = letter.source
    return (
        f"{stored.position} {letter.reason} key={letter.key!r} failed {_time(stored)} "
        f"(from {source.topic}[{source.partition}]@{source.offset})"
    )


async def publish(settings: Settings, bootstrap: str, chosen: list[dlq.Stored]) -> None:
    """The pages to the pages topic, then, once all are acknowledged, their log entries:
    a crash in between replays them again next time (at least once, same page ids)."""
    log_topic = replay_log_spec(settings).name
    producer = AIOKafkaProducer(
        **client_kwargs(settings, bootstrap), max_request_size=MAX_REQUEST_BYTES
    )
    try:
        await producer.start()
        pages = []
        for stored in chosen:
            key, value, headers = dlq.page_message(stored.letter)
            pages.append(await producer.send(settings.topic_pages, value, key=key, headers=headers))
        await asyncio.wait_for(asyncio.gather(*pages), SEND_TIMEOUT_S)
        now = dt.datetime.now(dt.UTC)
        entries = []
        for stored in chosen:
            key, value = dlq.log_entry(stored, topic=settings.topic_pages, now=now)
            entries.append(await producer.send(log_topic, value, key=key))
        await asyncio.wait_for(asyncio.gather(*entries), SEND_TIMEOUT_S)
    finally:
        await asyncio.wait_for(producer.stop(), SEND_TIMEOUT_S)


async def replay(
    settings: Settings,
    bootstrap: str,
    *,
    reason: str | None,
    since: dt.datetime | None,
    dry_run: bool,
    out: TextIO,
) -> dlq.Selection:
    if not dry_run:
        await ensure_specs(settings, bootstrap, [replay_log_spec(settings)])
    stored, _ = await read_dead_letters(settings, bootstrap)
    replayed = await read_replayed(settings, bootstrap)
    selection = dlq.select(stored, replayed=replayed, reason=reason, since=since)
    if dry_run:
        for item in selection.chosen:
            out.write(dry_run_line(item) + "\n")
    elif selection.chosen:
        await publish(settings, bootstrap, selection.chosen)
    out.write(describe(selection, topic=settings.topic_pages, dry_run=dry_run) + "\n")
    return selection


def command(settings: Settings, args: argparse.Namespace) -> int:
    # Parsed before Kafka is asked, so a bad --since fails at once.
    given = getattr(args, "since", None)  # replay only
    since = dlq.parse_since(given, dt.datetime.now(dt.UTC)) if given else None
    return asyncio.run(_dlq(settings, args, since))


async def _dlq(settings: Settings, args: argparse.Namespace, since: dt.datetime | None) -> int:
    # The cluster the workers use, or the local broker they share; never one started
    # just for this (it would be empty).
    bootstrap = await find_kafka(settings, "read the dead letters of")
    if args.dlq_command == "list":
        work = list_dead_letters(settings, bootstrap, as_json=args.json, out=sys.stdout)
        await while_reachable(settings, bootstrap, work)
        return 0
    await while_reachable(
        settings,
        bootstrap,
        replay(
            settings,
            bootstrap,
            reason=args.reason,
            since=since,
            dry_run=args.dry_run,
            out=sys.stdout,
        ),
    )
    return 0
