"""The README's three-terminal workflow, as a user runs it, with real processes.

Terminal 1 `stream run` (it starts the local broker), terminal 3 `stream tail
teasers.unique -n K`, terminal 2 `stream produce` of the sample pages; then a
second `stream run` joins the same broker and consumer group (both workers get
partitions) and pages produced after that are processed exactly once by the
two. Checked on what each terminal shows (stdout, stderr) and on the topics.
No cluster is configured: the local broker is on a port of this test's own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import orjson

from stream.cli.tail import read_all
from stream.intake import InputMessage, encode_page
from stream.kafka.embedded import free_port
from stream.pipeline import Pipeline
from stream.settings import Settings
from stream.testing.feed import crawl_feed
from stream.testing.workers import WorkerProcess, accounted_in
from tests.conftest import SAMPLE_000, SAMPLE_002
from tests.integration.cli_helpers import STREAM, stream, user_env
from tests.integration.kafka_helpers import wait_for, wait_group_ready

URL_BASE = "https://feed.example"
FEED_PAGES = 40


def expected_outputs(files: list[Path], url_base: str | None) -> tuple[set[str], set[str]]:
    """(page ids, unique teaser ids) the pipeline makes of these files, in this order."""
    reference = Pipeline(Settings())
    for path in files:
        key, value, headers = encode_page(
            path.read_bytes(),
            content_type="text/plain",
            url=f"{url_base}/{path.name}" if url_base else None,
            fetched_at=dt.datetime.now(dt.UTC),
            raw=False,
        )
        reference.feed(InputMessage(value=value, key=key, headers=tuple(headers)))
    outputs = reference.outputs
    return {a.page_id for a in outputs.articles}, {t.teaser_id for t in outputs.teasers}


def pages_done(worker: WorkerProcess) -> float:
    return accounted_in(worker.metrics())[0]


def test_run_produce_tail_then_a_second_worker_joins(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(local_broker_port=port)
    env = user_env(local_broker_port=port)
    local = settings.model_copy(update={"bootstrap_servers": settings.local_broker})

    # Terminal 1: the first worker starts the local broker.
    first = WorkerProcess.start(settings, tmp_path, "terminal-1")
    second: WorkerProcess | None = None
    try:
        first.wait_ready(60)
        first.wait_log(f"started the local broker at 127.0.0.1:{port}")

        # Terminal 3: tail waits for the first K unique teasers.
        samples = [SAMPLE_000, SAMPLE_002]
        _, sample_teasers = expected_outputs(samples, None)
        out, err = tmp_path / "tail.out", tmp_path / "tail.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            tail = subprocess.Popen(
                [*STREAM, "tail", "teasers.unique", "-n", str(len(sample_teasers))],
                stdout=stdout,
                stderr=stderr,
                env=env,
            )
        try:
            wait_for(
                lambda: "tailing teasers.unique (8 partitions) from the end" in err.read_text(),
                timeout=30,
                message=err.read_text(),
            )
            # Terminal 2: the sample pages.
            produced = stream("produce", *map(str, samples), env=env)
            assert tail.wait(60) == 0, err.read_text()
        finally:
            if tail.poll() is None:
                tail.kill()
                tail.wait()
        assert produced.returncode == 0, produced.stderr
        assert produced.stdout == ""
        assert re.fullmatch(
            r"published 2 page\(s\), [\d.]+ MB, to pages\.raw in [\d.]+ s \(\d+ pages/s\)",
            produced.stderr.splitlines()[-1],
        )
        teasers = [orjson.loads(line) for line in out.read_text().splitlines()]
        assert {t["teaser_id"] for t in teasers} == sample_teasers
        assert len(teasers) == len(sample_teasers)
        assert {t["schema"] for t in teasers} == {"teaser/1"}
        assert (
            err.read_text().splitlines()[-1]
            == f"{len(sample_teasers)} record(s) from teasers.unique"
        )

        # A second worker joins the same broker and group: both get partitions.
        second = WorkerProcess.start(settings, tmp_path, "terminal-4")
        second.wait_ready(60)
        second.wait_log(f"joining the local broker at 127.0.0.1:{port}")
        wait_group_ready([first, second])
        owned = [set(_pages_partitions(w)) for w in (first, second)]
        assert all(owned), owned
        assert not owned[0] & owned[1]
        assert owned[0] | owned[1] == {f"pages.raw[{n}]" for n in range(8)}

        # Pages produced now are processed once, by the two together.
        before = pages_done(first)
        feed = tmp_path / "feed"
        feed.mkdir()
        files = []
        for n, page in enumerate(crawl_feed(FEED_PAGES, window=20, new_per_page=2, sites=2)):
            files.append(feed / f"page-{n:03d}.txt")
            files[-1].write_text(page.body, "utf-8")
        produced = stream("produce", "--url-base", URL_BASE, str(feed), env=env)
        assert produced.returncode == 0, produced.stderr
        assert f"published {FEED_PAGES} page(s)" in produced.stderr
        wait_for(
            lambda: pages_done(first) + pages_done(second) >= before + FEED_PAGES,
            timeout=120,
            message=first.log() + second.log(),
        )
        assert pages_done(first) - before > 0
        assert pages_done(second) > 0
        assert pages_done(first) + pages_done(second) == before + FEED_PAGES
        feed_pages, feed_teasers = expected_outputs(files, URL_BASE)
        articles = [
            orjson.loads(r.value)
            for r in asyncio.run(read_all(local, local.local_broker, "articles.parsed"))
        ]
        unique = [
            orjson.loads(r.value)
            for r in asyncio.run(read_all(local, local.local_broker, "teasers.unique"))
        ]
        ids = [a["page_id"] for a in articles]
        assert len(ids) == len(set(ids)) == 2 + FEED_PAGES
        assert feed_pages <= set(ids)
        teaser_ids = [t["teaser_id"] for t in unique]
        assert len(teaser_ids) == len(set(teaser_ids)), "a teaser was published twice"
        assert set(teaser_ids) == sample_teasers | feed_teasers

        # The operator's tools find the same local broker: both workers in the group,
        # nothing left to do, no dead letter.
        def caught_up() -> dict[str, Any] | None:
            done = stream("status", "--json", env=env)
            assert done.returncode == 0, done.stderr
            report: dict[str, Any] = orjson.loads(done.stdout)
            return report if report["total_lag"] == 0 else None

        report = wait_for(caught_up, timeout=30, message="the group caught up")
        assert len(report["members"]) == 2
        assert all(m["ready"] for m in report["members"]), report["members"]
        letters = stream("dlq", "list", "--json", env=env)
        assert letters.returncode == 0, letters.stderr
        assert orjson.loads(letters.stdout)["dead_letters"] == 0
    finally:
        if second is not None:
            assert second.stop() == 0, second.log()
        assert first.stop() == 0, first.log()


def _pages_partitions(worker: WorkerProcess) -> list[str]:
    ready = orjson.loads(worker.get("/readyz")[1])
    return [p for p in ready["assigned"] if p.startswith("pages.raw[")]
