"""One crawled page in, its article and teasers out: pure functions, no Kafka, no I/O.

A page comes as the crawlers' text form or as HTML; HTML is first reduced to its
visible text in the same line shape (`stream.html`), so one line-based reader
serves both and an HTML page parses exactly like its text form. Blank lines carry
no meaning (HTML cannot reproduce them faithfully), so the reader works on the
page's non-blank lines: the **article** (headline, lead, dateline paragraph, body
paragraphs, an optional `Tags` section) followed by **teasers**, each a block of
lines ended by a `Read more` line. Every rule that resolves an irregularity of real
pages (template residue, one-line teasers, stray `Read more` lines, glued tags,
datelines without a year) is written out next to its code and pinned in
`tests/unit/test_parse.py`. Texts are kept exactly as on the page, only stripped;
`stream.identity` normalises them for ids.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from stream.enrich.gazetteer import title_case
from stream.errors import NoArticle, TooLarge
from stream.html import html_to_text, looks_like_html

__all__ = [
    "ParsedDateline",
    "ParsedPage",
    "ParsedTeaser",
    "html_to_text",
    "parse_page",
]


@dataclass(frozen=True, slots=True)
class ParsedTeaser:
    """One related-headline block; a one-line teaser has only one of the two."""

    headline: str | None
    lead: str | None


@dataclass(frozen=True, slots=True)
class ParsedDateline:
    """`MOSCOW, February 11. /TASS/.` as `Moscow`, 2026-02-11, `TASS`."""

    place: str | None
    date: dt.date | None
    agency: str | None
    # True when the page gave no year and `parse_page` chose one (see there).
    year_inferred: bool


@dataclass(frozen=True, slots=True)
class ParsedPage:
    headline: str
    lead: str | None
    dateline: ParsedDateline | None
    # Body paragraphs in page order; the first one without its dateline prefix.
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...]
    teasers: tuple[ParsedTeaser, ...]


# A headline is one line of a few words; the longest in the samples has 90 characters.
# A first line far beyond this is not an article (e.g. a 1 MB blob on one line).
MAX_HEADLINE_CHARS = 300
# The samples carry about a hundred teasers each. A page with thousands of `Read more`
# lines is generated, and each teaser costs a sighting record and its enrichment.
MAX_READ_MORE_LINES = 1_000


def parse_page(
    body: str, *, content_type: str | None = None, reference_date: dt.date
) -> ParsedPage:
    """Parse one page into its article and teasers.

    `content_type` is `text/html` or `text/plain` (parameters such as `charset` are
    ignored); `None` or anything else means: HTML if the body starts like markup.

    A dateline without a year (`MOSCOW, February 11.`) gets the year that puts the
    date closest to `reference_date` (the fetch or publication date), earlier on a
    tie: `December 31` read on 2026-01-02 is 2025-12-31, `January 2` read on
    2025-12-31 is 2026-01-02, and `February 29` goes to the nearest leap year.

    Raises `stream.errors.NoArticle` when the page holds no article, and
    `stream.errors.TooLarge` for HTML with too many tags or too deeply nested to
    parse in bounded time, or more than `MAX_READ_MORE_LINES` teasers; never
    anything else, whatever the input.
    """
    if isinstance(reference_date, dt.datetime):
        reference_date = reference_date.date()  # a datetime cannot be subtracted from a date
    text = html_to_text(body) if _is_html(body, content_type) else body
    # The teaser blocks after the first `Read more` repeat from page to page of a site
    # (97 in 100 on a crawl): the text between two plain `Read more` lines is parsed
    # once and its teasers kept (`_between_markers`). Every rule is per line, so the
    # head (the article and the first teaser block) parses on its own lines exactly
    # as it does among the page's, with the first `Read more` line put back.
    head, *rest = text.split(_READ_MORE_LINE)
    if len(rest) > MAX_READ_MORE_LINES:
        raise _too_many_teasers(len(rest))
    lines = _content_lines(head)
    if rest:
        lines.append(_READ_MORE)
    # Navigation labels above the headline are page chrome.
    skip = 0
    while skip < len(lines) and _is_chrome(lines[skip]):
        skip += 1
    lines = lines[skip:]
    if not lines:
        raise NoArticle(
            "the page has no text once blank lines, template residue and navigation "
            "labels are removed"
        )
    markers = _markers(lines)
    # Per stretch only C-level steps and a cache hit: a page has a hundred of them.
    later = [*map(_between_markers, rest[:-1])]
    last = _after_markers(rest[-1]) if rest else _Blocks((), 0)
    read_more = len(markers) + len(rest) - 1 + sum(map(_MARKERS, later)) + last.markers
    if read_more > MAX_READ_MORE_LINES:
        raise _too_many_teasers(read_more)
    end = markers[0] if markers else len(lines)
    tags_at = _find_tags_heading(lines, end)
    teasers: list[ParsedTeaser] = []
    if markers:
        end, first = _first_teaser(lines, end, tags_at)
        if first is not None:
            teasers.append(first)
        teasers.extend(_teasers(lines, markers))
    teasers.extend(itertools.chain.from_iterable(map(_TEASERS, later)))
    teasers.extend(last.teasers)
    if end == 0:
        raise NoArticle("the page has no article: it holds only teasers, no headline before them")
    body_end = end if tags_at is None else tags_at
    tags: tuple[str, ...] = ()
    if tags_at is not None:
        # The page outside its tags section: the head's lines, and the rest of the
        # page (after the first plain `Read more` line) as written.
        after = text[len(head) + len(_READ_MORE_LINE) :] if rest else ""
        evidence = _PageWords([*lines[:tags_at], *lines[end:]], after)
        tags = _tags(lines[tags_at + 1 : end], evidence=evidence)
    return _article(lines[:body_end], reference_date, tags, tuple(teasers))


def _too_many_teasers(count: int) -> TooLarge:
    return TooLarge(
        f"the page has {count:,} `Read more` lines, above the "
        f"{MAX_READ_MORE_LINES:,} a page is read with; each teaser becomes a record"
    )


# How the pages we read end a teaser block; other spellings (`Read more »`, blank
# lines around it, CRLF) are found line by line, only without the shortcut.
_READ_MORE = "Read more"
_READ_MORE_LINE = f"\n{_READ_MORE}\n"


# -- Lines ---------------------------------------------------------------------


def _is_html(body: str, content_type: str | None) -> bool:
    kind = (content_type or "").partition(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    if kind == "text/plain":
        return False
    return looks_like_html(body)


def _content_lines(text: str) -> list[str]:
    """The stripped lines that hold text: not blank, not symbols only, not templates.

    A line that still shows template source (`{{newsPoint.title}}`, and with it the
    half-rendered ` date 2026-02-11 {{dayPoint.date | date : ...}}`) was never
    rendered for a reader, so the whole line goes, wherever it is.
    """
    lines = []
    # Blank lines are dropped by C iterators: a page of a million newlines costs a
    # Python step per line otherwise.
    for line in filter(None, map(str.strip, text.splitlines())):
        # Cheap tests first: this loop is most of the parse time of a text page.
        if not line[0].isalnum() and _ALNUM.search(line) is None:
            continue
        if "{" in line and _is_template(line):
            continue
        lines.append(line)
    return lines


# `str.isalnum` as a character class (`\w` is letters, digits and `_`), so that a
# line of a million symbols is searched in C, not character by character in Python.
_ALNUM = re.compile(r"[^\W_]")


def _is_template(line: str) -> bool:
    for opening, closing in (("{{", "}}"), ("{%", "%}")):
        at = line.find(opening)
        if at >= 0 and line.find(closing, at + 2) >= 0:
            return True
    return False


# Navigation labels that pages print above the article; only dropped there.
_CHROME = frozenset(
    {"all news", "latest news", "news feed", "news", "home", "menu", "search", "share", "print"}
)


def _is_chrome(line: str) -> bool:
    return len(line) <= 16 and line.casefold() in _CHROME


def _is_read_more(line: str) -> bool:
    # Tolerates the arrows and ellipses some templates append (`Read more »`).
    return len(line) <= 16 and line.casefold().rstrip(" .…›»→>") == "read more"


def _is_tags_heading(line: str) -> bool:
    return len(line) <= 8 and line.rstrip(" :").casefold() == "tags"


def _find_tags_heading(lines: list[str], end: int) -> int | None:
    # Never the first line: that is the headline, whatever it says.
    for i in range(1, end):
        if _is_tags_heading(lines[i]):
            return i
    return None


# -- Teasers -------------------------------------------------------------------
#
# A teaser is the block of lines before a `Read more` line: headline then lead.
# - A `Read more` with no line since the previous one (or, for the first, no line
#   the article can spare) is a stray: it ends no teaser and is skipped.
# - A block of one line is a one-line teaser; `_reads_as_lead` decides whether that
#   line is its headline or its lead.
# - In a longer block the last two lines are the teaser, unless the second-to-last
#   cannot be a headline (`_can_be_headline`); earlier lines are not teaser text.
#   Before the first `Read more` those earlier lines are the article and its tags.


def _first_teaser(
    lines: list[str], end: int, tags_at: int | None
) -> tuple[int, ParsedTeaser | None]:
    """The first teaser, which shares its block with the article, and where it starts."""
    last = end - 1
    # The block's last line is a teaser line unless it belongs to the article: a
    # dateline or body paragraph (ends like a sentence), the Tags heading or a tag.
    if last < 0 or _is_article_text(lines[last], last, tags_at):
        return end, None
    head = last - 1
    if (
        head >= 0
        and _can_be_headline(lines[head])
        and not _is_article_text(lines[head], head, tags_at)
    ):
        return head, ParsedTeaser(headline=lines[head], lead=lines[last])
    return last, _one_line_teaser(lines[last])


def _is_article_text(line: str, at: int, tags_at: int | None) -> bool:
    if _ends_like_sentence(line) or _dateline_match(line) is not None:
        return True
    if tags_at is not None and at >= tags_at:
        # Tags are short labels (`Foreign policy`, `Sergey Lavrov`); a teaser line is
        # a clause, so after the Tags heading a line of under four words is a tag.
        return at == tags_at or len(line.split(None, 3)) < 4
    return False


def _markers(lines: list[str]) -> list[int]:
    """Where the `Read more` lines are."""
    return [
        i
        for i, line in enumerate(lines)
        if line == _READ_MORE or (len(line) <= 16 and _is_read_more(line))
    ]


def _teasers(lines: list[str], markers: list[int]) -> Iterator[ParsedTeaser]:
    """The teasers of the blocks between consecutive `markers`."""
    for lo, hi in itertools.pairwise(markers):
        teaser = _block_teaser(lines[lo + 1 : hi])
        if teaser is not None:
            yield teaser


class _Blocks(NamedTuple):
    """What a stretch of a page after a `Read more` line holds: its teasers, and how
    many `Read more` lines of its own (other spellings, or one right after another)."""

    teasers: tuple[ParsedTeaser, ...]
    markers: int


# The stretches kept: a site's block of ~100 teasers, for ~160 sites at once, at
# ~1 kB an entry. Longer stretches are not kept (they are not teaser blocks).
_STRETCHES_KEPT = 16_384
_STRETCH_KEPT_CHARS = 2_000


_TEASERS = operator.itemgetter(0)
_MARKERS = operator.itemgetter(1)


def _between_markers(chunk: str) -> _Blocks:
    """The teasers of the text between two `Read more` lines (cached, see `parse_page`)."""
    if len(chunk) > _STRETCH_KEPT_CHARS:
        return _blocks(chunk, closed=True)
    return _cached_blocks(chunk)


def _after_markers(chunk: str) -> _Blocks:
    """The teasers of the text after the last plain `Read more` line: its last block is
    followed by none, so it is no teaser."""
    return _blocks(chunk, closed=False)


def _blocks(chunk: str, *, closed: bool) -> _Blocks:
    lines = _content_lines(chunk)
    markers = _markers(lines)
    bounds = [-1, *markers, len(lines)] if closed else [-1, *markers]
    return _Blocks(tuple(_teasers(lines, bounds)), len(markers))


@functools.lru_cache(maxsize=_STRETCHES_KEPT)
def _cached_blocks(chunk: str) -> _Blocks:
    return _blocks(chunk, closed=True)


def _block_teaser(block: list[str]) -> ParsedTeaser | None:
    if not block:
        return None  # a stray `Read more`
    if len(block) >= 2 and _can_be_headline(block[-2]):
        return ParsedTeaser(headline=block[-2], lead=block[-1])
    return _one_line_teaser(block[-1])


def _can_be_headline(line: str) -> bool:
    return len(line) <= MAX_HEADLINE_CHARS and not _ends_like_sentence(line)


def _ends_like_sentence(line: str) -> bool:
    """True for a line ending with a full stop, the mark of body text.

    Headlines and leads on these pages never end with one (0 of 400 lines in the
    samples); every body paragraph does, possibly before a closing quote or bracket.
    """
    core = line.rstrip("\"'”’»)]")
    return core.endswith((".", "!")) and not core.endswith("...")


def _one_line_teaser(line: str) -> ParsedTeaser:
    if _reads_as_lead(line):
        return ParsedTeaser(headline=None, lead=line)
    return ParsedTeaser(headline=line, lead=None)


_ARTICLES = frozenset({"the", "a", "an"})
_AUXILIARIES = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "can",
        "must",
    }
)
_OPENING_QUOTES = '"“«„'
# A headline is at most this long (90 characters and 17 words in the samples).
_HEADLINE_CHARS = 100
_HEADLINE_WORDS = 17


def _reads_as_lead(line: str) -> bool:
    """Whether a one-line teaser is a lead (a sentence) rather than a headline.

    News headlines are written in "headlinese": short, no articles, few auxiliary
    verbs, often with a trailing ` — Source` or a leading `LABEL:`; a lead is an
    ordinary sentence. In order, a line is:
    1. a headline if it carries a headline mark (` — Lavrov`, `IN BRIEF: `);
    2. a lead if it is longer than any headline (100 characters or 17 words);
    3. a lead if it opens with a quotation mark or an article (`The ...`), or holds
       two or more articles and auxiliaries (`the`, `has`, `will`, ...);
    4. otherwise a headline.
    On the 199 two-line teasers of the samples it reads no headline as a lead and
    over nine in ten leads as leads. A lead read as a headline keeps its teaser id:
    identity is the headline, else the lead, so only the field name changes.
    """
    if len(line) <= _HEADLINE_CHARS and (_has_attribution(line) or _has_label(line)):
        return False
    words = line.casefold().split()
    if len(line) > _HEADLINE_CHARS or len(words) > _HEADLINE_WORDS:
        return True
    if line[0] in _OPENING_QUOTES or words[0] in _ARTICLES:
        return True
    return sum(word in _ARTICLES or word in _AUXILIARIES for word in words) >= 2


def _has_attribution(line: str) -> bool:
    # `... — Lavrov`, `... — senior Russian diplomat`: a dash, then at most four words.
    for dash in (" — ", " – ", " - "):
        at = line.rfind(dash)
        if at > 0:
            return len(line[at + 3 :].split()) <= 4
    return False


def _has_label(line: str) -> bool:
    # `IN BRIEF: `, `FACTBOX: `, `Press review: `: one or two words before a colon,
    # capitalised or in capitals.
    label, colon, rest = line.partition(": ")
    words = label.split()
    return bool(colon and rest) and 1 <= len(words) <= 2 and label[0].isupper()


# -- Article -------------------------------------------------------------------


def _article(
    lines: list[str],
    reference_date: dt.date,
    tags: tuple[str, ...],
    teasers: tuple[ParsedTeaser, ...],
) -> ParsedPage:
    """The article from its lines: headline, lead, dateline paragraph and body."""
    headline = lines[0]
    if len(headline) > MAX_HEADLINE_CHARS:
        raise NoArticle(
            f"the page has no article: its first line has {len(headline):,} characters, "
            f"far more than a headline has (at most {MAX_HEADLINE_CHARS})"
        )
    if len(lines) < 2:
        # One line of words is a fragment (a title, a stray label), not an article.
        raise NoArticle(
            "the page has no article: only one line of text, a headline needs a lead "
            "or body after it"
        )
    # The dateline opens the first body paragraph; the lead is the line after the
    # headline. Lines between the lead and the dateline (a photo credit, a caption)
    # are neither lead nor body. Without a dateline the body starts after the lead.
    lead = lines[1] if len(lines) > 1 else None
    body_start = 2
    dateline: ParsedDateline | None = None
    first: list[str] = []
    # Looked for among the first lines only: deeper down a dateline-shaped line is a
    # body paragraph (a quoted wire item), and taking it would drop the lines above.
    for i in range(1, min(len(lines), _DATELINE_WITHIN + 1)):
        match = _dateline_match(lines[i])
        if match is not None:
            dateline = _dateline(match, reference_date)
            rest = lines[i][match.end() :].strip()
            first = [rest] if rest else []
            lead = lead if i > 1 else None
            body_start = i + 1
            break
    return ParsedPage(
        headline=headline,
        lead=lead,
        dateline=dateline,
        paragraphs=(*first, *lines[body_start:]),
        tags=tags,
        teasers=teasers,
    )


# -- Dateline ------------------------------------------------------------------

# How many lines after the headline may hold the dateline: the lead, a photo credit
# and a caption, then the dateline paragraph.
_DATELINE_WITHIN = 4

# `MOSCOW, February 11. /TASS/.`, `ST. PETERSBURG, Feb. 3, 2025. /TASS/.` and the
# wire style `LONDON, March 2 (Reuters) -`. Every quantifier is bounded and nothing
# is nested, so a match attempt costs at most a few hundred steps on any line.
_DATELINE = re.compile(
    r"(?P<place>[^\W\d_][^,\n]{0,58}?), "
    r"(?P<month>[A-Za-z]{3,9})\.? (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?\.?"
    r"(?: /(?P<agency>[^/\n]{1,30})/\.?| \((?P<wire>[^()\n]{1,30})\) ?[-—–]?)"
    r"(?: +|$)"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


def _dateline_match(line: str) -> re.Match[str] | None:
    match = _DATELINE.match(line)
    if match is None or not match["place"].isupper() or match["month"].lower() not in _MONTHS:
        return None
    return match


def _dateline(match: re.Match[str], reference_date: dt.date) -> ParsedDateline:
    month = _MONTHS[match["month"].lower()]
    day = int(match["day"])
    year_inferred = match["year"] is None
    if year_inferred:
        date = _nearest_date(month, day, reference_date)
    else:
        try:
            date = dt.date(int(match["year"]), month, day)
        except ValueError:
            date = None
    agency = (match["agency"] or match["wire"] or "").strip() or None
    return ParsedDateline(
        # The enrichment's title-caser, so that the article's dateline country, which
        # `resolve_place` finds from this spelling, agrees with it.
        place=title_case(match["place"]),
        date=date,
        agency=agency,
        year_inferred=year_inferred and date is not None,
    )


# A dateline is never later than the page was fetched, but the wire's time zone can
# be a day ahead of the reference (UTC).
_DATELINE_SLACK = dt.timedelta(days=1)


def _nearest_date(month: int, day: int, reference: dt.date) -> dt.date | None:
    """The latest date with this month and day that is not after `reference` (plus a
    day of slack): news is dated before it is fetched, so `February 11` fetched in
    November is this year's and `December 31` fetched on January 2 is last year's.

    Looking back four years always finds a leap year, for `February 29`.
    """
    latest = reference + _DATELINE_SLACK
    for year in range(latest.year, latest.year - 5, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue  # `February 29` in a common year, `April 31`, a year out of range
        if candidate <= latest:
            return candidate
    return None


# -- Tags ----------------------------------------------------------------------


# A tags section is a few short labels. A line longer than this is not a line of
# tags (a handful of glued tags is well under it), and lines past the hundredth are
# not tags either: both bound the work an abusive page can ask for.
_MAX_TAG_LINE_CHARS = 200
_MAX_TAG_LINES = 100


def _tags(tag_lines: list[str], *, evidence: _PageWords) -> tuple[str, ...]:
    """The tags, glued ones split (`_glue_points`), each once, in page order."""
    tags: dict[str, None] = {}
    words = evidence
    for line in tag_lines[:_MAX_TAG_LINES]:
        if len(line) > _MAX_TAG_LINE_CHARS:
            continue
        start = 0
        for cut in [*_glue_points(line, words), len(line)]:
            tag = line[start:cut].strip()
            start = cut
            if tag:
                tags[tag] = None
    return tuple(tags)


class _PageWords:
    """Whether a camel-cased word occurs on the page outside the tags section.

    Evidence beats shape: a word the page itself writes that way (`YouTube`,
    `BlackRock`) is a name, not two tags glued together. Each question is a substring
    search over the page's lines (`lines`, then the content lines of `after`, raw text
    that `parse_page` did not split into lines); past `_MAX_LOOKUPS` of them (no real
    tags section comes close) the answer is no, so the work stays bounded.
    """

    _MAX_LOOKUPS = 64

    def __init__(self, lines: list[str], after: str = "") -> None:
        self._lines = lines
        self._after = after
        self._text: str | None = None
        self._after_text: str | None = None
        self._lookups = 0

    def __contains__(self, word: str) -> bool:
        if self._lookups >= self._MAX_LOOKUPS:
            return False
        self._lookups += 1
        if self._text is None:
            self._text = "\n".join(self._lines)
        if word in self._text:
            return True
        # A word is letters only, so it never spans two lines: absent from the raw
        # text, it is absent from its lines, and only a hit needs the lines (a hit
        # in a template line, which is no content line, does not count).
        if word not in self._after:
            return False
        if self._after_text is None:
            self._after_text = "\n".join(_content_lines(self._after))
        return word in self._after_text


# Name prefixes that are followed by a capital inside one word: McDonald, MacArthur,
# DeVos, DiCaprio, LaGuardia, LeBron.
_NAME_PREFIXES = frozenset({"Mc", "Mac", "De", "Di", "La", "Le"})


def _glue_points(line: str, page_words: _PageWords) -> list[int]:
    """Where two tags were glued by the text extraction: `Foreign policySergey Lavrov`.

    The extractor joins adjacent tag links without a space, so a tag ending in a
    lower-case letter runs into the next tag's capital. A glue point is a lower-case
    letter followed by an upper-case letter that starts a lower-case run (`yS` + `e`),
    except inside words that are written that way: after a single lower-case letter
    (`iPhone`, `eBay`), after a name prefix (`McDonald`, `DeVos`), or in a word that
    the page uses elsewhere (`YouTube`, see `_PageWords`). Words in capitals (`NATO`,
    `OpenAI`) have no capital followed by a lower-case letter to cut at.
    """
    cuts: list[int] = []
    end = len(line)
    i = 0
    # One pass over each run of letters (a word, or glued words), so the work is
    # linear in the line.
    while i < end:
        if not line[i].isalpha():
            i += 1
            continue
        run_start = piece_start = i
        run_cuts = []
        i += 1
        while i < end and line[i].isalpha():
            if (
                line[i].isupper()
                and line[i - 1].islower()
                and i + 1 < end
                and line[i + 1].islower()
                and i - piece_start > 1
                and line[piece_start:i] not in _NAME_PREFIXES
            ):
                run_cuts.append(i)
                piece_start = i
            i += 1
        # The word each cut would break: the pieces on both sides of it.
        bounds = [run_start, *run_cuts, i]
        cuts += [
            cut
            for k, cut in enumerate(run_cuts)
            if line[bounds[k] : bounds[k + 2]] not in page_words
        ]
    return cuts
