"""A synthetic crawl feed shaped like the real one, for load tests and benchmarks.

A news site shows the same "latest news" block of teasers on almost every page;
as the day goes on, a few new teasers push the oldest ones out. This feed does
the same: site `s`'s page `n` carries a window of `window` teasers from the site's
own pool, shifted by `new_per_page` per page, around an article of its own. So
after `pages` pages the distinct teasers are known in advance, and most sightings
are repeats, which is the load dedup meets in production.

Pages are laid out like the bundled sample `000` (same header, article and tags,
then `headline / lead / Read more` blocks), so they go through the real parser.
Text is drawn from the samples' own vocabulary with a seeded generator: two runs
with the same arguments give the same pages, byte for byte. A share of the teasers
are the templated reports every agency prints daily (`Ukraine’s army attacks
Russia’s Kursk Region with 45 UAVs in past day`, press reviews, `IN BRIEF:`), which
differ only in a place or a number: as many as the sample pages show
(`templated_share`), because they are what fills near-duplicate buckets.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from stream import identity
from stream.intake import encode_page
from stream.parse import parse_page

_WORD = re.compile(r"[A-Za-z][a-z]{2,}")
_SAMPLE = "000_4065343f77174ab1.txt"
_FIRST_TEASER = "Zelensky blocks peace in Ukraine to profit further from conflict"
_ARTICLE_HEADLINE = "Lavrov tells US to keep out of regions that don't concern it"

#: What marks a headline as a templated daily report in the sample pages.
TEMPLATE_MARKERS = re.compile(
    r"\b(?:over|in) (?:the )?past (?:day|24 hours)\b|\bduring day\b"
    r"|^Press review:|^IN BRIEF:|^FACTBOX:|: what we know\b",
    re.IGNORECASE,
)
_REGIONS = (
    "Kursk", "Belgorod", "Bryansk", "Zaporozhye", "Kherson", "Donetsk", "Lugansk",
    "Kharkov", "Krasnodar", "Voronezh", "Rostov", "Sumy", "Tula", "Oryol",
)  # fmt: skip
_PLACES = (
    "Zaliznichnoye", "Gulyaipole", "Kamenskoye", "Guyevo", "Zhuravka", "Oleshnya",
    "Dzerzhinsk", "Dimitrov", "Novoaleksandrovka", "Striguny", "Shebekino", "Kupyansk",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")


@dataclass(frozen=True, slots=True)
class FeedTeaser:
    headline: str
    lead: str

    @property
    def teaser_id(self) -> str:
        return identity.teaser_id(self.headline, self.lead)


@dataclass(frozen=True, slots=True)
class FeedPage:
    url: str
    fetched_at: dt.datetime
    body: str
    teasers: tuple[FeedTeaser, ...]

    @property
    def page_id(self) -> str:
        return identity.page_id(self.url, self.body)

    def message(self) -> tuple[bytes | None, bytes, list[tuple[str, bytes]]]:
        """(key, value, headers) as `stream produce` sends the page: a JSON envelope."""
        return encode_page(
            self.body.encode(),
            content_type="text/plain",
            url=self.url,
            fetched_at=self.fetched_at,
            raw=False,
        )


@dataclass(frozen=True, slots=True)
class _Template:
    head: str  # header, article and tags: everything before the teaser block
    vocabulary: tuple[str, ...]


@cache
def _template() -> _Template:
    text = resources.files("stream.data.pages").joinpath(_SAMPLE).read_text("utf-8")
    head = text[: text.index(_FIRST_TEASER)]
    words = sorted(set(_WORD.findall(text)))
    return _Template(head=head, vocabulary=tuple(words))


class _Pool:
    """One site's teasers, generated on demand and kept: page n needs items n*k.."""

    def __init__(self, site: int, seed: int, templated: float) -> None:
        self._random = random.Random(f"{seed}/{site}")
        self._site = site
        self._templated = templated
        self._items: list[FeedTeaser] = []

    def __getitem__(self, index: int) -> FeedTeaser:
        while len(self._items) <= index:
            self._items.append(self._make(len(self._items)))
        return self._items[index]

    def _make(self, number: int) -> FeedTeaser:
        if self._random.random() < self._templated:
            return self._templated_report(number)
        words = _template().vocabulary
        pick = self._random.choices
        # The number makes every headline distinct even if the words repeat.
        headline = " ".join(pick(words, k=self._random.randint(6, 11))).capitalize()
        # No final full stop: on these sites only body paragraphs end with one.
        lead = " ".join(pick(words, k=self._random.randint(14, 28))).capitalize()
        return FeedTeaser(f"{headline}, report {self._site}-{number}", lead)

    def _templated_report(self, number: int) -> FeedTeaser:
        """A daily report of one of the samples' templates: only places and numbers
        change. The headline names its bulletin (`— bulletin 0-93`, as agencies credit
        a source), because a teaser's id is its headline's: every teaser is distinct."""
        r = self._random
        region, place, n = r.choice(_REGIONS), r.choice(_PLACES), r.randint(2, 300)
        words = " ".join(r.choices(_template().vocabulary, k=r.randint(3, 6)))
        ref = f"report {self._site}-{number}"
        kind = r.randrange(6)
        if kind == 0:
            headline = f"Ukraine’s army attacks Russia’s {region} Region with {n} UAVs in past day"
            lead = f"Air defenses destroyed {n} drones over the {region} Region, {ref}"
        elif kind == 1:
            headline = f"Russian troops liberate {place} community in {region} Region over past day"
            lead = f"Russia’s battlegroup inflicted roughly {n * 10} casualties on the enemy, {ref}"
        elif kind == 2:
            headline = (
                f"{n % 12 + 1} civilians killed, {n % 20 + 2} wounded in Ukraine’s attacks "
                f"on {region} Region during day"
            )
            lead = f"The head of the municipal area says the attacks targeted {place}, {ref}"
        elif kind == 3:
            headline = f"Press review: {words.capitalize()} as {region} weighs {place} move"
            day = f"{r.choice(_WEEKDAYS)}, {r.choice(_MONTHS)} {n % 28 + 1}th"
            lead = f"Top stories from the Russian press on {day}, {ref}"
        elif kind == 4:
            headline = f"IN BRIEF: What is known about {words} in {region} Region"
            lead = f"TASS has compiled the key details about {place}, {ref}"
        else:
            headline = f"{words.capitalize()} in {place}, {region} Region: what we know"
            lead = f"According to preliminary information, {n} people were at the site, {ref}"
        return FeedTeaser(f"{headline} — bulletin {self._site}-{number}", lead)


@cache
def templated_share() -> float:
    """The share of the sample pages' teasers whose headline is a templated report
    (`TEMPLATE_MARKERS`): 17 of 201."""
    reference = dt.date(2026, 2, 11)
    teasers = [
        teaser
        for page in resources.files("stream.data.pages").iterdir()
        if page.name.endswith(".txt")
        for teaser in parse_page(page.read_text("utf-8"), reference_date=reference).teasers
    ]
    templated = [t for t in teasers if t.headline and TEMPLATE_MARKERS.search(t.headline)]
    return len(templated) / len(teasers)


def crawl_feed(
    pages: int,
    *,
    window: int = 100,
    new_per_page: int = 3,
    sites: int = 4,
    seed: int = 0,
    start: dt.datetime | None = None,
    templated: float | None = None,
) -> Iterator[FeedPage]:
    """`pages` pages, round robin over `sites`, one minute of crawl time apart;
    `templated` of the teasers are daily reports (default: the samples' share)."""
    if window < 1 or new_per_page < 0 or sites < 1 or pages < 0:
        raise ValueError("need window >= 1, new_per_page >= 0, sites >= 1, pages >= 0")
    template = _template()
    share = templated_share() if templated is None else templated
    pools = [_Pool(site, seed, share) for site in range(sites)]
    start = start or dt.datetime(2026, 2, 11, 8, 0, tzinfo=dt.UTC)
    for n in range(pages):
        site, page = n % sites, n // sites
        pool = pools[site]
        first = page * new_per_page
        # Newest first, as sites list them.
        teasers = tuple(pool[i] for i in reversed(range(first, first + window)))
        # The page's own story, which later pages list as a teaser.
        article = pool[first + window]
        head = template.head.replace(_ARTICLE_HEADLINE, article.headline, 1)
        block = "".join(f"{t.headline}\n{t.lead}\nRead more\n" for t in teasers)
        yield FeedPage(
            url=f"https://site-{site}.example/news/{page}",
            fetched_at=start + dt.timedelta(minutes=n),
            body=head + block,
            teasers=teasers,
        )


def history_teasers(count: int, *, sites: int = 4, seed: int = 1) -> Iterator[FeedTeaser]:
    """`count` distinct teasers the sites showed before a feed of another `seed`:
    what the dedup and near-duplicate state of a worker running for a month holds.
    Round robin over the sites, in the pools' order (templated reports included)."""
    pools = [_Pool(site, seed, templated_share()) for site in range(sites)]
    for n in range(count):
        yield pools[n % sites][n // sites]


def distinct_teasers(
    pages: int, *, window: int = 100, new_per_page: int = 3, sites: int = 4
) -> int:
    """How many distinct teasers `crawl_feed` with these arguments shows, exactly."""
    per_site = [pages // sites + (1 if s < pages % sites else 0) for s in range(sites)]
    return sum(window + (n - 1) * min(new_per_page, window) for n in per_site if n)
