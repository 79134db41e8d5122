"""HTML twins of text-form pages: the same page as a realistic news site would serve it.

`tests/unit/test_parse.py` proves that a twin parses to the same `ParsedPage` as its text
form, and `benchmarks/bench_parse.py` times both. The twin is built from the text
form and its parse, never typed by hand: the article from the parsed fields, the
template residue above it and the teaser zone from the raw lines (so stray
`Read more` lines and one-line teasers are carried over as they are). Around the
article it puts what a real page has and the parser must ignore: scripts, styles,
navigation, a page header and footer, an aside with its own `Read more` links, a
form, a template and hidden elements.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from stream.parse import ParsedDateline, ParsedPage

_MONTHS = [dt.date(2001, month, 1).strftime("%B") for month in range(1, 13)]

_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} - TASS</title>
<script>window.dataLayer = [{{"event": "Read more"}}]; if (a < b) {{ render(); }}</script>
<style>.teaser h3 {{ font-weight: bold }} .read-more::after {{ content: "Read more" }}</style>
</head>
<body>
<header class="site-header"><a href="/">TASS</a> <span>Russian News Agency</span></header>
<nav><ul><li><a href="/news">All news</a></li><li><a href="/politics">Politics</a></li></ul></nav>
<noscript><p>Please enable JavaScript</p></noscript>
<template id="card">
<div class="teaser"><h3>{{{{title}}}}</h3><span>Read more</span></div>
</template>
"""

_TAIL = """<aside class="most-read"><h2>Most read</h2>
<div><a href="/x"><h3>Something else entirely</h3><span>Read more</span></a></div></aside>
<form action="/subscribe"><label>Email</label><input name="e"><button>Subscribe</button></form>
<div hidden>Cookie settings<br>Read more</div>
<footer class="site-footer"><p>&copy; TASS 1999-2026</p><p>Read more about us</p></footer>
</body>
</html>
"""


def html_twin(text: str, page: ParsedPage) -> str:
    """The HTML page whose visible text has the shape of `text`, parsed as `page`."""
    raw = [line.strip() for line in text.splitlines() if line.strip()]
    out = [_HEAD.format(title=escape(page.headline))]
    # Template residue and navigation labels above the headline stay visible text,
    # as on a page whose client-side template never rendered.
    residue = raw[: raw.index(page.headline)]
    if residue:
        out.append('<div class="news-point" ng-if="newsPoint">')
        out += [f"<div>{escape(line)}</div>" for line in residue]
        out.append("</div>")
    out.append("<main>\n<article>")
    out.append(f"<header><h1>{escape(page.headline)}</h1></header>")
    if page.lead is not None:
        out.append(f'<p class="lead">{escape(page.lead)}</p>')
    out.append('<div class="text-content">')
    paragraphs = list(page.paragraphs)
    if page.dateline is not None:
        first = escape(paragraphs.pop(0)) if paragraphs else ""
        dateline = escape(_dateline_text(page.dateline))
        out.append(f'<p><span class="dateline">{dateline}</span> {first}</p>')
    out += [f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs]
    out.append("</div>")
    if page.tags:
        out.append('<div class="tags"><h2>Tags</h2><ul>')
        out += [f'<li><a href="/tag">{escape(tag)}</a></li>' for tag in page.tags]
        out.append("</ul></div>")
    out.append("</article>")
    out += _teaser_zone(raw, page)
    out.append("</main>")
    out.append(_TAIL)
    return "\n".join(out)


def _dateline_text(dateline: ParsedDateline) -> str:
    """`MOSCOW, February 11. /TASS/.` again from its parsed fields."""
    place, date, agency = dateline.place, dateline.date, dateline.agency
    assert place is not None
    assert date is not None
    year = "" if dateline.year_inferred else f", {date.year}"
    return f"{place.upper()}, {_MONTHS[date.month - 1]} {date.day}{year}. /{agency}/."


def _teaser_zone(raw: list[str], page: ParsedPage) -> list[str]:
    """The raw lines from the first teaser on, one card per `Read more`."""
    if not page.teasers:
        return []
    first = page.teasers[0]
    start = raw.index("Read more") - (2 if first.headline and first.lead else 1)
    out = ['<section class="news-list">']
    card: list[str] = []
    for line in raw[start:]:
        if line != "Read more":
            card.append(line)
            continue
        out.append('<div class="teaser"><a href="/news/1">')
        if len(card) >= 2:
            out += [f"<div>{escape(line)}</div>" for line in card[:-2]]
            out.append(f"<h3>{escape(card[-2])}</h3>")
        out += [f"<p>{escape(line)}</p>" for line in card[-1:]]
        out.append('<span class="read-more">Read more</span></a></div>')
        card = []
    out += [f"<div>{escape(line)}</div>" for line in card]
    out.append("</section>")
    return out
