"""Bad input at volume through a real `stream run` worker on the embedded broker.

One message in ten is hostile (every dead-letter kind of `stream/testing/hostile.py`:
empty, null, binary, broken and wrongly typed envelopes, pages above the limit,
10,000-deep HTML, a megabyte-class line, inputs built for the regular expressions,
records that would be too large to publish), the rest are the two sample pages
under distinct URLs. Every good page must come out as its article, every bad one
as exactly one dead letter with its reason, the unique teasers must be the 201 of
the samples, and the worker must stay alive with bounded memory.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import orjson
import pytest

from stream.intake import TRUNCATION_MARKER, encode_page
from stream.settings import Settings
from stream.testing.hostile import ARTICLE, catalogue
from stream.testing.workers import running_worker
from tests.conftest import SAMPLE_000, SAMPLE_002
from tests.integration.kafka_helpers import (
    accounted,
    prepare,
    produce,
    read_topic,
    values,
    wait_for,
)

pytestmark = pytest.mark.integration

# Below Tansu's ~1 MiB message limit, so that pages above this limit can be sent.
MAX_PAGE_BYTES = 250_000
# Small enough that most dead letters here are cut, with the marker.
MAX_DEAD_LETTER_VALUE_BYTES = 50_000
# Key, headers (each cut to 4 kB), detail and position around the value.
DEAD_LETTER_OVERHEAD = 16_000
GOOD_PER_BAD = 9
TEASERS = {SAMPLE_000: 101, SAMPLE_002: 100}
UNIQUE_BOTH = 201
# The worker's peak RSS may grow this much over its RSS once ready (measured: 149 MiB
# ready, 226 MiB peak over these 480 messages, load average ~2). In flight at once:
# fetches of up to 4 MiB per partition of each consumed topic (pages, sightings and
# fresh: 9 partitions here, 36 MiB), pages as bytes, text and lines (~4x their 250
# kB at most), their records, and arenas the allocator keeps. A leak of 300 kB per
# message (about one page's worth) would pass the bound within these messages.
RSS_GROWTH_BOUND = 128 * 2**20


def vm_kib(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB$", status, re.MULTILINE)
    assert match is not None, f"no {field} in /proc/{pid}/status"
    return int(match.group(1))


def good_message(i: int) -> tuple[bytes | None, bytes | None, list[tuple[str, bytes]], Path]:
    """A sample page under its own URL, as an envelope or (every third) a raw body."""
    sample = (SAMPLE_000, SAMPLE_002)[i % 2]
    key, value, headers = encode_page(
        sample.read_bytes(),
        content_type="text/plain",
        url=f"https://tass.com/politics/{i}",
        fetched_at=dt.datetime(2026, 2, 11, 12, tzinfo=dt.UTC),
        raw=i % 3 == 0,
    )
    return key, value, list(headers), sample


def test_one_bad_message_in_ten_gives_dead_letters_and_every_good_page_its_article(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(
        update={
            "max_page_bytes": MAX_PAGE_BYTES,
            "max_dead_letter_value_bytes": MAX_DEAD_LETTER_VALUE_BYTES,
        }
    )
    bad = [h for h in catalogue(MAX_PAGE_BYTES) if h.outcome != ARTICLE]
    messages: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]] = []
    good_urls: set[str] = set()
    sightings = 0
    for n, hostile in enumerate(bad):
        messages.append((f"bad-{hostile.kind}".encode(), hostile.value, list(hostile.headers)))
        for j in range(GOOD_PER_BAD):
            key, value, headers, sample = good_message(n * GOOD_PER_BAD + j)
            messages.append((key, value, headers))
            good_urls.add(f"https://tass.com/politics/{n * GOOD_PER_BAD + j}")
            sightings += TEASERS[sample]
    prepare(settings)
    with running_worker(settings, tmp_path) as worker:
        assert worker.process is not None
        pid = worker.process.pid
        # The RSS read below is the worker's own, not a wrapper's.
        assert Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[1:4] == [
            b"-m",
            b"stream",
            b"run",
        ]
        rss_ready = vm_kib(pid, "VmRSS") * 1024
        asyncio.run(produce(settings, messages))
        wait_for(
            lambda: accounted(worker) >= (len(messages), sightings),
            timeout=120,
            message=f"{len(messages)} pages / {sightings} sightings; got {accounted(worker)}"
            f"\n{worker.log()}",
        )
        articles = values(asyncio.run(read_topic(settings, settings.topic_articles)))
        teasers = values(asyncio.run(read_topic(settings, settings.topic_teasers)))
        dead = values(asyncio.run(read_topic(settings, settings.topic_dlq)))
        peak = vm_kib(pid, "VmHWM") * 1024
        metrics = worker.metrics()
        assert worker.process.poll() is None, worker.log()

    assert sorted(a["url"] for a in articles) == sorted(good_urls)
    assert all(len(a["teaser_ids"]) in TEASERS.values() for a in articles)
    ids = [t["teaser_id"] for t in teasers]
    assert len(ids) == len(set(ids)) == UNIQUE_BOTH

    by_key = Counter(d["key"] for d in dead)
    assert by_key == Counter(f"bad-{h.kind}" for h in bad), "one dead letter per bad message"
    reasons = {d["key"]: d["reason"] for d in dead}
    expected = {f"bad-{h.kind}": h.outcome for h in bad}
    assert reasons == expected
    for letter in dead:
        assert letter["source"]["topic"] == settings.topic_pages
        assert len(orjson.dumps(letter)) <= MAX_DEAD_LETTER_VALUE_BYTES + DEAD_LETTER_OVERHEAD
        if letter["value_bytes"] > MAX_DEAD_LETTER_VALUE_BYTES:
            assert letter["value_truncated"], letter["key"]
            marker = TRUNCATION_MARKER.split("{")[0].encode()
            value = letter["value"].encode()
            if letter["value_encoding"] == "base64":
                value = base64.b64decode(value)
            assert marker in value, letter["key"]
    assert sum(d["value_truncated"] for d in dead) >= 10
    assert metrics['stream_pages_total{outcome="dead_letter"}'] == len(bad)
    assert metrics['stream_pages_total{outcome="parsed"}'] == len(good_urls)

    growth = peak - rss_ready
    assert growth < RSS_GROWTH_BOUND, (
        f"peak RSS {peak / 2**20:.0f} MiB, {growth / 2**20:.0f} MiB over "
        f"{rss_ready / 2**20:.0f} MiB once ready"
    )
    print(
        f"\n{len(messages)} messages ({len(bad)} bad): RSS once ready "
        f"{rss_ready / 2**20:.0f} MiB, peak {peak / 2**20:.0f} MiB"
    )
