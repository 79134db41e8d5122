"""`stream status`: the consumer group for an operator without Grafana.

Members, the partitions each owns, committed offsets, lag per partition and each
worker's `/readyz`, as a table or as JSON (`--json`). The broker is asked for the
group and the offsets (nothing joins the group or commits); workers are found by
the address each announced on `<app id>-workers` when it started, and asked for
`/readyz`. On Tansu, whose end offsets are under-reported, the end of each partition
is read from its last batch (`STREAM_VERIFY_END_OFFSETS`, on for the embedded
broker); `stream.status` joins it all.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import urllib.error
import urllib.request
from typing import TextIO

import orjson

from stream import status
from stream.cli.cluster import find_kafka, while_reachable
from stream.cli.table import format_table
from stream.cli.tail import read_all
from stream.errors import ConfigError
from stream.kafka import group
from stream.kafka.flavour import tuned_for_broker
from stream.kafka.topics import partitions_of, workers_spec
from stream.settings import Settings

READYZ_TIMEOUT_S = 2.0


def _readyz(url: str) -> status.WorkerView:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=READYZ_TIMEOUT_S) as response:
            code, body = int(response.status), response.read()
    except urllib.error.HTTPError as error:  # 503 is an answer: not ready, and why
        code, body = int(error.code), error.read()
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        return status.WorkerView(url=url, status=None, body=None, error=str(reason))
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        parsed = None
    return status.WorkerView(
        url=url, status=code, body=parsed if isinstance(parsed, dict) else None
    )


async def announced(settings: Settings, bootstrap: str) -> list[str]:
    """The web addresses workers announced, the latest record of each."""
    try:
        records = await read_all(settings, bootstrap, workers_spec(settings).name, idle_s=0.5)
    except ConfigError:  # no worker has run against this cluster with this app id
        return []
    urls: dict[str, None] = {}
    for record in records:
        if record.value is not None:
            urls[orjson.loads(record.value)["url"]] = None
    return list(urls)


async def gather(settings: Settings, bootstrap: str) -> status.Report:
    described = await group.describe(settings, bootstrap)
    urls = await announced(settings, bootstrap)
    workers = await asyncio.gather(*(asyncio.to_thread(_readyz, url) for url in urls))
    sources = [settings.topic_pages, settings.topic_sightings, settings.topic_fresh]
    tps = [(topic, p) for topic in sources for p in await partitions_of(settings, bootstrap, topic)]
    # Tansu under-reports end offsets: read the true end there (asked of the broker).
    read_true_end = bool((await tuned_for_broker(settings, bootstrap)).verify_end_offsets)
    committed, beginning, end = await group.offsets(
        settings, bootstrap, tps, read_true_end=read_true_end
    )
    return status.build(
        group=described.group_id,
        state=described.state,
        members=described.members,
        workers=workers,
        committed=committed,
        beginning=beginning,
        end=end,
        end_offsets="read" if read_true_end else "reported",
    )


def render(report: status.Report) -> str:
    """The report for a person: the group, a table of members, a table of partitions."""
    lines = [
        f"group {report.group}: {report.state}, {len(report.members)} member(s), "
        f"total lag {report.total_lag} (end offsets {report.end_offsets})",
        "",
    ]
    members: list[tuple[str, ...]] = [("member", "host", "url", "readyz", "partitions")]
    for m in report.members:
        owned = " ".join(f"{t}[{','.join(map(str, ps))}]" for t, ps in m.assigned.items())
        members.append(
            (status.short(m.member_id), m.host or "-", m.url or "-", m.readiness, owned or "-")
        )
    lines += format_table(members)
    lines.append("")
    partitions: list[tuple[str, ...]] = [
        ("topic", "partition", "member", "committed", "end", "lag")
    ]
    for p in report.partitions:
        committed = "-" if p.committed is None else str(p.committed)
        partitions.append(
            (p.topic, str(p.partition), status.short(p.owner), committed, str(p.end), str(p.lag))
        )
    lines += format_table(partitions, numeric={1, 3, 4, 5})
    lines += [f"announced, not in the group: {w.url} ({w.readiness})" for w in report.others]
    return "\n".join(lines) + "\n"


def show(report: status.Report, *, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(orjson.dumps(report.as_json()).decode() + "\n")
    else:
        out.write(render(report))


def command(settings: Settings, args: argparse.Namespace) -> int:
    report = asyncio.run(_status(settings))
    show(report, as_json=args.json, out=sys.stdout)
    return 0


async def _status(settings: Settings) -> status.Report:
    # The cluster the workers use, or the local broker they share.
    bootstrap = await find_kafka(settings, "ask about the group")
    return await while_reachable(settings, bootstrap, gather(settings, bootstrap))
