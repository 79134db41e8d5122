"""The synthetic crawl feed parses like a real site and its distinct count is exact."""

from __future__ import annotations

import datetime as dt

import pytest

from stream import identity
from stream.parse import parse_page
from stream.testing.feed import TEMPLATE_MARKERS, crawl_feed, distinct_teasers, templated_share


def _parsed_ids(body: str, fetched_at: dt.datetime) -> list[str]:
    parsed = parse_page(body, content_type="text/plain", reference_date=fetched_at.date())
    return [identity.teaser_id(t.headline, t.lead) for t in parsed.teasers]


def test_pages_parse_to_their_window_of_teasers() -> None:
    pages = list(crawl_feed(6, window=40, new_per_page=3, sites=2))
    for page in pages:
        assert _parsed_ids(page.body, page.fetched_at) == [t.teaser_id for t in page.teasers]
        assert len(page.teasers) == 40
    # Consecutive pages of one site share all but `new_per_page` teasers.
    first, second = pages[0], pages[2]
    assert len({t.teaser_id for t in first.teasers} & {t.teaser_id for t in second.teasers}) == 37


def test_each_page_has_its_own_article_headline() -> None:
    pages = list(crawl_feed(4, window=10))
    headlines = {
        parse_page(p.body, content_type="text/plain", reference_date=p.fetched_at.date()).headline
        for p in pages
    }
    assert len(headlines) == 4


@pytest.mark.parametrize(
    ("pages", "window", "new", "sites"),
    [(1, 100, 3, 4), (10, 100, 3, 4), (7, 20, 5, 3), (9, 5, 8, 2), (5, 10, 0, 1), (0, 10, 3, 2)],
)
def test_distinct_teasers_counts_the_union_of_windows(
    pages: int, window: int, new: int, sites: int
) -> None:
    feed = crawl_feed(pages, window=window, new_per_page=new, sites=sites)
    union = {t.teaser_id for page in feed for t in page.teasers}
    assert distinct_teasers(pages, window=window, new_per_page=new, sites=sites) == len(union)


def test_the_feed_is_repeatable() -> None:
    assert [p.body for p in crawl_feed(3, seed=7)] == [p.body for p in crawl_feed(3, seed=7)]
    assert [p.body for p in crawl_feed(3, seed=7)] != [p.body for p in crawl_feed(3, seed=8)]


def test_templated_reports_come_in_the_samples_proportion_and_parse() -> None:
    # 17 of the 201 teasers of the two sample pages are templated daily reports.
    assert templated_share() == pytest.approx(17 / 201)
    pages = list(crawl_feed(400))
    teasers = {t.teaser_id: t for page in pages for t in page.teasers}
    share = sum(bool(TEMPLATE_MARKERS.search(t.headline)) for t in teasers.values()) / len(teasers)
    assert share == pytest.approx(templated_share(), abs=0.02)
    templated = next(
        p for p in pages if any(TEMPLATE_MARKERS.search(t.headline) for t in p.teasers)
    )
    assert _parsed_ids(templated.body, templated.fetched_at) == [
        t.teaser_id for t in templated.teasers
    ]


def test_templated_reports_can_be_left_out() -> None:
    teasers = [t for page in crawl_feed(40, templated=0.0) for t in page.teasers]
    assert not any(TEMPLATE_MARKERS.search(t.headline) for t in teasers)
