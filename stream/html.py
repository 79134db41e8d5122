"""The visible text of an HTML page, in the line shape of the crawlers' text form.

`stream.parse` reads pages as lines: one line per headline, paragraph, tag and
teaser line. This module turns HTML into that shape with a real HTML parser
(selectolax's lexbor backend, the HTML Standard's tree builder) and a simplified
form of the browser's `innerText` rules: markup that is not text (scripts,
styles, templates) and page chrome (navigation, page header and footer, asides,
forms) is dropped; block elements and `<br>` end a line, `<p>` leaves a blank
line around it; runs of whitespace inside a line collapse to one space; entities
come out decoded. The tree is walked iteratively, so nesting depth cannot
exhaust the Python stack, and markup whose parse would cost quadratic time is
refused before it reaches the parser.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from stream.errors import TooLarge

__all__ = ["html_to_text", "looks_like_html"]

# Never text, wherever they are. `head` holds `<title>`, which would otherwise come
# first and be read as the headline.
_NOT_TEXT = frozenset(
    {
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "aside",
        "form",
        "iframe",
        "object",
        "embed",
        "canvas",
        "svg",
        "math",
        "select",
        "datalist",
    }
)
# Page chrome only when they belong to the page. Inside `<article>`, `<main>` or
# `<section>` they are that part's own header and footer (the HTML-AAM mapping of
# `banner`/`contentinfo`), and an article's `<header>` usually holds its `<h1>`.
_PAGE_CHROME = frozenset({"header", "footer"})
_SECTIONING = frozenset({"article", "main", "section"})

_BLOCK = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "legend",
        "li",
        "listing",
        "main",
        "menu",
        "ol",
        "pre",
        "search",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "xmp",
    }
)
# Line-break marks put in the text during the walk and turned into newlines at the
# end (`_finish`). Lone surrogates cannot come out of the parser (it works on UTF-8,
# and turns `&#xD800;` into U+FFFD); `html_to_text` removes them from its input.
_LINE = "\ud800"
_PARAGRAPH = "\ud801"
_NO_MARKS = str.maketrans({_LINE: None, _PARAGRAPH: None})
_MARKS = ("", _LINE, _PARAGRAPH)
# CSS `white-space: normal` collapses these five only; a no-break space is kept.
_CSS_SPACE = " \t\n\r\f"
_PRE = frozenset({"pre", "listing", "xmp", "textarea"})

# Lexbor's tree builder walks its stack of open elements for many tags (any end tag
# that is not the current node, any block start tag), so its time grows with nesting
# depth times tag count: measured, 10,000 nested `<div>` take 0.12 s and 40,000 take
# 1.8 s. Real pages nest a few dozen deep over a few thousand tags (the HTML twins of
# the samples: ~1,100 tags), so a depth times tag count above 20 million (0.03 s of
# tree building at worst) is refused, and with it any page nested 4,500 deep.
_MAX_PARSE_WORK = 20_000_000
# Parsing and walking the tree, then reading its lines, cost 2-3 µs per tag, so the
# tag count is bounded as well: 20,000 tags keep a page at about 0.04 s, where
# 30,000 `<p>word</p>` took 0.05-0.08 s. A page of 1,500 elements (3,000 tags) is a
# large one by the HTTP Archive's count; the samples' HTML twins have 1,100 tags.
_MAX_TAGS = 20_000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# Start tags that never deepen the tree: void elements, elements whose end tag is
# implied by the next sibling (so they cannot nest without a container in between),
# and `a`, `button` and `nobr`, whose start tag closes an open one of its kind.
_FLAT = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "option",
        "tr",
        "td",
        "th",
        "a",
        "button",
        "nobr",
    }
)


def looks_like_html(body: str) -> bool:
    """True when a body of unknown type starts like markup: `<` then a tag name, `!` or `?`.

    The text form never starts that way (its first line is a headline or template
    residue), while every HTML document and fragment does, after whitespace or a BOM.
    """
    head = body[:64].lstrip("\ufeff \t\r\n")
    return (
        len(head) >= 2
        and head[0] == "<"
        and ((head[1].isascii() and head[1].isalpha()) or head[1] in "!?")
    )


def html_to_text(html: str) -> str:
    """The visible text of `html`, one line per block, paragraphs between blank lines.

    Raises `TooLarge` for markup with so many tags, or nested so deep, that parsing it
    would take more than a few hundredths of a second.
    """
    _check_parse_work(html)
    if _LINE in html or _PARAGRAPH in html:
        html = html.translate(_NO_MARKS)
    root = LexborHTMLParser(html).root
    if root is None:
        return ""
    return _walk(root)


def _check_parse_work(html: str) -> None:
    # At most this many tags: `<` also opens comments and stands in scripts. Counted
    # with `str.count`, as a regular expression takes 0.05-0.1 s on a 1 MB page.
    tags = html.count("<") - html.count("<!") - html.count("< ") - html.count("<=")
    if tags > _MAX_TAGS:
        raise TooLarge(
            f"HTML has up to {tags:,} tags, above the {_MAX_TAGS:,} that it can be parsed "
            "with in bounded time; no real page has this many"
        )
    # Depth cannot exceed the tag count, so small documents need no closer look.
    if tags * tags <= _MAX_PARSE_WORK:
        return
    # An estimate of the deepest nesting from the tags alone, not a parse: it only
    # decides whether the real parser may run.
    # `findall` and plain comparisons: this loop runs for up to `_MAX_TAGS` tags, and
    # match objects and `max` calls doubled its time.
    depth = deepest = 0
    for closing, name in _TAG.findall(html):
        if closing:
            if depth:
                depth -= 1
        elif name.lower() not in _FLAT:
            depth += 1
            if depth > deepest:
                deepest = depth
    if deepest * tags > _MAX_PARSE_WORK:
        raise TooLarge(
            f"HTML nests elements about {deepest:,} deep over {tags:,} tags: "
            "too costly to parse (the limit is a depth times tag count of "
            f"{_MAX_PARSE_WORK:,}); no real page is nested like this"
        )


def _walk(root: LexborNode) -> str:
    """The visible text under `root`: text pieces and break marks, then `_finish`."""
    parts: list[str] = []
    # The strongest break asked for since the last text (`_MARKS` index). Breaks are
    # written only when text follows, so a run of breaks is one mark, a paragraph
    # winning over a line, and whitespace next to a mark is dropped as it comes.
    pending = 0
    # Iterative depth-first walk over sibling and parent links, so that no nesting
    # depth can exhaust the Python stack. Nodes have no end events: `exits` holds,
    # for each open element, the break it asks for when left, whether page chrome
    # may be dropped inside it, and whether it is preformatted.
    exits: list[tuple[int, bool, bool]] = []
    chrome_ok = True
    pre = 0
    node: LexborNode | None = root
    while node is not None:
        tag = node.tag or "-"
        kind = 0
        child = None
        if tag == "-text":
            text = node.text_content or ""
            if pre:
                text = text.replace("\n", _LINE)
            if pending:
                text = text.lstrip(_CSS_SPACE)
                if text and parts:
                    parts[-1] = parts[-1].rstrip(_CSS_SPACE)
                    parts.append(_MARKS[pending])
            if text:
                parts.append(text)
                pending = 0
        elif tag[0] in "-!":
            pass  # comments, doctype
        elif tag in _NOT_TEXT or (chrome_ok and tag in _PAGE_CHROME):
            pass
        elif "hidden" not in node.attributes:
            kind = 2 if tag == "p" else 1 if tag in _BLOCK or tag == "br" else 0
            if kind > pending:
                pending = kind
            child = node.child
        if child is not None:
            is_pre = tag in _PRE
            exits.append((kind, chrome_ok, is_pre))
            pre += is_pre
            chrome_ok = chrome_ok and tag not in _SECTIONING
            node = child
            continue
        if kind > pending:
            pending = kind
        # Leave finished subtrees until one has a next sibling.
        done: LexborNode = node
        while True:
            node = done.next
            if node is not None:
                break
            parent = done.parent
            if not exits or parent is None:
                break
            done = parent
            kind, chrome_ok, is_pre = exits.pop()
            pre -= is_pre
            if kind > pending:
                pending = kind
    return _finish("".join(parts))


def _finish(text: str) -> str:
    """Collapse whitespace and turn marks into newlines, in plain str passes.

    Not regular expressions: on a 30 kB page one regex pass over the whole text
    costs about half a millisecond, these passes a few microseconds each.
    """
    for space in "\n\t\r\f":
        if space in text:
            text = text.replace(space, " ")
    # Each pass halves every run: log2(n) passes for a run of n.
    while "  " in text:
        text = text.replace("  ", " ")
    for mark in (_LINE, _PARAGRAPH):
        # Spaces between two text pieces before a mark, and around `<pre>` newlines.
        if " " + mark in text:
            text = text.replace(" " + mark, mark)
        if mark + " " in text:
            text = text.replace(mark + " ", mark)
    text = text.replace(_LINE, "\n").replace(_PARAGRAPH, "\n\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip(" \n")
