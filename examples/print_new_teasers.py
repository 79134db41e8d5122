"""Print new teasers as they arrive on `teasers.unique`, one line each.

A minimal consumer built on `stream.client`: it joins a consumer group, so a
second run prints only teasers the first did not, and it commits each teaser
after printing it, so a crash repeats at most the line it was printing. Delivery
is at least once; `dedupe=True` drops a teaser that is delivered twice.

    python examples/print_new_teasers.py --bootstrap localhost:9092 --limit 10
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from stream.client import subscribe
from stream.errors import StreamError
from stream.models import Teaser
from stream.settings import Settings


def line(teaser: Teaser) -> str:
    """`time  id  headline  [category] (attribution)`, the optional parts when known."""
    text = teaser.headline or teaser.lead or ""
    extras = ""
    if teaser.enrichment.category:
        extras += f"  [{teaser.enrichment.category}]"
    if teaser.enrichment.attribution:
        extras += f"  ({teaser.enrichment.attribution})"
    return f"{teaser.first_seen_at:%Y-%m-%d %H:%M}  {teaser.teaser_id}  {text}{extras}"


async def print_teasers(args: argparse.Namespace) -> int:
    settings = Settings()
    printed = 0
    async with subscribe(
        args.topic or settings.topic_teasers,
        model=Teaser,
        group=args.group,
        settings=settings,
        bootstrap_servers=args.bootstrap,
        dedupe=True,
    ) as teasers:
        async for item in teasers:
            print(line(item.record), flush=True)
            # Committed after the side effect (the print), never before it.
            await teasers.commit(item)
            printed += 1
            if args.limit is not None and printed >= args.limit:
                break
    return printed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--bootstrap", help="Kafka bootstrap servers (default: STREAM_BOOTSTRAP_SERVERS)"
    )
    parser.add_argument("--topic", help="the teasers topic (default: teasers.unique)")
    parser.add_argument(
        "--group",
        default="print-new-teasers",
        help="consumer group: runs in one group share the work and resume where it stopped",
    )
    parser.add_argument("--limit", type=int, help="stop after printing this many teasers")
    args = parser.parse_args(argv)
    try:
        asyncio.run(print_teasers(args))
    except StreamError as error:
        print(f"print_new_teasers: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
