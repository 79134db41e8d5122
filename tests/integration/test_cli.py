"""stream.cli: `stream parse` prints the page; bad input exits non-zero with one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import SAMPLE_000, SAMPLE_002


def stream(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "stream", *args], capture_output=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("sample", "headline", "teasers"),
    [
        (SAMPLE_000, "Lavrov tells US to keep out of regions that don't concern it", 101),
        (
            SAMPLE_002,
            "Lavrov advises Central Asian countries to 'outlast' Kaja Kallas in her position",
            100,
        ),
    ],
)
def test_parse_prints_the_article_and_its_teasers(
    sample: Path, headline: str, teasers: int
) -> None:
    done = stream("parse", str(sample))
    assert done.returncode == 0, done.stderr
    page = orjson.loads(done.stdout)
    assert page["article"]["headline"] == headline
    assert len(page["teasers"]) == teasers
    assert page["article"]["schema"] == "article/1"


def test_parse_enrich_fills_each_teasers_enrichment() -> None:
    done = stream("parse", "--enrich", str(SAMPLE_000))
    assert done.returncode == 0, done.stderr
    first = orjson.loads(done.stdout)["teasers"][0]
    assert first["enrichment"]["attribution"] == "Russian senator"
    assert first["enrichment"]["language"] == "en"


def test_parse_pretty_is_indented_json() -> None:
    done = stream("parse", "--pretty", str(SAMPLE_002))
    assert done.stdout.startswith(b'{\n  "article"')


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\xff\xfe\xfa", "not_utf8"),
        (b"{{newsPoint.title}}\nAll news\n", "no_article"),
    ],
)
def test_parse_of_a_bad_file_exits_non_zero_with_one_line(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    done = stream("parse", str(bad))
    assert done.returncode == 2
    assert done.stdout == b""
    message = done.stderr.decode().strip()
    assert "\n" not in message
    assert f": {reason}: " in message


def test_missing_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = stream("parse", str(tmp_path / "nope.txt"))
    assert done.returncode == 1
    assert "nope.txt" in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()
