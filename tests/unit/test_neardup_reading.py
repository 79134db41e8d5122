"""What the near-duplicate rule reads and the index decides, pinned bit for bit.

`reading` and the index are tuned for speed; their outputs must not move with it.
`tests/fixtures/neardup_digests.json` holds a digest of each text's facts and content
words (labelled pairs, sample and fresh teasers, benchmark-feed teasers) and of the
verdicts and stored records of one index fed all of those texts, written by the code
as it was when the digests were taken. A change that moves any of them fails here
with the first text whose reading differs.

Regenerate only on purpose, when the rule itself changes (and say so in the commit):

    python tests/unit/test_neardup_reading.py --write
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from stream.enrich.neardup import NearDuplicateIndex
from stream.enrich.neardup.story import content_words, facts
from stream.testing.feed import crawl_feed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DIGESTS = FIXTURES / "neardup_digests.json"
THRESHOLD = 0.5
#: Benchmark-feed pages read for their distinct teasers (templated reports, long leads,
#: a new reference in each).
FEED_PAGES = 120


def _joined(record: dict[str, Any]) -> str:
    return " ".join(part for part in (record["headline"], record["lead"]) if part)


@functools.cache
def reading_texts() -> tuple[str, ...]:
    """The labelled pairs (both sides), the sample and fresh teasers with their leads,
    and the benchmark feed's distinct teasers, in a fixed order."""
    pairs = json.loads((FIXTURES / "neardup_pairs.json").read_text(encoding="utf-8"))["pairs"]
    texts = [pair[side] for pair in pairs for side in ("a", "b")]
    for name in ("teaser_labels.json", "fresh_teasers.json"):
        teasers = json.loads((FIXTURES / name).read_text(encoding="utf-8"))["teasers"]
        texts += [_joined(t) for t in teasers]
    feed: dict[str, None] = {}
    for page in crawl_feed(FEED_PAGES):
        for t in page.teasers:
            feed.setdefault(_joined({"headline": t.headline, "lead": t.lead}))
    return (*texts, *feed)


def _digest(value: Any) -> str:
    # Keys in the order they were written: a stored record is pinned to its bytes.
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:16]


def reading_of(text: str) -> list[Any]:
    """Everything the rule reads in a text, in a canonical form: the facts as stored
    (`Facts.to_json`) and the content words."""
    own = facts(text)
    return [own.to_json(), sorted(own.words), sorted(content_words(text, own))]


def index_stream(texts: tuple[str, ...]) -> list[Any]:
    """Verdicts and stored records of one index fed every text in order: rewordings,
    siblings and same-topic stories meet their candidates among hundreds of others."""
    store: dict[str, Any] = {}
    index = NearDuplicateIndex(store, threshold=THRESHOLD)
    verdicts = [index.check_and_add(f"{n:016x}", text, now=1e9 + n) for n, text in enumerate(texts)]
    return [verdicts, sorted(store.items())]


def current() -> dict[str, Any]:
    texts = reading_texts()
    return {
        "texts": len(texts),
        "reading": [_digest(reading_of(text)) for text in texts],
        "index": _digest(index_stream(texts)),
    }


def test_every_text_reads_as_when_the_digests_were_taken() -> None:
    pinned = json.loads(DIGESTS.read_text(encoding="utf-8"))
    texts = reading_texts()
    assert len(texts) == pinned["texts"] > 1_000
    for text, digest in zip(texts, pinned["reading"], strict=True):
        assert _digest(reading_of(text)) == digest, (text, reading_of(text))


def test_the_index_decides_and_stores_as_when_the_digests_were_taken() -> None:
    pinned = json.loads(DIGESTS.read_text(encoding="utf-8"))
    verdicts, _ = stream = index_stream(reading_texts())
    # Not a stream of strangers: many texts find an earlier one of their story.
    assert sum(v is not None for v in verdicts) > 300
    assert _digest(stream) == pinned["index"]


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(f"usage: python {sys.argv[0]} --write  (rewrites {DIGESTS.name})")
    DIGESTS.write_text(json.dumps(current(), indent=0) + "\n", encoding="utf-8")
    print(f"wrote {DIGESTS}")
