"""`stream tail TOPIC`: print a topic as JSON lines, like a downstream consumer sees it.

It reads without a consumer group (it assigns itself every partition), so tailing
never steals partitions from the workers or moves anyone's committed offsets.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import logging
import sys
from typing import Any, TextIO

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from stream.cli.cluster import find_kafka, while_reachable
from stream.kafka.connection import client_kwargs
from stream.kafka.topics import partitions_of
from stream.settings import Settings

log = logging.getLogger("stream")


def render(record: Any) -> bytes:
    """A record's value as one JSON line: JSON values as they are, others wrapped."""
    value: bytes | None = record.value
    if value is not None and value[:1] == b"{":
        try:
            return orjson.dumps(orjson.loads(value))
        except orjson.JSONDecodeError:
            pass
    try:
        text: str | None = value.decode("utf-8") if value is not None else None
        encoding = "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(value or b"").decode(), "base64"
    return orjson.dumps(
        {
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "key": record.key.decode("utf-8", "replace") if record.key else None,
            "value": text,
            "value_encoding": encoding,
        }
    )


# SGR codes: dim for the line that says where a record came from, reset after it.
_DIM, _RESET = "\x1b[2m", "\x1b[0m"


def render_pretty(record: Any, *, colour: bool) -> str:
    """A record for people: a line saying where it came from (dimmed when `colour`),
    then its JSON indented; a blank line between records."""
    where = (
        f"-- {record.topic}[{record.partition}]@{record.offset}"
        f" key={record.key.decode('utf-8', 'replace') if record.key else None}"
    )
    if colour:
        where = f"{_DIM}{where}{_RESET}"
    body = orjson.dumps(orjson.loads(render(record)), option=orjson.OPT_INDENT_2).decode()
    return f"{where}\n{body}\n"


async def tail(
    settings: Settings,
    bootstrap_servers: str,
    topic: str,
    *,
    from_beginning: bool = False,
    limit: int | None = None,
    idle_timeout: float | None = None,
    out: TextIO,
    pretty: bool = False,
) -> int:
    consumer = AIOKafkaConsumer(
        **client_kwargs(settings, bootstrap_servers),
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
    )
    # Stopped even when its start fails (a refused login): else it is reported unclosed.
    try:
        await consumer.start()
        partitions = await partitions_of(settings, bootstrap_servers, topic)
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        if from_beginning:
            await consumer.seek_to_beginning()
        else:
            await consumer.seek_to_end()
        # Seeks are lazy: asking each position makes "from the end" mean now, before
        # the line below tells a person (or a script) that tail is listening.
        for assigned in consumer.assignment():
            await consumer.position(assigned)
        log.info(
            "tailing %s (%d partitions) from the %s; Ctrl-C stops",
            topic,
            len(partitions),
            "beginning" if from_beginning else "end",
        )
        count = 0
        while limit is None or count < limit:
            batches = await consumer.getmany(timeout_ms=int((idle_timeout or 3600) * 1000))
            if not batches:
                if idle_timeout is not None:
                    break
                continue
            records = [record for batch in batches.values() for record in batch]
            # `-n N` prints N records, even when one fetch brought more.
            for record in records[: None if limit is None else limit - count]:
                if pretty:
                    out.write(render_pretty(record, colour=out.isatty()) + "\n")
                else:
                    out.write(render(record).decode() + "\n")
                count += 1
            out.flush()
        return count
    finally:
        await asyncio.wait_for(consumer.stop(), 10)


async def read_all(
    settings: Settings, bootstrap_servers: str, topic: str, *, idle_s: float = 1.0
) -> list[Any]:
    """Every record of a topic, read from the beginning until `idle_s` without records.

    This is how `stream` counts: Tansu's ListOffsets under-reports end offsets, so
    "how many records" is answered by reading them, not by subtracting offsets.
    """
    consumer = AIOKafkaConsumer(
        **client_kwargs(settings, bootstrap_servers), enable_auto_commit=False
    )
    try:
        await consumer.start()
        partitions = await partitions_of(settings, bootstrap_servers, topic)
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        await consumer.seek_to_beginning()
        records: list[Any] = []
        while batches := await consumer.getmany(timeout_ms=int(idle_s * 1000)):
            for batch in batches.values():
                records.extend(batch)
        return records
    finally:
        await asyncio.wait_for(consumer.stop(), 10)


def command(settings: Settings, args: argparse.Namespace) -> int:
    count = asyncio.run(_tail(settings, args))
    print(f"{count} record(s) from {args.topic}", file=sys.stderr)
    return 0


async def _tail(settings: Settings, args: argparse.Namespace) -> int:
    # An embedded broker started just for tail would be empty: only a running one counts.
    bootstrap = await find_kafka(settings, "tail")
    return await while_reachable(
        settings,
        bootstrap,
        tail(
            settings,
            bootstrap,
            args.topic,
            from_beginning=args.from_beginning,
            limit=args.n,
            idle_timeout=args.timeout,
            out=sys.stdout,
            pretty=args.pretty,
        ),
    )
