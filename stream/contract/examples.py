"""Example records for the AsyncAPI document, made by the real offline pipeline.

They come from a bundled sample page parsed as if fetched at `EXAMPLE_TIME`, so the
document is the same on every machine and every day.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from stream.errors import InputError, SchemaError
from stream.models import Article, PageEnvelope, Teaser
from stream.settings import Settings

# Examples come from this bundled page, parsed as if it had been fetched at
# EXAMPLE_TIME, so the document is the same on every machine and every day.
EXAMPLE_PAGE = Path(__file__).parent.parent / "data" / "pages" / "000_4065343f77174ab1.txt"
EXAMPLE_TIME = dt.datetime(2026, 2, 11, 9, 30, tzinfo=dt.UTC)
EXAMPLE_URL = "https://news.example/politics/1234567"
# Lists in examples are cut to this many items: a page has ~100 teasers.
EXAMPLE_LIST_ITEMS = 2


def examples(settings: Settings, page: Path = EXAMPLE_PAGE) -> dict[str, Any]:
    """Example records made by the real offline pipeline, the same on every run."""
    # Imported here: the pipeline pulls in the parser and enrichment, which the
    # schema files themselves do not need.
    from stream import intake
    from stream.cli.parse import parse_file

    with tempfile.TemporaryDirectory() as tmp:
        # `parse_file` dates the page by the file's mtime, and a dateline without a
        # year is read against that date: pin it.
        copy = Path(tmp) / page.name
        shutil.copyfile(page, copy)
        stamp = EXAMPLE_TIME.timestamp()
        os.utime(copy, (stamp, stamp))
        parsed = parse_file(copy, settings, enrich=False)

    cut = EXAMPLE_LIST_ITEMS
    article = Article.model_validate(parsed["article"]).model_copy(
        update={"parsed_at": EXAMPLE_TIME + dt.timedelta(seconds=1)}
    )
    article = article.model_copy(
        update={
            "paragraphs": article.paragraphs[:cut],
            "teaser_ids": article.teaser_ids[:cut],
        }
    )
    # The teasers the article example lists, so the examples refer to each other.
    by_id = {t["teaser_id"]: t for t in parsed["teasers"]}
    teasers = [
        Teaser.model_validate(by_id[teaser_id]).model_copy(
            update={"first_seen_at": EXAMPLE_TIME + dt.timedelta(seconds=1)}
        )
        for teaser_id in article.teaser_ids
    ]

    body = page.read_text(encoding="utf-8")
    # A page that cannot be decoded, run through the same intake the worker uses.
    bad = intake.InputMessage(
        value="Lavrov tells US".encode("utf-16"),
        key=EXAMPLE_URL.encode(),
        headers=(("content-type", b"text/plain"),),
        topic=settings.topic_pages,
        partition=3,
        offset=42,
        timestamp=EXAMPLE_TIME,
    )
    try:
        intake.decode(bad, max_bytes=settings.max_page_bytes)
    except InputError as error:
        letter = intake.dead_letter(
            bad,
            error,
            now=EXAMPLE_TIME + dt.timedelta(seconds=1),
            max_value_bytes=settings.max_dead_letter_value_bytes,
        )
    else:  # pragma: no cover - the intake accepting UTF-16 would be a bug there
        raise SchemaError("the dead-letter example page was accepted by the intake")

    excerpt = _excerpt(body)
    envelope = PageEnvelope(
        url=EXAMPLE_URL,
        fetched_at=EXAMPLE_TIME,
        content_type="text/plain",
        body=excerpt,
    )
    return {
        "article": _dump(article),
        "teasers": [_dump(t) for t in teasers],
        "dead_letter": _dump(letter),
        "page_envelope": envelope.model_dump(mode="json", exclude_none=True),
        "raw_page": excerpt,
        "raw_page_headers": {
            "url": EXAMPLE_URL,
            "fetched_at": EXAMPLE_TIME.isoformat(),
            "content-type": "text/plain; charset=utf-8",
        },
    }


def _dump(record: BaseModel) -> Any:
    return record.model_dump(mode="json", by_alias=True)


def _excerpt(body: str) -> str:
    """The headline, lead and dateline paragraph of a page: enough to show the shape."""
    lines = [line for line in body.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "All news" in line) + 1
    return "\n\n".join(lines[start : start + 3]) + "\n"
