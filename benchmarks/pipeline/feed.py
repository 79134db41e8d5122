"""The benchmark's feed: the crawl of issue 7 (`stream.testing.feed.crawl_feed`, its
window, new teasers per page and sites), as messages, with exactly the outputs the
pipeline and the pass-through must make of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from stream.settings import Settings
from stream.testing.feed import FeedPage, crawl_feed, distinct_teasers

from .harness import HarnessError

# The feed of issue 7: what a crawler of a few news sites sends.
WINDOW, NEW_PER_PAGE, SITES = 100, 3, 4
Message = tuple[bytes | None, bytes, list[tuple[str, bytes]]]


@dataclass(frozen=True)
class Feed:
    """Pages as sent, and exactly what the pipeline must make of them.

    `unique_ids` are the teasers these pages show first: all of them for a feed from
    its start, only those no earlier page showed for a continuation (`then`).
    """

    pages: list[FeedPage]
    messages: list[Message]
    page_ids: list[str]
    unique_ids: frozenset[str]

    @classmethod
    def build(cls, count: int) -> Feed:
        pages = list(crawl_feed(count, window=WINDOW, new_per_page=NEW_PER_PAGE, sites=SITES))
        unique = frozenset(t.teaser_id for p in pages for t in p.teasers)
        expected = distinct_teasers(count, window=WINDOW, new_per_page=NEW_PER_PAGE, sites=SITES)
        if len(unique) != expected:
            raise HarnessError(
                f"the feed has {len(unique)} distinct teaser ids where distinct_teasers() says "
                f"{expected}: stream.testing.feed and its count disagree; fix the feed first"
            )
        return cls._of(pages, unique)

    @classmethod
    def _of(cls, pages: list[FeedPage], unique: frozenset[str]) -> Feed:
        messages = [p.message() for p in pages]
        ids = [p.page_id for p in pages]
        return cls(pages=pages, messages=messages, page_ids=ids, unique_ids=unique)

    def split(self, parts: int) -> list[Feed]:
        """The feed as `parts` consecutive runs of pages (as even as can be), each with
        the teasers it shows first: what the pipeline must make of each in turn."""
        size = -(-len(self.pages) // max(1, parts))
        runs, shown = [], set[str]()
        for start in range(0, len(self.pages), size):
            end = start + size
            pages = self.pages[start:end]
            first = {t.teaser_id for p in pages for t in p.teasers} - shown
            shown |= first
            runs.append(
                Feed(
                    pages=pages,
                    messages=self.messages[start:end],
                    page_ids=self.page_ids[start:end],
                    unique_ids=frozenset(first),
                )
            )
        if shown != self.unique_ids:
            raise HarnessError("the runs of the feed do not show its teasers; fix Feed.split")
        return runs

    def then(self, count: int) -> Feed:
        """The `count` pages the crawl sends after these (the feed is prefix-stable)."""
        whole = Feed.build(len(self.pages) + count)
        later = whole.pages[len(self.pages) :]
        return Feed._of(later, whole.unique_ids - self.unique_ids)

    def pipeline_outputs(self, settings: Settings) -> dict[str, frozenset[bytes]]:
        return {
            settings.topic_articles: frozenset(pid.encode() for pid in self.page_ids),
            settings.topic_teasers: frozenset(tid.encode() for tid in self.unique_ids),
        }

    def passthrough_outputs(self, settings: Settings) -> dict[str, frozenset[bytes]]:
        return {settings.topic_articles: frozenset(m[0] for m in self.messages if m[0])}
