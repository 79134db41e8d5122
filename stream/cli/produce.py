"""`stream produce`: publish page files to `pages.raw` as a crawler would.

Pages go out as JSON envelopes by default, or as raw bodies with `url`,
`fetched_at` and `content-type` headers (`--raw`), the two encodings the
contract accepts. Sends are pipelined and awaited together, so a folder of
pages costs one round trip per producer batch, not per page.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import orjson
from aiokafka import AIOKafkaProducer

from stream.cli.cluster import cluster
from stream.errors import ConfigError
from stream.kafka.connection import client_kwargs
from stream.settings import Settings

PAGE_SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}
SEND_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class PageFile:
    path: Path
    content_type: str


def collect_pages(paths: Iterable[str | Path]) -> list[PageFile]:
    """The page files named, folders expanded (sorted, so runs are repeatable)."""
    files: list[PageFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES)
        elif path.is_file():
            candidates = [path]
        else:
            raise ConfigError(f"{path}: no such file or folder")
        for candidate in candidates:
            content_type = PAGE_SUFFIXES.get(candidate.suffix.lower(), "text/plain")
            files.append(PageFile(candidate, content_type))
    if not files:
        raise ConfigError(
            "no page files (.txt, .html, .htm) found in " + ", ".join(map(str, paths))
        )
    return files


def encode_page(
    body: bytes, *, content_type: str, url: str | None, fetched_at: dt.datetime, raw: bool
) -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) of one page in the chosen encoding."""
    key = url.encode() if url else None
    if raw:
        headers = [
            ("content-type", content_type.encode()),
            ("fetched_at", fetched_at.isoformat().encode()),
        ]
        if url:
            headers.append(("url", url.encode()))
        return key, body, headers
    envelope = {
        "url": url,
        "fetched_at": fetched_at.isoformat(),
        "content_type": content_type,
        "body": body.decode("utf-8", "replace"),
    }
    return key, orjson.dumps(envelope), []


@dataclass(frozen=True, slots=True)
class ProduceReport:
    topic: str
    pages: int
    bytes: int
    seconds: float

    def summary(self) -> str:
        rate = self.pages / self.seconds if self.seconds > 0 else float("inf")
        return (
            f"published {self.pages} page(s), {self.bytes / 1e6:.2f} MB, to {self.topic} "
            f"in {self.seconds:.2f} s ({rate:.0f} pages/s)"
        )


async def produce_pages(
    settings: Settings,
    bootstrap_servers: str,
    files: list[PageFile],
    *,
    raw: bool = False,
    repeat: int = 1,
    url_base: str | None = None,
    progress: bool = True,
) -> ProduceReport:
    from tqdm import tqdm

    producer = AIOKafkaProducer(
        **client_kwargs(settings, bootstrap_servers),
        linger_ms=5,
        max_batch_size=1_048_576,
        max_request_size=4_194_304,
        acks="all",
    )
    await producer.start()
    try:
        started = time.perf_counter()
        total_bytes = 0
        pending = []
        bodies = [(f, f.path.read_bytes()) for f in files]
        with tqdm(total=len(bodies) * repeat, unit="page", disable=not progress) as bar:
            for _ in range(repeat):
                for page, body in bodies:
                    url = f"{url_base.rstrip('/')}/{page.path.name}" if url_base else None
                    key, value, headers = encode_page(
                        body,
                        content_type=page.content_type,
                        url=url,
                        fetched_at=dt.datetime.now(dt.UTC),
                        raw=raw,
                    )
                    fut = await producer.send(settings.topic_pages, value, key=key, headers=headers)
                    fut.add_done_callback(lambda _f: bar.update())
                    pending.append(fut)
                    total_bytes += len(value)
            await asyncio.wait_for(asyncio.gather(*pending), SEND_TIMEOUT_S)
        return ProduceReport(
            settings.topic_pages, len(pending), total_bytes, time.perf_counter() - started
        )
    finally:
        await asyncio.wait_for(producer.stop(), SEND_TIMEOUT_S)


def command(settings: Settings, args: argparse.Namespace) -> int:
    from stream.kafka.topics import ensure_topics

    files = collect_pages(args.paths)
    with cluster(settings) as bootstrap:
        asyncio.run(ensure_topics(settings, bootstrap))
        report = asyncio.run(
            produce_pages(
                settings,
                bootstrap,
                files,
                raw=args.raw,
                repeat=args.repeat,
                url_base=args.url_base,
                progress=not args.quiet,
            )
        )
    print(report.summary(), file=sys.stderr)
    return 0
