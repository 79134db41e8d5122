"""`stream parse FILE`: the pipeline on one file, offline, in the topics' JSON shape.

It runs the same `Pipeline` the tests use, with in-memory state, so what it prints
is what the worker would publish for that page alone (near-duplicates are found
within the page).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import orjson

from stream.cli.page_files import content_type_of
from stream.errors import PageRejected, StreamError
from stream.intake import InputMessage, encode_page
from stream.pipeline import Pipeline, TeaserEnricher
from stream.settings import Settings


def parse_file(path: Path, settings: Settings, *, enrich: bool = False) -> dict[str, Any]:
    """`{"article": {...}, "teasers": [...]}`; raises `PageRejected` for a bad page."""
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise StreamError(f"cannot read {path}: {exc.strerror}") from exc
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    # The same encoding `stream produce --raw` uses, so both paths agree byte for byte.
    _, value, headers = encode_page(
        body,
        content_type=content_type_of(path),
        url=None,
        fetched_at=mtime,
        raw=True,
    )
    enricher = TeaserEnricher({}, threshold=settings.near_duplicate_threshold) if enrich else None
    pipeline = Pipeline(settings, enricher=enricher)
    result = pipeline.feed(InputMessage(value=value, headers=tuple(headers), topic=str(path)))
    if result.dead_letter is not None:
        raise PageRejected(result.dead_letter)
    assert result.article is not None
    return {
        "article": result.article.model_dump(mode="json", by_alias=True),
        "teasers": [t.model_dump(mode="json", by_alias=True) for t in pipeline.outputs.teasers],
    }


def command(settings: Settings, args: argparse.Namespace) -> int:

    try:
        result = parse_file(Path(args.file), settings, enrich=args.enrich)
    except PageRejected as rejected:
        print(f"stream parse: {args.file}: {rejected.detail}", file=sys.stderr)
        return 2
    option = orjson.OPT_INDENT_2 if args.pretty else 0
    sys.stdout.buffer.write(orjson.dumps(result, option=option) + b"\n")
    return 0
