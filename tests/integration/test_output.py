"""Output that fits where it goes: no terminal codes in a file, `tail --pretty` for people.

The real commands with stdout and stderr redirected to files, as `stream demo >
demo.log` does: no escape code (faust's spinner wrote ESC[?25l), no progress bar
(tqdm redraws with carriage returns).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import orjson

from stream.kafka.embedded import free_port
from tests.conftest import SAMPLE_000, SAMPLE_002
from tests.integration.cli_helpers import STREAM, start_broker, stream, user_env


def test_demo_redirected_to_a_file_has_no_terminal_codes(tmp_path: Path) -> None:
    out, err = tmp_path / "demo.log", tmp_path / "demo.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        code = subprocess.run(
            [*STREAM, "demo"],
            stdout=stdout,
            stderr=stderr,
            env=user_env(),
            timeout=180,
            check=False,
        ).returncode
    assert code == 0, err.read_text()
    assert "stream demo: done" in out.read_text()
    for written in (out, err):
        assert b"\x1b" not in written.read_bytes(), written


def test_produce_piped_prints_its_summary_without_a_progress_bar_and_tail_pretty_indents(
    tmp_path: Path,
) -> None:
    env = user_env(local_broker_port=free_port())
    broker = start_broker(env, tmp_path)
    try:
        produced = stream("produce", str(SAMPLE_000), str(SAMPLE_002), env=env)
        assert produced.returncode == 0, produced.stderr
        assert "\r" not in produced.stderr
        assert "page/s]" not in produced.stderr  # tqdm's bar
        assert produced.stderr.splitlines()[-1].startswith("published 2 page(s)")
        pretty = stream("tail", "pages.raw", "--from-beginning", "-n", "2", "--pretty", env=env)
        assert pretty.returncode == 0, pretty.stderr
        assert "\x1b" not in pretty.stdout
        records = [r for r in pretty.stdout.split("\n\n") if r]
        assert len(records) == 2
        for record in records:
            assert re.fullmatch(r"-- pages\.raw\[\d+\]@\d+ key=None", record.split("\n", 1)[0])
        first_body = records[0].split("\n", 1)[1]
        assert first_body.startswith('{\n  "url": null,')
        assert orjson.loads(first_body)["content_type"] == "text/plain"
    finally:
        broker.stop()
